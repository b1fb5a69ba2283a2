"""The week's grid as one static SVG image for sharing: reasons in each session's tooltip
and listed below the grid, as the page lists them.

The image must stay well-formed XML whatever the names hold: user text arrives `shown`
from `layout` (no control characters XML refuses) and is escaped here for XML.
"""

from __future__ import annotations

import textwrap
from html import escape
from typing import TYPE_CHECKING

from trainweek.scheduler.timetext import format_clock
from trainweek.scheduler.training import Intensity
from trainweek.scheduler.view_layout import BREAK_PX, KIND_STYLE, MARKER, PAST, REASONS_HEADING, REPLAN_LEGEND, Ghost, Layout, Slot, joint_text, layout, listed
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.replan import Replanned

SVG_GUTTER = 56
SVG_COLUMN = 150
SVG_TOP = 150  # title, legend, week load and day headings
SVG_REPLAN_TOP = 48  # a re-planned week's line and its legend above those
SVG_PAST_TOP = 22  # and the line saying what the past's shading means, when it has one
# The time before now in a re-planned week: gone. Dots on gray, apart from busy time's stripes.
SVG_PAST_PATTERN = (
    '<pattern id="p-past" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#e2e2e2"/><circle cx="3" cy="3" r="1" fill="#8a8a8a"/></pattern>'
)
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
    lines += [(line, True) for line in textwrap.wrap(slot.mark_text, per_line)]
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


