"""Soft objective `separation`: lifting and endurance on different days.

The article's cleanest way to avoid interference (e.g. lift Mon/Wed/Fri, run
Tue/Thu/Sat). Penalty: 1 per strength/endurance pair sharing a day.

Default weight: highest for the strength goals and general fitness, lowest for fat loss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.constraints.rule import lift_and_endurance, strength_endurance_pairs
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.plan import Occurrence, Plan

NAME = "separation"
HARD = False
TITLE = "modalities on separate days"
DEFAULT_WEIGHTS = {
    Goal.strength: 6,
    Goal.hypertrophy: 6,
    Goal.power: 6,
    Goal.endurance: 3,
    Goal.fat_loss: 2,
    Goal.general: 6,
}


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    return m.same_day_cost(strength_endurance_pairs(m.items), lambda s, e: 1)


def pair_floor(plan: Plan, a: Occurrence, b: Occurrence, apart: int, first: Occurrence | None) -> int:
    """A lift and an endurance session on one day: 1, wherever they sit in it (day_floor)."""
    return 0 if lift_and_endurance(a, b) is None else 1


def penalty(week: Week) -> int:
    placed = week.by_occurrence()
    return sum(1 for s, e in strength_endurance_pairs(week.plan.occurrences) if placed[s.index].day == placed[e.index].day)


def reasons(week: Week) -> dict[int, list[str]]:
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        if placed[s.index].day == placed[e.index].day:
            for index, other in ((s.index, placed[e.index]), (e.index, placed[s.index])):
                found.setdefault(index, []).append(
                    f"shares the day with {other.occurrence.label}: separate days keep the endurance work from "
                    "blunting the lift, a preference here, not a rule (separation)"
                )
    return found


def cost_phrase(raw: float) -> str:
    return f"lifting and endurance on the same day (separation {raw:+g})"
