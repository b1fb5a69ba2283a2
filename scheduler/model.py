"""The CP-SAT decision variables of a week, shared by every rule module.

Each session gets a start on the time grid (`start_step`: steps of real minutes since Monday
00:00, `WeekFrame.step` long: the grid, or less where a change of offset moves the clock's
grid) whose domain already holds only the starts inside a free window, one
boolean per day it may fall on (linked to the start by the day's part of that domain),
and a fixed size interval. Rules ask this container for derived variables (same-day
pairs, order, days holding a kind of session) so each is made once however many rules use
it, and post through its helpers whatever depends on how same-day costs are formulated:
`same_day_cost` and `day_holds` alone choose between session pairs and day patterns
(`uses_day_patterns`), and `keep_apart`, `limit_sessions_a_day`, `limit_chosen_a_day` and
`limit_training_days` record what the hard rules allow so the day patterns can leave out what they forbid. A
rule module never asks which form is in use.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, cast

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from trainweek.scheduler.day_floor import DayFloor
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan


# From this many sessions the same-day objectives are posted on day patterns, with the LP
# relaxation on (docs/model.md has the measurements behind the switch).
PATTERNS_FROM = 11
MOST_PATTERNS = 20_000


class WeekModel:
    def __init__(
        self, plan: Plan, frame: WeekFrame, *, relaxable: bool = False, pairs_only: bool = False, stop: threading.Event | None = None
    ) -> None:
        self.model = cp_model.CpModel()
        self.pairs_only = pairs_only  # same-day costs on session pairs whatever the size
        self.stop = stop or threading.Event()  # set by another thread once the model is no longer wanted (`keep_going`)
        self.plan = plan
        self.frame = frame
        self.items: tuple[Occurrence, ...] = plan.occurrences
        self.grid = frame.step  # real minutes per tick
        self.relaxable = relaxable
        self.rule_literals: dict[str, cp_model.IntVar] = {}
        # The objective solve.build minimises, a lower bound on it found outside the model
        # (the day floor, raised by solve once dearer patterns are ruled out) and the LP it
        # came from.
        self.objective: cp_model.LinearExpr | int = 0
        self.floor = 0
        self.day_floor: DayFloor | None = None
        self.start_step: dict[int, cp_model.IntVar] = {}
        self.on_day: dict[int, dict[int, cp_model.IntVar]] = {}
        self.day_steps: dict[int, dict[int, cp_model.Domain]] = {}
        self._clock_terms: dict[int, cp_model.LinearExpr] = {}
        self.interval: dict[int, cp_model.IntervalVar] = {}
        self._same_day: dict[tuple[int, int], cp_model.IntVar] = {}
        self._before: dict[tuple[int, int], cp_model.LinearExpr] = {}
        self._day_holds: dict[str, dict[int, cp_model.LinearExpr]] = {}
        # What the hard rules allow, kept for the day patterns: per session pair the
        # differences of starts, the sessions a day, the days with training.
        self._allowed_differences: dict[tuple[int, int], cp_model.Domain] = {}
        self._start_differences: dict[tuple[int, int], cp_model.Domain] = {}
        self.sessions_a_day_at_most: int | None = None
        self.training_days_at_most: int | None = None
        # (sessions of the file, most of them on one day) from `limit_chosen_a_day`.
        self._chosen_a_day_at_most: list[tuple[frozenset[int], int]] = []
        # Per day, once asked: the day's sets of sessions (`_day_specs`), and its free spans
        # with the ways each set splits over them (`day_layouts`).
        self._day_specs_cache: dict[int, list[tuple[int, ...]]] = {}
        self._layouts_cache: dict[int, tuple[list[list[int]], dict[tuple[int, ...], list[tuple[int, ...]]]]] = {}
        # What a rule module keeps between calls on this model, under its name (tidy_times:
        # a session's starts in a span by cost, asked for by many of the day floor's groups,
        # and each shape of group's least cost).
        self.rule_caches: dict[str, dict] = {}
        # Day patterns (day, sessions) fixed off: only weeks dearer than one found hold them
        # (`solve._rule_out_dearer`, which posts each once).
        self.ruled_out: set[tuple[int, tuple[int, ...]]] = set()
        for item in self.items:
            self._place(item)

    def _place(self, item: Occurrence) -> None:
        duration = item.spec.duration
        if item.fixed_at is not None:  # done in a re-plan: where it happened, free time or not
            day = max(d for d in range(7) if self.frame.day_starts[d] <= item.fixed_at)
            per_day = {d: [(item.fixed_at // self.grid,) * 2] if d == day else [] for d in range(7)}
        else:
            # A model for diagnosis keeps the days `only_on` leaves out, and that rule posts
            # them off behind its literal, so a conflict can name it.
            per_day = {
                day: self.frame.start_ticks(day, duration) if self.relaxable else self.frame.session_start_ticks(item.spec, day)
                for day in range(7)
            }
        all_ranges = [r for ranges in per_day.values() for r in ranges]
        if not all_ranges:
            raise NoRoom(item)
        domain = cp_model.Domain.from_intervals([list(r) for r in all_ranges])
        step = self.model.new_int_var_from_domain(domain, f"start_step[{item.index}]")
        self.start_step[item.index] = step
        self.on_day[item.index] = {}
        self.day_steps[item.index] = {}
        for day, ranges in per_day.items():
            if not ranges:
                continue
            steps = cp_model.Domain.from_intervals([list(r) for r in ranges])
            flag = self.model.new_bool_var(f"day[{item.index},{day}]")
            self.model.add_linear_expression_in_domain(step, steps).only_enforce_if(flag)
            self.on_day[item.index][day] = flag
            self.day_steps[item.index][day] = steps
        self.model.add_exactly_one(self.on_day[item.index].values())
        self.interval[item.index] = self.model.new_fixed_size_interval_var(
            self.start(item.index), duration, f"session[{item.index}]"
        )

    def keep_going(self) -> None:
        """Raise BuildStopped once `stop` is set: the long loops of building call this, so a
        model built beside a search that proves the week stops within milliseconds."""
        if self.stop.is_set():
            raise BuildStopped

    def start(self, index: int) -> cp_model.LinearExpr:
        """The session's start in real minutes since Monday 00:00 local."""
        return self.grid * self.start_step[index]

    def rule_literal(self, name: str) -> cp_model.IntVar:
        """Enforcement literal of a hard rule: fixed true unless diagnosing infeasibility."""
        if name not in self.rule_literals:
            literal = self.model.new_bool_var(f"rule[{name}]")
            if not self.relaxable:
                self.model.add(literal == 1)
            self.rule_literals[name] = literal
        return self.rule_literals[name]

    # --- hard rules: posted, and remembered for the day patterns --------------------

    def _not_yet_formulated(self) -> None:
        if "uses_day_patterns" in self.__dict__:
            raise RuntimeError("post the hard rules before any same-day cost: the day patterns are built on them")

    def keep_apart(self, i: int, j: int, allowed: cp_model.Domain, literal: cp_model.IntVar) -> None:
        """Post start_j - start_i in `allowed` (real minutes) behind a rule's literal.

        The domain is remembered so day patterns can leave out pairs that never fit one day.
        """
        self._not_yet_formulated()
        self.model.add_linear_expression_in_domain(self.start(j) - self.start(i), allowed).only_enforce_if(literal)
        key = (min(i, j), max(i, j))
        oriented = allowed if key == (i, j) else allowed.negation()
        known = self._allowed_differences.get(key)
        self._allowed_differences[key] = known.intersection_with(oriented) if known is not None else oriented

    def limit_sessions_a_day(self, most: int, literal: cp_model.IntVar) -> None:
        """At most `most` sessions on any one day, behind a rule's literal; day patterns hold no more."""
        self._not_yet_formulated()
        self.sessions_a_day_at_most = most
        for day in range(7):
            flags = [self.on_day[i.index][day] for i in self.items if day in self.on_day[i.index]]
            if len(flags) > most:
                self.model.add(sum(flags) <= most).only_enforce_if(literal)

    def limit_chosen_a_day(self, chosen: Iterable[Occurrence], most: int, literal: cp_model.IntVar) -> None:
        """At most `most` of the chosen sessions on any one day, behind a rule's literal.

        The choice must hold every repeat of a session or none (it is remembered by
        session of the file), so day patterns can leave out those holding more.
        """
        self._not_yet_formulated()
        chosen = list(chosen)
        specs = frozenset(item.spec_index for item in chosen)
        if sum(1 for item in self.items if item.spec_index in specs) != len(chosen):
            raise ValueError("limit_chosen_a_day takes every repeat of a session or none")
        self._chosen_a_day_at_most.append((specs, most))
        for day in range(7):
            flags = [self.on_day[i.index][day] for i in chosen if day in self.on_day[i.index]]
            if len(flags) > most:
                self.model.add(sum(flags) <= most).only_enforce_if(literal)

    def limit_training_days(self, most: int, literal: cp_model.IntVar) -> None:
        """At most `most` days hold a training session (mobility does not train), behind a rule's literal.

        With day patterns the rest of the days are also counted as empty patterns.
        """
        self._not_yet_formulated()
        self.training_days_at_most = most
        training = [i for i in self.items if i.trains]
        day_used = []
        for day in range(7):
            flags = [self.on_day[i.index][day] for i in training if day in self.on_day[i.index]]
            if not flags:
                continue
            used = self.model.new_bool_var(f"training_day[{day}]")
            for flag in flags:
                self.model.add_implication(flag, used)
            day_used.append(used)
        self.model.add(sum(day_used) <= most).only_enforce_if(literal)

    @property
    def most_training_days(self) -> int:
        """Days training sessions can use: open to one of them and not needed as rest days."""
        open_days = sum(1 for day in range(7) if any(day in self.on_day[i.index] for i in self.items if i.trains))
        limit = 7 if self.training_days_at_most is None else self.training_days_at_most
        return min(limit, open_days)

    # --- derived variables -------------------------------------------------------------

    def may_share_day(self, i: int, j: int) -> bool:
        """Whether sessions i and j have a day both could fall on."""
        return bool(self.on_day[i].keys() & self.on_day[j].keys())

    def same_day(self, i: int, j: int) -> cp_model.IntVar:
        """1 whenever sessions i and j share a day; only for terms where a 1 costs."""
        key = (min(i, j), max(i, j))
        if key not in self._same_day:
            var = self.model.new_bool_var(f"same_day[{key}]")
            for day in self.on_day[i].keys() & self.on_day[j].keys():
                self.model.add(var >= self.on_day[i][day] + self.on_day[j][day] - 1)
            self._same_day[key] = var
        return self._same_day[key]

    def before(self, i: int, j: int) -> cp_model.LinearExpr:
        """Exactly 1 when session i ends before session j starts (they never overlap)."""
        if (i, j) not in self._before:
            var = self.model.new_bool_var(f"before[{i},{j}]")
            dur_i, dur_j = self.items[i].spec.duration, self.items[j].spec.duration
            self.model.add(self.start(i) + dur_i <= self.start(j)).only_enforce_if(var)
            self.model.add(self.start(j) + dur_j <= self.start(i)).only_enforce_if(~var)
            self._before[(i, j)] = var
            self._before[(j, i)] = ~var
        return self._before[(i, j)]

    # --- same-day costs: the one place that chooses pairs or day patterns --------------

    @cached_property
    def uses_day_patterns(self) -> bool:
        """Whether same-day costs are posted on day patterns rather than session pairs.

        Only for weeks of PATTERNS_FROM sessions or more, and only while the patterns stay
        few (a generous max_sessions_per_day over many sessions would make millions):
        counted after the hard rules and the day's windows prune them (`_day_specs`), once
        the count before pruning is within twice MOST_PATTERNS. Never in a model built for
        diagnosis: patterns assume the hard rules hold.
        """
        if self.pairs_only or not self.day_patterns_in_reach:
            return False
        return self.day_sets(MOST_PATTERNS) is not None

    @cached_property
    def day_patterns_in_reach(self) -> bool:
        """The first, cheap half of `uses_day_patterns` (whatever `pairs_only` says), before
        any set is listed: PATTERNS_FROM sessions or more, a model for solving, and at most
        twice MOST_PATTERNS sets before pruning (pruning leaves 60-95% of them on the
        benchmark weeks: more are not worth counting). On 56 big weeks it never disagreed
        with the full answer."""
        if len(self.items) < PATTERNS_FROM or not self.day_sets_hold:
            return False
        unpruned = 0
        for day in range(7):
            here = len({i.spec_index for i in self.items if i.trains and day in self.on_day[i.index]})
            limit = here if self.sessions_a_day_at_most is None else min(self.sessions_a_day_at_most, here)
            unpruned += sum(math.comb(here, size) for size in range(limit + 1))
        return unpruned <= 2 * MOST_PATTERNS

    @cached_property
    def day_sets_hold(self) -> bool:
        """Whether every week this model allows has each day's sessions among `day_sets`:
        not in a model built for diagnosis (the hard rules may be off), nor in a re-plan (done
        sessions differ from their repeats)."""
        return not self.relaxable and not any(i.fixed_at is not None or i.planned_at is not None for i in self.items)

    def day_sets(self, most: int) -> dict[int, list[tuple[int, ...]]] | None:
        """Each day's sets of sessions that may share it (`_day_specs`), or None once they
        number more than `most` in the week."""
        sets: dict[int, list[tuple[int, ...]]] = {}
        counted = 0
        for day in range(7):
            sets[day] = self._day_specs(day, most - counted)
            counted += len(sets[day])
            if counted > most:
                return None
        return sets

    @cached_property
    def training_copies(self) -> dict[int, list[Occurrence]]:
        """The training sessions (not mobility) by session of the file: what day patterns hold."""
        copies: dict[int, list[Occurrence]] = {}
        for item in self.items:
            if item.trains:
                copies.setdefault(item.spec_index, []).append(item)
        return copies

    def _day_specs(self, day: int, most: int | None = None) -> list[tuple[int, ...]]:
        """The sets of the file's training sessions the hard rules let share `day`, pruned.

        Made depth first so a set is only grown from one that already fits: no more than
        `limit_sessions_a_day` and `limit_chosen_a_day` allow, within the day's free
        minutes, no pair `keep_apart` keeps off one day, and split over the day's spans as
        `_packing` and `_apart_across_spans` allow. With `most`, stops once there
        are more than that (the caller then keeps the pair form). Cached per day.
        """
        cache = self._day_specs_cache
        if day in cache:
            return cache[day]
        copies = self.training_copies
        here = [spec for spec, items in copies.items() if day in self.on_day[items[0].index]]
        limit = len(here) if self.sessions_a_day_at_most is None else min(self.sessions_a_day_at_most, len(here))
        free = sum(end - first for first, end in self.frame.free_spans(day))
        duration = {spec: self.plan.sessions[spec].duration for spec in here}
        fits = {
            pair for pair in itertools.combinations(here, 2) if self._can_share(copies[pair[0]][0], copies[pair[1]][0], day)
        }
        fits_span, where, spans = self._packing(day, here)
        apart_across = self._apart_across_spans(day, spans)
        layouts_of: dict[tuple[int, ...], list[tuple[int, ...]]] = {(): [()]}
        found: list[tuple[int, ...]] = []

        def grow(specs: tuple[int, ...], minutes: int, start: int) -> bool:
            self.keep_going()
            found.append(specs)
            if most is not None and len(found) > most:
                return False
            if len(specs) == limit:
                return True
            for position in range(start, len(here)):
                spec = here[position]
                if minutes + duration[spec] > free or not all((other, spec) in fits for other in specs):
                    continue
                bigger = specs + (spec,)
                if any(len(limited.intersection(bigger)) > at_most for limited, at_most in self._chosen_a_day_at_most):
                    continue
                # The ways the bigger set fits the day's spans, grown from the smaller set's.
                layouts = [
                    layout + (number,)
                    for layout in layouts_of[specs]
                    for number in where[spec]
                    if fits_span(number, frozenset([s for s, n in zip(specs, layout) if n == number] + [spec]))
                    and all(apart_across(s, n, spec, number) for s, n in zip(specs, layout) if n != number)
                ]
                if not layouts:
                    continue
                layouts_of[bigger] = layouts
                if not grow(bigger, minutes + duration[spec], position + 1):
                    return False
            return True

        if grow((), 0, 0):
            found.sort(key=len)
            cache[day] = found
            self._layouts_cache[day] = (spans, layouts_of)
        return found

    def day_layouts(self, day: int) -> tuple[list[list[int]], dict[tuple[int, ...], list[tuple[int, ...]]]]:
        """The day's free spans ([first, end) real minutes) and, for each of its patterns' sets, the
        ways the set splits over them (a span number per session) that `_packing` allows."""
        self._day_specs(day)
        return self._layouts_cache[day]

    def same_day_cost(
        self,
        pairs: Iterable[tuple[Occurrence, Occurrence]],
        cost: Callable[[Occurrence, Occurrence], int],
    ) -> cp_model.LinearExpr | int:
        """The sum of `cost(a, b)` over the given pairs of sessions that share a day.

        `cost` must depend on the sessions of the file only (not on which repeat), and be 0
        for a session that does not train (day patterns hold training sessions only). On
        session pairs each costly pair gets a same-day boolean, bounded from below (it only
        ever costs); on day patterns the cost is exact, linear in the pattern booleans, and
        the sum is one variable bounded below by `_count_floor`, the least cost any split of
        the sessions over whole days allows, which the LP relaxation cannot see.
        """
        costly = [(a, b, price) for a, b in pairs if (price := cost(a, b)) and self.may_share_day(a.index, b.index)]
        if not self.uses_day_patterns:
            return sum(price * self.same_day(a.index, b.index) for a, b, price in costly)
        by_specs: dict[tuple[int, int], int] = {}
        for a, b, price in costly:
            if not (a.trains and b.trains):
                raise ValueError(f"a same-day cost on {a.label} and {b.label}: day patterns hold training sessions only")
            key = (min(a.spec_index, b.spec_index), max(a.spec_index, b.spec_index))
            if by_specs.setdefault(key, price) != price:
                raise ValueError(f"the same-day cost of {a.label} and {b.label} differs between repeats")
        if not by_specs:
            return 0

        def price_of(x: int, y: int) -> int:
            return by_specs.get((min(x, y), max(x, y)), 0)

        total = self.model.new_int_var(self._count_floor(price_of), sum(price for _, _, price in costly), "same_day_cost")
        self.model.add(total == self._pattern_cost(price_of))
        return total

    def _count_floor(self, price_of: Callable[[int, int], int]) -> int:
        """The least same-day cost of any split of the sessions over whole days, counted by class.

        Sessions of the file whose costs to every other session are the same form a class
        (for `separation`: the lifts, the endurance sessions, the rest); two of one class
        cost nothing together, as each costs what the other costs with itself. Each day
        allows the class counts of its patterns; a dynamic programme over the days finds the cheapest
        counts that place every session (within `limit_training_days`), ignoring which
        session is which, so it never exceeds the true least cost. The LP relaxation mixes
        patterns across days and misses this (it bounded large-04's separation at 2 pairs
        where 4 are unavoidable). 0 when there are too many classes to count.
        """
        copies = self.training_copies
        specs = sorted(copies)
        rows: dict[tuple[int, ...], list[int]] = {}
        for spec in specs:
            rows.setdefault(tuple(price_of(spec, other) for other in specs), []).append(spec)
        members = [group for row, group in rows.items() if any(row)]  # classes that ever cost
        class_of = {spec: number for number, group in enumerate(members) for spec in group}
        across = [[price_of(first[0], second[0]) for second in members] for first in members]
        totals = tuple(sum(len(copies[spec]) for spec in group) for group in members)
        if math.prod(total + 1 for total in totals) > 2_000:
            return 0
        rest_limit = self.training_days_at_most

        def day_cost(counts: tuple[int, ...]) -> int:
            return sum(across[c][d] * counts[c] * counts[d] for c, d in itertools.combinations(range(len(counts)), 2))

        # States: (class counts placed so far, training days used) -> least cost.
        states: dict[tuple[tuple[int, ...], int], int] = {(tuple(0 for _ in members), 0): 0}
        for day in range(7):
            options: dict[tuple[tuple[int, ...], bool], int] = {}
            for pattern in self._day_specs(day) or [()]:
                tally = [0] * len(members)
                for spec in pattern:
                    if spec in class_of:
                        tally[class_of[spec]] += 1
                options[(tuple(tally), bool(pattern))] = day_cost(tuple(tally))
            grown: dict[tuple[tuple[int, ...], int], int] = {}
            for (placed, used), so_far in states.items():
                for (counts, trains), price in options.items():
                    after = tuple(p + c for p, c in zip(placed, counts))
                    days = used + trains
                    if any(a > t for a, t in zip(after, totals)) or (rest_limit is not None and days > rest_limit):
                        continue
                    key = (after, days)
                    if so_far + price < grown.get(key, math.inf):
                        grown[key] = so_far + price
            states = grown
        return min((cost for (placed, _), cost in states.items() if placed == totals), default=0)

    def day_holds(self, name: str, select: Callable[[Occurrence], bool]) -> dict[int, cp_model.LinearExpr]:
        """Per day, 1 whenever a selected session falls on it; only for terms where a 1 costs.

        On day patterns it is exact: the sum of the patterns holding a selected session
        (which must train). Made once per `name`, which names the variables.
        """
        if name in self._day_holds:
            return self._day_holds[name]
        flags: dict[int, cp_model.LinearExpr] = {}
        if self.uses_day_patterns:
            chosen = {item.spec_index for item in self.items if select(item)}
            if any(select(item) and not item.trains for item in self.items):
                raise ValueError(f"{name}: day patterns hold training sessions only")
            holding: dict[int, list[cp_model.IntVar]] = {}
            for pattern in self.day_patterns:
                if chosen.intersection(pattern.specs):
                    holding.setdefault(pattern.day, []).append(pattern.chosen)
            flags = {day: cast(cp_model.LinearExpr, sum(patterns)) for day, patterns in holding.items()}
        else:
            for day in range(7):
                here = [self.on_day[i.index][day] for i in self.items if select(i) and day in self.on_day[i.index]]
                if here:
                    flag = self.model.new_bool_var(f"{name}[{day}]")
                    for literal in here:
                        self.model.add_implication(literal, flag)
                    flags[day] = flag
        self._day_holds[name] = flags
        return flags

    @cached_property
    def day_patterns(self) -> list[DayPattern]:
        """Which training sessions share each day, as a choice of one pattern per day.

        A pattern is a set of sessions of the file (repeats fall on different days, so a
        session is in a day's pattern or not) that the hard rules let share that day: no
        more than `limit_sessions_a_day` and `limit_chosen_a_day` allow, within the day's
        free minutes, and no pair that `keep_apart` keeps off one day. Same-day costs become
        linear in the pattern booleans, and the LP relaxation of this set partition bounds
        the separation objective tightly where the pair booleans cannot (docs/model.md). With
        `limit_training_days`, enough days must have the empty pattern. It relies on the
        hard rules being enforced, so it exists only in a model built for solving, never in
        one for diagnosis.
        """
        assert not self.relaxable, "day patterns assume the hard rules hold"
        copies = self.training_copies
        patterns = []
        for day in range(7):
            here = [spec for spec, items in copies.items() if day in self.on_day[items[0].index]]
            chosen_today = []
            for specs in self._day_specs(day):
                chosen = self.model.new_bool_var(f"pattern[{day},{','.join(map(str, specs))}]")
                patterns.append(DayPattern(day, specs, chosen))
                chosen_today.append(patterns[-1])
            self.model.add_exactly_one(p.chosen for p in chosen_today)
            for spec in here:
                flags = [self.on_day[item.index][day] for item in copies[spec] if day in self.on_day[item.index]]
                self.model.add(sum(flags) == sum(p.chosen for p in chosen_today if spec in p.specs))
        if copies and self.training_days_at_most is not None:
            always_rest = sum(1 for day in range(7) if not any(p.day == day and p.specs for p in patterns))
            rest = [p.chosen for p in patterns if not p.specs]
            self.model.add(sum(rest) >= 7 - self.training_days_at_most - always_rest)
        return patterns

    def _packing(self, day: int, here: list[int]):
        """What tells whether the day's windows can hold a set of sessions, necessary and cheap.

        Each session starts and ends in one of the day's free spans (busy time cut out), so
        the set must split over the spans such that in each span some order of its sessions
        fits, each one at least the least start difference the spacing rules allow after
        every one before it (its duration, or more: a run, a lift and a ride in one window
        keep 10 min between neighbours, but the run and the ride need 4 h), with starts on
        the grid. Each pair is held to its least difference alone, so a set that fails can
        never be placed on the day; one that passes may still fail.
        Returns (fits_span(span, sessions), the spans each session fits, the spans).
        """
        spans: list[list[int]] = []
        for first, end in sorted(self.frame.free_spans(day)):
            if spans and first <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)  # touching spans: a session may cross
            else:
                spans.append([first, end])
        copies = self.training_copies
        item = {spec: copies[spec][0] for spec in here}
        duration = {spec: item[spec].spec.duration for spec in here}
        where: dict[int, list[int]] = {}
        for spec in here:
            where[spec] = [number for number, span in enumerate(spans) if not self._steps_in_span(item[spec], day, span).is_empty()]
        gap_cache: dict[tuple[int, int], int | None] = {}

        def least_gap(a: int, b: int) -> int | None:
            """Least start_b - start_a with a first and no overlap, or None if none is allowed."""
            if (a, b) not in gap_cache:
                allowed = self.start_differences(item[a], item[b]).intersection_with(cp_model.Domain(0, cp_model.INT_MAX // 4))
                gap_cache[(a, b)] = None if allowed.is_empty() else allowed.min()
            return gap_cache[(a, b)]

        def on_grid(minutes: int) -> int:
            return -(-minutes // self.grid) * self.grid

        step_cache: dict[tuple[int, int], int | None] = {}

        def least_step(a: int, b: int) -> int | None:
            """least_gap on the grid: both starts are on it, so the gap rounds up to it."""
            if (a, b) not in step_cache:
                gap = least_gap(a, b)
                step_cache[(a, b)] = None if gap is None else on_grid(gap)
            return step_cache[(a, b)]

        def in_some_order(starts: dict[int, int], rest: frozenset[int], room: int) -> bool:
            # Depth first over orders; a prefix that already runs past the room ends all its orders.
            if not rest:
                return True
            for spec in rest:
                start = 0
                for before, at in starts.items():
                    gap = least_step(before, spec)
                    if gap is None:
                        break
                    start = max(start, at + gap)
                else:
                    if start + duration[spec] <= room and in_some_order({**starts, spec: start}, rest - {spec}, room):
                        return True
            return False

        span_cache: dict[tuple[int, frozenset[int]], bool] = {}

        def fits_span(number: int, group: frozenset[int]) -> bool:
            # Starts are on the grid: the first at the span's first grid minute or later, each
            # next one at least the least gap after every one before it, rounded up to the grid.
            if (number, group) not in span_cache:
                first, end = spans[number]
                room = end - on_grid(first)
                if sum(duration[spec] for spec in group) > room:
                    span_cache[(number, group)] = False
                elif all(least_gap(a, b) == duration[a] for a in group for b in group if a != b):
                    # Back to back in any order: shortest with last the session the grid rounds up most.
                    rounded = sum(on_grid(duration[spec]) for spec in group)
                    span_cache[(number, group)] = rounded - max(on_grid(duration[spec]) - duration[spec] for spec in group) <= room
                else:
                    span_cache[(number, group)] = in_some_order({}, group, room)
            return span_cache[(number, group)]

        return fits_span, where, spans

    def _apart_across_spans(self, day: int, spans: list[list[int]]) -> Callable[[int, int, int, int], bool]:
        """Whether two sessions of the file (by spec) in two different spans of the day can keep the spacing
        rules: their starts' difference, from its least to its most with each in its span, meets the allowed
        differences `keep_apart` recorded. Necessary only (the grid is left out), so no placeable day is lost."""
        copies = self.training_copies
        cache: dict[tuple[int, int, int, int], bool] = {}

        def starts(spec: int, number: int) -> tuple[int, int]:
            steps = self._steps_in_span(copies[spec][0], day, spans[number])
            return steps.min() * self.grid, steps.max() * self.grid

        def apart(a: int, x: int, b: int, y: int) -> bool:
            if (a, x, b, y) not in cache:
                i, j = copies[a][0].index, copies[b][0].index
                key = (min(i, j), max(i, j))
                known = self._allowed_differences.get(key)
                if known is None:
                    cache[(a, x, b, y)] = True
                else:
                    (low_a, high_a), (low_b, high_b) = starts(a, x), starts(b, y)
                    allowed = known if key == (i, j) else known.negation()
                    cache[(a, x, b, y)] = not allowed.intersection_with(
                        cp_model.Domain(low_b - high_a, high_b - low_a)
                    ).is_empty()
            return cache[(a, x, b, y)]

        return apart

    def _steps_in_span(self, item: Occurrence, day: int, span: Sequence[int]) -> cp_model.Domain:
        """The session's start steps on `day` with all of it inside `span` ([first, end) real minutes)."""
        first, end = span
        return self.day_steps[item.index][day].intersection_with(
            cp_model.Domain(-(-first // self.grid), (end - item.spec.duration) // self.grid)
        )

    def starts_in_span(self, item: Occurrence, day: int, span: Sequence[int]) -> list[int]:
        """The session's starts on `day` (real minutes, on the grid) with all of it inside `span`."""
        return [step * self.grid for step in domain_values(self._steps_in_span(item, day, span))]

    def start_differences(self, a: Occurrence, b: Occurrence) -> cp_model.Domain:
        """The values start_b - start_a (real minutes) allows for a and b on one day: no overlap,
        and the spacing rules posted so far (`keep_apart`)."""
        key = (a.index, b.index)
        if key not in self._start_differences:
            allowed = cp_model.Domain.from_intervals(
                [[cp_model.INT_MIN // 4, -b.spec.duration], [a.spec.duration, cp_model.INT_MAX // 4]]
            )
            ordered = (min(key), max(key))
            if ordered in self._allowed_differences:
                known = self._allowed_differences[ordered]
                allowed = allowed.intersection_with(known if ordered == key else known.negation())
            self._start_differences[key] = allowed
        return self._start_differences[key]

    def _can_share(self, a: Occurrence, b: Occurrence, day: int) -> bool:
        """Whether the spacing rules posted so far leave a way to put a and b on one day."""
        key = (a.index, b.index)
        if key not in self._allowed_differences:
            return True
        steps = [self.day_steps[item.index][day].flattened_intervals() for item in (a, b)]
        starts = [cp_model.Domain.from_flat_intervals([value * self.grid for value in flat]) for flat in steps]
        differences = starts[1].addition_with(starts[0].negation())
        return not differences.intersection_with(self._allowed_differences[key]).is_empty()

    def _pattern_cost(self, pair_cost: Callable[[int, int], int]) -> cp_model.LinearExpr | int:
        """Sum over days of the chosen pattern's cost, with pair_cost(spec_a, spec_b) per pair (a < b)."""
        terms = []
        for pattern in self.day_patterns:
            cost = sum(pair_cost(a, b) for a, b in itertools.combinations(pattern.specs, 2))
            if cost:
                terms.append(cost * pattern.chosen)
        return sum(terms)

    def time_of_day(self, index: int) -> cp_model.LinearExpr:
        """Clock minutes after local midnight, as read on the local clock at the start.

        Each day's start minus the anchor of its stretch (WeekFrame.clock_pieces). On a day
        whose UTC offset changes and where this session may start on either side of the
        switch, a boolean per earlier stretch tells which side it is; other days add nothing.
        """
        if index not in self._clock_terms:
            anchors = sum(self._day_anchor(index, day, flag) for day, flag in self.on_day[index].items())
            self._clock_terms[index] = cast(cp_model.LinearExpr, anchors)
        return self.start(index) - self._clock_terms[index]

    def _day_anchor(self, index: int, day: int, flag: cp_model.IntVar) -> cp_model.LinearExpr | int:
        """The anchor of the session's start on a day, as an expression that is 0 off that day."""
        steps = self.day_steps[index][day]
        stretches = []
        for first, end, anchor in self.frame.clock_pieces[day]:
            here = steps.intersection_with(cp_model.Domain(-(-first // self.grid), -(-end // self.grid) - 1))
            if not here.is_empty():
                stretches.append((here, anchor))
        if len(stretches) == 1:
            return stretches[0][1] * flag
        # The last stretch is the default; each earlier one gets a boolean (before the switch).
        last_domain, last_anchor = stretches[-1]
        switches = []
        expression = last_anchor * flag
        for number, (domain, anchor) in enumerate(stretches[:-1]):
            side = self.model.new_bool_var(f"before_switch[{index},{day},{number}]")
            self.model.add_implication(side, flag)
            self.model.add_linear_expression_in_domain(self.start_step[index], domain).only_enforce_if(side)
            switches.append(side)
            expression += (anchor - last_anchor) * side
        if len(switches) > 1:
            self.model.add_at_most_one(switches)
        self.model.add_linear_expression_in_domain(self.start_step[index], last_domain).only_enforce_if(
            [flag] + [~side for side in switches]
        )
        return expression


@dataclass(frozen=True)
class DayPattern:
    """One way a day can look: the file's sessions (by index) trained on it."""

    day: int
    specs: tuple[int, ...]
    chosen: cp_model.IntVar


class BuildStopped(Exception):
    """A model's building was stopped from another thread (`WeekModel.stop`)."""


class NoRoom(Exception):
    """A session fits in no free window of the week."""

    def __init__(self, item: Occurrence) -> None:
        super().__init__(item.label)
        self.item = item


def hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Make the solver's whole solution (of `model`, or of a copy with the same variables) the
    model's hint, written at once: one `add_hint` a variable took 68 ms on large-04's 10,386
    variables, for every hint of a solve and every move of a big week (`day_moves`)."""
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(model.proto.variables)))
    hint.values.extend(solver.response_proto.solution)


def domain_values(domain: cp_model.Domain) -> Iterator[int]:
    """Every value of a domain, smallest first."""
    flat = domain.flattened_intervals()
    for low, high in zip(flat[::2], flat[1::2]):
        yield from range(low, high + 1)


def apart_domain(
    duration_i: int,
    duration_j: int,
    gap: int,
    pair_rest: tuple[int, int] | None,
    week_length: int | None,
) -> cp_model.Domain:
    """Allowed values of start_j - start_i for two sessions that must be `gap` apart.

    Far apart means `gap` minutes from the end of one to the start of the other; a
    `pair_rest` (low, high) also allows one visit with that rest between the parts. With
    `week_length`, the copies of j in the previous and next week must be far apart too.
    """
    low, high = cp_model.INT_MIN // 4, cp_model.INT_MAX // 4
    far = cp_model.Domain.from_intervals([[low, -(duration_j + gap)], [duration_i + gap, high]])
    allowed = far
    if pair_rest is not None:
        rest_low, rest_high = pair_rest
        allowed = allowed.union_with(
            cp_model.Domain.from_intervals(
                [[-(duration_j + rest_high), -(duration_j + rest_low)], [duration_i + rest_low, duration_i + rest_high]]
            )
        )
    if week_length is not None:
        for shift in (week_length, -week_length):
            allowed = allowed.intersection_with(far.addition_with(cp_model.Domain(-shift, -shift)))
    return allowed
