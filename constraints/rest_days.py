"""Hard rule `rest_days`: at least `rest_days` (default 1) full days without training.

Mobility is light work and is allowed on a rest day.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from trainweek.constraints.rule import Relaxation, SizeProblem, count, with_rules
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS
from trainweek.scheduler.training import Kind
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "rest_days"
HARD = True
TITLE = "rest days"


def post(m: WeekModel) -> None:
    if any(item.trains for item in m.items):
        m.limit_training_days(7 - m.plan.rules.rest_days, m.rule_literal(NAME))


def training_days(week: Week) -> set[int]:
    return {p.day for p in week.placements if p.occurrence.trains}


def check(week: Week) -> list[str]:
    rest = 7 - len(training_days(week))
    wanted = week.plan.rules.rest_days
    if rest < wanted:
        return [f"only {count(rest, 'rest day')} this week, and you asked for {wanted}"]
    return []


def reasons(week: Week) -> dict[int, list[str]]:
    return {}


def rest_day_names(week: Week) -> list[str]:
    used = training_days(week)
    return [WEEKDAY_NAMES[day] for day in range(7) if day not in used]


def conflict(plan: Plan, frame: WeekFrame) -> str:
    rules = plan.rules
    training = sum(1 for i in plan.occurrences if i.trains)
    with_windows = {day for day, windows in plan.availability.items() if windows}
    no_window = [WEEKDAY_NAMES[d] for d, name in enumerate(WEEKDAYS) if name not in with_windows]
    text = (
        f"{count(rules.rest_days, 'full rest day')} a week leave {count(7 - rules.rest_days, 'day')} to train "
        f"for {count(training, 'session')} (rest_days: {rules.rest_days})"
    )
    return text + (f", and you have no free time on {', '.join(no_window)}" if no_window else "")


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """One rest day fewer at a time."""
    return [_fewer(plan)]


def _fewer(plan: Plan) -> Iterator[Relaxation]:
    for fewer in range(plan.rules.rest_days - 1, -1, -1):
        yield Relaxation(NAME, f"rest_days to {fewer}", partial(with_rules, rest_days=fewer))


def open_days(plan: Plan) -> int:
    """Days with a window in the file."""
    return sum(1 for windows in plan.availability.values() if windows)


def open_training_days(plan: Plan) -> int:
    """Days training can use: days with a window, less the rest days asked for."""
    return min(7 - plan.rules.rest_days, open_days(plan))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    """A session wanted on more days than are open to it (repeats fall on different days)."""
    opened = open_days(plan)
    for index, spec in enumerate(plan.sessions):
        days = opened if spec.kind is Kind.mobility else open_training_days(plan)
        if spec.times > days:
            yield SizeProblem(
                ("sessions", index, "times"),
                f"{spec.times} times a week needs {spec.times} different days, but only {days} are open "
                f"for it ({opened} days have windows, rest_days: {plan.rules.rest_days}); a double on one "
                "day is two sessions with their own names",
            )
