"""Write a week as an iCalendar file that calendar apps import cleanly.

Times are local with a TZID and one VTIMEZONE for the user's zone (scheduler.vtimezone,
checked against zoneinfo over the file's dates), so a 07:00 run stays at 07:00 across a
daylight-saving change. No local time written happens twice or never: the solved week
never starts or ends a session in an hour the clocks repeat (scheduler.frame), and
`copy_times` says where each later copy goes when its clock time is skipped or repeated.
UIDs are derived from the athlete, the week and the session slot, so importing a
re-solved week updates events instead of duplicating them. METHOD is PUBLISH: with
REQUEST Outlook treats the file as invitations.

Stamps follow the rule apps apply to an event they hold (higher SEQUENCE wins, then the
later DTSTAMP): an event whose content is what the earlier file or server copy holds keeps
its SEQUENCE and DTSTAMP, so re-solving the same input into the same file gives the same
bytes; an event that moved or changed in any way gets SEQUENCE + 1 and DTSTAMP = now. An
event with no earlier copy starts at SEQUENCE 0, stamped now. "Now" is the clock in UTC,
or SOURCE_DATE_EPOCH when set (the reproducible-builds convention), and a stamp is never
later than it. An event of the earlier copy that the week no longer holds (a session taken
out of the plan) is kept, cancelled (`no_longer_planned`).

`--weeks N` writes N concrete copies of the week rather than one RRULE series: each copy
has the UID a later solve of that very week would give it, so re-solving week 3 alone
updates week 3 in the calendar, and no app has to apply a moved occurrence
(RECURRENCE-ID) to a series it imported earlier.

A copy starts at the same local clock time as the solved session and lasts as long in
real minutes. Where that clock time does not exist in the later week (the clocks go
forward over it), it is read as iCalendar reads it, with the offset before the change:
02:15 becomes 03:15 when the clocks jump from 02:00 to 03:00, the same real time after
midnight. Where the copy would start or end at a clock time that happens twice (the
clocks go back), it starts when the repeated time is over, since calendar apps disagree
on which of the two a local time means. Either way its description says so.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event

from trainweek.scheduler.errors import BadInput
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.uids import UID_NAMESPACE, event_uid, slot_uid  # noqa: F401 (ics.slot_uid, as before)
from trainweek.scheduler.vtimezone import vtimezone
from trainweek.scheduler.week import FIRST_FIT_NOTE, Placement, Week
from trainweek.scheduler.zonetime import changes, exists, happens_twice, resolve

UTC = dt.timezone.utc
PRODID = "-//trainweek//trainweek week planner//EN"
CLOCK_VARIABLE = "SOURCE_DATE_EPOCH"
# What an app compares to tell an event's versions apart, besides SEQUENCE and DTSTAMP.
CONTENT = ("DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "CATEGORIES", "TRANSP", "STATUS")
# Whose week an event belongs to: UIDs are hashes, so these say which earlier events a
# write that no longer holds them may cancel (`no_longer_planned`). A block's own events
# (a deload week's mark, the race) say BLOCK_PROPERTY instead of WEEK_PROPERTY: a week
# re-solved or re-planned alone does not hold them, and must not cancel them. A block's
# sessions say both: a re-plan of their week keeps the block's volume (`block_week`).
ATHLETE_PROPERTY, WEEK_PROPERTY, BLOCK_PROPERTY = "X-TRAINWEEK-ATHLETE", "X-TRAINWEEK-WEEK", "X-TRAINWEEK-BLOCK-WEEK"
BLOCK_NUMBER_PROPERTY = "X-TRAINWEEK-BLOCK-NUMBER"  # the week's number in its block: its `weeks:` windows, where the block starts

# UID -> the VEVENT an earlier file or the server holds, parsed once.
Earlier = Mapping[str, Event]


@dataclass(frozen=True)
class CalendarOptions:
    """What the person chose for the file: a reminder before each session, how many weeks."""

    remind: int | None = None  # minutes before the start
    weeks: int = 1


def now() -> dt.datetime:
    """The time stamps are written at, in UTC to the second: SOURCE_DATE_EPOCH when set, else the clock."""
    fixed = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not fixed:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(fixed), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BadInput(f"{CLOCK_VARIABLE}={fixed}: give the time to stamp events with as whole seconds since 1970-01-01 UTC, e.g. 1767225600") from None


def earlier_events(existing: bytes | Earlier | None) -> dict[str, Event]:
    """UID -> VEVENT of an earlier trainweek file (parsed here, once) or of events already parsed."""
    if not existing:
        return {}
    if isinstance(existing, Mapping):
        return dict(existing)
    try:
        calendar = Calendar.from_ical(existing)
    except ValueError:
        return {}
    return {str(event["UID"]): event for event in calendar.walk("VEVENT") if "UID" in event}


def previous_starts(plan: Plan, week_start: dt.date, existing: bytes | Earlier | None) -> dict[int, dt.datetime]:
    """Where an earlier file or server copy of this week put each session (occurrence
    index -> start), so a re-solve can start from it and keep what need not move."""
    events = earlier_events(existing)
    found = {}
    for occurrence in plan.occurrences:
        event = events.get(slot_uid(plan.athlete, week_start, occurrence))
        start = _decoded(event, "DTSTART") if event is not None else None
        if isinstance(start, dt.datetime):
            found[occurrence.index] = start
    return found


def athlete_mark(athlete: str) -> str:
    """The athlete as ATHLETE_PROPERTY says it: an id made from the name, which no app
    reads as anything but one word (a name's commas and semicolons would need escaping that
    parsers undo differently for unknown properties)."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{athlete}|athlete"))


