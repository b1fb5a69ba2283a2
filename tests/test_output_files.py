"""Where the output goes: permissions, links, pipes, folders, the run's own inputs, and an
earlier calendar someone edited by hand (issue 16, items 8 and 17)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainweek.scheduler import files
from trainweek.scheduler.cli import main
from trainweek.scheduler.files import OutputRefused, claim_output
from trainweek.scheduler.ics import PRODID
from tests.test_cli import GOOD, write

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_outputs_get_the_permissions_the_umask_gives(tmp_path, umask_022):
    plan = write(tmp_path, GOOD)
    calendar, page, picture, starter = (tmp_path / name for name in ("out.ics", "out.html", "out.svg", "new.yaml"))
    assert invoke("solve", plan, "-o", calendar, "--html", page, "--svg", picture).exit_code == 0
    assert invoke("init", "-o", starter).exit_code == 0
    assert [mode(path) for path in (calendar, page, picture, starter)] == [0o644] * 4


def test_a_replaced_output_keeps_its_own_permissions(tmp_path, umask_022):
    plan = write(tmp_path, GOOD)
    calendar = tmp_path / "out.ics"
    assert invoke("solve", plan, "-o", calendar).exit_code == 0
    calendar.chmod(0o640)
    assert invoke("solve", plan, "-o", calendar, "--weight", "separation=0").exit_code == 0
    assert mode(calendar) == 0o640


def test_a_linked_output_updates_the_file_the_link_points_to(tmp_path):
    plan = write(tmp_path, GOOD)
    synced = tmp_path / "synced"
    synced.mkdir()
    real = synced / "training.ics"
    link = tmp_path / "training.ics"
    link.symlink_to(real)
    assert invoke("solve", plan, "-o", link).exit_code == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"BEGIN:VCALENDAR")
    first = real.read_bytes()
    assert invoke("solve", plan, "-o", link).exit_code == 0  # the link's target is read as the earlier file
    assert link.is_symlink() and real.read_bytes() == first
    assert sorted(p.name for p in synced.iterdir()) == ["training.ics"]  # no temporary left behind


def test_a_fifo_is_written_without_being_read_first(tmp_path):
    plan = write(tmp_path, GOOD)
    fifo = tmp_path / "calendar.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    # Reading the FIFO first (as the earlier output) would wait for a writer forever.
    result = subprocess.run([sys.executable, "-m", "trainweek.scheduler.cli", "solve", str(plan), "-o", str(fifo)], capture_output=True, timeout=120)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith(b"BEGIN:VCALENDAR") and received[0].rstrip().endswith(b"END:VCALENDAR")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_dev_stdout_into_a_pipe_gives_the_calendar_alone_on_stdout(tmp_path):
    plan = write(tmp_path, GOOD)
    result = subprocess.run([sys.executable, "-m", "trainweek.scheduler.cli", "solve", str(plan), "-o", "/dev/stdout"], capture_output=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"BEGIN:VCALENDAR") and result.stdout.rstrip().endswith(b"END:VCALENDAR")
    assert b"Heavy lower body" in result.stderr and b"Wrote /dev/stdout" in result.stderr
    assert list(tmp_path.iterdir()) == [plan]


def test_a_file_where_a_folder_should_be_is_named(tmp_path):
    plan = write(tmp_path, GOOD)
    result = invoke("solve", plan, "-o", plan / "x.ics")
    assert result.exit_code == 2, result.output
    assert f"{plan} is a file, not a folder; choose another path with -o" in result.output
    result = invoke("solve", plan, "--no-ics", "--html", tmp_path / "week.yaml" / "deeper" / "x.html")
    assert result.exit_code == 2 and f"{plan} is a file, not a folder; choose another path with --html" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_solving(tmp_path):
    plan = write(tmp_path, GOOD)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    result = invoke("solve", plan, "-o", locked / "week.ics")
    locked.chmod(0o755)
    assert result.exit_code == 2 and "is read-only for you" in result.output


def test_a_write_the_system_refuses_is_a_message(tmp_path, monkeypatch):
    def refuse(target, data):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "_replace", refuse)
    plan = write(tmp_path, GOOD)
    result = invoke("solve", plan, "-o", tmp_path / "week.ics")
    assert result.exit_code == 2
    assert f"{tmp_path / 'week.ics'}: cannot write it (Permission denied); choose another path with -o" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("option", ["-o", "--html", "--svg"])
def test_force_never_writes_over_the_plan_itself(tmp_path, option):
    plan = write(tmp_path, GOOD)
    args = ["solve", plan, "--force"] + (["-o", plan] if option == "-o" else ["--no-ics", option, plan])
    result = invoke(*args)
    assert result.exit_code == 2
    assert "is an input of this run" in result.output and f"choose another path with {option}" in result.output
    assert plan.read_text() == GOOD


def test_a_busy_calendar_is_never_an_output_even_one_trainweek_wrote(tmp_path):
    other = write(tmp_path, GOOD, "partner.yaml")
    busy = tmp_path / "partner.ics"
    assert invoke("solve", other, "-o", busy).exit_code == 0
    before = busy.read_bytes()
    plan = write(tmp_path, GOOD.replace('busy: ["2026-12-02 18:00-19:30"]', "busy: [partner.ics]"))
    for extra in ([], ["--force"]):
        result = invoke("solve", plan, "-o", busy, *extra)
        assert result.exit_code == 2 and "is an input of this run" in result.output
        assert busy.read_bytes() == before
    linked = tmp_path / "linked.ics"
    linked.symlink_to(busy)
    assert "is an input of this run" in invoke("solve", plan, "-o", linked, "--force").output


def test_show_and_sweep_refuse_the_plan_as_their_page(tmp_path, monkeypatch):
    monkeypatch.setattr("webbrowser.open", lambda address: True)
    plan = write(tmp_path, GOOD, "week.html")
    result = invoke("show", plan, "-o", plan, "--force")
    assert result.exit_code == 2 and "is an input of this run" in result.output
    assert plan.read_text() == GOOD


def hand_edited(tmp_path) -> tuple[Path, Path]:
    """A plan and its calendar, solved once, then edited: one event without DTSTART, one
    with a SEQUENCE that is not a number."""
    plan = write(tmp_path, GOOD)
    calendar = tmp_path / "week.ics"
    assert invoke("solve", plan, "-o", calendar).exit_code == 0
    text = calendar.read_bytes().decode()
    events = text.split("BEGIN:VEVENT")
    assert len(events) == 4
    events[1] = "\r\n".join(line for line in events[1].split("\r\n") if not line.startswith("DTSTART"))
    events[2] = events[2].replace("SEQUENCE:0", "SEQUENCE:abc")
    calendar.write_text("BEGIN:VEVENT".join(events), newline="")
    return plan, calendar


def test_broken_events_of_an_earlier_calendar_are_left_out_and_named(tmp_path):
    plan, calendar = hand_edited(tmp_path)
    result = invoke("solve", plan, "-o", calendar)
    assert result.exit_code == 0, result.output
    assert result.output.count(f"Note: {calendar}: left out the event") == 2
    assert "it has no DTSTART" in result.output and "SEQUENCE" in result.output
    assert "Traceback" not in result.output
    rewritten = calendar.read_text()
    assert rewritten.count("BEGIN:VEVENT") == 3 and "SEQUENCE:abc" not in rewritten


def test_claim_output_says_what_it_found(tmp_path):
    mine = tmp_path / "mine.ics"
    assert claim_output(mine, "ics").earlier is None
    mine.write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:" + PRODID.encode() + b"\r\nEND:VCALENDAR\r\n")
    assert claim_output(mine, "ics").earlier == mine.read_bytes()
    with pytest.raises(OutputRefused, match="was not written by trainweek"):
        claim_output(mine, "html")
    assert claim_output(mine, "html", force=True).earlier is None
    with pytest.raises(OutputRefused, match="is an input of this run"):
        claim_output(mine, "ics", force=True, inputs=[mine])
    with pytest.raises(OutputRefused, match="is a folder"):
        claim_output(tmp_path, "ics")
    assert claim_output("/dev/null", "ics").stream
