"""A VTIMEZONE that every calendar app reads the same way, for the dates of a plan.

icalendar's generated VTIMEZONE lists each transition as its own one-off observance and
puts a COMMENT on the VTIMEZONE itself (libical flags it); Outlook is reported to
mishandle observances without an RRULE. So the zone's current rule, the POSIX TZ string
that ends its tzdata file, is written the way Outlook itself writes zones: one STANDARD
and one DAYLIGHT observance with a yearly RRULE, starting the year before the plan. The
result is checked against zoneinfo at every quarter hour of the plan's dates; a zone the
rule does not describe there (Morocco's Ramadan switches) keeps icalendar's observances,
limited to the plan and without the COMMENT.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}){0,2}"
_RULE = r"M(\d{1,2})\.([1-5])\.([0-6])(?:/(" + _OFFSET + r"))?"
_POSIX = re.compile(rf"^({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,{_RULE},{_RULE})?$")
_STEP = dt.timedelta(minutes=15)
_WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


@dataclass(frozen=True)
class Observance:
    """Offset `to` takes over from `before` at a local time given by a month rule."""

    name: str
    before: dt.timedelta
    to: dt.timedelta
    month: int
    week: int  # 1-4, or 5 for the last
    weekday: int  # 0 = Sunday, as in POSIX
    at: dt.timedelta  # local time of day, in the offset before the change

    def onset(self, year: int) -> dt.datetime:
        """Local wall time (in the old offset) of this year's change."""
        first = dt.date(year, self.month, 1)
        shift = (self.weekday - (first.weekday() + 1) % 7) % 7
        day = first + dt.timedelta(days=shift + 7 * (self.week - 1))
        if day.month != self.month:
            day -= dt.timedelta(days=7)
        return dt.datetime.combine(day, dt.time()) + self.at

    def onset_utc(self, year: int) -> dt.datetime:
        return (self.onset(year) - self.before).replace(tzinfo=dt.timezone.utc)

    @property
    def rrule(self) -> dict:
        ordinal = -1 if self.week == 5 else self.week
        return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{ordinal}{_WEEKDAYS[self.weekday]}"}


def _seconds(text: str) -> dt.timedelta:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * dt.timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])


def _posix_string(key: str) -> str | None:
    """The footer of the zone's TZif file, looked up the way zoneinfo finds the file."""
    candidates = [Path(root) / key for root in zoneinfo.TZPATH]
    try:
        candidates.append(resources.files("tzdata").joinpath("zoneinfo", *key.split("/")))
    except ModuleNotFoundError:
        pass
    for candidate in candidates:
        try:
            data = candidate.read_bytes()
        except OSError:
            continue
        if data.startswith(b"TZif") and data.endswith(b"\n"):
            return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    return None


def _rule(key: str) -> tuple[str, dt.timedelta, list[Observance]] | None:
    """(standard name, standard offset, DST observances) from the zone's POSIX TZ string."""
    text = _posix_string(key)
    match = _POSIX.match(text or "")
    if not match:
        return None
    std_name, std_text, dst_name, dst_text, *rules = match.groups()
    std = -_seconds(std_text)
    if dst_name is None:
        return std_name.strip("<>"), std, []
    dst = -_seconds(dst_text) if dst_text else std + dt.timedelta(hours=1)
    two = dt.timedelta(hours=2)
    start = Observance(dst_name.strip("<>"), std, dst, int(rules[0]), int(rules[1]), int(rules[2]), _seconds(rules[3]) if rules[3] else two)
    end = Observance(std_name.strip("<>"), dst, std, int(rules[4]), int(rules[5]), int(rules[6]), _seconds(rules[7]) if rules[7] else two)
    return std_name.strip("<>"), std, [start, end]


def _offset_by_rule(std: dt.timedelta, observances: list[Observance], instant: dt.datetime) -> dt.timedelta:
    changes = [(o.onset_utc(year), o.to) for o in observances for year in range(instant.year - 1, instant.year + 2)]
    passed = [change for change in sorted(changes) if change[0] <= instant]
    return passed[-1][1] if passed else std


def _rule_holds(zone: zoneinfo.ZoneInfo, std: dt.timedelta, observances: list[Observance], first: dt.date, last: dt.date) -> bool:
    if any(not dt.timedelta(0) <= o.at < dt.timedelta(days=1) for o in observances):
        return False  # a change at "26:00" or "-1:00" has no BYDAY form
    instant = dt.datetime.combine(first, dt.time(), tzinfo=dt.timezone.utc)
    end = dt.datetime.combine(last, dt.time(), tzinfo=dt.timezone.utc)
    while instant <= end:
        if instant.astimezone(zone).utcoffset() != _offset_by_rule(std, observances, instant):
            return False
        instant += _STEP
    return True


def vtimezone(key: str, first: dt.date, last: dt.date) -> Timezone:
    """The VTIMEZONE for zone `key`, correct for every instant from `first` to `last`."""
    zone = zoneinfo.ZoneInfo(key)
    rule = _rule(key)
    if rule is None or not _rule_holds(zone, rule[1], rule[2], first, last):
        generated = Timezone.from_tzinfo(zone, tzid=key, first_date=first, last_date=last)
        generated.pop("COMMENT", None)
        return generated
    std_name, std, observances = rule
    component = Timezone()
    component.add("TZID", key)
    if not observances:
        standard = TimezoneStandard()
        standard.add("DTSTART", dt.datetime(first.year - 1, 1, 1))
        standard.add("TZNAME", std_name)
        standard.add("TZOFFSETFROM", std)
        standard.add("TZOFFSETTO", std)
        component.add_component(standard)
        return component
    for observance in observances:
        part = TimezoneStandard() if observance.to == std else TimezoneDaylight()
        part.add("DTSTART", observance.onset(first.year - 1))
        part.add("RRULE", observance.rrule)
        part.add("TZNAME", observance.name)
        part.add("TZOFFSETFROM", observance.before)
        part.add("TZOFFSETTO", observance.to)
        component.add_component(part)
    return component