@dataclass(frozen=True)
class BlockWeekCopy:
    """What an earlier calendar says of a week a block planned (`block_calendar`), for a
    re-plan of that week to keep: the week's number in the block (1 first), how long the
    block planned each session it held (occurrence index -> real minutes; an optional
    session it left out is absent), the kind of week it is (its all-day event's summary
    and text, "Deload week" and what it does; None for a build week), the block's race
    (start and end in the plan's zone; a race with no time: its whole day), and the block's
    sessions in the weeks before and after this one (occurrence index, start, end), which
    the rules across days reach into."""

    number: int | None
    minutes: dict[int, int]
    mark: tuple[str, str] | None
    race: tuple[dt.datetime, dt.datetime] | None
    before: tuple[tuple[int, dt.datetime, dt.datetime], ...] = ()
    after: tuple[tuple[int, dt.datetime, dt.datetime], ...] = ()


def block_week(plan: Plan, week_start: dt.date, existing: bytes | Earlier | None) -> BlockWeekCopy | None:
    """The block's copy of this week in an earlier calendar, or None where it holds no
    session of a block in this week."""
    events = earlier_events(existing)
    who, monday = athlete_mark(plan.athlete), week_start.isoformat()
    ours = [e for e in events.values() if str(e.get(ATHLETE_PROPERTY, "")) == who and BLOCK_PROPERTY in e]
    sessions = [e for e in ours if str(e[BLOCK_PROPERTY]) == monday and WEEK_PROPERTY in e]
    if not sessions:
        return None
    numbers = {str(e.get(BLOCK_NUMBER_PROPERTY, "")) for e in sessions}
    number = int(numbers.pop()) if len(numbers) == 1 and next(iter(numbers), "").isdigit() else None
    minutes = {}
    for occurrence in plan.occurrences:
        event = events.get(slot_uid(plan.athlete, week_start, occurrence))
        start, end = (_decoded(event, "DTSTART"), _decoded(event, "DTEND")) if event is not None else (None, None)
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            minutes[occurrence.index] = round((end - start).total_seconds() / 60)
    mark, race = None, None
    for event in ours:
        if WEEK_PROPERTY in event:
            continue
        if "Race" in event.categories:
            begin, end = _decoded(event, "DTSTART"), _decoded(event, "DTEND")
            if isinstance(begin, dt.datetime) and isinstance(end, dt.datetime):
                race = (begin.astimezone(plan.zone), end.astimezone(plan.zone))
            elif isinstance(begin, dt.date) and isinstance(end, dt.date):
                race = (dt.datetime.combine(begin, dt.time(), plan.zone), dt.datetime.combine(end, dt.time(), plan.zone))
        elif str(event[BLOCK_PROPERTY]) == monday:
            mark = (str(event.get("SUMMARY", "")), str(event.get("DESCRIPTION", "")))
    week = dt.timedelta(weeks=1)
    around = [_block_sessions(plan, events, week_start + shift) for shift in (-week, week)]
    return BlockWeekCopy(number, minutes, mark, race, *around)


