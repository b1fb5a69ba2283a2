"""The command line: exit codes, messages that name file, line and key, and safe output."""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainweek.scheduler.cli import main
from tests.conftest import EXAMPLES

GOOD = textwrap.dedent(
    """\
    version: 1
    athlete: Alex
    timezone: Europe/Berlin
    week_start: 2026-11-30
    goals: [strength, endurance]
    availability:
      mon: ["06:00-08:00", "17:30-21:00"]
      wed: ["17:30-21:00"]
      fri: ["17:30-21:00"]
      sat: ["08:00-13:00"]
    busy: ["2026-12-02 18:00-19:30"]
    sessions:
      - name: Heavy lower body
        kind: strength
        duration: 75m
        intensity: hard
        focus: lower
        times: 2
      - name: Easy run
        kind: run
        duration: 40m
        intensity: easy
    """
)


def run(args, cwd: Path):
    """Invoke the CLI from a fresh folder below `cwd`; also return what it left there."""
    workdir = Path(tempfile.mkdtemp(dir=cwd))
    before = os.getcwd()
    os.chdir(workdir)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(before)
    return result, sorted(p.name for p in workdir.iterdir())


def write(tmp_path: Path, text: str, name: str = "week.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_solve_prints_the_week_and_writes_the_calendar(tmp_path):
    plan = write(tmp_path, GOOD)
    result, files = run(["solve", str(plan)], tmp_path)
    assert result.exit_code == 0, result.output
    assert "Heavy lower body" in result.output and "proven optimal" in result.output
    assert files == ["week.ics"]


def test_solve_json_is_machine_readable(tmp_path):
    plan = write(tmp_path, GOOD)
    result, files = run(["solve", str(plan), "--json", "--no-ics"], tmp_path)
    data = json.loads(result.output)
    assert data["proven_optimal"] is True
    assert {s["label"] for s in data["sessions"]} == {"Heavy lower body (1/2)", "Heavy lower body (2/2)", "Easy run"}
    assert sum(part["weighted"] for part in data["objective_parts"]) == pytest.approx(data["objective"])
    assert files == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_validate_accepts_every_example(example, tmp_path):
    result, _ = run(["validate", str(example)], tmp_path)
    assert result.exit_code == 0 and "OK" in result.output


BAD = [
    ("version: 1\nathlete: [unclosed\n", 3, "", "flow sequence started on line 2"),
    ("version: 1\nathlete: Al\n athlete: Bo\n", 3, "", "YAML syntax"),
    ("version: 1\nathlete: Al\nathlete: Bo\n", 3, "", "duplicate key"),
    ("- just\n- a list\n", 1, "", "must be a mapping"),
    (GOOD.replace("goals:", "goal:"), 5, "goal", "unknown key 'goal'"),
    (GOOD.replace("    times: 2\n", "    times: two\n"), 18, "sessions[0] (Heavy lower body).times", "whole number"),
    (GOOD.replace('wed: ["17:30-21:00"]', 'wed: "17:30-21:00"'), 8, "availability.wed", "must be a list in brackets"),
    (GOOD.replace("goals: [strength, endurance]", "goals: []"), 5, "goals", "needs at least one entry"),
    (GOOD.replace('"17:30-21:00"]\n  wed', '"25:00-26:00"]\n  wed'), 7, "availability.mon", "hours go 00-23"),
    (GOOD.replace('wed: ["17:30-21:00"]', 'wed: ["18:00-17:00"]'), 8, "availability.wed", "ends before it starts"),
    (GOOD.replace('mon: ["06:00-08:00", "17:30-21:00"]', 'mon: ["06:00-08:00", "07:30-09:00"]'), 7, "availability.mon", "overlap"),
    (GOOD.replace("  sat:", "  sunday:"), 10, "availability.sunday", "not a weekday"),
    (GOOD.replace("Europe/Berlin", "Europe/Berlinn"), 3, "timezone", "not an IANA time zone"),
    (GOOD.replace("duration: 40m", "duration: 0m"), 21, "sessions[1] (Easy run).duration", "more than zero"),
    (GOOD.replace("duration: 40m", "duration: -5"), 21, "sessions[1] (Easy run).duration", "more than zero"),
    (GOOD.replace("duration: 40m", "duration: 5h5m"), 21, "sessions[1] (Easy run).duration", "longer than every window"),
    (GOOD.replace("    times: 2\n", "    times: 4\n") + "rules: {max_sessions_per_day: 1}\n", 12, "sessions", "cannot fit"),
    (GOOD.replace("    times: 2\n", "    times: 5\n"), 18, "sessions[0] (Heavy lower body).times", "different days"),
    (GOOD.replace("kind: run", "kind: jog"), 20, "sessions[1] (Easy run).kind", "must be one of"),
    (GOOD.replace("week_start: 2026-11-30", "week_start: 2026-12-01"), 4, "week_start", "must be a Monday"),
    (GOOD.replace("athlete: Alex\n", ""), None, "athlete", "missing required key"),
    (GOOD.replace("2026-12-02 18:00-19:30", "someday"), 11, "busy[0]", "not a busy block"),
]


@pytest.mark.parametrize("text, line, key, message", BAD, ids=[b[3] for b in BAD])
@pytest.mark.parametrize("command", ["solve", "validate"])
def test_bad_input_is_one_clear_message_with_exit_2_and_no_file(tmp_path, text, line, key, message, command):
    plan = write(tmp_path, text)
    result, files = run([command, str(plan)], tmp_path)
    assert result.exit_code == 2
    first = result.output.strip().splitlines()[0]
    where = f"{plan}:{line}: " if line else f"{plan}: "
    assert first.startswith(f"Error: {where}{key}"), first
    assert message in result.output
    assert "Traceback" not in result.output
    assert files == []


def test_impossible_week_exits_3_and_names_the_rules(tmp_path):
    text = GOOD + textwrap.dedent(
        """\
        rules:
          rest_days: 5
          modality_gap: 14h
        """
    )
    plan = write(tmp_path, text)
    result, files = run(["solve", str(plan)], tmp_path)
    assert result.exit_code == 3, result.output
    assert "No week satisfies the rules" in result.output
    assert "rest_days" in result.output and "modality_gap" in result.output
    assert files == []


def test_missing_file(tmp_path):
    result, _ = run(["solve", str(tmp_path / "nope.yaml")], tmp_path)
    assert result.exit_code == 2 and "no such file" in result.output


@pytest.mark.parametrize(
    "option, message",
    [("speed=3", "unknown weight 'speed'; valid names: goal_order"), ("separation=-1", "cannot be negative"), ("separation=x", "NAME=NUMBER")],
)
def test_bad_weight_option(tmp_path, option, message):
    plan = write(tmp_path, GOOD)
    result, files = run(["solve", str(plan), "--weight", option], tmp_path)
    assert result.exit_code == 2 and message in result.output
    assert files == []


def test_weight_option_changes_the_weights_used(tmp_path):
    plan = write(tmp_path, GOOD)
    result, _ = run(["solve", str(plan), "--json", "--no-ics", "--weight", "separation=0", "--weight", "consistency=2.5"], tmp_path)
    weights = json.loads(result.output)["weights"]
    assert weights["separation"] == 0 and weights["consistency"] == 2.5


def test_never_overwrites_a_file_it_did_not_write(tmp_path):
    plan = write(tmp_path, GOOD)
    precious = tmp_path / "mine.ics"
    precious.write_text("my own calendar")
    result, _ = run(["solve", str(plan), "-o", str(precious)], tmp_path)
    assert result.exit_code == 2 and "was not written by trainweek" in result.output
    assert precious.read_text() == "my own calendar"
    result, _ = run(["solve", str(plan), "-o", str(precious), "--force"], tmp_path)
    assert result.exit_code == 0 and precious.read_text().startswith("BEGIN:VCALENDAR")


def test_rewriting_its_own_file_keeps_it_identical(tmp_path):
    plan = write(tmp_path, GOOD)
    target = tmp_path / "out.ics"
    run(["solve", str(plan), "-o", str(target)], tmp_path)
    first = target.read_bytes()
    run(["solve", str(plan), "-o", str(target)], tmp_path)
    assert target.read_bytes() == first


def test_solving_into_its_own_file_says_how_many_events_it_cancels(tmp_path):
    plan = write(tmp_path, GOOD)
    target = tmp_path / "out.ics"
    first, _ = run(["solve", str(plan), "-o", str(target)], tmp_path)
    assert "It cancels" not in first.output
    plan.write_text(GOOD.replace("    times: 2\n", ""))
    result, _ = run(["solve", str(plan), "-o", str(target)], tmp_path)
    assert result.exit_code == 0 and "(2 events). Import it into your calendar app. It cancels 1 event of the earlier file that the plan no longer holds." in result.output
    again, _ = run(["solve", str(plan), "-o", str(target)], tmp_path)
    assert "It cancels" not in again.output, "cancelled already"


def test_init_writes_a_starter_that_solves_and_will_not_overwrite(tmp_path):
    for goal in ("strength", "endurance", "fat_loss", "general", "power", "hypertrophy"):
        target = tmp_path / f"{goal}.yaml"
        result, _ = run(["init", "--goal", goal, "-o", str(target)], tmp_path)
        assert result.exit_code == 0
        result, _ = run(["solve", str(target), "--no-ics"], tmp_path)
        assert result.exit_code == 0, result.output
    result, _ = run(["init", "-o", str(tmp_path / "strength.yaml")], tmp_path)
    assert result.exit_code == 2 and "already exists" in result.output


def test_every_command_has_help():
    runner = CliRunner()
    for name, command in main.commands.items():
        assert command.help, name
        assert runner.invoke(main, [name, "--help"]).exit_code == 0


def test_a_refused_calendar_file_stops_before_anything_is_written(tmp_path):
    plan = write(tmp_path, GOOD)
    precious = tmp_path / "mine.ics"
    precious.write_text("my own calendar")
    page = tmp_path / "week.html"
    result, _ = run(["solve", str(plan), "-o", str(precious), "--html", str(page)], tmp_path)
    assert result.exit_code == 2
    assert not page.exists()
