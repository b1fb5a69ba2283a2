"""Hard rule `availability`: every session lies inside one of its day's windows, clear of busy blocks.

Posted as the domain of each session's start (see scheduler.model.WeekModel), so the
solver never considers a start outside a free window; the check below re-derives it
from the file's windows and busy blocks.
"""

from __future__ import annotations

import datetime as dt

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_clock
from trainweek.scheduler.week import Week

UTC = dt.timezone.utc

NAME = "availability"
HARD = True
TITLE = "inside your free time"


def post(m: WeekModel) -> None:
    """Nothing to add: the start domains hold only free starts on the time grid."""


def _clock(moment) -> int:
    return moment.hour * 60 + moment.minute


def _instant(frame, day: int, clock: int) -> dt.datetime:
    """The moment a local clock time happens, in UTC (a clock time skipped by a spring
    DST change reads as the moment the clocks jump, as zoneinfo resolves it)."""
    return frame.local_datetime(day, clock).astimezone(UTC)


def check(week: Week) -> list[str]:
    problems = []
    frame = week.frame
    for p in week.placements:
        # Compared as instants, not clock readings: on a DST day a window ending at a
        # skipped 02:00 ends when the clocks jump, which the clock shows as 03:00.
        start, end = p.local_start.astimezone(UTC), p.local_end.astimezone(UTC)
        day_name = WEEKDAY_NAMES[p.day]
        if p.local_end.date() != p.local_start.date() and _clock(p.local_end) != 0:
            problems.append(f"{p.occurrence.label} crosses midnight ({p.when})")
            continue
        if _clock(p.local_start) % week.plan.grid:
            problems.append(f"{p.occurrence.label} starts at {p.local_start:%H:%M}, off the {week.plan.grid}-minute grid")
        windows = [
            w for w in frame.windows if w.day == p.day and _instant(frame, p.day, w.start) <= start and end <= _instant(frame, p.day, w.end)
        ]
        if not windows:
            problems.append(f"{p.occurrence.label} on {day_name} {p.clock_range} is outside every window")
        for busy in frame.busy_blocks:
            if busy.day == p.day and _instant(frame, p.day, busy.start) < end and start < _instant(frame, p.day, busy.end):
                problems.append(f"{p.occurrence.label} on {day_name} {p.clock_range} overlaps busy '{busy.label}'")
    return problems


def reasons(week: Week) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for p in week.placements:
        start = _clock(p.local_start)
        for w in week.frame.windows:
            if w.day == p.day and w.start <= start < w.end:
                found[p.occurrence.index] = [
                    f"inside your {WEEKDAY_NAMES[p.day]} window {format_clock(w.start)}-{format_clock(w.end)}"
                ]
    return found
