"""Moving a week's sessions two, three or four days at a time (scheduler/day_moves.py): from
the dearest valid week of each tiny week, the week reached keeps every hard rule, and brute
force finds no cheaper week that keeps the sessions of the other days where they are. A big
week out of reach of day patterns leaves the moves a share of its one search and gets their
week, moved up to four days at a time."""

from __future__ import annotations

import functools
import time

import pytest
from ortools.sat.python import cp_model

from trainweek.scheduler import solve as solve_module
from trainweek.scheduler.day_moves import DAY_SETS, cheaper_by_days
from trainweek.scheduler.solve import SolveOptions, _seeded_search, build, frame_for, solved_week
from trainweek.scheduler.loading import load_plan
from tests.helpers import objective, same_day_form, valid_weeks
from tests.test_bruteforce import FIXED
from tests.test_first_fit import BIG_PAIR_WEEK, assert_keeps_every_hard_rule


def _days(week) -> dict[int, int]:
    return {placement.occurrence.index: placement.day for placement in week.placements}


def _holding(m, starts: dict[int, int]) -> cp_model.CpSolver:
    """A solver whose solution is the week with these starts, every other variable at its least cost."""
    fixed = m.model.clone()
    for index, start in starts.items():
        fixed.add(m.start_step[index] == start // m.grid)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(fixed) == cp_model.OPTIMAL
    return solver


def _moved(plan, most_days: int):
    """(the dearest valid week, the week the moves of up to `most_days` days reach from it, every valid week)."""
    plan, frame = frame_for(plan, SolveOptions())
    weights = plan.effective_weights()
    weeks = list(valid_weeks(plan))
    dearest = max(weeks, key=objective)
    m = build(plan, frame, weights, pairs_only=True)
    start = _holding(m, dearest.starts())
    deadline = time.monotonic() + 60
    moved, work = cheaper_by_days(m, start, 10.0, deadline, functools.partial(_seeded_search, m, deadline=deadline, seed=0), most_days)
    assert 0 < work < 10.0  # stopped by a round without a cheaper week, not by its budget
    return dearest, solved_week(m, moved, cp_model.FEASIBLE, weights, 0.0, bound=0), weeks


@pytest.mark.parametrize("most_days", [3, 4])
def test_moves_reach_a_week_that_moving_most_days_at_once_cannot_improve_on_the_fixed_tiny_weeks(most_days):
    improved = 0
    for name, plan in FIXED.items():
        dearest, reached, weeks = _moved(plan, most_days)
        assert_keeps_every_hard_rule(reached)
        assert objective(reached) <= objective(dearest), name
        improved += objective(reached) < objective(dearest)
        days = _days(reached)
        for chosen in DAY_SETS[most_days - 2]:  # the largest sets: what none improves, no smaller one does
            kept = {index: day for index, day in days.items() if day not in chosen}
            for week in weeks:
                week_days = _days(week)
                if all(week_days[index] == day for index, day in kept.items()):
                    assert objective(week) >= objective(reached) - 1e-9, (name, chosen)
    assert improved >= 3  # not a week that was cheapest already


def test_a_big_week_on_session_pairs_leaves_its_one_search_room_for_the_moves(monkeypatch):
    """From PAIRS_LEAD_FROM sessions a week too big for day patterns has one search and no
    lead on pairs: with one worker that search gets 1 - MOVES_SHARE of the work, the moves
    what it leaves, up to four days at a time (no search follows them), and the week given is
    the moves' (cheaper here), with the search's bound."""
    found = []

    def recorded(m, solver, work, deadline, search_for, most_days):
        moved, spent = cheaper_by_days(m, solver, work, deadline, search_for, most_days)
        found.append((solver.parameters.max_deterministic_time, solver.deterministic_time, work, most_days, solver.objective_value, moved.objective_value))
        return moved, spent

    monkeypatch.setattr(solve_module, "cheaper_by_days", recorded)
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.05)  # 1 det s at 20 s
    plan = load_plan(BIG_PAIR_WEEK)
    assert len(plan.occurrences) >= solve_module.PAIRS_LEAD_FROM
    with same_day_form(patterns=False):
        week = solve_module.solve(plan, SolveOptions(time_limit=20))
    [(search_work, searched, moves_work, most_days, searched_cost, moved_cost)] = found
    assert most_days == 4
    assert search_work == pytest.approx(1 - solve_module.MOVES_SHARE)
    assert moves_work == pytest.approx(1.0 - searched) and moves_work == pytest.approx(solve_module.MOVES_SHARE, abs=0.01)
    assert moved_cost < searched_cost
    assert week.objective == pytest.approx(moved_cost / solve_module.WEIGHT_SCALE)
    assert_keeps_every_hard_rule(week)
    assert week.bound is not None and week.bound <= week.objective and not week.proven_optimal


def test_two_workers_on_a_big_week_on_session_pairs_keep_their_whole_search():
    """Two workers: one runs CP-SAT's own neighbourhoods beside the search; no moves after it."""
    plan, frame = frame_for(load_plan(BIG_PAIR_WEEK), SolveOptions())
    with same_day_form(patterns=False):
        m = build(plan, frame, plan.effective_weights())
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    assert not solve_module._leave_room_for_moves(m, SolveOptions(workers=2), solver)
    assert solver.parameters.max_time_in_seconds == 20
    assert solve_module._leave_room_for_moves(m, SolveOptions(), solver)
    assert solver.parameters.max_time_in_seconds == pytest.approx(20 * (1 - solve_module.MOVES_SHARE))
