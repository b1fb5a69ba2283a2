"""Soft objective `goal_order`: on a shared day or in one visit, the primary goal's modality first.

Strength, hypertrophy and power want the lift first (fresh muscles, no AMPK brake on the
lifting response); endurance wants the run first (fresh legs for the aerobic work). Fat
loss and general fitness lean to lifting first only weakly, so a later goal with a firm
order decides for them. Graded by the evidence (RULES.md version 2; Eddens et al. 2018
found lift-first helps lower-body dynamic strength, with no difference for hypertrophy):
each strength/endurance pair in the wrong order costs a factor, set by the goal that
decides the order: strength or power 3 when the lift loads the lower body, else 1;
hypertrophy 1; endurance 2; fat loss and general fitness 1.

A pair is judged when it is on one calendar day, or is one visit: the rest from the end
of one to the start of the other lies in `rules.visit_rest` (from `modality_gap` up to the
one-visit rest; None when `modality_gap` forbids one visit). A visit can cross local
midnight (a run Monday 23:00-23:45, a lift Tuesday 00:00) when windows touch midnight;
it counts like a shared day.

With `repeat_weekly`, a visit from Sunday into the next week's Monday is not counted: the
week is judged within itself, as a plain list of starts.

Model: the same-day part is `same_day and before(second, first)`. Only pairs whose start
domains let the goal's second modality end on one day and the first start on a later day
within the rest (a cross-midnight visit in the wrong order) also get a visit part: unless
the pair's boolean is 1, the difference of their grid starts stays outside the rest range.

Default weight: high where the article is firm about the order (strength and endurance
10, power highest at 25), 6 for hypertrophy, low for fat loss and general fitness.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.constraints.rule import lift_and_endurance, strength_endurance_pairs
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.training import GOAL_LABELS, Goal, Modality, first_modality
from trainweek.scheduler.week import Placement, Week, one_visit

if TYPE_CHECKING:
    from trainweek.scheduler.plan import Occurrence, Plan

NAME = "goal_order"
HARD = False
TITLE = "goal-priority order"
DEFAULT_WEIGHTS = {
    Goal.strength: 10,
    Goal.hypertrophy: 6,
    Goal.power: 25,
    Goal.endurance: 10,
    Goal.fat_loss: 3,
    Goal.general: 2,
}


def _first_and_second(plan: Plan, s: Occurrence, e: Occurrence) -> tuple[Occurrence, Occurrence]:
    first, _ = first_modality(plan.goals)
    return (s, e) if first is Modality.strength else (e, s)


def order_factor(plan: Plan, lift: Occurrence) -> int:
    """What one pair in the wrong order costs, by the goal that decides the order."""
    _, goal = first_modality(plan.goals)
    if goal in (Goal.strength, Goal.power):
        return 3 if "lower" in lift.spec.regions else 1
    return 2 if goal is Goal.endurance else 1


def _visit_steps(grid: int, second: Occurrence, pair_rest: tuple[int, int]) -> tuple[int, int]:
    """Range of step(first) - step(second) where `second` ends, then `first` starts after the rest.

    Starts are in grid steps (start = grid * step), so rest = grid * (step_first -
    step_second) - duration_second.
    """
    low, high = pair_rest
    duration = second.spec.duration
    return -(-(low + duration) // grid), (high + duration) // grid


def _wrong_visit_across_days(m: WeekModel, first: Occurrence, second: Occurrence, steps: tuple[int, int]) -> bool:
    """Whether `second` may end on one day and `first` start on a later day within the rest."""
    if steps[0] > steps[1]:
        return False
    rest = cp_model.Domain(*steps)
    for early, second_steps in m.day_steps[second.index].items():
        for late, first_steps in m.day_steps[first.index].items():
            if late > early and not first_steps.addition_with(second_steps.negation()).intersection_with(rest).is_empty():
                return True
    return False


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    pair_rest = m.plan.rules.visit_rest
    terms = []
    for s, e in strength_endurance_pairs(m.items):
        first, second = _first_and_second(m.plan, s, e)
        shared = m.may_share_day(s.index, e.index)
        steps = _visit_steps(m.grid, second, pair_rest) if pair_rest is not None else None
        visit = steps is not None and _wrong_visit_across_days(m, first, second, steps)
        if not shared and not visit:
            continue
        wrong = m.model.new_bool_var(f"wrong_order[{s.index},{e.index}]")
        if shared:
            m.model.add(wrong >= m.same_day(s.index, e.index) + m.before(second.index, first.index) - 1)
        if visit and steps is not None:
            outside = cp_model.Domain.from_intervals(
                [[cp_model.INT_MIN // 4, steps[0] - 1], [steps[1] + 1, cp_model.INT_MAX // 4]]
            )
            m.model.add_linear_expression_in_domain(
                m.start_step[first.index] - m.start_step[second.index], outside
            ).only_enforce_if(~wrong)
        terms.append(order_factor(m.plan, s) * wrong)
    return sum(terms)


def pair_floor(plan: Plan, a: Occurrence, b: Occurrence, apart: int, first: Occurrence | None) -> int:
    """A lift and an endurance session on one day in an order fixed the wrong way round cost
    the order factor; free to go either way, nothing (day_floor)."""
    pair = lift_and_endurance(a, b)
    if pair is None or first is None:
        return 0
    _, second = _first_and_second(plan, *pair)
    return order_factor(plan, pair[0]) if first.index == second.index else 0


def wrong_order_pairs(week: Week) -> Iterator[tuple[Placement, Placement]]:
    """(first, second) placements where the goal's second modality comes first, on one day or in one visit."""
    pair_rest = week.plan.rules.visit_rest
    placed = week.by_occurrence()
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        first, second = _first_and_second(week.plan, s, e)
        a, b = placed[first.index], placed[second.index]
        if b.start < a.start and (a.day == b.day or one_visit(a, b, pair_rest)):
            yield a, b


def penalty(week: Week) -> int:
    return sum(order_factor(week.plan, _lift(a, b).occurrence) for a, b in wrong_order_pairs(week))


def _lift(a: Placement, b: Placement) -> Placement:
    return a if a.spec.modality is Modality.strength else b


def reasons(week: Week) -> dict[int, list[str]]:
    modality, goal = first_modality(week.plan.goals)
    pair_rest = week.plan.rules.visit_rest
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


def cost_phrase(raw: float) -> str:
    return f"lifting and endurance in the order your goal does not want (goal_order {raw:+g})"
