"""Six independent calendar parsers, each reading an .ics file as (summary, UTC start, UTC end).

icalendar and recurring-ical-events (Python, zoneinfo for a known TZID), the strict `ical`
package, vobject with validation (it reads the file's VTIMEZONE), ical.js (Thunderbird's
and Nextcloud's parser, run with node; also the file's VTIMEZONE) and calcurse (a terminal
calendar that stores local clock readings, so it runs with TZ set to the plan's zone).
Instants are Unix seconds; all-day events (a block's deload week) are not rows. A reader whose program is missing skips on a developer's
machine and fails under CI, where .ci/run installs them all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need_program as need

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
Row = tuple[str, int, int]



def _summary(text: str) -> str:
    return " ".join(str(text).split())


def read_icalendar(path: Path, zone: str) -> list[Row]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    timed = [e for e in calendar.walk("VEVENT") if isinstance(e.decoded("DTSTART"), dt.datetime)]
    return sorted((_summary(e["SUMMARY"]), int(e.decoded("DTSTART").timestamp()), int(e.decoded("DTEND").timestamp())) for e in timed)


def read_recurring_ical_events(path: Path, zone: str) -> list[Row]:
    import recurring_ical_events
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    events = recurring_ical_events.of(calendar).between(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1))
    return sorted((_summary(e["SUMMARY"]), int(e.start.timestamp()), int(e.end.timestamp())) for e in events if isinstance(e.start, dt.datetime))


def ical_calendar(path: Path):
    """The file as the strict `ical` package reads it (it refuses what it does not accept)."""
    calendar_stream = pytest.importorskip("ical.calendar_stream", reason="the ical package is missing (pip install -e '.[test]')")
    return calendar_stream.IcsCalendarStream.calendar_from_ics(path.read_text())


def read_ical(path: Path, zone: str) -> list[Row]:
    calendar = ical_calendar(path)
    return sorted((_summary(e.summary), int(e.dtstart.timestamp()), int(e.dtend.timestamp())) for e in calendar.events if isinstance(e.dtstart, dt.datetime))


def vobject_calendar(path: Path):
    """The file as vobject reads and validates it, with the file's own VTIMEZONEs."""
    vobject = pytest.importorskip("vobject", reason="vobject is missing (pip install -e '.[test]')")
    text = path.read_text()
    # vobject keeps the first VTIMEZONE it read for a TZID for the rest of the process;
    # forget those of this file so that its own are read, as an app opening it would.
    registry = vars(vobject.icalendar)["__tzidMap"]
    for line in text.splitlines():
        if line.startswith("TZID:"):
            registry.pop(line[5:].strip(), None)
    calendar = vobject.readOne(text, validate=True)
    calendar.validate()
    return calendar


def read_vobject(path: Path, zone: str) -> list[Row]:
    events = getattr(vobject_calendar(path), "vevent_list", [])
    return sorted(
        (_summary(e.summary.value), int(e.dtstart.value.timestamp()), int(e.dtend.value.timestamp()))
        for e in events
        if isinstance(e.dtstart.value, dt.datetime)
    )


def ical_js(path: Path) -> dict:
    """What tests/js/read-ics.mjs prints: the calendar's name and its expanded events."""
    installed = shutil.which("node") is not None and (JS / "node_modules" / "ical.js").is_dir()
    need(installed, "node or ical.js is missing (run: npm ci --prefix tests/js)")
    result = subprocess.run(["node", str(JS / "read-ics.mjs"), str(path)], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def read_ical_js(path: Path, zone: str) -> list[Row]:
    events = [e for e in ical_js(path)["events"] if not e.get("allDay")]
    unresolved = {e["zone"] for e in events} - {zone, "UTC"}
    assert not unresolved, f"ical.js read {unresolved} as floating: a TZID it did not resolve"
    return sorted((_summary(e["summary"]), e["start"], e["end"]) for e in events)


def calcurse(path: Path, zone: str, home: Path) -> tuple[str, list[Row]]:
    """calcurse's import summary line and the appointments it then lists, read in `zone`."""
    need(shutil.which("calcurse") is not None, "calcurse is missing (apt-get install calcurse)")
    environment = {**os.environ, "TZ": zone, "HOME": str(home)}
    command = ["calcurse", "-D", str(home / "calcurse")]
    imported = subprocess.run([*command, "-i", str(path)], capture_output=True, text=True, timeout=120, env=environment, check=True)
    dates = [line.split(":", 1)[1][:8] for line in path.read_text().splitlines() if line.startswith("DTSTART") and "VALUE=DATE:" not in line]
    first = min(dt.datetime.strptime(day, "%Y%m%d").date() for day in dates) - dt.timedelta(days=2)
    last = max(dt.datetime.strptime(day, "%Y%m%d").date() for day in dates) + dt.timedelta(days=2)
    query = [*command, "-Q", "--input-datefmt", "4", "--from", first.isoformat(), "--days", str((last - first).days)]
    listed = subprocess.run([*query, "--format-apt", "%s|%e|%m\n"], capture_output=True, text=True, timeout=120, env=environment, check=True)
    rows = [line.split("|", 2) for line in listed.stdout.splitlines() if line.count("|") >= 2]
    # -Q lists an appointment under each day it touches: once is enough.
    return imported.stdout, sorted({(_summary(summary), int(start), int(end)) for start, end, summary in rows})


def read_calcurse(path: Path, zone: str) -> list[Row]:
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        imported, rows = calcurse(path, zone, Path(home))
    whole_days = path.read_text().count("DTSTART;VALUE=DATE:")
    events = path.read_text().count("BEGIN:VEVENT") - whole_days
    assert f"{events} app{'' if events == 1 else 's'} / {whole_days} event{'' if whole_days == 1 else 's'} / 0 todos / 0 skipped" in imported, imported
    return rows


READERS = {
    "icalendar": read_icalendar,
    "recurring-ical-events": read_recurring_ical_events,
    "ical": read_ical,
    "vobject": read_vobject,
    "ical.js": read_ical_js,
    "calcurse": read_calcurse,
}
