"""The week as both pictures draw it: days, sessions, visits and the clock axis in pixels.

`view_html` and `view_svg` draw from this one layout, so the page and the shared image
agree. User text (names, reasons, busy labels) leaves here as `shown` text: without the
control characters neither HTML nor XML can carry; each picture then escapes it for its
own markup.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_clock
from trainweek.scheduler.training import Intensity, Kind, Modality
from trainweek.scheduler.week import MONOTONY_WARNING, Placement, Week, one_visit

# In every file trainweek writes, so a re-solve may replace it and nothing else.
MARKER = "Written by trainweek"

HOUR_PX = 72
BREAK_PX = 20
MIN_HIDDEN = 120  # empty stretches of the day shorter than this stay on the axis
DAY_MINUTES = 24 * 60

# Fill, ink and a grayscale pattern per kind; fills differ in lightness as well as hue.
KIND_STYLE = {
    Kind.strength: ("#f6c8a4", "#7a3300", "solid"),
    Kind.run: ("#bddcf5", "#174f80", "diagonal"),
    Kind.bike: ("#cde9c4", "#235c27", "dots"),
    Kind.swim: ("#d8d0f6", "#45348f", "lines"),
    Kind.row: ("#f5e29b", "#6b5300", "checks"),
    Kind.mobility: ("#ececec", "#4d4d4d", "none"),
}
INTENSITY_MARK = {Intensity.easy: "●○○", Intensity.moderate: "●●○", Intensity.hard: "●●●"}


def shown(text: str) -> str:
    """User text as both pictures can carry it.

    XML 1.0 allows no control character but tab, line feed and carriage return (nor lone
    surrogates, U+FFFE or U+FFFF), and HTML reads every control character as an error.
    Blank controls (line breaks, tabs) become spaces; the rest (ESC, NUL, ...) become
    U+FFFD, the replacement character, which shows that something was there.
    """
    return "".join((" " if char.isspace() else "\ufffd") if _unfit(char) else char for char in text)


def _unfit(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff"


@dataclass(frozen=True)
class Axis:
    """The stretches of the clock drawn top to bottom; whole hours nobody can train are left out."""

    segments: tuple[tuple[int, int], ...]

    @classmethod
    def around(cls, spans: list[tuple[int, int]]) -> "Axis":
        hours = sorted((start // 60 * 60, min(DAY_MINUTES, -(-end // 60) * 60)) for start, end in spans)
        merged: list[list[int]] = []
        for start, end in hours:
            if merged and start - merged[-1][1] < MIN_HIDDEN:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(tuple((start, end) for start, end in merged))

    def y(self, minute: int) -> int:
        """Pixels from the top of the grid to a clock minute, clamped to the drawn stretches."""
        top = 0
        for start, end in self.segments:
            if minute <= end:
                return top + max(0, minute - start) * HOUR_PX // 60
            top += (end - start) * HOUR_PX // 60 + BREAK_PX
        return top - BREAK_PX

    @property
    def height(self) -> int:
        return self.y(self.segments[-1][1])

    def hours(self) -> list[tuple[int, int]]:
        """(clock minute, y) of every hour line."""
        return [(hour, self.y(hour)) for start, end in self.segments for hour in range(start, end + 1, 60)]

    def breaks(self) -> list[int]:
        """The y of each gap left for hidden hours."""
        return [self.y(end) for _, end in self.segments[:-1]]

    def clip(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of a stretch of the clock that are drawn."""
        return [(max(start, s), min(end, e)) for s, e in self.segments if start < e and s < end]


@dataclass(frozen=True)
class Slot:
    """A session as drawn: where, what and why."""

    placement: Placement
    start: int
    end: int
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return shown(self.placement.occurrence.label)

    @property
    def kind(self) -> Kind:
        return self.placement.spec.kind

    @property
    def intensity(self) -> Intensity:
        return self.placement.spec.intensity

    @property
    def anchor(self) -> str:
        return f"why-{self.placement.occurrence.index}"

    @property
    def times(self) -> str:
        return f"{format_clock(self.start)}–{format_clock(self.end)}"

    @property
    def tag(self) -> str:
        return f"{self.kind.value} {INTENSITY_MARK[self.intensity]} {self.intensity.value}"

    def tooltip(self) -> str:
        return "\n".join([f"{self.label}, {self.times}", self.tag, *(f"- {reason}" for reason in self.reasons)])


