"""The CP-SAT decision variables of a week, shared by every rule module.

Each session gets a start on the time grid (in grid steps of real minutes since Monday
00:00) whose domain already holds only the starts inside a free window, one boolean per
day it may fall on (linked to the start by the day's part of that domain), and a fixed
size interval. Rules ask this container for derived variables (same-day pairs, order,
hard days) so each is made once however many rules use it.
"""

from __future__ import annotations

from functools import cached_property

from ortools.sat.python import cp_model

from scheduler.frame import WeekFrame
from scheduler.plan import Occurrence, Plan


# From this many sessions a week is "large": the fatigue objective is posted per day and
# the LP relaxation is kept on (docs/model.md has the measurements behind the switch).
LARGE_WEEK = 15


class WeekModel:
    def __init__(self, plan: Plan, frame: WeekFrame, *, relaxable: bool = False) -> None:
        self.model = cp_model.CpModel()
        self.plan = plan
        self.frame = frame
        self.items: tuple[Occurrence, ...] = plan.occurrences
        self.grid = plan.grid
        self.relaxable = relaxable
        self.rule_literals: dict[str, cp_model.IntVar] = {}
        self.tick: dict[int, cp_model.IntVar] = {}
        self.on_day: dict[int, dict[int, cp_model.IntVar]] = {}
        self.interval: dict[int, cp_model.IntervalVar] = {}
        self._same_day: dict[tuple[int, int], cp_model.IntVar] = {}
        self._before: dict[tuple[int, int], cp_model.IntVar] = {}
        for item in self.items:
            self._place(item)

    def _place(self, item: Occurrence) -> None:
        duration = item.spec.duration
        per_day = {day: self.frame.start_ticks(day, duration) for day in range(7)}
        all_ranges = [r for ranges in per_day.values() for r in ranges]
        if not all_ranges:
            raise NoRoom(item)
        domain = cp_model.Domain.from_intervals([list(r) for r in all_ranges])
        tick = self.model.new_int_var_from_domain(domain, f"tick[{item.index}]")
        self.tick[item.index] = tick
        self.on_day[item.index] = {}
        for day, ranges in per_day.items():
            if not ranges:
                continue
            flag = self.model.new_bool_var(f"day[{item.index},{day}]")
            self.model.add_linear_expression_in_domain(
                tick, cp_model.Domain.from_intervals([list(r) for r in ranges])
            ).only_enforce_if(flag)
            self.on_day[item.index][day] = flag
        self.model.add_exactly_one(self.on_day[item.index].values())
        self.interval[item.index] = self.model.new_fixed_size_interval_var(
            self.start(item.index), duration, f"session[{item.index}]"
        )

    @property
    def large(self) -> bool:
        return len(self.items) >= LARGE_WEEK

    def start(self, index: int) -> cp_model.LinearExpr:
        return self.grid * self.tick[index]

    def rule_literal(self, name: str) -> cp_model.IntVar:
        """Enforcement literal of a hard rule: fixed true unless diagnosing infeasibility."""
        if name not in self.rule_literals:
            literal = self.model.new_bool_var(f"rule[{name}]")
            if not self.relaxable:
                self.model.add(literal == 1)
            self.rule_literals[name] = literal
        return self.rule_literals[name]

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

    def before(self, i: int, j: int) -> cp_model.IntVar:
        """Exactly 1 when session i ends before session j starts (they never overlap)."""
        if (i, j) not in self._before:
            var = self.model.new_bool_var(f"before[{i},{j}]")
            dur_i, dur_j = self.items[i].spec.duration, self.items[j].spec.duration
            self.model.add(self.start(i) + dur_i <= self.start(j)).only_enforce_if(var)
            self.model.add(self.start(j) + dur_j <= self.start(i)).only_enforce_if(~var)
            self._before[(i, j)] = var
            self._before[(j, i)] = ~var
        return self._before[(i, j)]

    @cached_property
    def hard_day(self) -> dict[int, cp_model.IntVar]:
        """Per day, 1 whenever a hard session falls on it; only for terms where a 1 costs."""
        flags = {}
        for day in range(7):
            hard = [self.on_day[i.index][day] for i in self.items if i.is_hard and day in self.on_day[i.index]]
            if hard:
                flag = self.model.new_bool_var(f"hard_day[{day}]")
                for literal in hard:
                    self.model.add_implication(literal, flag)
                flags[day] = flag
        return flags

    def time_of_day(self, index: int) -> cp_model.LinearExpr:
        """Clock minutes after local midnight (see WeekFrame.clock_anchors)."""
        anchors = self.frame.clock_anchors
        return self.start(index) - sum(anchors[day] * flag for day, flag in self.on_day[index].items())


class NoRoom(Exception):
    """A session fits in no free window of the week."""

    def __init__(self, item: Occurrence) -> None:
        super().__init__(item.label)
        self.item = item


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
