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
        the session on `day`, starting and ending inside `span` (real minutes);
    span_floor(m, day, span, items) -> int
        the sessions `items`, all in `span` of `day` (tidy times: a full window leaves no
        round start).

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

Once a week is known and the patterns only dearer weeks hold are ruled out (by the LP's
reduced costs), the same rows on the patterns left can be solved with whole patterns, split
into their ways over the day's spans (`whole_floor`, a short CP-SAT search): that also sees
the spread of repeated sessions' start times. Asked time after time for its cheapest choice
of days with a day outside the patterns its earlier choices used (`OutsideUnion`), it proves
a week optimal together with the best week over those patterns (`solve._best_over_union`).

The patterns are the day sets the hard rules allow (`WeekModel.day_sets`), whichever form
the model's same-day costs take: a week too big for pattern booleans (30 sessions) still
gets its floor, as long as its sets stay within FLOOR_SETS_AT_MOST.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, NamedTuple

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
    floors: dict[Pattern, int] = {}
    for pattern, _, cost in _ways(m, weights, day_sets):
        floors[pattern] = min(floors.get(pattern, cost), cost)
    return floors


def _hooks(weights: dict[str, int], name: str) -> list[tuple[int, Callable]]:
    """(weight, the function `name`) of each weighted objective whose module defines it."""
    return [(weights[rule.NAME], getattr(rule, name)) for rule in SOFT_OBJECTIVES if weights.get(rule.NAME) and hasattr(rule, name)]


def _ways(
    m: WeekModel,
    weights: dict[str, int],
    day_sets: dict[int, list[tuple[int, ...]]],
    ruled_out: Collection[Pattern] = (),
    in_spans: bool = False,
) -> Iterator[tuple[Pattern, tuple[int, ...], int]]:
    """Each day pattern's ways over the day's free spans (a span number per session, as
    `WeekModel.day_layouts` gives them; () for an empty day) with the weighted in-day cost
    of each, but for the patterns `ruled_out`. With `in_spans`, a way also costs what its
    sessions sharing a span cost together (`span_floor`): that places them exactly, too slow
    for every pattern of a big week (large-04: 4,333 groups of sessions, 1.3 s)."""
    plan, frame = m.plan, m.frame
    pair_rules, session_rules = _hooks(weights, "pair_floor"), _hooks(weights, "session_floor")
    span_rules = _hooks(weights, "span_floor") if in_spans else []
    copies = m.training_copies
    for day in range(7):
        spans, layouts = m.day_layouts(day)
        one_cache: dict[tuple[int, int], int] = {}
        pair_cache: dict[tuple[int, int, int, int], int] = {}
        span_cache: dict[tuple[int, tuple[int, ...]], int] = {}

        def sharing(number: int, specs: tuple[int, ...]) -> int:
            """The sessions of the file `specs`, all in span `number`."""
            if not specs:
                return 0
            if (number, specs) not in span_cache:
                span = (spans[number][0], spans[number][1])
                items = [copies[spec][0] for spec in specs]
                span_cache[(number, specs)] = sum(w * floor(m, day, span, items) for w, floor in span_rules)
            return span_cache[(number, specs)]

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

        # A set's ways are its smaller set's ways with one more session: cost them the same
        # way, and only those the patterns left need (the whole floor's are a fifth of them).
        cost: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {((), ()): 0}

        def way_cost(specs: tuple[int, ...], layout: tuple[int, ...]) -> int:
            if (specs, layout) not in cost:
                before, spec, earlier, number = specs[:-1], specs[-1], layout[:-1], layout[-1]
                here = way_cost(before, earlier) + one(spec, number)
                cost[(specs, layout)] = here + sum(pair(other, span, spec, number) for other, span in zip(before, earlier))
            return cost[(specs, layout)]

        for specs in day_sets[day]:
            m.keep_going()
            if (day, specs) in ruled_out:
                continue
            for layout in layouts[specs]:
                here = way_cost(specs, layout)
                if not span_rules:
                    yield (day, specs), layout, here
                else:
                    together: dict[int, tuple[int, ...]] = {}
                    for each, span in zip(specs, layout):
                        together[span] = together.get(span, ()) + (each,)
                    yield (day, specs), layout, here + sum(sharing(number, group) for number, group in together.items())


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


