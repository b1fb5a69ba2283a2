"""Soft objective `goal_order`: on a shared day or in one visit, the primary goal's modality first.

Strength, hypertrophy and power want the lift first (fresh muscles, no AMPK brake on the
lifting response); endurance wants the run first (fresh legs for the aerobic work). Fat
loss and general fitness lean to lifting first only weakly, so a later goal with a firm
order decides for them. Penalty: 1 per strength/endurance pair in the wrong order that is
on one calendar day, or is one visit (with `same_visit.allowed`, the rest from the end of
one to the start of the other lies in `same_visit.rest`). A visit can cross local
midnight (a run Monday 23:00-23:45, a lift Tuesday 00:00) when windows touch midnight;
it counts like a shared day.

With `repeat_weekly`, a visit from Sunday into the next week's Monday is not counted: the
week is judged within itself, as a plain list of starts (modality_gap keeps those copies
`separate_modalities_by` apart, so such a visit exists only when that gap is no more than
the rest).

Model: the same-day part is `same_day and before(second, first)`. Only pairs whose start
domains let the goal's second modality end on one day and the first start on a later day
within the rest (a cross-midnight visit in the wrong order) also get a visit part: unless
the pair's boolean is 1, the difference of their grid starts stays outside the rest range.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.plan import Occurrence, strength_endurance_pairs
from trainweek.scheduler.training import GOAL_LABELS, Modality, first_modality
from trainweek.scheduler.week import Week, one_visit

NAME = "goal_order"
HARD = False
TITLE = "goal-priority order"


def _first_and_second(plan, s, e):
    first, _ = first_modality(plan.goals)
    return (s, e) if first is Modality.strength else (e, s)


def _visit_ticks(grid: int, second: Occurrence, pair_rest: tuple[int, int]) -> tuple[int, int]:
    """Range of tick(first) - tick(second) where `second` ends, then `first` starts after the rest.

    start = grid * tick, so rest = grid * (tick_first - tick_second) - duration_second.
    """
    low, high = pair_rest
    duration = second.spec.duration
    return -(-(low + duration) // grid), (high + duration) // grid


def _wrong_visit_across_days(m: WeekModel, first: Occurrence, second: Occurrence, ticks: tuple[int, int]) -> bool:
    """Whether `second` may end on one day and `first` start on a later day within the rest."""
    if ticks[0] > ticks[1]:
        return False
    rest = cp_model.Domain(*ticks)
    for early, second_ticks in m.day_ticks[second.index].items():
        for late, first_ticks in m.day_ticks[first.index].items():
            if late > early and not first_ticks.addition_with(second_ticks.negation()).intersection_with(rest).is_empty():
                return True
    return False


def post(m: WeekModel):
    pair_rest = m.plan.rules.same_visit.pair_rest
    terms = []
    for s, e in strength_endurance_pairs(m.items):
        first, second = _first_and_second(m.plan, s, e)
        shared = m.may_share_day(s.index, e.index)
        ticks = _visit_ticks(m.grid, second, pair_rest) if pair_rest is not None else None
        visit = ticks is not None and _wrong_visit_across_days(m, first, second, ticks)
        if not shared and not visit:
            continue
        wrong = m.model.new_bool_var(f"wrong_order[{s.index},{e.index}]")
        if shared:
            m.model.add(wrong >= m.same_day(s.index, e.index) + m.before(second.index, first.index) - 1)
        if visit:
            outside = cp_model.Domain.from_intervals(
                [[cp_model.INT_MIN // 4, ticks[0] - 1], [ticks[1] + 1, cp_model.INT_MAX // 4]]
            )
            m.model.add_linear_expression_in_domain(
                m.tick[first.index] - m.tick[second.index], outside
            ).only_enforce_if(~wrong)
        terms.append(wrong)
    return sum(terms)


def wrong_order_pairs(week: Week):
    """(first, second) placements where the goal's second modality comes first, on one day or in one visit."""
    pair_rest = week.plan.rules.same_visit.pair_rest
    placed = week.by_occurrence()
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        first, second = _first_and_second(week.plan, s, e)
        a, b = placed[first.index], placed[second.index]
        if b.start < a.start and (a.day == b.day or one_visit(a, b, pair_rest)):
            yield a, b


def penalty(week: Week) -> int:
    return sum(1 for _ in wrong_order_pairs(week))


def reasons(week: Week) -> dict[int, list[str]]:
    modality, goal = first_modality(week.plan.goals)
    pair_rest = week.plan.rules.same_visit.pair_rest
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    why = {
        Modality.strength: "lifting on fresh muscles keeps the strength stimulus; running first would blunt it",
        Modality.endurance: "the run gets the fresh legs",
    }[modality]
    wrong = {(a.occurrence.index, b.occurrence.index) for a, b in wrong_order_pairs(week)}
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        first, second = _first_and_second(week.plan, s, e)
        a, b = placed[first.index], placed[second.index]
        if a.day == b.day:
            together = "on a shared day"
        elif one_visit(a, b, pair_rest):
            together = "in one visit across midnight"
        else:
            continue
        if (first.index, second.index) in wrong:
            where = "" if a.day == b.day else f" {together}"
            found.setdefault(second.index, []).append(
                f"before {a.occurrence.label}{where} against the {GOAL_LABELS[goal]} order: no other slot was better overall"
            )
        else:
            lead = "lift" if modality is Modality.strength else "endurance"
            found.setdefault(first.index, []).append(
                f"{lead} first {together} with {b.occurrence.label}: {GOAL_LABELS[goal]} is your "
                f"{'primary' if goal == week.plan.goals[0] else 'deciding'} goal, {why}"
            )
    return found
