"""Hard rule `availability`: every session lies inside one of its day's windows, clear of busy time.

Posted as the domain of each session's start (see scheduler.model.WeekModel), so the
solver never considers a start outside a free window; the check below re-derives it
from the file's windows and the week's busy time, comparing instants, not clock readings.
A window is read as the frame reads it (scheduler.zonetime): each clock time as the
instant iCalendar gives it, cut to its own date. A session never starts or ends at a
clock time that happens twice (the hour repeated when the clocks go back), since calendar
apps disagree on which of the two such a local time means.
"""

from __future__ import annotations

import datetime as dt

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_clock
from trainweek.scheduler.week import Week
from trainweek.scheduler.zonetime import happens_twice

UTC = dt.timezone.utc

NAME = "availability"
HARD = True
TITLE = "inside your free time"


def post(m: WeekModel) -> None:
    """Nothing to add: the start domains hold only free starts on the time grid."""


def _clock(moment) -> int:
    return moment.hour * 60 + moment.minute


def _instant(frame, day: int, clock: int) -> dt.datetime:
    """The moment a local clock time on a day happens, in UTC, cut to that day: a repeated
    clock time is the first, a skipped one is read with the offset before the change (as
    zoneinfo and iCalendar read it), and a date the zone skips has no moment of its own."""
    low, high = (frame.local_datetime(day + n, 0).astimezone(UTC) for n in (0, 1))
    return min(max(frame.local_datetime(day, clock).astimezone(UTC), low), high)


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
        if _clock(p.local_start) % week.plan.grid or p.local_start.second:
            problems.append(f"{p.occurrence.label} starts at {p.local_start:%H:%M}, off the {week.plan.grid}-minute grid")
        for what, moment in (("starts", p.local_start), ("ends", p.local_end)):
            if happens_twice(moment.astimezone(frame.zone)):
                problems.append(
                    f"{p.occurrence.label} {what} at {moment:%H:%M} on {day_name}, a time that happens twice (the clocks go back)"
                )
        windows = [
            w for w in frame.windows if w.day == p.day and _instant(frame, p.day, w.start) <= start and end <= _instant(frame, p.day, w.end)
        ]
        if not windows:
            problems.append(f"{p.occurrence.label} on {day_name} {p.clock_range} is outside every window")
        first, last = frame.minute_at(start), frame.minute_at(end)
        for busy in frame.busy_spans:
            if busy.first < last and first < busy.end:
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
