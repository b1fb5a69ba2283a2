"""Start-up (issue 21): a command loads only what it uses.

`trainweek solve PLAN --no-ics` is timed against a bare `import cp_model` process
(benchmarks/run.py `end_to_end`); what keeps it close is that the calendar, the views,
the diagnosis, CalDAV, the studio, batches and blocks are imported only by the commands
and the cases that use them. Each run here is a fresh interpreter, and the test reads
which modules it left loaded: no timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

# Run the command as `trainweek` does, then print every module the process holds.
_RUN = """
import contextlib, io, json, sys
from trainweek.scheduler.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[1:], prog_name="trainweek")
    except SystemExit as stop:
        code = stop.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

# Not needed to solve a week and print it.
NOT_FOR_SOLVE = (
    "icalendar",
    "recurring_ical_events",
    "caldav",
    "matplotlib",
    "ray",
    "trainweek.scheduler.ics",
    "trainweek.scheduler.vtimezone",
    "trainweek.scheduler.publish",
    "trainweek.scheduler.studio",
    "trainweek.scheduler.studio_server",
    "trainweek.scheduler.batch",
    "trainweek.scheduler.block",
    "trainweek.scheduler.replan",
    "trainweek.scheduler.sweep",
    "trainweek.scheduler.diagnose",
    "trainweek.scheduler.view",
    "trainweek.scheduler.view_html",
    "trainweek.scheduler.view_svg",
    "difflib",  # suggestions for a mistyped key
)
# Not needed to list the commands.
NOT_FOR_HELP = ("ortools.sat.python.cp_model", "pandas", "numpy", "pydantic", "ruamel.yaml", "rich", "trainweek.constraints", "secrets", *NOT_FOR_SOLVE)


def _run(*args: str, cwd: Path) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["code"], set(found["modules"])


@pytest.mark.parametrize("example", EXAMPLES[:2], ids=lambda path: path.stem)
def test_solve_without_a_calendar_loads_no_calendar_view_or_diagnosis(example, tmp_path):
    code, modules = _run("solve", str(example), "--no-ics", cwd=tmp_path)
    assert code == 0
    assert "ortools.sat.python.cp_model" in modules and "rich.table" in modules  # it really solved and printed
    assert sorted(name for name in NOT_FOR_SOLVE if name in modules) == []
    assert list(tmp_path.iterdir()) == []


def test_solve_with_a_calendar_loads_icalendar_and_nothing_else_it_does_not_use(tmp_path):
    code, modules = _run("solve", str(EXAMPLES[0]), cwd=tmp_path)
    assert code == 0
    assert {"icalendar", "trainweek.scheduler.ics"} <= modules
    assert sorted(name for name in NOT_FOR_SOLVE if name in modules and not name.startswith(("icalendar", "trainweek.scheduler.ics", "trainweek.scheduler.vtimezone"))) == []
    assert [path.suffix for path in tmp_path.iterdir()] == [".ics"]


# What a command without a calendar still loads to make one: the calendar itself.
CALENDAR = ("icalendar", "trainweek.scheduler.ics", "trainweek.scheduler.vtimezone", "trainweek.scheduler.block_ics")


@pytest.mark.parametrize(
    "args",
    [("solve", "--json", "--no-ics"), ("block", "--weeks", "2", "--no-ics"), ("block", "--weeks", "2", "--json", "--no-ics")],
    ids=" ".join,
)
def test_json_and_blocks_without_a_calendar_load_no_calendar_and_json_no_table(args, tmp_path):
    command, *options = args
    code, modules = _run(command, str(EXAMPLES[0]), *options, cwd=tmp_path)
    assert code == 0
    assert "ortools.sat.python.cp_model" in modules  # it really solved
    assert sorted(name for name in CALENDAR if name in modules) == []
    if "--json" in options:  # no table either
        assert sorted(name for name in modules if name.split(".")[0] == "rich") == []
    assert list(tmp_path.iterdir()) == []


