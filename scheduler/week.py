"""A week: where each session sits, in plain Python, for checkers and output.

A `Week` is immutable. `Week.from_starts` places sessions and nothing more: the checkers,
`explain`'s trial moves and greedy judge such weeks. A finished week, with its status,
objective parts and reasons, is built once by `checking.finished_week` from the solver's
(or greedy's) answer.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from trainweek.scheduler.timetext import WEEKDAY_NAMES

if TYPE_CHECKING:  # types only: the rules use the week, and the plan imports the rules
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan


# The status of greedy's first-fit week (`scheduler.greedy`), which `solve` gives when its
# search ended without any week within the time limit: it keeps every hard rule but is not
# optimised, and has no bound.
FIRST_FIT = "GREEDY"
# What the table, calendar and views say of such a week (a clause: no capital, no full stop).
FIRST_FIT_NOTE = (
    "the solver found no week within the time limit, so this is the first week found that keeps "
    "every hard rule, placed session by session; raise --time-limit for a better week"
)

# Foster's warning line: a week whose monotony is above it is too uniform.
MONOTONY_WARNING = 2.0


@dataclass(frozen=True)
class Placement:
    """One session placed at a real minute of the week."""

    occurrence: Occurrence
    start: int
    end: int
    day: int
    local_start: dt.datetime
    local_end: dt.datetime

    @property
    def spec(self):
        return self.occurrence.spec

    @property
    def clock_range(self) -> str:
        return f"{self.local_start:%H:%M}-{self.local_end:%H:%M}"

    @property
    def when(self) -> str:
        return f"{WEEKDAY_NAMES[self.day]} {self.clock_range}"


@dataclass(frozen=True)
class Reason:
    """A sentence on why a session sits where it does, and the rule that gives it."""

    rule: str
    text: str


@dataclass(frozen=True)
class Week:
    """Placements and what is known of them: the solver's status and bound, the objective
    parts recomputed in plain Python, each session's reasons. Never changed once built."""

    plan: Plan
    frame: WeekFrame
    placements: tuple[Placement, ...]
    weights: dict[str, float]
    status: str = "UNKNOWN"
    objective: float | None = None
    bound: float | None = None
    parts: dict[str, int] = field(default_factory=dict)
    solve_seconds: float = 0.0
    # An unproven week whose search the wall clock stopped before its budget of work
    # (`solve.WORK_PER_SECOND`): another run may give another week.
    clock_stopped: bool = False
    # Each session's reasons (occurrence index -> reasons in explain.REASON_ORDER).
    explanations: Mapping[int, tuple[Reason, ...]] = field(default_factory=dict)

    @classmethod
    def from_starts(cls, plan: Plan, frame: WeekFrame, starts: dict[int, int], weights: dict[str, float]) -> "Week":
        placements = []
        for occurrence in plan.occurrences:
            start = starts[occurrence.index]
            end = start + occurrence.spec.duration
            local_start = frame.at(start)
            placements.append(
                Placement(
                    occurrence=occurrence,
                    start=start,
                    end=end,
                    day=(local_start.date() - frame.week_start).days,
                    local_start=local_start,
                    local_end=frame.at(end),
                )
            )
        placements.sort(key=lambda p: (p.start, p.occurrence.index))
        return cls(plan=plan, frame=frame, placements=tuple(placements), weights=weights)

    @property
    def proven_optimal(self) -> bool:
        return self.status == "OPTIMAL"

    @property
    def first_fit(self) -> bool:
        """Greedy's first-fit week, given because the solver found no week within the time limit."""
        return self.status == FIRST_FIT

    def on_day(self, day: int) -> list[Placement]:
        return [p for p in self.placements if p.day == day]

    def by_occurrence(self) -> dict[int, Placement]:
        return {p.occurrence.index: p for p in self.placements}

    def weighted_parts(self) -> dict[str, float]:
        return {name: self.weights[name] * raw for name, raw in self.parts.items()}

    def starts(self) -> dict[int, int]:
        return {p.occurrence.index: p.start for p in self.placements}

    @property
    def reasons(self) -> dict[int, list[str]]:
        """Each session's reasons as plain sentences, for the table, JSON, calendar and views."""
        return {index: [reason.text for reason in found] for index, found in self.explanations.items()}

    def daily_loads(self) -> list[int]:
        """Session-RPE load of each day, Monday first (mobility carries none)."""
        return [sum(p.spec.load for p in self.on_day(day)) for day in range(7)]

    def weekly_load(self) -> int:
        """The week's session-RPE load in AU: the sum of the daily loads."""
        return sum(self.daily_loads())

    def monotony(self) -> float | None:
        """Foster's monotony: mean daily load / its population standard deviation over the 7 days.

        Rest days count 0. None when the standard deviation is 0 (every day carries the same
        load, e.g. nothing that loads at all): the ratio is undefined there, and a number
        (infinity) would read as a measurement. Above 2.0 is Foster's warning line.
        """
        loads = self.daily_loads()
        spread = statistics.pstdev(loads)
        return statistics.fmean(loads) / spread if spread else None

    def strain(self) -> float | None:
        """Foster's strain: weekly load x monotony (None when monotony is)."""
        monotony = self.monotony()
        return None if monotony is None else self.weekly_load() * monotony

    def load_summary(self) -> str:
        """'Week load 2450 AU, monotony 1.43, strain 3504' (with Foster's warning when monotony is over 2.0)."""
        monotony, strain = self.monotony(), self.strain()
        if monotony is None or strain is None:
            return f"Week load {self.weekly_load()} AU, monotony n/a (every day carries the same load), strain n/a"
        line = f"Week load {self.weekly_load()} AU, monotony {monotony:.2f}, strain {strain:.0f}"
        if monotony > MONOTONY_WARNING:
            line += f": monotony above {MONOTONY_WARNING:g}, Foster's warning line; make the easy days easier"
        return line

    def training_days(self) -> set[int]:
        """The days (0 is Monday) with a session that counts as training; mobility does not."""
        return {p.day for p in self.placements if p.occurrence.trains}

    def rest_day_names(self) -> list[str]:
        trained = self.training_days()
        return [WEEKDAY_NAMES[day] for day in range(7) if day not in trained]


def spaced(a: Placement, b: Placement, gap: int, pair_rest: tuple[int, int] | None, week_length: int | None) -> bool:
    """Whether two placed sessions are `gap` apart (end to start), or one paired visit.

    Independent of the solver's domains: it measures the gaps directly, including to the
    copies of `b` in the weeks before and after when the week repeats.
    """
    def far(shift: int) -> bool:
        return b.start + shift >= a.end + gap or a.start >= b.end + shift + gap

    if week_length is not None and not (far(week_length) and far(-week_length)):
        return False
    if far(0):
        return True
    if pair_rest is None:
        return False
    low, high = pair_rest
    return low <= b.start - a.end <= high or low <= a.start - b.end <= high


def rest_between(a: Placement, b: Placement) -> int:
    """Minutes from the end of the earlier session to the start of the later one."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return second.start - first.end


def one_visit(a: Placement, b: Placement, pair_rest: tuple[int, int] | None) -> bool:
    """Whether two placed sessions are one paired visit: the rest between them in `pair_rest`.

    `pair_rest` is None when pairing is not allowed. Measured in real minutes, so a visit
    may cross local midnight; the copies in other weeks are not considered.
    """
    if pair_rest is None:
        return False
    low, high = pair_rest
    return low <= rest_between(a, b) <= high
