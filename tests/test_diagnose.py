"""Impossible weeks: the real culprit is named and every suggested change gives a week."""

from __future__ import annotations

import pytest

from trainweek.scheduler.solve import Infeasible
from tests.conftest import make_plan, solve_plan
from tests.helpers import violations

LIFT = {"name": "Lift", "kind": "strength", "duration": "60m", "focus": "upper"}
RUN = {"name": "Run", "kind": "run", "duration": "45m", "intensity": "easy"}
LEGS = {"name": "Legs", "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "lower"}
INTERVALS = {"name": "Intervals", "kind": "run", "duration": "50m", "intensity": "hard"}
EVENINGS = {day: ["17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

CASES = {
    "too few windows": (
        make_plan([dict(RUN, times=2), dict(LIFT, times=2)], availability={"mon": ["17:00-18:30"], "wed": ["17:00-18:30"]}),
        {"availability"},
        "add a window on",
    ),
    "rest days": (
        make_plan([dict(RUN, times=2), LIFT], availability=EVENINGS, rules={"rest_days": 5, "same_visit": {"allowed": False}}),
        {"rest_days"},
        "rest_days to 4",
    ),
    "gap too long for the windows": (
        make_plan([LIFT, RUN], availability={"mon": ["06:00-08:00", "11:00-13:00"]}, rules={"rest_days": 0, "same_visit": {"allowed": False}}),
        {"modality_gap"},
        "separate_modalities_by to 5h",
    ),
    "hard recovery": (
        make_plan([LEGS, INTERVALS], availability={"mon": ["17:00-21:00"], "tue": ["17:00-21:00"]}, rules={"rest_days": 0}),
        {"hard_recovery"},
        "hard_recovery to 24h",
    ),
    "session longer than the free windows": (
        make_plan([dict(LIFT, duration="2h")], availability={"mon": ["17:00-20:00"]}, busy=["mon 18:00-18:30"]),
        {"availability", "busy"},
        "free the busy block 'mon 18:00-18:30'",
    ),
    "busy blocks": (
        make_plan([LIFT, RUN], availability={"mon": ["06:00-08:00", "17:00-21:00"]}, busy=["2026-11-30 17:00-21:00"], rules={"rest_days": 0, "same_visit": {"allowed": False}}),
        {"modality_gap"},
        "free the busy block",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_impossible_week_names_the_culprit_and_every_fix_works(name):
    plan, culprits, suggestion = CASES[name]
    with pytest.raises(Infeasible) as raised:
        solve_plan(plan)
    error = raised.value
    assert culprits <= set(error.culprits), error.culprits
    assert suggestion in str(error)
    assert error.fixes
    for fix in error.fixes:
        week = solve_plan(fix.apply(plan))
        assert violations(week) == {}, fix.text
