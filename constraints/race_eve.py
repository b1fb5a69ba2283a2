"""Hard rule `race_eve`: no demanding session in the 48 h before the race.

RULES.md version 2 ("Blocks of weeks", taper): a block with a `race:` arrives at it
fresh. No demanding session (hard, key, or `demanding_load` AU or more) may end later
than `RACE_EVE` before the race starts, unless it starts after the race is over. Easy
sessions (a shake-out run) may come closer. The race itself is busy time of its week, so
nothing overlaps it. Only a week whose frame carries the race (`WeekFrame.race`, set by
the block) posts anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.constraints.rule import Relaxation, SizeProblem
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import format_minutes
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "race_eve"
HARD = True
TITLE = "fresh for the race"
RACE_EVE = 48 * 60  # minutes before the race with no demanding session


def race_minutes(frame: WeekFrame) -> tuple[int, int] | None:
    """The race's start and end in this week's real minutes (they may lie outside it), or None."""
    if frame.race is None:
        return None
    start, end = frame.race
    return frame.minute_at(start), frame.minute_at(end)


def post(m: WeekModel) -> None:
    race = race_minutes(m.frame)
    if race is None or race[0] - RACE_EVE >= m.frame.length or race[1] <= 0:
        return
    start, end = race
    literal = m.rule_literal(NAME)
    low, high = cp_model.INT_MIN // 4, cp_model.INT_MAX // 4
    for item in m.items:
        if item.demanding:
            allowed = cp_model.Domain.from_intervals([[low, start - RACE_EVE - item.spec.duration], [end, high]])
            m.model.add_linear_expression_in_domain(m.start(item.index), allowed).only_enforce_if(literal)


def check(week: Week) -> list[str]:
    race = race_minutes(week.frame)
    if race is None:
        return []
    start, end = race
    return [
        f"{p.occurrence.label} ({p.when}) is demanding and ends {format_minutes(max(start - p.end, 0))} before the race; "
        f"nothing demanding in the {format_minutes(RACE_EVE)} before it ({NAME})"
        for p in week.placements
        if p.occurrence.demanding and p.end > start - RACE_EVE and p.start < end
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    race = race_minutes(week.frame)
    if race is None:
        return {}
    start = race[0]
    found: dict[int, list[str]] = {}
    for p in week.placements:
        if 0 < start - p.end < RACE_EVE + 24 * 60:
            text = (
                f"ends {format_minutes(start - p.end)} before the race, with nothing demanding in the last "
                f"{format_minutes(RACE_EVE)} ({NAME})"
                if p.occurrence.demanding
                else f"easy enough for the days before the race ({NAME})"
            )
            found.setdefault(p.occurrence.index, []).append(text)
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    if frame.race is None:
        return f"no demanding session in the {format_minutes(RACE_EVE)} before the race ({NAME})"
    return (
        f"the race on {frame.race[0]:%A %d %B %H:%M} leaves no demanding session in the "
        f"{format_minutes(RACE_EVE)} before it ({NAME})"
    )


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """None: the race date is not the plan's to move; the rules it meets offer theirs."""
    return []


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
