"""The week as both pictures draw it: days, sessions, visits and the clock axis in pixels.

`view_html` and `view_svg` draw from this one layout, so the page and the shared image
agree. User text (names, reasons, busy labels) leaves here as `shown` text: without the
control characters neither HTML nor XML can carry; each picture then escapes it for its
own markup.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_clock
from trainweek.scheduler.training import Intensity, Kind, Modality
from trainweek.scheduler.week import FIRST_FIT_NOTE, MONOTONY_WARNING, Placement, Week, one_visit

if TYPE_CHECKING:
    from trainweek.scheduler.replan import Replanned

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
# A re-planned week marks what happened in words with a symbol, never by colour alone.
DONE_MARK, MOVED_MARK, LEFT_OUT_MARK = "✓", "↷", "✕"
REPLAN_LEGEND = (
    f"{DONE_MARK} done: fixed where it happened",
    f"{MOVED_MARK} moved: the dashed outline is where it was planned",
    f"{LEFT_OUT_MARK} left out: no room in the rest of the week",
)
# A re-planned week's time before now: gone, not busy; the word both pictures write on it.
PAST = "past"


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
    mark: str = ""  # in a re-planned week: "done" or "moved"
    mark_text: str = ""  # what the picture says of it: "✓ done", "↷ missed, moved from Wed 18:00"

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
        marked = [self.mark_text] if self.mark_text else []
        return "\n".join([f"{self.label}, {self.times}", *marked, self.tag, *(f"- {reason}" for reason in self.reasons)])


@dataclass(frozen=True)
class Ghost:
    """In a re-planned week, where a session was planned and is no more: moved away, or left out."""

    start: int
    end: int
    label: str  # the session's name, `shown`
    mark: str  # "moved" or "left out"
    text: str  # "↷ missed, moved to Fri 06:00", "✕ left out"

    @property
    def times(self) -> str:
        return f"{format_clock(self.start)}–{format_clock(self.end)}"

    def tooltip(self) -> str:
        return f"{self.label}, planned {self.times}\n{self.text}"


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
    ghosts: tuple[Ghost, ...] = ()  # a re-planned week: where moved and left-out sessions were planned
    past: tuple[tuple[int, int], ...] = ()  # a re-planned week: the clock before now, already gone

    @property
    def free_text(self) -> str:
        free = ", ".join(f"{format_clock(s)}–{format_clock(e)}" for s, e in self.windows) or "none"
        busy = ", ".join(f"{format_clock(s)}–{format_clock(e)}" for s, e, _ in self.busy)
        past = ", ".join(f"{format_clock(s)}–{format_clock(e)}" for s, e in self.past)
        return f"Free {free}" + (f"; busy {busy}" if busy else "") + (f"; {PAST} {past} (already gone)" if past else "")


@dataclass(frozen=True)
class Layout:
    title: str
    subtitle: str
    axis: Axis
    days: tuple[Day, ...]
    kinds: tuple[Kind, ...]
    load_line: str = ""  # "Week load N AU, monotony M, strain S", Foster's warning appended when over 2.0
    load_warning: bool = False
    replan_line: str = ""  # a re-planned week: "Re-planned from ...: 2 done, 1 moved, 1 left out."
    left_out: tuple[tuple[str, str], ...] = ()  # a re-planned week: (heading, why) of each session left out
    past_text: str = ""  # a re-planned week with time before now: what the "past" shading means, in words

    @property
    def has_past(self) -> bool:
        return any(day.past for day in self.days)

    @property
    def replanned(self) -> bool:
        return bool(self.replan_line)


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


@dataclass(frozen=True)
class _Replan:
    """What a re-plan did, as the pictures mark it."""

    marks: dict[str, tuple[str, str]]  # label -> (mark, mark_text) of a session in the week
    ghosts: dict[int, list[Ghost]]  # day -> where moved and left-out sessions were planned
    line: str
    left_out: tuple[tuple[str, str], ...]
    gone: frozenset[str]  # the busy entries that stand for the time before now: drawn as past, not busy
    past_text: str


def _replan_marks(week: Week, replanned: Replanned) -> _Replan:
    frame = week.frame
    planned = dict(replanned.planned)
    what = {change.session: change for change in replanned.changes}

    def short(minute: int) -> str:
        return f"{frame.at(minute):%a %H:%M}"

    marks: dict[str, tuple[str, str]] = {}
    ghosts: dict[int, list[Ghost]] = {}

    def ghost(label: str, minute: int, duration: int, mark: str, text: str) -> None:
        local = frame.at(minute)
        day, start = (local.date() - frame.week_start).days, local.hour * 60 + local.minute
        if 0 <= day < 7:
            ghosts.setdefault(day, []).append(Ghost(start, min(DAY_MINUTES, start + duration), shown(label), mark, shown(text)))

    for p in week.placements:
        label, was = p.occurrence.label, planned.get(p.occurrence.label)
        missed = "missed, " if label in replanned.missed else ""
        if p.occurrence.index in replanned.done:
            elsewhere = f" (planned {short(was)})" if was is not None and was != p.start else ""
            marks[label] = ("done", f"{DONE_MARK} done{elsewhere}")
        elif label in what and what[label].what == "moved":
            marks[label] = ("moved", f"{MOVED_MARK} {missed}moved" + (f" from {short(was)}" if was is not None else ""))
            if was is not None:
                ghost(label, was, p.end - p.start, "moved", f"{MOVED_MARK} {missed}moved to {short(p.start)}")
    left_out = []
    for item in replanned.left_out:
        was = planned.get(item.label)
        missed = "missed, " if item.label in replanned.missed else ""
        if was is not None:
            ghost(item.label, was, item.spec.duration, "left out", f"{LEFT_OUT_MARK} {missed}left out")
        change = what.get(item.label)
        heading = f"{LEFT_OUT_MARK} {item.label}" + (f" (was {short(was)})" if was is not None else "")
        left_out.append((shown(heading), shown(change.why if change else "")))
    count = Counter(mark for mark, _ in marks.values())
    line = (
        f"Re-planned from {replanned.now:%a %d %b %H:%M}: {count['done']} done, "
        f"{count['moved']} moved, {len(replanned.left_out)} left out."
    )
    past_text = f"{PAST}: already gone when the week was re-planned ({replanned.now:%a %d %b %H:%M})"
    return _Replan(marks, ghosts, line, tuple(left_out), frozenset(replanned.gone), past_text)


def layout(week: Week, replanned: Replanned | None = None) -> Layout:
    """What the week shows, day by day, in clock minutes; the axis turns them into pixels.

    With `replanned` (the result of `replan` that gave `week`), sessions done and moved are
    marked, where moved and left-out sessions were planned is drawn as a ghost, and the time
    before now is `past` (gone), not busy: the re-plan counts it busy only so nothing goes there."""
    frame = week.frame
    replan = _replan_marks(week, replanned) if replanned is not None else None
    slots = {}
    for p in week.placements:
        start, end = _clock(p)
        mark = replan.marks.get(p.occurrence.label, ("", "")) if replan else ("", "")
        slots[p.occurrence.index] = Slot(p, start, end, tuple(shown(r.text) for r in week.explanations.get(p.occurrence.index, ())), *mark)
    ghosts = replan.ghosts if replan else {}
    axis = Axis.around(
        [(w.start, w.end) for w in frame.windows] + [(s.start, s.end) for s in slots.values()]
        + [(g.start, g.end) for day in ghosts.values() for g in day]
    )
    loads = week.daily_loads()
    heaviest = max(loads) or 1
    trained = week.training_days()
    gone = replan.gone if replan else frozenset()
    days = tuple(
        Day(
            index=day,
            heading=f"{WEEKDAY_NAMES[day][:3]} {frame.date(day):%d %b}",
            rest=day not in trained,
            load=loads[day],
            load_share=loads[day] / heaviest,
            windows=tuple((w.start, w.end) for w in frame.windows if w.day == day),
            busy=tuple((b.start, b.end, shown(b.label)) for b in frame.busy_blocks if b.day == day and b.label not in gone),
            groups=_groups(week, day, slots),
            ghosts=tuple(ghosts.get(day, ())),
            past=tuple((b.start, b.end) for b in frame.busy_blocks if b.day == day and b.label in gone),
        )
        for day in range(7)
    )
    if week.first_fit:
        verdict = f"first fit, not optimised: {FIRST_FIT_NOTE}"
    else:
        verdict = ("proven optimal" if week.proven_optimal else "best found, not proven optimal") + " under your rules"
    return Layout(
        title=shown(f"Training week of {frame.week_start:%a %d %b %Y} for {week.plan.athlete}"),
        subtitle=shown(f"Times in {week.plan.timezone}. {len(slots)} sessions; the week is {verdict}."),
        axis=axis,
        days=days,
        kinds=tuple(kind for kind in Kind if any(slot.kind is kind for slot in slots.values())),
        load_line=week.load_summary(),
        load_warning=(monotony := week.monotony()) is not None and monotony > MONOTONY_WARNING,
        replan_line=shown(replan.line) if replan else "",
        left_out=replan.left_out if replan else (),
        past_text=shown(replan.past_text) if replan and any(day.past for day in days) else "",
    )


REASONS_HEADING = "Why each session sits where it does"


def listed(view: Layout) -> list[tuple[str, Slot]]:
    """The sessions as the printed list below the grid gives them, day by day, each with its heading."""
    return [
        (f"{day.heading}, {slot.times}: {slot.label}" + (f" ({slot.mark_text})" if slot.mark_text else ""), slot)
        for day in view.days
        for group in day.groups
        for slot in group
    ]


def joint_text(first: Slot, second: Slot) -> str:
    """The label between the parts of one visit; the rest comes first so a narrow column keeps it."""
    return f"{second.start - first.end} min rest · one visit"
