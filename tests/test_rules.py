"""Each rule in a pair: a week where it bites and one where it does not.

Hard rules are judged by their plain-Python checkers on hand-built weeks, and the
solver must respect them where they change the answer; soft objectives by their
penalties, and the solver must follow them when nothing else is at stake.
"""

from __future__ import annotations

import pytest

from trainweek.constraints import (
    availability,
    consistency,
    goal_order,
    hard_recovery,
    modality_gap,
    no_overlap,
    preferred_times,
    rest_days,
    separation,
    repeat_days,
    sessions_per_day,
)
from trainweek.scheduler.solve import Infeasible
from tests.conftest import make_plan, solve_plan
from tests.helpers import frame_of, violations, week_at

LIFT = {"name": "Lift", "kind": "strength", "duration": "60m", "intensity": "moderate", "focus": "upper"}
RUN = {"name": "Run", "kind": "run", "duration": "45m", "intensity": "easy"}
HARD_LEGS = {"name": "Legs", "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "lower"}
INTERVALS = {"name": "Intervals", "kind": "run", "duration": "50m", "intensity": "hard"}
SWIM_HARD = {"name": "Swim", "kind": "swim", "duration": "45m", "intensity": "hard"}
MOBILITY = {"name": "Mobility", "kind": "mobility", "duration": "20m", "intensity": "easy"}


# --- hard rules: checkers -------------------------------------------------------------

@pytest.mark.parametrize(
    "slots, bites",
    [(("mon 18:00",), False), (("mon 20:30",), True), (("mon 12:00",), True), (("mon 18:02",), True)],
    ids=["inside", "runs-past-window", "no-window", "off-grid"],
)
def test_availability(slots, bites):
    week = week_at(make_plan([LIFT]), *slots)
    assert bool(availability.check(week)) is bites


def test_availability_respects_busy_blocks():
    plan = make_plan([LIFT], busy=["2026-11-30 18:30-19:00", "tue 18:00-18:30"])
    assert availability.check(week_at(plan, "mon 18:00"))
    assert availability.check(week_at(plan, "tue 18:00"))
    assert not availability.check(week_at(plan, "mon 19:00"))
    assert not availability.check(week_at(plan, "tue 18:30"))


def test_no_overlap():
    plan = make_plan([LIFT, MOBILITY])
    assert no_overlap.check(week_at(plan, "mon 18:00", "mon 18:30"))
    assert not no_overlap.check(week_at(plan, "mon 18:00", "mon 19:00"))


@pytest.mark.parametrize(
    "slots, bites",
    [
        (("mon 06:00", "mon 17:00"), False),  # run 17:00, lift ended 07:00: 10 h apart
        (("mon 17:00", "mon 07:00"), False),  # run ended 07:45, lift 17:00: 9h15m apart
        (("mon 18:00", "mon 19:10"), False),  # one visit, 10 min rest: the shortest allowed
        (("mon 18:00", "mon 19:20"), False),  # one visit, 20 min rest
        (("mon 18:00", "mon 19:30"), False),  # 30 min: longer is never worse (version 1 forbade it)
        (("mon 12:00", "mon 17:00"), False),  # 4 h apart (version 1 forbade it)
        (("mon 18:00", "mon 19:05"), True),  # 5 min is too short a rest
        (("mon 18:00", "mon 19:00"), True),  # run 19:00 right as the lift ends at 19:00
    ],
)
def test_modality_gap(slots, bites):
    plan = make_plan([LIFT, RUN], availability={"mon": ["06:00-21:00"]}, version=2)
    assert bool(modality_gap.check(week_at(plan, *slots))) is bites


@pytest.mark.parametrize(
    "slots, bites",
    [(("mon 06:00", "mon 17:00"), False), (("mon 18:00", "mon 19:10"), True), (("mon 12:00", "mon 17:00"), True)],
)
def test_a_six_hour_modality_gap_forbids_one_visit_and_afternoon_pairs(slots, bites):
    plan = make_plan([LIFT, RUN], availability={"mon": ["06:00-21:00"]}, version=2, rules={"modality_gap": "6h"})
    assert bool(modality_gap.check(week_at(plan, *slots))) is bites


def test_modality_gap_reaches_from_sunday_into_monday_when_the_week_repeats():
    late_and_early = {"mon": ["01:00-08:00"], "sun": ["17:00-23:00"]}
    repeating = make_plan([LIFT, RUN], availability=late_and_early, rules={"modality_gap": "6h"})
    one_off = make_plan([LIFT, RUN], availability=late_and_early, rules={"modality_gap": "6h", "repeat_weekly": False})
    assert modality_gap.check(week_at(repeating, "sun 21:00", "mon 01:00"))  # 3 h into next Monday
    assert not modality_gap.check(week_at(one_off, "sun 21:00", "mon 01:00"))
    assert not modality_gap.check(week_at(repeating, "sun 17:00", "mon 01:00"))  # 7 h


def test_version_one_same_visit_not_allowed_reads_as_a_long_modality_gap():
    plan = make_plan([LIFT, RUN], rules={"same_visit": {"allowed": False}})
    assert plan.rules.modality_gap == 6 * 60
    assert modality_gap.check(week_at(plan, "mon 18:00", "mon 19:10"))


def test_modality_gap_reasons_speak_of_one_visit_in_training_words():
    plan = make_plan([LIFT, RUN], version=2)
    said = modality_gap.reasons(week_at(plan, "mon 18:00", "mon 19:15"))
    assert said[1] == ["straight after Lift in one visit, 15 min to change and get going (modality_gap)"]
    assert modality_gap.reasons(week_at(plan, "mon 06:00", "mon 18:00")) == {}


def test_rest_days_count_training_days_but_not_mobility():
    plan = make_plan([dict(LIFT, times=3), dict(RUN, times=4), MOBILITY])
    lifts = ("mon 18:00", "wed 18:00", "fri 18:00")
    every_day = week_at(plan, *lifts, "tue 18:00", "thu 18:00", "sat 06:00", "sun 06:00", "sun 18:00")
    assert rest_days.check(every_day)
    mobility_on_sunday = week_at(plan, *lifts, "tue 18:00", "thu 18:00", "sat 06:00", "sat 18:00", "sun 18:00")
    assert not rest_days.check(mobility_on_sunday)


def test_sessions_per_day():
    plan = make_plan([dict(RUN, times=3)], rules={"max_sessions_per_day": 2})
    assert sessions_per_day.check(week_at(plan, "mon 06:00", "mon 17:00", "mon 19:00"))
    assert not sessions_per_day.check(week_at(plan, "mon 06:00", "mon 17:00", "tue 19:00"))


def test_sessions_per_day_conflict_counts_sessions_and_days():
    plan = make_plan([dict(RUN, times=2), LIFT], availability={"mon": ["17:00-21:00"], "wed": ["17:00-21:00"]}, rules={"rest_days": 0})
    text = sessions_per_day.conflict(plan, frame_of(plan))
    assert text == "3 sessions to spread over 2 days with free time, no more than 2 on one day (max_sessions_per_day)"


@pytest.mark.parametrize(
    "sessions, slots, bites",
    [
        ([HARD_LEGS, INTERVALS], ("mon 18:00", "wed 07:00"), True),  # 36 h, both lower body
        ([HARD_LEGS, INTERVALS], ("mon 18:00", "wed 19:00"), False),  # 48 h from end to start
        ([HARD_LEGS, SWIM_HARD], ("mon 18:00", "tue 07:00"), False),  # different regions
        ([HARD_LEGS, dict(INTERVALS, intensity="moderate")], ("mon 18:00", "tue 07:00"), False),
        ([HARD_LEGS, dict(INTERVALS, intensity="moderate", duration="90m")], ("mon 18:00", "tue 07:00"), True),  # 450 AU
        ([HARD_LEGS, dict(INTERVALS, intensity="easy", key=True)], ("mon 18:00", "tue 07:00"), True),  # key
    ],
    ids=["36h", "48h", "other-region", "not-demanding", "demanding-by-load", "demanding-by-key"],
)
def test_hard_recovery(sessions, slots, bites):
    plan = make_plan(sessions, version=2, rules={"hard_recovery": "48h"})
    assert bool(hard_recovery.check(week_at(plan, *slots))) is bites


def test_hard_recovery_is_off_by_default():
    plan = make_plan([HARD_LEGS, INTERVALS], version=2)
    assert plan.rules.hard_recovery is None
    assert not hard_recovery.check(week_at(plan, "mon 18:00", "tue 07:00"))


def test_hard_recovery_wraps_from_sunday_to_monday():
    plan = make_plan([HARD_LEGS, INTERVALS], rules={"hard_recovery": "48h"})
    assert hard_recovery.check(week_at(plan, "mon 18:00", "sun 07:00"))
    one_off = make_plan([HARD_LEGS, INTERVALS], rules={"hard_recovery": "48h", "repeat_weekly": False})
    assert not hard_recovery.check(week_at(one_off, "mon 18:00", "sun 07:00"))


def test_hard_recovery_reasons_in_training_words():
    plan = make_plan([HARD_LEGS, INTERVALS], version=2, rules={"hard_recovery": "48h"})
    said = hard_recovery.reasons(week_at(plan, "mon 18:00", "wed 19:00"))
    assert said == {1: ["the legs get 48h after Legs on Monday before the next demanding session (hard_recovery)"]}


def test_repeat_days():
    plan = make_plan([dict(RUN, times=2)])
    assert repeat_days.check(week_at(plan, "mon 06:00", "mon 17:00"))
    assert not repeat_days.check(week_at(plan, "mon 06:00", "tue 06:00"))
    week = solve_plan(make_plan([dict(RUN, times=2)], availability={"mon": ["06:00-21:00"], "tue": ["20:00-21:00"]}))
    assert [p.day for p in week.placements] == [0, 1]


# --- hard rules: the solver obeys them where they change the answer -------------------

def test_solver_pairs_or_separates_lift_and_run_on_a_single_day():
    plan = make_plan([LIFT, RUN], availability={"mon": ["17:00-21:00"]}, rules={"rest_days": 0})
    week = solve_plan(plan)
    lift, run = sorted(week.placements, key=lambda p: p.spec.kind.value != "strength")
    # Lift first for a strength goal, and as far apart as the window allows: closeness costs
    # interference (a 45 min run in 17:00-21:00 after a 60 min lift leaves at most 2 h 15 min).
    assert lift.start < run.start and run.start - lift.end >= 120
    assert violations(week) == {}


def test_solver_reports_the_modality_gap_when_no_visit_is_allowed():
    plan = make_plan([LIFT, RUN], availability={"mon": ["17:00-21:00"]}, rules={"rest_days": 0, "modality_gap": "6h"})
    with pytest.raises(Infeasible) as raised:
        solve_plan(plan)
    assert "modality_gap" in raised.value.culprits


def test_solver_keeps_rest_days():
    plan = make_plan([dict(RUN, times=2), dict(LIFT, times=2)], rules={"rest_days": 4})
    week = solve_plan(plan)
    assert len({p.day for p in week.placements}) == 3
    evenings = {day: ["17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    squeezed = make_plan(
        [dict(RUN, times=2), LIFT], availability=evenings, rules={"rest_days": 5, "modality_gap": "6h"}
    )
    with pytest.raises(Infeasible) as raised:
        solve_plan(squeezed)
    assert "rest_days" in raised.value.culprits
    assert "rest_days to 4" in str(raised.value)


def test_solver_keeps_hard_sessions_apart():
    two_evenings = {"mon": ["17:00-21:00"], "tue": ["17:00-21:00"]}
    plan = make_plan([HARD_LEGS, INTERVALS], availability=two_evenings, rules={"rest_days": 0, "hard_recovery": "48h"})
    with pytest.raises(Infeasible) as raised:
        solve_plan(plan)
    assert "hard_recovery" in raised.value.culprits
    relaxed = make_plan([HARD_LEGS, INTERVALS], availability=two_evenings, rules={"rest_days": 0, "hard_recovery": "20h"})
    assert violations(solve_plan(relaxed)) == {}


# --- soft objectives ------------------------------------------------------------------

def test_goal_order_follows_the_primary_goal():
    strength = make_plan([LIFT, RUN])
    endurance = make_plan([LIFT, RUN], goals=["endurance"])
    lift_first = week_at(strength, "mon 18:00", "mon 19:10")
    run_first = week_at(strength, "mon 19:05", "mon 18:00")
    assert goal_order.penalty(lift_first) == 0 and goal_order.penalty(run_first) == 1
    assert goal_order.penalty(week_at(endurance, "mon 18:00", "mon 19:10")) == 2  # endurance: factor 2
    assert goal_order.penalty(week_at(endurance, "mon 19:05", "mon 18:00")) == 0
    assert goal_order.penalty(week_at(strength, "mon 18:00", "tue 06:00")) == 0  # different days


def test_goal_order_lets_a_later_firm_goal_decide_for_general_fitness():
    plan = make_plan([LIFT, RUN], goals=["general", "endurance"])
    assert goal_order.penalty(week_at(plan, "mon 19:05", "mon 18:00")) == 0


@pytest.mark.parametrize("goals, first", [(["strength"], "strength"), (["endurance"], "run"), (["power"], "strength")])
def test_solver_orders_a_shared_day_by_goal(goals, first):
    plan = make_plan([LIFT, RUN], goals=goals, availability={"mon": ["17:00-21:00"]}, rules={"rest_days": 0})
    week = solve_plan(plan)
    assert week.placements[0].spec.kind.value == first


def test_separation():
    plan = make_plan([LIFT, RUN])
    assert separation.penalty(week_at(plan, "mon 18:00", "mon 06:00")) == 1
    assert separation.penalty(week_at(plan, "mon 18:00", "tue 06:00")) == 0
    assert separation.penalty(solve_plan(plan)) == 0


def test_preferred_times():
    plan = make_plan([dict(RUN, prefer={"days": ["tue", "thu"], "time": "06:00-08:00"})])
    assert preferred_times.penalty(week_at(plan, "tue 06:00")) == 0
    assert preferred_times.penalty(week_at(plan, "tue 07:30")) == 1  # ends 08:15
    assert preferred_times.penalty(week_at(plan, "wed 18:00")) == 2
    week = solve_plan(plan)
    assert preferred_times.penalty(week) == 0


def test_consistency():
    plan = make_plan([dict(RUN, times=2)])
    assert consistency.penalty(week_at(plan, "mon 06:00", "wed 06:00")) == 0
    assert consistency.penalty(week_at(plan, "mon 06:00", "wed 18:00")) == 12
    assert consistency.penalty(week_at(plan, "mon 06:00", "wed 06:05")) == 1
    assert consistency.penalty(solve_plan(plan)) == 0


def test_gaps_are_real_time_across_a_daylight_saving_change():
    # Berlin springs forward at 02:00 on Sunday 28 March 2027: 21:00 Saturday to 04:00
    # Sunday reads as 7 h on the clock but only 6 h pass.
    plan = make_plan(
        [LIFT, RUN],
        week_start="2027-03-22",
        availability={"sat": ["17:00-22:00"], "sun": ["03:00-09:00"]},
        rules={"modality_gap": "6h30m"},
    )
    assert modality_gap.check(week_at(plan, "sat 20:00", "sun 04:00"))
    assert not modality_gap.check(week_at(plan, "sat 20:00", "sun 04:30"))
    week = solve_plan(plan)
    first, second = week.placements
    assert second.start - first.end >= 390
    assert violations(week) == {}
