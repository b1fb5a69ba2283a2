"""Hard rule `only_on`: a session with `only_on: [sat, sun]` goes on one of those days, never another.

For what a plan must hold whatever it costs elsewhere: the long run on the weekend, when
the club runs, the one morning the pool has a lane. `prefer: {days: ...}` only asks, at a
price the other objectives may outbid (a marathoner's long run went to Friday evening);
this forbids the other days.

Posted as the domain of each session's start (scheduler.model.WeekModel leaves the other
days out), so the day patterns and the floors never consider them. A model built for
diagnosis keeps every day in the domains and posts the other days off behind this rule's
literal, so a conflict it causes is named and unpinning the session is offered.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from trainweek.constraints.rule import Relaxation, SizeProblem, changed
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS, format_minutes
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan, SessionSpec

NAME = "only_on"
HARD = True
TITLE = "only on the days you set"


def day_names(spec: SessionSpec) -> str:
    """'Saturday or Sunday'."""
    names = [WEEKDAY_NAMES[WEEKDAYS.index(day)] for day in sorted(spec.only_on or (), key=WEEKDAYS.index)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def post(m: WeekModel) -> None:
    """Nothing in a model for solving (the start domains hold only the session's days); in
    one for diagnosis, the other days off behind the rule's literal."""
    if not m.relaxable:
        return
    pinned = [item for item in m.items if item.spec.only_on is not None and item.fixed_at is None]
    if not pinned:
        return
    literal = m.rule_literal(NAME)
    for item in pinned:
        for day, flag in m.on_day[item.index].items():
            if not item.spec.allows_day(day):
                m.model.add(flag == 0).only_enforce_if(literal)


def check(week: Week) -> list[str]:
    return [
        f"{p.occurrence.label} is on {WEEKDAY_NAMES[p.day]}; it may only go on {day_names(p.spec)}"
        for p in week.placements
        if p.occurrence.fixed_at is None and not p.spec.allows_day(p.day)
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    return {
        p.occurrence.index: [f"on {WEEKDAY_NAMES[p.day]}, one of the days you allow it ({day_names(p.spec)}; only_on)"]
        for p in week.placements
        if p.spec.only_on is not None and p.spec.allows_day(p.day)  # a session done elsewhere in a re-plan says nothing
    }


def _pinned(plan: Plan) -> list[SessionSpec]:
    return [spec for spec in plan.sessions if spec.only_on is not None]


def conflict(plan: Plan, frame: WeekFrame) -> str:
    pinned = "; ".join(f"{spec.name} only on {day_names(spec)}" for spec in _pinned(plan))
    return f"{pinned or 'no session is kept to days of its own'} (only_on)"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """A session free to go on any day, one at a time."""
    return [_unpinned(plan)]


def _unpinned(plan: Plan) -> Iterator[Relaxation]:
    for spec in _pinned(plan):
        free = spec.model_copy(update={"only_on": None})
        sessions = [free if s is spec else s for s in plan.sessions]
        yield Relaxation("sessions", f"let '{spec.name}' go on any day, not only {day_names(spec)}", partial(changed, sessions=sessions))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    """More repeats than days, or no window on the days long enough for the session."""
    for index, spec in enumerate(plan.sessions):
        if spec.only_on is None:
            continue
        if spec.times > len(spec.only_on):
            yield SizeProblem(
                ("sessions", index, "only_on"),
                f"{spec.times} a week needs {spec.times} different days, and only_on allows {len(spec.only_on)}; "
                "allow more days or lower times",
            )
            continue
        longest = max((end - start for day in spec.only_on for start, end in plan.availability.get(day, [])), default=0)
        if longest < spec.duration:
            yield SizeProblem(
                ("sessions", index, "only_on"),
                f"no window on {day_names(spec)} holds {format_minutes(spec.duration)} (the longest is "
                f"{format_minutes(longest)}); allow another day or widen a window",
            )
