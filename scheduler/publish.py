"""Put a week into a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale).

Each session is one calendar object found by its UID, so publishing a re-solved week
replaces the earlier copies where the server keeps them (SEQUENCE rising for moved
ones) and leaves every other object in the calendar alone. A CalDAV object holds one
UID and no METHOD (RFC 4791), so the file's VEVENTs are sent one by one, each with the
VTIMEZONE it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import caldav
from caldav.lib import error as dav_error
from icalendar import Calendar, Event

from trainweek.scheduler.ics import CalendarOptions, event_uid, week_calendar
from trainweek.scheduler.week import Week
from trainweek.scheduler.errors import BadInput

PASSWORD_VARIABLE = "TRAINWEEK_CALDAV_PASSWORD"


class PublishError(BadInput):
    """The server could not be reached or refused the week; the message says what to change."""


@dataclass(frozen=True)
class Published:
    created: int
    replaced: int


def publish(week: Week, url: str, user: str, password: str, options: CalendarOptions = CalendarOptions()) -> Published:
    """Create or replace the week's events in the calendar collection at `url`."""
    client = caldav.DAVClient(url=url, username=user, password=password)
    calendar = client.calendar(url=url)
    try:
        uids = [event_uid(week, p, copy) for copy in range(options.weeks) for p in week.placements]
        stored = {uid: found for uid in uids if (found := _stored(calendar, uid)) is not None}
        whole = week_calendar(week, _as_file(stored.values()), options)
        for event in whole.walk("VEVENT"):
            data = _object_data(whole, event)
            if (existing := stored.get(str(event["UID"]))) is not None:
                existing.data = data
                existing.save(increase_seqno=False)
            else:
                calendar.add_event(ical=data, increase_seqno=False)
    except dav_error.AuthorizationError:
        raise PublishError(f"{url}: the server refused user '{user}'; check the user name and the password in {PASSWORD_VARIABLE}") from None
    except dav_error.NotFoundError:
        raise PublishError(f"{url}: no calendar there; give the address of the calendar itself (the collection, ending in /)") from None
    except dav_error.DAVError as error:
        status = f"HTTP {error.status}" if error.status else error.reason
        raise PublishError(f"{url}: the server refused the week ({status}); check that this is a calendar you may write to") from None
    except OSError as error:
        raise PublishError(f"{url}: cannot reach the server ({error})") from None
    return Published(created=len(uids) - len(stored), replaced=len(stored))


def _stored(calendar: caldav.Calendar, uid: str):
    try:
        return calendar.get_event_by_uid(uid)
    except dav_error.NotFoundError:
        return None


def _as_file(objects) -> bytes:
    """The server's copies as one calendar, as a re-solve reads an earlier file."""
    merged = Calendar()
    for found in objects:
        for event in Calendar.from_ical(found.data).walk("VEVENT"):
            merged.add_component(event)
    return merged.to_ical()


def _object_data(whole: Calendar, event: Event) -> str:
    single = Calendar()
    for name in ("VERSION", "PRODID", "CALSCALE"):
        single.add(name, whole[name])
    for timezone in whole.walk("VTIMEZONE"):
        single.add_component(timezone)
    single.add_component(event)
    return single.to_ical().decode()
