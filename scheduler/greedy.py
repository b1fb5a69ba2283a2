"""A greedy week: first fit in priority order, the way simple planners place workouts.

It is the baseline the optimiser is measured against (see benchmarks/). Sessions are taken in priority order: the primary
goal's modality first, then the other modality, then mobility; longer sessions first
within a modality, file order last. Each goes to the earliest free grid start of the
week that keeps every hard rule, judged by the rules' own plain-Python checkers on the
sessions placed so far. Nothing already placed is ever moved, so greedy can fail to find
a week that exists; it then returns None.

`solve.solve` gives this week when its search ends without any (and, on a big week, the
short search on session pairs before it found none either), within what is left of the
time limit (`deadline`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from trainweek.constraints import HARD_RULES
from trainweek.scheduler.checking import finished_week
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.plan import Occurrence, Plan
from trainweek.scheduler.training import Modality, first_modality
from trainweek.scheduler.week import FIRST_FIT, Placement, Week


def priority_order(plan: Plan) -> list[Occurrence]:
    """Occurrences in the order greedy places them."""
    primary, _ = first_modality(plan.goals)
    secondary = Modality.endurance if primary is Modality.strength else Modality.strength
    rank = {primary: 0, secondary: 1, Modality.neither: 2}
    return sorted(plan.occurrences, key=lambda item: (rank[item.spec.modality], -item.spec.duration, item.index))


def candidate_starts(frame: WeekFrame, item: Occurrence) -> Iterator[int]:
    """Every free grid start of the week for this session, earliest first (real minutes)."""
    for day in range(7):
        for first, last in frame.session_start_ticks(item.spec, day):
            for tick in range(first, last + 1):
                yield tick * frame.step


class _PartialPlan:
    """The plan seen with only some of its sessions, so the checkers judge a partial week."""

    def __init__(self, plan: Plan, occurrences: tuple[Occurrence, ...]) -> None:
        self._plan = plan
        self.occurrences = occurrences

    def __getattr__(self, name: str):
        return getattr(self._plan, name)


def _placement(frame: WeekFrame, item: Occurrence, start: int) -> Placement:
    # The same construction Week.from_starts uses, for one session.
    return Week.from_starts(_PartialPlan(frame.plan, (item,)), frame, {item.index: start}, {}).placements[0]


def _fits(plan: Plan, frame: WeekFrame, placed: list[Placement], candidate: Placement) -> bool:
    # Cheap necessary condition first: a start that overlaps a placed session fails no_overlap.
    if any(candidate.start < p.end and p.start < candidate.end for p in placed):
        return False
    trial = placed + [candidate]
    partial = _PartialPlan(plan, tuple(sorted((p.occurrence for p in trial), key=lambda o: o.index)))
    week = Week(plan=partial, frame=frame, placements=tuple(sorted(trial, key=lambda p: (p.start, p.occurrence.index))), weights={})
    return not any(rule.check(week) for rule in HARD_RULES)


def greedy_week(plan: Plan, frame: WeekFrame, weights: dict[str, float], deadline: float | None = None) -> Week | None:
    """The first-fit week, scored with the plain-Python penalties; None if greedy gets stuck,
    or is still placing sessions at `deadline` (a time.monotonic() instant).

    The week's `status` is "GREEDY" (`week.FIRST_FIT`) and its `objective` the weighted sum of the
    objectives' `penalty` functions, comparable with a solved week's objective.
    """
    placed: list[Placement] = []
    for item in priority_order(plan):
        for start in candidate_starts(frame, item):
            if deadline is not None and time.monotonic() >= deadline:
                return None
            candidate = _placement(frame, item, start)
            if _fits(plan, frame, placed, candidate):
                placed.append(candidate)
                break
        else:
            return None
    return finished_week(plan, frame, {p.occurrence.index: p.start for p in placed}, weights, status=FIRST_FIT)