def test_the_uids_json_shows_are_the_calendars_without_loading_it(tmp_path):
    from click.testing import CliRunner

    from trainweek.scheduler import ics, uids
    from trainweek.scheduler.cli import main

    assert (ics.event_uid, ics.slot_uid, ics.UID_NAMESPACE) == (uids.event_uid, uids.slot_uid, uids.UID_NAMESPACE)
    shown = CliRunner().invoke(main, ["solve", str(EXAMPLES[0]), "--json", "--no-ics"])
    assert shown.exit_code == 0, shown.output
    sessions = {entry["label"]: entry["uid"] for entry in json.loads(shown.output)["sessions"]}
    assert sessions["Run (1/2)"] == "16d15c6f-cb80-56f0-9245-5b5f9f7ceef6@trainweek"  # as every calendar written so far has it
    written = CliRunner().invoke(main, ["solve", str(EXAMPLES[0]), "-o", str(tmp_path / "week.ics")])
    assert written.exit_code == 0, written.output
    in_file = [line.removeprefix("UID:") for line in (tmp_path / "week.ics").read_text(encoding="utf-8").splitlines() if line.startswith("UID:") and line.endswith("@trainweek")]
    assert sorted(in_file) == sorted(sessions.values())


@pytest.mark.parametrize("args", [("--help",), ("init", "--help"), ("--version",)], ids=" ".join)
def test_help_loads_neither_the_solver_nor_the_libraries_of_a_run(args, tmp_path):
    code, modules = _run(*args, cwd=tmp_path)
    assert code == 0
    assert sorted(name for name in NOT_FOR_HELP if name in modules) == []


def test_a_plan_with_no_week_loads_the_diagnosis(tmp_path):
    plan = tmp_path / "full.yaml"
    plan.write_text(  # two demanding sessions 48 h apart, on two days in a row
        "version: 1\nathlete: A\ntimezone: Europe/Berlin\nweek_start: 2026-11-30\ngoals: [strength, endurance]\n"
        'availability: {mon: ["17:00-21:00"], tue: ["17:00-21:00"]}\n'
        "rules: {rest_days: 0, hard_recovery: 48h}\n"
        "sessions:\n"
        "  - {name: Legs, kind: strength, duration: 60m, intensity: hard, focus: lower}\n"
        "  - {name: Intervals, kind: run, duration: 50m, intensity: hard}\n",
        encoding="utf-8",
    )
    code, modules = _run("solve", str(plan), "--no-ics", cwd=tmp_path)
    assert code == 3
    assert "trainweek.scheduler.diagnose" in modules


def test_the_library_keeps_its_names():
    from trainweek.scheduler import api, diagnose, ics, solve

    assert api.Earlier is ics.Earlier
    assert solve.Infeasible is diagnose.Infeasible
    assert solve.diagnose.__module__ == solve.__name__  # the lazy door to diagnose.diagnose
    with pytest.raises(AttributeError):
        api.NoSuchName  # noqa: B018
    with pytest.raises(AttributeError):
        solve.NoSuchName  # noqa: B018


def test_a_listed_time_zone_is_known_without_walking_the_zone_folder():
    from trainweek.scheduler import plan

    plan._zone_names.cache_clear()
    assert plan.zone_name("Europe/Berlin") == "Europe/Berlin"
    assert plan._zone_names.cache_info().currsize == 0  # available_timezones() was not called
    assert plan._listed_zones() and plan._listed_zones() <= plan._zone_names()  # a quick yes is a right yes
    with pytest.raises(ValueError, match="did you mean Europe/Berlin"):
        plan.zone_name("posix/Europe/Berlin")


# The program itself: `main()` reads this process's command line.
_PROGRAM = """
import atexit, gc, json, sys
atexit.register(lambda: print(json.dumps({"collecting": gc.isenabled(), "frozen": gc.get_freeze_count()})))
sys.argv = ["trainweek", *sys.argv[1:]]
from trainweek.scheduler.cli import main
main()
"""


