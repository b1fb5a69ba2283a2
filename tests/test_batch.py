"""`trainweek solve-many`: a squad's folder solved in parallel (a process pool, or Ray),
bad and impossible plans reported without stopping the others, unchanged plans skipped
(issue 23)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainweek.constraints import broken_rules
from trainweek.scheduler import batch
from trainweek.scheduler.batch import BatchOptions, BatchResult, Outcome, exit_status, find_plans, solve_many
from trainweek.scheduler.cli import main
from trainweek.scheduler.errors import BadInput
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.ics import slot_uid
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.solve import SolveOptions
from trainweek.scheduler.week import Week
from tests.conftest import EXAMPLES, ROOT, need_program
from tests.test_cli import GOOD

ATHLETES = sorted((ROOT / "tests" / "athletes").glob("*.yaml"))
CLOCK = str(int(dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc).timestamp()))  # conftest's fixed_clock
IMPOSSIBLE = {
    "impossible-gaps": GOOD + "rules:\n  rest_days: 5\n  modality_gap: 14h\n",
    "impossible-long": GOOD.replace("duration: 75m", "duration: 5h"),
}
MALFORMED = "malformed"


def squad(folder: Path) -> dict[str, str]:
    """32 plans: the examples and the coach-test athletes, each also a week later under
    another name, three a month later, two impossible, one malformed. Name -> kind."""
    folder.mkdir(parents=True)
    kinds = {}
    bases = [(path.stem, path.read_text(encoding="utf-8")) for path in EXAMPLES]
    bases += [(f"athlete-{path.stem}", path.read_text(encoding="utf-8")) for path in ATHLETES]
    for number, (name, text) in enumerate(bases):
        assert "week_start: 2026-11-30" in text
        variants = {name: text, f"{name}-next": _renamed(text.replace("week_start: 2026-11-30", "week_start: 2026-12-07"), " (next)")}
        if number < 3:
            variants[f"{name}-january"] = text.replace("week_start: 2026-11-30", "week_start: 2027-01-04")
        for variant, body in variants.items():
            (folder / f"{variant}.yaml").write_text(body, encoding="utf-8")
            kinds[variant] = "feasible"
    for name, body in IMPOSSIBLE.items():
        (folder / f"{name}.yaml").write_text(body, encoding="utf-8")
        kinds[name] = "impossible"
    (folder / f"{MALFORMED}.yaml").write_text(GOOD.replace("goals:", "goal:"), encoding="utf-8")
    kinds[MALFORMED] = "malformed"
    assert len(kinds) == 32
    return kinds


def _renamed(text: str, suffix: str) -> str:
    return re.sub(r"^athlete: (.*)$", lambda match: f"athlete: {match.group(1)}{suffix}", text, count=1, flags=re.M)


def run_cli(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)
    return result.exit_code, result.output


def by_name(results) -> dict[str, BatchResult]:
    return {result.name: result for result in results}


@pytest.fixture(scope="module")
def solved_squad(tmp_path_factory):
    """The squad solved once with the process pool (2 jobs), through the command line."""
    root = tmp_path_factory.mktemp("squad")
    kinds = squad(root / "plans")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", CLOCK)
        patch.setenv("COLUMNS", "250")  # one table row per plan
        status, output = run_cli("solve-many", root / "plans", "-o", root / "out", "--jobs", "2", "--json", "--html")
    return root, kinds, status, output


def test_the_squad_is_solved_and_the_rest_reported(solved_squad):
    root, kinds, status, output = solved_squad
    assert status == 3, output  # an impossible plan (3) outranks the malformed one (2)
    rows = {line.split("│")[1].strip(): line for line in output.splitlines() if line.count("│") >= 4 and line.split("│")[1].strip() in kinds}
    assert set(rows) == set(kinds)
    for name, kind in kinds.items():
        if kind == "feasible":
            assert "solved" in rows[name], rows[name]
            assert (root / "out" / f"{name}.ics").exists() and (root / "out" / f"{name}.json").exists() and (root / "out" / f"{name}.html").exists()
        else:
            assert not (root / "out" / f"{name}.ics").exists()
    assert "impossible" in rows["impossible-gaps"] and "No week satisfies the rules" in rows["impossible-gaps"]
    assert "bad file" in rows[MALFORMED]
    assert "29 solved and proven, 2 impossible, 1 bad file." in output


def test_every_solved_week_passes_every_checker(solved_squad):
    """Read back from the batch's own JSON, each week breaks no hard rule."""
    root, kinds, _, _ = solved_squad
    for name in (name for name, kind in kinds.items() if kind == "feasible"):
        plan = load_plan(root / "plans" / f"{name}.yaml")
        data = json.loads((root / "out" / f"{name}.json").read_text())
        frame = WeekFrame(plan, plan.week_start)
        occurrences = {slot_uid(plan.athlete, plan.week_start, item): item for item in plan.occurrences}
        starts = {occurrences[entry["uid"]].index: frame.minute_at(dt.datetime.fromisoformat(entry["start_iso"])) for entry in data["sessions"]}
        assert len(starts) == len(plan.occurrences)
        week = Week.from_starts(plan, frame, starts, plan.effective_weights())
        assert broken_rules(week) == [], name
        assert data["proven_optimal"] is True


