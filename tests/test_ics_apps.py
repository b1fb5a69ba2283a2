"""Real calendar software reads our files and lands every session on the instant we meant.

ical.js (Thunderbird's and Nextcloud's parser, run with node), calcurse (a terminal
calendar), the strict `ical` package and vobject with validation, each read by its one
reader in tests/readers.py. Each test skips when its program is missing on a developer's
machine, and fails instead under CI, where .ci/run installs them all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.readers import calcurse, ical_calendar, ical_js, vobject_calendar
from trainweek.scheduler.ics import CalendarOptions, week_ics
from trainweek.scheduler.loading import load_plan, parse_plan
from trainweek.scheduler.solve import SolveOptions, solve

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = 'Legs; heavy, "A"\nBEGIN:VEVENT'



def dst_week(zone: str, monday: str):
    """Two sessions a day around a DST change, including a 07:00 run on the switch Sunday."""
    data = {
        "version": 1,
        "athlete": "Robin",
        "timezone": zone,
        "week_start": monday,
        "goals": ["endurance"],
        "availability": {day: ["06:00-09:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "sessions": [
            {"name": "Long run", "kind": "run", "duration": "90m", "prefer": {"days": ["sun"], "time": "07:00-08:30"}},
            {"name": HOSTILE, "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "upper"},
            {"name": "Easy spin", "kind": "bike", "duration": "45m", "intensity": "easy", "times": 2},
        ],
    }
    return solve(parse_plan(yaml.safe_dump(data), f"{zone}.yaml"), SolveOptions())


CASES = {
    **{path.stem: (lambda path=path: solve(load_plan(path))) for path in sorted((ROOT / "examples").glob("*.yaml"))},
    "berlin-dst-march-2027": lambda: dst_week("Europe/Berlin", "2027-03-22"),
    "new-york-dst-november-2026": lambda: dst_week("America/New_York", "2026-10-26"),
}
OPTIONS = CalendarOptions(remind=30, weeks=2)


@pytest.fixture(scope="module", params=sorted(CASES))
def written(request, tmp_path_factory):
    """(week, path of its .ics with a reminder and two weeks, expected events)."""
    week = CASES[request.param]()
    path = tmp_path_factory.mktemp("ics") / f"{request.param}.ics"
    path.write_bytes(week_ics(week, None, OPTIONS))
    return week, path, meant(week)


def meant(week) -> list[tuple[str, int, int]]:
    """(one-line summary, UTC start, UTC end) in Unix seconds: each copy at the same clock
    time and as long (none of these copies lands on a skipped or repeated clock time)."""
    zone = ZoneInfo(week.plan.timezone)
    rows = []
    for copy in range(OPTIONS.weeks):
        for p in week.placements:
            wall = p.local_start.replace(tzinfo=None) + dt.timedelta(weeks=copy)
            start = int(wall.replace(tzinfo=zone).timestamp())
            assert wall.replace(tzinfo=zone, fold=1).timestamp() == start, "a copy at a repeated or skipped clock time"
            rows.append((" ".join(p.occurrence.label.split()), start, start + 60 * (p.end - p.start)))
    return sorted(rows)


def test_dst_weeks_really_cross_a_change():
    for zone, monday in (("Europe/Berlin", "2027-03-22"), ("America/New_York", "2026-10-26")):
        first = dt.datetime.fromisoformat(monday).replace(tzinfo=ZoneInfo(zone))
        assert first.utcoffset() != (first + dt.timedelta(days=7)).utcoffset()


def test_ical_js_registers_the_zone_and_expands_to_the_meant_instants(written):
    week, path, expected = written
    parsed = ical_js(path)
    events = parsed["events"]
    assert parsed["name"].startswith("Training, 2 weeks from")
    assert {e["zone"] for e in events} == {week.plan.timezone}, "a TZID ical.js did not resolve is read as floating"
    assert sorted((e["summary"], e["start"], e["end"]) for e in events) == expected
    assert all(e["alarms"] == [{"action": "DISPLAY", "trigger": -1800}] for e in events)
    assert all(e["categories"][0] == "Training" for e in events)
    assert len({e["uid"] for e in events}) == len(events)


def test_calcurse_imports_every_event_and_reads_them_back(written, tmp_path):
    week, path, expected = written
    imported, rows = calcurse(path, week.plan.timezone, tmp_path)
    assert f"{len(expected)} apps / 0 events / 0 todos / 0 skipped" in imported
    assert rows == expected


def test_the_strict_ical_package_accepts_the_file(written):
    week, path, expected = written
    calendar = ical_calendar(path)
    rows = sorted((e.summary, int(e.dtstart.timestamp()), int(e.dtend.timestamp())) for e in calendar.events)
    assert rows == expected
    assert [tz.tz_id for tz in calendar.timezones] == [week.plan.timezone]
    assert all(len(e.alarm) == 1 for e in calendar.events)


def test_vobject_validates_the_file(written):
    week, path, expected = written
    calendar = vobject_calendar(path)
    rows = sorted((e.summary.value, int(e.dtstart.value.timestamp()), int(e.dtend.value.timestamp())) for e in calendar.vevent_list)
    assert rows == expected
