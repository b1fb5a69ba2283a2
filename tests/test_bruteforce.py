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
    return make_plan(sessions, availability=availability, grid="60m", rules=rules)


FIXED = [
    # A lift and a run on one day: a paired visit or 6 h apart; lift first for strength.
    tiny(
        [{"name": "Lift", "kind": "strength", "duration": "50m", "intensity": "moderate", "focus": "lower"},
         {"name": "Run", "kind": "run", "duration": "60m", "intensity": "hard"}],
        {"mon": ["06:00-10:00", "16:00-19:00"], "tue": ["07:00-09:00"]},
        same_visit={"allowed": True, "rest": "10m-20m"},
    ),
    # Hard recovery across the Sunday-to-Monday wrap.
    tiny(
        [{"name": "Legs", "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "lower"},
         {"name": "Intervals", "kind": "run", "duration": "60m", "intensity": "hard"}],
        {"mon": ["06:00-09:00"], "wed": ["18:00-20:00"], "sun": ["18:00-20:00"]},
        rest_days=0,
    ),
    # Preferences against fatigue spread with a repeated session.
    make_plan(
        [{"name": "Easy run", "kind": "run", "duration": "45m", "intensity": "easy", "times": 2,
          "prefer": {"days": ["tue"], "time": "06:00-08:00"}},
         {"name": "Upper", "kind": "strength", "duration": "60m", "intensity": "moderate", "focus": "upper"}],
        availability={"tue": ["06:00-09:00", "17:00-20:00"], "thu": ["06:00-08:00", "18:00-20:00"]},
        grid="60m",
        rules={"rest_days": 2, "separate_modalities_by": "3h"},
    ),
]


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
@pytest.mark.parametrize("plan", FIXED, ids=["pair-or-apart", "weekly-wrap", "preferences"])
def test_no_enumerated_week_beats_the_solver(plan, patterns):
    assert_no_week_beats_the_solver(plan, patterns)


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
        "key": st.booleans(),
        "rpe": st.integers(1, 10),
    },
)
window = st.sampled_from([["06:00-09:00"], ["17:00-20:00"], ["06:00-08:00", "18:00-21:00"]])


@st.composite
def tiny_plans(draw):
    sessions = draw(st.lists(session, min_size=2, max_size=3, unique_by=lambda s: s["name"]))
    assume(sum(s["times"] for s in sessions) <= 4)
    days = draw(st.lists(st.sampled_from(["mon", "tue", "wed", "sun"]), min_size=1, max_size=3, unique=True))
    availability = {day: draw(window) for day in days}
    rules = {
        "separate_modalities_by": draw(st.sampled_from(["0m", "2h", "6h"])),
        "same_visit": {"allowed": draw(st.booleans()), "rest": "10m-20m"},
        "rest_days": draw(st.integers(0, 5)),
        "max_sessions_per_day": draw(st.integers(1, 3)),
        "hard_recovery": draw(st.sampled_from(["0m", "24h", "48h"])),
        "repeat_weekly": draw(st.booleans()),
    }
    goals = draw(st.sampled_from([["strength"], ["endurance"], ["fat_loss", "endurance"], ["general"], ["power"]]))
    try:
        return make_plan(sessions, availability=availability, grid="60m", rules=rules, goals=goals)
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
