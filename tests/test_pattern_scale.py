"""Issue 21: day patterns counted after the hard rules prune them, the windows of each day
prune them further, and two workers on pair-form weeks run the one worker's search.
Solutions are checked against brute force or the other form; no timings are asserted.
"""

from __future__ import annotations

import itertools
from unittest import mock

import pytest

from ortools.sat.python import cp_model

from trainweek.scheduler import model as week_model
from trainweek.scheduler.errors import NoWeekExists
from trainweek.scheduler.solve import SolveOptions, _tune, build, frame_for
from tests.conftest import make_plan, solve_plan
from tests.helpers import same_day_form

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def model_of(plan):
    plan, frame = frame_for(plan, SolveOptions())
    return build(plan, frame, plan.effective_weights())


def _runs_in_short_mornings():
    # Twelve runs, two two-hour windows a day: two runs need 4 h between them (doubles),
    # so a day holds a morning and an evening run at most, although three a day are allowed.
    runs = [{"name": f"Run {n}", "kind": "run", "duration": "60m", "intensity": "easy"} for n in range(12)]
    return make_plan(runs, availability={day: ["06:00-08:00", "18:00-20:00"] for day in DAYS},
                     rules={"rest_days": 0, "max_sessions_per_day": 3})


def test_patterns_are_counted_after_the_hard_rules_prune_them():
    """Before, 7 x (1 + 12 + 66 + 220) = 2093 patterns were counted and the week kept pairs;
    pruned, 7 x (1 + 12 + 66) = 553 are made."""
    plan = _runs_in_short_mornings()
    with mock.patch.object(week_model, "MOST_PATTERNS", 1100):
        m = model_of(plan)
        assert m.uses_day_patterns
        assert max(len(p.specs) for p in m.day_patterns) == 2  # a morning run and an evening run
        assert len(m.day_patterns) == 7 * (1 + 12 + 66)
        week = solve_plan(plan)
    assert week.status == "OPTIMAL"


def test_patterns_leave_out_sets_the_days_windows_cannot_hold():
    # Each pair of 70-minute lifts fits the day (140 of 240 free minutes, one in each
    # window) and so would three by minutes (210), but the day has two windows of 120.
    lifts = [{"name": f"Lift {n}", "kind": "strength", "duration": "70m", "focus": "upper", "intensity": "easy"} for n in range(4)]
    runs = [{"name": "Run", "kind": "run", "duration": "30m", "intensity": "easy", "times": 3},
            {"name": "Ride", "kind": "bike", "duration": "40m", "intensity": "easy", "times": 2},
            {"name": "Swim", "kind": "swim", "duration": "30m", "intensity": "easy", "times": 2}]
    plan = make_plan(lifts + runs, availability={day: ["06:00-08:00", "18:00-20:00"] for day in DAYS},
                     rules={"rest_days": 0, "max_sessions_per_day": 3})
    m = model_of(plan)
    assert m.uses_day_patterns
    lift_specs = {n for n, spec in enumerate(plan.sessions) if spec.kind.value == "strength"}
    held = [len(lift_specs.intersection(p.specs)) for p in m.day_patterns]
    assert max(held) == 2
    on_patterns = solve_plan(plan, time_limit=60)
    with same_day_form(patterns=False):
        on_pairs = solve_plan(plan, time_limit=60)
    assert on_patterns.status == on_pairs.status == "OPTIMAL"
    assert on_patterns.objective == on_pairs.objective


def _three_rides_and_a_lift():
    # A run, a ride and a swim (doubles: 4 h apart) and a lift, in a 3 h morning and a 4 h
    # evening: a window holds one of the rides, so no day holds all three.
    sessions = [{"name": "Lift", "kind": "strength", "duration": "40m", "focus": "upper", "intensity": "easy"},
                {"name": "Run", "kind": "run", "duration": "40m", "intensity": "easy"},
                {"name": "Ride", "kind": "bike", "duration": "40m", "intensity": "easy"},
                {"name": "Swim", "kind": "swim", "duration": "40m", "intensity": "easy"}]
    return make_plan(sessions, availability={day: ["06:00-09:00", "17:00-21:00"] for day in DAYS},
                     rules={"rest_days": 0, "max_sessions_per_day": 4})


def test_patterns_keep_every_pair_of_a_window_apart_not_only_neighbours():
    """Run, lift, ride in one window keep the 10 min between neighbours, but the run and the
    ride need 4 h: before, only neighbours in the order were checked and such sets were kept."""
    plan = _three_rides_and_a_lift()
    endurance = {n for n, spec in enumerate(plan.sessions) if spec.kind.value in ("run", "bike", "swim")}
    with same_day_form(patterns=True):
        m = model_of(plan)
        assert max(len(endurance.intersection(p.specs)) for p in m.day_patterns) == 2
        on_patterns = solve_plan(plan)
    with same_day_form(patterns=False):
        on_pairs = solve_plan(plan)
    assert on_patterns.status == on_pairs.status == "OPTIMAL"
    assert on_patterns.objective == on_pairs.objective


