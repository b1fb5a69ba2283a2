"""The week as one self-contained HTML page: styles inline, nothing fetched, reasons on
hover and listed below the grid.

The fixed styles are the package file `week.css`; the colours and patterns of each kind
are written from the palette the SVG shares (`view_layout.KIND_STYLE`). Every user
string goes through `escape` (text and attribute values alike) after `layout` made it
`shown`.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from trainweek.scheduler.timetext import format_clock
from trainweek.scheduler.view_layout import (
    KIND_STYLE,
    MARKER,
    PAST,
    REASONS_HEADING,
    REPLAN_LEGEND,
    Axis,
    Day,
    Ghost,
    Layout,
    Slot,
    joint_text,
    layout,
    listed,
)
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.replan import Replanned

# Text in a session block at desktop width: about this many characters of name per line.
NAME_CHARS = 17
NAME_LINE_PX = 17
DETAIL_LINE_PX = 16
# A re-planned session's mark ("↷ missed, moved from Mon 06:00"): up to two lines of this many characters.
MARK_CHARS = 20
MARK_LINE_PX = 15

_CSS_PATTERNS = {
    "solid": "background:{ink}",
    "diagonal": "background:repeating-linear-gradient(45deg,{ink} 0 3px,transparent 3px 7px)",
    "dots": "background:radial-gradient({ink} 1.6px,transparent 1.8px) 0 0/6px 6px",
    "lines": "background:repeating-linear-gradient(0deg,{ink} 0 2px,transparent 2px 6px)",
    "checks": "background:conic-gradient({ink} 25%,transparent 0 50%,{ink} 0 75%,transparent 0) 0 0/8px 8px",
    "none": "background:transparent;border-right:2px dotted {ink}",
}

# Only a re-planned week's page carries these, so a solved week's page stays as it was.
REPLAN_CSS = """
.session .mark{display:block;font-size:.75rem;font-weight:650;max-height:2.4em;overflow:hidden}
.was{position:absolute;left:4px;right:4px;top:var(--y);height:var(--h);overflow:hidden;padding:1px 4px;border:2px dashed #6b6b6b;border-radius:5px;background:rgba(255,255,255,.75);color:var(--muted);font-size:.75rem;line-height:1.2}
.was s{display:block;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.was span{display:block}
header p.replan{color:var(--ink);font-weight:600}
.past{position:absolute;left:0;right:0;top:var(--y);height:var(--h);font-size:.75rem;color:#333;overflow:hidden}
.past,.past-swatch{background:radial-gradient(#8a8a8a 1px,transparent 1.3px) 0 0/6px 6px,#e2e2e2}
.past span{background:#fff;padding:0 3px;margin:2px;display:inline-block;font-style:italic}
@media (max-width:600px){
 .past{display:none}
 .was{position:static;height:auto;margin:.3rem 0;font-size:.875rem}
 .was s{display:inline}
 .was span{display:inline;margin-left:.4rem}
}"""


@cache
def page_css() -> str:
    """The page's fixed styles, from the package file `week.css`."""
    return resources.files("trainweek.scheduler").joinpath("week.css").read_text(encoding="utf-8")


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
    room = height - 8 - min(2, -(-len(slot.mark_text) // MARK_CHARS)) * MARK_LINE_PX
    name = min(-(-len(slot.label) // NAME_CHARS), 3, max(1, room // NAME_LINE_PX))
    return name, min(2, max(0, room - name * NAME_LINE_PX) // DETAIL_LINE_PX)


def _session_html(slot: Slot, top: int, axis: Axis) -> str:
    y = axis.y(slot.start) - top
    h = axis.y(slot.end) - axis.y(slot.start)
    name, details = _fit(slot, h)
    marked = f" mark-{slot.mark}" if slot.mark else ""
    mark = f'<span class="mark">{escape(slot.mark_text)}</span>' if slot.mark else ""
    return (
        f'<a class="session k-{slot.kind.value} i-{slot.intensity.value} meta-{details}{marked}" href="#{slot.anchor}" '
        f'style="{_style(y=y, h=h)};--name:{name}" title="{escape(slot.tooltip())}" data-label="{escape(slot.label)}">'
        f"<strong>{escape(slot.label)}</strong>{mark}"
        f'<span class="meta">{slot.times}</span><span class="meta tag">{escape(slot.tag)}</span></a>'
    )


def _ghost_html(ghost: Ghost, axis: Axis) -> str:
    """Where a re-planned session was planned: a dashed outline with its name and what became of it."""
    y, h = axis.y(ghost.start), axis.y(ghost.end) - axis.y(ghost.start)
    mark = ghost.mark.replace(" ", "-")
    return (
        f'<div class="was was-{mark}" style="{_style(y=y, h=h)}" title="{escape(ghost.tooltip())}" data-label="{escape(ghost.label)}">'
        f"<s>{escape(ghost.label)}</s> <span>{escape(ghost.text)}</span></div>"
    )


def _group_html(group: tuple[Slot, ...], axis: Axis) -> str:
    if len(group) == 1:
        return _session_html(group[0], 0, axis)
    top = axis.y(group[0].start)
    parts = []
    for first, second in zip(group, group[1:]):
        parts.append(_session_html(first, top, axis))
        middle = (axis.y(first.end) + axis.y(second.start)) // 2 - top + 3
        parts.append(f'<span class="joint" style="{_style(y=middle)}">{joint_text(first, second)}</span>')
    parts.append(_session_html(group[-1], top, axis))
    height = axis.y(group[-1].end) - top
    names = " and ".join(slot.label for slot in group)
    return f'<div class="visit" style="{_style(y=top, h=height)}" role="group" aria-label="{escape("One visit: " + names)}">{"".join(parts)}</div>'


def _day_html(day: Day, axis: Axis, past_text: str = "") -> str:
    lines = "".join(f'<div class="hour-line" style="{_style(y=y)}"></div>' for _, y in axis.hours())
    gaps = "".join(f'<div class="gap" style="{_style(y=y)}"></div>' for y in axis.breaks())
    windows = "".join(
        f'<div class="window" style="{_style(y=axis.y(s), h=axis.y(e) - axis.y(s))}"></div>'
        for start, end in day.windows
        for s, e in axis.clip(start, end)
    )
    # The time before now in a re-planned week: gone, drawn under any busy time the file names.
    past = "".join(
        f'<div class="past" style="{_style(y=axis.y(s), h=axis.y(e) - axis.y(s))}" title="{escape(past_text)}"><span>{PAST}</span></div>'
        for start, end in day.past
        for s, e in axis.clip(start, end)
    )
    busy = "".join(
        f'<div class="busy" style="{_style(y=axis.y(s), h=axis.y(e) - axis.y(s))}" title="{escape("busy: " + label)}"><span>busy</span></div>'
        for start, end, label in day.busy
        for s, e in axis.clip(start, end)
    )
    sessions = "".join(_ghost_html(ghost, axis) for ghost in day.ghosts) + "".join(_group_html(group, axis) for group in day.groups)
    # A rest day carries no load (mobility counts none), so its label takes the bar's place.
    bar = (
        '<span class="rest">Rest day</span>'
        if day.rest
        else f'<span class="load-bar" role="img" aria-label="daily load {day.load}"><span style="--w:{day.load_share:.0%}"></span></span>'
    )
    load = f'<div class="load" title="Daily load {day.load}: minutes × effort (easy 3, moderate 5, hard 8)">{bar}<span>load {day.load}</span></div>'
    return (
        f'<section class="day" aria-labelledby="day-{day.index}"><div class="day-head">'
        f'<h2 id="day-{day.index}">{escape(day.heading)}</h2>{load}<p class="free">{escape(day.free_text)}</p></div>'
        f'<div class="track"><div aria-hidden="true">{lines}{gaps}{windows}{past}{busy}</div>{sessions}</div></section>'
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
    if view.replanned:
        items += [f'<li class="replan">{escape(text)}</li>' for text in REPLAN_LEGEND]
    if view.has_past:
        items.append(f'<li class="replan"><span class="swatch past-swatch"></span>{escape(view.past_text)}</li>')
    return f'<ul class="legend" aria-label="Legend">{"".join(items)}</ul>'


def _reasons_html(view: Layout) -> str:
    items = []
    for heading, slot in listed(view):
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in slot.reasons)
        items.append(
            f'<li id="{slot.anchor}"><h3>{escape(heading)}</h3>'
            f'<span class="meta">{escape(slot.tag)}</span>' + (f"<ul>{reasons}</ul>" if reasons else "") + "</li>"
        )
    section = f'<section class="reasons"><h2>{REASONS_HEADING}</h2><ol>{"".join(items)}</ol></section>'
    if view.left_out:
        out = "".join(f"<li><h3>{escape(heading)}</h3>" + (f"<p>{escape(why)}</p>" if why else "") + "</li>" for heading, why in view.left_out)
        section += f'<section class="reasons left-out"><h2>Left out</h2><ul>{out}</ul></section>'
    return section


def _replan_html(view: Layout) -> str:
    return f'<p class="replan">{escape(view.replan_line)}</p>' if view.replanned else ""


def week_html(week: Week, replanned: Replanned | None = None) -> str:
    """The week as one HTML page with its styles inline; reasons on hover and listed below.
    With `replanned`, done, moved and left-out sessions are marked (see `layout`)."""
    view = layout(week, replanned)
    axis = view.axis
    hours = "".join(f'<span style="{_style(y=y)}">{format_clock(minute)}</span>' for minute, y in axis.hours())
    days = "".join(_day_html(day, axis, view.past_text) for day in view.days)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="trainweek">
<title>{escape(view.title)}</title>
<link rel="icon" href="data:,">
<style>
{page_css()}{_kind_css()}{REPLAN_CSS if view.replanned else ""}
</style>
</head>
<body>
<header><h1>{escape(view.title)}</h1><p>{escape(view.subtitle)} Hover or tap a session for why it sits there.</p><p class="load{' warning' if view.load_warning else ''}">{escape(view.load_line)}</p>{_replan_html(view)}{_legend_html(view)}</header>
<main class="week" style="{_style(h=axis.height)}"><div class="hours" aria-hidden="true">{hours}</div>{days}</main>
{_reasons_html(view)}
<footer>{MARKER}; solving the plan again replaces this file.</footer>
</body>
</html>
"""
