"""Soft objective `hard_easy`: keep hard days hard and easy days easy.

RULES.md version 2 (replacing version 1's even daily load, which flattened the week and
pushed Foster's monotony over 2.0): a day is a hard day when it holds a demanding session
(hard, key, or a load of `demanding_load` AU or more; any body region). Penalty: 1 for
each pair of consecutive hard days, and 3 more for each three hard days in a row (Sunday
to Monday too when the week repeats; in a block, from the real week before, whose hard
days are known: `WeekFrame.before`, and in a re-plan of a block's week into the week after:
`WeekFrame.after`). Two demanding sessions stacked on one day count as
one hard day, so stacking is free here while spreading them over the week is not.

Model: `day_holds` gives per day a flag that is 1 whenever a demanding session falls on
it (exact on day patterns); a pair's and a triple's booleans are bounded from below by
the flags (x >= H[d] + H[d+1] - 1), exact because they only ever cost.

Default weight: highest for endurance (10), 8 for the strength goals, 6 for fat loss and
general fitness.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "hard_easy"
HARD = False
TITLE = "hard days and easy days"
DEFAULT_WEIGHTS = {
    Goal.strength: 8,
    Goal.hypertrophy: 8,
    Goal.power: 8,
    Goal.endurance: 10,
    Goal.fat_loss: 6,
    Goal.general: 6,
}
IN_A_ROW = 1  # per pair of consecutive hard days
THREE_IN_A_ROW = 3  # more, per three hard days in a row
DEMANDING_DAY = "demanding_day"  # the name of the day flags, shared with key_freshness


def runs(plan: Plan, length: int, frame: WeekFrame) -> list[tuple[int, ...]]:
    """Every `length` consecutive days, wrapping from Sunday to Monday when the week repeats;
    with a real week before or after, also the runs reaching into it (day -1 is last
    Sunday, day 7 next Monday)."""
    if plan.rules.repeat_weekly:
        return [tuple((day + n) % 7 for n in range(length)) for day in range(7)]
    first = 1 - length if frame.before else 0
    last = 6 if frame.after else 7 - length
    return [tuple(range(day, day + length)) for day in range(first, last + 1)]


def hard_around(frame: WeekFrame) -> set[int]:
    """The days of the weeks before and after (-1 last Sunday, 7 next Monday) holding a
    demanding session."""
    return {p.day for p in (*frame.before, *frame.after) if p.occurrence.demanding}


def _in_week(day: int) -> bool:
    return 0 <= day < 7


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    hard = m.day_holds(DEMANDING_DAY, lambda item: item.demanding)
    known = hard_around(m.frame)
    terms = []
    for length, price in ((2, IN_A_ROW), (3, THREE_IN_A_ROW)):
        for days in runs(m.plan, length, m.frame):
            here = [day for day in days if _in_week(day)]
            if not all(day in hard for day in here) or not all(day in known for day in days if not _in_week(day)):
                continue
            row = m.model.new_bool_var(f"hard_in_a_row[{','.join(map(str, days))}]")
            m.model.add(row >= sum(hard[day] for day in here) - (len(here) - 1))
            terms.append(price * row)
    return sum(terms)


def demanding_sessions(plan: Plan) -> frozenset[int]:
    """The sessions of the file (spec indexes) that make their day a hard day."""
    return frozenset(item.spec_index for item in plan.occurrences if item.demanding)


def day_terms(frame: WeekFrame) -> Iterator[tuple[int, tuple[tuple[frozenset[int], int], ...]]]:
    """For the day floor: each run of hard days this week's days can make, as `post` counts it."""
    plan = frame.plan
    demanding = demanding_sessions(plan)
    if not demanding:
        return
    known = hard_around(frame)
    for length, price in ((2, IN_A_ROW), (3, THREE_IN_A_ROW)):
        for days in runs(plan, length, frame):
            if all(day in known for day in days if not _in_week(day)):
                yield price, tuple((demanding, day) for day in days if _in_week(day))


def hard_days(week: Week) -> set[int]:
    """The days holding a demanding session."""
    return {p.day for p in week.placements if p.occurrence.demanding}


def rows(week: Week, length: int) -> list[tuple[int, ...]]:
    """The runs of `length` consecutive hard days (reaching into the real weeks around)."""
    hard = hard_days(week) | hard_around(week.frame)
    return [days for days in runs(week.plan, length, week.frame) if all(day in hard for day in days)]


def penalty(week: Week) -> int:
    return IN_A_ROW * len(rows(week, 2)) + THREE_IN_A_ROW * len(rows(week, 3))


def reasons(week: Week) -> dict[int, list[str]]:
    hard = hard_days(week)
    pairs = rows(week, 2)
    found: dict[int, list[str]] = {}
    for p in week.placements:
        if not p.occurrence.demanding:
            continue
        neighbours = [_day_name(other) for days in pairs if p.day in days for other in days if other != p.day]
        stacked = [o.occurrence.label for o in week.on_day(p.day) if o is not p and o.occurrence.demanding]
        notes = found.setdefault(p.occurrence.index, [])
        if stacked:
            notes.append(f"a hard day shared with {', '.join(stacked)}, so the days around it can stay easy (hard_easy)")
        if neighbours:
            notes.append(
                f"a hard day next to another hard day ({', '.join(neighbours)}): no arrangement with an easier day "
                "between scored better overall (hard_easy)"
            )
        elif len(hard) > 1 or stacked:
            notes.append("an easier day before and after it, so you come to it fresh and recover after it (hard_easy)")
    return {index: notes for index, notes in found.items() if notes}


def _day_name(day: int) -> str:
    """A day of the week, or of the weeks around it (last Sunday, next Monday)."""
    if _in_week(day):
        return WEEKDAY_NAMES[day]
    return f"{'last' if day < 0 else 'next'} {WEEKDAY_NAMES[day % 7]}"


def cost_phrase(raw: float) -> str:
    return f"a second demanding day in a row (hard_easy {raw:+g})"