def _block_sessions(plan: Plan, events: Earlier, monday: dt.date) -> tuple[tuple[int, dt.datetime, dt.datetime], ...]:
    """The block's sessions of the week of `monday` still in the plan (not cancelled), as
    (occurrence index, start, end) in the plan's zone."""
    found = []
    for occurrence in plan.occurrences:
        event = events.get(slot_uid(plan.athlete, monday, occurrence))
        if event is None or str(event.get(BLOCK_PROPERTY, "")) != monday.isoformat() or _is_cancelled(event):
            continue
        start, end = _decoded(event, "DTSTART"), _decoded(event, "DTEND")
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and start.tzinfo and end.tzinfo:
            found.append((occurrence.index, start.astimezone(plan.zone), end.astimezone(plan.zone)))
    return tuple(found)


def owned(event: Event, athlete: str, monday: dt.date, week_property: str = WEEK_PROPERTY, number: int | None = None) -> Event:
    """The event marked as the athlete's, in the week of `monday` (with `number`, that
    week's number in its block)."""
    event.add(ATHLETE_PROPERTY, athlete_mark(athlete))
    event.add(week_property, monday.isoformat())
    if number is not None:
        event.add(BLOCK_NUMBER_PROPERTY, str(number))
    return event


def cover_zone(calendar: Calendar, plan: Plan, first: dt.date, last: dt.date) -> None:
    """Make the calendar's VTIMEZONE (first among its components) cover `first` to `last`
    and the dates of every event it holds, a day either side: events kept or cancelled from
    other weeks included."""
    day = dt.timedelta(days=1)
    for event in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            value = _decoded(event, name)
            if isinstance(value, dt.datetime):
                value = value.astimezone(plan.zone).date() if value.tzinfo else value.date()
            if isinstance(value, dt.date):
                first, last = min(first, value - day), max(last, value + day)
    others = [component for component in calendar.subcomponents if component.name != "VTIMEZONE"]
    calendar.subcomponents[:] = [vtimezone(plan.timezone, first, last), *others]


def no_longer_planned(
    calendar: Calendar, earlier: Earlier, athlete: str, mondays: set[dt.date], stamp: dt.datetime, properties: tuple[str, ...] = (WEEK_PROPERTY,)
) -> list[Event]:
    """The events trainweek wrote before for the athlete's weeks `mondays` that `calendar`
    no longer holds (a session taken out of the plan, an optional one a deload week leaves
    out, a block's race moved), each cancelled: an app that imported or subscribed to the
    earlier copy keeps an event that merely disappears, and a CalDAV server keeps what it
    is not told about. Events without the marks (another program's, or trainweek's before
    it wrote them) are never touched, nor are those whose week is said by a property not
    in `properties` (a block's own events, when one week is written)."""
    written = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    weeks, who = {monday.isoformat() for monday in mondays}, athlete_mark(athlete)
    gone = [
        event
        for uid, event in earlier.items()
        if uid not in written
        and str(event.get(ATHLETE_PROPERTY, "")) == who
        and any(str(event.get(name, "")) in weeks for name in properties)
    ]
    return [cancelled(event, stamp) for event in sorted(gone, key=lambda event: (str(_decoded(event, "DTSTART")), str(event["UID"])))]


def newly_cancelled(calendar: Calendar, earlier: Earlier | None) -> int:
    """How many events `calendar` cancels that the earlier copy held and had not cancelled
    (what a person is told, since the app hides or strikes them through)."""
    before = earlier or {}
    return sum(
        1
        for event in calendar.walk("VEVENT")
        if _is_cancelled(event) and (uid := str(event["UID"])) in before and not _is_cancelled(before[uid])
    )


