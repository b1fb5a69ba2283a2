"""Busy time from the calendar people already have: an .ics export named in `busy:`.

Recurring events are expanded with recurring-ical-events, in whatever zone they were
written. A timed event blocks its time unless it is marked free (TRANSP:TRANSPARENT);
an all-day event blocks its days only when it says TRANSP:OPAQUE, since Google and
Outlook export holidays, birthdays and reminders as all-day entries that are not busy
time. Cancelled events block nothing.

The spans are instants, and WeekFrame keeps them so (real minutes of the week), never as
clock readings: an event in the first of two 01:00-02:00 hours the night the clocks go
back blocks that hour and leaves the second free. A floating time (no zone) is read in
the plan's zone as iCalendar reads it: the first of a time that happens twice, the
offset before the change for one the clocks skip.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from typing import TYPE_CHECKING

from trainweek.scheduler.errors import BadInput

if TYPE_CHECKING:  # imported where used: most plans have no .ics file, so start-up skips them
    from icalendar import Calendar, Component

UTC = dt.timezone.utc


class BusyFileError(BadInput):
    """A busy .ics file that cannot be read or understood; the message names it."""


def is_calendar_file(entry: str) -> bool:
    return entry.lower().endswith(".ics")


def read_calendar(path: str) -> Calendar:
    """The parsed file, read again only when it changed on disk."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise BusyFileError(f"{path}: no such file (a relative path starts at the plan's folder)") from None
    except OSError as error:
        raise BusyFileError(f"{path}: cannot read it ({error.strerror})") from None
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _parse(path: str, mtime_ns: int, size: int) -> Calendar:
    from icalendar import Calendar

    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as error:
        raise BusyFileError(f"{path}: cannot read it ({error.strerror})") from None
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        raise BusyFileError(f"{path}: not an iCalendar file ({error}); export the calendar again as .ics") from None
    if calendar.name != "VCALENDAR":
        raise BusyFileError(f"{path}: not an iCalendar file (it starts with {calendar.name}, not VCALENDAR)")
    return calendar


def busy_spans(path: str, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The busy stretches of the file between two aware datetimes, in UTC, clipped to them.

    Floating times and all-day dates are read in `start`'s zone, the plan's.
    """
    import recurring_ical_events

    zone = start.tzinfo
    try:
        occurrences = recurring_ical_events.of(read_calendar(path)).between(start, end)
    except ValueError as error:
        raise BusyFileError(f"{path}: cannot expand its events ({error})") from None
    spans = []
    for event in occurrences:
        if not _blocks(event):
            continue
        first, last = (_aware(moment, zone) for moment in (event.start, event.end))
        first, last = max(first, start.astimezone(UTC)), min(last, end.astimezone(UTC))
        if first < last:
            spans.append((first, last))
    return sorted(spans)


def _blocks(event: Component) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    transparency = str(event.get("TRANSP", "")).upper()
    if not isinstance(event.start, dt.datetime):
        return transparency == "OPAQUE"
    return transparency != "TRANSPARENT"


def _aware(moment: dt.date, zone: dt.tzinfo) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)
