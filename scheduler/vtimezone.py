"""A VTIMEZONE that every calendar app reads the same way, for the dates of a plan.

Where the zone's current rule, the POSIX TZ string that ends its tzdata file, describes
every change of offset over the plan's dates, it is written the way Outlook itself writes
zones: one STANDARD and one DAYLIGHT observance with a yearly RRULE (or one STANDARD for
a zone without daylight-saving time), starting the year before the plan. Otherwise (the
plan lies before the rule took effect, Morocco's Ramadan switches, Chile's changes at
24:00, which no BYDAY rule names) each change from the start of the year before the plan
to its end is written as its own dated observance, taken from zoneinfo. icalendar's
generator (`Timezone.from_tzinfo`) is not used: its search steps over pairs of changes
less than 64 days apart, so Casablanca's Ramadan came out as a year of +01.

Whichever form is written, `disagreements` reads it back on its own (observance onsets
from DTSTART, RRULE and RDATE, as RFC 5545 defines them) and compares its offset with
zoneinfo's at every change of either over the plan's dates; `vtimezone` never returns a
component that disagrees.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from trainweek.scheduler.zonetime import changes

_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}){0,2}"
_RULE = r"M(\d{1,2})\.([1-5])\.([0-6])(?:/(" + _OFFSET + r"))?"
_POSIX = re.compile(rf"^({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,{_RULE},{_RULE})?$")
_SECOND = dt.timedelta(seconds=1)
UTC = dt.timezone.utc
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


def vtimezone(key: str, first: dt.date, last: dt.date) -> Timezone:
    """The VTIMEZONE for zone `key`, correct for every instant of the dates `first` to `last`."""
    zone = zoneinfo.ZoneInfo(key)
    component = _by_rule(key, first)
    if component is None or disagreements(component, zone, first, last):
        component = _by_changes(key, zone, first, last)
    wrong = disagreements(component, zone, first, last)
    if wrong:
        raise AssertionError(f"the VTIMEZONE written for {key} disagrees with zoneinfo: {'; '.join(wrong[:3])}")
    return component


def _by_rule(key: str, first: dt.date) -> Timezone | None:
    """The zone's current rule as yearly observances from the year before `first`, if it has one."""
    rule = _rule(key)
    if rule is None:
        return None
    std_name, std, observances = rule
    if any(not dt.timedelta(0) <= o.at < dt.timedelta(days=1) for o in observances):
        return None  # a change at "24:00" or "-1:00" has no BYDAY form
    component = Timezone()
    component.add("TZID", key)
    if not observances:
        component.add_component(_observance(dt.datetime(max(first.year - 1, dt.MINYEAR), 1, 1), std_name, std, std, False))
        return component
    for observance in observances:
        part = _observance(observance.onset(max(first.year - 1, dt.MINYEAR)), observance.name, observance.before, observance.to, observance.to != std)
        part.add("RRULE", observance.rrule)
        component.add_component(part)
    return component


def _by_changes(key: str, zone: zoneinfo.ZoneInfo, first: dt.date, last: dt.date) -> Timezone:
    """One dated observance for the offset at the start of the year before `first`, and one
    for each change from there to the day after `last`, as zoneinfo has them."""
    begin = dt.datetime(max(first.year - 1, dt.MINYEAR), 1, 1, tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), tzinfo=UTC)
    local = begin.astimezone(zone)
    component = Timezone()
    component.add("TZID", key)
    offset = local.utcoffset()
    found = changes(zone, begin, end)
    # dateutil (vobject) fails on a zone without a STANDARD observance: if every offset of
    # the stretch is daylight time, the first is written as STANDARD.
    first_is_daylight = bool(local.dst()) and any(not change.dst for change in found)
    component.add_component(_observance(local.replace(tzinfo=None), local.tzname() or "", offset, offset, first_is_daylight))
    for change in found:
        onset = (change.at + change.before).replace(tzinfo=None)
        component.add_component(_observance(onset, change.name, change.before, change.after, change.dst))
    return component


