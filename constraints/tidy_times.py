"""Soft objective `tidy_times`: start times a person would pick.

Where other things tie, 06:00 beats 06:05 and 18:00 beats 17:55. Penalty per session, by
the minute of the hour its start shows on the local clock: :00 costs 0, :30 costs 1,
:15 and :45 cost 2, any other minute 3. It is read on the local clock, so a day on which
the clocks change counts the minute a person sees.

Model: the session's local time of day (`WeekModel.time_of_day`, right on days the clocks
change) is 60 h + r, and an element constraint looks the cost of r up in a table of the 60
minutes (not only the grid's: a zone whose clocks move by 30 min shifts them).

Floor (`span_floor`, for the day floor): sessions sharing one free span are placed exactly,
at the least cost the spacing rules let them start at; a full window can leave no session
a round start.

Default weight: 0.1 whatever the goal, so it only breaks ties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.scheduler.model import WeekModel, domain_values
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Placement, Week

if TYPE_CHECKING:
    from trainweek.scheduler.plan import Occurrence

NAME = "tidy_times"
HARD = False
TITLE = "tidy start times"
DEFAULT_WEIGHTS = {goal: 0.1 for goal in Goal}


def minute_cost(minute: int) -> int:
    """:00 -> 0, :30 -> 1, :15 or :45 -> 2, anything else 3."""
    return {0: 0, 30: 1, 15: 2, 45: 2}.get(minute % 60, 3)


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    table = [minute_cost(minute) for minute in range(60)]
    terms = []
    for item in m.items:
        hour = m.model.new_int_var(-3, 27, f"clock_hour[{item.index}]")
        minute = m.model.new_int_var(0, 59, f"clock_minute[{item.index}]")
        m.model.add(m.time_of_day(item.index) == 60 * hour + minute)
        cost = m.model.new_int_var(0, 3, f"untidy[{item.index}]")
        m.model.add_element(minute, table, cost)
        terms.append(cost)
    return sum(terms)


# Placements a span's floor tries before it settles for the sessions' least costs one by one.
SPAN_SEARCH_NODES = 2_000


def span_floor(m: WeekModel, day: int, span: tuple[int, int], items: list[Occurrence]) -> int:
    """The least cost of `items` all in the free `span` of `day` (real minutes): each at a start
    inside it, no two overlapping, apart as the spacing rules say (day_floor).

    Why: large-05's swim and sprints share Sunday's 07:00-12:00 with 4 h between
    modalities, so one of them starts at 11:30 whatever else the week does; no floor that
    looks at one session or one pair's reach sees that. A depth-first search over their
    starts, cheapest first, cut off at SPAN_SEARCH_NODES (then each session's own least cost,
    which is always below).
    """
    by_cost = [_starts_by_cost(m, item, day, span) for item in items]
    if not all(by_cost):
        return 3 * len(items)  # one never fits: no week holds these together, so any cost bounds it
    # The least cost depends only on the sessions and where their starts of each cost lie
    # from the span's start: the same group in a span of the same shape on another day, or
    # in another pattern, costs the same (large-04: 3,720 groups of 1,370 shapes).
    shape = (
        tuple(item.index for item in items),
        tuple(tuple((cost, tuple(edge - span[0] for edge in starts.flattened_intervals())) for cost, starts in each.items()) for each in by_cost),
    )
    placed = m.rule_caches.setdefault(f"{__name__}.span_floor", {})
    if shape not in placed:
        placed[shape] = _least_placed(m, items, by_cost)
    return placed[shape]


def _least_placed(m: WeekModel, items: list[Occurrence], by_cost: list[dict[int, cp_model.Domain]]) -> int:
    """`span_floor`'s search, over the sessions' starts by cost."""
    order = sorted(range(len(items)), key=lambda k: sum(d.size() for d in by_cost[k].values()))
    # The least the sessions from each depth on can cost, each alone: the search stops at a
    # placement that reaches it, and cuts a branch that cannot beat the best so far.
    rest = [sum(min(by_cost[k]) for k in order[depth:]) for depth in range(len(order) + 1)]
    best, nodes = 3 * len(items) + 1, 0
    chosen: dict[int, int] = {}

    def search(depth: int, spent: int) -> bool:
        """Whether the search ended within the node budget."""
        nonlocal best, nodes
        if depth == len(order):
            best = spent
            return True
        k = order[depth]
        for cost, starts in by_cost[k].items():
            if spent + cost + rest[depth + 1] >= best:
                break
            for j, at in chosen.items():
                starts = starts.intersection_with(m.start_differences(items[j], items[k]).addition_with(cp_model.Domain(at, at)))
            for start in domain_values(starts):
                if spent + cost + rest[depth + 1] >= best:
                    break
                nodes += 1
                if nodes > SPAN_SEARCH_NODES:
                    return False
                chosen[k] = start
                finished = search(depth + 1, spent + cost)
                del chosen[k]
                if not finished:
                    return False
                if best == rest[0]:
                    return True
        return True

    if not search(0, 0):
        return rest[0]
    return min(best, 3 * len(items))


def _starts_by_cost(m: WeekModel, item: Occurrence, day: int, span: tuple[int, int]) -> dict[int, cp_model.Domain]:
    """The session's starts inside `span` by their cost, cheapest first (kept on the model:
    the day floor asks for the same session in the same span in many groups)."""
    cache = m.rule_caches.setdefault(__name__, {})
    key = (item.index, day, span)
    if key not in cache:
        starts: dict[int, list[int]] = {}
        for start in m.starts_in_span(item, day, span):
            clock, _ = m.frame.reading(day, start, start + 1)
            starts.setdefault(minute_cost(clock), []).append(start)
        cache[key] = {cost: cp_model.Domain.from_values(starts[cost]) for cost in sorted(starts)}
    return cache[key]


def untidy(week: Week) -> list[tuple[Placement, int]]:
    """(placement, cost) for each session not starting on the hour."""
    return [(p, cost) for p in week.placements if (cost := minute_cost(p.local_start.minute))]


def penalty(week: Week) -> int:
    return sum(cost for _, cost in untidy(week))


def reasons(week: Week) -> dict[int, list[str]]:
    return {
        p.occurrence.index: [
            f"starts at {p.local_start:%H:%M}, a less round time: a rounder start scored worse overall (tidy_times +{cost})"
        ]
        for p, cost in untidy(week)
    }


def cost_phrase(raw: float) -> str:
    return f"a less round start time (tidy_times {raw:+g})"
