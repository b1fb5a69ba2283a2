"""Put a week into a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale).

Each session is one calendar object found by its UID, so publishing a re-solved week
replaces the earlier copies where the server keeps them (SEQUENCE rising for changed
ones) and leaves every other object in the calendar alone. A CalDAV object holds one
UID and no METHOD (RFC 4791), so the file's VEVENTs are sent one by one, each with the
VTIMEZONE it needs.

The address is checked first (PROPFIND): it must be a calendar collection that holds
events, so a principal or the server root never gets one new calendar per event. The
server's copy of the week is read with one time-range query (a CalDAV calendar-query
REPORT) and used as parsed: it is where the search starts, as an earlier file is for
`solve -o`, and what SEQUENCE and DTSTAMP are weighed against.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import caldav
from caldav.elements import cdav, dav
from caldav.lib import error as dav_error
from icalendar import Calendar, Event

from trainweek.scheduler.errors import BadInput, Interrupted
from trainweek.scheduler.ics import CalendarOptions, newly_cancelled, week_calendar
from trainweek.scheduler.week import Week

PASSWORD_VARIABLE = "TRAINWEEK_CALDAV_PASSWORD"
TIMEOUT = 30  # seconds to wait for each answer of the server
PRINCIPAL = "{DAV:}principal"  # resource type of an account (RFC 3744); caldav has no element for it
EXAMPLE = "https://cloud.example.com/remote.php/dav/calendars/alex/training/"


class PublishError(BadInput):
    """The server could not be reached or refused the week; the message says what to change."""


@dataclass(frozen=True)
class Published:
    created: int
    replaced: int
    unchanged: int = 0  # already on the server as they would be written: not sent again
    cancelled: int = 0  # of those replaced, events cancelled (sessions the plan no longer holds)

    def sentence(self, where: str) -> str:
        text = f"{where}: {self.created} events created, {self.replaced} replaced, {self.unchanged} already up to date."
        return text + (f" {self.cancelled} of them cancelled: no longer in the plan." if self.cancelled else "")


def open_calendar(url: str, user: str, password: str) -> ServerCalendar:
    """The calendar collection at `url`, checked to be one that holds events."""
    _check_address(url)
    client = caldav.DAVClient(url=url, username=user, password=password, timeout=TIMEOUT)
    calendar = client.calendar(url=url)
    try:
        with _plain_errors(url, user, client):
            properties = calendar.get_properties([dav.ResourceType(), cdav.SupportedCalendarComponentSet()])
        _check_calendar(url, client, properties)
    except BaseException:
        client.close()
        raise
    return ServerCalendar(url, user, client, calendar)


def _check_calendar(url: str, client: caldav.DAVClient, properties: dict) -> None:
    kinds = properties.get(dav.ResourceType.tag) or []
    if cdav.Calendar.tag not in kinds:
        what = "the account's own address (a principal)" if PRINCIPAL in kinds else "a folder of the server" if dav.Collection.tag in kinds else "a single item"
        raise PublishError(f"{url}: this is {what}, not a calendar; give the address of one calendar, ending in /{_choices(client)}")
    components = properties.get(cdav.SupportedCalendarComponentSet.tag)
    if components and "VEVENT" not in components:
        raise PublishError(f"{url}: this calendar holds only {', '.join(components)}, not events; give the address of a calendar for events{_choices(client)}")


class ServerCalendar:
    """One checked calendar: read the week's earlier copy, then write the week into it.
    Use it in a `with` block, which closes the connection."""

    def __init__(self, url: str, user: str, client: caldav.DAVClient, calendar: caldav.Calendar):
        self.url, self.user = url, user
        self._client, self._calendar = client, calendar
        self._stored: dict[str, caldav.CalendarObjectResource] = {}

    def __enter__(self) -> ServerCalendar:
        return self

    def __exit__(self, *exception) -> None:
        self._client.close()

    def events(self, week_start: dt.date, weeks: int) -> dict[str, Event]:
        """UID -> every VEVENT the server holds in these weeks (and a day either side), from
        one time-range query: pass it to the solve as the previous copy and to `write`.
        Only the UIDs `write` sends are replaced: the sessions trainweek writes, and its own
        earlier events of these weeks that they no longer hold, cancelled (`ics.no_longer_planned`);
        every other event is left alone."""
        zone = dt.timezone.utc
        start = dt.datetime.combine(week_start - dt.timedelta(days=1), dt.time(), zone)
        end = dt.datetime.combine(week_start + dt.timedelta(weeks=weeks, days=1), dt.time(), zone)
        with _plain_errors(self.url, self.user, self._client):
            found = self._calendar.search(start=start, end=end, event=True, expand=False)
        events: dict[str, Event] = {}
        for item in found:
            event = item.icalendar_component
            uid = str(event.get("UID", ""))
            if uid and uid not in events:
                events[uid] = event
                self._stored[uid] = item
        return events

    def publish(self, week: Week, earlier: dict[str, Event], options: CalendarOptions = CalendarOptions()) -> Published:
        """Create or replace the week's events; `earlier` is what `events()` returned."""
        return self.write(week_calendar(week, earlier, options))

    def write(self, whole: Calendar, what: str = "week") -> Published:
        """Create or replace each event of `whole` on the server, by UID (`replan` writes its
        week this way, `block` its weeks); `what` it holds is named if Ctrl+C stops it."""
        created = replaced = 0
        events = whole.walk("VEVENT")
        singles = [(_one_object(whole, event), self._stored.get(str(event["UID"]))) for event in events]
        changed = [(single, existing) for single, existing in singles if existing is None or _canonical(existing.icalendar_instance) != _canonical(single)]
        unchanged = len(events) - len(changed)
        cancelled = newly_cancelled(whole, {uid: item.icalendar_component for uid, item in self._stored.items()})
        with _plain_errors(self.url, self.user, self._client), _interrupted_writing(self.url, what, lambda: unchanged + created + replaced, len(events)):
            for single, existing in changed:
                if existing is None:
                    self._calendar.add_event(ical=single.to_ical().decode(), increase_seqno=False)
                    created += 1
                else:
                    existing.icalendar_instance = single
                    existing.save(increase_seqno=False)
                    replaced += 1
        return Published(created=created, replaced=replaced, unchanged=unchanged, cancelled=cancelled)


