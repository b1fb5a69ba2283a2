"""Hard rule `modality_gap`: strength and endurance sessions far apart, or paired in one visit.

Running close before lifting blunts the strength response (AMPK against mTOR signalling)
and lifting before a run tires the legs, so the two are kept `separate_modalities_by`
apart (default 6 h, end of one to start of the other). If `same_visit.allowed`, they may
instead be one visit with `same_visit.rest` (default 10-20 min) between the parts. With
`repeat_weekly`, Sunday's sessions must also be far from next Monday's.
"""

from __future__ import annotations

from trainweek.scheduler.model import WeekModel, apart_domain
from trainweek.scheduler.plan import strength_endurance_pairs
from trainweek.scheduler.timetext import format_minutes
from trainweek.scheduler.week import Week, rest_between, spaced

NAME = "modality_gap"
HARD = True
TITLE = "strength and endurance apart"


def _settings(plan):
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