def _svg_ghost(ghost: Ghost, x: int, y: int, width: int, height: int) -> str:
    """Where a re-planned session was planned: a dashed outline with its name and what became of it."""
    per_line = max(4, (width - 12) // 7)
    name = textwrap.wrap(ghost.label, per_line) or [""]
    first = name[0] if len(name) == 1 else name[0][: per_line - 1] + "…"
    lines = [first, *textwrap.wrap(ghost.text, per_line)][: max(1, (height - 4) // 14)]
    text = "".join(f'<text x="6" y="{14 + 14 * n}" font-size="11" fill="#555">{escape(line)}</text>' for n, line in enumerate(lines))
    return (
        f'<g class="was"><title>{escape(ghost.tooltip())}</title><svg x="{x}" y="{y}" width="{width}" height="{height}">'
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" rx="4" fill="#fff" fill-opacity="0.75" stroke="#6b6b6b" stroke-width="2" stroke-dasharray="5 3"/>'
        f"{text}</svg></g>"
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

    for number, (heading, slot) in enumerate(listed(view), 1):
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
    if view.left_out:
        y += 14
        put("Left out", SVG_MARGIN, 15, ' font-weight="bold"')
        for heading, why in view.left_out:
            y += 6
            put(heading, 38, 13, ' font-weight="bold"')
            if why:
                put(why, 38, 13)
    out.append("</g>")
    return out, y


def week_svg(week: Week, replanned: Replanned | None = None) -> str:
    """The week's grid as one static SVG image for sharing; reasons in each session's tooltip and listed below.
    With `replanned`, done, moved and left-out sessions are marked (see `layout`)."""
    view = layout(week, replanned)
    axis = view.axis
    width = SVG_GUTTER + 7 * SVG_COLUMN + 10
    grid_top = SVG_TOP + (SVG_REPLAN_TOP if view.replanned else 0) + (SVG_PAST_TOP if view.has_past else 0)
    reasons, bottom = _svg_reasons(view, grid_top + axis.height + 24, width)
    height = bottom + 24
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{SVG_FONT}" fill="#1a1a1a" role="img" aria-label="{escape(view.title)}">',
        f"<!-- {MARKER}; solving the plan again replaces this file. -->",
        f"<title>{escape(view.title)}</title><defs>{_svg_patterns()}{SVG_PAST_PATTERN if view.has_past else ''}</defs>",
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
    load_ink = ' fill="#8a4b00" font-weight="bold"' if view.load_warning else ""
    out.append(f'<text x="16" y="102" font-size="13"{load_ink}>{escape(view.load_line)}</text>')
    if view.replanned:
        out.append(f'<text x="16" y="124" font-size="13" font-weight="bold">{escape(view.replan_line)}</text>')
        out.append(f'<text x="16" y="144" font-size="13">{escape(" · ".join(REPLAN_LEGEND))}</text>')
    if view.has_past:
        out.append(
            f'<g class="past-key"><rect x="16" y="154" width="26" height="14" rx="3" fill="url(#p-past)" stroke="#888"/>'
            f'<text x="48" y="166" font-size="13">{escape(view.past_text)}</text></g>'
        )
    for minute, y in axis.hours():
        out.append(f'<text x="{SVG_GUTTER - 6}" y="{grid_top + y + 4}" font-size="12" fill="#555" text-anchor="end">{format_clock(minute)}</text>')
        out.append(f'<line x1="{SVG_GUTTER}" x2="{SVG_GUTTER + 7 * SVG_COLUMN}" y1="{grid_top + y}" y2="{grid_top + y}" stroke="#d5d5d5"/>')
    for y in axis.breaks():
        out.append(f'<rect x="{SVG_GUTTER}" y="{grid_top + y + 1}" width="{7 * SVG_COLUMN}" height="{BREAK_PX - 1}" fill="#f4f4f4"/>')
    for day in view.days:
        left = SVG_GUTTER + day.index * SVG_COLUMN
        out.append(f'<text x="{left + 4}" y="{grid_top - 30}" font-size="15" font-weight="bold">{escape(day.heading)}</text>')
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
        for start, end in day.past:  # under any busy time the file names
            for s, e in axis.clip(start, end):
                out.append(
                    f'<g class="past"><title>{escape(view.past_text)}</title><rect x="{left + 1}" y="{grid_top + axis.y(s)}" width="{SVG_COLUMN - 2}" '
                    f'height="{axis.y(e) - axis.y(s)}" fill="url(#p-past)"/>'
                    f'<text x="{left + 6}" y="{grid_top + axis.y(s) + 14}" font-size="12" font-style="italic" stroke="#fff" stroke-width="3" paint-order="stroke">{PAST}</text></g>'
                )
        for start, end, label in day.busy:
            for s, e in axis.clip(start, end):
                out.append(
                    f'<g><title>{escape("busy: " + label)}</title><rect x="{left + 1}" y="{grid_top + axis.y(s)}" width="{SVG_COLUMN - 2}" '
                    f'height="{axis.y(e) - axis.y(s)}" fill="url(#p-busy)"/>'
                    f'<text x="{left + 6}" y="{grid_top + axis.y(s) + 14}" font-size="12" stroke="#fff" stroke-width="3" paint-order="stroke">busy</text></g>'
                )
        for ghost in day.ghosts:
            top = axis.y(ghost.start)
            out.append(_svg_ghost(ghost, left + 5, grid_top + top, SVG_COLUMN - 10, axis.y(ghost.end) - top))
        for group in day.groups:
            if len(group) > 1:
                top, bottom = axis.y(group[0].start), axis.y(group[-1].end)
                out.append(f'<rect x="{left + 2}" y="{grid_top + top - 3}" width="{SVG_COLUMN - 4}" height="{bottom - top + 6}" rx="7" fill="none" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="6 4"/>')
            for slot in group:
                top = axis.y(slot.start)
                out.append(_svg_session(slot, left + 5, grid_top + top, SVG_COLUMN - 10, axis.y(slot.end) - top))
            for first, second in zip(group, group[1:]):
                middle = grid_top + (axis.y(first.end) + axis.y(second.start)) // 2
                text = joint_text(first, second)
                out.append(f'<rect x="{left + 12}" y="{middle - 8}" width="{SVG_COLUMN - 24}" height="16" rx="8" fill="#fff" stroke="#1a1a1a" stroke-width="1.5"/>')
                out.append(f'<text x="{left + SVG_COLUMN // 2}" y="{middle + 4}" font-size="11" text-anchor="middle">{text}</text>')
    out += reasons
    out.append("</svg>\n")
    return "\n".join(out)
