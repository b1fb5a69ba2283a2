"""Ctrl+C: it stops a search at once, the command ends with 130 and writes nothing, and
Python keeps its handler after any search (scheduler/interrupt.py).

Each case runs in its own process and sends it a real SIGINT: a handler left at the
system's default would kill the test run itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import ROOT

# 30 sessions on session pairs: its search never proves, so it runs to its time limit.
NEVER_PROVEN = next((ROOT / "benchmarks" / "instances" / "huge").glob("huge-02-*.yaml"))


def _run(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_ctrl_c_in_a_search_ends_the_command_with_130_and_writes_no_file(tmp_path):
    # The first search sends the process SIGINT half a second after it begins, as a
    # person pressing Ctrl+C would; the time limit is ten minutes.
    output = tmp_path / "week.ics"
    done = _run(
        """
        import os, signal, sys, threading, time
        from trainweek.scheduler import cli, interrupt, solve

        def pressed_during(solver, model, callback=None):
            threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
            solve.search = interrupt.search
            global pressed
            pressed = time.monotonic()
            return interrupt.search(solver, model, callback)

        solve.search = pressed_during
        try:
            cli.main(["solve", sys.argv[1], "--time-limit", "600", "-o", sys.argv[2]])
        except SystemExit as exit:
            print("exit", exit.code, "after", round(time.monotonic() - pressed - 0.5))
        """,
        str(NEVER_PROVEN),
        str(output),
    )
    assert done.stdout.split()[:2] == ["exit", "130"], done.stdout + done.stderr
    assert int(done.stdout.split()[3]) < 60, done.stdout  # stopped, not run to its 600 s
    assert "Interrupted (Ctrl+C)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not output.exists() and list(tmp_path.iterdir()) == []


def test_after_a_search_on_either_thread_ctrl_c_still_raises_keyboard_interrupt():
    # CP-SAT's own handling of SIGINT puts the system's default back when a search ends,
    # which kills the process at the next Ctrl+C instead of raising KeyboardInterrupt.
    done = _run(
        """
        import os, signal, threading, time
        from trainweek.scheduler.loading import parse_plan
        from trainweek.scheduler.solve import SolveOptions, solve
        from tests.conftest import EXAMPLES

        plan = parse_plan(EXAMPLES[0].read_text(), EXAMPLES[0].name)
        solve(plan, SolveOptions())
        beside = threading.Thread(target=solve, args=(plan, SolveOptions()))
        beside.start()
        beside.join()
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
            print("no KeyboardInterrupt")
        except KeyboardInterrupt:
            print("KeyboardInterrupt")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "KeyboardInterrupt"


def test_a_search_stopped_by_ctrl_c_in_the_library_raises_keyboard_interrupt():
    # Not a week cut short as if by the time limit: the caller asked to stop.
    done = _run(
        """
        import os, signal, sys, time
        from ortools.sat.python import cp_model
        from trainweek.scheduler.loading import parse_plan
        from trainweek.scheduler.solve import SolveOptions, solve

        class PressOnFirstWeek(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self):
                os.kill(os.getpid(), signal.SIGINT)

        plan = parse_plan(open(sys.argv[1]).read(), sys.argv[1])
        started = time.monotonic()
        try:
            solve(plan, SolveOptions(time_limit=600), callback=PressOnFirstWeek())
            print("returned a week")
        except KeyboardInterrupt:
            print("KeyboardInterrupt after", round(time.monotonic() - started))
        """,
        str(NEVER_PROVEN),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "KeyboardInterrupt", done.stdout
    assert int(done.stdout.split()[2]) < 120, done.stdout


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_ctrl_c_in_solve_many_ends_its_workers_and_the_command_with_130(tmp_path):
    # A terminal sends Ctrl+C to the whole process group: the command and its workers.
    # Without ending them, each worker went on to the job queued for it, a whole solve.
    plans = sorted((ROOT / "benchmarks" / "instances" / "huge").glob("huge-*.yaml"))
    running = subprocess.Popen(
        [sys.executable, "-m", "trainweek.scheduler.cli", "solve-many", *map(str, plans), "-o", str(tmp_path / "out"), "--jobs", "2", "--time-limit", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=tmp_path,
    )
    try:
        waited = 0.0
        while len(_children(running.pid)) < 2 and waited < 120:
            time.sleep(0.2)
            waited += 0.2
        time.sleep(3)  # the workers have imported the solver and are solving
        os.killpg(running.pid, signal.SIGINT)
        pressed = time.monotonic()
        _, errors = running.communicate(timeout=120)
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)
    assert running.returncode == 130, errors
    assert time.monotonic() - pressed < 60  # not each queued plan's 600 s
    assert "Interrupted (Ctrl+C)" in errors and "Traceback" not in errors
    assert not list((tmp_path / "out").glob("*.ics"))


def test_ctrl_c_while_a_solve_waits_for_the_model_built_beside_stops_the_build():
    # The search on pairs has ended without a proof and the solve waits for the patterns'
    # model; a build that only its stop ends stands for a long one.
    done = _run(
        """
        import os, signal, threading, time
        from trainweek.scheduler import solve
        from trainweek.scheduler.model import BuildStopped

        def endless_build(*args, stop, **settings):
            while not stop.is_set():
                time.sleep(0.01)
            raise BuildStopped

        solve.build = endless_build
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            with solve._built_beside(None, None, {}) as (beside, stop):
                pass
        except KeyboardInterrupt:
            print("KeyboardInterrupt, build stopped:", stop.is_set())
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "KeyboardInterrupt, build stopped: True"


def test_ctrl_c_while_a_solve_waits_for_the_floor_made_beside_stops_it():
    # The search on pairs has ended and the solve waits for the week's reported floor; a
    # floor that only the model's stop ends stands for a long one (huge-02: seconds).
    done = _run(
        """
        import os, signal, threading, time, types
        from trainweek.constraints import SOFT_OBJECTIVES
        from trainweek.scheduler import solve
        from trainweek.scheduler.model import BuildStopped

        def endless_floor(m, scaled):
            while not m.stop.is_set():
                time.sleep(0.01)
            raise BuildStopped

        solve._floor_is_reported = lambda m: True
        solve._set_floor = endless_floor
        week_model = types.SimpleNamespace(stop=threading.Event())
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            with solve._reported_floor_beside(week_model, {rule.NAME: 1 for rule in SOFT_OBJECTIVES}):
                pass
        except KeyboardInterrupt:
            print("KeyboardInterrupt, floor stopped:", week_model.stop.is_set())
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "KeyboardInterrupt, floor stopped: True"