def test_the_messages_name_the_file_and_say_what_is_wrong(solved_squad):
    root, _, _, _ = solved_squad
    results = by_name(solve_many([root / "plans" / f"{MALFORMED}.yaml", root / "plans" / "impossible-long.yaml"], outdir=root / "messages", executor="process", jobs=1))
    assert results[MALFORMED].outcome is Outcome.BAD_FILE
    assert results[MALFORMED].message.startswith(f"{root / 'plans' / MALFORMED}.yaml:")
    assert "goal" in results[MALFORMED].message
    assert results["impossible-long"].message == (
        f"{root / 'plans' / 'impossible-long.yaml'}: "
        "No week satisfies the rules: your free time (16h on 4 days) has to hold 3 sessions of 10h40m in all (availability). "
        "Relax one of: add a window on Tuesday (e.g. 17:00-22:30), one 'Heavy lower body' fewer (1 a week)."
    )


def test_outputs_are_what_solve_writes_byte_for_byte(solved_squad, tmp_path):
    root, kinds, _, _ = solved_squad
    for name in (name for name, kind in kinds.items() if kind == "feasible"):
        status, output = run_cli("solve", root / "plans" / f"{name}.yaml", "-o", tmp_path / f"{name}.ics", "--html", tmp_path / f"{name}.html")
        assert status == 0, output
        assert (tmp_path / f"{name}.ics").read_bytes() == (root / "out" / f"{name}.ics").read_bytes(), name
        assert (tmp_path / f"{name}.html").read_bytes() == (root / "out" / f"{name}.html").read_bytes(), name
        status, output = run_cli("solve", root / "plans" / f"{name}.yaml", "--json", "--no-ics")
        printed, written = json.loads(output), json.loads((root / "out" / f"{name}.json").read_text())
        assert {**printed, "solve_seconds": 0} == {**written, "solve_seconds": 0}, name


def _copy_squad(root: Path, target: Path) -> Path:
    shutil.copytree(root / "plans", target / "plans")
    shutil.copytree(root / "out", target / "out")
    return target


def _run_again(target: Path, *extra) -> list[BatchResult]:
    options = BatchOptions(json=True, html=True)
    return list(solve_many([target / "plans", *extra], options, target / "out", jobs=2))


def test_a_rerun_solves_again_exactly_the_plan_that_changed(solved_squad, tmp_path):
    """Editing one athlete's file re-solves that one, from the calendar written before
    (what `solve -o` over that file writes); the others, impossible ones included, are kept."""
    root, kinds, _, _ = solved_squad
    target = _copy_squad(root, tmp_path)
    before = {path.name: path.stat().st_mtime_ns for path in (target / "out").iterdir()}
    edited = target / "plans" / "strength-first.yaml"
    # Take away the free time of the day the first session was on, so the week must move.
    day = json.loads((root / "out" / "strength-first.json").read_text())["sessions"][0]["day"]
    text = edited.read_text()
    windows = next(line for line in text.splitlines(keepends=True) if line.strip().startswith(f"{day}:"))
    edited.write_text(text.replace(windows, ""))
    solo = tmp_path / "solo.ics"
    shutil.copy(target / "out" / "strength-first.ics", solo)
    results = by_name(_run_again(target))
    assert set(results) == set(kinds)
    assert {name for name, result in results.items() if not result.unchanged} == {"strength-first", MALFORMED}  # a bad file is read again, never solved
    assert results["strength-first"].outcome.solved
    assert results["impossible-gaps"].outcome is Outcome.IMPOSSIBLE and "No week satisfies" in results["impossible-gaps"].message
    assert exit_status(results.values()) == 3
    after = {path.name: path.stat().st_mtime_ns for path in (target / "out").iterdir()}
    assert {name for name in after if after[name] != before.get(name)} == {"strength-first.ics", "strength-first.json", "strength-first.html", batch.MANIFEST}
    status, output = run_cli("solve", edited, "-o", solo)
    assert status == 0, output
    assert solo.read_bytes() == (target / "out" / "strength-first.ics").read_bytes()
    assert solo.read_bytes() != (root / "out" / "strength-first.ics").read_bytes()  # the week did move


def test_touching_a_file_without_changing_it_solves_nothing(solved_squad, tmp_path):
    root, _, _, _ = solved_squad
    target = _copy_squad(root, tmp_path)
    os.utime(target / "plans" / "marathoner.yaml")
    results = _run_again(target)
    assert {result.name for result in results if not result.unchanged} == {MALFORMED}


