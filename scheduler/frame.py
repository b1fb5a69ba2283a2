"""The concrete week: dates, local clock times and the minutes that really pass.

The solver works in real minutes since Monday 00:00 local, so gaps stay true across a
daylight-saving change; people see local dates and clock times.

Free time is kept as instants (real minutes), not clock readings. A clock time in the
file (windows, busy entries) means the instant iCalendar gives it (scheduler.zonetime):
the first of a time that happens twice, the offset before the change for one the clocks
skip; a window is cut to its own date, so a date the zone skips (Samoa's 30 December
2011) has no free time. Busy events of an .ics file keep their instants.

A session never starts or ends at a clock time that happens twice (the hour repeated when
the clocks go back): calendar apps read such a local time differently (the Python
parsers the first, ical.js the second) and calcurse stores only the clock reading, so no
file could make them agree. A session may run through that hour. Start times lie on the
grid of the local clock (`grid` minutes after the hour), also after a change of 30
minutes (Lord Howe Island).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from trainweek.scheduler.busy import busy_spans, is_calendar_file
from trainweek.scheduler.plan import Plan, SessionSpec
from trainweek.scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS, format_clock, parse_clock_range
from trainweek.scheduler.zonetime import changes

if TYPE_CHECKING:
    from trainweek.scheduler.week import Placement

UTC = dt.timezone.utc


def next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


@dataclass(frozen=True)
class Block:
    """A stretch of one day as its local clock shows it, in minutes after midnight.

    `minutes` is its real length where that is known (free time), which differs from
    `end - start` on a day the clocks change.
    """

    day: int
    start: int
    end: int
    label: str = ""
    minutes: int | None = field(default=None, compare=False)

    @property
    def length(self) -> int:
        return self.end - self.start if self.minutes is None else self.minutes


@dataclass(frozen=True)
class Span:
    """Real minutes [first, end) of the week, with the busy entry it comes from."""

    first: int
    end: int
    label: str = ""


class WeekFrame:
    """Maps between local (day, clock) and real minutes for one Monday-to-Sunday week.

    In a block a week also knows what surrounds it: `before`, the week before as it was
    placed (its placements in this week's real minutes, so negative, day -1 its Sunday),
    which the rules reaching across days see instead of the week wrapping onto itself;
    `after`, the week after as the block placed it (day 7 its Monday), which only a re-plan
    of a block's week has; and `race`, the start and end (aware) of the race the block
    tapers to.
    """

    def __init__(
        self,
        plan: Plan,
        week_start: dt.date,
        before: tuple[Placement, ...] = (),
        race: tuple[dt.datetime, dt.datetime] | None = None,
        after: tuple[Placement, ...] = (),
    ) -> None:
        self.plan = plan
        self.week_start = week_start
        self.zone = plan.zone
        self._origin = self.local_datetime(0, 0).astimezone(UTC)
        self.before = before
        self.after = after
        self.race = race

    def date(self, day: int) -> dt.date:
        return self.week_start + dt.timedelta(days=day)

    def local_datetime(self, day: int, clock: int) -> dt.datetime:
        """A local clock time as zoneinfo and iCalendar read it (fold 0: the first of a
        repeated time, the offset before the change for a skipped one)."""
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
        """Real minute of each local midnight, Monday through the next Monday.

        A date the zone skips starts and ends at the same minute.
        """
        return tuple(self.minute(day, 0) for day in range(8))

    @property
    def length(self) -> int:
        return self.day_starts[7]

    def day_span(self, day: int, start: int, end: int) -> tuple[int, int]:
        """Real minutes [first, end) of a clock range on a day, cut to that day (may be empty)."""
        low, high = self.day_starts[day], self.day_starts[day + 1]
        first = min(max(self.minute(day, start), low), high)
        return first, max(min(self.minute(day, end), high), first)

    # --- clock changes ----------------------------------------------------------------------

    @cached_property
    def changes(self) -> tuple:
        """The zone's changes of offset from two days before the week to two days after."""
        margin = dt.timedelta(days=2)
        return tuple(changes(self.zone, self._origin - margin, self._origin + dt.timedelta(days=7) + margin))

    @cached_property
    def repeated(self) -> tuple[tuple[int, int], ...]:
        """Real minutes [first, end) whose clock reading happens twice (the clocks go back):
        from as long before the change as they go back, to as long after it."""
        found = []
        for change in self.changes:
            if change.repeats:
                middle = (change.at - self._origin).total_seconds() / 60
                back = change.repeats.total_seconds() / 60
                found.append((math.floor(middle - back), math.ceil(middle + back)))
        return tuple(found)

    def happens_twice(self, minute: int) -> bool:
        """Whether the clock reading of this real minute also names another instant."""
        return any(first <= minute < end for first, end in self.repeated)

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
        cuts = [first]
        for change in self.changes:
            minute = math.ceil((change.at - self._origin).total_seconds() / 60)
            if first < minute < end:
                cuts.append(minute)
        bounds = cuts + [end]
        return tuple((start, stop, start - self._clock_of(self.at(start))) for start, stop in zip(bounds, bounds[1:]))

    def _clock_of(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.zone)
        return local.hour * 60 + local.minute

    def reading(self, day: int, first: int, end: int) -> tuple[int, int]:
        """The clock minutes a day's real stretch [first, end) shows, lowest to highest."""
        shown = [
            (max(first, low) - anchor, min(end, high) - anchor)
            for low, high, anchor in self.clock_pieces[day]
            if max(first, low) < min(end, high)
        ]
        if not shown:
            clock = self._clock_of(self.at(first)) if first < self.day_starts[day + 1] else 24 * 60
            return clock, clock
        return min(low for low, _ in shown), max(high for _, high in shown)

    @cached_property
    def step(self) -> int:
        """Real minutes per solver tick: the grid, or less where a change of offset that is
        not a multiple of the grid (30 minutes at Lord Howe) moves the clock's grid."""
        anchors = [anchor for pieces in self.clock_pieces for _, _, anchor in pieces]
        return math.gcd(self.plan.grid, *anchors)

    # --- windows and busy time --------------------------------------------------------------

    @cached_property
    def windows(self) -> tuple[Block, ...]:
        """The file's windows as written (local clock minutes)."""
        blocks = []
        for day, name in enumerate(WEEKDAYS):
            for start, end in sorted(self.plan.availability.get(name, [])):
                blocks.append(Block(day, start, end))
        return tuple(blocks)

    @cached_property
    def busy_spans(self) -> tuple[Span, ...]:
        """The busy time that falls in this week, as instants (real minutes)."""
        spans = []
        for entry in self.plan.busy:
            if is_calendar_file(entry):
                spans += self._calendar_spans(entry)
                continue
            day, start, end = self._busy_clock(entry) or (None, 0, 0)
            if day is not None:
                first, last = self.day_span(day, start, end)
                if first < last:
                    spans.append(Span(first, last, entry))
        return tuple(spans)

    def _busy_clock(self, entry: str) -> tuple[int, int, int] | None:
        """(day, start, end) of a written busy entry in this week, None outside it."""
        when, clock_range = entry.split(" ", 1)
        start, end = parse_clock_range(clock_range)
        if when.lower() in WEEKDAYS:
            return WEEKDAYS.index(when.lower()), start, end
        day = (dt.date.fromisoformat(when) - self.week_start).days
        return (day, start, end) if 0 <= day < 7 else None

    def _calendar_spans(self, path: str) -> list[Span]:
        spans = []
        for first, last in busy_spans(path, self.local_datetime(0, 0), self.local_datetime(7, 0)):
            low = math.floor((first - self._origin).total_seconds() / 60)
            high = math.ceil((last - self._origin).total_seconds() / 60)
            spans.append(Span(max(low, 0), min(high, self.length), path))
        return [span for span in spans if span.first < span.end]

    @cached_property
    def busy_blocks(self) -> tuple[Block, ...]:
        """The busy entries that fall in this week as local blocks, for showing and naming
        them: written entries as written, calendar events as the clock shows them."""
        blocks = []
        for entry in self.plan.busy:
            if is_calendar_file(entry):
                for span in (s for s in self.busy_spans if s.label == entry):
                    blocks += self._blocks_of(span.first, span.end, entry)
            elif found := self._busy_clock(entry):
                blocks.append(Block(*found, entry))
        return tuple(blocks)

    def _blocks_of(self, first: int, end: int, label: str = "") -> list[Block]:
        """A stretch of real minutes cut at local midnights into blocks as the clock shows them."""
        blocks = []
        for day in range(7):
            low, high = max(first, self.day_starts[day]), min(end, self.day_starts[day + 1])
            if low < high:
                start, stop = self.reading(day, low, high)
                blocks.append(Block(day, start, stop, label, high - low))
        return blocks

    @cached_property
    def ignored_busy(self) -> tuple[str, ...]:
        used = {block.label for block in self.busy_blocks}
        return tuple(entry for entry in self.plan.busy if entry not in used)

    def free_spans(self, day: int) -> list[tuple[int, int]]:
        """The day's windows as real minutes [first, end), with busy time cut out."""
        pieces = [self.day_span(day, w.start, w.end) for w in self.windows if w.day == day]
        pieces = [piece for piece in pieces if piece[0] < piece[1]]
        for busy in self.busy_spans:
            cut = []
            for first, end in pieces:
                if busy.end <= first or busy.first >= end:
                    cut.append((first, end))
                    continue
                if first < busy.first:
                    cut.append((first, busy.first))
                if busy.end < end:
                    cut.append((busy.end, end))
            pieces = cut
        return pieces

    def free_blocks(self, day: int) -> list[Block]:
        """The day's free time as the clock shows it, each with its real length."""
        return [block for first, end in self.free_spans(day) for block in self._blocks_of(first, end)]

    def start_ticks(self, day: int, duration: int) -> list[tuple[int, int]]:
        """Ticks (real minute / step) where a session of this length may start on a day:
        inside a free span, on the local clock's grid, neither start nor end at a clock
        time that happens twice."""
        ranges = []
        for first, end in self.free_spans(day):
            allowed = [(first, end - duration)]
            for low, high in self.repeated:
                allowed = _remove(allowed, low, high - 1)
                allowed = _remove(allowed, low - duration, high - 1 - duration)
            for low, high in allowed:
                ranges += self._grid_ticks(day, low, high)
        return ranges

    def session_start_ticks(self, spec: SessionSpec, day: int) -> list[tuple[int, int]]:
        """`start_ticks` for this session: none on a day its `only_on` leaves out."""
        return self.start_ticks(day, spec.duration) if spec.allows_day(day) else []

    def _grid_ticks(self, day: int, low: int, high: int) -> list[tuple[int, int]]:
        """Tick ranges of the starts in [low, high] (real minutes) that the clock shows on the grid."""
        grid, step = self.plan.grid, self.step
        ranges = []
        for first, end, anchor in self.clock_pieces[day]:
            start, last = max(low, first), min(high, end - 1)
            start += (anchor - start) % grid  # the first minute whose reading is on the grid
            if start > last:
                continue
            if step == grid:
                ranges.append((start // step, (start + (last - start) // grid * grid) // step))
            else:
                ranges += [(minute // step, minute // step) for minute in range(start, last + 1, grid)]
        return ranges

    # --- in words ----------------------------------------------------------------------------

    def clock_notes(self) -> list[str]:
        """Sentences on windows a clock change shortens: a skipped date, skipped clock time,
        or clock time that happens twice (where no session starts or ends)."""
        notes = []
        for day in range(7):
            windows = [w for w in self.windows if w.day == day]
            if not windows:
                continue
            when = f"{WEEKDAY_NAMES[day]} {self.date(day).day} {self.date(day):%B %Y}"
            if self.day_starts[day] == self.day_starts[day + 1]:
                notes.append(f"{when} does not exist in {self.plan.timezone} (the clocks skip that date), so its windows give no time")
                continue
            for change in self.changes:
                local = (change.at + change.after).replace(tzinfo=None)
                shown = (change.at + change.before).replace(tzinfo=None)
                if change.repeats and local.date() == self.date(day):
                    low = local.hour * 60 + local.minute
                    high = low + int(change.repeats.total_seconds() // 60)
                    if any(w.start < high and low < w.end for w in windows):
                        notes.append(
                            f"{when} {format_clock(low)}-{format_clock(min(high, 24 * 60))} happens twice (the clocks go back); "
                            "no session starts or ends then, as calendar apps read those times differently"
                        )
                elif change.skips and shown.date() == self.date(day):
                    low = shown.hour * 60 + shown.minute
                    high = low + int(change.skips.total_seconds() // 60)
                    if any(w.start < high and low < w.end for w in windows):
                        notes.append(
                            f"{when} {format_clock(low)}-{format_clock(min(high, 24 * 60))} does not exist "
                            f"(the clocks go forward from {format_clock(low)} to {format_clock(high % (24 * 60))})"
                        )
        return notes


def _remove(ranges: list[tuple[int, int]], low: int, high: int) -> list[tuple[int, int]]:
    """Integer ranges [a, b] with the integers low..high taken out."""
    kept = []
    for first, last in ranges:
        if high < first or last < low:
            kept.append((first, last))
            continue
        if first < low:
            kept.append((first, low - 1))
        if high < last:
            kept.append((high + 1, last))
    return [(first, last) for first, last in kept if first <= last]


def resolve_week_start(plan: Plan, override: dt.date | None = None, today: dt.date | None = None) -> dt.date:
    if override is not None:
        return override
    if plan.week_start is not None:
        return plan.week_start
    return next_monday(today or dt.date.today())

