"""Hard rule `sessions_per_day`: at most `max_sessions_per_day` (default 2) sessions on one day."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from trainweek.constraints.rest_days import open_days, open_training_days
from trainweek.constraints.rule import Relaxation, SizeProblem, count, with_rules
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "sessions_per_day"
HARD = True
TITLE = "sessions per day"
MOST_SUGGESTED = 4  # diagnosis suggests raising the limit up to this many sessions a day


def post(m: WeekModel) -> None:
    m.limit_sessions_a_day(m.plan.rules.max_sessions_per_day, m.rule_literal(NAME))


def check(week: Week) -> list[str]:
    limit = week.plan.rules.max_sessions_per_day
    return [
        f"{WEEKDAY_NAMES[day]} holds {len(week.on_day(day))} sessions; you allow at most {limit} a day"
        for day in range(7)
        if len(week.on_day(day)) > limit
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    return {}


def conflict(plan: Plan, frame: WeekFrame) -> str:
    days = sum(1 for day in range(7) if frame.free_blocks(day))
    return (
        f"{count(len(plan.occurrences), 'session')} to spread over {count(days, 'day')} with free time, "
        f"no more than {plan.rules.max_sessions_per_day} on one day (max_sessions_per_day)"
    )


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """One more session a day at a time."""
    return [_more(plan)]


def _more(plan: Plan) -> Iterator[Relaxation]:
    for more in range(plan.rules.max_sessions_per_day + 1, MOST_SUGGESTED + 1):
        yield Relaxation(NAME, f"max_sessions_per_day to {more}", partial(with_rules, max_sessions_per_day=more))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    """More sessions than the open days hold at this many a day."""
    per_day = plan.rules.max_sessions_per_day
    opened, training_days = open_days(plan), open_training_days(plan)
    training = sum(1 for item in plan.occurrences if item.trains)
    total = len(plan.occurrences)
    if training > training_days * per_day or total > opened * per_day:
        yield SizeProblem(
            ("sessions",),
            f"{training} training sessions ({total} in all) cannot fit: {opened} days have windows, "
            f"rest_days: {plan.rules.rest_days} leaves {7 - plan.rules.rest_days} for training, and "
            f"max_sessions_per_day is {per_day}; lower a session's times, add windows or raise "
            "max_sessions_per_day",
        )
