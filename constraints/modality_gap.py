"""Hard rule `modality_gap`: strength and endurance sessions far apart, or paired in one visit.

Running close before lifting blunts the strength response (AMPK against mTOR signalling)
and lifting before a run tires the legs, so the two are kept `separate_modalities_by`
apart (default 6 h, end of one to start of the other). If `same_visit.allowed`, they may
instead be one visit with `same_visit.rest` (default 10-20 min) between the parts. With
`repeat_weekly`, Sunday's sessions must also be far from next Monday's.
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


def _settings(plan: Plan) -> tuple[int, tuple[int, int] | None]:
    return plan.rules.separate_modalities_by, plan.rules.same_visit.pair_rest


def post(m: WeekModel) -> None:
    gap, pair_rest = _settings(m.plan)
    wrap = m.frame.length if m.plan.rules.repeat_weekly else None
    literal = m.rule_literal(NAME)
    for s, e in strength_endurance_pairs(m.items):
        domain = apart_domain(s.spec.duration, e.spec.duration, gap, pair_rest, wrap)
        m.keep_apart(s.index, e.index, domain, literal)


def check(week: Week) -> list[str]:
    gap, pair_rest = _settings(week.plan)
    wrap = week.frame.length if week.plan.rules.repeat_weekly else None
    placed = week.by_occurrence()
    return [
        f"{placed[s.index].occurrence.label} ({placed[s.index].when}) and {placed[e.index].occurrence.label} "
        f"({placed[e.index].when}) are closer than {format_minutes(gap)} and not one visit"
        for s, e in strength_endurance_pairs(week.plan.occurrences)
        if not spaced(placed[s.index], placed[e.index], gap, pair_rest, wrap)
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    gap, pair_rest = _settings(week.plan)
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        lift, endurance = placed[s.index], placed[e.index]
        rest = rest_between(lift, endurance)
        if pair_rest and pair_rest[0] <= rest <= pair_rest[1]:
            found.setdefault(s.index, []).append(f"one visit with {endurance.occurrence.label}, {rest} min rest between")
            found.setdefault(e.index, []).append(f"one visit with {lift.occurrence.label}, {rest} min rest between")
        elif 0 <= rest < gap + 6 * 60:
            for index, other in ((s.index, endurance), (e.index, lift)):
                found.setdefault(index, []).append(
                    f"{format_minutes(rest)} from {other.occurrence.label}: lifting and endurance "
                    f"need {format_minutes(gap)} between them"
                )
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    rules = plan.rules
    lifts = sum(1 for i in plan.occurrences if i.spec.modality is Modality.strength)
    endurance = sum(1 for i in plan.occurrences if i.spec.modality is Modality.endurance)
    visit = (
        f"or one visit with {rules.same_visit.rest[0]}-{rules.same_visit.rest[1]} min rest"
        if rules.same_visit.allowed
        else "same_visit not allowed"
    )
    gap = rules.separate_modalities_by
    apart = f"must be {format_minutes(gap)} apart" if gap else "must not overlap"
    return f"{count(lifts, 'lift')} and {count(endurance, 'endurance session')} {apart} (separate_modalities_by; {visit})"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """A shorter gap, hour by hour; and one visit allowed, if it is not."""
    return [_shorter_gap(plan), _one_visit(plan)]


def _shorter_gap(plan: Plan) -> Iterator[Relaxation]:
    for hours in range(plan.rules.separate_modalities_by // 60 - 1, -1, -1):
        yield Relaxation(NAME, f"separate_modalities_by to {hours}h", partial(with_rules, separate_modalities_by=hours * 60))


def _one_visit(plan: Plan) -> Iterator[Relaxation]:
    if not plan.rules.same_visit.allowed:
        visit = plan.rules.same_visit.model_copy(update={"allowed": True})
        yield Relaxation(NAME, "same_visit allowed: true (lift and run in one visit)", partial(with_rules, same_visit=visit))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
