"""Hard rule `hard_recovery`: a minimum in hours between demanding sessions on the same body region.

Off by default: RULES.md version 2 counts recovery in calendar days (`hard_days`). A
person may still ask for hours instead (`hard_recovery: 48h`, version 1's rule), from the
end of one demanding session to the start of the next where both load a region; then
`easy_days_between` defaults to 0 unless the file sets it too. Demanding, not the label:
hard, key, or a load of `demanding_load` AU or more (a 2 h long run at RPE 4 counts).
Running and cycling load the lower body, swimming the upper body, rowing and full-body
lifting both. With `repeat_weekly` this also holds from Sunday into the next Monday.

Posted per pair as the allowed differences of their starts (`apart_domain` through
`keep_apart`), so the day patterns know which pairs can share a day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from trainweek.constraints.hard_days import region_words
from trainweek.constraints.rule import Relaxation, SizeProblem, count, with_rules
from trainweek.scheduler.model import WeekModel, apart_domain
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_minutes
from trainweek.scheduler.week import Week, rest_between, spaced

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan

NAME = "hard_recovery"
HARD = True
TITLE = "hours of recovery between demanding sessions"


def _pairs(items: Iterable[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    hard = [i for i in items if i.demanding]
    return [(a, b) for n, a in enumerate(hard) for b in hard[n + 1 :] if a.spec.regions & b.spec.regions]


def post(m: WeekModel) -> None:
    recovery = m.plan.rules.hard_recovery
    if not recovery:
        return
    wrap = m.frame.length if m.plan.rules.repeat_weekly else None
    literal = m.rule_literal(NAME)
    for a, b in _pairs(m.items):
        domain = apart_domain(a.spec.duration, b.spec.duration, recovery, None, wrap)
        m.keep_apart(a.index, b.index, domain, literal)


def check(week: Week) -> list[str]:
    recovery = week.plan.rules.hard_recovery
    if not recovery:
        return []
    wrap = week.frame.length if week.plan.rules.repeat_weekly else None
    placed = week.by_occurrence()
    return [
        f"the {region_words(a.spec.regions & b.spec.regions)} need {format_minutes(recovery)} between the demanding "
        f"sessions {placed[a.index].occurrence.label} ({placed[a.index].when}) and "
        f"{placed[b.index].occurrence.label} ({placed[b.index].when}) (hard_recovery)"
        for a, b in _pairs(week.plan.occurrences)
        if not spaced(placed[a.index], placed[b.index], recovery, None, wrap)
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    """Said of the later session, when it sits within a day of the shortest recovery."""
    recovery = week.plan.rules.hard_recovery
    if not recovery:
        return {}
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for a, b in _pairs(week.plan.occurrences):
        first, second = sorted((placed[a.index], placed[b.index]), key=lambda p: p.start)
        if rest_between(first, second) < recovery + 24 * 60:
            words = region_words(first.spec.regions & second.spec.regions)
            found.setdefault(second.occurrence.index, []).append(
                f"the {words} get {format_minutes(recovery)} after {first.occurrence.label} on "
                f"{WEEKDAY_NAMES[first.day]} before the next demanding session ({NAME})"
            )
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    hard = sum(1 for i in plan.occurrences if i.demanding)
    return (
        f"{count(hard, 'demanding session')} must be {format_minutes(plan.rules.hard_recovery or 0)} apart where they "
        f"load the same body region ({NAME})"
    )


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """A shorter recovery, six hours at a time, then none."""
    return [_shorter(plan)]


def _shorter(plan: Plan) -> Iterator[Relaxation]:
    for hours in range((plan.rules.hard_recovery or 0) // 60 - 6, 0, -6):
        yield Relaxation(NAME, f"hard_recovery to {hours}h", partial(with_rules, hard_recovery=hours * 60))
    yield Relaxation(NAME, "hard_recovery off", partial(with_rules, hard_recovery=None))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
