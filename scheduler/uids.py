"""The UID of each session's calendar event, apart from the calendar itself.

A UID is derived from the athlete, the week's Monday and the session slot, so importing
a re-solved week updates its events instead of duplicating them (see scheduler.ics). The
calendar file and `solve --json` show the same UIDs; this module holds them without
icalendar, which only a command that writes or reads a calendar needs (issue 21).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainweek.scheduler.plan import Occurrence
    from trainweek.scheduler.week import Placement, Week

UID_NAMESPACE = uuid.UUID("6f1c3a52-8a53-4d5e-9b1e-2f4a8c0f7d11")


def event_uid(week: Week, placement: Placement, copy: int = 0) -> str:
    """Stable identity of a session slot in the week `copy` weeks after the solved one."""
    return slot_uid(week.plan.athlete, week.frame.week_start + dt.timedelta(weeks=copy), placement.occurrence)


def slot_uid(athlete: str, week_start: dt.date, occurrence: Occurrence) -> str:
    key = f"{athlete}|{week_start.isoformat()}|{occurrence.spec.name}|{occurrence.repeat}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@trainweek"