@contextlib.contextmanager
def _interrupted_writing(url: str, what: str, done: Callable[[], int], events: int) -> Iterator[None]:
    """Ctrl+C between two events leaves the calendar with part of the week (or block)
    written (new events, or a re-plan's moves): say how much. Writing again finishes it:
    what is already there as it would be written is left alone."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(f"the calendar at {url} has {done()} of the {what}'s {events} events up to date; run the same command again to finish") from None


def publish(week: Week, url: str, user: str, password: str, options: CalendarOptions = CalendarOptions()) -> Published:
    """Check the calendar at `url`, read the week's copy there and create or replace its events."""
    with open_calendar(url, user, password) as target:
        earlier = target.events(week.frame.week_start, options.weeks)
        return target.publish(week, earlier, options)


def _check_address(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise PublishError(f"{url}: not a web address ({error}); write it like {EXAMPLE}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(f"{url}: not a web address; write it with http:// or https:// and the server's name, like {EXAMPLE}")


def _choices(client: caldav.DAVClient) -> str:
    """'; your calendars: ...' when the server lists them (asked at the address given, then
    at each folder above it), else nothing."""
    parts = urlsplit(str(client.url))
    folders = [segment for segment in parts.path.split("/") if segment]
    for depth in range(len(folders), -1, -1):
        base = f"{parts.scheme}://{parts.netloc}/" + "".join(f"{name}/" for name in folders[:depth])
        try:
            with caldav.DAVClient(url=base, username=client.username, password=client.password, timeout=TIMEOUT) as helper:
                calendars = helper.principal().calendars()
        except (dav_error.DAVError, OSError, ValueError):
            continue
        names = [str(c.url) for c in calendars]
        return f"; your calendars: {', '.join(names)}" if names else "; this account has no calendar yet: make one in your calendar app first"
    return ""


class _plain_errors:
    """Turn what the server or the network said into a sentence a person can act on."""

    def __init__(self, url: str, user: str, client: caldav.DAVClient):
        self.url, self.user, self.client = url, user, client

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if error is None or not isinstance(error, (dav_error.DAVError, OSError)):
            return False
        raise PublishError(f"{self.url}: {self._sentence(error)}") from None

    def _sentence(self, error: Exception) -> str:
        if isinstance(error, dav_error.DAVError):
            if error.status == 401:
                return f"the server refused user '{self.user}'; check the user name and the password in {PASSWORD_VARIABLE}"
            if error.status == 403:
                return (
                    f"user '{self.user}' is signed in but may not use this address: it is someone else's calendar or not a "
                    f"calendar at all; give the address of one of your own calendars{_choices(self.client)}"
                )
            if isinstance(error, dav_error.NotFoundError) or error.status == 404:
                return f"no calendar there; give the address of the calendar itself (the collection, ending in /){_choices(self.client)}"
            status = f"HTTP {error.status}" if error.status else "no answer it understood"
            return f"the server refused the week ({status}); check that this is a calendar you may write to"
        host = urlsplit(self.url).netloc
        return f"cannot reach the server at {host}: {_network_reason(error)}; check the address and your connection"


def _network_reason(error: BaseException) -> str:
    for cause in _causes(error):
        if isinstance(cause, ConnectionRefusedError):
            return "nothing answers there (connection refused)"
        if isinstance(cause, socket.gaierror):
            return "that host name is not known"
        if isinstance(cause, ssl.SSLError):
            return "its certificate could not be checked (TLS)"
        if isinstance(cause, TimeoutError) or type(cause).__name__ in ("ReadTimeout", "ConnectTimeout", "Timeout"):
            return f"it did not answer within {TIMEOUT} s"
        if isinstance(cause, ConnectionResetError):
            return "it closed the connection"
    return "the connection failed"


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _canonical(component) -> tuple:
    """A component as properties and subcomponents in sorted order: servers may reorder
    both (Radicale sorts a VTIMEZONE's observances), which changes nothing."""
    properties = []
    for name, value in component.property_items(recursive=False):
        text = value.to_ical() if hasattr(value, "to_ical") else value
        parameters = tuple(sorted((key, str(setting)) for key, setting in getattr(value, "params", {}).items()))
        properties.append((name, text if isinstance(text, bytes) else str(text).encode(), parameters))
    return component.name, tuple(sorted(properties)), tuple(sorted(_canonical(inner) for inner in component.subcomponents))


def _one_object(whole: Calendar, event: Event) -> Calendar:
    single = Calendar()
    for name in ("VERSION", "PRODID", "CALSCALE"):
        single.add(name, whole[name])
    for timezone in whole.walk("VTIMEZONE"):
        single.add_component(timezone)
    single.add_component(event)
    return single
