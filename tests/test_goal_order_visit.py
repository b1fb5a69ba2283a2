"""Goal order in one visit across local midnight: it counts like a shared day.

A run Monday 23:00-23:45 and a lift Tuesday 00:00 are one visit (15 min rest) on two
calendar days; for a strength goal that is the wrong order. The checker, the model (the
solver's objective must equal the checker's penalty) and brute force must agree.
"""

from __future__ import annotations

import pytest

from trainweek.constraints import goal_order
from trainweek.scheduler.explain import reasons
from trainweek.scheduler.model import WeekModel
from tests.conftest import make_plan, solve_plan
from tests.helpers import assert_no_week_beats_the_solver, frame_of, violations, week_at

LIFT = {"name": "Lift", "kind": "strength", "duration": "60m", "intensity": "moderate", "focus": "upper"}
RUN = {"name": "Run", "kind": "run", "duration": "45m", "intensity": "easy"}

AROUND_MIDNIGHT = {"mon": ["22:00-24:00"], "tue": ["00:00-02:00"]}
# Room for one session on each side of midnight only: lift and run form a cross-midnight visit.
EITHER_ORDER = {"mon": ["23:00-24:00"], "tue": ["00:00-01:00"]}
# No room for the lift on Monday: the run must come first.
RUN_FIRST = {"mon": ["23:00-23:50"], "tue": ["00:00-01:00"]}


def _penalty(goals=("strength",), **rules):
    plan = make_plan([LIFT, RUN], goals=list(goals), availability=AROUND_MIDNIGHT, rules=rules)
    return lambda *slots: goal_order.penalty(week_at(plan, *slots))


# --- checker ----------------------------------------------------------------------------

def test_a_cross_midnight_visit_in_the_wrong_order_costs_one():
    penalty = _penalty()
    assert penalty("tue 00:00", "mon 23:00") == 1  # run ends 23:45, lift 00:00: 15 min rest
    assert penalty("tue 00:00", "mon 23:05") == 1  # 10 min rest
    assert penalty("mon 23:00", "tue 00:10") == 0  # lift first: the goal's order


def test_days_apart_without_a_visit_cost_nothing():
    penalty = _penalty()
    assert penalty("tue 00:30", "mon 23:00") == 0  # 45 min rest: not one visit
    assert penalty("tue 00:00", "mon 23:15") == 0  # 0 min rest: too short for one visit
    assert penalty("tue 01:00", "mon 22:00") == 0  # hours apart


def test_no_visit_across_midnight_when_pairing_is_not_allowed():
    penalty = _penalty(modality_gap="6h")
    assert penalty("tue 00:00", "mon 23:00") == 0


def test_endurance_wants_the_run_first_across_midnight_too():
    penalty = _penalty(goals=("endurance",))
    assert penalty("tue 00:00", "mon 23:00") == 0
    assert penalty("mon 23:00", "tue 00:10") == 2  # goal_order grades endurance 2


def test_the_same_day_case_is_unchanged():
    penalty = _penalty()
    assert penalty("mon 23:00", "mon 22:00") == 1  # run 22:00-22:45, lift 23:00: same day
    assert penalty("mon 22:00", "mon 23:10") == 0


def test_reasons_name_the_cross_midnight_visit():
    plan = make_plan([LIFT, RUN], availability=AROUND_MIDNIGHT)
    wrong = goal_order.reasons(week_at(plan, "tue 00:00", "mon 23:00"))
    assert wrong == {1: [wrong[1][0]]} and "in one visit across midnight" in wrong[1][0]
    right = goal_order.reasons(week_at(plan, "mon 23:00", "tue 00:10"))
    assert right == {0: [right[0][0]]} and right[0][0].startswith("lift first in one visit across midnight with Run")
    assert goal_order.reasons(week_at(plan, "tue 01:00", "mon 22:00")) == {}


# --- model ------------------------------------------------------------------------------

def _visit_part(availability, **rules):
    """Whether the model posts a cross-midnight part for the lift/run pair (strength goal)."""
    plan = make_plan([LIFT, RUN], availability=availability, rules=rules)
    m = WeekModel(plan, frame_of(plan))
    lift, run = plan.occurrences
    pair_rest = plan.rules.visit_rest
    if pair_rest is None:
        return False
    return goal_order._wrong_visit_across_days(m, lift, run, goal_order._visit_steps(plan.grid, run, pair_rest))


def test_the_model_adds_a_visit_part_only_where_a_cross_midnight_visit_fits():
    assert _visit_part(EITHER_ORDER)
    assert _visit_part(AROUND_MIDNIGHT)
    assert not _visit_part({"mon": ["17:00-21:00"], "tue": ["06:00-08:00"]})
    assert not _visit_part({"mon": ["22:00-23:15"], "tue": ["00:00-02:00"]})  # the run ends by 23:15: 45 min rest at least
    assert not _visit_part({"mon": ["23:00-24:00"], "wed": ["00:00-01:00"]})  # not consecutive days
    assert not _visit_part(EITHER_ORDER, modality_gap="6h")


@pytest.mark.parametrize("goals, first", [(["strength"], "strength"), (["endurance"], "run")])
def test_solver_puts_the_goal_first_in_a_cross_midnight_visit(goals, first):
    week = solve_plan(make_plan([LIFT, RUN], goals=goals, availability=EITHER_ORDER))
    assert week.placements[0].spec.kind.value == first
    assert [p.day for p in week.placements] == [0, 1]
    assert week.parts["goal_order"] == 0
    assert violations(week) == {}


def test_solver_forced_into_the_wrong_order_pays_and_the_checker_agrees():
    week = solve_plan(make_plan([LIFT, RUN], availability=RUN_FIRST))
    run, lift = week.placements
    assert (run.spec.kind.value, run.day, lift.day) == ("run", 0, 1)
    assert 10 <= lift.start - run.end <= 20
    assert week.status == "OPTIMAL"
    assert week.parts["goal_order"] == goal_order.penalty(week) == 1  # solve() also checks the model agrees
    assert any("one visit across midnight" in r.text for r in reasons(week)[run.occurrence.index] if r.rule == "goal_order")


BRUTE = [
    (["strength"], AROUND_MIDNIGHT, {}),
    (["endurance"], AROUND_MIDNIGHT, {}),
    (["strength"], RUN_FIRST, {}),
    (["strength"], {"mon": ["22:00-24:00"], "tue": ["00:00-01:00"], "wed": ["18:00-20:00"]}, {"rest_days": 0}),
    (["strength"], {"sun": ["23:00-24:00"], "mon": ["00:00-01:00"]}, {"separate_modalities_by": "0m"}),
    (["power"], AROUND_MIDNIGHT, {"same_visit": {"allowed": True, "rest": "0m-30m"}}),
]


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
@pytest.mark.parametrize("goals, availability, rules", BRUTE)
def test_no_enumerated_week_beats_the_solver_across_midnight(goals, availability, rules, patterns):
    plan = make_plan([LIFT, RUN], goals=goals, availability=availability, grid="15m", rules=rules)
    assert_no_week_beats_the_solver(plan, patterns)