def test_patterns_leave_out_sets_that_fit_a_window_only_off_the_grid():
    # Two 35-minute lifts take 70 of a 75-minute window, but on a 15-minute grid the second
    # starts at 06:45 and ends at 07:20.
    lifts = [{"name": f"Lift {n}", "kind": "strength", "duration": "35m", "focus": "upper", "intensity": "easy"} for n in "AB"]
    plan = make_plan(lifts, grid="15m", availability={day: ["06:00-07:15"] for day in DAYS}, rules={"rest_days": 0})
    with same_day_form(patterns=True):
        assert max(len(p.specs) for p in model_of(plan).day_patterns) == 1
        week = solve_plan(plan)
    assert week.status == "OPTIMAL"
    assert len({p.day for p in week.placements}) == 2


def test_every_set_the_patterns_leave_out_cannot_be_placed_on_the_day():
    """The pruning is necessary, never sufficient: each set of sessions that is not a
    pattern of Monday has no placement on Monday alone, proven by the solver."""
    sessions = [{"name": "Bench", "kind": "strength", "duration": "40m", "focus": "upper", "intensity": "easy"},
                {"name": "Intervals", "kind": "run", "duration": "45m", "intensity": "hard"},
                {"name": "Ride", "kind": "bike", "duration": "50m", "intensity": "easy"},
                {"name": "Swim", "kind": "swim", "duration": "35m", "intensity": "easy"},
                {"name": "Squat", "kind": "strength", "duration": "65m", "focus": "lower", "intensity": "hard"},
                {"name": "Core", "kind": "strength", "duration": "20m", "focus": "full", "intensity": "easy"}]
    plan = make_plan(sessions, grid="15m", availability={day: ["06:00-08:30", "17:30-21:00"] for day in DAYS},
                     rules={"rest_days": 0, "max_sessions_per_day": 4})
    with same_day_form(patterns=True):
        kept = {p.specs for p in model_of(plan).day_patterns if p.day == 0}
    every = [specs for size in (2, 3, 4) for specs in itertools.combinations(range(len(plan.sessions)), size)]
    left_out = {tuple(plan.sessions[n].name for n in specs) for specs in every if specs not in kept}
    # The three rides never share a day; before, Bench between two of them in one window
    # hid that the two were not 4 h apart, and the four were a pattern.
    assert left_out == {("Intervals", "Ride", "Swim"), ("Bench", "Intervals", "Ride", "Swim"),
                        ("Intervals", "Ride", "Swim", "Squat"), ("Intervals", "Ride", "Swim", "Core")}
    for names in left_out:
        monday_only = plan.model_copy(update={
            "sessions": [spec for spec in plan.sessions if spec.name in names], "availability": {"mon": plan.availability["mon"]},
        })
        with pytest.raises(NoWeekExists):
            solve_plan(monday_only)


def test_two_workers_on_pair_weeks():
    """Issue 21: the default portfolio was 2-9x slower with 2 workers on pair-form weeks."""
    small = make_plan([{"name": "Run", "kind": "run", "duration": "30m", "times": 3}], availability={day: ["06:00-08:00"] for day in DAYS})
    m = model_of(small)
    assert not m.uses_day_patterns
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    _tune(solver.parameters, m)
    assert solver.parameters.num_workers == 1  # proven in milliseconds: one worker
    assert solver.parameters.linearization_level == 0
    # A week too big for patterns keeps both workers, each on the one worker's search.
    with mock.patch.object(week_model, "MOST_PATTERNS", 10):
        big = model_of(_runs_in_short_mornings())
        assert len(big.items) >= week_model.PATTERNS_FROM and not big.uses_day_patterns
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 2
        _tune(solver.parameters, big)
    assert solver.parameters.num_workers == 2
    assert list(solver.parameters.subsolvers) == ["no_lp", "quick_restart_no_lp"]
    assert solver.parameters.linearization_level == 0


def _stored(name: str):
    from pathlib import Path

    from trainweek.scheduler.loading import parse_plan

    path = next((Path(__file__).parents[1] / "benchmarks" / "instances").glob(f"*/{name}-*.yaml"))
    return parse_plan(path.read_text(encoding="utf-8"), str(path))


def test_weeks_from_lns_from_sessions_take_turns_with_neighbourhood_search():
    """Issue 21: from 21 sessions the week found matters more than a proof that rarely comes."""
    from trainweek.scheduler.solve import LNS_FROM

    big = model_of(_stored("large-04"))  # 23 sessions on day patterns
    assert len(big.items) >= LNS_FROM and big.uses_day_patterns
    one = cp_model.CpSolver()
    one.parameters.num_workers = 1
    _tune(one.parameters, big)
    assert one.parameters.num_workers == 1 and one.parameters.interleave_search
    assert list(one.parameters.subsolvers) == ["max_lp", "no_lp"]
    two = cp_model.CpSolver()
    two.parameters.num_workers = 2
    _tune(two.parameters, big)
    assert not two.parameters.interleave_search
    assert list(two.parameters.subsolvers) == ["max_lp"] and two.parameters.num_full_subsolvers == 1
    # Below LNS_FROM one worker keeps its one search.
    dense = model_of(_stored("dense-02"))
    assert len(dense.items) < LNS_FROM
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    _tune(solver.parameters, dense)
    assert not solver.parameters.interleave_search and list(solver.parameters.subsolvers) == []


