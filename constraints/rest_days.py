"""Hard rule `rest_days`: at least `rest_days` (default 1) full days without training.

Mobility is light work and is allowed on a rest day.
"""

from __future__ import annotations

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.week import Week

NAME = "rest_days"
HARD = True
TITLE = "rest days"


def post(m: WeekModel) -> None:
    training = [i for i in m.items if i.trains]
    if not training:
        return
    literal = m.rule_literal(NAME)
    day_used = []
    for day in range(7):
        flags = [m.on_day[i.index][day] for i in training if day in m.on_day[i.index]]
        if not flags:
            continue
        used = m.model.new_bool_var(f"training_day[{day}]")
        for flag in flags:
            m.model.add_implication(flag, used)
        day_used.append(used)
    m.model.add(sum(day_used) <= 7 - m.plan.rules.rest_days).only_enforce_if(literal)


def training_days(week: Week) -> set[int]:
    return {p.day for p in week.placements if p.occurrence.trains}


def check(week: Week) -> list[str]:
    rest = 7 - len(training_days(week))
    wanted = week.plan.rules.rest_days
    if rest < wanted:
        return [f"only {rest} rest day(s) this week; rest_days asks for {wanted}"]
    return []


def reasons(week: Week) -> dict[int, list[str]]:
    return {}


def rest_day_names(week: Week) -> list[str]:
    used = training_days(week)
    return [WEEKDAY_NAMES[day] for day in range(7) if day not in used]
