"""Solve a plan: build the CP-SAT model from the rule modules, solve it, check the answer.

When no week exists, `solve` raises the diagnosis (`scheduler.diagnose`, which never
imports this module) within the same time limit.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES, broken_rules, penalties
from trainweek.scheduler.diagnose import Infeasible, diagnose
from trainweek.scheduler.errors import OutOfTime
from trainweek.scheduler.frame import WeekFrame, resolve_week_start
from trainweek.scheduler.model import NoRoom, WeekModel
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.week import Week

__all__ = ["Infeasible", "RuleBroken", "SolveOptions", "build", "evaluate", "frame_for", "solve"]

# Weights take two decimals; the solver sees them times 100 as integers.
WEIGHT_SCALE = 100


@dataclass(frozen=True)
class SolveOptions:
    workers: int = 1
    seed: int = 0
    time_limit: float = 60.0
    week_start: dt.date | None = None
    grid: int | None = None
    weights: tuple[tuple[str, float], ...] = ()


class RuleBroken(AssertionError):
    """The solver returned a week a checker rejects: a bug in a rule's model."""


def build(plan: Plan, frame: WeekFrame, weights: dict[str, float]) -> WeekModel:
    m = WeekModel(plan, frame)
    for rule in HARD_RULES:
        rule.post(m)
    objective: cp_model.LinearExpr | int = 0
    for objective_rule in SOFT_OBJECTIVES:
        scaled = round(weights[objective_rule.NAME] * WEIGHT_SCALE)
        if scaled:
            objective += scaled * objective_rule.post(m)
    m.model.minimize(objective)
    _break_symmetry(m)
    return m


def _break_symmetry(m: WeekModel) -> None:
    """Repeats of one session are interchangeable: keep them in time order."""
    for earlier, later in zip(m.items, m.items[1:]):
        if earlier.spec_index == later.spec_index:
            m.model.add(m.start(earlier.index) + earlier.spec.duration <= m.start(later.index))


def _tune(parameters, m: WeekModel) -> None:
    """Search settings for the model's form (measurements in docs/model.md).

    Small weeks prove fastest without the LP relaxation (the fatigue bound is carried by a
    variable). Weeks on day patterns need the full LP, whose set-partition relaxation is
    what proves them; probing the thousands of pattern booleans in presolve costs more than
    it gains. With several workers, CP-SAT's default portfolio spends them on neighbourhood
    search whose bound never moves, so one worker runs the full LP (the bound) and the
    other a search without LP (quick weeks).
    """
    if m.uses_day_patterns:
        parameters.linearization_level = 2
        parameters.cp_model_probing_level = 0
        if parameters.num_workers > 1:
            parameters.subsolvers.extend(["max_lp", "no_lp"])
            parameters.num_full_subsolvers = parameters.num_workers
    else:
        parameters.linearization_level = 0


def evaluate(week: Week) -> None:
    """Set the week's raw penalties, recomputed in plain Python, and raise RuleBroken if a hard rule's checker rejects it."""
    week.parts = penalties(week)
    problems = broken_rules(week)
    if problems:
        raise RuleBroken("; ".join(problems))


def frame_for(plan: Plan, options: SolveOptions) -> tuple[Plan, WeekFrame]:
    if options.grid is not None:
        plan = plan.model_copy(update={"grid": options.grid})
    return plan, WeekFrame(plan, resolve_week_start(plan, options.week_start))


def solve(
    plan: Plan,
    options: SolveOptions = SolveOptions(),
    callback: cp_model.CpSolverSolutionCallback | None = None,
    near: dict[int, dt.datetime] | None = None,
) -> Week:
    """The best week; `callback` sees each improving solution (the benchmarks time the first).

    `near` maps sessions (occurrence index) to starts to begin the search from, a hint:
    where several weeks score the same, the solver then tends to keep sessions there.

    The time limit is for all of it, building, solving and, when no week exists, the
    diagnosis (raised as Infeasible).
    """
    deadline = time.monotonic() + options.time_limit
    plan, frame = frame_for(plan, options)
    weights = plan.effective_weights(dict(options.weights))
    try:
        m = build(plan, frame, weights)
    except NoRoom:
        raise diagnose(plan, frame, deadline) from None
    for index, moment in (near or {}).items():
        start = frame.minute_at(moment)
        if index in m.start_step and start % plan.grid == 0:
            m.model.add_hint(m.start_step[index], start // plan.grid)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    solver.parameters.max_time_in_seconds = max(0.0, deadline - time.monotonic())
    _tune(solver.parameters, m)
    started = time.perf_counter()
    status = solver.solve(m.model, callback)
    elapsed = time.perf_counter() - started
    if status == cp_model.INFEASIBLE:
        raise diagnose(plan, frame, deadline)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise OutOfTime(f"no week found within {options.time_limit:g} s; raise --time-limit")
    starts = {item.index: solver.value(m.start(item.index)) for item in plan.occurrences}
    week = Week.from_starts(plan, frame, starts, weights)
    week.status = solver.status_name(status)
    week.bound = solver.best_objective_bound / WEIGHT_SCALE
    week.solve_seconds = elapsed
    evaluate(week)
    week.objective = round(sum(week.weighted_parts().values()), 2)
    if status == cp_model.OPTIMAL and abs(week.objective - solver.objective_value / WEIGHT_SCALE) > 1e-6:
        raise RuleBroken(f"objective parts add up to {week.objective}, solver proved {solver.objective_value / WEIGHT_SCALE}")
    return week
