"""When a zone's clocks change, as zoneinfo says, and what a clock reading then means.

One rule reads every local clock time in trainweek (windows, busy entries, preferred
times, the copies of `--weeks`), the one iCalendar (RFC 5545) gives and zoneinfo
follows: a clock time that happens twice, in the hour repeated when the clocks go back,
means the first; one that never happens, skipped when they go forward, is read with the
offset before the change, so 02:30 on a night the clocks jump from 02:00 to 03:00 is
03:30. The week frame and the VTIMEZONE writer both find the changes here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

UTC = dt.timezone.utc
_PROBE = dt.timedelta(hours=1)
_EDGE = dt.timedelta(days=3)


@dataclass(frozen=True)
class Change:
    """The zone's offset changes from `before` to `after` at the UTC instant `at`."""

    at: dt.datetime
    before: dt.timedelta
    after: dt.timedelta
    name: str  # the zone's abbreviation from `at` on, e.g. CEST or +01
    dst: bool  # whether zoneinfo calls the new offset daylight-saving time

    @property
    def repeats(self) -> dt.timedelta:
        """How much clock time happens twice (the clocks go back), else zero."""
        return max(self.before - self.after, dt.timedelta(0))

    @property
    def skips(self) -> dt.timedelta:
        """How much clock time never happens (the clocks go forward), else zero."""
        return max(self.after - self.before, dt.timedelta(0))


def _offset(zone: dt.tzinfo, instant: dt.datetime) -> dt.timedelta:
    return instant.astimezone(zone).utcoffset()


def changes(zone: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> list[Change]:
    """Every change of UTC offset from `start` to `end` (aware datetimes), to the second.

    Probes each hour and bisects between two probes that differ: no zone changes its
    offset twice within an hour.
    """
    low_limit = dt.datetime.min.replace(tzinfo=UTC) + _EDGE
    high_limit = dt.datetime.max.replace(tzinfo=UTC) - _EDGE
    instant = max(start.astimezone(UTC), low_limit).replace(microsecond=0)
    end = min(end.astimezone(UTC), high_limit)
    found = []
    offset = _offset(zone, instant)
    while instant < end:
        probe = min(instant + _PROBE, end)
        if _offset(zone, probe) == offset:
            instant = probe
            continue
        low, high = instant, probe  # the offset is `offset` at low, another at high
        while high - low > dt.timedelta(seconds=1):
            middle = low + dt.timedelta(seconds=(high - low).total_seconds() // 2)
            if _offset(zone, middle) == offset:
                low = middle
            else:
                high = middle
        local = high.astimezone(zone)
        found.append(Change(high, offset, local.utcoffset(), local.tzname() or "", bool(local.dst())))
        instant, offset = high, local.utcoffset()
    return found


def happens_twice(moment: dt.datetime) -> bool:
    """Whether the local clock reading of an aware datetime also names another instant."""
    other = moment.replace(fold=1 - moment.fold)
    return other.utcoffset() != moment.utcoffset()


def exists(wall: dt.datetime, zone: dt.tzinfo) -> bool:
    """Whether a naive local date and time is ever shown by the zone's clocks."""
    moment = wall.replace(tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def resolve(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A naive local date and time as the instant iCalendar means by it (see the module),
    returned as the zone's aware datetime of that instant."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
