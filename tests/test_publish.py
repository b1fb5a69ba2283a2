"""`trainweek publish` against a real Radicale server on 127.0.0.1, read back with the caldav client."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar

from trainweek.scheduler.cli import main

caldav = pytest.importorskip("caldav")
pytest.importorskip("radicale", reason="Radicale is not installed here; pip install -e '.[test]' brings it")

USER, PASSWORD = "alex", "correct horse"
UNRELATED = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//someone else//EN\r
BEGIN:VEVENT\r
UID:dentist-4711@example.com\r
DTSTAMP:20261101T090000Z\r
DTSTART:20261202T080000Z\r
DTEND:20261202T090000Z\r
SUMMARY:Dentist\r
END:VEVENT\r
END:VCALENDAR\r
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """A Radicale server with one user, on a free port of 127.0.0.1, stopped after the module."""
    folder = tmp_path_factory.mktemp("radicale")
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "radicale", "--config", "",
            "--server-hosts", f"127.0.0.1:{port}",
            "--storage-filesystem-folder", str(folder / "collections"),
            "--auth-type", "htpasswd",
            "--auth-htpasswd-filename", str(folder / "users"),
            "--auth-htpasswd-encryption", "plain",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):
            if server.poll() is not None:
                pytest.fail(f"Radicale did not start: {server.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("Radicale did not listen within 10 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def calendar(radicale):
    """A new calendar holding one event that is not ours."""
    client = caldav.DAVClient(url=f"{radicale}/{USER}/", username=USER, password=PASSWORD)
    made = client.principal().make_calendar(name="Training", cal_id=uuid.uuid4().hex)
    made.add_event(ical=UNRELATED, increase_seqno=False)
    return made


def plan_file(folder: Path, run_day: str, zone: str = "Europe/Berlin", monday: str = "2026-11-30") -> Path:
    path = folder / "week.yaml"
    path.write_text(yaml.safe_dump({
        "version": 1,
        "athlete": "Alex",
        "timezone": zone,
        "week_start": monday,
        "goals": ["strength"],
        "availability": {day: ["06:00-09:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "sessions": [
            {"name": "Lift", "kind": "strength", "duration": "60m", "times": 2, "prefer": {"days": ["mon", "thu"], "time": "18:00-19:00"}},
            {"name": "Run", "kind": "run", "duration": "45m", "prefer": {"days": [run_day], "time": "07:00-07:45"}},
        ],
    }))
    return path


def publish(path: Path, url: str, *extra: str, password: str = PASSWORD):
    return CliRunner().invoke(
        main,
        ["publish", str(path), "--caldav", url, "--user", USER, *extra],
        env={"TRAINWEEK_CALDAV_PASSWORD": password},
    )


def stored(calendar) -> dict[str, Calendar]:
    return {str(Calendar.from_ical(o.data).walk("VEVENT")[0]["UID"]): Calendar.from_ical(o.data) for o in calendar.get_events()}


def event_of(document: Calendar):
    return document.walk("VEVENT")[0]


def test_publish_then_republish_a_resolved_week_updates_in_place(tmp_path, calendar):
    url = str(calendar.url)
    first = publish(plan_file(tmp_path, "sat"), url, "--remind", "30m")
    assert first.exit_code == 0, first.output
    assert "3 events created, 0 replaced" in first.output
    before = stored(calendar)
    assert len(before) == 4
    dentist = next(o for o in calendar.get_events() if "dentist-4711" in o.data).data
    runs = [uid for uid, doc in before.items() if str(event_of(doc)["SUMMARY"]) == "Run"]
    assert event_of(before[runs[0]]).decoded("DTSTART") == dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.timezone.utc)
    assert all("METHOD" not in doc for doc in before.values())

    second = publish(plan_file(tmp_path, "sun"), url, "--remind", "30m")
    assert second.exit_code == 0, second.output
    assert "0 events created, 3 replaced" in second.output
    after = stored(calendar)
    assert after.keys() == before.keys()
    for uid, doc in after.items():
        if "dentist" in uid:
            continue
        moved = uid in runs
        assert int(event_of(doc)["SEQUENCE"]) == (1 if moved else 0), event_of(doc)["SUMMARY"]
        assert event_of(doc).walk("VALARM"), "the reminder survived the round trip"
    assert event_of(after[runs[0]]).decoded("DTSTART") == dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.timezone.utc)
    assert next(o for o in calendar.get_events() if "dentist-4711" in o.data).data == dentist


@pytest.mark.parametrize(
    ("zone", "monday", "run_utc"),
    [
        ("Europe/Berlin", "2027-03-22", dt.datetime(2027, 3, 28, 5, 0, tzinfo=dt.timezone.utc)),
        ("America/New_York", "2026-10-26", dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.timezone.utc)),
    ],
)
def test_server_side_expansion_of_a_dst_week_gives_the_meant_instants(tmp_path, calendar, zone, monday, run_utc):
    result = publish(plan_file(tmp_path, "sun", zone, monday), str(calendar.url), "--weeks", "2")
    assert result.exit_code == 0, result.output
    start = dt.datetime.fromisoformat(monday).replace(tzinfo=dt.timezone.utc) - dt.timedelta(days=1)
    found = calendar.search(event=True, start=start, end=start + dt.timedelta(days=16), expand=True, server_expand=True)
    events = [Calendar.from_ical(o.data).walk("VEVENT")[0] for o in found]
    runs = sorted(e.decoded("DTSTART").astimezone(dt.timezone.utc) for e in events if str(e["SUMMARY"]) == "Run")
    assert runs == [run_utc, run_utc + dt.timedelta(days=7)]
    assert sum(str(e["SUMMARY"]).startswith("Lift") for e in events) == 4


def test_a_wrong_password_is_a_clear_error(tmp_path, calendar):
    result = publish(plan_file(tmp_path, "sat"), str(calendar.url), password="wrong")
    assert result.exit_code == 2
    assert f"refused user '{USER}'" in result.output
    assert len(calendar.get_events()) == 1


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    result = publish(plan_file(tmp_path, "sat"), f"http://127.0.0.1:{free_port()}/alex/training/")
    assert result.exit_code == 2
    assert "cannot reach the server" in result.output


def test_the_password_is_prompted_for_when_the_variable_is_unset(tmp_path, calendar):
    result = CliRunner().invoke(
        main,
        ["publish", str(plan_file(tmp_path, "sat")), "--caldav", str(calendar.url), "--user", USER],
        env={"TRAINWEEK_CALDAV_PASSWORD": ""},
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password for alex" in result.output
    assert len(calendar.get_events()) == 4


def test_an_address_that_is_no_calendar_is_a_clear_error(tmp_path, radicale):
    result = publish(plan_file(tmp_path, "sat"), f"{radicale}/{USER}/no-such-calendar/")
    assert result.exit_code == 2, result.output
    assert "no-such-calendar/: the server refused the week (HTTP 409); check that this is a calendar" in result.output


def test_no_password_and_nobody_to_ask_is_a_clear_error(tmp_path, calendar):
    result = CliRunner().invoke(
        main,
        ["publish", str(plan_file(tmp_path, "sat")), "--caldav", str(calendar.url), "--user", USER],
        env={"TRAINWEEK_CALDAV_PASSWORD": ""},
        input="",
    )
    assert result.exit_code == 2
    assert "no password: set TRAINWEEK_CALDAV_PASSWORD" in result.output
