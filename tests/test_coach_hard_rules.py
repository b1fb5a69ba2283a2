"""The hard rules of RULES.md version 2 (issue 18): hard days, key sessions, doubles.

Each rule in a pair (a week that breaks it, the checker naming the rule, and one that
does not), the solver keeping it, and the issue's athletes.
"""

from __future__ import annotations

import pytest

from trainweek.constraints import doubles, hard_days, key_clearance
from trainweek.constraints.rule import with_rules
from trainweek.scheduler import diagnose as diagnosis
from trainweek.scheduler.loading import PlanError
from trainweek.scheduler.model import WeekModel
from tests.conftest import make_plan, solve_plan
from tests.helpers import frame_of, same_day_form, violations, week_at

LEGS = {"name": "Legs", "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "lower"}
UPPER = {"name": "Upper", "kind": "strength", "duration": "60m", "intensity": "moderate", "focus": "upper"}
INTERVALS = {"name": "Intervals", "kind": "run", "duration": "50m", "intensity": "hard"}
SWIM = {"name": "Swim", "kind": "swim", "duration": "45m", "intensity": "hard"}
EASY_RUN = {"name": "Easy run", "kind": "run", "duration": "40m", "intensity": "easy"}
# Moderate by its label, 2 h at RPE 5: 600 AU, demanding by its load, and the week's key session.
LONG_RUN = {"name": "Long run", "kind": "run", "duration": "2h", "intensity": "moderate", "key": True}
ALL_DAY = {day: ["06:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def v2(sessions, **overrides):
    overrides.setdefault("availability", ALL_DAY)
    return make_plan(sessions, version=2, **overrides)


# --- hard_days: checker pairs ----------------------------------------------------------------

def test_demanding_legs_on_consecutive_days_break_hard_days():
    plan = v2([LEGS, INTERVALS])
    broken = violations(week_at(plan, "mon 18:00", "tue 18:00"))
    assert list(broken) == ["hard_days"]
    assert "easier day" in broken["hard_days"][0] and "legs" in broken["hard_days"][0]
    assert violations(week_at(plan, "mon 18:00", "wed 18:00")) == {}


def test_hard_days_count_from_sunday_into_monday_when_the_week_repeats():
    assert "hard_days" in violations(week_at(v2([LEGS, INTERVALS]), "mon 18:00", "sun 18:00"))
    one_off = v2([LEGS, INTERVALS], rules={"repeat_weekly": False})
    assert violations(week_at(one_off, "mon 18:00", "sun 18:00")) == {}


def test_a_long_run_labelled_moderate_is_demanding_by_its_load():
    plan = v2([LEGS, dict(LONG_RUN, key=False)])
    assert "hard_days" in violations(week_at(plan, "sat 07:00", "sun 07:00"))  # heavy legs, then the long run
    assert violations(week_at(plan, "fri 07:00", "sun 07:00")) == {}


def test_other_regions_and_easy_sessions_need_no_easier_day():
    assert violations(week_at(v2([LEGS, SWIM]), "mon 18:00", "tue 18:00")) == {}
    assert violations(week_at(v2([LEGS, EASY_RUN]), "mon 18:00", "tue 18:00")) == {}


def test_easy_days_between_zero_switches_the_days_off():
    plan = v2([LEGS, INTERVALS], rules={"easy_days_between": 0})
    assert violations(week_at(plan, "mon 18:00", "tue 18:00")) == {}


def test_masters_keep_two_easier_days_between():
    plan = v2([LEGS, INTERVALS], profile="masters")
    assert (plan.rules.easy_days_between, plan.rules.rest_days) == (2, 2)
    broken = violations(week_at(plan, "mon 18:00", "wed 18:00"))
    assert list(broken) == ["hard_days"] and broken["hard_days"][0] == (
        "the legs need 2 easier days between Legs (Monday 18:00-19:00) and Intervals (Wednesday 18:00-18:50), "
        "not 1 (easy_days_between)"
    )
    assert violations(week_at(plan, "mon 18:00", "thu 18:00")) == {}
    assert "hard_days" in violations(week_at(plan, "mon 18:00", "sat 18:00"))  # Saturday, Sunday, Monday


def test_a_stacked_hard_day_needs_six_hours_between():
    plan = v2([LEGS, INTERVALS])
    assert violations(week_at(plan, "mon 07:00", "mon 14:00")) == {}  # legs end 08:00, run 14:00: 6 h
    broken = violations(week_at(plan, "mon 07:00", "mon 13:55"))
    assert list(broken) == ["hard_days"] and "6h" in broken["hard_days"][0]


def test_stack_gap_reaches_across_midnight():
    plan = v2([LEGS, INTERVALS], availability={"mon": ["20:00-24:00"], "tue": ["00:00-06:00"]}, rules={"easy_days_between": 0})
    assert "hard_days" in violations(week_at(plan, "mon 22:00", "tue 01:00"))
    assert violations(week_at(plan, "mon 20:00", "tue 03:00")) == {}


def test_stacking_can_be_forbidden():
    plan = v2([LEGS, INTERVALS], rules={"stack_gap": False})
    assert "hard_days" in violations(week_at(plan, "mon 06:00", "mon 20:00"))
    assert violations(week_at(plan, "mon 06:00", "wed 20:00")) == {}


def test_max_demanding_per_day_counts_every_region():
    plan = v2([LEGS, SWIM], rules={"max_demanding_per_day": 1})
    broken = violations(week_at(plan, "mon 06:00", "mon 18:00"))
    assert list(broken) == ["hard_days"] and "max_demanding_per_day" in broken["hard_days"][0]
    assert violations(week_at(plan, "mon 06:00", "tue 18:00")) == {}
    assert violations(week_at(v2([LEGS, SWIM]), "mon 06:00", "mon 18:00")) == {}


def test_beginners_never_stack_and_keep_one_demanding_session_a_day():
    plan = v2([LEGS, SWIM], profile="beginner")
    assert plan.rules.stack_gap is None and plan.rules.max_demanding_per_day == 1
    assert "hard_days" in violations(week_at(plan, "mon 06:00", "mon 18:00"))


def test_hard_days_reasons_in_training_words():
    plan = v2([LEGS, dict(LONG_RUN, key=False), INTERVALS])
    said = hard_days.reasons(week_at(plan, "fri 07:00", "sun 07:00", "sun 17:00"))
    assert said[1] == ["an easier day for the legs after Friday's Legs (hard_days)"]
    assert said[2] == [
        "an easier day for the legs after Friday's Legs (hard_days)",
        "stacked on one hard day for the legs with Long run, 8h after it (hard_days)",
    ]


def test_more_hard_days_than_a_week_holds_is_a_file_mistake():
    with pytest.raises(PlanError, match="hard days"):
        v2([dict(INTERVALS, times=4)])


# --- hard_days: the solver and the day patterns ----------------------------------------------

@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
def test_the_solver_keeps_an_easier_day_between_hard_days(patterns):
    evenings = {"mon": ["17:00-21:00"], "tue": ["17:00-21:00"], "thu": ["17:00-21:00"]}
    plan = v2([LEGS, INTERVALS, UPPER], availability=evenings, rules={"rest_days": 0})
    with same_day_form(patterns):
        week = solve_plan(plan)
    days = {p.occurrence.label: p.day for p in week.placements}
    assert abs(days["Legs"] - days["Intervals"]) >= 2
    assert violations(week) == {}


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
def test_a_masters_week_keeps_two_easier_days_and_two_rest_days(patterns):
    plan = v2(
        [LEGS, INTERVALS, UPPER, dict(EASY_RUN, times=2), {"name": "Mobility", "kind": "mobility", "duration": "20m"}],
        profile="masters",
    )
    with same_day_form(patterns):
        week = solve_plan(plan)
    assert violations(week) == {}
    hard = sorted(p.day for p in week.placements if p.occurrence.demanding)
    assert len(hard) == 2 and min(hard[1] - hard[0], 7 - (hard[1] - hard[0])) >= 3
    assert len(week.training_days()) <= 5


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
def test_an_eleven_session_hybrid_week_with_five_demanding_leg_sessions_has_a_week(patterns):
    # Version 1's 48 h between hard lower-body sessions made this week impossible.
    plan = v2(
        [
            dict(LEGS, times=2),
            dict(UPPER, times=2),
            dict(INTERVALS, times=2),
            LONG_RUN,
            dict(EASY_RUN, times=2),
            {"name": "Row", "kind": "row", "duration": "45m", "intensity": "easy"},
            {"name": "Mobility", "kind": "mobility", "duration": "20m"},
        ],
        availability={day: ["06:00-08:00", "17:00-21:00"] for day in ALL_DAY},
    )
    assert len(plan.occurrences) == 11
    assert sum(1 for i in plan.occurrences if i.demanding and "lower" in i.spec.regions) == 5
    with same_day_form(patterns):
        week = solve_plan(plan, time_limit=30)
    assert violations(week) == {}
    version_one = with_rules(plan, hard_recovery=48 * 60, easy_days_between=0)
    assert diagnosis.feasible(version_one, frame_of(version_one)) is False


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
def test_a_beginner_week_has_one_demanding_session_a_day(patterns):
    three_days = {day: ["06:00-21:00"] for day in ("mon", "wed", "fri")}
    plan = v2([LEGS, SWIM, dict(UPPER, intensity="hard"), EASY_RUN], profile="beginner", availability=three_days)
    with same_day_form(patterns):
        week = solve_plan(plan)
    assert violations(week) == {}
    assert sorted(p.day for p in week.placements if p.occurrence.demanding) == [0, 2, 4]


def _patterns(plan):
    with same_day_form(True):
        m = WeekModel(plan, frame_of(plan))
        for rule in (hard_days,):
            rule.post(m)
        return [set(p.specs) for p in m.day_patterns]


def test_day_patterns_leave_out_the_days_hard_days_forbids():
    sessions = [LEGS, INTERVALS, SWIM, EASY_RUN]
    evenings = {"mon": ["17:00-21:00"], "tue": ["17:00-21:00"]}
    # Four hours of evening: Legs and Intervals cannot be 6 h apart, so never share it.
    assert {0, 1} not in _patterns(v2(sessions, availability=evenings, rules={"rest_days": 0}))
    assert {0, 2} in _patterns(v2(sessions, availability=evenings, rules={"rest_days": 0}))
    assert {0, 1} in _patterns(v2(sessions, availability=ALL_DAY))
    assert {0, 1} not in _patterns(v2(sessions, availability=ALL_DAY, rules={"stack_gap": False}))
    assert {0, 3} in _patterns(v2(sessions, availability=ALL_DAY, rules={"stack_gap": False}))
    capped = _patterns(v2(sessions, availability=ALL_DAY, rules={"max_demanding_per_day": 1}))
    assert {0, 2} not in capped and {0, 3} in capped


# --- the evening: a lift, then a run ---------------------------------------------------

def test_a_lift_at_six_and_a_run_at_half_past_seven_is_allowed_by_every_hard_rule():
    plan = v2([LEGS, EASY_RUN])
    assert violations(week_at(plan, "mon 18:00", "mon 19:30")) == {}


# --- key_clearance ----------------------------------------------------------------------------

def test_nothing_demanding_for_the_legs_in_the_day_before_the_key_long_run():
    plan = v2([LEGS, LONG_RUN], rules={"easy_days_between": 0})
    broken = violations(week_at(plan, "sat 07:00", "sun 07:00"))
    assert list(broken) == ["key_clearance"] and "Long run" in broken["key_clearance"][0]
    assert violations(week_at(plan, "sat 06:00", "sun 07:00")) == {}  # ends 07:00 Saturday: 24 h before
    assert violations(week_at(plan, "sun 16:00", "sun 07:00")) == {}  # after the key session is fine


def test_key_clearance_wraps_and_ignores_other_regions():
    plan = v2([LEGS, LONG_RUN], rules={"easy_days_between": 0})
    assert "key_clearance" in violations(week_at(plan, "sun 18:00", "mon 09:00"))
    one_off = v2([LEGS, LONG_RUN], rules={"easy_days_between": 0, "repeat_weekly": False})
    assert violations(week_at(one_off, "sun 18:00", "mon 09:00")) == {}
    assert violations(week_at(v2([SWIM, LONG_RUN]), "sat 18:00", "sun 07:00")) == {}


def test_key_clearance_zero_switches_it_off():
    plan = v2([LEGS, LONG_RUN], rules={"easy_days_between": 0, "key_clearance": "0m"})
    assert violations(week_at(plan, "sat 07:00", "sun 07:00")) == {}


def test_key_clearance_reason_in_training_words():
    plan = v2([LEGS, LONG_RUN])
    said = key_clearance.reasons(week_at(plan, "fri 18:00", "sun 07:00"))
    assert said == {0: ["done 36h before Sunday's Long run: the legs come to a key session with 24h clear (key_clearance)"]}


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
def test_the_solver_clears_the_day_before_a_key_session(patterns):
    # The long run fits Sunday morning only; legs fit Saturday or Thursday evening.
    plan = v2(
        [LEGS, LONG_RUN],
        availability={"thu": ["17:00-21:00"], "sat": ["07:00-09:00", "17:00-21:00"], "sun": ["07:00-09:00"]},
        rules={"easy_days_between": 0, "rest_days": 0},
        weights={"preferred_times": 10},
    )
    with same_day_form(patterns):
        week = solve_plan(plan)
    assert violations(week) == {}
    legs = week.placements[0]
    assert legs.day == 3


# --- doubles ----------------------------------------------------------------------------------

def test_a_run_straight_after_the_long_run_is_one_run_not_a_double():
    plan = v2([dict(LONG_RUN, duration="105m", key=False), EASY_RUN])
    broken = violations(week_at(plan, "sat 09:00", "sat 10:45"))
    assert list(broken) == ["doubles"] and "double" in broken["doubles"][0]
    assert violations(week_at(plan, "sat 09:00", "sat 14:45")) == {}  # 4 h after the end


def test_double_gap_wraps_and_can_be_shortened():
    plan = v2([INTERVALS, EASY_RUN], availability={"mon": ["00:00-06:00"], "sun": ["20:00-24:00"]}, rules={"easy_days_between": 0})
    assert "doubles" in violations(week_at(plan, "mon 01:00", "sun 22:00"))
    shorter = v2([INTERVALS, EASY_RUN], rules={"double_gap": "1h"})
    assert violations(week_at(shorter, "mon 06:00", "mon 08:00")) == {}


def test_doubles_reason_in_training_words():
    plan = v2([INTERVALS, EASY_RUN])
    said = doubles.reasons(week_at(plan, "mon 06:00", "mon 18:00"))
    assert said == {1: ["the second run of a double with Intervals, 11h10m after it to refuel (doubles)"]}


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
def test_the_solver_spaces_a_double(patterns):
    plan = v2([INTERVALS, EASY_RUN, UPPER], availability={"mon": ["06:00-21:00"]}, rules={"rest_days": 0, "max_sessions_per_day": 3})
    with same_day_form(patterns):
        week = solve_plan(plan)
    runs = sorted((p for p in week.placements if p.spec.kind.value == "run"), key=lambda p: p.start)
    assert runs[1].start - runs[0].end >= 240
    assert violations(week) == {}


def test_key_clearance_reason_counts_back_into_last_week_only_when_the_week_repeats():
    one_off = v2([LEGS, LONG_RUN], rules={"repeat_weekly": False, "easy_days_between": 0})
    assert key_clearance.reasons(week_at(one_off, "sun 07:00", "mon 09:00")) == {}  # Sunday comes after Monday
    repeating = v2([LEGS, LONG_RUN], rules={"easy_days_between": 0})
    said = key_clearance.reasons(week_at(repeating, "sun 07:00", "mon 09:00"))
    assert said == {0: ["done 25h before Monday's Long run: the legs come to a key session with 24h clear (key_clearance)"]}


@pytest.mark.parametrize("patterns", [False, True], ids=["pairs", "day-patterns"])
def test_a_marathoners_key_long_run_gets_a_clear_day_before_it(patterns):
    plan = v2(
        [
            dict(LEGS, times=2, prefer={"days": ["sat", "wed"]}),
            dict(LONG_RUN, duration="150m", prefer={"days": ["sun"], "time": "07:00-10:00"}),
            dict(INTERVALS, prefer={"days": ["sat"]}),
            dict(EASY_RUN, times=2),
        ],
        availability={day: ["06:00-08:00", "17:00-21:00"] for day in ALL_DAY} | {"sun": ["07:00-12:00"]},
        goals=["endurance"],
    )
    with same_day_form(patterns):
        week = solve_plan(plan)
    assert violations(week) == {}
    long_run = next(p for p in week.placements if p.occurrence.is_key)
    for p in week.placements:
        if p.occurrence.demanding and p is not long_run:
            assert not (0 <= long_run.start - p.end < 24 * 60), p.occurrence.label
