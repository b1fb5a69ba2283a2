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
            "duration": draw(st.sampled_from(["20m", "40m", "45m", "1h", "75m", "90m"])),
            "intensity": draw(st.sampled_from(["easy", "moderate", "hard"])),
            "times": draw(st.integers(1, 3)),
        }
        if kind == "strength":
            session["focus"] = draw(st.sampled_from(["lower", "upper", "full"]))
        if draw(st.booleans()):
            session["prefer"] = {"days": draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))}
        sessions.append(session)
    open_days = draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=7, unique=True))
    availability = {day: draw(st.sampled_from(WINDOWS)) for day in open_days}
    busy = draw(st.lists(st.sampled_from(["2026-12-01 18:00-19:00", "sat 09:00-10:00", "mon 06:30-07:00"]), max_size=2, unique=True))
    rules = {
        "separate_modalities_by": draw(st.sampled_from(["0m", "3h", "6h", "8h"])),
        "same_visit": {"allowed": draw(st.booleans())},
        "rest_days": draw(st.integers(0, 3)),
        "max_sessions_per_day": draw(st.integers(1, 3)),
        "hard_recovery": draw(st.sampled_from(["0m", "24h", "48h"])),
        "repeat_weekly": draw(st.booleans()),
    }
    goals = draw(st.lists(st.sampled_from(["strength", "hypertrophy", "power", "endurance", "fat_loss", "general"]), min_size=1, max_size=2, unique=True))
    timezone = draw(st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata"]))
    # Weeks holding a daylight-saving change (Berlin: 28 March 2027, New York: 1 November 2026).
    week_start = draw(st.sampled_from(["2026-11-30", "2027-03-22", "2026-10-26"]))
    try:
        return make_plan(
            sessions, availability=availability, busy=busy, rules=rules, goals=goals, grid="15m",
            timezone=timezone, week_start=week_start,
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