# A row of the floor's program: lower and upper limit (None: none), coefficients by column.
# A column is a pattern (chosen or not) or the index of a cross-day term (paid or not).
Row = tuple[int, int | None, dict[Pattern | int, int]]


def day_floor(m: WeekModel, weights: dict[str, int]) -> DayFloor | None:
    """The least weighted cost any week can have by its days alone: the LP over the day patterns
    with `pattern_floors` as costs (None if the week has too many day sets, is a re-plan,
    costs nothing by its days, or the LP cannot be solved)."""
    day_sets = _floor_day_sets(m)
    if day_sets is None:
        return None
    floors = pattern_floors(m, weights, day_sets)
    terms = _terms(m, weights)
    if not any(floors.values()) and not terms:
        return None
    # On a degenerate optimum GLOP's reduced costs, and so the patterns ruled out, depend on
    # the order of its columns: this one (the terms', then the patterns' as costed) is the one
    # measured in docs/model.md.
    costs: dict[Pattern | int, int] = {number: cost for number, (cost, _) in enumerate(terms)}
    costs.update(floors)
    lp = _linear_floor(costs, _rows(m, list(floors), terms))
    return DayFloor(*lp) if lp else None


def _floor_day_sets(m: WeekModel) -> dict[int, list[tuple[int, ...]]] | None:
    """The day sets a floor is made of; None where there are more than FLOOR_SETS_AT_MOST or
    the hard rules' sets do not hold (a diagnosis, a re-plan)."""
    return m.day_sets(FLOOR_SETS_AT_MOST) if m.day_sets_hold else None


def _terms(m: WeekModel, weights: dict[str, int]) -> list[tuple[int, tuple]]:
    """The objectives' costs across days (`day_terms`), weighted."""
    return [(weight * cost, holdings) for weight, day_terms in _hooks(weights, "day_terms") for cost, holdings in day_terms(m.frame)]


def _rows(m: WeekModel, patterns: list[Pattern], terms: list) -> list[Row]:
    """One pattern a day; each session of the file on as many days as it repeats; room left
    for the sessions patterns do not hold (`_room_rows`); at least the rest days empty; the
    hard rules' runs of days; each cross-day term paid at least the sum of its days'
    holdings less one."""
    rows: list[Row] = [(1, 1, {pattern: 1 for pattern in patterns if pattern[0] == day}) for day in range(7)]
    rows += [
        (len(items), len(items), {pattern: 1 for pattern in patterns if spec in pattern[1]}) for spec, items in m.training_copies.items()
    ]
    rows += _room_rows(m, patterns)
    if m.training_days_at_most is not None:
        always_rest = sum(1 for day in range(7) if not any(specs for pattern_day, specs in patterns if pattern_day == day))
        rows.append((7 - m.training_days_at_most - always_rest, None, {pattern: 1 for pattern in patterns if not pattern[1]}))
    for rule in HARD_RULES:
        for sessions, days in rule.day_runs(m.plan) if hasattr(rule, "day_runs") else ():
            rows.append((0, 1, {pattern: 1 for pattern in patterns if pattern[0] in days and not sessions.isdisjoint(pattern[1])}))
    for number, (_, holdings) in enumerate(terms):
        paid: dict[Pattern | int, int] = {number: 1}
        for sessions, held_day in holdings:
            for pattern in patterns:
                if pattern[0] == held_day and not sessions.isdisjoint(pattern[1]):
                    paid[pattern] = paid.get(pattern, 0) - 1
        rows.append((1 - len(holdings), None, paid))
    return rows


def _room_rows(m: WeekModel, patterns: list[Pattern]) -> list[Row]:
    """Room for the sessions day patterns do not hold (mobility) under the limit of sessions a
    day: the days' free places add up to at least their number, and a repeated one (on
    different days, `repeat_days`) has at least as many days open to it with a place free.

    Without these rows the floor filled days to the limit with training and left mobility
    nowhere to go: on the 21-session hybrid racer (three mobility sessions, at most three
    sessions a day) every day choice the whole floor offered from its 30th on was one the
    week model could not hold (docs/model.md)."""
    most = m.sessions_a_day_at_most
    others: dict[int, list] = {}
    for item in m.items:
        if not item.trains:
            others.setdefault(item.spec_index, []).append(item)
    if most is None or not others:
        return []
    rows: list[Row] = [(sum(map(len, others.values())), None, {p: most - len(p[1]) for p in patterns if len(p[1]) < most})]
    for copies in others.values():
        if len(copies) > 1:
            open_days = set(m.on_day[copies[0].index])
            rows.append((len(copies), None, {p: 1 for p in patterns if len(p[1]) < most and p[0] in open_days}))
    return rows


