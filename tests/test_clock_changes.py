"""Clock changes are instants: repeated and skipped hours, skipped dates, half-hour changes.

Issue 16, items 2, 3, 4 and 18. What a clock time in the file means (scheduler.zonetime):
the first of a time that happens twice, the offset before the change for one the clocks
skip, cut to its own date. A session never starts or ends at a clock time that happens
twice, since calendar apps disagree on which of the two a local time means (and calcurse
keeps only the reading); it may run through that hour. Busy time keeps its instants.
Every file written here is read by all six parsers (tests/readers.py), which must land
each session on the instant meant.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from trainweek.constraints import availability, preferred_times
from trainweek.scheduler.cli import main
from trainweek.scheduler.errors import NoWeekExists
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.ics import CalendarOptions, week_ics
from trainweek.scheduler.loading import PlanError, load_plan
from trainweek.scheduler.solve import Infeasible
from trainweek.scheduler.week import Week
from trainweek.scheduler.zonetime import changes
from tests.conftest import make_plan, solve_plan
from tests.helpers import objective, violations, week_at
from tests.readers import READERS

UTC = dt.timezone.utc
NEW_YORK = "America/New_York"
NOVEMBER = "2027-11-01"  # Sunday 7 November 2027: 02:00 EDT -> 01:00 EST, 01:00-02:00 twice
SUN = 6
RUN = {"name": "Run", "kind": "run", "duration": "40m", "intensity": "easy"}
MOBILITY = {"name": "Mobility", "kind": "mobility", "duration": "50m", "intensity": "easy"}


def plan_of(zone: str, monday: str, availability: dict, sessions: list[dict], **more):
    return make_plan(sessions, timezone=zone, week_start=monday, availability=availability, goals=["endurance"], **more)


def instant(text: str) -> int:
    """Unix seconds of an ISO time with its offset, e.g. 2027-11-07T01:00-04:00."""
    return int(dt.datetime.fromisoformat(text).timestamp())


def written(week: Week, folder: Path, weeks: int = 1) -> Path:
    path = folder / "week.ics"
    path.write_bytes(week_ics(week, None, CalendarOptions(weeks=weeks)))
    return path


def placed(week: Week) -> list[tuple[str, int, int]]:
    """(label, UTC start, UTC end) of the solved week, as every parser must read it."""
    return sorted((p.occurrence.label, int(p.local_start.timestamp()), int(p.local_end.timestamp())) for p in week.placements)


@pytest.fixture(params=sorted(READERS))
def reader(request):
    return READERS[request.param]


def no_clock_reading_twice(week: Week) -> None:
    for p in week.placements:
        for moment in (p.local_start, p.local_end):
            assert moment.replace(fold=1 - moment.fold).utcoffset() == moment.utcoffset(), f"{p.when} happens twice"


# --- item 2: the repeated hour ---------------------------------------------------------------


def write_yaml(folder: Path, data: dict) -> Path:
    path = folder / "week.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


PREFER = {"time": "01:00-02:00"}
REPRODUCTIONS = {
    "one 40 min run, the first 01:xx busy": ([RUN], ["2027-11-07 01:00-01:59"]),
    "two 50 min sessions": ([dict(RUN, duration="50m"), MOBILITY], []),
    "two 50 min sessions preferring 01:00-02:00": ([dict(RUN, duration="50m", prefer=PREFER), dict(MOBILITY, prefer=PREFER)], []),
}


@pytest.mark.parametrize("case", sorted(REPRODUCTIONS))
def test_the_issues_repeated_hour_weeks_have_no_week_and_say_why(tmp_path, case):
    # Sunday 01:00-02:00 in New York happens twice on 7 November 2027, and the window is
    # nothing else: no session may start or end in it, so there is no week. Before, the
    # first wrote 01:00 (read as EDT by four parsers, EST by ical.js), the second was an
    # icalendar traceback and the third a RuleBroken one.
    sessions, busy = REPRODUCTIONS[case]
    data = {
        "version": 1,
        "athlete": "Alex",
        "timezone": NEW_YORK,
        "week_start": NOVEMBER,
        "goals": ["endurance"],
        "availability": {"sun": ["01:00-02:00"]},
        "busy": busy,
        "sessions": sessions,
    }
    result = CliRunner().invoke(main, ["solve", str(write_yaml(tmp_path, data)), "-o", str(tmp_path / "week.ics")])
    assert result.exit_code == 3, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Sunday 7 November 2027 01:00-02:00 happens twice (the clocks go back)" in result.output
    assert not (tmp_path / "week.ics").exists()


def repeated_hour_week():
    """The issue's week with room around the repeated hour: a run and mobility, both
    preferring 01:00-02:00, the first 01:xx (EDT) busy."""
    sessions = [dict(RUN, prefer=PREFER), dict(MOBILITY, prefer=PREFER)]
    plan = plan_of(NEW_YORK, NOVEMBER, {"sun": ["00:00-04:00"]}, sessions, busy=["2027-11-07 01:00-01:59"], rules={"rest_days": 0})
    return solve_plan(plan)


def test_around_the_repeated_hour_the_model_and_the_checkers_agree():
    week = repeated_hour_week()  # solve() checks every hard rule and re-adds the objective
    assert week.status == "OPTIMAL"
    assert week.objective == objective(week)
    no_clock_reading_twice(week)
    for p in week.placements:  # clear of the busy first 01:00-01:59 (EDT) ...
        assert not (p.start < week.frame.minute(SUN, 119) and week.frame.minute(SUN, 60) < p.end)
    # ... and, since only a session starting or ending in 01:00-02:00 could be inside the
    # preferred time, both miss it, in the model as in the checker.
    assert week.parts["preferred_times"] == 2


def test_around_the_repeated_hour_every_parser_reads_the_same_instants(tmp_path, reader):
    week = repeated_hour_week()
    path = written(week, tmp_path, weeks=2)
    copies = []
    for p in week.placements:  # same clock time on 14 November, no change that day; as long
        start = (p.local_start.replace(tzinfo=None) + dt.timedelta(weeks=1)).replace(tzinfo=ZoneInfo(NEW_YORK))
        copies.append((p.occurrence.label, int(start.timestamp()), int(start.timestamp()) + 60 * p.spec.duration))
    assert reader(path, NEW_YORK) == sorted(placed(week) + copies)


def test_a_session_may_run_through_the_repeated_hour(tmp_path, reader):
    # 00:00 EDT to 03:00 EST is four real hours; a 3h ride starting 00:00-00:55 EDT ends
    # 02:00-02:55 EST, neither end in the repeated 01:00-02:00.
    ride = {"name": "Long ride", "kind": "bike", "duration": "3h", "intensity": "easy"}
    week = solve_plan(plan_of(NEW_YORK, NOVEMBER, {"sun": ["00:00-03:00"]}, [ride]))
    [p] = week.placements
    assert p.local_start.hour == 0 and p.local_end.hour == 2
    assert (p.local_start.utcoffset(), p.local_end.utcoffset()) == (dt.timedelta(hours=-4), dt.timedelta(hours=-5))
    no_clock_reading_twice(week)
    assert reader(written(week, tmp_path), NEW_YORK) == placed(week)


def test_a_preferred_time_across_the_change_is_judged_in_instants():
    # Preferred 00:00-02:00 is 00:00 EDT to 02:00 EST, three real hours: a 3h ride from
    # 00:00 lies inside it. The checker used to add the length to the clock reading
    # (00:00 + 3h = 03:00) and disagree with the model (a RuleBroken traceback).
    ride = {"name": "Long ride", "kind": "bike", "duration": "3h", "intensity": "easy", "prefer": {"time": "00:00-02:00"}}
    week = solve_plan(plan_of(NEW_YORK, NOVEMBER, {"sun": ["00:00-04:00"]}, [ride]))
    assert [p.clock_range for p in week.placements] == ["00:00-02:00"]
    assert list(preferred_times.misses(week)) == []
    assert week.objective == objective(week) == 0


def test_the_checker_refuses_a_start_or_end_in_the_repeated_hour():
    plan = plan_of(NEW_YORK, NOVEMBER, {"sun": ["00:00-04:00"]}, [RUN])
    frame = WeekFrame(plan, plan.week_start)
    first = frame.minute(SUN, 70)  # 01:10 EDT
    for start in (first, first + 60, frame.minute(SUN, 40)):  # 01:10 EDT, 01:10 EST, and 00:40 ending 01:20 EDT
        problems = availability.check(Week.from_starts(plan, frame, {0: start}, {}))
        assert any("a time that happens twice (the clocks go back)" in problem for problem in problems), problems
    assert availability.check(week_at(plan, "sun 02:00")) == []


# --- item 3: busy time from a calendar keeps its instants ----------------------------------------

BUSY_EXPORT = textwrap.dedent(
    """\
    BEGIN:VCALENDAR
    VERSION:2.0
    PRODID:-//test//busy//EN
    BEGIN:VEVENT
    UID:first-0100@example.com
    SUMMARY:The first 01:00-02:00 (EDT)
    DTSTART:20271107T050000Z
    DTEND:20271107T060000Z
    END:VEVENT
    END:VCALENDAR
    """
).replace("\n", "\r\n")


def busy_plan(folder: Path, sessions: list[dict], busy: list[str] | None = None):
    (folder / "work.ics").write_text(BUSY_EXPORT, newline="")
    data = {
        "version": 1,
        "athlete": "Alex",
        "timezone": NEW_YORK,
        "week_start": NOVEMBER,
        "goals": ["endurance"],
        "availability": {"sun": ["00:00-03:00"]},
        "busy": busy if busy is not None else ["work.ics"],
        "sessions": sessions,
    }
    return load_plan(write_yaml(folder, data))


def test_a_busy_event_in_the_first_repeated_hour_blocks_exactly_that_hour(tmp_path):
    plan = busy_plan(tmp_path, [RUN])
    frame = WeekFrame(plan, plan.week_start)
    [span] = frame.busy_spans
    assert (frame.at(span.first).astimezone(UTC), frame.at(span.end).astimezone(UTC)) == (
        dt.datetime(2027, 11, 7, 5, tzinfo=UTC),
        dt.datetime(2027, 11, 7, 6, tzinfo=UTC),
    )
    [block] = frame.busy_blocks  # shown 01:00-02:00 on Sunday, an hour long (it was 01:00-01:00)
    assert (block.day, block.start, block.end, block.length) == (SUN, 60, 120, 60)
    # A written entry reads a repeated clock time as the first: 01:00-01:59 is the first
    # 59 minutes, 01:00-02:00 both hours (02:00 happens once, after the second).
    for entry, length in (("2027-11-07 01:00-01:59", 59), ("sun 01:00-02:00", 120)):
        [written_span] = WeekFrame(busy_plan(tmp_path, [RUN], [entry]), plan.week_start).busy_spans
        assert (written_span.first, written_span.end) == (span.first, span.first + length)


def test_a_session_is_never_placed_on_the_busy_instants(tmp_path):
    # 00:00-03:00 is four real hours. A 3h ride fits from 00:00 or 00:30 EDT (to 02:00 or
    # 02:30 EST), but both run through the busy first 01:00-02:00: no week. Before, the busy
    # event was an empty block and the ride was placed on top of it.
    ride = {"name": "Long ride", "kind": "bike", "duration": "3h", "intensity": "easy"}
    with pytest.raises(Infeasible):
        solve_plan(busy_plan(tmp_path, [ride]))
    assert solve_plan(busy_plan(tmp_path, [ride], busy=[])).placements[0].clock_range in {"00:00-02:00", "00:05-02:05"}
    plan = busy_plan(tmp_path, [ride])
    frame = WeekFrame(plan, plan.week_start)
    on_top = Week.from_starts(plan, frame, {0: frame.minute(SUN, 0)}, {})
    assert any("clashes with your busy time" in problem and "work.ics" in problem for problem in availability.check(on_top))


def test_a_busy_event_in_the_second_repeated_hour_leaves_the_first_free(tmp_path):
    second = BUSY_EXPORT.replace("T050000Z", "T060000Z").replace("DTEND:20271107T060000Z", "DTEND:20271107T070000Z")
    (tmp_path / "late.ics").write_text(second, newline="")
    plan = busy_plan(tmp_path, [RUN], busy=["late.ics"])
    frame = WeekFrame(plan, plan.week_start)
    [span] = frame.busy_spans
    assert frame.at(span.first).astimezone(UTC) == dt.datetime(2027, 11, 7, 6, tzinfo=UTC)  # 01:00 EST
    assert span.end - span.first == 60


# --- item 4: a copy on a skipped or repeated clock time --------------------------------------------


def test_a_copy_on_a_skipped_clock_time_starts_as_much_later(tmp_path, reader):
    # Sunday 02:15 in Berlin, copied a week on to 28 March 2027, when 02:00-03:00 does not
    # exist: it starts 03:15 (02:15 read with the offset before the jump, as iCalendar
    # reads it) and lasts its hour. It was a 0-minute event in three parsers, 00:15Z in two.
    run = dict(RUN, duration="60m")
    week = solve_plan(plan_of("Europe/Berlin", "2027-03-15", {"sun": ["02:15-03:15"]}, [run]))
    path = written(week, tmp_path, weeks=2)
    assert reader(path, "Europe/Berlin") == [
        ("Run", instant("2027-03-21T02:15+01:00"), instant("2027-03-21T03:15+01:00")),
        ("Run", instant("2027-03-28T03:15+02:00"), instant("2027-03-28T04:15+02:00")),
    ]


def test_a_copy_in_the_repeated_hour_starts_when_it_is_over(tmp_path, reader):
    # Sunday 01:00-02:00 in New York, copied to 7 November 2027, when 01:00-02:00 happens
    # twice: it starts at 02:00 EST, the first clock time after, and keeps its hour.
    run = dict(RUN, duration="60m")
    week = solve_plan(plan_of(NEW_YORK, "2027-10-25", {"sun": ["01:00-02:00"]}, [run]))
    path = written(week, tmp_path, weeks=2)
    assert reader(path, NEW_YORK) == [
        ("Run", instant("2027-10-31T01:00-04:00"), instant("2027-10-31T02:00-04:00")),
        ("Run", instant("2027-11-07T02:00-05:00"), instant("2027-11-07T03:00-05:00")),
    ]


def test_a_moved_copy_says_so_in_its_description(tmp_path):
    run = dict(RUN, duration="60m")
    for zone, monday, window, expected in [
        ("Europe/Berlin", "2027-03-15", "02:15-03:15", "At 03:15, not 02:15: Sunday 28 March 2027 has no 02:15 (the clocks go forward)."),
        (NEW_YORK, "2027-10-25", "01:00-02:00", "At 02:00, not 01:00: on Sunday 7 November 2027 the copy would start or end in the hour"),
    ]:
        week = solve_plan(plan_of(zone, monday, {"sun": [window]}, [run]))
        events = Calendar.from_ical(written(week, tmp_path, weeks=3).read_bytes()).walk("VEVENT")
        notes = [expected in str(event["DESCRIPTION"]) for event in events]
        assert notes == [False, True, False]


# --- item 18: a date the zone skips --------------------------------------------------------------

APIA_WEEK = "2011-12-26"  # Samoa crossed the date line: Thursday 29 December, then Saturday 31


def test_a_window_on_a_skipped_date_gives_no_time_and_says_why(tmp_path):
    data = {
        "version": 1,
        "athlete": "Alex",
        "timezone": "Pacific/Apia",
        "week_start": APIA_WEEK,
        "goals": ["endurance"],
        "availability": {"fri": ["06:00-08:00"]},
        "sessions": [RUN],
    }
    result = CliRunner().invoke(main, ["solve", str(write_yaml(tmp_path, data)), "--no-ics"])
    assert result.exit_code == 3, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Friday 30 December 2011 does not exist in Pacific/Apia" in result.output


def test_the_skipped_friday_is_never_used_and_the_rest_is_read_right(tmp_path, reader):
    windows = {day: ["06:00-08:00"] for day in ("thu", "fri", "sat")}
    plan = plan_of("Pacific/Apia", APIA_WEEK, windows, [dict(RUN, times=2)], rules={"rest_days": 0, "hard_recovery": "0h"})
    frame = WeekFrame(plan, plan.week_start)
    assert frame.day_starts[4] == frame.day_starts[5] and frame.start_ticks(4, 40) == []
    week = solve_plan(plan)
    assert [p.when for p in week.placements] == ["Thursday 06:00-06:40", "Saturday 06:00-06:40"]
    assert violations(week) == {}
    assert reader(written(week, tmp_path), "Pacific/Apia") == [
        ("Run (1/2)", instant("2011-12-29T06:00-10:00"), instant("2011-12-29T06:40-10:00")),
        ("Run (2/2)", instant("2011-12-31T06:00+14:00"), instant("2011-12-31T06:40+14:00")),
    ]


# --- a change of half an hour moves the clock's grid -----------------------------------------------


def test_starts_stay_on_the_hour_after_a_half_hour_change(tmp_path, reader):
    # Lord Howe Island goes from +11 to +10:30 on Sunday 4 April 2027 at 02:00. On a 60
    # minute grid, Sunday's starts are still on the hour by the clock (it was 06:30 and a
    # RuleBroken traceback).
    windows = {"sat": ["06:00-09:00"], "sun": ["06:00-09:00"]}
    plan = plan_of("Australia/Lord_Howe", "2027-03-29", windows, [dict(RUN, times=2)], grid="60m", rules={"rest_days": 0})
    week = solve_plan(plan)
    assert week.frame.step == 30
    assert sorted(p.when for p in week.placements) == ["Saturday 06:00-06:40", "Sunday 06:00-06:40"]
    assert reader(written(week, tmp_path), "Australia/Lord_Howe") == placed(week)


# --- any zone, any week with a change ---------------------------------------------------------

ALL_ZONES = sorted(available_timezones())
EXAMPLES = int(os.environ.get("TRAINWEEK_CLOCK_EXAMPLES", "60"))  # more for a longer run
HARD_ZONES = [
    "Africa/Casablanca", "Pacific/Apia", "Australia/Lord_Howe", "America/Santiago", "Asia/Tehran",
    "Pacific/Chatham", "Europe/Dublin", "Pacific/Kiritimati", "Australia/Eucla", NEW_YORK, "Europe/Berlin",
]


def week_of_a_change(zone: str, around: dt.date) -> tuple[str, int, int] | None:
    """(Monday, weekday, local clock minute) of the zone's first change after `around`."""
    start = dt.datetime.combine(around, dt.time(), tzinfo=UTC)
    found = changes(ZoneInfo(zone), start, start + dt.timedelta(days=400))
    if not found:
        return None
    local = (found[0].at + found[0].before).replace(tzinfo=None)  # the clock reading when it happens
    monday = local.date() - dt.timedelta(days=local.weekday())
    return monday.isoformat(), local.weekday(), local.hour * 60 + local.minute


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    zone=st.one_of(st.sampled_from(HARD_ZONES), st.sampled_from(ALL_ZONES)),
    around=st.dates(dt.date(1975, 1, 1), dt.date(2036, 1, 1)),
    spans=st.lists(st.tuples(st.integers(-180, 120), st.integers(15, 300)), min_size=1, max_size=3),
    durations=st.lists(st.sampled_from([20, 30, 40, 45, 50, 60, 75, 90, 120, 180]), min_size=1, max_size=3),
    kinds=st.lists(st.sampled_from(["mobility", "run"]), min_size=3, max_size=3),
    grid=st.sampled_from(["5m", "15m", "20m", "30m", "60m"]),
    busy=st.lists(st.tuples(st.integers(-120, 120), st.integers(1, 120)), max_size=2),
    weeks=st.sampled_from([1, 2, 3]),
)
def test_any_week_with_a_change_is_solved_checked_and_written_right(zone, around, spans, durations, kinds, grid, busy, weeks):
    """Windows and busy time around the zone's next change (a repeated or skipped hour, a
    skipped date, a half-hour change): the solved week passes every checker, no session
    starts or ends at a clock time that happens twice, and every written time, copies
    included, names exactly one instant."""
    found = week_of_a_change(zone, around)
    if found is None:
        return
    monday, weekday, clock = found
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday]

    def clock_range(offset: int, length: int) -> str | None:
        low, high = max(clock + offset, 0), min(clock + offset + length, 24 * 60)
        return f"{low // 60:02d}:{low % 60:02d}-{high // 60:02d}:{high % 60:02d}" if low < high else None

    windows = sorted({text for offset, length in spans if (text := clock_range(offset, length))})
    if not windows:
        return
    busy_entries = [f"{day} {text}" for offset, length in busy if (text := clock_range(offset, length))]
    sessions = [{"name": f"S{n}", "kind": kinds[n], "duration": f"{m}m", "intensity": "easy"} for n, m in enumerate(durations)]
    try:
        plan = plan_of(zone, monday, {day: windows, "mon" if day != "mon" else "tue": ["06:00-22:00"]}, sessions,
                       busy=busy_entries, grid=grid, rules={"rest_days": 0, "max_sessions_per_day": 4})
    except PlanError:  # the loader's own limits (a session longer than every window)
        return
    try:
        week = solve_plan(plan, time_limit=20)
    except NoWeekExists:
        return
    no_clock_reading_twice(week)
    assert violations(week) == {}
    events = Calendar.from_ical(week_ics(week, None, CalendarOptions(weeks=weeks))).walk("VEVENT")
    zoneinfo_zone = ZoneInfo(zone)
    assert len(events) == weeks * len(week.placements)
    for event in events:
        for key in ("DTSTART", "DTEND"):
            moment = event.decoded(key).astimezone(UTC)
            wall = event.decoded(key).astimezone(zoneinfo_zone).replace(tzinfo=None)
            for fold in (0, 1):  # the written clock time names this instant and no other
                assert wall.replace(tzinfo=zoneinfo_zone, fold=fold).astimezone(UTC) == moment, (key, wall)
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert sorted((str(e["SUMMARY"]), int(e.decoded("DTSTART").timestamp()), int(e.decoded("DTEND").timestamp())) for e in events[: len(week.placements)]) == placed(week)