def test_the_program_collects_garbage_after_its_imports_and_skips_the_last_pass(tmp_path):
    done = subprocess.run([sys.executable, "-c", _PROGRAM, "solve", str(EXAMPLES[0]), "--no-ics"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Week is proven optimal" in done.stdout
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["collecting"] is True  # on again once the command had loaded what it uses
    assert state["frozen"] > 10_000  # the objects that live to the end, frozen at exit


# The program, noting how many threads OpenBLAS is asked for at the moment numpy loads.
_THREADS = """
import atexit, json, os, sys
seen = []
class Watch:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "numpy" and not seen:
            seen.append(os.environ.get("OPENBLAS_NUM_THREADS", "unset"))
sys.meta_path.insert(0, Watch)
atexit.register(lambda: print(json.dumps({"threads": seen})))
sys.argv = ["trainweek", *sys.argv[1:]]
from trainweek.scheduler.cli import main
main()
"""


@pytest.mark.parametrize("given, asked", [(None, "1"), ("3", "3")], ids=["unset", "set by the person"])
def test_the_program_asks_openblas_for_one_thread_unless_told(given, asked, tmp_path):
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run(
        [sys.executable, "-c", _THREADS, "solve", str(EXAMPLES[0]), "--no-ics"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Week is proven optimal" in done.stdout
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"threads": [asked]}


def test_a_caller_with_its_own_arguments_keeps_its_environment(monkeypatch):
    from click.testing import CliRunner

    from trainweek.scheduler.cli import main

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    result = CliRunner().invoke(main, ["solve", str(EXAMPLES[0]), "--no-ics"])
    assert result.exit_code == 0, result.output
    assert "OPENBLAS_NUM_THREADS" not in os.environ


def test_a_caller_with_its_own_arguments_keeps_its_garbage_collector_as_it_was():
    import gc

    from click.testing import CliRunner

    from trainweek.scheduler.cli import main

    frozen = gc.get_freeze_count()
    result = CliRunner().invoke(main, ["solve", str(EXAMPLES[0]), "--no-ics"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_plan_file_is_scanned_once(monkeypatch):
    """The shape checks (depth, long numbers, alias bombs) see the events the reader takes,
    instead of a parse of their own before it."""
    from ruamel.yaml.scanner import Scanner

    from trainweek.scheduler.loading import load_plan

    scans = []  # each pass over the text ends at the end of the stream
    end = Scanner.fetch_stream_end
    monkeypatch.setattr(Scanner, "fetch_stream_end", lambda scanner: scans.append(1) or end(scanner))
    assert load_plan(EXAMPLES[0]).athlete
    assert len(scans) == 1


DEEP = "[" * 40 + "]" * 40


@pytest.mark.parametrize(
    "text, line, message",
    [
        (f"a: *nope\nb: {DEEP}\n", 2, "lists and mappings are nested more than 32 deep"),
        (f"a: 1\n---\nb: {DEEP}\n", 3, "lists and mappings are nested more than 32 deep"),
        ("a: *nope\nb: [1, 2\n", 3, "YAML syntax: expected ',' or ']'"),
        ("a: *nope\nb: 2\n", 1, "YAML syntax: found undefined alias 'nope'"),
        ("a: 1\n---\nb: 2\n", 2, "YAML syntax: but found another document"),
    ],
    ids=["depth after an unknown alias", "depth in a second document", "syntax after an unknown alias", "unknown alias", "two documents"],
)
def test_a_mistake_further_down_is_said_before_the_readers_own(text, line, message):
    """As when the checks read the whole text before the reader started: a syntax or shape
    mistake anywhere is said before an unknown alias or a second document."""
    from trainweek.scheduler.loading import PlanError, parse_plan

    with pytest.raises(PlanError) as found:
        parse_plan(text, "plan.yaml")
    assert (found.value.line, found.value.message[: len(message)]) == (line, message)


def test_modules_imported_beside_are_loaded_and_a_missing_one_is_left_to_the_later_import(capsys):
    from trainweek.scheduler.cli import _import_beside

    sys.modules.pop("colorsys", None)
    _import_beside("trainweek_no_such_module", "colorsys").join()
    assert "colorsys" not in sys.modules  # it stops at the first that fails
    assert capsys.readouterr().err == ""  # no traceback from the thread
    with pytest.raises(ModuleNotFoundError, match="trainweek_no_such_module"):
        __import__("trainweek_no_such_module")
    _import_beside("colorsys").join()
    assert "colorsys" in sys.modules
