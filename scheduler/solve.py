"""Solve a plan: build the CP-SAT model from the rule modules, solve it, check the answer."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES
from trainweek.scheduler.errors import NoWeekExists, OutOfTime
from trainweek.scheduler.frame import WeekFrame, resolve_week_start
from trainweek.scheduler.model import NoRoom, WeekModel
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.week import Week

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


class Infeasible(NoWeekExists):
    """No week satisfies the hard rules.

    `culprits` names the rules (or inputs) in conflict; `fixes` are single changes to the
    plan, each checked to give a week.
    """

    def __init__(self, message: str, culprits: list[str], fixes: list | None = None) -> None:
        super().__init__(message)
        self.culprits = culprits
        self.fixes = fixes or []


class RuleBroken(AssertionError):
    """The solver returned a week a checker rejects: a bug in a rule's model."""


class ModelRejected(RuntimeError):
    """CP-SAT refused the model (MODEL_INVALID, or any answer that is neither a week, nor
    a proof that none exists, nor running out of time): a bug in trainweek, not the plan."""


def build(plan: Plan, frame: WeekFrame, weights: dict[str, float]) -> WeekModel:
    m = WeekModel(plan, frame)
    for rule in HARD_RULES:
        rule.post(m)
    objective = 0
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
    if m.partitioned:
        parameters.linearization_level = 2
        parameters.cp_model_probing_level = 0
        if parameters.num_workers > 1:
            parameters.subsolvers.extend(["max_lp", "no_lp"])
            parameters.num_full_subsolvers = parameters.num_workers
    else:
        parameters.linearization_level = 0


def evaluate(week: Week) -> None:
    """Recompute each objective part in plain Python and check every hard rule."""
    week.parts = {rule.NAME: rule.penalty(week) for rule in SOFT_OBJECTIVES}
    problems = [f"{rule.NAME}: {problem}" for rule in HARD_RULES for problem in rule.check(week)]
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
    """
    plan, frame = frame_for(plan, options)
    weights = plan.effective_weights(dict(options.weights))
    try:
        m = build(plan, frame, weights)
    except NoRoom:
        from trainweek.scheduler.diagnose import diagnose

        raise diagnose(plan, frame) from None
    for index, moment in (near or {}).items():
        start = frame.minute_at(moment)
        if index in m.tick and start % plan.grid == 0:
            m.model.add_hint(m.tick[index], start // plan.grid)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    solver.parameters.max_time_in_seconds = options.time_limit
    _tune(solver.parameters, m)
    started = time.perf_counter()
    status = solver.solve(m.model, callback)
    elapsed = time.perf_counter() - started
    if status == cp_model.INFEASIBLE:
        from trainweek.scheduler.diagnose import diagnose

        raise diagnose(plan, frame)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        from ortools import __version__ as ortools_version

        problem = m.model.validate() or "no validation message"
        raise ModelRejected(
            f"CP-SAT (ortools {ortools_version}) answered {solver.status_name(status)}: {problem}. "
            "This is a bug in trainweek (or an ortools older than pyproject.toml allows); please report it with the plan file."
        )
    if status == cp_model.UNKNOWN:
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
