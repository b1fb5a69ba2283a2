"""The .ics file itself: structure, escaping, time zones, reminders, repeated weeks, SEQUENCE."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import yaml
from icalendar import Calendar

from trainweek.scheduler.ics import CalendarOptions, event_uid, week_ics
from trainweek.scheduler.loading import load_plan, parse_plan
from trainweek.scheduler.solve import SolveOptions, solve
from trainweek.scheduler.vtimezone import vtimezone

INJECTION = 'Legs; heavy, "A"\nBEGIN:VEVENT'


def solved(zone: str, monday: str, sessions: list[dict], **options):
    data = {
        "version": 1,
        "athlete": "Dana",
        "timezone": zone,
        "week_start": monday,
        "goals": ["strength"],
        "availability": {day: ["06:00-09:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "sessions": sessions,
    }
    week = solve(parse_plan(yaml.safe_dump(data), "dst.yaml"), SolveOptions(**options))
    return week


def sunday_run(zone: str, monday: str):
    """A 07:00 run on the Sunday of a DST change."""
    return solved(zone, monday, [{"name": "Long run", "kind": "run", "duration": "90m", "prefer": {"days": ["sun"], "time": "07:00-08:30"}}])


def example_week(path):
    week = solve(load_plan(path))
    return week


def test_calendar_properties_and_wire_format(example_path):
    data = week_ics(example_week(example_path))
    assert not data.startswith(b"\xef\xbb\xbf")
    lines = data.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b""
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert "trainweek" in calendar["PRODID"]
    assert calendar["X-WR-CALNAME"].startswith("Training week of")
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == [load_plan(example_path).timezone]
    assert "COMMENT" not in zones[0]
    for event in calendar.walk("VEVENT"):
        assert event["UID"].endswith("@trainweek")
        assert event["DTSTAMP"].to_ical().endswith(b"Z")
        assert event["DTSTART"].params["TZID"] == zones[0]["TZID"]
        assert event.decoded("DTSTART").tzinfo is not None


def test_a_hostile_name_stays_one_summary_line_of_one_event():
    week = solved("Europe/Berlin", "2026-11-30", [{"name": INJECTION, "kind": "strength", "duration": "60m"}])
    data = week_ics(week)
    assert data.split(b"\r\n").count(b"BEGIN:VEVENT") == 1
    summary = [line for line in data.split(b"\r\n") if line.startswith(b"SUMMARY")]
    assert summary == [b'SUMMARY:Legs\\; heavy\\, "A" BEGIN:VEVENT']
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == 'Legs; heavy, "A" BEGIN:VEVENT'


def test_control_characters_never_reach_the_file():
    week = solved("Europe/Berlin", "2026-11-30", [{"name": "Bell\x07 ring\x00s", "kind": "strength", "duration": "60m"}])
    data = week_ics(week)
    assert b"\x07" not in data and b"\x00" not in data
    assert b"SUMMARY:Bell ring s\r\n" in data


def test_categories_name_the_kind_once():
    week = solved("Europe/Berlin", "2026-11-30", [
        {"name": "Lift", "kind": "strength", "duration": "60m"},
        {"name": "Run", "kind": "run", "duration": "40m"},
    ])
    events = {str(e["SUMMARY"]): [str(c) for c in e["CATEGORIES"].cats] for e in Calendar.from_ical(week_ics(week)).walk("VEVENT")}
    assert events == {"Lift": ["Training", "Strength"], "Run": ["Training", "Run", "Endurance"]}


def test_reminder_has_action_trigger_and_description():
    week = solved("Europe/Berlin", "2026-11-30", [{"name": "Lift", "kind": "strength", "duration": "60m"}])
    assert b"BEGIN:VALARM" not in week_ics(week)
    event = Calendar.from_ical(week_ics(week, None, CalendarOptions(remind=30))).walk("VEVENT")[0]
    [alarm] = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -dt.timedelta(minutes=30)
    assert str(alarm["DESCRIPTION"]) == "Lift"


def test_repeated_weeks_are_concrete_events_with_the_uids_of_those_weeks():
    week = solved("Europe/Berlin", "2027-03-15", [{"name": "Long run", "kind": "run", "duration": "90m", "prefer": {"days": ["sun"], "time": "07:00-08:30"}}])
    events = Calendar.from_ical(week_ics(week, None, CalendarOptions(weeks=3))).walk("VEVENT")
    starts = [e.decoded("DTSTART") for e in events]
    assert [s.strftime("%Y-%m-%d %H:%M") for s in starts] == ["2027-03-21 07:00", "2027-03-28 07:00", "2027-04-04 07:00"]
    assert [s.utcoffset() for s in starts] == [dt.timedelta(hours=1), dt.timedelta(hours=2), dt.timedelta(hours=2)]
    later = solved("Europe/Berlin", "2027-03-29", [{"name": "Long run", "kind": "run", "duration": "90m", "prefer": {"days": ["sun"], "time": "07:00-08:30"}}])
    assert str(events[2]["UID"]) == event_uid(later, later.placements[0])
    assert len({str(e["UID"]) for e in events}) == 3


def test_sequence_rises_only_for_moved_events():
    lift = {"name": "Lift", "kind": "strength", "duration": "60m", "prefer": {"days": ["tue"]}}
    run = {"name": "Run", "kind": "run", "duration": "40m", "prefer": {"days": ["thu"]}}
    first = week_ics(solved("Europe/Berlin", "2026-11-30", [lift, run]))
    moved_run = dict(run, prefer={"days": ["fri"]})
    second = week_ics(solved("Europe/Berlin", "2026-11-30", [lift, moved_run]), first)
    third = week_ics(solved("Europe/Berlin", "2026-11-30", [lift, run]), second)
    sequences = [{str(e["SUMMARY"]): int(e["SEQUENCE"]) for e in Calendar.from_ical(d).walk("VEVENT")} for d in (first, second, third)]
    assert sequences == [{"Lift": 0, "Run": 0}, {"Lift": 0, "Run": 1}, {"Lift": 0, "Run": 2}]


@pytest.mark.parametrize(
    ("zone", "monday", "utc_start"),
    [
        ("Europe/Berlin", "2027-03-22", dt.datetime(2027, 3, 28, 5, 0, tzinfo=dt.timezone.utc)),
        ("America/New_York", "2026-10-26", dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.timezone.utc)),
    ],
)
def test_a_run_on_the_dst_sunday_stays_at_seven_local(zone, monday, utc_start):
    data = week_ics(sunday_run(zone, monday))
    assert b"RRULE:FREQ=YEARLY" in data
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert event["DTSTART"].to_ical() == utc_start.astimezone(ZoneInfo(zone)).strftime("%Y%m%dT%H%M%S").encode()
    assert event.decoded("DTSTART") == utc_start


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "Africa/Casablanca", "America/Nuuk"])
def test_vtimezone_gives_zoneinfo_offsets_at_every_hour_of_the_plan(zone):
    first, last = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    component = vtimezone(zone, first, last)
    assert "COMMENT" not in component
    written = component.to_tz()
    real = ZoneInfo(zone)
    instant = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    while instant.date() < last:
        assert instant.astimezone(written).utcoffset() == instant.astimezone(real).utcoffset(), instant
        instant += dt.timedelta(hours=1)


def test_berlin_and_new_york_get_rrule_observances_not_one_offs():
    expected = {
        "Europe/Berlin": {"DAYLIGHT": b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "STANDARD": b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"},
        "America/New_York": {"DAYLIGHT": b"FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "STANDARD": b"FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"},
    }
    for zone, rules in expected.items():
        parts = vtimezone(zone, dt.date(2027, 3, 22), dt.date(2027, 3, 29)).subcomponents
        assert {p.name: p["RRULE"].to_ical() for p in parts} == rules
        assert all("RDATE" not in p for p in parts)


def test_an_earlier_file_tells_where_each_session_was():
    import datetime as dt

    from trainweek.scheduler.ics import previous_starts, week_ics
    from trainweek.scheduler.loading import load_plan
    from trainweek.scheduler.solve import solve
    from tests.conftest import ROOT

    plan = load_plan(ROOT / "examples" / "hybrid-athlete.yaml")
    week = solve(plan)
    found = previous_starts(plan, week.frame.week_start, week_ics(week))
    assert found == {p.occurrence.index: p.local_start for p in week.placements}
    assert previous_starts(plan, week.frame.week_start + dt.timedelta(weeks=1), week_ics(week)) == {}
