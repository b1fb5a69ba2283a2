"""Hard rule `doubles`: two endurance sessions are a double only when they are well apart.

RULES.md version 2: any two endurance sessions (run, bike, swim, row) are at least
`double_gap` apart (default 4 h), end of one to start of the other. Back to back they are
one session: a long run 09:00-10:45 and an easy run from 10:45 is one run, not a double.
With `repeat_weekly` it also holds from Sunday into the next Monday. 0 only keeps them
from overlapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from trainweek.constraints.rule import Relaxation, SizeProblem, count, with_rules
from trainweek.scheduler.model import WeekModel, apart_domain
from trainweek.scheduler.timetext import format_minutes
from trainweek.scheduler.training import Kind, Modality
from trainweek.scheduler.week import Week, rest_between, spaced

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan

NAME = "doubles"
HARD = True
TITLE = "doubles well apart"


def _pairs(items: Iterable[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    endurance = [i for i in items if i.spec.modality is Modality.endurance]
    return [(a, b) for n, a in enumerate(endurance) for b in endurance[n + 1 :]]


def post(m: WeekModel) -> None:
    gap = m.plan.rules.double_gap
    if not gap:
        return
    length = m.frame.length if m.plan.rules.repeat_weekly else None
    literal = m.rule_literal(NAME)
    for a, b in _pairs(m.items):
        m.keep_apart(a.index, b.index, apart_domain(a.spec.duration, b.spec.duration, gap, None, length), literal)


def check(week: Week) -> list[str]:
    gap = week.plan.rules.double_gap
    if not gap:
        return []
    length = week.frame.length if week.plan.rules.repeat_weekly else None
    placed = week.by_occurrence()
    return [
        f"{placed[a.index].occurrence.label} ({placed[a.index].when}) and {placed[b.index].occurrence.label} "
        f"({placed[b.index].when}) are closer than {format_minutes(gap)}: one session, not a double (double_gap)"
        for a, b in _pairs(week.plan.occurrences)
        if not spaced(placed[a.index], placed[b.index], gap, None, length)
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    """Said of the second part of a double."""
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for a, b in _pairs(week.plan.occurrences):
        first, second = sorted((placed[a.index], placed[b.index]), key=lambda p: p.start)
        if first.day == second.day:
            found.setdefault(second.occurrence.index, []).append(
                f"the second run of a double with {first.occurrence.label}, "
                f"{format_minutes(rest_between(first, second))} after it to refuel (doubles)"
                if first.spec.kind is second.spec.kind is Kind.run
                else f"a double with {first.occurrence.label}, {format_minutes(rest_between(first, second))} "
                "after it to refuel (doubles)"
            )
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    endurance = sum(1 for i in plan.occurrences if i.spec.modality is Modality.endurance)
    return (
        f"{count(endurance, 'endurance session')} must be {format_minutes(plan.rules.double_gap)} apart "
        "to count as a double, not one session (doubles: double_gap)"
    )


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """A shorter gap between the parts of a double, an hour at a time."""
    return [_shorter(plan)]


def _shorter(plan: Plan) -> Iterator[Relaxation]:
    for hours in range(plan.rules.double_gap // 60 - 1, 0, -1):
        yield Relaxation(NAME, f"double_gap to {hours}h", partial(with_rules, double_gap=hours * 60))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
