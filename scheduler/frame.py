"""The concrete week: dates, local clock times and the minutes that really pass.

The solver works in real minutes since Monday 00:00 local, so gaps stay true across a
daylight-saving change; people see local dates and clock times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from trainweek.scheduler.busy import busy_spans, is_calendar_file
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.timetext import WEEKDAYS, parse_clock_range

UTC = dt.timezone.utc


def next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


@dataclass(frozen=True)
class Block:
    """A stretch of local time on one day of the week, in minutes after midnight."""

    day: int
    start: int
    end: int
    label: str = ""


class WeekFrame:
    """Maps between local (day, clock) and real minutes for one Monday-to-Sunday week."""

    def __init__(self, plan: Plan, week_start: dt.date) -> None:
        self.plan = plan
        self.week_start = week_start
        self.zone = plan.zone
        self._origin = self.local_datetime(0, 0).astimezone(UTC)

    def date(self, day: int) -> dt.date:
        return self.week_start + dt.timedelta(days=day)

    def local_datetime(self, day: int, clock: int) -> dt.datetime:
        naive = dt.datetime.combine(self.date(day), dt.time()) + dt.timedelta(minutes=clock)
        return naive.replace(tzinfo=self.zone)

    def minute(self, day: int, clock: int) -> int:
        """Real minutes from the week's start to a local clock time."""
        delta = self.local_datetime(day, clock).astimezone(UTC) - self._origin
        return int(delta.total_seconds() // 60)

    def minute_at(self, moment: dt.datetime) -> int:
        """Real minutes from the week's start to an aware moment."""
        return int((moment.astimezone(UTC) - self._origin).total_seconds() // 60)

    def at(self, minute: int) -> dt.datetime:
        """The local date and time a real minute of the week falls on."""
        return (self._origin + dt.timedelta(minutes=minute)).astimezone(self.zone)

    @cached_property
    def day_starts(self) -> tuple[int, ...]:
        """Real minute of each local midnight, Monday through the next Monday."""
        return tuple(self.minute(day, 0) for day in range(8))

    @property
    def length(self) -> int:
        return self.day_starts[7]

    @cached_property
    def busy_blocks(self) -> tuple[Block, ...]:
        """The file's busy entries that fall in this week, as local blocks."""
        blocks = []
        for entry in self.plan.busy:
            if is_calendar_file(entry):
                blocks += self._calendar_blocks(entry)
                continue
            when, clock_range = entry.split(" ", 1)
            start, end = parse_clock_range(clock_range)
            if when.lower() in WEEKDAYS:
                blocks.append(Block(WEEKDAYS.index(when.lower()), start, end, entry))
                continue
            day = (dt.date.fromisoformat(when) - self.week_start).days
            if 0 <= day < 7:
                blocks.append(Block(day, start, end, entry))
        return tuple(blocks)

    def _calendar_blocks(self, path: str) -> list[Block]:
        """The busy events of an .ics file, cut at local midnights into day blocks."""
        edges = [self.local_datetime(day, 0).astimezone(UTC) for day in range(8)]
        blocks = []
        for first, last in busy_spans(path, self.local_datetime(0, 0), self.local_datetime(7, 0)):
            for day in range(7):
                start, end = max(first, edges[day]), min(last, edges[day + 1])
                if start < end:
                    clock_end = 24 * 60 if end == edges[day + 1] else self._clock_of(end)
                    blocks.append(Block(day, self._clock_of(start), clock_end, path))
        return blocks

    def _clock_of(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.zone)
        return local.hour * 60 + local.minute

    @cached_property
    def ignored_busy(self) -> tuple[str, ...]:
        used = {block.label for block in self.busy_blocks}
        return tuple(entry for entry in self.plan.busy if entry not in used)

    @cached_property
    def windows(self) -> tuple[Block, ...]:
        blocks = []
        for day, name in enumerate(WEEKDAYS):
            for start, end in sorted(self.plan.availability.get(name, [])):
                blocks.append(Block(day, start, end))
        return tuple(blocks)

    def free_blocks(self, day: int) -> list[Block]:
        """The day's windows with busy blocks cut out."""
        pieces = [w for w in self.windows if w.day == day]
        for busy in (b for b in self.busy_blocks if b.day == day):
            cut = []
            for piece in pieces:
                if busy.end <= piece.start or busy.start >= piece.end:
                    cut.append(piece)
                    continue
                if piece.start < busy.start:
                    cut.append(Block(day, piece.start, busy.start))
                if busy.end < piece.end:
                    cut.append(Block(day, busy.end, piece.end))
            pieces = cut
        return pieces

    def start_ticks(self, day: int, duration: int) -> list[tuple[int, int]]:
        """Grid steps (real minute / grid) where a session of this length may start on a day."""
        grid = self.plan.grid
        ranges = []
        for piece in self.free_blocks(day):
            first = -(-self.minute(day, piece.start) // grid)
            last = (self.minute(day, piece.end) - duration) // grid
            if first <= last:
                ranges.append((first, last))
        return ranges

    @cached_property
    def clock_pieces(self) -> tuple[tuple[tuple[int, int, int], ...], ...]:
        """Per day, its stretches of real minutes on one UTC offset, as (first, end, anchor).

        Within a stretch the clock reads `minute - anchor` minutes after midnight, so the
        time of day is what a person reads (the local hour and minute); on a DST day the
        starts before and after the switch have different anchors. An ordinary day is one
        stretch anchored at its midnight.
        """
        return tuple(self._day_pieces(day) for day in range(7))

    def _day_pieces(self, day: int) -> tuple[tuple[int, int, int], ...]:
        first, end = self.day_starts[day], self.day_starts[day + 1]
        probes = list(range(first, end, 60)) + [end - 1]
        cuts = [first]
        for low, high in zip(probes, probes[1:]):
            if self.at(low).utcoffset() == self.at(high).utcoffset():
                continue
            # The first minute on the new offset lies in (low, high].
            while high - low > 1:
                middle = (low + high) // 2
                if self.at(middle).utcoffset() == self.at(low).utcoffset():
                    low = middle
                else:
                    high = middle
            cuts.append(high)
        bounds = cuts + [end]
        return tuple((start, stop, start - self._clock_of(self.at(start))) for start, stop in zip(bounds, bounds[1:]))


def resolve_week_start(plan: Plan, override: dt.date | None = None, today: dt.date | None = None) -> dt.date:
    if override is not None:
        return override
    if plan.week_start is not None:
        return plan.week_start
    return next_monday(today or dt.date.today())

