"""Solve a plan: build the CP-SAT model from the rule modules, solve it, check the answer.

When no week exists, `solve` raises the diagnosis (`scheduler.diagnose`, which never
imports this module) within the same time limit.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import functools
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Annotated, Any, NamedTuple, Optional

from ortools.sat.python import cp_model
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES
from trainweek.scheduler.checking import RuleBroken, finished_week
from trainweek.scheduler.day_moves import cheaper_by_days
from trainweek.scheduler.day_floor import OutsideUnion, Pattern, day_floor, whole_floor
from trainweek.scheduler.errors import BadOption, OutOfTime
from trainweek.scheduler.frame import WeekFrame, resolve_week_start
from trainweek.scheduler.interrupt import search
from trainweek.scheduler import model as week_model
from trainweek.scheduler.model import NoRoom, WeekModel, hint_solution
from trainweek.scheduler.plan import Plan, WeekStart, parse_grid, weight_name, weight_value
from trainweek.scheduler.week import Week

__all__ = ["Infeasible", "RuleBroken", "SolveOptions", "build", "frame_for", "solve"]


def diagnose(plan: Plan, frame: WeekFrame, deadline: float | None = None):
    """Why no week exists (`scheduler.diagnose`, loaded only when that happens)."""
    from trainweek.scheduler.diagnose import diagnose as diagnosis

    return diagnosis(plan, frame, deadline)


def __getattr__(name: str):
    if name == "Infeasible":  # the diagnosis' error, imported from here as before
        from trainweek.scheduler.diagnose import Infeasible

        return Infeasible
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Weights take two decimals; the solver sees them times 100 as integers.
WEIGHT_SCALE = 100

# From this many sessions the search takes turns with large neighbourhood search (`_tune`).
LNS_FROM = 21
# Work for completing the starts of an earlier week before the search (`_start_near`).
NEAR_WORK = 1.0
# Work for a week on session pairs (`search_on_pairs`): before the search of a big week on day
# patterns, or when that search found none.
PAIRS_WORK = 2.0
# From this many sessions that search on pairs takes PAIRS_LEAD_SHARE of the time limit
# and its work (at least PAIRS_WORK), and the patterns' search the rest: from 25 sessions
# the patterns' search rarely proves a week, and the pairs' search finds better weeks in
# the same work (at 5 det s, 9 huge weeks by 3 seeds: 25 of 27 runs cheaper, two as cheap;
# docs/model.md).
PAIRS_LEAD_FROM = 25
PAIRS_LEAD_SHARE = 0.7
# After it, the pairs' week is moved two or three days at a time (`day_moves`) for at most
# MOVES_SHARE of the limit's work, and the patterns' search gets what the moves leave
# (docs/model.md, twentieth round). A big week on pairs keeps that share of its one search
# for moves of up to four days (`_leave_room_for_moves`).
MOVES_SHARE = 0.3
# From this many sessions a week on day patterns gets the day floor (`build`); on session
# pairs it comes from LNS_FROM, where listing its day sets is worth the seconds.
FLOOR_FROM = 16
# The floor on whole patterns (`day_floor.whole_floor`, which also sees repeated sessions'
# spread of start times), once a week is known and the dearer patterns are ruled out, where
# at most WHOLE_FLOOR_PATTERNS are left: CP-SAT settles it in 0.1-2.9 det s at 390-1,580
# patterns and not within 4 at 2,600 or more (docs/model.md). At most WHOLE_FLOOR_WORK, and
# WHOLE_FLOOR_SHARE of a one-worker solve's budget, so a short limit still searches.
WHOLE_FLOOR_PATTERNS = 2_000
WHOLE_FLOOR_WORK = 4.0
WHOLE_FLOOR_SHARE = 0.3
# Where the whole floor leaves a week unproven, the same with each span's sessions placed
# exactly (`day_floor.whole_floor(in_spans=True)`) gets at most this much of what is left of
# its work: large-05 is proven by it in 0.19 det s; where it finds nothing (large-04) it is lost.
SPANS_FLOOR_WORK = 0.5
# A week on day patterns whose search starts from no week the floors made (dense weeks:
# 16-20 sessions; with `near`, a re-solve of one from its earlier calendar, too, so it is
# proven as the first solve was) gets no floor beyond the LP's before it. Its one-worker search gets
# UNION_SEARCH_WORK, which proves the dense weeks that can be (0.6-1.0 det s); where it ends
# unproven, the rest of the budget goes to the best week over a union of the spans' floor's
# cheapest choices of days (`_best_over_union`): dense-02, open at 123.2 against the LP's
# 110 after the whole 15 det s of a 60 s search, is found in about 1.5 det s that way and
# proven in about 10 (docs/model.md, sixteenth round). A week the search proves never pays
# for it; with more than one worker there is no budget of work to share, and no such step.
UNION_SEARCH_WORK = 2.0
# Rounds of the floor outside the union between two searches of the week over it (and a
# search after the first round, and after each round that follows one that found a cheaper
# week: the short search's week is often far dearer than the union's, dense-02's 217.4
# against 124.2, and every cheaper week takes the patterns only dearer weeks hold out of the
# floor's later rounds), and the most work kept for the last search of the union (dense-02's:
# 0.86 det s).
UNION_ROUNDS = 10
UNION_LAST_WORK = 1.0
# The union's floor is made where at most this many patterns are left, more than the whole
# floor's WHOLE_FLOOR_PATTERNS: on 34 drawn dense weeks (up to 4,244 patterns left) its rounds
# answered within their cap, and the 5 weeks between 2,000 and 4,244 got cheaper weeks or
# higher bounds than the search alone (docs/model.md, seventeenth round).
UNION_PATTERNS = 5_000
# Work the union's turns leave, from this much, goes to the search of the whole week (`_search_on`).
SEARCH_ON_FROM = 0.1
# From this many sessions a week on session pairs gets three presolve passes, every other
# week one (`_tune`).
FULL_PRESOLVE_FROM = 21
# With one worker the search also stops after this much CP-SAT deterministic time per
# second of the time limit, so a week not proven in time is the same on every run and
# machine: one worker did 0.39-1.5 deterministic seconds of work per wall second on the
# benchmark weeks (docs/performance.md), so this budget ends before the wall clock unless
# the machine is more than about 1.5x slower than that.
WORK_PER_SECOND = 0.25


# CP-SAT's random_seed is a 32-bit signed integer.
SEED_RANGE = (-(2**31), 2**31 - 1)


def _seed(value: int) -> int:
    if not SEED_RANGE[0] <= value <= SEED_RANGE[1]:
        raise ValueError(f"{value} is out of range; a seed is a whole number from {SEED_RANGE[0]} to {SEED_RANGE[1]}")
    return value


def _workers(value: int) -> int:
    if not 1 <= value <= 64:
        raise ValueError(f"{value} is out of range; use 1 to 64 workers (1 is deterministic)")
    return value


def _time_limit(value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{value:g} is not a time limit; give seconds above 0, e.g. 60")
    return value


def _weight_setting(value: object) -> tuple[str, float]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError("each weight is a (name, number) pair, e.g. ('hard_easy', 5)")
    name, number = value
    return weight_name(str(name)), weight_value(number)


class SolveOptions(BaseModel):
    """How to solve: the week, the grid, weight overrides and the search settings.

    Checked with the plan's own rules (a Monday week_start, the grid, the one weight
    rule), so the command line, the library and any other front end share one
    validation; a wrong value raises `BadOption` naming the option.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    workers: Annotated[int, AfterValidator(_workers)] = 1
    seed: Annotated[int, AfterValidator(_seed)] = 0
    time_limit: Annotated[float, AfterValidator(_time_limit)] = 60.0
    week_start: Optional[WeekStart] = None
    grid: Optional[Annotated[int, BeforeValidator(parse_grid)]] = None
    weights: Annotated[
        tuple[Annotated[tuple[str, float], BeforeValidator(_weight_setting)], ...],
        BeforeValidator(lambda value: tuple(value.items()) if isinstance(value, dict) else value),
    ] = ()

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise _bad_option(error, values) from None

    def with_weights(self, setting: dict[str, float]) -> "SolveOptions":
        """These options with more weight overrides (later ones win), checked again."""
        return SolveOptions(**{**dict(self), "weights": self.weights + tuple(setting.items())})


