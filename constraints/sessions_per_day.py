"""Hard rule `sessions_per_day`: at most `max_sessions_per_day` (default 2) sessions on one day."""

from __future__ import annotations

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.week import Week

NAME = "sessions_per_day"
HARD = True
TITLE = "sessions per day"


def post(m: WeekModel) -> None:
    limit = m.plan.rules.max_sessions_per_day
    literal = m.rule_literal(NAME)
    for day in range(7):
        flags = [m.on_day[i.index][day] for i in m.items if day in m.on_day[i.index]]
        if len(flags) > limit:
            m.model.add(sum(flags) <= limit).only_enforce_if(literal)


def check(week: Week) -> list[str]:
    limit = week.plan.rules.max_sessions_per_day
    return [
        f"{WEEKDAY_NAMES[day]} has {len(week.on_day(day))} sessions; max_sessions_per_day is {limit}"
        for day in range(7)
        if len(week.on_day(day)) > limit
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    return {}
