"""Hard rule `no_overlap`: a person does one session at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from trainweek.constraints.rule import Relaxation, SizeProblem
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "no_overlap"
HARD = True
TITLE = "one session at a time"


def post(m: WeekModel) -> None:
    """Always enforced (no literal): a week with two sessions at once is no week."""
    m.model.add_no_overlap(m.interval.values())


def check(week: Week) -> list[str]:
    ordered = sorted(week.placements, key=lambda p: p.start)
    return [
        f"{a.occurrence.label} ({a.when}) overlaps {b.occurrence.label} ({b.when})"
        for a, b in zip(ordered, ordered[1:])
        if b.start < a.end
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    return {}


def conflict(plan: Plan, frame: WeekFrame) -> str:
    return "you can only do one session at a time (no_overlap)"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    return []


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
