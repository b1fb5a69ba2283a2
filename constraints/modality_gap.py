"""Hard rule `modality_gap`: at least a short rest between strength and endurance work.

RULES.md version 2: a lift and an endurance session (run, bike, swim, row) are at least
`modality_gap` apart (default 10 min, the article's shortest rest inside one visit), end
of one to start of the other, in either order: time to change, drink and get going. It
is a minimum only, and longer is never worse here (version 1's 10-20 min window, which
forbade 21 min to 6 h, is gone); how much a close pair blunts the lift is the soft
objective `interference`. A person may raise the minimum (e.g. 6h forbids one-visit
pairs). Mobility is neither modality and takes no gap. With `repeat_weekly` it also holds
from Sunday into the next Monday.

Posted per (lift, endurance session) pair as the allowed differences of their starts
(`apart_domain` through `keep_apart`), so the day patterns know which pairs can share a day.
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
        f"({placed[e.index].when}) "
        + (f"need {format_minutes(gap)} between them to change and get going (modality_gap)" if gap else "overlap (modality_gap)")
        for s, e in strength_endurance_pairs(week.plan.occurrences)
        if not spaced(placed[s.index], placed[e.index], gap, None, wrap)
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    """Said of the second part of one visit: how long there is to change and get going."""
    visit = week.plan.rules.visit_rest
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        first, second = sorted((placed[s.index], placed[e.index]), key=lambda p: p.start)
        rest = rest_between(first, second)
        if visit and visit[0] <= rest <= visit[1]:
            found.setdefault(second.occurrence.index, []).append(
                f"straight after {first.occurrence.label} in one visit, {rest} min to change and get going "
                f"({NAME})"
            )
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
    """6h -> 5h, ..., 1h, then 10 min; never below the default."""
    gap = plan.rules.modality_gap
    shorter = [hours * 60 for hours in range(gap // 60 - 1, 0, -1)] + [10]
    for minutes in (m for m in shorter if m < gap):
        yield Relaxation(NAME, f"modality_gap to {format_minutes(minutes)}", partial(with_rules, modality_gap=minutes))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