_OPTION_WORDS = {
    "int_parsing": "is not a whole number",
    "int_type": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_parsing": "is not a number",
    "float_type": "is not a number",
    "finite_number": "is not a number of seconds above 0",
    "tuple_type": "must be (name, number) pairs",
    "extra_forbidden": "is not a solve option",
}


def _bad_option(error: ValidationError, values: dict[str, Any]) -> BadOption:
    first = error.errors()[0]
    option = str(first["loc"][0]) if first["loc"] else "options"
    value = values.get(option)
    if isinstance(value, dict):
        value = tuple(value.items())
    if option == "weights" and len(first["loc"]) > 1 and isinstance(value, (tuple, list)):
        value = value[first["loc"][1]]
        if isinstance(value, (tuple, list)) and len(value) == 2:
            value = f"{value[0]}={value[1]}"
    if first["type"] in _OPTION_WORDS:
        reason = f"{value!r} {_OPTION_WORDS[first['type']]}" if first["type"] != "extra_forbidden" else _OPTION_WORDS[first["type"]]
    else:
        reason = first["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    return BadOption(option, value, reason)


class ModelRejected(RuntimeError):
    """CP-SAT refused the model (MODEL_INVALID, or any answer that is neither a week, nor
    a proof that none exists, nor running out of time): a bug in trainweek, not the plan."""


def scaled_weights(weights: dict[str, float]) -> dict[str, int]:
    """Each objective's weight as the solver counts it (in 1/WEIGHT_SCALE)."""
    return {rule.NAME: round(weights[rule.NAME] * WEIGHT_SCALE) for rule in SOFT_OBJECTIVES}


def build(
    plan: Plan,
    frame: WeekFrame,
    weights: dict[str, float],
    pairs_only: bool = False,
    reported_floor: bool = True,
    stop: threading.Event | None = None,
) -> WeekModel:
    """The week's model: every hard rule, the weighted objectives and the day floor
    (`m.floor`): on day patterns from FLOOR_FROM sessions, posted as the objective's least
    value; on session pairs from LNS_FROM, only reported as the bound: posted there (as the
    objective's domain; a row does not move a bound without the LP) it changed the search,
    and of six weeks of 29-30 sessions two ended worse (huge-02 95.5 -> 142.3 at 5 det s).
    Below FLOOR_FROM proofs take a tenth of a second and the posted floor made two of ten
    weeks of 11-14 sessions slower, none faster by much (docs/model.md).
    `pairs_only` keeps same-day costs on session pairs whatever the size, without the floor;
    without `reported_floor` the floor that is only reported is left to the caller
    (`_reported_floor_beside`). Once `stop` is set (from another thread) it raises
    BuildStopped (`_built_beside`).
    """
    m = WeekModel(plan, frame, pairs_only=pairs_only, stop=stop)
    for rule in HARD_RULES:
        m.keep_going()
        rule.post(m)
    objective: cp_model.LinearExpr | int = 0
    scaled = scaled_weights(weights)
    for objective_rule in SOFT_OBJECTIVES:
        if scaled[objective_rule.NAME]:
            objective += scaled[objective_rule.NAME] * objective_rule.post(m)
    m.model.minimize(objective)
    m.objective = objective
    if _floor_is_posted(m) or (reported_floor and _floor_is_reported(m)):
        _set_floor(m, scaled)
    _break_symmetry(m)
    return m


def _floor_is_posted(m: WeekModel) -> bool:
    return m.uses_day_patterns and len(m.items) >= FLOOR_FROM


def _floor_is_reported(m: WeekModel) -> bool:
    return not m.pairs_only and not m.uses_day_patterns and len(m.items) >= LNS_FROM


def _set_floor(m: WeekModel, scaled: dict[str, int]) -> None:
    m.day_floor = day_floor(m, scaled)
    m.floor = m.day_floor.bound if m.day_floor else 0
    if m.floor and m.uses_day_patterns:
        m.model.add(m.objective >= m.floor)


@contextlib.contextmanager
def _beside(name: str, stop: threading.Event, work: Callable[[], Any]) -> Iterator[concurrent.futures.Future]:
    """`work` on a second thread while the caller goes on (CP-SAT releases the GIL while it
    searches), waited for on the way out; where the caller raises (Ctrl+C) it is stopped
    through `stop` instead (its long loops call `WeekModel.keep_going`)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) as pool:
        running = pool.submit(work)
        try:
            yield running
            concurrent.futures.wait([running])  # where Ctrl+C comes while the caller waits for it
        except BaseException:
            stop.set()
            raise


@contextlib.contextmanager
def _built_beside(
    plan: Plan, frame: WeekFrame, weights: dict[str, float]
) -> Iterator[tuple[concurrent.futures.Future, threading.Event]]:
    """The patterns' model of a week, built on a second thread while the caller searches on
    session pairs on one worker, and the event that stops the build where that search
    proves the week: the patterns' search then gets the time the build took (large-04:
    about a sixth of its solve; docs/model.md)."""
    stop = threading.Event()
    with _beside("trainweek-build", stop, functools.partial(build, plan, frame, weights, reported_floor=False, stop=stop)) as built:
        yield built, stop


@contextlib.contextmanager
def _reported_floor_beside(m: WeekModel, weights: dict[str, float]) -> Iterator[None]:
    """The floor of a week on session pairs, which the search never sees, made on another
    thread while CP-SAT searches, and set on `m` on the way out.

    Why: listing huge-02's 37,066 day sets and costing them takes about 5 s of a 20 s
    limit on the benchmark machine, in which one worker left the other core idle and the
    search waited. The floor and the week are the same as made one after the other: until
    the search ends nothing reads the floor of a week on pairs (`_narrow_to_cheaper_weeks`
    returns at once there)."""
    if not _floor_is_reported(m):
        yield
        return
    with _beside("trainweek-floor", m.stop, functools.partial(_set_floor, m, scaled_weights(weights))) as made:
        yield
    made.result()


def _break_symmetry(m: WeekModel) -> None:
    """Repeats of one session are interchangeable: keep them in time order."""
    for earlier, later in zip(m.items, m.items[1:]):
        settled = any(item.fixed_at is not None or item.planned_at is not None for item in (earlier, later))
        if earlier.spec_index == later.spec_index and not settled:
            m.model.add(m.start(earlier.index) + earlier.spec.duration <= m.start(later.index))


def configured_solver(m: WeekModel, options: SolveOptions, deadline: float) -> cp_model.CpSolver:
    """A CP-SAT solver with the options' workers and seed, the time left until `deadline`
    (a time.monotonic() instant) and the search settings for the model's form.

    One worker is deterministic: it also stops at a budget of work (WORK_PER_SECOND), so
    a week it cannot prove within the limit does not depend on how busy the machine is.
    """
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    solver.parameters.max_time_in_seconds = max(0.0, deadline - time.monotonic())
    if options.workers == 1:
        solver.parameters.max_deterministic_time = options.time_limit * WORK_PER_SECOND
    _tune(solver.parameters, m)
    return solver


def _tune(parameters, m: WeekModel) -> None:
    """Search settings for the model's form and size (measurements in docs/model.md).

    Small weeks prove fastest without the LP relaxation. Weeks on day patterns need the
    LP, whose set-partition relaxation is what proves them; probing the thousands of
    pattern booleans in presolve costs more than it gains. Below LNS_FROM sessions that LP
    holds the linear rows only (level 1) and makes no Chvatal-Gomory or MIR cuts, which on
    0/1 pattern rows cost more than they cut: 11 dense weeks proved in half the work, none
    left open. Weeks under PATTERNS_FROM sessions are solved by one worker whatever was
    asked: they take milliseconds, and the default portfolio was 2-9x slower with two
    (issue 21). Presolve makes one pass instead of three except on weeks of
    FULL_PRESOLVE_FROM sessions or more on session pairs: the later passes found little,
    made small and medium weeks 30-45% slower and (with the level-1 LP) dense weeks 17%,
    and on big pattern weeks each repeated a 0.6 det s search for overlapping at-most-one
    and linear rows that found nothing new (18 big weeks: all ten proofs and all first
    weeks sooner; the one big pair-form week measured was worse with one pass).

    Up to LNS_FROM - 1 sessions one worker runs one search (the LP on patterns, none on
    pairs), which proves most such weeks; two run it beside the other form's search. From
    LNS_FROM sessions proofs are rare within a minute and the week found matters most, so
    the search is interleaved with large neighbourhood search (one worker takes turns,
    deterministically; of two, one keeps the search and the other runs the neighbourhoods),
    which found weeks 2-7x cheaper in the same 20 s.
    """
    if len(m.items) < FULL_PRESOLVE_FROM or m.uses_day_patterns:
        parameters.max_presolve_iterations = 1
    big = len(m.items) >= LNS_FROM
    searches = ["max_lp", "no_lp"] if m.uses_day_patterns else ["no_lp", "quick_restart_no_lp"]
    if m.uses_day_patterns:
        parameters.cp_model_probing_level = 0
        if big:
            parameters.linearization_level = 2
        else:
            parameters.linearization_level = 1
            parameters.add_cg_cuts = parameters.add_mir_cuts = False
    else:
        parameters.linearization_level = 0
        if len(m.items) < week_model.PATTERNS_FROM:
            parameters.num_workers = 1  # proven in milliseconds: a second worker only adds its start-up
            return
    if parameters.num_workers == 1:
        if big:
            parameters.interleave_search = True
            parameters.subsolvers.extend(searches)
        return
    if big:
        parameters.subsolvers.append(searches[0])
        parameters.num_full_subsolvers = 1  # the other workers run the neighbourhoods
    else:
        parameters.subsolvers.extend(searches)
        parameters.num_full_subsolvers = parameters.num_workers


def frame_for(plan: Plan, options: SolveOptions) -> tuple[Plan, WeekFrame]:
    if options.grid is not None:
        plan = plan.model_copy(update={"grid": options.grid})
    return plan, WeekFrame(plan, resolve_week_start(plan, options.week_start))


def solve(
    plan: Plan,
    options: SolveOptions = SolveOptions(),
    callback: cp_model.CpSolverSolutionCallback | None = None,
    near: dict[int, dt.datetime] | None = None,
    frame: WeekFrame | None = None,
) -> Week:
    """The best week; `callback` sees each improving solution (the benchmarks time the first).

    `near` maps sessions (occurrence index) to starts to begin the search from, a hint:
    where several weeks score the same, the solver then tends to keep sessions there.

    On weeks of LNS_FROM sessions or more within reach of day patterns (unless `near` gives
    a hint) a search on session pairs runs first (`search_on_pairs`, `_pairs_share`; from
    PAIRS_LEAD_FROM sessions its week is then moved a few days at a time, `_moves_share`),
    while the patterns are listed on another thread (`_built_beside`, stopped if it
    proves the week), and the patterns' search starts from its week,
    completed, with the patterns only dearer weeks hold ruled out and, on the few left, the
    floor on whole patterns posted (or it is the answer, if proven, and the patterns are
    never built): on 26 big weeks the proofs came sooner in
    sum and the weeks found were better on most (docs/model.md). A week as big but out of
    reach of patterns has one search, on pairs, whose week is moved the same way, up to four
    days at a time (`_leave_room_for_moves`). One worker's budget of
    work is for both. `callback` sees both searches' weeks. A week on day patterns with no
    week known before its search (dense weeks) gets a short search, and where that ends
    unproven the best week over the union of the floor's cheapest choices of days, from the
    rest of the budget (`_kept_for_union`, `_best_over_union`); what that leaves goes back
    to the search (`_search_on`).

    When the search ends without any week (out of time or work), the week is the one it
    started from (on the whole floor's days if that was cheaper, else the pairs' first
    one), else greedy's first-fit one if greedy places every session in the time left
    (`Week.first_fit`), else on day patterns that of a short search on session pairs, else
    OutOfTime is raised.

    The time limit is for all of it, building, solving, the first-fit week and, when no
    week exists, the diagnosis (raised as Infeasible). A `frame` given (a week of a block, with the week
    before it) is used as it is, with its own plan.
    """
    deadline = time.monotonic() + options.time_limit
    plan, frame = frame_for(plan, options) if frame is None else (frame.plan, frame)
    weights = plan.effective_weights(dict(options.weights))
    started = time.perf_counter()
    first_week, work = None, 0.0
    try:
        # Big weeks on day patterns start their search from a week on session pairs
        # (docs/model.md), searched while the patterns are listed and costed beside it: where
        # it proves the week (most drawn large weeks, in 0.1-0.7 det s) the listing stops.
        on_pairs = build(plan, frame, weights, pairs_only=True) if not near and len(plan.occurrences) >= LNS_FROM else None
        pairs_first = on_pairs is not None and on_pairs.day_patterns_in_reach
        beside = None
        if pairs_first:
            with _built_beside(plan, frame, weights) as (beside, stop):
                first_week, work = search_on_pairs(
                    on_pairs, weights, *_pairs_share(plan, options, deadline), 0, callback, seed=options.seed, moves=_moves_share(plan, options, deadline)
                )
                if first_week is not None and first_week.proven_optimal:
                    stop.set()
            if stop.is_set():
                return dataclasses.replace(first_week, solve_seconds=time.perf_counter() - started)
        building = time.perf_counter()
        m = beside.result() if beside is not None else build(plan, frame, weights, reported_floor=False)
    except NoRoom:
        raise diagnose(plan, frame, deadline) from None
    work_budget = options.time_limit * WORK_PER_SECOND if options.workers == 1 else math.inf
    with _reported_floor_beside(m, weights):
        near_cost = _start_near(m, {index: frame.minute_at(moment) for index, moment in near.items()}, deadline)[1] if near else None
        started += time.perf_counter() - building  # building the model (and completing `near`) is not searching
        narrowing, cheaper = _narrow_to_cheaper_weeks(m, near_cost, weights, work_budget, deadline)
        work += narrowing
        if first_week is not None:
            near_work, cost = _start_near(m, first_week.starts(), deadline)
            narrowing, cheaper = _narrow_to_cheaper_weeks(m, cost, weights, work_budget - work - near_work, deadline)
            work += near_work + narrowing
        first_week = cheaper or first_week  # the week to give if the search ends without one
        solver = configured_solver(m, options, deadline)
        budget = max(0.0, solver.parameters.max_deterministic_time - work)
        kept_back = _kept_for_union(m, budget) if first_week is None else 0.0
        solver.parameters.max_deterministic_time = min(budget, UNION_SEARCH_WORK) if kept_back else budget
        moves_follow = _leave_room_for_moves(m, options, solver)
        status = search(solver, m.model, callback)
        over_union = None
        if status == cp_model.FEASIBLE and kept_back:
            over_union, kept_back = _best_over_union(m, solver, weights, kept_back, deadline, started)
        if over_union is not None:
            over_union = _proven_if_at_its_bound(over_union)
            if not over_union.proven_optimal and kept_back > SEARCH_ON_FROM:
                over_union = _search_on(m, solver, over_union, kept_back, deadline, callback, weights, started)
        elif kept_back and status in (cp_model.FEASIBLE, cp_model.UNKNOWN):
            if status == cp_model.FEASIBLE:
                hint_solution(m.model, solver)
            status = _search_again(solver, m, kept_back, deadline, callback)  # no union to search: the search goes on
    if over_union is not None:
        return over_union
    elapsed = time.perf_counter() - started
    if first_week is not None:
        first_week = dataclasses.replace(first_week, bound=max(first_week.bound or 0, m.floor / WEIGHT_SCALE))
    if status == cp_model.INFEASIBLE:
        raise diagnose(plan, frame, deadline)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        from ortools import __version__ as ortools_version

        problem = m.model.validate() or "no validation message"
        raise ModelRejected(
            f"CP-SAT (ortools {ortools_version}) answered {solver.status_name(status)}: {problem}. "
            "This is a bug in trainweek (or an ortools older than pyproject.toml allows); please report it with the plan file."
        )
    if status == cp_model.UNKNOWN:
        week = first_week or first_fit_week(plan, frame, weights, deadline)
        if week is None and m.uses_day_patterns and not pairs_first:
            pairs_model = build(plan, frame, weights, pairs_only=True)
            week, _ = search_on_pairs(pairs_model, weights, deadline, PAIRS_WORK, max(solver.best_objective_bound, m.floor), seed=options.seed)
        if week is None:
            raise OutOfTime(f"no week found within {options.time_limit:g} s; raise --time-limit")
        budget = solver.parameters.max_deterministic_time
        week = dataclasses.replace(
            week,
            solve_seconds=time.perf_counter() - started,
            clock_stopped=math.isfinite(budget) and solver.deterministic_time < 0.95 * budget,
        )
        return _proven_if_at_its_bound(week)
    bound = search_bound(m, solver)
    week = _proven_if_at_its_bound(solved_week(m, solver, status, weights, elapsed, bound=bound))
    if moves_follow and not week.proven_optimal:
        moves = Moves(deadline, budget - solver.deterministic_time, most_days=4)  # no search follows them
        week = _proven_if_at_its_bound(_moved_by_days(m, solver, week, bound, weights, moves, options.seed, started)[0])
    return week


def _pairs_share(plan: Plan, options: SolveOptions, deadline: float) -> tuple[float, float]:
    """The deadline and work of the search on pairs before the patterns' search: PAIRS_WORK,
    or from PAIRS_LEAD_FROM sessions PAIRS_LEAD_SHARE of the time left and of the limit's
    work (the one-worker budget; a cap of the same size with more workers)."""
    if len(plan.occurrences) < PAIRS_LEAD_FROM:
        return deadline, PAIRS_WORK
    now = time.monotonic()
    return now + PAIRS_LEAD_SHARE * (deadline - now), max(PAIRS_WORK, PAIRS_LEAD_SHARE * options.time_limit * WORK_PER_SECOND)


class Moves(NamedTuple):
    """What moving a week a few days at a time (`day_moves`) may take: until `deadline` (a
    time.monotonic() instant), at most `work` deterministic seconds, and up to `most_days`
    days at once."""

    deadline: float
    work: float
    most_days: int = 3


def _moves_share(plan: Plan, options: SolveOptions, deadline: float) -> Moves:
    """What moving the pairs' week a few days at a time (`day_moves`) before the patterns'
    search may take: from PAIRS_LEAD_FROM sessions, MOVES_SHARE of the limit's work, by the
    time the lead and this share of the time left are over, up to three days at once (the
    patterns' search takes what they leave); none on smaller weeks."""
    if len(plan.occurrences) < PAIRS_LEAD_FROM:
        return Moves(deadline, 0.0)
    now = time.monotonic()
    return Moves(now + (PAIRS_LEAD_SHARE + MOVES_SHARE) * (deadline - now), MOVES_SHARE * options.time_limit * WORK_PER_SECOND, most_days=3)


def search_on_pairs(
    m: WeekModel,
    weights: dict[str, float],
    deadline: float,
    work: float,
    bound: float,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    seed: int = 0,
    moves: Moves = Moves(0.0, 0.0),
) -> tuple[Week | None, float]:
    """The week of a search of `work` deterministic seconds (one worker, `seed`) on a model built
    with `pairs_only` (same-day costs on session pairs), or None if it finds none, and the
    work it did. `bound` (scaled, from the day floor or the patterns' search) is the
    week's bound if the pairs' is lower. `moves` is for making an unproven week cheaper a
    few days at a time (`day_moves`) after the search;
    their weeks are not shown to `callback`, whose bound would be a move's, not the week's.

    On session pairs a big week's first week comes within 0.12 det s where the search on
    day patterns found none within 5 (28-30 sessions); at 2 det s the pairs' weeks cost
    4.2-204 there (docs/model.md).
    """
    m.floor = math.floor(bound)
    solver = _seeded_search(m, work, deadline, seed)
    started = time.perf_counter()
    status = search(solver, m.model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, solver.deterministic_time
    bound = search_bound(m, solver)
    week = solved_week(m, solver, status, weights, time.perf_counter() - started, bound=bound)
    if week.proven_optimal or moves.work <= 0:
        return week, solver.deterministic_time
    moved, moving = _moved_by_days(m, solver, week, bound, weights, moves, seed, started)
    return moved, solver.deterministic_time + moving


def _moved_by_days(
    m: WeekModel,
    solver: cp_model.CpSolver,
    week: Week,
    bound: float,
    weights: dict[str, float],
    moves: Moves,
    seed: int,
    started: float,
) -> tuple[Week, float]:
    """`week`, the unproven week `solver` found, made cheaper a few days at a time
    (`day_moves`, on `seed`) within `moves`, and the work that took. The week keeps
    `bound` (scaled), its search's: a move's bound is the move's."""
    search_for = functools.partial(_seeded_search, m, deadline=moves.deadline, seed=seed)
    moved, moving = cheaper_by_days(m, solver, moves.work, moves.deadline, search_for, moves.most_days)
    if moved is solver:
        return week, moving
    cheaper = solved_week(m, moved, cp_model.FEASIBLE, weights, time.perf_counter() - started, bound=bound)
    clock_stopped = week.clock_stopped or (moving < moves.work and time.monotonic() >= moves.deadline)
    return dataclasses.replace(cheaper, clock_stopped=clock_stopped), moving


def _leave_room_for_moves(m: WeekModel, options: SolveOptions, solver: cp_model.CpSolver) -> bool:
    """Whether the week's one search is followed by moves (`day_moves`), and if so it is
    cut to leave them MOVES_SHARE of its work and time: on weeks of PAIRS_LEAD_FROM
    sessions or more too big for day patterns, with one worker, as after the lead on pairs.
    On huge-02 and four drawn such weeks (seeds 0-2) seven of fifteen weeks came out cheaper
    (huge-02: 91.4 to 89.6, 90.2 to 85.4), one dearer, seven the same (docs/model.md). Two
    workers keep their whole search: moves after it made two of four such weeks dearer."""
    if len(m.items) < PAIRS_LEAD_FROM or m.uses_day_patterns or options.workers != 1:
        return False
    solver.parameters.max_deterministic_time *= 1 - MOVES_SHARE
    solver.parameters.max_time_in_seconds *= 1 - MOVES_SHARE
    return True


def _seeded_search(m: WeekModel, work: float, deadline: float, seed: int) -> cp_model.CpSolver:
    """A one-worker solver tuned for the model, on `seed`, for `work` until `deadline`."""
    solver = _short_search(work, deadline)
    solver.parameters.random_seed = seed
    _tune(solver.parameters, m)
    return solver


def _short_search(work: float, deadline: float) -> cp_model.CpSolver:
    """A one-worker solver for a search of its own inside a solve: it stops after `work`
    deterministic seconds or at `deadline` (a time.monotonic() instant), whichever is first."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = max(0.0, deadline - time.monotonic())
    return solver


def _narrow_to_cheaper_weeks(
    m: WeekModel, cost: int | None, weights: dict[str, float], budget: float, deadline: float
) -> tuple[float, Week | None]:
    """Take out of the search the day patterns that only weeks dearer than one the model
    holds (`cost`, scaled) can have, by their reduced costs in the day floor's LP
    (`DayFloor.ruled_out`): on the stored large and huge weeks 25-84% of them. large-02 then
    proved in 2.5 det s, open at 6 before (docs/model.md).

    Where few are left, the floor on whole patterns, which also sees the spread of repeated
    sessions' start times (`day_floor.whole_floor`, at most WHOLE_FLOOR_WORK and
    WHOLE_FLOOR_SHARE of the one-worker `budget`), then bounds the objective where it is
    higher, and proves that week where none is cheaper; where it does not, the same with the
    sessions sharing a span placed exactly (tidy times) gets at most SPANS_FLOOR_WORK more.
    Where it finds days that cost less by their own costs, the week on those days
    (`_complete_days`) is the search's start if it is cheaper, and rules out more. Returns
    the work, and that week if there is one."""
    if m.day_floor is None or cost is None or not m.uses_day_patterns:
        return 0.0, None
    dearer = _rule_out_dearer(m, cost)
    if cost <= m.floor or len(m.day_patterns) - len(dearer) > WHOLE_FLOOR_PATTERNS:
        return 0.0, None
    cap, scaled = min(WHOLE_FLOOR_WORK, WHOLE_FLOOR_SHARE * budget), scaled_weights(weights)
    floor = whole_floor(m, scaled, dearer, m.floor, cap, below=cost, deadline=deadline)
    work, days = floor.work, floor.days
    _raise_floor(m, floor.bound, cost)
    exact_work = min(SPANS_FLOOR_WORK, cap - work)
    if days and cost > m.floor and exact_work > 0:
        # Not proven: the sessions sharing a span, placed exactly, may cost more than their
        # ways say (large-05: 6.1, not 6). From the bound just found, a choice at it ends the search.
        exact = whole_floor(m, scaled, dearer, m.floor, exact_work, below=cost, in_spans=True, deadline=deadline)
        _raise_floor(m, exact.bound, cost)
        work, days = work + exact.work, exact.days or days
    if not days or cost <= m.floor:
        return work, None
    completion_work, cheaper = _complete_days(m, weights, days, deadline, min(NEAR_WORK, budget - work), cost)
    return work + completion_work, cheaper


def _kept_for_union(m: WeekModel, budget: float) -> float:
    """The work kept back from the search of a week with no week known before it, for
    `_best_over_union`: all but UNION_SEARCH_WORK of the `budget` (all of it where there is
    no budget of work: with more than one worker, or the benchmark's lifted one, the time
    limit ends it); none without a day floor on patterns."""
    if m.day_floor is None or not m.uses_day_patterns:
        return 0.0
    return max(0.0, budget - UNION_SEARCH_WORK)


def _best_over_union(
    m: WeekModel, solver: cp_model.CpSolver, weights: dict[str, float], work: float, deadline: float, started: float
) -> tuple[Week | None, float]:
    """The best week of an unproven search, or a cheaper one, by turns of the spans' floor
    outside a union of day patterns (`day_floor.OutsideUnion`) and a search of the week model
    restricted to that union, in `work` deterministic seconds, and the work left; None (and
    all the work) where the floor cannot be made on the patterns the search's week leaves
    (more than UNION_PATTERNS). Work is left where a floor round finds no answer
    within its cap (WHOLE_FLOOR_WORK): the next would fare no better.

    The union starts as the search's week's days. Each floor round adds its cheapest choice
    outside it. After the first round, after each round that follows a search that found a
    cheaper week, every UNION_ROUNDS rounds and at the end, the union's best week is searched
    for below the best known; each cheaper week found rules out the day patterns only dearer
    weeks hold, in the model and in the floor's program, whose later rounds are then smaller
    (dense-130 proven in 4.6 det s, not 11.8: docs/model.md). Once the floor has no choice
    outside the union below the best week, and the union's search none inside it, that week
    is optimal; cut short, its bound is the lower of the floor outside the union and the
    union's own (docs/model.md)."""
    cost = round(solver.objective_value)
    dearer = m.day_floor.ruled_out(cost)
    if len(m.day_patterns) - len(dearer) > UNION_PATTERNS:
        return None, work
    best = solved_week(m, solver, cp_model.FEASIBLE, weights, time.perf_counter() - started, bound=search_bound(m, solver))
    pricing = OutsideUnion(m, scaled_weights(weights), dearer)
    pricing.take({(pattern.day, pattern.specs) for pattern in m.day_patterns if solver.value(pattern.chosen)})
    hint_solution(m.model, solver)
    known = outside = max(m.floor, math.ceil(solver.best_objective_bound - 1e-6))
    left, rounds, searched = work, 0, False
    productive = True  # the union is searched after the first round, and again while that finds cheaper weeks
    # The last search of the union, which the bound needs, keeps a fifth of the work and time.
    reserve, floors_end = min(UNION_LAST_WORK, 0.2 * work), deadline - 0.2 * max(0.0, deadline - time.monotonic())
    while left > reserve and outside < cost and time.monotonic() < floors_end:
        found = pricing.cheapest(outside, cost, min(left - reserve, WHOLE_FLOOR_WORK), floors_end)
        left -= found.work
        outside = max(outside, math.ceil(found.bound - 1e-6))
        if not found.days:
            break
        rounds, searched = rounds + 1, False
        if (productive or rounds % UNION_ROUNDS == 0) and left > reserve:
            inside, searched, spent, cheaper = _search_union(m, pricing.union, cost, weights, left - reserve, floors_end, started)
            left -= spent
            productive = cheaper is not None
            if cheaper is not None:
                best, cost = cheaper, round(cheaper.objective * WEIGHT_SCALE)
                pricing.rule_out(_rule_out_dearer(m, cost))
    if not searched and left > 0:
        inside, searched, spent, cheaper = _search_union(m, pricing.union, cost, weights, left, deadline, started)
        left -= spent
        best, cost = (cheaper, round(cheaper.objective * WEIGHT_SCALE)) if cheaper is not None else (best, cost)
    bound = min(outside, inside if searched else known, cost)
    m.floor = max(m.floor, bound)
    # Unproven once the floors' share of the time is up (or with no work to count): the clock
    # ended it, and another run may differ. Work left by a round with no answer is not the clock's.
    clock_stopped = bound < cost and (not math.isfinite(work) or time.monotonic() >= floors_end)
    return dataclasses.replace(best, bound=max(best.bound or 0, bound / WEIGHT_SCALE), solve_seconds=time.perf_counter() - started, clock_stopped=clock_stopped), left


def _search_on(
    m: WeekModel,
    solver: cp_model.CpSolver,
    best: Week,
    work: float,
    deadline: float,
    callback: cp_model.CpSolverSolutionCallback | None,
    weights: dict[str, float],
    started: float,
) -> Week:
    """The week after the search of the whole week goes on with the `work` the union's turns
    left, from their best week (the model's hint) and above their bound, which it posts: a
    floor round with no answer in its cap ends the turns, and its work would otherwise be
    lost (a third of the budget on one drawn dense week: docs/model.md)."""
    cost = round(best.objective * WEIGHT_SCALE)
    _raise_floor(m, best.bound * WEIGHT_SCALE, cost)
    status = _search_again(solver, m, work, deadline, callback)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and round(solver.objective_value) <= cost:
        return _proven_if_at_its_bound(solved_week(m, solver, status, weights, time.perf_counter() - started, bound=search_bound(m, solver)))
    stopped = math.isfinite(work) and solver.deterministic_time < 0.95 * work
    return dataclasses.replace(best, bound=max(best.bound, search_bound(m, solver) / WEIGHT_SCALE), solve_seconds=time.perf_counter() - started, clock_stopped=stopped)


def _search_again(solver: cp_model.CpSolver, m: WeekModel, work: float, deadline: float, callback: cp_model.CpSolverSolutionCallback | None) -> int:
    """The solver's search of the whole week once more, from the model's hint, with `work`
    and the time left until `deadline`."""
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = max(0.0, deadline - time.monotonic())
    return search(solver, m.model, callback)


def _search_union(
    m: WeekModel, union: set[Pattern], cost: int, weights: dict[str, float], work: float, deadline: float, started: float
) -> tuple[int, bool, float, Week | None]:
    """The best week on the `union`'s day patterns below `cost` (scaled), in a copy of the
    model started from the model's hint: (its bound on the union's weeks, whether the search
    settled that bound, its work, the cheaper week or None)."""
    copy = m.model.clone()
    for pattern in m.day_patterns:
        if (pattern.day, pattern.specs) not in union:
            copy.add(pattern.chosen == 0)
    copy.add(m.objective <= cost - 1)
    search_ = _short_search(work, deadline)
    _tune(search_.parameters, m)
    status = search(search_, copy)
    if status == cp_model.INFEASIBLE:
        return cost, True, search_.deterministic_time, None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0, False, search_.deterministic_time, None
    hint_solution(m.model, search_)
    # Optimal on the union only: the week is proven, if at all, by its bound (`_proven_if_at_its_bound`).
    week = solved_week(m, search_, cp_model.FEASIBLE, weights, time.perf_counter() - started, bound=m.floor)
    found = round(search_.objective_value)
    return (found if status == cp_model.OPTIMAL else math.ceil(search_.best_objective_bound - 1e-6)), status == cp_model.OPTIMAL, search_.deterministic_time, week


def _raise_floor(m: WeekModel, bound: float, cost: int) -> None:
    """Post a bound on the objective where it is above the model's floor, never above a week the model holds (`cost`)."""
    if bound > m.floor:
        m.floor = min(math.ceil(bound - 1e-6), cost)
        m.model.add(m.objective >= m.floor)


def _rule_out_dearer(m: WeekModel, cost: int) -> set[Pattern]:
    """Fix off the day patterns no week of at most `cost` holds (`DayFloor.ruled_out`), each
    once in the model (`m.ruled_out`); returns them all."""
    dearer = m.day_floor.ruled_out(cost)
    for pattern in m.day_patterns:
        if (pattern.day, pattern.specs) in dearer and (pattern.day, pattern.specs) not in m.ruled_out:
            m.model.add(pattern.chosen == 0)
    m.ruled_out |= dearer
    return dearer


def _complete_days(
    m: WeekModel, weights: dict[str, float], days: tuple[Pattern, ...], deadline: float, work: float, cost: int
) -> tuple[float, Week | None]:
    """The best week on these day patterns (one a day) in a short search of at most `work`,
    made the search's start (the hint), with the patterns only dearer weeks hold ruled out,
    if it costs less than `cost` (scaled): returns the work done and that week (not proven:
    only the best on its days), None if not cheaper.

    The whole floor chooses the days by what they cost on their own; where the search on
    pairs settled on worse days, the week on the floor's days is often far cheaper, and is
    found in a tenth of a second with the days fixed: large-05 on seed 0 went from 12 to
    6.1, the optimum, and huge-03 from 36.7 to 15.5 (docs/model.md)."""
    chosen = set(days)
    started = time.perf_counter()
    completion = _short_search(max(0.0, work), deadline)
    _tune(completion.parameters, m)
    m.model.add_assumptions([pattern.chosen for pattern in m.day_patterns if (pattern.day, pattern.specs) in chosen])
    try:
        status = search(completion, m.model)
    finally:
        m.model.clear_assumptions()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or round(completion.objective_value) >= cost:
        return completion.deterministic_time, None
    hint_solution(m.model, completion)
    _rule_out_dearer(m, round(completion.objective_value))
    # CP-SAT's bound is that of the days it was given, not of the week: the model's floor is.
    week = solved_week(m, completion, cp_model.FEASIBLE, weights, time.perf_counter() - started, bound=m.floor)
    return completion.deterministic_time, dataclasses.replace(week, clock_stopped=False)


def _hint(m: WeekModel, starts: dict[int, int]) -> None:
    """Start the search from these starts (occurrence index -> minute of the week)."""
    for index, start in starts.items():
        if index in m.start_step and start % m.frame.step == 0:
            m.model.add_hint(m.start_step[index], start // m.frame.step)


def _start_near(m: WeekModel, starts: dict[int, int], deadline: float) -> tuple[float, int | None]:
    """Start the search from these starts, every other variable at its least cost with them.

    Hinted starts alone, CP-SAT fills in the rest (which sessions share a day, their order,
    the closeness costs) by its first choices, which may cost more than the starts need,
    and searches on from there: re-solved with its own calendar, an optimal week moved
    every session. So the starts are first completed by a short solve with them fixed
    (NEAR_WORK deterministic seconds at most), and that whole solution is the hint; if the
    starts no longer fit the plan, they stay the hint alone. Returns the work done and the
    completed week's cost (scaled; None if it does not fit), at least that of the starts.
    """
    _hint(m, starts)
    completion = _short_search(NEAR_WORK, deadline)
    completion.parameters.fix_variables_to_their_hinted_value = True
    if search(completion, m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return completion.deterministic_time, None
    hint_solution(m.model, completion)
    return completion.deterministic_time, round(completion.objective_value)


def first_fit_week(plan: Plan, frame: WeekFrame, weights: dict[str, float], deadline: float) -> Week | None:
    """Greedy's first-fit week (`scheduler.greedy`, `Week.first_fit`), the week `solve`
    gives when the search ended without any; None when greedy gets stuck or `deadline`
    comes first.

    It keeps every hard rule (each placement is judged by the rules' checkers, and
    `finished_week` checks the whole week once more) but is not optimised: the output says
    so, and to raise --time-limit. On 46 weeks of 21-30 sessions it took 0.1-3.1 s of wall
    time on a loaded machine (docs/model.md).
    """
    from trainweek.scheduler.greedy import greedy_week

    return greedy_week(plan, frame, weights, deadline)


def search_bound(m: WeekModel, solver: cp_model.CpSolver) -> float:
    """The lower bound (scaled) a search of the whole week leaves: CP-SAT's, or the model's floor where higher."""
    return max(solver.best_objective_bound, m.floor)


def solved_week(m: WeekModel, solver: cp_model.CpSolver, status: int, weights: dict[str, float], elapsed: float, *, bound: float) -> Week:
    """The week the solver found, checked by every rule's checker and scored in plain
    Python; a proven optimum the plain-Python score disagrees with is a bug (RuleBroken).

    `bound` (scaled) is the caller's to give: a search under assumptions (`_complete_days`,
    the days fixed) has a bound for those days only, not for the week (`search_bound`)."""
    plan = m.plan
    starts = {item.index: solver.value(m.start(item.index)) for item in plan.occurrences}
    budget = solver.parameters.max_deterministic_time
    week = finished_week(
        plan,
        m.frame,
        starts,
        weights,
        status=solver.status_name(status),
        bound=bound / WEIGHT_SCALE,
        solve_seconds=elapsed,
        clock_stopped=status == cp_model.FEASIBLE and math.isfinite(budget) and solver.deterministic_time < 0.95 * budget,
    )
    if status == cp_model.OPTIMAL and abs(week.objective - solver.objective_value / WEIGHT_SCALE) > 1e-6:
        raise RuleBroken(f"objective parts add up to {week.objective}, solver proved {solver.objective_value / WEIGHT_SCALE}")
    return week


def _proven_if_at_its_bound(week: Week) -> Week:
    """The week as proven optimal where it costs no more than its bound: the bound may be the
    day floor, which the search did not reach when the floor is only reported (session pairs)
    or was raised after the search began (large-05's 6.1, on the whole floor's days)."""
    if week.proven_optimal or week.first_fit or week.bound is None or week.objective > week.bound + 1e-9:
        return week
    return dataclasses.replace(week, status="OPTIMAL", clock_stopped=False)
