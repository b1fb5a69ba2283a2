"""Write a week as an iCalendar file that calendar apps import cleanly.

Times are local with a TZID and a VTIMEZONE for the user's zone, so a 07:00 run stays at
07:00 across a daylight-saving change. UIDs are derived from the athlete, the week and
the session slot, so importing a re-solved week updates events instead of duplicating
them; SEQUENCE rises for each event a re-solve moved.
"""

from __future__ import annotations

import datetime as dt
import uuid

from icalendar import Calendar, Event

from scheduler.week import Placement, Week

PRODID = "-//trainweek//trainweek week planner//EN"
UID_NAMESPACE = uuid.UUID("6f1c3a52-8a53-4d5e-9b1e-2f4a8c0f7d11")


def event_uid(week: Week, placement: Placement) -> str:
    occurrence = placement.occurrence
    key = f"{week.plan.athlete}|{week.frame.week_start.isoformat()}|{occurrence.spec.name}|{occurrence.repeat}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@trainweek"


def _stamp(week: Week, sequence: int) -> dt.datetime:
    """DTSTAMP derived from the input, not the clock, so the same plan gives the same file."""
    base = dt.datetime.combine(week.frame.week_start - dt.timedelta(days=7), dt.time(), tzinfo=dt.timezone.utc)
    return base + dt.timedelta(seconds=sequence)


def previous_events(existing: bytes | None) -> dict[str, tuple[int, str, str]]:
    """UID -> (SEQUENCE, DTSTART, DTEND) from an earlier trainweek file."""
    if not existing:
        return {}
    try:
        calendar = Calendar.from_ical(existing)
    except ValueError:
        return {}
    found = {}
    for event in calendar.walk("VEVENT"):
        found[str(event.get("UID"))] = (
            int(event.get("SEQUENCE", 0)),
            event.decoded("DTSTART").isoformat(),
            event.decoded("DTEND").isoformat(),
        )
    return found


def description(week: Week, placement: Placement) -> str:
    spec = placement.spec
    lines = [f"{spec.kind.value}, {spec.intensity.value}, {spec.duration} min"]
    lines += [f"- {reason}" for reason in week.reasons.get(placement.occurrence.index, [])]
    if spec.kind.value == "strength":
        lines.append("Eat protein after lifting.")
    lines.append("Planned by trainweek.")
    return "\n".join(lines)


def week_calendar(week: Week, previous: bytes | None = None) -> Calendar:
    earlier = previous_events(previous)
    calendar = Calendar.new(
        uid=uuid.uuid5(UID_NAMESPACE, f"{week.plan.athlete}|{week.frame.week_start.isoformat()}"),
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        name=f"Training week of {week.frame.week_start:%d %b %Y} ({week.plan.athlete})",
    )
    for placement in week.placements:
        uid = event_uid(week, placement)
        start, end = placement.local_start, placement.local_end
        sequence = 0
        if uid in earlier:
            old_sequence, old_start, old_end = earlier[uid]
            moved = (old_start, old_end) != (start.isoformat(), end.isoformat())
            sequence = old_sequence + 1 if moved else old_sequence
        spec = placement.spec
        calendar.add_component(
            Event.new(
                uid=uid,
                stamp=_stamp(week, sequence),
                start=start,
                end=end,
                summary=" ".join(placement.occurrence.label.split()),
                description=description(week, placement),
                categories=["Training", spec.kind.value.capitalize(), spec.modality.value.capitalize()],
                sequence=sequence,
                transparency="OPAQUE",
            )
        )
    first = week.frame.week_start - dt.timedelta(days=7)
    calendar.add_missing_timezones(first_date=first, last_date=week.frame.week_start + dt.timedelta(days=14))
    return calendar


def week_ics(week: Week, previous: bytes | None = None) -> bytes:
    return week_calendar(week, previous).to_ical()
