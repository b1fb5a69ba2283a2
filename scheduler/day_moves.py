"""A big week made cheaper a few days at a time.

The search on session pairs leaves 25-30 session weeks that moving the sessions of two,
three or four days at once makes cheaper: every other session stays on its day (at any time
of it), the chosen days' sessions may go to any day, and CP-SAT proves the best such week in
a few hundredths of a deterministic second. CP-SAT's own neighbourhoods are drawn from
variables and constraints, not cut along days. huge-04's week at the default limit went from
134.8 to 123.4 this way, in the work the patterns' search had used (docs/model.md, twentieth
round).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from trainweek.scheduler.interrupt import search
from trainweek.scheduler.model import WeekModel, hint_solution

# The days moved at once, fewest first: all pairs, then (where no pair helps) all triples,
# then all sets of four, for moves that no other search follows (`cheaper_by_days`).
DAY_SETS = tuple(tuple(itertools.combinations(range(7), size)) for size in (2, 3, 4))
# The most work one move gets: most are proven in 0.01-0.08 det s, a few need far more.
MOVE_WORK = 0.1


def cheaper_by_days(
    m: WeekModel,
    found: cp_model.CpSolver,
    work: float,
    deadline: float,
    search_for: Callable[[float], cp_model.CpSolver],
    most_days: int,
) -> tuple[cp_model.CpSolver, float]:
    """The solver holding the cheapest week reached from `found`'s, and the work spent.

    Goes round the pairs of days, and once a whole round of them makes nothing cheaper the
    triples, back to the pairs after each cheaper week (a variable neighbourhood descent),
    and so on up to `most_days` days at once, until a whole round of the largest makes
    nothing cheaper, `work` is spent or `deadline` (a time.monotonic() instant) comes. Each
    move searches a copy of the model with every session off the chosen days kept on its
    day, from the best week so far; `search_for(work)` gives its solver (one worker, so the
    same week comes every run).

    Four days at once suit moves that end a solve (a big week on session pairs), where the
    work a descent to triples leaves would go unused: 2 of 15 such runs came out cheaper,
    none dearer. Before the patterns' search, which takes what the moves leave, they made 1
    of 18 runs cheaper and 1 dearer, and its proofs later (docs/model.md, twenty-second round)."""
    day_sets = DAY_SETS[: most_days - 1]
    best, cost, spent = found, round(found.objective_value), 0.0
    size, turn, unimproved = 0, 0, 0
    while size < len(day_sets) and spent < work and time.monotonic() < deadline:
        days = day_sets[size][turn % len(day_sets[size])]
        turn += 1
        moved = m.model.clone()
        hint_solution(moved, best)
        moved.add_bool_and([flag for by_day in m.on_day.values() for day, flag in by_day.items() if day not in days and best.boolean_value(flag)])
        move = search_for(min(MOVE_WORK, work - spent))
        # One presolve pass, not three: each move is a CP-SAT start, and on a copy with most
        # days kept the later passes find little (drawn 9 on seed 2: its moves took 26.5 s of
        # wall time against 31.1). The interleaved searches stay: with one plain search
        # instead, that week ended at 156.1 against 104.5 (docs/model.md, twenty-first round).
        move.parameters.max_presolve_iterations = 1
        status = search(move, moved)
        spent += move.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and round(move.objective_value) < cost:
            best, cost, unimproved = move, round(move.objective_value), 0
            if size:
                size, turn = 0, 0
        else:
            unimproved += 1
            if unimproved == len(day_sets[size]):
                size, turn, unimproved = size + 1, 0, 0
    return best, spent
