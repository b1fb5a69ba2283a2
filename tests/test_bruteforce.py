"""On tiny weeks, enumerate every placement: no valid week may beat the solver's."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from trainweek.scheduler.loading import PlanError
from trainweek.scheduler.solve import Infeasible
from tests.conftest import make_plan, solve_plan
from tests.helpers import assert_no_week_beats_the_solver, brute_force, same_day_form

KINDS = ["strength", "run", "bike", "swim", "mobility"]


def tiny(sessions, availability, **rules):
    return make_plan(sessions, availability=availability, grid="60m", rules=rules, version=2)


LEGS = {"name": "Legs", "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "lower"}
INTERVALS = {"name": "Intervals", "kind": "run", "duration": "60m", "intensity": "hard"}

FIXED = {
    # A lift and a run on one day: one visit (10 min rest at least) or further apart; lift first for strength.
    "pair-or-apart": tiny(
        [{"name": "Lift", "kind": "strength", "duration": "50m", "intensity": "moderate", "focus": "lower"},
         {"name": "Run", "kind": "run", "duration": "60m", "intensity": "hard"}],
        {"mon": ["06:00-10:00", "16:00-19:00"], "tue": ["07:00-09:00"]},
    ),
    # Hard days across the Sunday-to-Monday wrap.
    "weekly-wrap": tiny([LEGS, INTERVALS], {"mon": ["06:00-09:00"], "wed": ["18:00-20:00"], "sun": ["18:00-20:00"]}, rest_days=0),
    # Version 1's hours of recovery, across the wrap.
    "hours-recovery": tiny(
        [LEGS, INTERVALS], {"mon": ["06:00-09:00"], "wed": ["18:00-20:00"], "sun": ["18:00-20:00"]}, rest_days=0, hard_recovery="48h"
    ),
    # A stacked hard day or two hard days, with a key session to keep clear.
    "stacked-and-key": tiny(
        [LEGS, dict(INTERVALS, key=True, rpe=9), {"name": "Swim", "kind": "swim", "duration": "60m", "intensity": "hard"}],
        {"mon": ["06:00-08:00", "13:00-20:00"], "tue": ["06:00-08:00"], "wed": ["18:00-20:00"]},
        rest_days=0, max_sessions_per_day=3, max_demanding_per_day=2,
    ),
    # A double: two runs on one day 4 h apart, or on two days.
    "double": tiny(
        [{"name": "Easy", "kind": "run", "duration": "60m", "intensity": "easy", "prefer": {"days": ["mon"]}},
         {"name": "Tempo", "kind": "run", "duration": "60m", "rpe": 7, "prefer": {"days": ["mon"]}}],
        {"mon": ["06:00-08:00", "11:00-14:00"], "thu": ["06:00-08:00"]},
    ),
    # A run pinned to Wednesday or Sunday though it prefers Monday, beside a lift that does.
    "pinned": tiny(
        [{"name": "Easy", "kind": "run", "duration": "60m", "intensity": "easy", "times": 2, "only_on": ["wed", "sun"],
          "prefer": {"days": ["mon"]}},
         {"name": "Lift", "kind": "strength", "duration": "60m", "focus": "lower", "prefer": {"days": ["mon"]}}],
        {"mon": ["06:00-08:00", "17:00-19:00"], "wed": ["06:00-08:00"], "sun": ["17:00-19:00"]},
        rest_days=0,
    ),
    # Preferences against fatigue spread with a repeated session.
    "preferences": make_plan(
        [{"name": "Easy run", "kind": "run", "duration": "45m", "intensity": "easy", "times": 2,
          "prefer": {"days": ["tue"], "time": "06:00-08:00"}},
         {"name": "Upper", "kind": "strength", "duration": "60m", "intensity": "moderate", "focus": "upper"}],
        availability={"tue": ["06:00-09:00", "17:00-20:00"], "thu": ["06:00-08:00", "18:00-20:00"]},
        grid="60m",
        rules={"rest_days": 2, "modality_gap": "3h"},
        version=2,
    ),
}


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
@pytest.mark.parametrize("name", FIXED)
def test_no_enumerated_week_beats_the_solver(name, patterns):
    assert_no_week_beats_the_solver(FIXED[name], patterns)


session = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["A", "B", "C"]),
        "kind": st.sampled_from(KINDS),
        "duration": st.sampled_from(["30m", "45m", "60m", "90m"]),
        "intensity": st.sampled_from(["easy", "moderate", "hard"]),
        "times": st.sampled_from([1, 1, 2]),
    },
    optional={
        "prefer": st.fixed_dictionaries({}, optional={"days": st.sampled_from([["mon"], ["wed", "sun"]]), "time": st.sampled_from(["06:00-09:00", "17:00-21:00"])}),
        "rpe": st.integers(1, 10),
        "key": st.booleans(),
        "only_on": st.sampled_from([["mon", "tue"], ["wed", "sun"], ["mon", "tue", "wed"]]),
    },
)
# The version 2 settings of the hard rules, each left to its profile's default when absent.
RULES = st.fixed_dictionaries(
    {"max_sessions_per_day": st.integers(1, 3), "repeat_weekly": st.booleans()},
    optional={
        "rest_days": st.integers(0, 5),
        "modality_gap": st.sampled_from(["10m", "2h", "6h"]),
        "double_gap": st.sampled_from(["0m", "2h", "4h"]),
        "easy_days_between": st.integers(0, 2),
        "hard_recovery": st.sampled_from(["24h", "48h"]),
        "stack_gap": st.sampled_from([False, "2h", "6h"]),
        "max_demanding_per_day": st.integers(1, 2),
        "key_clearance": st.sampled_from(["0m", "24h", "36h"]),
        "demanding_load": st.sampled_from([200, 400]),
    },
)
window = st.sampled_from([["06:00-09:00"], ["17:00-20:00"], ["06:00-08:00", "18:00-21:00"]])


@st.composite
def tiny_plans(draw):
    sessions = draw(st.lists(session, min_size=2, max_size=3, unique_by=lambda s: s["name"]))
    assume(sum(s["times"] for s in sessions) <= 4)
    days = draw(st.lists(st.sampled_from(["mon", "tue", "wed", "sun"]), min_size=1, max_size=3, unique=True))
    availability = {day: draw(window) for day in days}
    rules = draw(RULES)
    profile = draw(st.sampled_from(["default", "masters", "beginner"]))
    goals = draw(st.sampled_from([["strength"], ["endurance"], ["fat_loss", "endurance"], ["general"], ["power"]]))
    try:
        return make_plan(sessions, availability=availability, grid="60m", rules=rules, goals=goals, version=2, profile=profile)
    except PlanError:  # e.g. more sessions than rest_days and max_sessions_per_day allow
        assume(False)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=tiny_plans(), patterns=st.booleans())
def test_solver_matches_brute_force_on_generated_tiny_weeks(plan, patterns):
    best, _ = brute_force(plan)
    try:
        with same_day_form(patterns):
            week = solve_plan(plan)
    except Infeasible:
        assert best is None
        return
    assert best is not None
    assert week.status == "OPTIMAL"
    assert week.objective == best
