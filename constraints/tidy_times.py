"""Soft objective `tidy_times`: start times a person would pick.

Where other things tie, 06:00 beats 06:05 and 18:00 beats 17:55. Penalty per session, by
the minute of the hour its start shows on the local clock: :00 costs 0, :30 costs 1,
:15 and :45 cost 2, any other minute 3. It is read on the local clock, so a day on which
the clocks change counts the minute a person sees.

Model: the session's local time of day (`WeekModel.time_of_day`, right on days the clocks
change) is 60 h + r, and an element constraint looks the cost of r up in a table of the 60
minutes (not only the grid's: a zone whose clocks move by 30 min shifts them).

Default weight: 0.1 whatever the goal, so it only breaks ties.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Placement, Week

NAME = "tidy_times"
HARD = False
TITLE = "tidy start times"
DEFAULT_WEIGHTS = {goal: 0.1 for goal in Goal}


def minute_cost(minute: int) -> int:
    """:00 -> 0, :30 -> 1, :15 or :45 -> 2, anything else 3."""
    return {0: 0, 30: 1, 15: 2, 45: 2}.get(minute % 60, 3)


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    table = [minute_cost(minute) for minute in range(60)]
    terms = []
    for item in m.items:
        hour = m.model.new_int_var(-3, 27, f"clock_hour[{item.index}]")
        minute = m.model.new_int_var(0, 59, f"clock_minute[{item.index}]")
        m.model.add(m.time_of_day(item.index) == 60 * hour + minute)
        cost = m.model.new_int_var(0, 3, f"untidy[{item.index}]")
        m.model.add_element(minute, table, cost)
        terms.append(cost)
    return sum(terms)


def untidy(week: Week) -> list[tuple[Placement, int]]:
    """(placement, cost) for each session not starting on the hour."""
    return [(p, cost) for p in week.placements if (cost := minute_cost(p.local_start.minute))]


def penalty(week: Week) -> int:
    return sum(cost for _, cost in untidy(week))


def reasons(week: Week) -> dict[int, list[str]]:
    return {
        p.occurrence.index: [
            f"starts at {p.local_start:%H:%M}, a less round time: a rounder start scored worse overall (tidy_times +{cost})"
        ]
        for p, cost in untidy(week)
    }


def cost_phrase(raw: float) -> str:
    return f"a less round start time (tidy_times {raw:+g})"
