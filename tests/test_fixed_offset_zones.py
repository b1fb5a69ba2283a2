"""`timezone: EST` (MST, HST): a real zone of the tz database, so a normal input, but a fixed
offset with no summer time, which people write meaning New York (Denver, ...) and get times
an hour off all summer. Loading the plan says so once, naming the file, line and key, and the
Area/City to write; the exit status is unchanged. UTC and explicit offsets (Etc/GMT+5) are
deliberate and get no warning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from tests.test_cli import GOOD, write
from trainweek.scheduler.api import open_plan, solve_plan_file
from trainweek.scheduler.cli import main
from trainweek.scheduler.loading import parse_plan, read_plan_text
from trainweek.scheduler.solve import SolveOptions

EST_WARNING = (
    "Warning: week.yaml:3: timezone: 'EST' is a fixed offset, UTC-05:00 all year, with no summer time; "
    "if you mean the time in New York or elsewhere in the eastern US and Canada, write America/New_York "
    "(or the Area/City where you train), or times are an hour off all summer"
)


def plan_in(zone: str) -> str:
    text = GOOD.replace("timezone: Europe/Berlin", f"timezone: {zone}")
    assert f"timezone: {zone}\n" in text.splitlines(keepends=True)[2]
    return text


def invoke(tmp_path, monkeypatch, *args: str):
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [["validate"], ["solve", "--no-ics"], ["explain"]])
def test_est_is_accepted_with_one_warning_naming_file_line_and_key(tmp_path, monkeypatch, command):
    write(tmp_path, plan_in("EST"))
    result = invoke(tmp_path, monkeypatch, command[0], "week.yaml", *command[1:])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [EST_WARNING]
    assert "Warning" not in result.stdout


def test_est_leaves_a_plan_with_a_mistake_refused_as_before(tmp_path, monkeypatch):
    # A plan with EST and a real mistake: the mistake decides the status (2), as without EST.
    write(tmp_path, plan_in("EST").replace("goals: [strength, endurance]", "goals: [strength, endurance, flying]"))
    result = invoke(tmp_path, monkeypatch, "validate", "week.yaml")
    assert result.exit_code == 2 and "goals" in result.output


@pytest.mark.parametrize(
    "zone, advice",
    [
        ("MST", "'MST' is a fixed offset, UTC-07:00 all year, with no summer time; if you mean Denver or elsewhere in the Rockies, write America/Denver, or times are an hour off all summer; for Arizona, which keeps this clock all year, write America/Phoenix"),
        ("HST", "'HST' is a fixed offset, UTC-10:00 all year, with no summer time; if you mean Hawaii, which keeps this clock all year, write Pacific/Honolulu; for the Aleutian Islands, which change to summer time, write America/Adak"),
    ],
)
def test_mst_and_hst_name_their_places(tmp_path, monkeypatch, zone, advice):
    write(tmp_path, plan_in(zone))
    result = invoke(tmp_path, monkeypatch, "validate", "week.yaml")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"Warning: week.yaml:3: timezone: {advice}"]


@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Etc/GMT+5", "US/Eastern", "Europe/Berlin"])
def test_place_names_utc_and_explicit_offsets_get_no_warning(tmp_path, monkeypatch, zone):
    write(tmp_path, plan_in(zone))
    result = invoke(tmp_path, monkeypatch, "validate", "week.yaml")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert open_plan(tmp_path / "week.yaml").notes == ()


def test_library_users_read_the_note_on_the_plan_file(tmp_path):
    path = write(tmp_path, plan_in("EST"))
    source = open_plan(path)
    assert source.notes == (EST_WARNING.removeprefix("Warning: ").replace("week.yaml", str(path), 1),)
    # Still the fixed offset the name means: the same clock in January and July.
    assert source.plan.timezone == "EST"
    zone = ZoneInfo(source.plan.timezone)
    assert dt.datetime(2027, 1, 15, tzinfo=zone).utcoffset() == dt.datetime(2027, 7, 15, tzinfo=zone).utcoffset() == dt.timedelta(hours=-5)
    assert solve_plan_file(source, SolveOptions(workers=1, seed=0, time_limit=30)).placements
    # From text: the note names the source given; `parse_plan` gives the plan alone, as before.
    plan, notes = read_plan_text(plan_in("EST"), "squad/sam.yaml")
    assert notes == (EST_WARNING.removeprefix("Warning: ").replace("week.yaml", "squad/sam.yaml"),)
    assert parse_plan(plan_in("EST"), "squad/sam.yaml") == plan


def test_a_batch_reports_the_note_with_the_plan_it_is_about(tmp_path, monkeypatch):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "sam.yaml").write_text(plan_in("EST"))
    (tmp_path / "plans" / "alex.yaml").write_text(GOOD)
    result = invoke(tmp_path, monkeypatch, "solve-many", "plans", "-o", "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "fixed offset" in line]
    assert notes == [EST_WARNING.replace("week.yaml", "plans/sam.yaml")]
    # The same "Warning:" as the one-plan commands, and again when the plan is unchanged.
    again = invoke(tmp_path, monkeypatch, "solve-many", "plans", "-o", "out", "--jobs", "1")
    assert "unchanged" in again.output
    assert [line for line in again.stderr.splitlines() if "fixed offset" in line] == notes
