"""Draw a solved week as a picture: a self-contained HTML page and a static SVG.

Both are drawn from one pixel layout, so the page and the shared image agree. Nothing is
fetched from the network (no fonts, scripts or images), so the page opens offline and
leaks nothing. Kind and intensity are shown by text and pattern as well as colour, so the
week reads in grayscale and in print.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from trainweek.constraints.fatigue_spread import daily_loads
from trainweek.constraints.rest_days import training_days
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_clock
from trainweek.scheduler.training import Intensity, Kind, Modality
from trainweek.scheduler.week import Placement, Week, one_visit

# In every file trainweek writes, so a re-solve may replace it and nothing else.
MARKER = "Written by trainweek"

HOUR_PX = 72
BREAK_PX = 20
MIN_HIDDEN = 120  # empty stretches of the day shorter than this stay on the axis
DAY_MINUTES = 24 * 60
# Text in a session block at desktop width: about this many characters of name per line.
NAME_CHARS = 17
NAME_LINE_PX = 17
DETAIL_LINE_PX = 16

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
        return self.placement.occurrence.label

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


def _clock(placement: Placement) -> tuple[int, int]:
    start = placement.local_start.hour * 60 + placement.local_start.minute
    return start, min(DAY_MINUTES, start + placement.end - placement.start)


def _one_visit(a: Placement, b: Placement, rest: tuple[int, int] | None) -> bool:
    """A lift and an endurance session back to back with the allowed rest: one trip to train."""
    return {a.spec.modality, b.spec.modality} == {Modality.strength, Modality.endurance} and one_visit(a, b, rest)


def _groups(week: Week, day: int, slots: dict[int, Slot]) -> tuple[tuple[Slot, ...], ...]:
    rest = week.plan.rules.same_visit.pair_rest
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
        slots[p.occurrence.index] = Slot(p, start, end, tuple(week.reasons.get(p.occurrence.index, ())))
    axis = Axis.around([(w.start, w.end) for w in frame.windows] + [(s.start, s.end) for s in slots.values()])
    loads = daily_loads(week)
    heaviest = max(loads) or 1
    trained = training_days(week)
    days = tuple(
        Day(
            index=day,
            heading=f"{WEEKDAY_NAMES[day][:3]} {frame.date(day):%d %b}",
            rest=day not in trained,
            load=loads[day],
            load_share=loads[day] / heaviest,
            windows=tuple((w.start, w.end) for w in frame.windows if w.day == day),
            busy=tuple((b.start, b.end, b.label) for b in frame.busy_blocks if b.day == day),
            groups=_groups(week, day, slots),
        )
        for day in range(7)
    )
    verdict = "proven optimal" if week.proven_optimal else "best found, not proven optimal"
    return Layout(
        title=f"Training week of {frame.week_start:%a %d %b %Y} for {week.plan.athlete}",
        subtitle=f"Times in {week.plan.timezone}. {len(slots)} sessions; the week is {verdict} under your rules.",
        axis=axis,
        days=days,
        kinds=tuple(kind for kind in Kind if any(slot.kind is kind for slot in slots.values())),
    )


REASONS_HEADING = "Why each session sits where it does"


def _listed(view: Layout) -> list[tuple[str, Slot]]:
    """The sessions as the printed list below the grid gives them, day by day, each with its heading."""
    return [(f"{day.heading}, {slot.times}: {slot.label}", slot) for day in view.days for group in day.groups for slot in group]


def _joint_text(first: Slot, second: Slot) -> str:
    """The label between the parts of one visit; the rest comes first so a narrow column keeps it."""
    return f"{second.start - first.end} min rest · one visit"


# ---------------------------------------------------------------- HTML


_CSS_PATTERNS = {
    "solid": "background:{ink}",
    "diagonal": "background:repeating-linear-gradient(45deg,{ink} 0 3px,transparent 3px 7px)",
    "dots": "background:radial-gradient({ink} 1.6px,transparent 1.8px) 0 0/6px 6px",
    "lines": "background:repeating-linear-gradient(0deg,{ink} 0 2px,transparent 2px 6px)",
    "checks": "background:conic-gradient({ink} 25%,transparent 0 50%,{ink} 0 75%,transparent 0) 0 0/8px 8px",
    "none": "background:transparent;border-right:2px dotted {ink}",
}

_CSS = """
:root{color-scheme:light;--ink:#1a1a1a;--muted:#555;--line:#d5d5d5;--window:#e7f1e4;--head:64px}
*{box-sizing:border-box}
body{margin:0;padding:16px;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
h1{font-size:1.4rem;margin:0 0 .2rem}
header p{margin:0 0 .6rem;color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:.35rem 1rem;list-style:none;margin:0 0 1rem;padding:0;font-size:.875rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.swatch{display:inline-block;width:1.6rem;height:1rem;border:1px solid #888;border-radius:3px;position:relative;overflow:hidden}
.week{display:grid;grid-template-columns:3.4rem repeat(7,minmax(0,1fr));gap:0 4px}
.hours{position:relative;margin-top:var(--head);height:var(--h)}
.hours span{position:absolute;top:calc(var(--y) - .55em);right:6px;font-size:.8rem;color:var(--muted);line-height:1.1}
.day{min-width:0}
.day-head{height:var(--head);padding:2px 2px 6px;display:flex;flex-direction:column;justify-content:flex-end;gap:3px}
.day h2{font-size:1rem;margin:0}
.rest{flex:1;text-align:center;white-space:nowrap;font-size:.8rem;line-height:1.2;color:var(--ink);font-weight:600;padding:0 .4rem;border:1.5px solid var(--ink);border-radius:1rem}
.load{display:flex;align-items:center;gap:.35rem;height:22px;font-size:.8rem;color:var(--muted)}
.load-bar{flex:1;height:8px;border:1px solid #888;border-radius:4px;overflow:hidden;background:#fff}
.load-bar span{display:block;height:100%;background:#444;width:var(--w)}
.free{display:none;margin:0;font-size:.875rem;color:var(--muted)}
.track{position:relative;height:var(--h);border-left:1px solid var(--line);border-right:1px solid var(--line)}
.hour-line{position:absolute;left:0;right:0;top:var(--y);border-top:1px solid var(--line)}
.gap{position:absolute;left:0;right:0;top:var(--y);height:20px;background:repeating-linear-gradient(90deg,#bbb 0 6px,transparent 6px 12px) center/100% 2px no-repeat,#fafafa}
.window,.busy{position:absolute;left:0;right:0;top:var(--y);height:var(--h)}
.window{background:var(--window);border-top:1px solid #9cbf94;border-bottom:1px solid #9cbf94}
.busy,.hatch{background:repeating-linear-gradient(135deg,#fff 0 5px,#9a9a9a 5px 7px)}
.busy{font-size:.75rem;color:#333;overflow:hidden}
.busy span{background:#fff;padding:0 3px;margin:2px;display:inline-block}
.session,.visit{position:absolute;left:4px;right:4px;top:var(--y);height:var(--h)}
.session{display:block;overflow:hidden;padding:1px 4px 1px 14px;border:1px solid;border-radius:5px;color:var(--ink);text-decoration:none;font-size:.875rem;line-height:1.2}
.session:hover,.session:focus{z-index:2;height:auto;min-height:var(--h);box-shadow:0 2px 8px rgba(0,0,0,.35);outline:2px solid var(--ink)}
.session::before,.swatch::before{content:"";position:absolute;left:0;top:0;bottom:0;width:9px}
.session strong{display:block;font-weight:650;overflow-wrap:anywhere}
.session .meta{display:block;font-size:.8rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.i-easy{border-style:dashed}
.i-hard{border-width:3px;padding-left:12px}
.visit{left:1px;right:1px;border:2px dashed var(--ink);border-radius:8px;margin:-3px 0;height:calc(var(--h) + 6px)}
.visit .session{left:3px;right:3px}
.visit .joint{position:absolute;left:50%;top:var(--y);transform:translate(-50%,-50%);z-index:1;font-size:.75rem;line-height:1.1;background:#fff;border:1.5px solid var(--ink);border-radius:1rem;padding:0 .4rem;white-space:nowrap;max-width:calc(100% - 8px);overflow:hidden;text-overflow:ellipsis}
.reasons{margin-top:2rem;max-width:60rem}
.reasons h2{font-size:1.2rem}
.reasons ol{padding-left:1.4rem}
.reasons li{margin-bottom:.6rem;break-inside:avoid}
.reasons h3{font-size:1rem;margin:0}
.reasons ul{margin:.15rem 0 0;padding-left:1.2rem}
.reasons .meta{color:var(--muted);font-size:.875rem}
footer{margin-top:2rem;font-size:.8rem;color:var(--muted)}
@media (min-width:601px),print{
 .session strong{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:var(--name);overflow:hidden}
 .meta-0 .meta,.meta-1 .tag{display:none}
 .session:hover strong,.session:focus strong{-webkit-line-clamp:none}
 .session:hover .meta,.session:focus .meta{display:block}
}
@media (max-width:600px){
 body{padding:10px}
 .week{display:block}
 .hours,.hour-line,.gap,.window,.busy{display:none}
 .day{border-top:1px solid var(--line);padding:.5rem 0}
 .day-head{height:auto;padding:0}
 .free{display:block}
 .track,.visit,.session{position:static;top:auto;height:auto}
 .track{border:0;margin-top:.4rem}
 .session{margin:.3rem 0;padding:.3rem .5rem .3rem 16px;position:relative;font-size:1rem}
 .session .meta{display:inline;margin-right:.6rem}
 .session .meta{font-size:.875rem}
 .visit{margin:.3rem 0;padding:.2rem .3rem;display:block}
 .visit .joint{position:static;display:inline-block;transform:none;margin-left:.4rem}
}
@page{size:A4 landscape;margin:10mm}
@media print{
 body{padding:0}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .session{font-size:.75rem}
}
"""


def _kind_css() -> str:
    rules = []
    for kind, (fill, ink, pattern) in KIND_STYLE.items():
        rules.append(f".k-{kind.value}{{background:{fill};border-color:{ink}}}")
        rules.append(f".k-{kind.value}::before{{{_CSS_PATTERNS[pattern].format(ink=ink)}}}")
    return "\n".join(rules)


def _style(**values: int) -> str:
    return ";".join(f"--{name}:{value}px" for name, value in values.items())


def _fit(slot: Slot, height: int) -> tuple[int, int]:
    """Lines of name and of details that fit the block at desktop width, so none is cut in half.

    The name comes first; the clock time and the kind follow where there is room (the
    grid shows the time too, and the colour, pattern and border show the kind).
    """
    room = height - 8
    name = min(-(-len(slot.label) // NAME_CHARS), 3, max(1, room // NAME_LINE_PX))
    return name, min(2, max(0, room - name * NAME_LINE_PX) // DETAIL_LINE_PX)


def _session_html(slot: Slot, top: int, axis: Axis) -> str:
    y = axis.y(slot.start) - top
    h = axis.y(slot.end) - axis.y(slot.start)
    name, details = _fit(slot, h)
    return (
        f'<a class="session k-{slot.kind.value} i-{slot.intensity.value} meta-{details}" href="#{slot.anchor}" '
        f'style="{_style(y=y, h=h)};--name:{name}" title="{escape(slot.tooltip())}" data-label="{escape(slot.label)}">'
        f"<strong>{escape(slot.label)}</strong>"
        f'<span class="meta">{slot.times}</span><span class="meta tag">{escape(slot.tag)}</span></a>'
    )


def _group_html(group: tuple[Slot, ...], axis: Axis) -> str:
    if len(group) == 1:
        return _session_html(group[0], 0, axis)
    top = axis.y(group[0].start)
    parts = []
    for first, second in zip(group, group[1:]):
        parts.append(_session_html(first, top, axis))
        middle = (axis.y(first.end) + axis.y(second.start)) // 2 - top + 3
        parts.append(f'<span class="joint" style="{_style(y=middle)}">{_joint_text(first, second)}</span>')
    parts.append(_session_html(group[-1], top, axis))
    height = axis.y(group[-1].end) - top
    names = " and ".join(slot.label for slot in group)
    return f'<div class="visit" style="{_style(y=top, h=height)}" role="group" aria-label="{escape("One visit: " + names)}">{"".join(parts)}</div>'


def _day_html(day: Day, axis: Axis) -> str:
    lines = "".join(f'<div class="hour-line" style="{_style(y=y)}"></div>' for _, y in axis.hours())
    gaps = "".join(f'<div class="gap" style="{_style(y=y)}"></div>' for y in axis.breaks())
    windows = "".join(
        f'<div class="window" style="{_style(y=axis.y(s), h=axis.y(e) - axis.y(s))}"></div>'
        for start, end in day.windows
        for s, e in axis.clip(start, end)
    )
    busy = "".join(
        f'<div class="busy" style="{_style(y=axis.y(s), h=axis.y(e) - axis.y(s))}" title="{escape("busy: " + label)}"><span>busy</span></div>'
        for start, end, label in day.busy
        for s, e in axis.clip(start, end)
    )
    sessions = "".join(_group_html(group, axis) for group in day.groups)
    # A rest day carries no load (mobility counts none), so its label takes the bar's place.
    bar = (
        '<span class="rest">Rest day</span>'
        if day.rest
        else f'<span class="load-bar" role="img" aria-label="daily load {day.load}"><span style="--w:{day.load_share:.0%}"></span></span>'
    )
    load = f'<div class="load" title="Daily load {day.load}: minutes × effort (easy 3, moderate 5, hard 8)">{bar}<span>load {day.load}</span></div>'
    return (
        f'<section class="day" aria-labelledby="day-{day.index}"><div class="day-head">'
        f'<h2 id="day-{day.index}">{day.heading}</h2>{load}<p class="free">{day.free_text}</p></div>'
        f'<div class="track"><div aria-hidden="true">{lines}{gaps}{windows}{busy}</div>{sessions}</div></section>'
    )


def _legend_html(view: Layout) -> str:
    items = [
        f'<li><span class="swatch k-{kind.value}"></span>{kind.value}</li>' for kind in view.kinds
    ]
    items += [
        "<li>easy ●○○ dashed · moderate ●●○ · hard ●●● thick border</li>",
        '<li><span class="swatch" style="background:var(--window)"></span>free to train</li>',
        '<li><span class="swatch hatch"></span>busy</li>',
        '<li><span class="swatch" style="border:2px dashed var(--ink)"></span>one visit (lift and endurance with a short rest)</li>',
    ]
    return f'<ul class="legend" aria-label="Legend">{"".join(items)}</ul>'


def _reasons_html(view: Layout) -> str:
    items = []
    for heading, slot in _listed(view):
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in slot.reasons)
        items.append(
            f'<li id="{slot.anchor}"><h3>{escape(heading)}</h3>'
            f'<span class="meta">{escape(slot.tag)}</span>' + (f"<ul>{reasons}</ul>" if reasons else "") + "</li>"
        )
    return f'<section class="reasons"><h2>{REASONS_HEADING}</h2><ol>{"".join(items)}</ol></section>'


def week_html(week: Week) -> str:
    """The week as one HTML page with its styles inline; reasons on hover and listed below."""
    view = layout(week)
    axis = view.axis
    hours = "".join(f'<span style="{_style(y=y)}">{format_clock(minute)}</span>' for minute, y in axis.hours())
    days = "".join(_day_html(day, axis) for day in view.days)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="trainweek">
<title>{escape(view.title)}</title>
<link rel="icon" href="data:,">
<style>{_CSS}{_kind_css()}
</style>
</head>
<body>
<header><h1>{escape(view.title)}</h1><p>{escape(view.subtitle)} Hover or tap a session for why it sits there.</p>{_legend_html(view)}</header>
<main class="week" style="{_style(h=axis.height)}"><div class="hours" aria-hidden="true">{hours}</div>{days}</main>
{_reasons_html(view)}
<footer>{MARKER}; solving the plan again replaces this file.</footer>
</body>
</html>
"""


# ---------------------------------------------------------------- SVG

SVG_GUTTER = 56
SVG_COLUMN = 150
SVG_TOP = 130  # title, legend and day headings
TEXT_WEIGHT = {True: 'font-size="13" font-weight="bold"', False: 'font-size="12"'}
SVG_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
SVG_MARGIN = 16
# SVG does not wrap text: lines are cut by count at this generous average glyph width (in ems).
SVG_CHAR_EM = 0.6


def _svg_patterns() -> str:
    shapes = {
        "solid": '<rect width="8" height="8" fill="{ink}"/>',
        "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{ink}" stroke-width="2.2"/>',
        "dots": '<circle cx="3" cy="3" r="1.6" fill="{ink}"/>',
        "lines": '<rect width="8" height="2" fill="{ink}"/>',
        "checks": '<rect width="4" height="4" fill="{ink}"/><rect x="4" y="4" width="4" height="4" fill="{ink}"/>',
        "none": "",
    }
    size = {"dots": 6, "lines": 6}
    patterns = [
        f'<pattern id="p-{kind.value}" width="{size.get(pattern, 8)}" height="{size.get(pattern, 8)}" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="#fff"/>{shapes[pattern].format(ink=ink)}</pattern>'
        for kind, (_, ink, pattern) in KIND_STYLE.items()
    ]
    patterns.append(
        '<pattern id="p-busy" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="7" height="7" fill="#fff"/><rect width="2" height="7" fill="#9a9a9a"/></pattern>'
    )
    return "".join(patterns)


def _svg_lines(slot: Slot, width: int, height: int) -> list[tuple[str, bool]]:
    """The session's text wrapped to its box (SVG does not wrap), as (line, bold), as many as fit."""
    per_line = max(4, (width - 20) // 7)
    lines = [(line, True) for line in textwrap.wrap(slot.label, per_line)]
    lines += [(slot.times, False)] + [(line, False) for line in textwrap.wrap(slot.tag, per_line)]
    return lines[: max(1, (height - 4) // 15)]


def _svg_session(slot: Slot, x: int, y: int, width: int, height: int) -> str:
    fill, ink, _ = KIND_STYLE[slot.kind]
    stroke = {Intensity.easy: 'stroke-width="1.2" stroke-dasharray="4 3"', Intensity.moderate: 'stroke-width="1.2"', Intensity.hard: 'stroke-width="3"'}
    text = "".join(
        f'<text x="14" y="{15 + 15 * n}" {TEXT_WEIGHT[bold]}>{escape(line)}</text>'
        for n, (line, bold) in enumerate(_svg_lines(slot, width, height))
    )
    return (
        f"<g><title>{escape(slot.tooltip())}</title>"
        f'<svg x="{x}" y="{y}" width="{width}" height="{height}">'
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" rx="4" fill="{fill}" stroke="{ink}" {stroke[slot.intensity]}/>'
        f'<rect x="2" y="2" width="8" height="{max(0, height - 4)}" fill="url(#p-{slot.kind.value})"/>{text}</svg></g>'
    )


def _svg_wrap(text: str, x: int, size: int, width: int) -> list[str]:
    """Text from x in lines that end before the right margin at SVG_CHAR_EM per character."""
    return textwrap.wrap(text, max(1, int((width - SVG_MARGIN - x) / (SVG_CHAR_EM * size))))


def _svg_reasons(view: Layout, top: int, width: int) -> tuple[list[str], int]:
    """The page's printed list below the grid: each session's heading, kind and reasons; and the y below it."""
    out = [
        '<g id="reasons">',
        f'<line x1="{SVG_MARGIN}" x2="{width - SVG_MARGIN}" y1="{top}" y2="{top}" stroke="#d5d5d5"/>',
        f'<text x="{SVG_MARGIN}" y="{top + 30}" font-size="17" font-weight="bold">{REASONS_HEADING}</text>',
    ]
    y = top + 34

    def put(text: str, x: int, size: int, attributes: str = "") -> None:
        nonlocal y
        for line in _svg_wrap(text, x, size, width):
            y += size + 5
            out.append(f'<text x="{x}" y="{y}" font-size="{size}"{attributes}>{escape(line)}</text>')

    for number, (heading, slot) in enumerate(_listed(view), 1):
        fill, ink, _ = KIND_STYLE[slot.kind]
        y += 10
        out.append(
            f'<rect x="{SVG_MARGIN}" y="{y + 6}" width="14" height="14" rx="2" fill="{fill}" stroke="{ink}"/>'
            f'<rect x="{SVG_MARGIN + 1}" y="{y + 7}" width="5" height="12" fill="url(#p-{slot.kind.value})"/>'
        )
        put(f"{number}. {heading}", 38, 13, ' font-weight="bold"')
        put(slot.tag, 38, 12, ' fill="#555"')
        for reason in slot.reasons:
            out.append(f'<text x="42" y="{y + 18}" font-size="13">•</text>')
            put(reason, 54, 13)
    out.append("</g>")
    return out, y


def week_svg(week: Week) -> str:
    """The week's grid as one static SVG image for sharing; reasons in each session's tooltip and listed below."""
    view = layout(week)
    axis = view.axis
    width = SVG_GUTTER + 7 * SVG_COLUMN + 10
    reasons, bottom = _svg_reasons(view, SVG_TOP + axis.height + 24, width)
    height = bottom + 24
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{SVG_FONT}" fill="#1a1a1a" role="img" aria-label="{escape(view.title)}">',
        f"<!-- {MARKER}; solving the plan again replaces this file. -->",
        f"<title>{escape(view.title)}</title><defs>{_svg_patterns()}</defs>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="16" y="30" font-size="20" font-weight="bold">{escape(view.title)}</text>',
        f'<text x="16" y="52" font-size="13" fill="#555">{escape(view.subtitle)}</text>',
    ]
    x = 16
    for kind in view.kinds:
        fill, ink, _ = KIND_STYLE[kind]
        out.append(f'<rect x="{x}" y="66" width="26" height="14" rx="3" fill="{fill}" stroke="{ink}"/><rect x="{x + 1}" y="67" width="8" height="12" fill="url(#p-{kind.value})"/>')
        out.append(f'<text x="{x + 32}" y="78" font-size="13">{kind.value}</text>')
        x += 40 + 8 * len(kind.value)
    out.append(f'<text x="{x + 8}" y="78" font-size="13">easy ●○○ dashed · moderate ●●○ · hard ●●● thick · dashed outline: one visit</text>')
    grid_top = SVG_TOP
    for minute, y in axis.hours():
        out.append(f'<text x="{SVG_GUTTER - 6}" y="{grid_top + y + 4}" font-size="12" fill="#555" text-anchor="end">{format_clock(minute)}</text>')
        out.append(f'<line x1="{SVG_GUTTER}" x2="{SVG_GUTTER + 7 * SVG_COLUMN}" y1="{grid_top + y}" y2="{grid_top + y}" stroke="#d5d5d5"/>')
    for y in axis.breaks():
        out.append(f'<rect x="{SVG_GUTTER}" y="{grid_top + y + 1}" width="{7 * SVG_COLUMN}" height="{BREAK_PX - 1}" fill="#f4f4f4"/>')
    for day in view.days:
        left = SVG_GUTTER + day.index * SVG_COLUMN
        out.append(f'<text x="{left + 4}" y="{grid_top - 30}" font-size="15" font-weight="bold">{day.heading}</text>')
        bar = SVG_COLUMN - 70
        if day.rest:
            out.append(f'<rect x="{left + 4}" y="{grid_top - 20}" width="{bar}" height="17" rx="8" fill="#fff" stroke="#1a1a1a" stroke-width="1.5"/>')
            out.append(f'<text x="{left + 4 + bar // 2}" y="{grid_top - 7}" font-size="12" font-weight="bold" text-anchor="middle">Rest day</text>')
        else:
            out.append(f'<rect x="{left + 4}" y="{grid_top - 15}" width="{bar}" height="8" rx="4" fill="#fff" stroke="#888"/>')
            out.append(f'<rect x="{left + 4}" y="{grid_top - 15}" width="{round(bar * day.load_share)}" height="8" rx="4" fill="#444"/>')
        out.append(f'<text x="{left + bar + 8}" y="{grid_top - 7}" font-size="12" fill="#555">load {day.load}</text>')
        out.append(f'<rect x="{left}" y="{grid_top}" width="{SVG_COLUMN}" height="{axis.height}" fill="none" stroke="#d5d5d5"/>')
        for start, end in day.windows:
            for s, e in axis.clip(start, end):
                out.append(f'<rect x="{left + 1}" y="{grid_top + axis.y(s)}" width="{SVG_COLUMN - 2}" height="{axis.y(e) - axis.y(s)}" fill="#e7f1e4" stroke="#9cbf94"/>')
        for start, end, label in day.busy:
            for s, e in axis.clip(start, end):
                out.append(
                    f'<g><title>{escape("busy: " + label)}</title><rect x="{left + 1}" y="{grid_top + axis.y(s)}" width="{SVG_COLUMN - 2}" '
                    f'height="{axis.y(e) - axis.y(s)}" fill="url(#p-busy)"/>'
                    f'<text x="{left + 6}" y="{grid_top + axis.y(s) + 14}" font-size="12" stroke="#fff" stroke-width="3" paint-order="stroke">busy</text></g>'
                )
        for group in day.groups:
            if len(group) > 1:
                top, bottom = axis.y(group[0].start), axis.y(group[-1].end)
                out.append(f'<rect x="{left + 2}" y="{grid_top + top - 3}" width="{SVG_COLUMN - 4}" height="{bottom - top + 6}" rx="7" fill="none" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="6 4"/>')
            for slot in group:
                top = axis.y(slot.start)
                out.append(_svg_session(slot, left + 5, grid_top + top, SVG_COLUMN - 10, axis.y(slot.end) - top))
            for first, second in zip(group, group[1:]):
                middle = grid_top + (axis.y(first.end) + axis.y(second.start)) // 2
                text = _joint_text(first, second)
                out.append(f'<rect x="{left + 12}" y="{middle - 8}" width="{SVG_COLUMN - 24}" height="16" rx="8" fill="#fff" stroke="#1a1a1a" stroke-width="1.5"/>')
                out.append(f'<text x="{left + SVG_COLUMN // 2}" y="{middle + 4}" font-size="11" text-anchor="middle">{text}</text>')
    out += reasons
    out.append("</svg>\n")
    return "\n".join(out)


# The pictures `trainweek` can write, by the option that asks for them.
RENDERERS = {"html": week_html, "svg": week_svg}