def _linear_floor(costs: dict[Pattern | int, int], rows: list[Row]) -> tuple[float, dict[Pattern, float]] | None:
    """The LP's optimum and each pattern's reduced cost; None if GLOP finds no optimum."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    columns = {key: lp.NumVar(0, 1, "") for key in costs}
    for low, high, coefficients in rows:
        row = lp.Constraint(low, lp.infinity() if high is None else high)
        for key, coefficient in coefficients.items():
            row.SetCoefficient(columns[key], coefficient)
    objective = lp.Objective()
    for key, cost in costs.items():
        objective.SetCoefficient(columns[key], cost)
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return lp.Objective().Value(), {key: column.reduced_cost() for key, column in columns.items() if isinstance(key, tuple)}


class WholeFloor(NamedTuple):
    """What `whole_floor` found: the bound, the work it took, and the day patterns of its
    cheapest choice (one a day; None where it found none)."""

    bound: float
    work: float
    days: tuple[Pattern, ...] | None = None


def whole_floor(
    m: WeekModel,
    weights: dict[str, int],
    ruled_out: set[Pattern],
    at_least: int,
    work: float,
    below: int | None = None,
    in_spans: bool = False,
    deadline: float | None = None,
) -> WholeFloor:
    """A bound on every week the model still holds (the `ruled_out` patterns are fixed off)
    from whole patterns, which also sees the spread of repeated sessions' start times, the
    work it took, and the days of its cheapest choice: a day choice no dearer than the
    bound by the days' own costs, which the week's search can complete (`solve`).

    The LP over days takes parts of patterns (large-05: 0, where every week costs at least
    6) and cannot see consistency, a cost in hours between a session's earliest and latest
    start time of day. Whole patterns split into their ways over the day's free spans can:
    a way gives each session the clock times its span allows, so the earliest start is at
    most, and the latest at least, what the chosen ways allow. CP-SAT solves that integer
    program (one worker, at most `work` deterministic seconds and until `deadline`), with
    ways that differ only in where sessions without repeats go merged at their least cost.
    With `below`, the cost of a week the model holds, it searches only for cheaper weeks:
    where there are none the bound is `below`, and that week is the best (large-04, 40:
    docs/model.md). With `in_spans`, the sessions sharing a span cost what they cost placed
    together (`_ways`). A rule module may define

        start_spread(m) -> iterable of sessions of the file (training, with repeats)
            a cost per started hour between the earliest and latest start time of day of
            each one's repeats.

    Returns 0 where no floor can be made."""
    columns = _whole_columns(m, weights, ruled_out, in_spans)
    if columns is None:
        return WholeFloor(0.0, 0.0)
    # Core-based search suits the spans' floor (large-05 proven in 0.19 det s) and not the
    # first (huge-03: no bound in 4 det s, 8 without): docs/model.md.
    return _cheapest(*columns, at_least, work, below, core=in_spans, deadline=deadline)


def _whole_columns(m: WeekModel, weights: dict[str, int], ruled_out: set[Pattern], in_spans: bool) -> tuple | None:
    """`whole_floor`'s program before its bounds: its ways with their costs, rows, the terms'
    costs and the repeated sessions' reach (`_cheapest`'s first four arguments); None where
    no floor can be made."""
    day_sets = _floor_day_sets(m)
    if day_sets is None:
        return None
    spreads = [(weight, spec) for weight, start_spread in _hooks(weights, "start_spread") for spec in start_spread(m)]
    spread_specs = {spec for _, spec in spreads}
    ways: dict[tuple[Pattern, tuple[int, ...]], int] = {}
    for pattern, layout, cost in _ways(m, weights, day_sets, ruled_out, in_spans):
        key = (pattern, tuple(span if spec in spread_specs else -1 for spec, span in zip(pattern[1], layout)))
        ways[key] = min(ways.get(key, cost), cost)
    reach: list[tuple[int, dict[tuple[Pattern, tuple[int, ...]], tuple[int, int]]]] = []
    for weight, spec in spreads:
        duration = m.training_copies[spec][0].spec.duration
        starts = {}
        for (day, specs), layout in ways:
            if spec in specs:
                first, end = m.day_layouts(day)[0][layout[specs.index(spec)]]
                starts[((day, specs), layout)] = m.frame.reading(day, first, end - duration + 1)
        reach.append((weight, starts))
    terms = _terms(m, weights)
    patterns = list(dict.fromkeys(pattern for pattern, _ in ways))
    return ways, _rows(m, patterns, terms), [cost for cost, _ in terms], reach


class OutsideUnion:
    """The spans' whole floor asked, time after time, for its cheapest choice of days that
    puts at least one day on a pattern no earlier answer used.

    Why: a floor's cheapest choice of days is where the best week most likely is, and the
    week model restricted to the patterns of a few such choices (their union) is small
    enough to solve to the end in a fraction of a second. Once the floor's cheapest choice
    outside the union costs no less than the best week inside it, no week costs less:
    every week's choice of days is either inside the union or costs at least the floor
    there. dense-02, open at 123.2 against 122.4 after every floor tried before, is proven
    so in 43 rounds (docs/model.md, sixteenth round). Each call adds to one CP-SAT model:
    the union only grows, so each round's "outside" row implies the earlier ones, and its
    cheapest choice never gets cheaper."""

    def __init__(self, m: WeekModel, weights: dict[str, int], ruled_out: set[Pattern]) -> None:
        columns = _whole_columns(m, weights, ruled_out, in_spans=True)
        self.union: set[Pattern] = set()
        self.program = _FloorProgram(*columns) if columns is not None else None

    def cheapest(self, at_least: int, below: int, work: float, deadline: float) -> WholeFloor:
        """The floor's cheapest choice of days outside the union, from `at_least`, below
        `below`; its bound is `below` where there is none, 0 where the search was cut short.
        Its days join the union."""
        if self.program is None:
            return WholeFloor(0.0, 0.0)
        found = self.program.cheapest(at_least, below, work, deadline, core=True)
        if found.days:
            self.take(found.days)
        return found

    def take(self, days: Collection[Pattern]) -> None:
        """Add these patterns to the union: the floor's next choice has a day outside it."""
        self.union.update(days)
        if self.program is not None:
            self.program.only_outside(self.union)

    def rule_out(self, patterns: Collection[Pattern]) -> None:
        """No choice holds these patterns from now on: a cheaper week found makes more of them
        dearer than it (`DayFloor.ruled_out`)."""
        if self.program is not None:
            self.program.rule_out(patterns)


