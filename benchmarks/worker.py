"""Solve one instance several times in this fresh process and print the measurements as JSON.

Run by the benchmark runner as `python -m benchmarks.worker` with a job on standard
input, one process per instance and worker count, so the peak resident memory it reports
(`ru_maxrss`) is that of real solves and not of anything that ran before.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from ortools.sat.python import cp_model

from trainweek.scheduler.loading import parse_plan
from trainweek.scheduler.errors import OutOfTime
from trainweek.scheduler.model import NoRoom
from trainweek.scheduler.solve import Infeasible, SolveOptions, build, frame_for, solve


class FirstSolution(cp_model.CpSolverSolutionCallback):
    """Remembers the solver's wall time at its first solution."""

    def __init__(self) -> None:
        super().__init__()
        self.first: float | None = None
        self.solutions = 0

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = self.wall_time
        self.solutions += 1


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def one_run(plan, options: SolveOptions) -> dict:
    callback = FirstSolution()
    started = time.perf_counter()
    try:
        week = solve(plan, options, callback)
    except Infeasible:
        return {"status": "INFEASIBLE", "seconds": time.perf_counter() - started}
    except OutOfTime:
        return {"status": "TIMEOUT", "seconds": time.perf_counter() - started, "first": callback.first}
    return {
        "status": week.status,
        "seconds": week.solve_seconds,
        "first": callback.first,
        "solutions": callback.solutions,
        "objective": week.objective,
        "bound": week.bound,
    }


def model_size(plan, options: SolveOptions) -> dict:
    plan, frame = frame_for(plan, options)
    try:
        proto = build(plan, frame, plan.effective_weights(dict(options.weights))).model.Proto()
    except NoRoom:
        return {"variables": 0, "constraints": 0}
    return {"variables": len(proto.variables), "constraints": len(proto.constraints)}


def run(job: dict) -> dict:
    plan = parse_plan(job["text"], job.get("name", "instance"))
    options = SolveOptions(workers=job["workers"], seed=job["seed"], time_limit=job["time_limit"], grid=job.get("grid"))
    baseline = peak_mb()
    runs = []
    for _ in range(job["runs"]):
        result = one_run(plan, options)
        runs.append(result)
        if result["status"] != "OPTIMAL" or result["seconds"] >= job.get("repeat_under", float("inf")):
            break  # a timeout repeats, and a long solve's noise is small: do not spend it again
    return {"runs": runs, "size": model_size(plan, options), "peak_mb": peak_mb(), "baseline_mb": baseline}


def main() -> None:
    print(json.dumps(run(json.load(sys.stdin))))


if __name__ == "__main__":
    main()
