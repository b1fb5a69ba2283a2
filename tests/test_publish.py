"""`trainweek publish` against a real Radicale server on 127.0.0.1, read back with the caldav client."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar

from tests.conftest import ROOT
from trainweek.scheduler.cli import main
from trainweek.scheduler.ics import athlete_mark
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.solve import SolveOptions, solve

caldav = pytest.importorskip("caldav")
pytest.importorskip("radicale", reason="Radicale is not installed here; pip install -e '.[test]' brings it")

USER, PASSWORD = "alex", "correct horse"
OTHER, OTHER_PASSWORD = "sam", "another horse"
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
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n{OTHER}:{OTHER_PASSWORD}\n")
    port = free_port()
    log = (folder / "radicale.log").open("wb")  # a file, not a pipe: an unread pipe fills and stops the server
    server = subprocess.Popen(
        [
            sys.executable, "-m", "radicale", "--config", "",
            "--server-hosts", f"127.0.0.1:{port}",
            "--storage-filesystem-folder", str(folder / "collections"),
            "--auth-type", "htpasswd",
            "--auth-htpasswd-filename", str(folder / "users"),
            "--auth-htpasswd-encryption", "plain",
            "--auth-delay", "0",  # its pause after a refused login (1 s) is for attackers, not tests
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        for _ in range(200):
            if server.poll() is not None:
                pytest.fail(f"Radicale did not start: {(folder / 'radicale.log').read_text()[-2000:]}")
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
        log.close()


@pytest.fixture
def calendar(radicale):
    """A new calendar holding one event that is not ours (the connection closed after the
    test: Radicale serves 8 at a time)."""
    with caldav.DAVClient(url=f"{radicale}/{USER}/", username=USER, password=PASSWORD) as client:
        made = client.principal().make_calendar(name="Training", cal_id=uuid.uuid4().hex)
        made.add_event(ical=UNRELATED, increase_seqno=False)
        yield made


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


def publish_block(path: Path, url: str, *extra: str):
    return CliRunner().invoke(
        main,
        ["block", str(path), "--caldav", url, "--user", USER, *extra],
        env={"TRAINWEEK_CALDAV_PASSWORD": PASSWORD},
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
    assert "0 events created, 1 replaced, 2 already up to date" in second.output, "the lifts did not change: not sent again"
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
    result = publish_block(plan_file(tmp_path, "sun", zone, monday), str(calendar.url), "--weeks", "2")
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
    port = free_port()
    result = publish(plan_file(tmp_path, "sat"), f"http://127.0.0.1:{port}/alex/training/")
    assert result.exit_code == 2
    assert f"cannot reach the server at 127.0.0.1:{port}: nothing answers there (connection refused); check the address" in result.output
    assert "urllib3" not in result.output and "HTTPConnection" not in result.output and "Errno" not in result.output


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


def test_an_address_that_is_no_calendar_is_a_clear_error(tmp_path, radicale, calendar):
    result = publish(plan_file(tmp_path, "sat"), f"{radicale}/{USER}/no-such-calendar/")
    assert result.exit_code == 2, result.output
    assert "no-such-calendar/: no calendar there; give the address of the calendar itself" in result.output
    assert str(calendar.url) in result.output, "the message lists the calendars the account has"


def calendars_of(radicale: str) -> list[str]:
    with caldav.DAVClient(url=f"{radicale}/{USER}/", username=USER, password=PASSWORD) as client:
        return sorted(str(c.url) for c in client.principal().calendars())


def test_the_account_address_is_refused_before_anything_is_written(tmp_path, radicale, calendar):
    before = calendars_of(radicale)
    result = publish(plan_file(tmp_path, "sat"), f"{radicale}/{USER}/")
    assert result.exit_code == 2, result.output
    assert f"{radicale}/{USER}/: this is the account's own address (a principal), not a calendar; give the address of one calendar" in result.output
    assert str(calendar.url) in result.output
    assert calendars_of(radicale) == before, "no calendar was made for the events"


def test_the_server_root_with_a_right_password_says_what_is_wrong(tmp_path, radicale, calendar):
    result = publish(plan_file(tmp_path, "sat"), f"{radicale}/")
    assert result.exit_code == 2, result.output
    assert "this is a folder of the server, not a calendar" in result.output
    assert "password" not in result.output


def test_someone_elses_calendar_is_not_a_password_problem(tmp_path, radicale, calendar):
    with caldav.DAVClient(url=f"{radicale}/{OTHER}/", username=OTHER, password=OTHER_PASSWORD) as client:
        theirs = client.principal().make_calendar(name="Theirs", cal_id=uuid.uuid4().hex)
        result = publish(plan_file(tmp_path, "sat"), str(theirs.url))
        assert result.exit_code == 2, result.output
        assert f"user '{USER}' is signed in but may not use this address: it is someone else's calendar" in result.output
        assert "password" not in result.output
        assert str(calendar.url) in result.output
        assert theirs.get_events() == []


def test_a_calendar_for_tasks_only_is_refused(tmp_path, radicale):
    with caldav.DAVClient(url=f"{radicale}/{USER}/", username=USER, password=PASSWORD) as client:
        tasks = client.principal().make_calendar(name="Chores", cal_id=uuid.uuid4().hex, supported_calendar_component_set=["VTODO"])
    result = publish(plan_file(tmp_path, "sat"), str(tasks.url))
    assert result.exit_code == 2, result.output
    assert "this calendar holds only VTODO, not events" in result.output


@pytest.mark.parametrize("address", ["http://[::1", "http://127.0.0.1:port/alex/", "alex/training/", "ftp://127.0.0.1/alex/"])
def test_a_malformed_address_is_a_plain_sentence(tmp_path, address):
    result = publish(plan_file(tmp_path, "sat"), address)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {address}: not a web address"), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_weight_change_republish_starts_from_the_servers_copy(tmp_path, calendar):
    """A weight under which the published week is still optimal moves nothing, as `solve -o` with the earlier file."""
    path = tmp_path / "busy.yaml"
    path.write_text((ROOT / "examples" / "busy-professional.yaml").read_text())
    plan, changed = load_plan(path), SolveOptions(weights=(("consistency", 20),))
    assert solve(plan).starts() != solve(plan, changed).starts(), "from nothing, the new weight picks another week"
    first = publish(path, str(calendar.url))
    assert first.exit_code == 0, first.output
    before = {uid: event_of(doc).decoded("DTSTART") for uid, doc in stored(calendar).items()}
    second = publish(path, str(calendar.url), "--weight", "consistency=20")
    assert second.exit_code == 0, second.output
    assert "0 events created, 0 replaced, 5 already up to date" in second.output
    assert {uid: event_of(doc).decoded("DTSTART") for uid, doc in stored(calendar).items()} == before


def test_republishing_a_block_reads_its_weeks_with_one_query(tmp_path, calendar, monkeypatch):
    url = str(calendar.url)
    assert publish_block(plan_file(tmp_path, "sat"), url, "--weeks", "3").exit_code == 0
    methods = []
    real = caldav.DAVClient.request

    def counted(self, url, method="GET", *args, **kwargs):
        methods.append(method)
        return real(self, url, method, *args, **kwargs)

    monkeypatch.setattr(caldav.DAVClient, "request", counted)
    moved = publish_block(plan_file(tmp_path, "sun"), url, "--weeks", "3")
    assert moved.exit_code == 0, moved.output
    assert "0 events created, 3 replaced, 6 already up to date" in moved.output
    assert methods.count("REPORT") == 1
    assert methods.count("PUT") == 3, "only the three moved runs are sent"
    assert set(methods) <= {"PROPFIND", "REPORT", "PUT"}
    assert len(stored(calendar)) == 10
    methods.clear()
    same = publish_block(plan_file(tmp_path, "sun"), url, "--weeks", "3")
    assert "0 events created, 0 replaced, 9 already up to date" in same.output
    assert methods.count("REPORT") == 1 and "PUT" not in methods


def test_a_block_published_shorter_cancels_the_weeks_its_longer_copy_put_on_the_server(tmp_path, calendar):
    url = str(calendar.url)
    assert publish_block(plan_file(tmp_path, "sat"), url, "--weeks", "3").exit_code == 0
    third = {uid for uid, document in stored(calendar).items() if str(event_of(document).get("X-TRAINWEEK-BLOCK-WEEK")) == "2026-12-14"}
    assert len(third) == 3
    shorter = publish_block(plan_file(tmp_path, "sat"), url, "--weeks", "2")
    assert shorter.exit_code == 0, shorter.output
    assert "0 events created, 3 replaced, 6 already up to date. 3 of them cancelled: no longer in the plan." in shorter.output
    now = stored(calendar)
    assert {uid for uid, document in now.items() if str(event_of(document).get("STATUS")) == "CANCELLED"} == third
    assert all(int(event_of(now[uid])["SEQUENCE"]) == 1 for uid in third)


def test_no_password_and_nobody_to_ask_is_a_clear_error(tmp_path, calendar):
    result = CliRunner().invoke(
        main,
        ["publish", str(plan_file(tmp_path, "sat")), "--caldav", str(calendar.url), "--user", USER],
        env={"TRAINWEEK_CALDAV_PASSWORD": ""},
        input="",
    )
    assert result.exit_code == 2
    assert "no password: set TRAINWEEK_CALDAV_PASSWORD" in result.output


def test_replan_updates_the_server_week_in_place_and_leaves_the_rest_alone(tmp_path, calendar):
    url = str(calendar.url)
    path = plan_file(tmp_path, "wed")
    assert publish(path, url).exit_code == 0
    before = stored(calendar)
    dentist = next(o for o in calendar.get_events() if "dentist-4711" in o.data).data
    runs = [uid for uid, doc in before.items() if str(event_of(doc)["SUMMARY"]) == "Run"]
    assert event_of(before[runs[0]]).decoded("DTSTART").date() == dt.date(2026, 12, 2)
    result = CliRunner().invoke(
        main,
        ["replan", str(path), "--caldav", url, "--user", USER, "--now", "2026-12-02 12:00", "--missed", "Run"],
        env={"TRAINWEEK_CALDAV_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert "moved Run: moved from Wednesday 07:00 to" in result.output
    after = stored(calendar)
    assert after.keys() == before.keys(), "updated in place: the same UIDs, nothing added"
    for uid, doc in after.items():
        if "dentist" in uid:
            continue
        assert int(event_of(doc)["SEQUENCE"]) == (1 if uid in runs else 0), event_of(doc)["SUMMARY"]
    assert event_of(after[runs[0]]).decoded("DTSTART") > dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.timezone.utc)
    assert next(o for o in calendar.get_events() if "dentist-4711" in o.data).data == dentist


def ctrl_c_after_the_first_new_event(monkeypatch) -> None:
    """Ctrl+C as the second new event is about to be sent (undone by `monkeypatch.undo()`)."""
    sent = []
    real = caldav.Calendar.add_event

    def pressed_after_the_first(self, *args, **kwargs):
        if sent:
            raise KeyboardInterrupt
        sent.append(real(self, *args, **kwargs))

    monkeypatch.setattr(caldav.Calendar, "add_event", pressed_after_the_first)


def test_ctrl_c_between_two_events_says_how_much_is_there_and_publishing_again_finishes(tmp_path, calendar, monkeypatch):
    url = str(calendar.url)
    ctrl_c_after_the_first_new_event(monkeypatch)
    stopped = publish(plan_file(tmp_path, "sat"), url)
    assert stopped.exit_code == 130
    assert f"Interrupted (Ctrl+C): stopped; the calendar at {url} has 1 of the week's 3 events up to date; run the same command again to finish." in stopped.output
    assert len(stored(calendar)) == 2  # the first event and the one that is not ours

    monkeypatch.undo()
    again = publish(plan_file(tmp_path, "sat"), url)
    assert again.exit_code == 0, again.output
    assert "2 events created, 0 replaced, 1 already up to date" in again.output
    assert len(stored(calendar)) == 4


def test_ctrl_c_in_a_replan_to_the_server_and_running_it_again_gives_the_week_an_uninterrupted_replan_gives(tmp_path, radicale, calendar):
    # The 11-session hybrid racer misses Wednesday's long run: the re-plan moves four
    # sessions, and Ctrl+C comes after the first of them is written.
    path = tmp_path / "racer.yaml"
    shutil.copyfile(ROOT / "tests" / "athletes" / "hybrid-racer.yaml", path)
    replan = ["replan", str(path), "--user", USER, "--now", "2026-12-02 12:00", "--missed", "Long run"]
    with caldav.DAVClient(url=f"{radicale}/{USER}/", username=USER, password=PASSWORD) as client:
        straight = client.principal().make_calendar(name="Straight", cal_id=uuid.uuid4().hex)
        for target in (calendar, straight):
            assert publish(path, str(target.url)).exit_code == 0
        done = CliRunner().invoke(main, [*replan, "--caldav", str(straight.url)], env={"TRAINWEEK_CALDAV_PASSWORD": PASSWORD})
        assert done.exit_code == 0 and "4 moved" in done.output, done.output

        real, saved = caldav.CalendarObjectResource.save, []

        def pressed_after_the_first(self, *args, **kwargs):
            if saved:
                raise KeyboardInterrupt
            saved.append(real(self, *args, **kwargs))

        url = str(calendar.url)
        with mock.patch.object(caldav.CalendarObjectResource, "save", pressed_after_the_first):
            stopped = CliRunner().invoke(main, [*replan, "--caldav", url], env={"TRAINWEEK_CALDAV_PASSWORD": PASSWORD})
        assert stopped.exit_code == 130, stopped.output
        # The seven events the re-plan leaves alone and the first move are up to date; three moves are not written.
        assert f"the calendar at {url} has 8 of the week's 11 events up to date; run the same command again to finish." in stopped.output
        again = CliRunner().invoke(main, [*replan, "--caldav", url], env={"TRAINWEEK_CALDAV_PASSWORD": PASSWORD})
        assert again.exit_code == 0, again.output
        assert "(3 moved, 0 cancelled)" in again.output  # the first move was written before Ctrl+C

        def times(target) -> dict[str, tuple]:
            return {
                uid: (str(event_of(doc)["SUMMARY"]), event_of(doc).decoded("DTSTART"), event_of(doc).decoded("DTEND"))
                for uid, doc in stored(target).items()
                if "dentist" not in uid
            }

        assert times(calendar) == times(straight)


def block_plan(folder: Path) -> Path:
    """Five sessions a week, in a block of three weeks that ends in a race: a taper week, marked, and the race event."""
    path = folder / "block.yaml"
    path.write_text(yaml.safe_dump({
        "version": 2,
        "athlete": "Alex",
        "timezone": "Europe/Berlin",
        "week_start": "2026-11-30",
        "goals": ["endurance"],
        "availability": {day: ["06:00-09:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "sessions": [
            {"name": "Lift", "kind": "strength", "duration": "60m", "times": 2, "prefer": {"days": ["mon", "thu"]}},
            {"name": "Long run", "kind": "run", "duration": "90m", "rpe": 6, "key": True, "grow": {"duration": "2h"}},
            {"name": "Easy run", "kind": "run", "duration": "40m", "intensity": "easy", "times": 2},
        ],
        "block": {"race": "2026-12-20 09:00 Christmas 10k", "taper_weeks": 1},
    }))
    return path


def test_a_published_block_is_the_block_its_file_holds_and_publishing_it_again_changes_nothing(tmp_path, calendar):
    path, url = block_plan(tmp_path), str(calendar.url)
    written = CliRunner().invoke(main, ["block", str(path), "-o", str(tmp_path / "block.ics")])
    assert written.exit_code == 0, written.output
    in_file = {
        str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND"))
        for e in Calendar.from_ical((tmp_path / "block.ics").read_bytes()).walk("VEVENT")
    }
    assert any(summary.startswith("Race: ") for summary, _, _ in in_file.values())
    assert any(summary == "Taper week" for summary, _, _ in in_file.values())

    first = publish_block(path, url)
    assert first.exit_code == 0, first.output
    assert f"Published the block (3 weeks) to {url}: {len(in_file)} events created, 0 replaced, 0 already up to date." in first.output
    on_server = {
        uid: (str(event_of(doc)["SUMMARY"]), event_of(doc).decoded("DTSTART"), event_of(doc).decoded("DTEND"))
        for uid, doc in stored(calendar).items()
        if "dentist" not in uid
    }
    assert on_server == in_file

    again = publish_block(path, url)
    assert again.exit_code == 0, again.output
    assert f"0 events created, 0 replaced, {len(in_file)} already up to date." in again.output
    assert len(stored(calendar)) == len(in_file) + 1, "nothing doubled; the event that is not ours is still there"


def test_a_re_plan_of_a_block_week_on_the_server_reads_the_weeks_around_it_as_from_the_blocks_file(tmp_path, calendar):
    path, url = block_plan(tmp_path), str(calendar.url)
    assert CliRunner().invoke(main, ["block", str(path), "-o", str(tmp_path / "block.ics")]).exit_code == 0
    assert publish_block(path, url).exit_code == 0
    replan = ["replan", str(path), "--week-start", "2026-12-07", "--now", "2026-12-10 12:00", "--missed", "Long run", "--json"]
    from_file = CliRunner().invoke(main, [*replan, "-o", str(tmp_path / "block.ics")])
    on_server = CliRunner().invoke(main, [*replan, "--caldav", url, "--user", USER], env={"TRAINWEEK_CALDAV_PASSWORD": PASSWORD})
    assert from_file.exit_code == 0, from_file.output
    assert on_server.exit_code == 0, on_server.output
    from_file, on_server = (json.loads(result.output) for result in (from_file, on_server))
    assert any("the block's week before and after" in note for note in on_server["notes"]), on_server["notes"]
    for data in (from_file, on_server):
        del data["solve_seconds"]
    assert on_server == from_file


def test_ctrl_c_while_a_block_is_written_says_how_much_of_the_block_is_there(tmp_path, calendar, monkeypatch):
    url = str(calendar.url)
    ctrl_c_after_the_first_new_event(monkeypatch)
    stopped = publish_block(plan_file(tmp_path, "sat"), url, "--weeks", "3")
    assert stopped.exit_code == 130
    assert f"the calendar at {url} has 1 of the block's 9 events up to date; run the same command again to finish." in stopped.output
    monkeypatch.undo()
    again = publish_block(plan_file(tmp_path, "sat"), url, "--weeks", "3")
    assert "8 events created, 0 replaced, 1 already up to date" in again.output, again.output


def test_publish_writes_one_week_and_names_block_for_several(tmp_path, calendar):
    result = publish(plan_file(tmp_path, "sat"), str(calendar.url), "--weeks", "4")
    assert result.exit_code == 2, result.output
    assert "--weeks 4: publish plans one week; for several weeks use 'trainweek block PLAN_FILE --weeks N --caldav URL --user NAME'" in result.output
    assert len(stored(calendar)) == 1, "nothing written"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--user", USER, "-o", "block.ics"], "--caldav puts the block into the calendar at http://127.0.0.1:1/alex/training/; leave out -o"),
        (["--user", USER, "--no-ics"], "leave out --no-ics"),
        ([], "--caldav needs --user, the user name on the CalDAV server"),
    ],
)
def test_block_to_a_calendar_refuses_options_that_contradict_it(tmp_path, extra, message):
    result = CliRunner().invoke(main, ["block", str(block_plan(tmp_path)), "--caldav", "http://127.0.0.1:1/alex/training/", *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_session_taken_out_of_the_plan_is_cancelled_on_the_server_and_nobody_elses_events_change(tmp_path, calendar):
    url = str(calendar.url)
    alex = plan_file(tmp_path, "sat")
    (tmp_path / "sam").mkdir()
    sam = plan_file(tmp_path / "sam", "sat")
    sam.write_text(sam.read_text().replace("athlete: Alex", "athlete: Sam"))
    assert publish(alex, url).exit_code == 0 and publish(sam, url).exit_code == 0
    before = stored(calendar)
    assert len(before) == 7
    data = yaml.safe_load(alex.read_text())
    data["sessions"] = [s for s in data["sessions"] if s["name"] != "Run"]
    alex.write_text(yaml.safe_dump(data))
    result = publish(alex, url)
    assert result.exit_code == 0, result.output
    after = stored(calendar)
    assert after.keys() == before.keys(), "cancelled in place, nothing deleted or added"
    changed = {uid for uid in after if after[uid].to_ical() != before[uid].to_ical()}
    runs = [uid for uid in changed if str(event_of(after[uid])["SUMMARY"]) == "Run"]
    assert len(runs) == 1 and str(event_of(after[runs[0]])["X-TRAINWEEK-ATHLETE"]) == athlete_mark("Alex")
    assert str(event_of(after[runs[0]])["STATUS"]) == "CANCELLED" and int(event_of(after[runs[0]])["SEQUENCE"]) == 1
    assert all(str(event_of(after[uid]).get("X-TRAINWEEK-ATHLETE")) == athlete_mark("Alex") for uid in changed), "Sam's week and the dentist are untouched"


@pytest.mark.parametrize("command", [["replan", "--now", "2026-12-01 12:00"], ["block", "--weeks", "2"]])
def test_the_other_calendar_commands_say_what_to_do_when_no_password_can_be_asked_for(tmp_path, command):
    result = CliRunner().invoke(
        main,
        [command[0], str(plan_file(tmp_path, "sat")), *command[1:], "--caldav", "http://127.0.0.1:1/alex/training/", "--user", USER],
        env={"TRAINWEEK_CALDAV_PASSWORD": ""},
        input="",
    )
    assert result.exit_code == 2, result.output
    assert "no password: set TRAINWEEK_CALDAV_PASSWORD or run this where it can ask you" in result.output
