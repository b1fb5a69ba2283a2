"""Hard rule `availability`: every session lies inside one of its day's windows, clear of busy blocks.

Posted as the domain of each session's start (see scheduler.model.WeekModel), so the
solver never considers a start outside a free window; the check below re-derives it
from the file's windows and busy blocks.
"""

from __future__ import annotations

from scheduler.model import WeekModel
from scheduler.timetext import WEEKDAY_NAMES, format_clock
from scheduler.week import Week

NAME = "availability"
HARD = True
TITLE = "inside your free time"


def post(m: WeekModel) -> None:
    """Nothing to add: the start domains hold only free starts on the time grid."""


def _clock(moment) -> int:
    return moment.hour * 60 + moment.minute


def check(week: Week) -> list[str]:
    problems = []
    frame = week.frame
    for p in week.placements:
        start, end = _clock(p.local_start), _clock(p.local_end) or 24 * 60
        day_name = WEEKDAY_NAMES[p.day]
        if p.local_end.date() != p.local_start.date() and _clock(p.local_end) != 0:
            problems.append(f"{p.occurrence.label} crosses midnight ({p.when})")
            continue
        if start % week.plan.grid:
            problems.append(f"{p.occurrence.label} starts at {format_clock(start)}, off the {week.plan.grid}-minute grid")
        windows = [w for w in frame.windows if w.day == p.day and w.start <= start and end <= w.end]
        if not windows:
            problems.append(f"{p.occurrence.label} on {day_name} {p.clock_range} is outside every window")
        for busy in frame.busy_blocks:
            if busy.day == p.day and busy.start < end and start < busy.end:
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
