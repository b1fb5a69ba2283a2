"""Generated weeks of realistic size: whatever the solver returns passes every checker."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES
from trainweek.scheduler.loading import PlanError
from trainweek.scheduler.solve import Infeasible
from tests.conftest import make_plan, solve_plan
from tests.helpers import same_day_form

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WINDOWS = [["06:00-08:00"], ["17:00-21:00"], ["06:00-08:00", "17:30-21:00"], ["08:00-13:00"], ["12:00-13:30"]]


@st.composite
def plans(draw):
    count = draw(st.integers(2, 6))
    sessions = []
    for n in range(count):
        kind = draw(st.sampled_from(["strength", "run", "bike", "swim", "row", "mobility"]))
        session = {
            "name": f"S{n}",
            "kind": kind,
            "duration": draw(st.sampled_from(["20m", "40m", "45m", "1h", "75m", "90m", "2h"])),
            "intensity": draw(st.sampled_from(["easy", "moderate", "hard"])),
            "times": draw(st.integers(1, 3)),
        }
        if draw(st.booleans()):
            session["rpe"] = draw(st.integers(1, 10))
        if kind != "mobility" and draw(st.integers(0, 3)) == 0:
            session["key"] = True
        if kind == "strength":
            session["focus"] = draw(st.sampled_from(["lower", "upper", "full"]))
        if draw(st.booleans()):
            session["prefer"] = {"days": draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))}
        sessions.append(session)
    open_days = draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=7, unique=True))
    availability = {day: draw(st.sampled_from(WINDOWS)) for day in open_days}
    busy = draw(st.lists(st.sampled_from(["2026-12-01 18:00-19:00", "sat 09:00-10:00", "mon 06:30-07:00"]), max_size=2, unique=True))
    # The version 2 settings of the hard rules, each left to the profile's default when absent.
    rules = draw(
        st.fixed_dictionaries(
            {"max_sessions_per_day": st.integers(1, 3), "repeat_weekly": st.booleans()},
            optional={
                "rest_days": st.integers(0, 3),
                "modality_gap": st.sampled_from(["10m", "3h", "6h", "8h"]),
                "double_gap": st.sampled_from(["0m", "4h", "6h"]),
                "easy_days_between": st.integers(0, 2),
                "hard_recovery": st.sampled_from(["24h", "48h"]),
                "stack_gap": st.sampled_from([False, "3h", "6h"]),
                "max_demanding_per_day": st.integers(1, 2),
                "key_clearance": st.sampled_from(["0m", "24h", "36h"]),
                "demanding_load": st.sampled_from([300, 400]),
            },
        )
    )
    profile = draw(st.sampled_from(["default", "masters", "beginner"]))
    goals = draw(st.lists(st.sampled_from(["strength", "hypertrophy", "power", "endurance", "fat_loss", "general"]), min_size=1, max_size=2, unique=True))
    timezone = draw(st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata"]))
    # Weeks holding a daylight-saving change (Berlin: 28 March 2027, New York: 1 November 2026).
    week_start = draw(st.sampled_from(["2026-11-30", "2027-03-22", "2026-10-26"]))
    try:
        return make_plan(
            sessions, availability=availability, busy=busy, rules=rules, goals=goals, grid="15m",
            timezone=timezone, week_start=week_start, version=2, profile=profile,
        )
    except PlanError:
        assume(False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), patterns=st.booleans())
def test_every_solved_week_passes_every_checker(plan, patterns):
    # Either form of the same-day objectives, whatever the week's size (day patterns or pairs).
    try:
        with same_day_form(patterns):
            week = solve_plan(plan, time_limit=20)
    except Infeasible as error:
        assert error.culprits
        return
    assert len(week.placements) == len(plan.occurrences)
    for rule in HARD_RULES:
        assert rule.check(week) == [], rule.NAME
    assert week.objective == round(sum(week.weights[r.NAME] * r.penalty(week) for r in SOFT_OBJECTIVES), 2)