def test_other_options_or_a_missing_output_solve_again(solved_squad, tmp_path):
    root, kinds, _, _ = solved_squad
    target = _copy_squad(root, tmp_path)
    (target / "out" / "masters.ics").unlink()
    (target / "out" / "fat-loss-beginner-next.json").write_text("{}")
    results = _run_again(target)
    assert {result.name for result in results if not result.unchanged} == {"masters", "fat-loss-beginner-next", MALFORMED}
    assert (target / "out" / "masters.ics").read_bytes() == (root / "out" / "masters.ics").read_bytes()
    options = BatchOptions(solve=SolveOptions(grid="15m"), json=True, html=True)
    some = [target / "plans" / "masters.yaml", target / "plans" / "impossible-gaps.yaml"]
    assert not any(result.unchanged for result in solve_many(some, options, target / "out", jobs=2))


def test_a_changed_busy_calendar_solves_that_plan_again(tmp_path, monkeypatch):
    busy = textwrap.dedent(
        """\
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//test//busy//EN
        BEGIN:VEVENT
        UID:meeting@test
        DTSTAMP:20261101T000000Z
        DTSTART:20261130T170000Z
        DTEND:20261130T190000Z
        SUMMARY:Meeting
        END:VEVENT
        END:VCALENDAR
        """
    ).replace("\n", "\r\n")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "work.ics").write_text(busy)
    (plans / "alex.yaml").write_text(GOOD.replace('busy: ["2026-12-02 18:00-19:30"]', "busy: [work.ics]"))
    (plans / "sam.yaml").write_text(GOOD.replace("athlete: Alex", "athlete: Sam"))
    first = by_name(solve_many([plans], outdir=tmp_path / "out", jobs=1))
    assert all(result.outcome.solved for result in first.values())
    (plans / "work.ics").write_text(busy.replace("T190000Z", "T200000Z"))
    again = by_name(solve_many([plans], outdir=tmp_path / "out", jobs=1))
    assert {name for name, result in again.items() if not result.unchanged} == {"alex"}


def test_exit_status_is_the_highest_among_the_plans():
    def result(outcome):
        return BatchResult("x", "x.yaml", outcome)

    assert exit_status([]) == 0
    assert exit_status([result(Outcome.PROVEN), result(Outcome.SOLVED)]) == 0
    assert exit_status([result(Outcome.PROVEN), result(Outcome.BAD_FILE)]) == 2
    assert exit_status([result(Outcome.BAD_FILE), result(Outcome.IMPOSSIBLE)]) == 3
    assert exit_status([result(Outcome.IMPOSSIBLE), result(Outcome.OUT_OF_TIME), result(Outcome.BAD_FILE)]) == 4


def test_all_solved_exits_0_and_a_bad_file_alone_exits_2(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD.replace("goals:", "goal:"))
    status, output = run_cli("solve-many", tmp_path / "a.yaml", "-o", tmp_path / "out", "--jobs", "1")
    assert status == 0, output
    status, output = run_cli("solve-many", str(tmp_path / "*.yaml"), "-o", tmp_path / "out", "--jobs", "1")
    assert status == 2, output
    assert "1 solved and proven, 1 bad file; 1 unchanged since the last run, not solved again." in output


def test_an_output_trainweek_did_not_write_is_refused_for_that_plan_only(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.yaml").write_text(GOOD)
    (tmp_path / "plans" / "b.yaml").write_text(GOOD.replace("athlete: Alex", "athlete: Bo"))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.ics").write_text("my own calendar")
    results = by_name(solve_many([tmp_path / "plans"], outdir=tmp_path / "out", jobs=1))
    assert results["a"].outcome is Outcome.BAD_FILE and "was not written by trainweek" in results["a"].message
    assert results["b"].outcome is Outcome.PROVEN
    assert (tmp_path / "out" / "a.ics").read_text() == "my own calendar"
    results = by_name(solve_many([tmp_path / "plans"], BatchOptions(force=True), tmp_path / "out", jobs=1))
    assert results["a"].outcome is Outcome.PROVEN


def test_find_plans_takes_files_folders_and_globs(tmp_path):
    (tmp_path / "squad").mkdir()
    for name in ("b.yaml", "a.yml", "notes.txt"):
        (tmp_path / "squad" / name).write_text(GOOD)
    (tmp_path / "c.yaml").write_text(GOOD)
    found = find_plans([tmp_path / "squad", str(tmp_path / "*.yaml"), tmp_path / "squad" / "b.yaml"])
    assert [path.name for path in found] == ["a.yml", "b.yaml", "c.yaml"]
    with pytest.raises(BadInput, match="no such file or folder"):
        find_plans([tmp_path / "missing.yaml"])
    with pytest.raises(BadInput, match="no plan files"):
        find_plans([str(tmp_path / "*.yam")])
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "c.yaml").write_text(GOOD)
    with pytest.raises(BadInput, match=r"would both be written as c\.ics; rename one"):
        find_plans([tmp_path / "c.yaml", tmp_path / "other"])


