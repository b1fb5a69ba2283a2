"""Soft objective `preferred_times`: a session on its `prefer` days and inside its `prefer` time.

Penalty: 1 for each session off its preferred days, and 1 for each session not lying
wholly inside its preferred time of day.

Default weight: 2 whatever the goal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAYS, format_clock
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Placement, Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence

NAME = "preferred_times"
HARD = False
TITLE = "preferred days and times"
DEFAULT_WEIGHTS = {goal: 2 for goal in Goal}


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    terms = []
    for item in m.items:
        prefer = item.spec.prefer
        if prefer is None:
            continue
        if prefer.days:
            wanted = {WEEKDAYS.index(day) for day in prefer.days}
            terms.append(1 - sum(flag for day, flag in m.on_day[item.index].items() if day in wanted))
        if prefer.time:
            terms.append(1 - _inside_time(m, item, *prefer.time))
    return sum(terms)


def session_floor(frame: WeekFrame, item: Occurrence, day: int, span: tuple[int, int]) -> int:
    """Off its days on `day`: 1; no start in `span` wholly inside its time: 1 more (day_floor)."""
    prefer = item.spec.prefer
    if prefer is None:
        return 0
    off_day = outside = False
    if prefer.days:
        off_day = day not in {WEEKDAYS.index(name) for name in prefer.days}
    if prefer.time:
        earliest, latest = prefer.time
        first, end = max(span[0], frame.minute(day, earliest)), min(span[1], frame.minute(day, latest))
        outside = end - first < item.spec.duration
    return off_day + outside


def _inside_time(m: WeekModel, item: Occurrence, earliest: int, latest: int) -> cp_model.IntVar:
    """A boolean that can be 1 only when the session lies inside [earliest, latest] local time."""
    ranges = []
    for day in m.on_day[item.index]:
        first = -(-m.frame.minute(day, earliest) // m.grid)
        last = (m.frame.minute(day, latest) - item.spec.duration) // m.grid
        if first <= last:
            ranges.append([first, last])
    inside = m.model.new_bool_var(f"in_preferred_time[{item.index}]")
    if not ranges:
        m.model.add(inside == 0)
    else:
        allowed = cp_model.Domain.from_intervals(ranges)
        m.model.add_linear_expression_in_domain(m.start_step[item.index], allowed).only_enforce_if(inside)
    return inside


def misses(week: Week) -> Iterator[tuple[Placement, str]]:
    """(placement, 'day' | 'time') for each preference the week does not meet."""
    for p in week.placements:
        prefer = p.spec.prefer
        if prefer is None:
            continue
        if prefer.days and WEEKDAYS[p.day] not in prefer.days:
            yield p, "day"
        if prefer.time:
            # As instants, as the model posts it: on a day the clocks change, the clock
            # reading at the start plus the length is not where the session ends.
            earliest, latest = (week.frame.minute(p.day, clock) for clock in prefer.time)
            if not (earliest <= p.start and p.end <= latest):
                yield p, "time"


def penalty(week: Week) -> int:
    return sum(1 for _ in misses(week))


def reasons(week: Week) -> dict[int, list[str]]:
    missed = {(p.occurrence.index, what) for p, what in misses(week)}
    found: dict[int, list[str]] = {}
    for p in week.placements:
        prefer = p.spec.prefer
        if prefer is None:
            continue
        notes = found.setdefault(p.occurrence.index, [])
        if prefer.days:
            days = "/".join(prefer.days)
            notes.append(
                f"not on your preferred days, {days} (preferred_times)"
                if (p.occurrence.index, "day") in missed
                else f"on a day you prefer for it ({days})"
            )
        if prefer.time:
            span = f"{format_clock(prefer.time[0])}-{format_clock(prefer.time[1])}"
            notes.append(
                f"outside your preferred time, {span} (preferred_times)"
                if (p.occurrence.index, "time") in missed
                else f"inside the time you prefer for it ({span})"
            )
    return found


def cost_phrase(raw: float) -> str:
    return f"off your preferred days or times (preferred_times {raw:+g})"