@dataclass(frozen=True)
class Day:
    index: int
    heading: str
    rest: bool
    load: int
    load_share: float
    windows: tuple[tuple[int, int], ...]
    busy: tuple[tuple[int, int, str], ...]
    groups: tuple[tuple[Slot, ...], ...]  # one slot, or the slots of one visit in time order

    @property
    def free_text(self) -> str:
        free = ", ".join(f"{format_clock(s)}–{format_clock(e)}" for s, e in self.windows) or "none"
        busy = ", ".join(f"{format_clock(s)}–{format_clock(e)}" for s, e, _ in self.busy)
        return f"Free {free}" + (f"; busy {busy}" if busy else "")


@dataclass(frozen=True)
class Layout:
    title: str
    subtitle: str
    axis: Axis
    days: tuple[Day, ...]
    kinds: tuple[Kind, ...]
    load_line: str = ""  # "Week load N AU, monotony M, strain S", Foster's warning appended when over 2.0
    load_warning: bool = False


def _clock(placement: Placement) -> tuple[int, int]:
    start = placement.local_start.hour * 60 + placement.local_start.minute
    return start, min(DAY_MINUTES, start + placement.end - placement.start)


def _one_visit(a: Placement, b: Placement, rest: tuple[int, int] | None) -> bool:
    """A lift and an endurance session back to back with the allowed rest: one trip to train."""
    return {a.spec.modality, b.spec.modality} == {Modality.strength, Modality.endurance} and one_visit(a, b, rest)


def _groups(week: Week, day: int, slots: dict[int, Slot]) -> tuple[tuple[Slot, ...], ...]:
    rest = week.plan.rules.visit_rest
    groups: list[list[Placement]] = []
    for placement in week.on_day(day):
        if groups and _one_visit(groups[-1][-1], placement, rest):
            groups[-1].append(placement)
        else:
            groups.append([placement])
    return tuple(tuple(slots[p.occurrence.index] for p in group) for group in groups)


def layout(week: Week) -> Layout:
    """What the week shows, day by day, in clock minutes; the axis turns them into pixels."""
    frame = week.frame
    slots = {}
    for p in week.placements:
        start, end = _clock(p)
        slots[p.occurrence.index] = Slot(p, start, end, tuple(shown(r.text) for r in week.explanations.get(p.occurrence.index, ())))
    axis = Axis.around([(w.start, w.end) for w in frame.windows] + [(s.start, s.end) for s in slots.values()])
    loads = week.daily_loads()
    heaviest = max(loads) or 1
    trained = week.training_days()
    days = tuple(
        Day(
            index=day,
            heading=f"{WEEKDAY_NAMES[day][:3]} {frame.date(day):%d %b}",
            rest=day not in trained,
            load=loads[day],
            load_share=loads[day] / heaviest,
            windows=tuple((w.start, w.end) for w in frame.windows if w.day == day),
            busy=tuple((b.start, b.end, shown(b.label)) for b in frame.busy_blocks if b.day == day),
            groups=_groups(week, day, slots),
        )
        for day in range(7)
    )
    verdict = "proven optimal" if week.proven_optimal else "best found, not proven optimal"
    return Layout(
        title=shown(f"Training week of {frame.week_start:%a %d %b %Y} for {week.plan.athlete}"),
        subtitle=shown(f"Times in {week.plan.timezone}. {len(slots)} sessions; the week is {verdict} under your rules."),
        axis=axis,
        days=days,
        kinds=tuple(kind for kind in Kind if any(slot.kind is kind for slot in slots.values())),
        load_line=week.load_summary(),
        load_warning=(monotony := week.monotony()) is not None and monotony > MONOTONY_WARNING,
    )


REASONS_HEADING = "Why each session sits where it does"


def listed(view: Layout) -> list[tuple[str, Slot]]:
    """The sessions as the printed list below the grid gives them, day by day, each with its heading."""
    return [(f"{day.heading}, {slot.times}: {slot.label}", slot) for day in view.days for group in day.groups for slot in group]


def joint_text(first: Slot, second: Slot) -> str:
    """The label between the parts of one visit; the rest comes first so a narrow column keeps it."""
    return f"{second.start - first.end} min rest · one visit"