def test_bad_arguments_exit_2_before_solving(tmp_path):
    status, output = run_cli("solve-many", tmp_path / "nothing", "-o", tmp_path / "out")
    assert status == 2 and "no such file or folder" in output
    (tmp_path / "a.yaml").write_text(GOOD)
    status, output = run_cli("solve-many", tmp_path / "a.yaml", "-o", tmp_path / "out", "--ray-address", "auto")
    assert status == 2 and "--ray-address auto: it needs --executor ray" in output
    (tmp_path / "file").write_text("")
    status, output = run_cli("solve-many", tmp_path / "a.yaml", "-o", tmp_path / "file")
    assert status == 2 and "is a file" in output


def test_without_ray_the_ray_executor_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as if not installed
    (tmp_path / "a.yaml").write_text(GOOD)
    status, output = run_cli("solve-many", tmp_path / "a.yaml", "-o", tmp_path / "out", "--executor", "ray")
    assert status == 2
    assert "--executor ray needs Ray, which is not installed; install it with: pip install 'trainweek[ray]'" in output
    assert not (tmp_path / "out" / "a.ics").exists()


@contextlib.contextmanager
def callers_ray():
    """A local Ray (2 CPUs, this machine only) started as a caller would start it, shut down on the way out."""
    try:
        import ray
    except ImportError:
        ray = None
    need_program(ray is not None, "Ray is not installed (pip install 'trainweek[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", logging_level="WARNING", log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def test_ray_gives_what_the_process_pool_gives(solved_squad, tmp_path, monkeypatch):
    """Each plan a task on a local Ray (2 CPUs, this machine only), streamed back with ray.wait."""
    root, kinds, _, _ = solved_squad
    with callers_ray() as ray:
        results = by_name(solve_many([root / "plans"], BatchOptions(json=True, html=True), tmp_path / "out", executor="ray"))
        assert ray.is_initialized()  # a Ray the caller started is left running
    assert set(results) == set(kinds)
    assert {name for name, result in results.items() if result.outcome is Outcome.PROVEN} == {name for name, kind in kinds.items() if kind == "feasible"}
    others = [root / "plans" / f"{name}.yaml" for name, kind in kinds.items() if kind != "feasible"]
    for name, result in by_name(solve_many(others, outdir=tmp_path / "pool", jobs=2)).items():
        assert (results[name].outcome, results[name].message) == (result.outcome, result.message)
    for name in (name for name, kind in kinds.items() if kind == "feasible"):
        for suffix in (".ics", ".html"):
            assert (tmp_path / "out" / f"{name}{suffix}").read_bytes() == (root / "out" / f"{name}{suffix}").read_bytes(), name


def test_a_run_stopped_early_cancels_the_tasks_it_sent_to_ray(tmp_path):
    """A Ray the caller runs outlives the run, as a cluster does: stopping the run (Ctrl+C,
    or a caller that stops reading its results) cancels the tasks it sent, which would
    otherwise each go on to the end of a long solve, holding a CPU of the cluster."""
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "examples" / "masters.yaml", plans / "a-quick.yaml")
    shutil.copy(next((ROOT / "benchmarks" / "instances" / "huge").glob("huge-02-*.yaml")), plans / "b-long.yaml")
    with callers_ray() as ray:
        results = solve_many([plans], BatchOptions(solve=SolveOptions(time_limit=600)), tmp_path / "out", executor="ray")
        assert next(results).name == "a-quick"  # both run at once; the long one is still solving
        assert ray.available_resources().get("CPU", 0) < 2
        results.close()
        waited = 0.0
        while ray.available_resources().get("CPU", 0) < 2 and waited < 60:
            time.sleep(0.5)
            waited += 0.5
        assert ray.available_resources().get("CPU", 0) == 2, "the long solve's task still holds its CPU"
    assert not (tmp_path / "out" / "b-long.ics").exists()


def test_the_batch_benchmark_writes_its_table(tmp_path):
    """`python -m benchmarks.batch` in its smallest form: the figures are reported, never asserted."""
    pytest.importorskip("benchmarks.batch", reason="run from the repository root")
    from benchmarks.batch import main as benchmark

    assert benchmark(["--plans", "2", "--jobs", "1", "--repeat", "1", "--out", str(tmp_path / "batch.md")]) == 0
    report = (tmp_path / "batch.md").read_text()
    assert "| 2 | process | 1 |" in report and "Time limit 5 s per plan" in report