def _cheapest(
    ways: dict[tuple[Pattern, tuple[int, ...]], int],
    rows: list[Row],
    term_costs: list[int],
    reach: list[tuple[int, dict[tuple[Pattern, tuple[int, ...]], tuple[int, int]]]],
    at_least: int,
    work: float,
    below: int | None,
    core: bool = False,
    deadline: float | None = None,
) -> WholeFloor:
    """CP-SAT's bound on choosing one way per pattern chosen, the patterns and the terms' paid
    columns keeping `rows`, at the ways' and terms' costs plus, for each (weight, {way: least
    and greatest start time of day}) in `reach`, the weight per started hour between the
    latest and earliest start; the work it did and the patterns of its best choice (`whole_floor`)."""
    return _FloorProgram(ways, rows, term_costs, reach).cheapest(at_least, below, work, deadline, core)


class _FloorProgram:
    """`_cheapest`'s integer program, kept to be asked again with more rows (`OutsideUnion`)."""

    def __init__(
        self,
        ways: dict[tuple[Pattern, tuple[int, ...]], int],
        rows: list[Row],
        term_costs: list[int],
        reach: list[tuple[int, dict[tuple[Pattern, tuple[int, ...]], tuple[int, int]]]],
    ) -> None:
        from ortools.sat.python import cp_model

        self.model = model = cp_model.CpModel()
        chosen = {key: model.new_bool_var("") for key in ways}
        columns: dict[Pattern | int, cp_model.IntVar] = {pattern: model.new_bool_var("") for pattern in dict.fromkeys(p for p, _ in ways)}
        columns.update((number, model.new_bool_var("")) for number in range(len(term_costs)))
        of_pattern: dict[Pattern, list[cp_model.IntVar]] = {}
        for (pattern, _), way in chosen.items():
            of_pattern.setdefault(pattern, []).append(way)
        for pattern, its_ways in of_pattern.items():
            model.add(cp_model.LinearExpr.sum(its_ways) == columns[pattern])
        for low, high, coefficients in rows:
            expression = cp_model.LinearExpr.weighted_sum([columns[key] for key in coefficients], list(coefficients.values()))
            model.add_linear_constraint(expression, low, cp_model.INT_MAX if high is None else high)
        objective = [cost * chosen[key] for key, cost in ways.items() if cost]
        objective += [cost * columns[number] for number, cost in enumerate(term_costs)]
        last = 26 * 60  # past any clock reading, a day's clock change included
        for weight, starts in reach:
            latest, earliest = model.new_int_var(0, last, ""), model.new_int_var(0, last, "")
            hours = model.new_int_var(0, last // 60, "")
            for day in range(7):
                # A day holds the session in at most one way: the latest start is at least the
                # least its way allows, the earliest at most the greatest (else `last`).
                here = [(chosen[key], low, high) for key, (low, high) in starts.items() if key[0][0] == day]
                if here:
                    held = [way for way, _, _ in here]
                    model.add(latest >= cp_model.LinearExpr.weighted_sum(held, [low for _, low, _ in here]))
                    model.add(earliest <= cp_model.LinearExpr.weighted_sum(held, [high - last for _, _, high in here]) + last)
            model.add(60 * hours >= latest - earliest)
            objective.append(weight * hours)
        self.total = cp_model.LinearExpr.sum(objective)
        model.minimize(self.total)
        # The bounds asked for and the union to stay outside of are one row each, changed in
        # place: a row added each round copied the whole objective or nearly every column,
        # 133,581 terms in dense-02's 20th round, and CP-SAT's presolve read them all again
        # in every later round (docs/model.md, nineteenth round).
        self.within = model.add_linear_constraint(self.total, cp_model.INT_MIN, cp_model.INT_MAX)
        self.outside: cp_model.Constraint | None = None
        self.columns = columns
        self.patterns = [key for key in columns if isinstance(key, tuple)]

    def only_outside(self, union: set[Pattern]) -> None:
        """From now on, a choice puts at least one day on a pattern outside `union`. The union
        only grows, so this row implies every earlier one and takes its place."""
        outside = [self.columns[pattern] for pattern in self.patterns if pattern not in union]
        if self.outside is None:
            self.outside = self.model.add_bool_or(outside)
        else:
            literals = self.outside.proto.bool_or.literals
            literals.clear()
            literals.extend([column.index for column in outside])

    def rule_out(self, patterns: Collection[Pattern]) -> None:
        """Fix these patterns' columns off."""
        for pattern in patterns:
            if pattern in self.columns:
                domain = self.model.proto.variables[self.columns[pattern].index].domain
                domain.clear()
                domain.extend([0, 0])

    def cheapest(self, at_least: int, below: int | None, work: float, deadline: float | None, core: bool) -> WholeFloor:
        """Its cheapest choice from `at_least` and, with `below`, under it (its bound is then
        `below` where there is none); the bounds stay in the program."""
        from ortools.sat.python import cp_model

        from trainweek.scheduler.interrupt import search_apart

        domain = self.within.proto.linear.domain
        domain[0] = max(domain[0], at_least)
        if below is not None:
            domain[1] = min(domain[1], below - 1)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = work
        if deadline is not None:
            solver.parameters.max_time_in_seconds = max(0.0, deadline - time.monotonic())
        solver.parameters.linearization_level = 2
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.optimize_with_core = core
        # Apart: core-based search has aborted the process (docs/model.md, sixteenth round).
        found = search_apart(solver, self.model, [self.columns[pattern] for pattern in self.patterns], "a lower bound on the week")
        if found.status == cp_model.INFEASIBLE and below is not None:
            return WholeFloor(float(below), found.work)
        if found.values is None:
            return WholeFloor(0.0, found.work)
        days = tuple(pattern for pattern, chosen in zip(self.patterns, found.values) if chosen)
        return WholeFloor(found.bound, found.work, days)
