"""`busy:` entries that are .ics files: which events block time, in any zone, and errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from trainweek.scheduler.cli import main
from trainweek.scheduler.frame import Block, WeekFrame
from trainweek.scheduler.loading import PlanError, load_plan

# Google-style export; the planned week is Mon 30 Nov - Sun 6 Dec 2026 in Berlin.
EXPORT = textwrap.dedent(
    """\
    BEGIN:VCALENDAR
    VERSION:2.0
    PRODID:-//Google Inc//Google Calendar 70.9054//EN
    BEGIN:VTIMEZONE
    TZID:America/New_York
    BEGIN:STANDARD
    DTSTART:19701101T020000
    RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
    TZOFFSETFROM:-0400
    TZOFFSETTO:-0500
    END:STANDARD
    BEGIN:DAYLIGHT
    DTSTART:19700308T020000
    RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
    TZOFFSETFROM:-0500
    TZOFFSETTO:-0400
    END:DAYLIGHT
    END:VTIMEZONE
    BEGIN:VEVENT
    UID:standup@example.com
    SUMMARY:Call with New York (weekly since October)
    DTSTART;TZID=America/New_York:20261005T120000
    DTEND;TZID=America/New_York:20261005T130000
    RRULE:FREQ=WEEKLY;BYDAY=MO,TH
    EXDATE;TZID=America/New_York:20261203T120000
    END:VEVENT
    BEGIN:VEVENT
    UID:offsite@example.com
    SUMMARY:Offsite (all day, busy)
    DTSTART;VALUE=DATE:20261202
    DTEND;VALUE=DATE:20261203
    TRANSP:OPAQUE
    END:VEVENT
    BEGIN:VEVENT
    UID:birthday@example.com
    SUMMARY:Birthday (all day, free)
    DTSTART;VALUE=DATE:20261204
    DTEND;VALUE=DATE:20261205
    TRANSP:TRANSPARENT
    END:VEVENT
    BEGIN:VEVENT
    UID:holiday@example.com
    SUMMARY:Holiday without TRANSP
    DTSTART;VALUE=DATE:20261205
    END:VEVENT
    BEGIN:VEVENT
    UID:maybe@example.com
    SUMMARY:Free timed event
    DTSTART:20261201T170000Z
    DTEND:20261201T180000Z
    TRANSP:TRANSPARENT
    END:VEVENT
    BEGIN:VEVENT
    UID:cancelled@example.com
    SUMMARY:Cancelled
    STATUS:CANCELLED
    DTSTART:20261201T190000Z
    DTEND:20261201T200000Z
    END:VEVENT
    BEGIN:VEVENT
    UID:late@example.com
    SUMMARY:Late party (floating, past midnight)
    DTSTART:20261205T220000
    DURATION:PT4H
    END:VEVENT
    BEGIN:VEVENT
    UID:elsewhere@example.com
    SUMMARY:Next week
    DTSTART:20261208T170000Z
    DTEND:20261208T180000Z
    END:VEVENT
    END:VCALENDAR
    """
).replace("\n", "\r\n")

PLAN = {
    "version": 1,
    "athlete": "Kai",
    "timezone": "Europe/Berlin",
    "week_start": "2026-11-30",
    "goals": ["strength"],
    "availability": {day: ["06:00-08:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    "sessions": [{"name": "Lift", "kind": "strength", "duration": "60m"}],
}


def write_plan(folder: Path, busy: list[str], **changes) -> Path:
    path = folder / "week.yaml"
    path.write_text(yaml.safe_dump({**PLAN, **changes, "busy": busy}, sort_keys=False))
    return path


@pytest.fixture
def export(tmp_path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "work.ics").write_text(EXPORT, newline="")
    return folder / "work.ics"


def test_file_events_become_day_blocks_in_the_plans_zone(tmp_path, export):
    plan = load_plan(write_plan(tmp_path, ["exports/work.ics", "wed 06:00-06:30"]))
    frame = WeekFrame(plan, plan.week_start)
    blocks = sorted((b.day, b.start, b.end) for b in frame.busy_blocks if b.label == plan.busy[0])
    assert blocks == [
        (0, 18 * 60, 19 * 60),  # Monday 12:00 New York is 18:00 Berlin
        (2, 0, 24 * 60),  # the opaque all-day offsite
        (5, 22 * 60, 24 * 60),  # the floating party, read in the plan's zone ...
        (6, 0, 2 * 60),  # ... running into Sunday
    ]
    assert Block(2, 6 * 60, 6 * 60 + 30, "wed 06:00-06:30") in frame.busy_blocks
    assert frame.ignored_busy == ()


def test_a_session_avoids_the_files_busy_time(tmp_path, export):
    only_monday_evening = {"mon": ["17:00-19:30"]}
    plan_path = write_plan(tmp_path, ["exports/work.ics"], availability=only_monday_evening, rules={"rest_days": 0})
    result = CliRunner().invoke(main, ["solve", str(plan_path), "--json", "--no-ics"])
    assert result.exit_code == 0, result.output
    [session] = yaml.safe_load(result.output)["sessions"]
    assert (session["day"], session["start"], session["end"]) == ("mon", "17:00", "18:00")


def test_relative_paths_start_at_the_plans_folder_not_the_current_one(tmp_path, export, monkeypatch):
    plan_path = write_plan(tmp_path, ["exports/work.ics"])
    monkeypatch.chdir(export.parent)
    plan = load_plan(plan_path)
    assert Path(plan.busy[0]).resolve() == export.resolve()


def test_a_missing_file_is_named_with_the_plan_line(tmp_path):
    plan_path = write_plan(tmp_path, ["wed 12:00-13:00", "exports/gone.ics"])
    with pytest.raises(PlanError) as caught:
        load_plan(plan_path)
    message = str(caught.value)
    assert message.startswith(f"{plan_path}:")
    assert "busy[1]" in message and "exports/gone.ics: no such file" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("this is not a calendar\n", "not an iCalendar file"),
        ("BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "starts with VEVENT, not VCALENDAR"),
    ],
)
def test_a_file_that_is_not_a_calendar_exits_2_naming_it(tmp_path, content, expected):
    (tmp_path / "bad.ics").write_text(content)
    plan_path = write_plan(tmp_path, ["bad.ics"])
    result = CliRunner().invoke(main, ["solve", str(plan_path), "--no-ics"])
    assert result.exit_code == 2
    assert "bad.ics" in result.output and expected in result.output


def test_a_broken_recurrence_rule_exits_2_naming_the_file(tmp_path):
    broken = EXPORT.replace("RRULE:FREQ=WEEKLY;BYDAY=MO,TH", "RRULE:FREQ=SOMETIMES")
    (tmp_path / "broken.ics").write_text(broken, newline="")
    result = CliRunner().invoke(main, ["solve", str(write_plan(tmp_path, ["broken.ics"])), "--no-ics"])
    assert result.exit_code == 2
    assert "broken.ics: cannot expand its events" in result.output
