"""Soft objective `moves`: in a re-plan, sessions still to come stay where they were planned.

RULES.md version 2 ("Re-planning a week that did not go to plan"): a re-plan that moves two
sessions is better than one that moves five for a small gain. Penalty: 1 per session that
had a planned start still to come (`Occurrence.planned_at`, set only by `trainweek replan`)
and now starts anywhere else. Done sessions are fixed and missed ones must move, so neither
counts. Outside a re-plan no session has a planned start and the penalty is always 0.

Model: per such session a boolean, 0 only when its start equals the planned one.

Default weight: 5 whatever the goal: more than the soft costs a move usually saves (a
preferred time 2, a less round start 0.1 to 0.3), so a small gain does not move several
sessions, and well under a second demanding day in a row (hard_easy 6-10), which a move
may still avoid.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Placement, Week

NAME = "moves"
HARD = False
TITLE = "few moves in a re-plan"
DEFAULT_WEIGHTS = {goal: 5 for goal in Goal}


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    terms: list[cp_model.IntVar] = []
    off_grid = 0
    for item in m.items:
        if item.planned_at is None or item.fixed_at is not None:
            continue
        if item.planned_at % m.grid:
            off_grid += 1  # off the grid: it cannot stay
            continue
        moved = m.model.new_bool_var(f"moved[{item.index}]")
        m.model.add(m.start_step[item.index] == item.planned_at // m.grid).only_enforce_if(~moved)
        terms.append(moved)
    return off_grid + sum(terms)


def moved(week: Week) -> list[Placement]:
    """The sessions that left their planned start."""
    return [
        p for p in week.placements if p.occurrence.planned_at is not None and p.occurrence.fixed_at is None and p.start != p.occurrence.planned_at
    ]


def penalty(week: Week) -> int:
    return len(moved(week))


def reasons(week: Week) -> dict[int, list[str]]:
    found = {}
    for p in moved(week):
        was = week.frame.at(p.occurrence.planned_at or 0)
        found[p.occurrence.index] = [f"moved from {was:%A %H:%M}: staying put scored worse overall ({NAME} +1)"]
    return found


def cost_phrase(raw: float) -> str:
    return f"moving a session the re-plan could leave in place ({NAME} {raw:+g})"