def _observance(onset: dt.datetime, name: str, before: dt.timedelta, to: dt.timedelta, daylight: bool):
    part = TimezoneDaylight() if daylight else TimezoneStandard()
    part.add("DTSTART", onset)
    if name:
        part.add("TZNAME", name)
    part.add("TZOFFSETFROM", before)
    part.add("TZOFFSETTO", to)
    return part


def disagreements(component: Timezone, zone: dt.tzinfo, first: dt.date, last: dt.date) -> list[str]:
    """Where the written VTIMEZONE and zoneinfo give different offsets, from the day before
    `first` to the day after `last` (empty when they agree everywhere).

    Both are constant between their changes, so comparing at the start, at every change
    of either and one second before each covers every instant.
    """
    begin = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), tzinfo=UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), tzinfo=UTC)
    try:
        onsets = _onsets(Timezone.from_ical(component.to_ical()), end)  # as written, not as built
    except ValueError as error:
        return [str(error)]
    points = {begin} | {change.at for change in changes(zone, begin, end)} | {at for at, _ in onsets if begin < at < end}
    found = []
    for point in sorted(points | {p - _SECOND for p in points if p - _SECOND >= begin}):
        written = _written_offset(onsets, point)
        actual = point.astimezone(zone).utcoffset()
        if written != actual:
            shown = "none (before the first observance)" if written is None else str(written)
            found.append(f"at {point:%Y-%m-%d %H:%M:%S}Z it gives {shown}, zoneinfo {actual}")
    return found


def _written_offset(onsets: list[tuple[dt.datetime, dt.timedelta]], instant: dt.datetime) -> dt.timedelta | None:
    passed = [offset for at, offset in onsets if at <= instant]
    return passed[-1] if passed else None


def _onsets(component: Timezone, until: dt.datetime) -> list[tuple[dt.datetime, dt.timedelta]]:
    """(UTC instant, offset from then on) of every observance onset up to `until`, in order.

    An onset is its local DTSTART (or RDATE, or RRULE date) in the offset before it,
    TZOFFSETFROM. Only the RRULE form this module writes is read (FREQ=YEARLY, one
    BYMONTH, one BYDAY such as -1SU); any other raises ValueError.
    """
    found = []
    for part in component.subcomponents:
        if part.name not in ("STANDARD", "DAYLIGHT"):
            continue
        before, after = part.decoded("TZOFFSETFROM"), part.decoded("TZOFFSETTO")
        start = part.decoded("DTSTART")
        if not isinstance(start, dt.datetime) or start.tzinfo is not None:
            raise ValueError(f"{part.name} DTSTART must be a local date-time, not {start!r}")
        locals_ = [start]
        rdates = part.get("RDATE", [])
        for value in rdates if isinstance(rdates, list) else [rdates]:
            locals_ += [moment.dt for moment in value.dts]
        if "RRULE" in part:
            locals_ += _yearly(part["RRULE"], start, until)
        found += [((moment - before).replace(tzinfo=UTC), after) for moment in locals_]
    return sorted(found, key=lambda pair: pair[0])


def _yearly(rule, start: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    keys = {key: value for key, value in rule.items()}
    if keys.get("FREQ") != ["YEARLY"] or set(keys) - {"FREQ", "BYMONTH", "BYDAY"} or len(keys.get("BYMONTH", [])) != 1 or len(keys.get("BYDAY", [])) != 1:
        raise ValueError(f"an RRULE this check does not read: {rule.to_ical().decode()}")
    month = int(keys["BYMONTH"][0])
    match = re.fullmatch(r"([+-]?\d)(SU|MO|TU|WE|TH|FR|SA)", str(keys["BYDAY"][0]))
    if not match:
        raise ValueError(f"an RRULE this check does not read: {rule.to_ical().decode()}")
    ordinal, weekday = int(match[1]), _WEEKDAYS.index(match[2])
    dates = []
    for year in range(start.year, until.year + 1):
        days = [dt.date(year, month, d) for d in range(1, 32) if _valid(year, month, d)]
        chosen = [d for d in days if (d.weekday() + 1) % 7 == weekday]
        if not 1 <= abs(ordinal) <= len(chosen):
            continue
        moment = dt.datetime.combine(chosen[ordinal - 1 if ordinal > 0 else ordinal], start.time())
        if start <= moment:
            dates.append(moment)
    return dates


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True
