"""Hard rule `availability`: every session lies inside one of its day's windows, clear of busy time.

Posted as the domain of each session's start (see scheduler.model.WeekModel), so the
solver never considers a start outside a free window; the check below re-derives it
from the file's windows and the week's busy time, comparing instants, not clock readings.
A window is read as the frame reads it (scheduler.zonetime): each clock time as the
instant iCalendar gives it, cut to its own date. A session never starts or ends at a
clock time that happens twice (the hour repeated when the clocks go back), since calendar
apps disagree on which of the two such a local time means.
It has no enforcement literal: when no rule is needed for a conflict, the sessions simply
do not fit the free time, and a session whose domain comes out empty (`NoRoom`) fits no
free window at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from trainweek.constraints.rule import Relaxation, SizeProblem, changed, count
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_clock, format_minutes
from trainweek.scheduler.week import Week
from trainweek.scheduler.zonetime import happens_twice

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan

UTC = dt.timezone.utc

NAME = "availability"
HARD = True
TITLE = "inside your free time"


def post(m: WeekModel) -> None:
    """Nothing to add: the start domains hold only free starts on the time grid."""


def _clock(moment) -> int:
    return moment.hour * 60 + moment.minute


def _instant(frame: WeekFrame, day: int, clock: int) -> dt.datetime:
    """The moment a local clock time on a day happens, in UTC, cut to that day: a repeated
    clock time is the first, a skipped one is read with the offset before the change (as
    zoneinfo and iCalendar read it), and a date the zone skips has no moment of its own."""
    low, high = (frame.local_datetime(day + n, 0).astimezone(UTC) for n in (0, 1))
    return min(max(frame.local_datetime(day, clock).astimezone(UTC), low), high)


@lru_cache(maxsize=8)
def _window_instants(frame: WeekFrame) -> tuple[tuple[int, dt.datetime, dt.datetime], ...]:
    """(day, first, end) of each free-time window as instants: once per frame, as greedy checks
    thousands of partial weeks of one frame."""
    return tuple((w.day, _instant(frame, w.day, w.start), _instant(frame, w.day, w.end)) for w in frame.windows)


def check(week: Week) -> list[str]:
    problems = []
    frame = week.frame
    windows = _window_instants(frame)
    for p in week.placements:
        if p.occurrence.fixed_at is not None:
            continue  # done (a re-plan): it happened where it happened
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
        if not any(day == p.day and first <= start and end <= last for day, first, last in windows):
            problems.append(f"{p.occurrence.label} on {day_name} {p.clock_range} is outside your free time")
        first, last = frame.minute_at(start), frame.minute_at(end)
        for busy in frame.busy_spans:
            if busy.first < last and first < busy.end:
                problems.append(f"{p.occurrence.label} on {day_name} {p.clock_range} clashes with your busy time '{busy.label}'")
    return problems


def reasons(week: Week) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for p in week.placements:
        start = _clock(p.local_start)
        for w in week.frame.windows:
            if w.day == p.day and w.start <= start < w.end:
                found[p.occurrence.index] = [
                    f"fits your free time on {WEEKDAY_NAMES[p.day]} ({format_clock(w.start)}-{format_clock(w.end)})"
                ]
    return found


def without_room(plan: Plan, frame: WeekFrame) -> Occurrence | None:
    """The first session that fits in no free window of the week, if any (the model's NoRoom)."""
    return next(
        (item for item in plan.occurrences if not any(frame.session_start_ticks(item.spec, day) for day in range(7))),
        None,
    )


def conflict(plan: Plan, frame: WeekFrame) -> str:
    stuck = without_room(plan, frame)
    if stuck is not None:
        return _no_room(frame, stuck)
    needed = sum(item.spec.duration for item in plan.occurrences)
    free = sum(b.length for day in range(7) for b in frame.free_blocks(day))
    sessions = len(plan.occurrences)
    return (
        f"your free time ({format_minutes(free)} on {count(sum(1 for d in range(7) if frame.free_blocks(d)), 'day')}) "
        f"has to hold {count(sessions, 'session')} of {format_minutes(needed)} in all (availability)"
        + "".join(f"; {note}" for note in frame.clock_notes())
    )


def _no_room(frame: WeekFrame, item: Occurrence) -> str:
    blocks = [b for day in range(7) for b in frame.free_blocks(day)]
    notes = "".join(f"; {note}" for note in frame.clock_notes())
    if not blocks:
        cause = "busy blocks cover all your free time" if frame.busy_blocks else "no window has any time"
        return f"{item.label} has nowhere to go: {cause}{notes} (availability)"
    longest = max(blocks, key=lambda b: b.length)
    after = ", once busy blocks are taken out" if frame.busy_blocks else ""
    return (
        f"{item.label} ({format_minutes(item.spec.duration)}) is longer than any stretch of free time: the longest is "
        f"{format_minutes(longest.length)} ({WEEKDAY_NAMES[longest.day]} "
        f"{format_clock(longest.start)}-{format_clock(longest.end)}){after}{notes} (availability)"
    )


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """A session that fits no free window, shortened to the longest one.

    More free time (a busy block freed, a window added) is tried whatever the conflict,
    by diagnosis itself, as are fewer sessions.
    """
    stuck = without_room(plan, frame)
    return [] if stuck is None else [_shorter(plan, frame, stuck)]


def _shorter(plan: Plan, frame: WeekFrame, item: Occurrence) -> Iterator[Relaxation]:
    longest = max((b.length for day in range(7) for b in frame.free_blocks(day)), default=0)
    if 0 < longest < item.spec.duration:
        spec = item.spec
        shorter = spec.model_copy(update={"duration": longest})
        sessions = [shorter if s is spec else s for s in plan.sessions]
        yield Relaxation("sessions", f"'{spec.name}' down to {format_minutes(longest)}", partial(changed, sessions=sessions))


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    """No window at all, or a session longer than every window."""
    longest = max((end - start for windows in plan.availability.values() for start, end in windows), default=0)
    if longest == 0:
        yield SizeProblem(("availability",), "no time windows on any day")
        return
    for index, spec in enumerate(plan.sessions):
        if spec.duration > longest:
            yield SizeProblem(
                ("sessions", index, "duration"),
                f"{format_minutes(spec.duration)} is longer than every window (the longest is "
                f"{format_minutes(longest)}); shorten it or widen a window",
            )
