"""A block as one iCalendar file: every week's sessions, the kind of each lighter week, the race.

Each session is the event a single-week solve of its week writes (`ics._event`, UID from
the athlete, that week's Monday and the session slot), so a re-solve of the block, or of
one of its weeks alone, updates events in place. A deload or taper week is marked on each
of its sessions (a first line of the description, a category) and by an all-day event
over the week; the race is an event of its own (all day when it has no time). Each of
these events says its week of the block and that week's number, which together say where
its block starts: a block written shorter than before (fewer weeks, a race moved earlier)
cancels its earlier copy's events past its new end, which no week it writes would reach.
"""

from __future__ import annotations

import datetime as dt
import uuid

from icalendar import Calendar, Event

from trainweek.scheduler.block import Block, week_mark
from trainweek.scheduler.ics import (
    ATHLETE_PROPERTY,
    BLOCK_NUMBER_PROPERTY,
    BLOCK_PROPERTY,
    PRODID,
    UID_NAMESPACE,
    WEEK_PROPERTY,
    CalendarOptions,
    Earlier,
    _event,
    _version,
    athlete_mark,
    cancelled,
    cover_zone,
    earlier_events,
    no_longer_planned,
    now,
    one_line,
    owned,
)


def block_calendar(
    block: Block, previous: bytes | Earlier | None = None, options: CalendarOptions = CalendarOptions(), stamp: dt.datetime | None = None
) -> Calendar:
    earlier = earlier_events(previous)
    stamp = stamp or now()
    plan, first = block.plan, block.weeks[0].week.frame.week_start
    calendar = Calendar.new(
        uid=uuid.uuid5(UID_NAMESPACE, f"{plan.athlete}|{first.isoformat()}|block"),
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        name=one_line(f"Training block, {len(block.weeks)} weeks from {first:%d %b %Y} ({plan.athlete})"),
    )
    for bw in block.weeks:
        mark = week_mark(bw, block)
        for placement in bw.week.placements:
            event = _event(bw.week, placement, 0, earlier, options, stamp, (bw.title.capitalize(), mark) if mark else None)
            event.add(BLOCK_PROPERTY, bw.week.frame.week_start.isoformat())  # a re-plan keeps the block's week (`ics.block_week`)
            event.add(BLOCK_NUMBER_PROPERTY, str(bw.number))
            calendar.add_component(event)
        if mark:
            monday = bw.week.frame.week_start
            calendar.add_component(
                _versioned(owned(Event.new(
                    uid=f"{uuid.uuid5(UID_NAMESPACE, f'{plan.athlete}|{monday.isoformat()}|{bw.kind} week')}@trainweek",
                    start=monday, end=monday + dt.timedelta(weeks=1), summary=one_line(bw.title.capitalize()),
                    description=one_line(mark), categories=["Training", bw.title.capitalize()],
                    sequence=0, stamp=stamp, transparency="TRANSPARENT",
                ), plan.athlete, monday, BLOCK_PROPERTY, bw.number), earlier, stamp)
            )
    if block.race is not None:
        race = block.race
        start: dt.date | dt.datetime = race.start.date() if race.all_day else race.start
        end: dt.date | dt.datetime = start + dt.timedelta(days=1) if race.all_day else race.end  # type: ignore[operator]
        calendar.add_component(
            _versioned(owned(Event.new(
                uid=f"{uuid.uuid5(UID_NAMESPACE, f'{plan.athlete}|{race.start.date().isoformat()}|race')}@trainweek",
                start=start, end=end, summary=one_line(f"Race: {race.name}"),
                description="The race this block tapers to. Nothing demanding in the 48 h before it. Planned by trainweek.",
                categories=["Training", "Race"], sequence=0, stamp=stamp, transparency="OPAQUE",
            ), plan.athlete, race.start.date() - dt.timedelta(days=race.start.weekday()), BLOCK_PROPERTY, len(block.weeks)), earlier, stamp)
        )
    mondays = {bw.week.frame.week_start for bw in block.weeks}
    for event in no_longer_planned(calendar, earlier, plan.athlete, mondays, stamp, (WEEK_PROPERTY, BLOCK_PROPERTY)):
        calendar.add_component(event)
    for event in _past_the_end(earlier, plan.athlete, max(mondays), stamp):
        calendar.add_component(event)
    cover_zone(calendar, plan, first - dt.timedelta(days=1), first + dt.timedelta(weeks=len(block.weeks), days=1))
    return calendar


def _past_the_end(earlier: Earlier, athlete: str, last: dt.date, stamp: dt.datetime) -> list[Event]:
    """The athlete's block events after `last` (this block's last Monday) from a block that
    started by then, cancelled: an earlier, longer copy of this block (8 weeks written as 6,
    a race moved a fortnight earlier) left them there, and nothing else would tell the app or
    server they are gone. A block that starts after this one ends is another block, and is
    left alone, as are events without a week and number in the block."""
    who, gone = athlete_mark(athlete), []
    for event in earlier.values():
        if str(event.get(ATHLETE_PROPERTY, "")) != who:
            continue
        try:
            monday = dt.date.fromisoformat(str(event.get(BLOCK_PROPERTY, "")))
            number = int(str(event.get(BLOCK_NUMBER_PROPERTY, "")))
        except ValueError:
            continue
        if monday > last and monday - dt.timedelta(weeks=number - 1) <= last:
            gone.append(event)
    return [cancelled(event, stamp) for event in sorted(gone, key=lambda event: (str(event.get(BLOCK_PROPERTY)), str(event["UID"])))]


def _versioned(event: Event, earlier: Earlier, stamp: dt.datetime) -> Event:
    event.sequence, event.DTSTAMP = _version(event, earlier.get(str(event["UID"])), stamp)
    return event


def block_ics(
    block: Block, previous: bytes | Earlier | None = None, options: CalendarOptions = CalendarOptions(), stamp: dt.datetime | None = None
) -> bytes:
    return block_calendar(block, previous, options, stamp).to_ical()
