"""A lower bound on a week's cost from its days: each day pattern at its least cost inside the day.

Why: on weeks of `solve.FLOOR_FROM` sessions and more, CP-SAT's bound stays near what
separation alone costs, far below the weeks it finds, because interference and goal order
depend on the times inside a day, and hard days on which days hold which sessions, neither
of which its LP relaxation sees (docs/model.md, "The day floor", "Across days"). A
pattern's sessions split over the day's free spans in a few ways. In each way a pair in two
spans has its order fixed and at most the spans' reach between them, a pair in one span at
most the span less both durations, and a session only the times of its span. The
objectives that cost something inside a day say what that least costs: a rule module may
define

    pair_floor(plan, a, b, apart, first) -> int
        a and b on one day with at most `apart` minutes from the end of the earlier to the
        start of the later; `first` is the one that must come first, None if either may;
    session_floor(frame, item, day, span) -> int
        the session on `day`, starting and ending inside `span` (real minutes).

A pattern's floor is the least, over its ways into the spans, of the weighted sum. The LP
over the patterns (one a day, each session of the file on as many days as it repeats, at
least the rest days empty) with these costs is a lower bound on every week the hard rules
allow: each objective is at least its in-day part, and every other part costs 0 or more.
A hard rule that reaches across days adds its rows to that LP through

    day_runs(plan) -> iterable of (sessions of the file, days)
        at most one of the days holds any of the sessions (hard days: each run of days
        holds one hard day per body region);

and an objective that costs across days adds its costs through

    day_terms(frame) -> iterable of (cost, ((sessions of the file, day), ...))
        `cost` (unweighted) whenever each of the days holds one of its sessions (two hard
        days in a row; a key session the day after a hard day),

each as a variable at least the sum of its days' holdings less one, exact in a whole week.

The patterns are the day sets the hard rules allow (`WeekModel.day_sets`), whichever form
the model's same-day costs take: a week too big for pattern booleans (30 sessions) still
gets its floor, as long as its sets stay within FLOOR_SETS_AT_MOST.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES

if TYPE_CHECKING:
    from trainweek.scheduler.model import WeekModel

# The most day sets a week may have for its floor: listing them takes about 70 us each
# (huge-02, 30 sessions: 37,066 in 2.6 s), the floor about 30 us each more.
FLOOR_SETS_AT_MOST = 50_000

# A day pattern by (day, the sessions of the file it holds), as `WeekModel.day_sets` lists them.
Pattern = tuple[int, tuple[int, ...]]

TOLERANCE = 1e-6  # relative, on the LP's optimum: the floor is rounded up to a whole cost only past it


def pattern_floors(m: WeekModel, weights: dict[str, int], day_sets: dict[int, list[tuple[int, ...]]]) -> dict[Pattern, int]:
    """Each day pattern's least weighted in-day cost (`weights` scaled as the objective's)."""
    plan, frame = m.plan, m.frame
    pair_rules = [(weights[rule.NAME], rule.pair_floor) for rule in SOFT_OBJECTIVES if weights.get(rule.NAME) and hasattr(rule, "pair_floor")]
    session_rules = [
        (weights[rule.NAME], rule.session_floor) for rule in SOFT_OBJECTIVES if weights.get(rule.NAME) and hasattr(rule, "session_floor")
    ]
    copies = m.training_copies
    floors: dict[Pattern, int] = {}
    for day in range(7):
        spans, layouts = m.day_layouts(day)
        one_cache: dict[tuple[int, int], int] = {}
        pair_cache: dict[tuple[int, int, int, int], int] = {}

        def one(spec: int, number: int) -> int:
            if (spec, number) not in one_cache:
                span = (spans[number][0], spans[number][1])
                one_cache[(spec, number)] = sum(w * floor(frame, copies[spec][0], day, span) for w, floor in session_rules)
            return one_cache[(spec, number)]

        def pair(a: int, x: int, b: int, y: int) -> int:
            """a in span x, b in span y; the earlier span's session comes first."""
            if (a, x, b, y) not in pair_cache:
                (x_a, early), (y_b, late) = sorted([(x, a), (y, b)])
                duration_early, duration_late = copies[early][0].spec.duration, copies[late][0].spec.duration
                if x_a == y_b:
                    apart, first = spans[x_a][1] - spans[x_a][0] - duration_early - duration_late, None
                else:
                    apart, first = spans[y_b][1] - duration_late - (spans[x_a][0] + duration_early), copies[early][0]
                pair_cache[(a, x, b, y)] = sum(w * floor(plan, copies[a][0], copies[b][0], apart, first) for w, floor in pair_rules)
            return pair_cache[(a, x, b, y)]

        # A set's ways are its smaller set's ways with one more session: cost them the same way.
        cost: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {((), ()): 0}
        for specs in sorted(day_sets[day], key=len):
            if not specs:
                floors[(day, specs)] = 0
                continue
            *before, spec = specs
            ways = []
            for layout in layouts[specs]:
                *earlier, number = layout
                here = cost[(tuple(before), tuple(earlier))] + one(spec, number)
                here += sum(pair(other, span, spec, number) for other, span in zip(before, earlier))
                cost[(specs, layout)] = here
                ways.append(here)
            floors[(day, specs)] = min(ways)
    return floors