def test_the_count_floor_bounds_separation_where_the_lp_does_not():
    """large-04: 10 lifts and 11 endurance sessions, at most 2 endurance a day (doubles, two
    windows), 4 sessions a day: 4 lift/endurance pairs share a day in any week. The LP over the
    day patterns bounded it at 2."""
    m = model_of(_stored("large-04"))
    floor = next(v for v in m.model.proto.variables if v.name == "same_day_cost")
    assert floor.domain[0] == 4


def test_presolve_makes_one_pass_except_on_big_pair_form_weeks():
    """The later passes repeat, on big pattern weeks, a search for overlapping rows that
    found nothing new (docs/model.md); big weeks on session pairs keep them."""
    from trainweek.scheduler.solve import FULL_PRESOLVE_FROM

    def passes(m):
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        _tune(solver.parameters, m)
        return solver.parameters.max_presolve_iterations

    small = model_of(_runs_in_short_mornings())  # 12 sessions
    assert len(small.items) < FULL_PRESOLVE_FROM and passes(small) == 1
    dense = model_of(_stored("dense-02"))  # 20 sessions: one pass too
    assert len(dense.items) < FULL_PRESOLVE_FROM and passes(dense) == 1
    big = model_of(_stored("large-04"))
    assert len(big.items) >= FULL_PRESOLVE_FROM and big.uses_day_patterns and passes(big) == 1
    pairs = model_of(_stored("huge-02"))  # 30 sessions, too many day patterns
    assert len(pairs.items) >= FULL_PRESOLVE_FROM and not pairs.uses_day_patterns
    assert passes(pairs) == cp_model.CpSolver().parameters.max_presolve_iterations > 1


def test_day_patterns_below_lns_from_get_the_linear_rows_without_integer_cuts():
    """The set-partition rows prove dense weeks; the full linearization and the
    Chvatal-Gomory and MIR cuts cost more than they gave there (docs/model.md), but stay
    for the weeks from LNS_FROM sessions."""
    from trainweek.scheduler.solve import LNS_FROM

    for name, level, cuts in (("dense-02", 1, False), ("large-04", 2, True)):
        m = model_of(_stored(name))
        assert m.uses_day_patterns and (len(m.items) >= LNS_FROM) == cuts
        for workers in (1, 2):
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = workers
            _tune(solver.parameters, m)
            assert solver.parameters.linearization_level == level
            assert solver.parameters.add_cg_cuts == solver.parameters.add_mir_cuts == cuts  # CP-SAT makes both by default


def test_one_worker_stops_at_a_budget_of_work_so_an_unproven_week_is_the_same_every_run(monkeypatch):
    from trainweek.scheduler import solve as solve_module
    from trainweek.scheduler.solve import WORK_PER_SECOND, configured_solver

    plan = _stored("dense-02")  # 20 sessions, not proven within minutes
    m = model_of(plan)
    one = configured_solver(m, SolveOptions(time_limit=8), deadline=float("inf"))
    assert one.parameters.max_deterministic_time == 8 * WORK_PER_SECOND
    two = configured_solver(m, SolveOptions(time_limit=8, workers=2), deadline=float("inf"))
    assert two.parameters.max_deterministic_time == float("inf")  # two workers never were deterministic
    # A smaller budget than the default, so the budget ends both searches before the clock
    # even on a machine several times slower than usual, or a busy one (0.8 det s in 8 s).
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.1)
    first, second = (solve_plan(plan, time_limit=8) for _ in range(2))
    assert first.status == second.status == "FEASIBLE"  # stopped by the budget, not proven
    assert first.starts() == second.starts() and first.objective == second.objective


def test_a_week_the_clock_stopped_before_its_work_budget_says_another_run_may_differ(monkeypatch):
    from trainweek.scheduler import solve as solve_module
    from trainweek.scheduler.report import print_week

    plan = _stored("dense-02")
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.05)  # the budget ends the search
    by_budget = solve_plan(plan, time_limit=20)
    assert by_budget.status == "FEASIBLE" and not by_budget.clock_stopped
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 1000)  # the clock ends it first
    by_clock = solve_plan(plan, time_limit=6)  # time for a first week on a slow or busy machine
    assert by_clock.status == "FEASIBLE" and by_clock.clock_stopped
    from io import StringIO

    from rich.console import Console

    shown = StringIO()
    print_week(by_clock, Console(file=shown, width=200))
    assert "another run may give another week; raise --time-limit" in shown.getvalue()
