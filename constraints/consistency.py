"""Soft objective `consistency`: a session done several times a week at a similar time of day.

Habits stick when Tuesday's and Thursday's runs start at the same hour. Penalty: for each
session with `times` of 2 or more, the spread between its earliest and latest start time
of day, in started hours.

Default weight: 1 whatever the goal, the lightest of the objectives.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from trainweek.constraints.rule import repeat_groups
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import format_minutes
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Placement, Week

NAME = "consistency"
HARD = False
TITLE = "consistent time of day"
DEFAULT_WEIGHTS = {goal: 1 for goal in Goal}


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    terms = []
    for group in repeat_groups(m.items):
        key = group[0].spec_index
        hours = m.model.new_int_var(0, 24, f"spread_hours[{key}]")
        earliest = m.model.new_int_var(-120, 26 * 60, f"earliest[{key}]")
        latest = m.model.new_int_var(-120, 26 * 60, f"latest[{key}]")
        for item in group:
            clock = m.time_of_day(item.index)
            m.model.add(earliest <= clock)
            m.model.add(latest >= clock)
        m.model.add(60 * hours >= latest - earliest)
        terms.append(hours)
    return sum(terms)


def _time_of_day(placement: Placement) -> int:
    """Minutes after midnight on the local clock at the start, as a person reads it."""
    return placement.local_start.hour * 60 + placement.local_start.minute


def spreads(week: Week) -> dict[int, int]:
    """Minutes between the earliest and latest time of day, per repeated session."""
    placed = week.by_occurrence()
    result = {}
    for group in repeat_groups(week.plan.occurrences):
        times = [_time_of_day(placed[item.index]) for item in group]
        result[group[0].spec_index] = max(times) - min(times)
    return result


def penalty(week: Week) -> int:
    return sum(-(-spread // 60) for spread in spreads(week).values())


def reasons(week: Week) -> dict[int, list[str]]:
    spread = spreads(week)
    found: dict[int, list[str]] = {}
    for p in week.placements:
        if p.occurrence.spec_index in spread:
            minutes = spread[p.occurrence.spec_index]
            found[p.occurrence.index] = [
                "same start time every time this week: a habit that sticks"
                if minutes == 0
                else f"its start times vary by {format_minutes(minutes)} across the week (consistency)"
            ]
    return found


def cost_phrase(raw: float) -> str:
    return f"a different time of day from its repeats (consistency {raw:+g})"


def start_spread(m: WeekModel) -> list[int]:
    """The sessions of the file whose repeats' spread the day floor's ways can see (training ones)."""
    return [group[0].spec_index for group in repeat_groups(m.items) if group[0].spec_index in m.training_copies]
