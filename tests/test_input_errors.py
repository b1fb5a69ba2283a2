"""Hostile and mistaken input: every value a person can get wrong is one sentence and exit 2.

Weights follow one rule wherever they come from (the file, --weight, a sweep), solve
options are checked by the library (`SolveOptions`) the command line builds, the YAML
reader is bounded, and names print as written (never read as rich markup).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import tracemalloc

import pytest

from tests.test_cli import GOOD, run, write
from trainweek.scheduler.errors import BadInput, BadOption
from trainweek.scheduler.loading import PlanError, parse_plan
from trainweek.scheduler.plan import parse_weight, parse_weight_setting, weight_value
from trainweek.scheduler.solve import SolveOptions


def error_line(result) -> str:
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


# --- one weight rule: file, --weight and sweep -------------------------------------------

TOO_BIG = "is more than a weight needs (at most 10000); scale all weights down instead"
DECIMALS = "has more than two decimals; weights take at most two, e.g. 2.5 or 0.25"

WEIGHT_OPTIONS = [
    ("hard_easy=0.123", f"0.123 {DECIMALS}"),
    ("hard_easy=1.001", f"1.001 {DECIMALS}"),
    ("goal_order=nan", "nan is not a number; write a weight such as 5 or 2.5"),
    ("goal_order=inf", f"inf {TOO_BIG}"),
    ("goal_order=1e308", f"1e308 {TOO_BIG}"),
    ("goal_order=1e400", f"1e400 {TOO_BIG}"),
    ("goal_order=1e11", f"1e11 {TOO_BIG}"),
    ("separation=-1", "-1: a weight cannot be negative; use 0 to switch an objective off"),
    ("separation=x", "'x' is not a number; write NAME=NUMBER, e.g. hard_easy=5"),
    ("separation=", "no weight given; write NAME=NUMBER, e.g. hard_easy=5"),
    ("separation", "write NAME=NUMBER, e.g. hard_easy=5"),
    ("speed=3", "unknown weight 'speed'; valid names: goal_order, interference, separation, hard_easy, key_freshness, preferred_times, consistency, tidy_times, moves"),
]


@pytest.mark.parametrize("option, reason", WEIGHT_OPTIONS, ids=[o for o, _ in WEIGHT_OPTIONS])
def test_a_weight_option_breaking_the_rule_is_one_message(tmp_path, option, reason):
    plan = write(tmp_path, GOOD)
    result, files = run(["solve", str(plan), "--weight", option], tmp_path)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: --weight {option}: {reason}"
    assert files == []


SWEEPS = [
    ("goal_order=nan,1", "nan is not a number; write a weight such as 5 or 2.5"),
    ("goal_order=1e400", f"1e400 {TOO_BIG}"),
    ("goal_order=0,0.125", f"0.125 {DECIMALS}"),
    ("goal_order=1,,2", "no weight given; write the values to try as V1,V2,..., e.g. 0,2,5,20"),
    ("goal_order=1,x", "'x' is not a number; write the values to try as V1,V2,..., e.g. 0,2,5,20"),
]


@pytest.mark.parametrize("option, reason", SWEEPS, ids=[o for o, _ in SWEEPS])
def test_a_sweep_value_breaking_the_rule_is_one_message(tmp_path, option, reason):
    plan = write(tmp_path, GOOD)
    result, _ = run(["sweep", str(plan), "--weight", option], tmp_path)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: --weight {option}: {reason}"


FILE_WEIGHTS = [
    (".nan", "nan is not a number; write a weight such as 5 or 2.5"),
    (".inf", f"inf {TOO_BIG}"),
    ("1e400", f"inf {TOO_BIG}"),
    ("0.123", f"0.123 {DECIMALS}"),
    ("1.0e11", f"100000000000.0 {TOO_BIG}"),
    ("'5'", "a weight is a number, e.g. 5 or 2.5"),
]


@pytest.mark.parametrize("value, reason", FILE_WEIGHTS, ids=[v for v, _ in FILE_WEIGHTS])
def test_a_file_weight_breaking_the_rule_is_one_message(tmp_path, value, reason):
    plan = write(tmp_path, GOOD + f"weights: {{hard_easy: {value}}}\n")
    result, _ = run(["validate", str(plan)], tmp_path)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {plan}:23: weights.hard_easy: {reason}"


def test_two_decimal_weights_solve_the_same_from_file_and_option(tmp_path):
    """1.1 is two decimals (the float 1.1 * 100 is not a whole number: checked on the written value)."""
    in_file = write(tmp_path, GOOD + "weights: {hard_easy: 1.1, separation: 0.05}\n", "file.yaml")
    plain = write(tmp_path, GOOD, "plain.yaml")
    by_file, _ = run(["solve", str(in_file), "--json", "--no-ics"], tmp_path)
    by_option, _ = run(
        ["solve", str(plain), "--json", "--no-ics", "--weight", "hard_easy=1.1", "--weight", "separation=0.05"],
        tmp_path,
    )
    assert by_file.exit_code == by_option.exit_code == 0, by_file.output + by_option.output
    first, second = json.loads(by_file.output), json.loads(by_option.output)
    assert first["weights"] == second["weights"]
    assert first["weights"]["hard_easy"] == 1.1 and first["objective"] == second["objective"]


def test_the_weight_rule_is_one_function_for_numbers_and_text():
    assert weight_value(2.5) == parse_weight("2.5") == 2.5
    assert parse_weight_setting("consistency=10000") == ("consistency", 10000.0)
    for bad in (float("nan"), 0.123, 1e11, -1, True, "5"):
        with pytest.raises(ValueError):
            weight_value(bad)


# --- SolveOptions: the library checks what the command line checks -----------------------


@pytest.mark.parametrize(
    "options, option, reason",
    [
        (dict(week_start=dt.date(2026, 12, 1)), "week_start", "2026-12-01 is a Tuesday; week_start must be a Monday (that week's Monday is 2026-11-30)"),
        (dict(week_start="2026-02-30"), "week_start", "'2026-02-30' is not a calendar date (no such day); write it as YYYY-MM-DD, e.g. 2026-11-30"),
        (dict(week_start=dt.date(1, 1, 1)), "week_start", "0001-01-01 is outside the weeks trainweek plans: 1970 to 2100"),
        (dict(grid="7m"), "grid", "a grid of 7 minutes does not divide an hour; use 5m, 10m, 15m, 30m or 60m"),
        (dict(weights=(("hard_easy", 0.123),)), "weights", f"0.123 {DECIMALS}"),
        (dict(weights={"speed": 1}), "weights", "unknown weight 'speed'; valid names: goal_order, interference, separation, hard_easy, key_freshness, preferred_times, consistency, tidy_times, moves"),
        (dict(seed=2**31), "seed", "2147483648 is out of range; a seed is a whole number from -2147483648 to 2147483647"),
        (dict(workers=65), "workers", "65 is out of range; use 1 to 64 workers (1 is deterministic)"),
        (dict(time_limit=float("inf")), "time_limit", "inf is not a time limit; give seconds above 0, e.g. 60"),
        (dict(time_limit=0), "time_limit", "0 is not a time limit; give seconds above 0, e.g. 60"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_solve_options_refuse_what_the_plan_refuses(options, option, reason):
    with pytest.raises(BadOption) as caught:
        SolveOptions(**options)
    assert isinstance(caught.value, BadInput)
    assert (caught.value.option, caught.value.reason) == (option, reason)


def test_solve_options_are_frozen_and_a_sweep_setting_is_checked_again():
    options = SolveOptions(weights={"goal_order": 1.1})
    with pytest.raises(Exception):
        options.seed = 3
    assert options.with_weights({"separation": 2}).weights == (("goal_order", 1.1), ("separation", 2.0))
    with pytest.raises(BadOption):
        options.with_weights({"separation": float("nan")})


CLI_OPTIONS = [
    (["--week-start", "2026-12-01"], "--week-start 2026-12-01: 2026-12-01 is a Tuesday; week_start must be a Monday (that week's Monday is 2026-11-30)"),
    (["--week-start", "2026-02-30"], "--week-start 2026-02-30: '2026-02-30' is not a calendar date (no such day); write it as YYYY-MM-DD, e.g. 2026-11-30"),
    (["--week-start", "0001-01-01"], "--week-start 0001-01-01: 0001-01-01 is outside the weeks trainweek plans: 1970 to 2100"),
    (["--week-start", "9999-12-27"], "--week-start 9999-12-27: 9999-12-27 is outside the weeks trainweek plans: 1970 to 2100"),
    (["--week-start", "20261130"], "--week-start 20261130: '20261130' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"),
    (["--seed", "99999999999999999999"], "--seed 99999999999999999999: 99999999999999999999 is out of range; a seed is a whole number from -2147483648 to 2147483647"),
    (["--seed", "x"], "--seed x: 'x' is not a whole number"),
    (["--workers", "0"], "--workers 0: 0 is out of range; use 1 to 64 workers (1 is deterministic)"),
    (["--time-limit", "nan"], "--time-limit nan: nan is not a time limit; give seconds above 0, e.g. 60"),
    (["--grid", "7m"], "--grid 7m: a grid of 7 minutes does not divide an hour; use 5m, 10m, 15m, 30m or 60m"),
    (["--grid", "0"], "--grid 0: '0' is not a grid; use 5m, 10m, 15m, 30m or 60m"),
]


@pytest.mark.parametrize("args, message", CLI_OPTIONS, ids=[" ".join(a) for a, _ in CLI_OPTIONS])
def test_a_bad_solve_option_is_one_message(tmp_path, args, message):
    plan = write(tmp_path, GOOD)
    result, files = run(["solve", str(plan), *args], tmp_path)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {message}"
    assert files == []


def test_the_week_start_option_still_moves_the_week(tmp_path):
    plan = write(tmp_path, GOOD)
    result, _ = run(["solve", str(plan), "--json", "--no-ics", "--week-start", "2026-12-07", "--seed", "-3"], tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["week_start"] == "2026-12-07"


# --- values in the file -----------------------------------------------------------------

FILE_VALUES = [
    (GOOD.replace("Europe/Berlin", "Europe"), 3, "timezone: 'Europe' is a region, not a time zone; name a place in it, e.g. Europe/Amsterdam"),
    # `Factory` is the tz database's placeholder ("Local time zone must be set"), never a place;
    # written in lower case it was "not an IANA time zone name (did you mean Factory?)".
    (GOOD.replace("Europe/Berlin", "Factory"), 3, "timezone: 'Factory' is the time zone database's placeholder for a machine whose zone is not set, not a place; write the Area/City where you train, such as Europe/Berlin or America/New_York"),
    (GOOD.replace("Europe/Berlin", "factory"), 3, "timezone: 'factory' is the time zone database's placeholder for a machine whose zone is not set, not a place; write the Area/City where you train, such as Europe/Berlin or America/New_York"),
    (GOOD.replace("timezone: Europe/Berlin", "timezone: ''"), 3, "timezone: is empty; write an IANA time zone name such as Europe/Berlin or America/New_York"),
    (GOOD.replace("2026-11-30", "2026-02-30"), 4, "week_start: '2026-02-30' is not a calendar date (no such day); write it as YYYY-MM-DD, e.g. 2026-11-30"),
    (GOOD.replace("2026-11-30", "0001-01-01"), 4, "week_start: 0001-01-01 is outside the weeks trainweek plans: 1970 to 2100"),
    (GOOD.replace("2026-11-30", "9999-12-27"), 4, "week_start: 9999-12-27 is outside the weeks trainweek plans: 1970 to 2100"),
    (GOOD.replace("2026-11-30", "20261130"), 4, "week_start: 20261130 is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"),
    (GOOD.replace("goals: [strength, endurance]", "goals: strength"), 5, "goals: must be a list in brackets, e.g. [strength, endurance]"),
    (GOOD.split("sessions:")[0] + "sessions: {name: Run}\n", 12, "sessions: must be a list of sessions, each starting with '- name:' (trainweek init writes an example)"),
    (GOOD.replace('busy: ["2026-12-02 18:00-19:30"]', "busy: wed"), 11, 'busy: must be a list in brackets, e.g. ["2026-12-02 18:00-19:30", "wed 18:00-19:30"]'),
    (GOOD + "rules: {rest_days: .inf}\n", 23, "rules.rest_days: must be a number (not .nan or .inf)"),
    (GOOD + "rules: {rest_days: 9}\n", 23, "rules.rest_days: must be less than or equal to 6"),
    (GOOD.replace("duration: 40m", 'duration: "\u00b2"'), 21, "sessions[1] (Easy run).duration: '\u00b2' is not a duration; write 75m, 1h15m, 6h or 90 (minutes)"),
    (GOOD.replace("name: Easy run", 'name: "Easy\\e[2J run"').replace("duration: 40m", "duration: 0m"), 21, "sessions[1] (Easy\\x1b[2J run).duration: duration must be more than zero minutes, got '0m'"),
]


@pytest.mark.parametrize("text, line, message", FILE_VALUES, ids=[m.split(":")[0] + str(i) for i, (_, _, m) in enumerate(FILE_VALUES)])
def test_a_bad_value_in_the_file_is_one_message(tmp_path, text, line, message):
    plan = write(tmp_path, text)
    result, files = run(["solve", str(plan)], tmp_path)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {plan}:{line}: {message}"
    assert "\x1b" not in result.output
    assert files == []


# --- the YAML reader is bounded ------------------------------------------------------------


def alias_bomb() -> str:
    """About 350 bytes that expand to 9**10 values: each level lists the one above nine times."""
    names = "abcdefghij"
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for before, name in zip(names, names[1:]):
        text += f"{name}: &{name} [" + ", ".join([f"*{before}"] * 9) + "]\n"
    return text


HOSTILE = [
    (alias_bomb(), 6, "aliases (*name) expand the file to more than 100,000 values; write the values out instead"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, "lists and mappings are nested more than 32 deep; a plan needs a few levels"),
    ("version: " + "9" * 4301 + "\n", 1, "a number with more than 30 digits; no value in a plan is that large"),
    ("a: &a [1, *a]\n", 1, "the alias *a refers to the list or mapping it is inside"),
]


@pytest.mark.parametrize("text, line, message", HOSTILE, ids=["alias bomb", "deep nesting", "long integer", "self alias"])
def test_a_hostile_file_is_refused_before_it_is_built(tmp_path, text, line, message):
    plan = write(tmp_path, text)
    tracemalloc.start()
    try:
        result, _ = run(["validate", str(plan)], tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {plan}:{line}: {message}"
    assert peak < 30_000_000


def test_a_file_larger_than_a_plan_is_refused(tmp_path):
    plan = write(tmp_path, GOOD + "#" * 1_000_001 + "\n")
    result, _ = run(["validate", str(plan)], tmp_path)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {plan}: the file is larger than 1 MB; a plan is a page or two of text"


def test_aliases_that_a_plan_uses_sensibly_still_work():
    text = GOOD.replace('mon: ["06:00-08:00", "17:30-21:00"]', 'mon: &evenings ["17:30-21:00"]').replace(
        'wed: ["17:30-21:00"]', "wed: *evenings"
    )
    plan = parse_plan(text, "aliases.yaml")
    assert plan.availability["wed"] == plan.availability["mon"] == [(1050, 1260)]
    with pytest.raises(PlanError):
        parse_plan("a: *nowhere\n", "x.yaml")


# --- names print as written ------------------------------------------------------------------

MARKUP = textwrap.dedent(
    """\
    version: 1
    athlete: "[bold]Al[/]"
    timezone: Europe/Berlin
    week_start: 2026-11-30
    goals: [strength]
    availability:
      mon: ["17:30-21:00"]
      wed: ["17:30-21:00"]
      fri: ["17:30-21:00"]
    sessions:
      - name: "Run [/]"
        kind: run
        duration: 40m
      - name: "Lift [zone 2]"
        kind: strength
        duration: 45m
    """
)


@pytest.mark.parametrize(
    "command",
    [["solve", "--no-ics"], ["explain"], ["sweep", "--weight", "separation=0,50"]],
    ids=["solve", "explain", "sweep"],
)
def test_names_with_brackets_print_as_written(tmp_path, command):
    plan = write(tmp_path, MARKUP)
    result, _ = run([command[0], str(plan), *command[1:]], tmp_path)
    assert result.exit_code == 0, result.output
    assert "Run [/]" in result.output and "Lift [zone 2]" in result.output
    if command[0] == "solve":
        assert "for [bold]Al[/]" in result.output


def test_compare_prints_names_and_file_names_as_written(tmp_path):
    first = write(tmp_path, MARKUP, "[red]a.yaml")
    second = write(tmp_path, MARKUP.replace("duration: 45m", "duration: 50m"), "b\x1b[2J.yaml")
    result, _ = run(["compare", str(first), str(second)], tmp_path)
    assert result.exit_code == 0, result.output
    assert "Run [/]" in result.output and "Lift [zone 2]" in result.output
    assert "[red]a.yaml" in result.output and "b\\x1b[2J.yaml" in result.output
    assert "\x1b" not in result.output


def test_control_characters_in_names_are_shown_not_sent_to_the_terminal(tmp_path):
    plan = write(tmp_path, MARKUP.replace("Run [/]", "Run\\e[2J\\a [/]").replace("[bold]Al[/]", "Al\\e]0;owned\\a"))
    for command in (["solve", "--no-ics"], ["explain"], ["sweep", "--weight", "separation=0,50"]):
        result, _ = run([command[0], str(plan), *command[1:]], tmp_path)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "Run\\x1b[2J\\x07 [/]" in result.output


def test_a_control_character_in_a_file_name_is_shown_not_sent(tmp_path):
    plan = write(tmp_path, GOOD.replace("athlete: Alex\n", ""), "we\x1b[31mek.yaml")
    result, _ = run(["validate", str(plan)], tmp_path)
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "we\\x1b[31mek.yaml" in result.output


# --- wording ------------------------------------------------------------------------------------


def test_validate_counts_one_session_in_the_singular(tmp_path):
    plan = write(tmp_path, GOOD.split("  - name: Easy run")[0].replace("times: 2", "times: 1"))
    result, _ = run(["validate", str(plan)], tmp_path)
    assert result.exit_code == 0
    assert result.output.strip() == f"{plan}: OK (1 session, goals: strength, endurance)"


def test_a_refused_page_path_does_not_point_at_the_calendar_option(tmp_path):
    plan = write(tmp_path, GOOD)
    page = tmp_path / "mine.html"
    page.write_text("my own page")
    result, _ = run(["solve", str(plan), "--no-ics", "--html", str(page)], tmp_path)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {page} exists and was not written by trainweek; choose another path with --html or pass --force to replace it with the week page"
