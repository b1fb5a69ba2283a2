"""Solve one instance on each seed of a job in this fresh process and print the measurements as JSON.

Run by the benchmark runner through `benchmarks.launch` (`python -m benchmarks.worker`
with a job on standard input), one process per instance and worker count, so its peak
resident memory is that of real solves and not of anything that ran before or of the
process that started it.

Each solve is timed in wall seconds and in CP-SAT deterministic time (a count of work
that does not grow when other programs share the cores), read from the `CpSolver` that
`scheduler.solve.solve` makes: this process swaps `cp_model.CpSolver` for a subclass that
remembers its instances, and sets the solve's budget of work.
"""

from __future__ import annotations

import contextlib
import json
import math
import resource
import sys
import time
from pathlib import Path

from ortools.sat.python import cp_model

from trainweek.scheduler.errors import OutOfTime
from trainweek.scheduler import interrupt
from trainweek.scheduler import solve as solve_module
from trainweek.scheduler.loading import parse_plan
from trainweek.scheduler.model import NoRoom
from trainweek.scheduler.solve import Infeasible, SolveOptions, build, frame_for, solve


class FirstSolution(cp_model.CpSolverSolutionCallback):
    """Remembers the wall time since `started` (the `solve` call's start, a time.perf_counter()
    reading) and the solver's deterministic time at the first solution."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.first: float | None = None
        self.first_det: float | None = None
        self.solutions = 0

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started
            self.first_det = self.deterministic_time
        self.solutions += 1


@contextlib.contextmanager
def watched_solvers(det_limit: float | None, time_limit: float):
    """Every `cp_model.CpSolver` made inside, in order, each with the `work` of all its
    searches. The budget of work a one-worker solve
    gets (`scheduler.solve.WORK_PER_SECOND`) becomes `det_limit` for the whole solve, or with
    None is lifted, so the wall limit alone stops the search and the benchmark times it up
    to the limit it names. The short searches with budgets of their own (session pairs
    before a big week's search, completing a hint) keep them; `solve` takes their work out
    of the search's budget, and `one_run` counts it."""
    made: list[cp_model.CpSolver] = []
    original, search_apart = cp_model.CpSolver, interrupt.search_apart

    class Watched(original):
        """A solver that adds up the work of every search it runs (`work`): `solve` searches
        one solver again after its first search (a fallback, the search after the union's
        turns), and `deterministic_time` holds the last search's only."""

        def __init__(self) -> None:
            super().__init__()
            self.work = 0.0
            made.append(self)

        def solve(self, *args, **kwargs):
            try:
                return super().solve(*args, **kwargs)
            finally:
                self.work += self.deterministic_time

    def apart(solver, *args, **kwargs):
        """The floors search in a child process (`interrupt.search_apart`), where the solver's
        own count stays: the work comes back in the outcome (where forking is used)."""
        outcome = search_apart(solver, *args, **kwargs)
        if interrupt.APART and isinstance(solver, Watched):
            solver.work += outcome.work
        return outcome

    cp_model.CpSolver, interrupt.search_apart = Watched, apart
    saved = solve_module.WORK_PER_SECOND
    solve_module.WORK_PER_SECOND = math.inf if det_limit is None else det_limit / time_limit
    try:
        yield made
    finally:
        cp_model.CpSolver, interrupt.search_apart = original, search_apart
        solve_module.WORK_PER_SECOND = saved


def peak_mib() -> float:
    """This process's peak resident memory (`ru_maxrss`, which may include its parent's)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def high_water_mib() -> float | None:
    """Peak resident memory of this program since it started (`VmHWM`, Linux), never a parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def one_run(plan, options: SolveOptions, det_limit: float | None = None) -> dict:
    """One solve, timed from the call to `solve` to its return: building the model, the
    floors and checking the week are waited for as much as the searches are. The week's own
    `solve_seconds`, which leaves building out, is kept beside it."""
    with watched_solvers(det_limit, options.time_limit) as made:
        week, result = None, None
        started = time.perf_counter()
        callback = FirstSolution(started)
        try:
            week = solve(plan, options, callback)
        except Infeasible:
            result = {"status": "INFEASIBLE"}
        except OutOfTime:
            pass
        seconds = time.perf_counter() - started
        if result is None and (week is None or week.first_fit):  # greedy's week comes when the search found none
            result = {"status": "TIMEOUT", "first": callback.first}
        elif result is None:
            result = {
                "status": week.status,
                "solve_seconds": week.solve_seconds,
                "first": callback.first,
                "solutions": callback.solutions,
                "objective": week.objective,
                "bound": week.bound,
            }
    if not made:
        raise RuntimeError("scheduler.solve.solve made no cp_model.CpSolver that the benchmark could see")
    # Every search of the solve counts (session pairs first, a hint's completion, the search,
    # a fallback); diagnosing an infeasible plan makes more solvers, which do not.
    searches = made[:1] if result["status"] == "INFEASIBLE" else made
    result["seconds"] = seconds
    result["det"] = sum(solver.work for solver in searches)
    result["first_det"] = callback.first_det
    return result


def model_size(plan, options: SolveOptions) -> dict:
    plan, frame = frame_for(plan, options)
    try:
        proto = build(plan, frame, plan.effective_weights(dict(options.weights))).model.Proto()
    except NoRoom:
        return {"variables": 0, "constraints": 0}
    return {"variables": len(proto.variables), "constraints": len(proto.constraints)}


def run(job: dict) -> dict:
    plan = parse_plan(job["text"], job.get("name", "instance"))
    baseline = high_water_mib()
    runs = []
    for seed in job["seeds"]:
        options = SolveOptions(workers=job["workers"], seed=seed, time_limit=job["time_limit"], grid=job.get("grid"))
        for _ in range(job["runs"]):
            result = one_run(plan, options, job.get("det_limit"))
            result["seed"] = seed
            runs.append(result)
            if result["status"] != "OPTIMAL" or result["seconds"] >= job.get("repeat_under", float("inf")):
                break  # the same seed repeats a timeout, and a long solve's noise is small: do not spend it again
    return {
        "runs": runs,
        "size": model_size(plan, SolveOptions(workers=job["workers"], time_limit=job["time_limit"], grid=job.get("grid"))),
        "high_water_mib": high_water_mib(),
        "baseline_mib": baseline,
        "rusage_self_mib": peak_mib(),
    }


def main() -> None:
    print(json.dumps(run(json.load(sys.stdin))))


if __name__ == "__main__":
    main()
