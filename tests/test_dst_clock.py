"""Time of day on a daylight-saving Sunday is what the local clock reads.

In Berlin clocks go 02:00 -> 03:00 on 29 March 2026 and 03:00 -> 02:00 on 25 October
2026. The solver counts real minutes, so a session before the switch and one after it
on that Sunday are an hour apart from the day's other starts in real time; the
`consistency` objective, in the model and in its checker, must use the clock reading.
"""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from trainweek.constraints import availability, consistency
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.week import Week
from tests.conftest import make_plan, solve_plan
from tests.helpers import objective, week_at

RUN = {"name": "Run", "kind": "run", "duration": "60m", "intensity": "easy", "times": 2}
SPRING = "2026-03-23"  # Sunday 29 March: 02:00 -> 03:00
AUTUMN = "2026-10-19"  # Sunday 25 October: 03:00 -> 02:00
NORMAL = "2026-11-30"
SUN = 6


def dst_plan(week_start: str, availability: dict[str, list[str]], session: dict = RUN, grid: str = "15m"):
    return make_plan([session], week_start=week_start, timezone="Europe/Berlin", availability=availability, grid=grid)


def clock(placement) -> str:
    return f"{placement.local_start:%a %H:%M}"


def solved(plan):
    week = solve_plan(plan)
    assert week.status == "OPTIMAL"
    assert week.objective == objective(week)  # the model's optimum is the checkers' value
    return week


# --- the checker reads the local clock ----------------------------------------------------


