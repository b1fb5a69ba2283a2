"""The .ics file itself: structure, escaping, time zones, reminders, repeated weeks, SEQUENCE."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
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


LIFT = {"name": "Lift", "kind": "strength", "duration": "60m", "prefer": {"days": ["tue"]}}
RUN = {"name": "Run", "kind": "run", "duration": "40m", "prefer": {"days": ["thu"]}}
WRITTEN = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)
LATER = dt.datetime(2026, 11, 27, 19, 30, tzinfo=dt.timezone.utc)


def versions(data: bytes) -> dict[str, tuple[int, dt.datetime]]:
    return {str(e["SUMMARY"]): (int(e["SEQUENCE"]), e.decoded("DTSTAMP")) for e in Calendar.from_ical(data).walk("VEVENT")}


def test_an_unchanged_week_rewritten_later_is_the_same_bytes():
    first = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT, RUN]), None, stamp=WRITTEN)
    again = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT, RUN]), first, stamp=LATER)
    assert again == first
    assert versions(first) == {"Lift": (0, WRITTEN), "Run": (0, WRITTEN)}


def test_a_moved_event_gets_the_next_sequence_and_a_new_stamp_the_others_keep_theirs():
    first = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT, RUN]), None, stamp=WRITTEN)
    moved = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT, dict(RUN, prefer={"days": ["fri"]})]), first, stamp=LATER)
    assert versions(moved) == {"Lift": (0, WRITTEN), "Run": (1, LATER)}


def test_a_change_of_description_alone_is_a_new_version():
    week = solved("Europe/Berlin", "2026-11-30", [LIFT, RUN])
    first = week_ics(week, None, stamp=WRITTEN)
    calendar = Calendar.from_ical(first)
    run = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Run")
    run["DESCRIPTION"] = "what an earlier version of trainweek wrote"
    again = week_ics(week, calendar.to_ical(), stamp=LATER)
    assert versions(again) == {"Lift": (0, WRITTEN), "Run": (1, LATER)}


def test_a_new_reminder_is_a_new_version():
    week = solved("Europe/Berlin", "2026-11-30", [LIFT])
    first = week_ics(week, None, stamp=WRITTEN)
    assert versions(week_ics(week, first, CalendarOptions(remind=30), stamp=LATER)) == {"Lift": (1, LATER)}


def test_a_stamp_from_the_future_is_brought_back_to_now():
    """Files of earlier versions were stamped from the plan's week, which may lie ahead."""
    week = solved("Europe/Berlin", "2026-11-30", [LIFT])
    ahead = week_ics(week, None, stamp=dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc))
    assert versions(week_ics(week, ahead, stamp=WRITTEN)) == {"Lift": (0, WRITTEN)}


def test_the_stamp_is_the_clock_in_utc_without_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    data = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT]))
    after = dt.datetime.now(dt.timezone.utc)
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert event["DTSTAMP"].to_ical().endswith(b"Z")
    assert before <= event.decoded("DTSTAMP") <= after


def test_source_date_epoch_is_the_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    event = Calendar.from_ical(week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT]))).walk("VEVENT")[0]
    assert event.decoded("DTSTAMP") == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("value", ["soon", "1.5", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_bad_input(monkeypatch, value):
    from trainweek.scheduler.errors import BadInput

    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(BadInput, match="SOURCE_DATE_EPOCH=.*whole seconds since 1970-01-01 UTC"):
        week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT]))


def test_solving_again_into_the_same_file_keeps_it_byte_for_byte_and_a_new_path_is_stamped_now(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from trainweek.scheduler.cli import main

    plan = tmp_path / "week.yaml"
    plan.write_text(yaml.safe_dump({
        "version": 1, "athlete": "Dana", "timezone": "Europe/Berlin", "week_start": "2026-11-30", "goals": ["strength"],
        "availability": {"tue": ["17:00-21:00"], "thu": ["06:00-09:00"]}, "sessions": [LIFT, RUN],
    }))
    target, elsewhere = tmp_path / "week.ics", tmp_path / "new.ics"
    runs = [("1795000000", target), ("1795086400", target), ("1795172800", elsewhere), ("soon", elsewhere)]
    results, written = [], []
    for clock, path in runs:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", clock)
        results.append(CliRunner().invoke(main, ["solve", str(plan), "-o", str(path), "--force"]))
        written.append(path.read_bytes())
    assert [r.exit_code for r in results] == [0, 0, 0, 2], [r.output for r in results]
    assert written[1] == written[0]
    assert "SOURCE_DATE_EPOCH=soon: give the time" in results[3].output
    first = versions(target.read_bytes())
    assert first == {"Lift": (0, dt.datetime.fromtimestamp(1795000000, dt.timezone.utc)), "Run": (0, dt.datetime.fromtimestamp(1795000000, dt.timezone.utc))}
    assert versions(elsewhere.read_bytes()) == {name: (0, dt.datetime.fromtimestamp(1795172800, dt.timezone.utc)) for name in first}


def statuses(data: bytes) -> dict[str, tuple[str | None, int]]:
    return {str(e["SUMMARY"]): (str(e["STATUS"]) if "STATUS" in e else None, int(e["SEQUENCE"])) for e in Calendar.from_ical(data).walk("VEVENT")}


def test_a_session_taken_out_of_the_plan_is_cancelled_in_the_file_and_comes_back_as_a_new_version():
    first = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT, RUN]), None, stamp=WRITTEN)
    without = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT]), first, stamp=LATER)
    assert statuses(without)["Run"] == ("CANCELLED", 1)
    assert statuses(without)["Lift"][0] is None
    assert week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT]), without, stamp=LATER + dt.timedelta(days=1)) == without, "cancelled once, then carried as it is"
    back = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT, RUN]), without, stamp=LATER + dt.timedelta(days=2))
    assert statuses(back)["Run"] == (None, 2), "a newer version than the cancelled one, or apps keep it cancelled"


def test_only_the_athletes_own_events_of_the_week_are_cancelled():
    dana = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT, RUN]), None, stamp=WRITTEN)
    next_week = week_ics(solved("Europe/Berlin", "2026-12-07", [LIFT, RUN]), None, stamp=WRITTEN)
    other = solved("Europe/Berlin", "2026-11-30", [LIFT, RUN])
    other = dataclasses.replace(other, plan=other.plan.model_copy(update={"athlete": "Sam"}))
    sam = week_ics(other, None, stamp=WRITTEN)
    unmarked = re.sub(rb"X-TRAINWEEK-[A-Z-]+:[^\r]*\r\n", b"", dana)  # written before events were marked
    assert b"X-TRAINWEEK" not in unmarked
    everything = {}
    for data in (dana, next_week, sam):
        everything.update({str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")})
    written = week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT]), everything, stamp=LATER)
    assert statuses(written)["Run"] == ("CANCELLED", 1)
    assert len(Calendar.from_ical(written).walk("VEVENT")) == 2, "next week's and Sam's events are not this week's to cancel"
    assert set(statuses(week_ics(solved("Europe/Berlin", "2026-11-30", [LIFT]), unmarked, stamp=LATER))) == {"Lift"}