@dataclass(frozen=True)
class DayFloor:
    """The LP's optimum (in the objective's scaled units) and each day pattern's reduced cost in it."""

    value: float
    reduced_costs: dict[Pattern, float]

    @property
    def bound(self) -> int:
        """The least whole cost any week can have."""
        return max(0, math.ceil(self.value - TOLERANCE * max(1.0, abs(self.value))))

    def ruled_out(self, best: float) -> set[Pattern]:
        """The (day, sessions) patterns no week costing at most `best` can hold.

        Every week, as a point of the LP, costs at least the optimum plus the reduced costs
        of its patterns (those at the LP's lower bound of 0 have them >= 0, and the rest
        only add), and at most its real cost: a pattern whose reduced cost alone is more
        than `best` less the optimum is in no week of cost `best` or less, the week that
        set `best` included."""
        slack = best - self.value + TOLERANCE * max(1.0, abs(best))
        return {pattern for pattern, reduced in self.reduced_costs.items() if reduced > slack}


def day_floor(m: WeekModel, weights: dict[str, int]) -> DayFloor | None:
    """The least weighted cost any week can have by its days alone: the LP over the day patterns
    with `pattern_floors` as costs (None if the week has too many day sets, is a re-plan,
    costs nothing by its days, or the LP cannot be solved)."""
    from ortools.linear_solver import pywraplp

    day_sets = m.day_sets(FLOOR_SETS_AT_MOST) if m.day_sets_hold else None
    if day_sets is None:
        return None
    floors = pattern_floors(m, weights, day_sets)
    terms = [
        (weights[rule.NAME] * cost, holdings)
        for rule in SOFT_OBJECTIVES
        if weights.get(rule.NAME) and hasattr(rule, "day_terms")
        for cost, holdings in rule.day_terms(m.frame)
    ]
    if not any(floors.values()) and not terms:
        return None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    one_a_day = {day: lp.Constraint(1, 1) for day in day_sets}
    each_session = {spec: lp.Constraint(len(items), len(items)) for spec, items in m.training_copies.items()}
    objective = lp.Objective()
    rest = None
    if m.training_days_at_most is not None:
        always_rest = sum(1 for day in range(7) if not any(specs for specs in day_sets[day]))
        rest = lp.Constraint(7 - m.training_days_at_most - always_rest, lp.infinity())
    runs = [
        (sessions, days, lp.Constraint(0, 1))
        for rule in HARD_RULES
        if hasattr(rule, "day_runs")
        for sessions, days in rule.day_runs(m.plan)
    ]
    held = []  # (sessions, day, the row of the term that counts that holding)
    for cost, holdings in terms:
        paid = lp.NumVar(0, 1, "")
        objective.SetCoefficient(paid, cost)
        row = lp.Constraint(1 - len(holdings), lp.infinity())  # paid >= holdings - (their number - 1)
        row.SetCoefficient(paid, 1)
        held.extend((sessions, day, row) for sessions, day in holdings)
    chosen_of = {}
    for (day, specs), floor in floors.items():
        chosen = chosen_of[(day, specs)] = lp.NumVar(0, 1, "")
        one_a_day[day].SetCoefficient(chosen, 1)
        for spec in specs:
            each_session[spec].SetCoefficient(chosen, 1)
        if rest is not None and not specs:
            rest.SetCoefficient(chosen, 1)
        for sessions, days, row in runs:
            if day in days and not sessions.isdisjoint(specs):
                row.SetCoefficient(chosen, 1)
        for sessions, held_day, row in held:
            if day == held_day and not sessions.isdisjoint(specs):
                row.SetCoefficient(chosen, row.GetCoefficient(chosen) - 1)
        objective.SetCoefficient(chosen, floor)
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return DayFloor(lp.Objective().Value(), {pattern: chosen.reduced_cost() for pattern, chosen in chosen_of.items()})