@pytest.mark.parametrize("week_start", [SPRING, AUTUMN])
def test_checker_spread_is_the_local_clock_difference(week_start):
    plan = dst_plan(week_start, {"wed": ["00:00-04:00"], "sun": ["00:00-04:00"]})
    for wed, sun, minutes in [
        ("01:00", "01:00", 0),  # Sunday before the switch
        ("00:30", "01:45", 75),
        ("01:30", "00:15", 75),
        ("03:30", "03:30", 0),  # Sunday after the switch
        ("01:00", "03:15", 135),
    ]:
        week = week_at(plan, f"wed {wed}", f"sun {sun}")
        assert [f"{p.local_start:%H:%M}" for p in week.placements] == [wed, sun]
        assert consistency.spreads(week) == {0: minutes}
        assert consistency.penalty(week) == -(-minutes // 60)


def test_checker_reads_both_0230s_of_the_autumn_night_as_0230():
    plan = dst_plan(AUTUMN, {"wed": ["00:00-04:00"], "sun": ["00:00-04:00"]})
    frame = WeekFrame(plan, plan.week_start)
    wed = frame.minute(2, 150)
    first = frame.minute(SUN, 150)  # 02:30 summer time
    second = first + 60  # 02:30 again, winter time
    for sunday in (first, second):
        week = Week.from_starts(plan, frame, {0: wed, 1: sunday}, plan.effective_weights())
        assert f"{week.placements[1].local_start:%H:%M}" == "02:30"
        assert consistency.penalty(week) == 0


# --- the model agrees with the clock at every start ---------------------------------------


@pytest.mark.parametrize("week_start", [SPRING, AUTUMN, NORMAL])
def test_model_time_of_day_is_the_local_clock_at_every_sunday_start(week_start):
    plan = dst_plan(week_start, {"sun": ["00:00-05:00"]}, session=dict(RUN, times=1, duration="30m"))
    frame = WeekFrame(plan, plan.week_start)
    probe = WeekModel(plan, frame)
    ticks = list(probe.model.proto.variables[probe.start_step[0].index].domain)
    values = [t for low, high in zip(ticks[::2], ticks[1::2]) for t in range(low, high + 1)]
    assert len(values) > 10
    for tick in values:
        m = WeekModel(plan, frame)
        clock_minutes = m.time_of_day(0)
        m.model.add(m.start_step[0] == tick)
        solver = cp_model.CpSolver()
        assert solver.solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        local = frame.at(tick * plan.grid)
        assert solver.value(clock_minutes) == local.hour * 60 + local.minute, local


def test_only_a_session_that_may_start_on_both_sides_of_a_switch_gets_a_boolean():
    def extra_variables(week_start, window):
        plan = dst_plan(week_start, {"wed": ["00:00-05:00"], "sun": [window]})
        m = WeekModel(plan, WeekFrame(plan, plan.week_start))
        before = len(m.model.proto.variables)
        for index in (0, 1, 0):
            m.time_of_day(index)
        return len(m.model.proto.variables) - before

    assert extra_variables(NORMAL, "00:00-05:00") == 0
    assert extra_variables(SPRING, "00:00-02:00") == 0  # all before the switch
    assert extra_variables(SPRING, "03:00-05:00") == 0  # all after it
    assert extra_variables(SPRING, "00:00-05:00") == 2  # one per repeat, made once
    assert extra_variables(AUTUMN, "00:00-05:00") == 2


def test_clock_pieces_of_the_dst_sundays():
    for week_start, switch, shift in [(SPRING, 120, -60), (AUTUMN, 180, 60)]:
        plan = dst_plan(week_start, {"wed": ["00:00-05:00"], "sun": ["00:00-05:00"]})
        frame = WeekFrame(plan, plan.week_start)
        midnight, next_midnight = frame.day_starts[SUN], frame.day_starts[SUN + 1]
        assert frame.clock_pieces[SUN] == (
            (midnight, midnight + switch, midnight),
            (midnight + switch, next_midnight, midnight + shift),
        )
        assert all(frame.clock_pieces[day] == ((frame.day_starts[day], frame.day_starts[day + 1], frame.day_starts[day]),) for day in range(6))


# --- solved weeks -------------------------------------------------------------------------


@pytest.mark.parametrize("week_start", [SPRING, AUTUMN])
def test_same_clock_time_before_the_switch_costs_nothing(week_start):
    # Sunday's run must start before the switch; Wednesday's only at 00:30. (The Sunday
    # window ends before 02:00: that clock time does not exist in March.)
    plan = dst_plan(week_start, {"wed": ["00:30-01:30"], "sun": ["00:00-01:30"]})
    week = solved(plan)
    assert [clock(p) for p in week.placements] == ["Wed 00:30", "Sun 00:30"]
    assert week.parts["consistency"] == 0
    assert consistency.spreads(week) == {0: 0}


@pytest.mark.parametrize("week_start", [SPRING, AUTUMN])
def test_same_clock_time_from_a_wider_window(week_start):
    # Either side of the switch is open on Sunday; Wednesday's 00:00-04:00 matches both.
    plan = dst_plan(week_start, {"wed": ["00:00-04:00"], "sun": ["00:00-04:00"]})
    week = solved(plan)
    assert week.parts["consistency"] == 0
    wed, sun = week.placements
    assert (wed.local_start.hour, wed.local_start.minute) == (sun.local_start.hour, sun.local_start.minute)


@pytest.mark.parametrize(
    "week_start, wed, sun, expected",
    [
        (SPRING, "01:00-02:00", "00:00-01:00", ["Wed 01:00", "Sun 00:00"]),  # 00:00 is 1 h of real time before the switch
        (SPRING, "02:00-03:00", "03:00-04:00", ["Wed 02:00", "Sun 03:00"]),  # after the switch
        (AUTUMN, "01:00-02:00", "00:00-01:00", ["Wed 01:00", "Sun 00:00"]),  # before the repeated hour
        (AUTUMN, "04:00-05:00", "03:00-04:00", ["Wed 04:00", "Sun 03:00"]),  # after it
    ],
)
def test_an_hour_apart_on_the_clock_costs_one(week_start, wed, sun, expected):
    plan = dst_plan(week_start, {"wed": [wed], "sun": [sun]})
    week = solved(plan)
    assert [clock(p) for p in week.placements] == expected
    assert consistency.spreads(week) == {0: 60}
    assert week.parts["consistency"] == 1


def test_no_session_starts_or_ends_in_the_repeated_hour():
    # 02:00-03:00 happens twice on 25 October 2026. Wednesday's run is at 02:30; Sunday's
    # cannot start at either 02:30, nor end at 02:00 (01:30-02:00 summer time): calendar
    # apps disagree on which 02:00 a local time means. The closest is 03:00 on the clock.
    plan = dst_plan(AUTUMN, {"wed": ["02:30-03:00"], "sun": ["00:00-05:00"]}, session=dict(RUN, duration="30m"))
    week = solved(plan)
    wed, sun = week.placements
    assert clock(wed) == "Wed 02:30"
    assert clock(sun) in {"Sun 03:00", "Sun 03:15", "Sun 03:30"}
    assert week.parts["consistency"] == 1
    frame = WeekFrame(plan, plan.week_start)
    for first, last in frame.start_ticks(SUN, 30):
        for tick in range(first, last + 1):
            start = tick * frame.step
            assert not frame.happens_twice(start) and not frame.happens_twice(start + 30)
    first = frame.minute(SUN, 150)  # 02:30 summer time
    for sunday in (first, first + 60, frame.minute(SUN, 90)):  # both 02:30s, and 01:30 (ends at 02:00)
        problems = availability.check(Week.from_starts(plan, frame, {0: frame.minute(2, 150), 1: sunday}, {}))
        assert any("a time that happens twice (the clocks go back)" in problem for problem in problems)


# --- availability on a DST day is judged in real time -------------------------------------


def test_a_window_ending_at_a_skipped_clock_time_ends_when_the_clocks_jump():
    # 02:00 does not exist on 29 March in Berlin: the window ends at the jump (03:00 on
    # the clock), so a 60-minute run at 01:00 fits exactly and reads 01:00-03:00.
    run = {"name": "Run", "kind": "run", "duration": "60m", "intensity": "easy"}
    plan = dst_plan(SPRING, {"sun": ["00:00-02:00"]}, session=run)
    at_one = week_at(plan, "sun 01:00")
    assert [p.clock_range for p in at_one.placements] == ["01:00-03:00"]
    assert availability.check(at_one) == []
    assert availability.check(week_at(plan, "sun 01:15"))
    solved(plan)  # every start the model allows passes the checker
