"""Hard rule `repeat_days`: the repeats of one session fall on different days.

`times: 3` means three separate days with that session; back-to-back copies on one
day would only be one longer session. Someone who wants a double names the two parts
as separate sessions (e.g. "AM easy run" and "PM easy run").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from trainweek.constraints.rule import Relaxation, SizeProblem, repeat_groups
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "repeat_days"
HARD = True
TITLE = "repeats on different days"


def post(m: WeekModel) -> None:
    groups = repeat_groups(m.items)
    if not groups:
        return
    literal = m.rule_literal(NAME)
    for group in groups:
        for day in range(7):
            flags = [m.on_day[item.index][day] for item in group if day in m.on_day[item.index]]
            if len(flags) > 1:
                m.model.add_at_most_one(flags).only_enforce_if(literal)


def check(week: Week) -> list[str]:
    placed = week.by_occurrence()
    problems = []
    for group in repeat_groups(week.plan.occurrences):
        days = [placed[item.index].day for item in group]
        for day in sorted({d for d in days if days.count(d) > 1}):
            problems.append(
                f"{group[0].spec.name} is on {WEEKDAY_NAMES[day]} {days.count(day)} times; its repeats go on different days"
            )
    return problems


def reasons(week: Week) -> dict[int, list[str]]:
    return {}


def conflict(plan: Plan, frame: WeekFrame) -> str:
    repeated = [f"{spec.name} {spec.times} times a week means {spec.times} different days" for spec in plan.sessions if spec.times > 1]
    return f"{'; '.join(repeated)} (repeat_days)"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """None of its own: one repeat fewer is tried whatever the conflict, by diagnosis itself."""
    return []


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    """None of its own: rest_days checks a session is not wanted on more days than are open."""
    return iter(())
