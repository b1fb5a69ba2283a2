"""Hard rule `key_clearance`: a clear run-in to each key session.

RULES.md version 2: a session marked `key: true` (the long run, the race-pace run, the
heavy squat) has no other demanding session that loads a region it loads ending within
`key_clearance` (default 24 h) before it starts. After the key session anything may
follow (the hard/easy rules see to that). With `repeat_weekly` it also holds from Sunday
into the next Monday. 0 switches it off.

Posted per (key, other demanding session sharing a region) as the allowed differences of
their starts: start_o - start_k <= -(duration_o + key_clearance) or >= duration_k, for
the copies of the other session in the weeks before and after too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.constraints.hard_days import region_words
from trainweek.constraints.rule import Relaxation, SizeProblem, count, with_rules
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_minutes
from trainweek.scheduler.week import Placement, Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan

NAME = "key_clearance"
HARD = True
TITLE = "a clear run-in to key sessions"


def _pairs(items: Iterable[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    """(key session, other demanding session loading a region it loads)."""
    items = list(items)
    return [
        (k, o)
        for k in items
        if k.is_key and k.demanding
        for o in items
        if o is not k and o.demanding and k.spec.regions & o.spec.regions
    ]


def clear_domain(key_duration: int, other_duration: int, clearance: int, week_length: int | None) -> cp_model.Domain:
    """Allowed values of start_other - start_key: ended `clearance` before the key starts, or after it."""
    low, high = cp_model.INT_MIN // 4, cp_model.INT_MAX // 4
    clear = cp_model.Domain.from_intervals([[low, -(other_duration + clearance)], [key_duration, high]])
    allowed = clear
    if week_length is not None:
        for shift in (week_length, -week_length):
            allowed = allowed.intersection_with(clear.addition_with(cp_model.Domain(-shift, -shift)))
    return allowed


def post(m: WeekModel) -> None:
    clearance = m.plan.rules.key_clearance
    if not clearance:
        return
    length = m.frame.length if m.plan.rules.repeat_weekly else None
    literal = m.rule_literal(NAME)
    for k, o in _pairs(m.items):
        m.keep_apart(k.index, o.index, clear_domain(k.spec.duration, o.spec.duration, clearance, length), literal)


def _clear(key: Placement, other: Placement, clearance: int, week_length: int | None) -> bool:
    shifts = (0, week_length, -week_length) if week_length is not None else (0,)
    return all(other.start + s >= key.end or other.end + s + clearance <= key.start for s in shifts)


def check(week: Week) -> list[str]:
    clearance = week.plan.rules.key_clearance
    if not clearance:
        return []
    length = week.frame.length if week.plan.rules.repeat_weekly else None
    placed = week.by_occurrence()
    return [
        f"the {region_words(k.spec.regions & o.spec.regions)} need {format_minutes(clearance)} clear before the key "
        f"session {placed[k.index].occurrence.label} ({placed[k.index].when}), and {placed[o.index].occurrence.label} "
        f"({placed[o.index].when}) is demanding for them (key_clearance)"
        for k, o in _pairs(week.plan.occurrences)
        if not _clear(placed[k.index], placed[o.index], clearance, length)
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    """Said of the session that sits as close before a key session as the rule lets it (within a day more)."""
    clearance = week.plan.rules.key_clearance
    if not clearance:
        return {}
    wrap = week.plan.rules.repeat_weekly
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for k, o in _pairs(week.plan.occurrences):
        key, other = placed[k.index], placed[o.index]
        before = key.start - other.end
        if wrap and before < 0:
            before += week.frame.length  # the other session of the week before
        if clearance <= before < clearance + 24 * 60:
            found.setdefault(o.index, []).append(
                f"done {format_minutes(before)} before {WEEKDAY_NAMES[key.day]}'s {key.occurrence.label}: "
                f"the {region_words(k.spec.regions & o.spec.regions)} come to a key session with "
                f"{format_minutes(clearance)} clear (key_clearance)"
            )
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    keys = sum(1 for i in plan.occurrences if i.is_key)
    others = {o.index for _, o in _pairs(plan.occurrences)}
    return (
        f"{count(keys, 'key session')} need {format_minutes(plan.rules.key_clearance)} clear of the other "
        f"{count(len(others), 'demanding session')} for the same body region before them (key_clearance)"
    )


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """A shorter clearance, six hours at a time."""
    return [_shorter(plan)]


def _shorter(plan: Plan) -> Iterator[Relaxation]:
    for hours in range(plan.rules.key_clearance // 60 - 6, -1, -6):
        yield Relaxation(NAME, f"key_clearance to {hours}h", partial(with_rules, key_clearance=hours * 60))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