def _is_cancelled(event: Event) -> bool:
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


def cancelled(old: Event, stamp: dt.datetime) -> Event:
    """A newer version of `old` that cancels it (STATUS:CANCELLED, SEQUENCE + 1, stamped
    `stamp`); `old` itself if it already is cancelled."""
    if _is_cancelled(old):
        return old
    event = Event.from_ical(old.to_ical())
    event["STATUS"] = "CANCELLED"
    sequence, _ = _version(event, old, stamp)
    for name, value in (("SEQUENCE", sequence), ("DTSTAMP", stamp)):
        event.pop(name, None)
        event.add(name, value)
    return event


def _decoded(event: Event, name: str):
    try:
        return event.decoded(name)
    except (KeyError, ValueError):
        return None


def _content(event: Event) -> tuple:
    """What the event says, without its version stamps: equal content, same version."""
    values = []
    for name in CONTENT:
        value = list(event.categories) if name == "CATEGORIES" else _decoded(event, name)
        if isinstance(value, bytes):
            value = value.decode()
        elif isinstance(value, dt.datetime):
            value = value.isoformat()
        values.append(value)
    alarms = sorted((str(a.get("ACTION")), str(_decoded(a, "TRIGGER")), str(a.get("DESCRIPTION"))) for a in event.walk("VALARM"))
    return (*values, tuple(alarms))


def _version(event: Event, earlier: Event | None, stamp: dt.datetime) -> tuple[int, dt.datetime]:
    """SEQUENCE and DTSTAMP for `event` given the copy an app may already hold."""
    if earlier is None:
        return 0, stamp
    try:
        sequence = max(int(str(earlier.get("SEQUENCE", 0))), 0)
    except ValueError:
        sequence = 0
    before = _decoded(earlier, "DTSTAMP")
    if _content(event) == _content(earlier) and isinstance(before, dt.datetime) and before.tzinfo is not None:
        before = before.astimezone(dt.timezone.utc)
        return sequence, min(before, stamp)
    return sequence + 1, stamp


def one_line(text: str) -> str:
    """Text with control characters and line breaks turned into single spaces.

    calcurse rejects a SUMMARY with a newline, and no TEXT value may hold a control
    character; the escaping of ; , and \\ is icalendar's.
    """
    cleaned = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    return " ".join(cleaned.split())


def description(week: Week, placement: Placement, note: str | None = None) -> str:
    spec = placement.spec
    lines = [f"{spec.kind.value}, {spec.intensity.value}, {spec.duration} min"]
    if note:
        lines.append(note)
    lines += [f"- {reason}" for reason in week.reasons.get(placement.occurrence.index, [])[:4]]
    if week.parts:
        parts = ", ".join(f"{name} {value:g}" for name, value in week.weighted_parts().items() if value)
        if week.first_fit:
            proof = f"first fit, not optimised: {FIRST_FIT_NOTE}"
        else:
            proof = "proven optimal" if week.proven_optimal else "best found"
        lines.append(f"Week penalty {week.objective:g}" + (f" ({parts})" if parts else "") + f", {proof}.")
    if spec.kind.value == "strength":
        lines.append("Eat protein after lifting.")
    lines.append("Planned by trainweek.")
    return "\n".join(one_line(line) for line in lines)


def categories(placement: Placement) -> list[str]:
    """Training, the kind, and the modality where it says more (Run, Endurance)."""
    names = ["Training", placement.spec.kind.value.capitalize(), placement.spec.modality.value.capitalize()]
    return list(dict.fromkeys(names))


