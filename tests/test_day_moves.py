"""Moving a week's sessions two or three days at a time (scheduler/day_moves.py): from the
dearest valid week of each tiny week, the week reached keeps every hard rule, and brute force
finds no cheaper week that keeps the sessions of any four days where they are."""

from __future__ import annotations

import functools
import time

from ortools.sat.python import cp_model

from trainweek.scheduler.day_moves import DAY_SETS, cheaper_by_days
from trainweek.scheduler.solve import SolveOptions, _seeded_search, build, frame_for, solved_week
from tests.helpers import objective, valid_weeks
from tests.test_bruteforce import FIXED
from tests.test_first_fit import assert_keeps_every_hard_rule


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


def _moved(plan):
    """(the dearest valid week, the week the moves reach from it, every valid week)."""
    plan, frame = frame_for(plan, SolveOptions())
    weights = plan.effective_weights()
    weeks = list(valid_weeks(plan))
    dearest = max(weeks, key=objective)
    m = build(plan, frame, weights, pairs_only=True)
    start = _holding(m, dearest.starts())
    deadline = time.monotonic() + 60
    moved, work = cheaper_by_days(m, start, 10.0, deadline, functools.partial(_seeded_search, m, deadline=deadline, seed=0))
    assert 0 < work < 10.0  # stopped by a round without a cheaper week, not by its budget
    return dearest, solved_week(m, moved, cp_model.FEASIBLE, weights, 0.0, bound=0), weeks


def test_moves_reach_a_week_no_three_days_can_improve_on_the_fixed_tiny_weeks():
    improved = 0
    for name, plan in FIXED.items():
        dearest, reached, weeks = _moved(plan)
        assert_keeps_every_hard_rule(reached)
        assert objective(reached) <= objective(dearest), name
        improved += objective(reached) < objective(dearest)
        days = _days(reached)
        for chosen in DAY_SETS[-1]:  # the triples: a week no triple improves, no pair does
            kept = {index: day for index, day in days.items() if day not in chosen}
            for week in weeks:
                week_days = _days(week)
                if all(week_days[index] == day for index, day in kept.items()):
                    assert objective(week) >= objective(reached) - 1e-9, (name, chosen)
    assert improved >= 3  # not a week that was cheapest already
