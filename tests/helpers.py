"""Building weeks by hand and by brute force, for tests that do not trust the solver."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from unittest import mock

from trainweek.scheduler import model as week_model
from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES, availability
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.timetext import WEEKDAYS, parse_clock
from trainweek.scheduler.week import Week


def frame_of(plan: Plan) -> WeekFrame:
    return WeekFrame(plan, plan.week_start)


def week_at(plan: Plan, *slots: str) -> Week:
    """A week with the plan's sessions, in order, at slots like 'mon 18:00'."""
    frame = frame_of(plan)
    starts = {}
    for item, slot in zip(plan.occurrences, slots, strict=True):
        day, clock = slot.split()
        starts[item.index] = frame.minute(WEEKDAYS.index(day), parse_clock(clock))
    return Week.from_starts(plan, frame, starts, plan.effective_weights())


def violations(week: Week) -> dict[str, list[str]]:
    return {rule.NAME: found for rule in HARD_RULES if (found := rule.check(week))}


def objective(week: Week) -> float:
    return round(sum(week.weights[rule.NAME] * rule.penalty(week) for rule in SOFT_OBJECTIVES), 2)


def _candidate_starts(plan: Plan, frame: WeekFrame, index: int) -> list[int]:
    """Grid starts where this one session alone passes the availability checker."""
    item = plan.occurrences[index]
    alone = plan.model_copy(update={"sessions": [item.spec.model_copy(update={"times": 1})]})
    alone_frame = WeekFrame(alone, frame.week_start)
    found = []
    for minute in range(0, frame.length, plan.grid):
        week = Week.from_starts(alone, alone_frame, {0: minute}, {})
        if not availability.check(week):
            found.append(minute)
    return found


def valid_weeks(plan: Plan, weights: dict[str, float] | None = None) -> Iterator[Week]:
    """Every week of the plan on its grid that keeps every hard rule."""
    frame = frame_of(plan)
    weights = weights or plan.effective_weights()
    choices = [_candidate_starts(plan, frame, item.index) for item in plan.occurrences]
    for combo in itertools.product(*choices):
        week = Week.from_starts(plan, frame, dict(enumerate(combo)), weights)
        if not any(rule.check(week) for rule in HARD_RULES):
            yield week


def brute_force(plan: Plan, weights: dict[str, float] | None = None) -> tuple[float | None, int]:
    """The best objective over every valid week (None if there is none), and how many are valid."""
    best, valid = None, 0
    for week in valid_weeks(plan, weights):
        valid += 1
        value = objective(week)
        best = value if best is None else min(best, value)
    return best, valid


def same_day_form(patterns: bool):
    """Larger weeks post same-day costs on day patterns; force either form whatever the size."""
    return mock.patch.object(week_model, "PATTERNS_FROM", 1 if patterns else 10_000)


def assert_no_week_beats_the_solver(plan: Plan, patterns: bool) -> None:
    """Enumerate every valid week: the solver's, in the given form, is proven and as good as the best."""
    from tests.conftest import solve_plan

    best, valid = brute_force(plan)
    assert valid > 0
    with same_day_form(patterns):
        week = solve_plan(plan)
    assert week.status == "OPTIMAL"
    assert week.objective == best