def copy_times(week: Week, placement: Placement, copy: int) -> tuple[dt.datetime, dt.datetime, str | None]:
    """Start and end of the session `copy` weeks after the solved one (aware, local), and a
    sentence when a clock change moved it (see the module's docstring)."""
    if copy == 0:
        return placement.local_start, placement.local_end, None
    zone = week.frame.zone
    wall = placement.local_start.replace(tzinfo=None) + dt.timedelta(weeks=copy)
    length = dt.timedelta(minutes=placement.end - placement.start)
    day = f"{wall:%A} {wall.day} {wall:%B %Y}"
    start = resolve(wall, zone)
    note = None
    if not exists(wall, zone):
        note = f"At {start:%H:%M}, not {wall:%H:%M}: {day} has no {wall:%H:%M} (the clocks go forward)."
    for _ in range(2):
        end = (start.astimezone(UTC) + length).astimezone(zone)
        twice = [moment for moment in (start, end) if happens_twice(moment)]
        if not twice:
            break
        start = _after_repeat(twice[0])
        note = f"At {start:%H:%M}, not {wall:%H:%M}: on {day} the copy would start or end in the hour the clocks repeat (they go back)."
    return start, (start.astimezone(UTC) + length).astimezone(zone), note


def _after_repeat(moment: dt.datetime) -> dt.datetime:
    """The first instant after the repeated clock time that `moment` shows."""
    instant, day = moment.astimezone(UTC), dt.timedelta(days=1)
    for change in changes(moment.tzinfo, instant - day, instant + day):
        if change.repeats and change.at - change.repeats <= instant < change.at + change.repeats:
            return (change.at + change.repeats).astimezone(moment.tzinfo)
    return moment


def _alarm(summary: str, minutes: int) -> Alarm:
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("TRIGGER", -dt.timedelta(minutes=minutes))
    alarm.add("DESCRIPTION", summary)
    return alarm


def _calendar_name(week: Week, weeks: int) -> str:
    first = f"{week.frame.week_start:%d %b %Y}"
    span = f"Training week of {first}" if weeks == 1 else f"Training, {weeks} weeks from {first}"
    return one_line(f"{span} ({week.plan.athlete})")


def week_calendar(
    week: Week, previous: bytes | Earlier | None = None, options: CalendarOptions = CalendarOptions(), stamp: dt.datetime | None = None
) -> Calendar:
    """The week as a calendar; `previous` is the earlier file or server copy it replaces,
    `stamp` the time it is written (default: `now()`)."""
    earlier = earlier_events(previous)
    stamp = stamp or now()
    calendar = Calendar.new(
        uid=uuid.uuid5(UID_NAMESPACE, f"{week.plan.athlete}|{week.frame.week_start.isoformat()}"),
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        name=_calendar_name(week, options.weeks),
    )
    first = week.frame.week_start - dt.timedelta(days=1)
    last = week.frame.week_start + dt.timedelta(weeks=options.weeks, days=1)
    calendar.add_component(vtimezone(week.plan.timezone, first, last))
    for copy in range(options.weeks):
        for placement in week.placements:
            calendar.add_component(_event(week, placement, copy, earlier, options, stamp))
    mondays = {week.frame.week_start + dt.timedelta(weeks=copy) for copy in range(options.weeks)}
    for event in no_longer_planned(calendar, earlier, week.plan.athlete, mondays, stamp):
        calendar.add_component(event)
    return calendar


def _event(
    week: Week, placement: Placement, copy: int, earlier: Earlier, options: CalendarOptions, stamp: dt.datetime,
    marked: tuple[str, str] | None = None,
) -> Event:
    """One session's event; `marked` is the kind of week it is in (a block's deload week) as
    a category and a first line of its description."""
    uid = event_uid(week, placement, copy)
    start, end, note = copy_times(week, placement, copy)
    summary = one_line(placement.occurrence.label)
    text = description(week, placement, note)
    event = Event.new(
        uid=uid,
        start=start,
        end=end,
        summary=summary,
        description=f"{marked[1]}.\n{text}" if marked else text,
        categories=categories(placement) + ([marked[0]] if marked else []),
        sequence=0,
        stamp=stamp,
        transparency="OPAQUE",
    )
    if options.remind is not None:
        event.add_component(_alarm(summary, options.remind))
    owned(event, week.plan.athlete, week.frame.week_start + dt.timedelta(weeks=copy))
    event.sequence, event.DTSTAMP = _version(event, earlier.get(uid), stamp)
    return event


def week_ics(
    week: Week, previous: bytes | Earlier | None = None, options: CalendarOptions = CalendarOptions(), stamp: dt.datetime | None = None
) -> bytes:
    return week_calendar(week, previous, options, stamp).to_ical()
