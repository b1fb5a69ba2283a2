"""Hard rule `modality_gap`: at least a short rest between strength and endurance work.

RULES.md version 2: a lift and an endurance session (run, bike, swim, row) are at least
`modality_gap` apart (default 10 min, the article's shortest rest inside one visit), end
of one to start of the other, in either order. Longer is never worse here: how close they
may come without blunting the lift is the soft objective `interference`. A person may
raise the minimum (e.g. 6h forbids one-visit pairs). With `repeat_weekly` it also holds
from Sunday into the next Monday.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from trainweek.constraints.rule import Relaxation, SizeProblem, count, strength_endurance_pairs, with_rules
from trainweek.scheduler.model import WeekModel, apart_domain
from trainweek.scheduler.timetext import format_minutes
from trainweek.scheduler.training import Modality
from trainweek.scheduler.week import Week, rest_between, spaced

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "modality_gap"
HARD = True
TITLE = "strength and endurance apart"


def post(m: WeekModel) -> None:
    gap = m.plan.rules.modality_gap
    wrap = m.frame.length if m.plan.rules.repeat_weekly else None
    literal = m.rule_literal(NAME)
    for s, e in strength_endurance_pairs(m.items):
        domain = apart_domain(s.spec.duration, e.spec.duration, gap, None, wrap)
        m.keep_apart(s.index, e.index, domain, literal)


def check(week: Week) -> list[str]:
    gap = week.plan.rules.modality_gap
    wrap = week.frame.length if week.plan.rules.repeat_weekly else None
    placed = week.by_occurrence()
    return [
        f"{placed[s.index].occurrence.label} ({placed[s.index].when}) and {placed[e.index].occurrence.label} "
        f"({placed[e.index].when}) are closer than {format_minutes(gap)}"
        for s, e in strength_endurance_pairs(week.plan.occurrences)
        if not spaced(placed[s.index], placed[e.index], gap, None, wrap)
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    visit = week.plan.rules.visit_rest
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        lift, endurance = placed[s.index], placed[e.index]
        rest = rest_between(lift, endurance)
        if visit and visit[0] <= rest <= visit[1]:
            found.setdefault(s.index, []).append(f"one visit with {endurance.occurrence.label}, {rest} min rest between")
            found.setdefault(e.index, []).append(f"one visit with {lift.occurrence.label}, {rest} min rest between")
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    rules = plan.rules
    lifts = sum(1 for i in plan.occurrences if i.spec.modality is Modality.strength)
    endurance = sum(1 for i in plan.occurrences if i.spec.modality is Modality.endurance)
    gap = rules.modality_gap
    apart = f"must be {format_minutes(gap)} apart" if gap else "must not overlap"
    return f"{count(lifts, 'lift')} and {count(endurance, 'endurance session')} {apart} (modality_gap)"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """A shorter gap: hour by hour, then the 10 min of one visit."""
    return [_shorter_gap(plan)]


def _shorter_gap(plan: Plan) -> Iterator[Relaxation]:
    gap = plan.rules.modality_gap
    shorter = [hours * 60 for hours in range(gap // 60 - 1, 0, -1)] + [10]
    for minutes in (m for m in shorter if m < gap):
        yield Relaxation(NAME, f"modality_gap to {format_minutes(minutes)}", partial(with_rules, modality_gap=minutes))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
