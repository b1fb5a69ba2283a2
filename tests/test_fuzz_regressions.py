"""Bugs tests/test_fuzz.py found, each pinned as a plain example: a traceback before, a
sentence and exit status 2 (or a checked week) after."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner

from trainweek.scheduler.cli import main

PLAN = textwrap.dedent(
    """\
    version: {version}
    athlete: Alex
    timezone: UTC
    week_start: 2026-11-30
    goals: [general]
    availability: {{mon: ["06:00-08:00"]}}
    sessions: [{{name: Run, kind: run, duration: 30m}}]
    """
)


def validate(tmp_path, text: str):
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "plan.yaml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_a_profile_that_is_a_list_is_a_message(tmp_path):
    # TypeError: unhashable type: 'list' (the profile's rules were looked up before validation).
    result = validate(tmp_path, PLAN.format(version=2) + "profile: []\n")
    assert result.exit_code == 2
    assert "profile" in result.output and "default" in result.output


def test_an_empty_version_one_rest_is_a_message(tmp_path):
    # IndexError: list index out of range (version 1's `same_visit.rest: []`).
    result = validate(tmp_path, PLAN.format(version=1) + "rules: {same_visit: {rest: []}}\n")
    assert result.exit_code == 2
    assert "rules.same_visit.rest: expected a duration" in result.output


def test_a_file_of_the_zone_folder_that_is_no_zone_name_is_a_message(tmp_path):
    # `localtime` is this machine's zone, `right/UTC` counts leap seconds and
    # `posix/Europe/Berlin` is a copy: zoneinfo opens them all, calendar apps know none
    # as a TZID, and an .ics with TZID:localtime meant whatever the reader's machine said.
    plan = PLAN.format(version=2)
    for name, hint in [("localtime", "such as Europe/Berlin"), ("right/UTC", "did you mean Etc/UTC?"), ("posix/Europe/Berlin", "did you mean Europe/Berlin?")]:
        result = validate(tmp_path, plan.replace("timezone: UTC", f"timezone: {name}"))
        assert result.exit_code == 2
        assert f"plan.yaml:3: timezone: '{name}' is not an IANA time zone name" in result.output and hint in result.output
    assert validate(tmp_path, plan.replace("timezone: UTC", "timezone: US/Eastern")).exit_code == 0


def test_a_character_written_as_a_json_surrogate_pair_is_that_character(tmp_path):
    # json.dumps writes 👟 as "\ud83d\udc5f"; YAML reads the two halves apart, and the name
    # was refused with pydantic's "unable to parse raw data as a unicode string".
    (tmp_path / "plan.yaml").write_text(PLAN.format(version=2).replace("name: Run", 'name: "Run \\ud83d\\udc5f"'))
    result = CliRunner().invoke(main, ["solve", str(tmp_path / "plan.yaml"), "-o", str(tmp_path / "out.ics"), "--json", "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert '"name": "Run \\ud83d\\udc5f"' in result.stdout  # the JSON output's escape for 👟
    assert "SUMMARY:Run 👟" in (tmp_path / "out.ics").read_text(encoding="utf-8")


def test_half_a_character_is_a_message(tmp_path):
    result = validate(tmp_path, PLAN.format(version=2).replace("athlete: Alex", 'athlete: "Alex \\ud83d"'))
    assert result.exit_code == 2
    assert "plan.yaml:2: athlete: holds half of a character (an unpaired \\ud800-\\udfff escape); write the character itself" in result.output


def test_one_event_is_counted_in_the_singular(tmp_path):
    (tmp_path / "plan.yaml").write_text(PLAN.format(version=2))
    result = CliRunner().invoke(main, ["solve", str(tmp_path / "plan.yaml"), "-o", str(tmp_path / "out.ics"), "--time-limit", "5"])
    assert result.exit_code == 0
    assert "(1 event)." in result.output
