"""Soft objective `key_freshness`: a key session on the day after a rest or easy day.

RULES.md version 2: a session marked `key: true` (the long run, the race-pace run, the
heavy squat) goes best on fresh legs and a fresh head. Penalty: 1 for each key session
whose previous calendar day holds a demanding session (any region; Sunday before Monday
when the week repeats). The hard rule `key_clearance` already keeps demanding work on the
same region out of the 24 h before it; this prefers the whole day before to be easy.

Model: per key session and day it may fall on, a boolean >= (on that day) + (the previous
day holds a demanding session) - 1, with the day flags shared with `hard_easy`.

Default weight: 8 for endurance, 5 for the strength goals, 3 for fat loss and general fitness.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.constraints.hard_easy import DEMANDING_DAY, demanding_sessions
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Placement, Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Plan

NAME = "key_freshness"
HARD = False
TITLE = "key sessions after an easy day"
DEFAULT_WEIGHTS = {
    Goal.strength: 5,
    Goal.hypertrophy: 5,
    Goal.power: 5,
    Goal.endurance: 8,
    Goal.fat_loss: 3,
    Goal.general: 3,
}


def day_before(plan: Plan, day: int) -> int | None:
    """The previous calendar day in the week (Sunday before Monday when it repeats)."""
    if day > 0:
        return day - 1
    return 6 if plan.rules.repeat_weekly else None


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    keys = [item for item in m.items if item.is_key]
    if not keys:
        return 0
    hard = m.day_holds(DEMANDING_DAY, lambda item: item.demanding)
    terms = []
    for key in keys:
        for day, flag in m.on_day[key.index].items():
            before = day_before(m.plan, day)
            if before is None or before not in hard:
                continue
            tired = m.model.new_bool_var(f"key_after_hard[{key.index},{day}]")
            m.model.add(tired >= flag + hard[before] - 1)
            terms.append(tired)
    return sum(terms)


def day_terms(frame: WeekFrame) -> Iterator[tuple[int, tuple[tuple[frozenset[int], int], ...]]]:
    """For the day floor: a key session on a day after one holding a demanding session."""
    plan = frame.plan
    demanding = demanding_sessions(plan)
    if not demanding:
        return
    for spec in sorted({item.spec_index for item in plan.occurrences if item.is_key}):
        for day in range(7):
            before = day_before(plan, day)
            if before is not None:
                yield 1, ((frozenset([spec]), day), (demanding, before))


def tired_keys(week: Week) -> list[tuple[Placement, list[Placement]]]:
    """(key session, the demanding sessions of its previous day) for each key that follows a hard day."""
    found = []
    for p in week.placements:
        if not p.occurrence.is_key:
            continue
        before = day_before(week.plan, p.day)
        if before is None:
            continue
        hard = [o for o in week.on_day(before) if o.occurrence.demanding]
        if hard:
            found.append((p, hard))
    return found


def penalty(week: Week) -> int:
    return len(tired_keys(week))


def reasons(week: Week) -> dict[int, list[str]]:
    tired = {p.occurrence.index: hard for p, hard in tired_keys(week)}
    found: dict[int, list[str]] = {}
    for p in week.placements:
        if not p.occurrence.is_key:
            continue
        before = day_before(week.plan, p.day)
        if p.occurrence.index in tired:
            names = ", ".join(o.occurrence.label for o in tired[p.occurrence.index])
            found[p.occurrence.index] = [
                f"a key session the day after {names}: it would go better after an easy day, "
                "but no such slot scored better overall (key_freshness)"
            ]
        elif before is not None:
            found[p.occurrence.index] = [
                f"a key session after an easy {WEEKDAY_NAMES[before]}, so you start it fresh (key_freshness)"
            ]
    return found


def cost_phrase(raw: float) -> str:
    return f"a key session the day after a demanding one (key_freshness {raw:+g})"
