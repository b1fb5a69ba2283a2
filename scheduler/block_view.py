"""A block as one self-contained web page: a bar chart of the weekly loads with the
acute:chronic ratio as a line, one row per week (kind, load, monotony, strain, ratio),
then each week's sessions. Nothing is fetched (styles and the SVG chart inline, no
script); the kind of a week is written as text as well as shown by colour and pattern.
"""

from __future__ import annotations

from html import escape

from trainweek.scheduler.block import DELOAD, RATIO_SPIKE, RATIO_WARNING, TAPER, Block, week_mark
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.view_layout import MARKER, shown

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 56, 16, 40
RATIO_TOP = 2.0  # the ratio axis runs from 0 to this
FILL = {"build": "#3b6ea8", DELOAD: "#8fb8de", TAPER: "#b9a36b"}

CSS = """
body{font:15px/1.4 system-ui,sans-serif;margin:16px;color:#1d1d1f;max-width:900px}
h1{font-size:1.3em;margin:0 0 4px}
p.note{margin:4px 0;color:#6b4e00}
svg{width:100%;height:auto;max-width:720px;display:block}
table{border-collapse:collapse;margin:12px 0;width:100%}
th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:right}
th:nth-child(-n+3),td:nth-child(-n+3){text-align:left}
tr.deload td,tr.taper td{font-weight:600}
section.week{margin:10px 0}
section.week h2{font-size:1.05em;margin:6px 0 2px}
section.week ul{margin:0;padding-left:18px}
.high{color:#8a5a00}.spike{color:#b00020}
div.rows{overflow-x:auto}
@media (max-width:600px){body{margin:8px;font-size:14px}th,td{padding:3px 4px}}
"""


def _ratio_class(ratio: float | None) -> str:
    if ratio is None:
        return ""
    return "spike" if ratio > RATIO_SPIKE else "high" if ratio > RATIO_WARNING else ""


def chart(block: Block) -> str:
    """The weekly loads as bars (the kind written under each) and the ratio as a line."""
    weeks = block.weeks
    most = max([bw.load for bw in weeks] + [1])
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / len(weeks)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Weekly load and acute:chronic ratio" class="load-chart">',
        '<defs><pattern id="lighter" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff" opacity="0.0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{LEFT + inner_w}" y2="{TOP + inner_h}" stroke="#888"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="11">{most} AU</text>',
        f'<text x="{LEFT + inner_w + 4}" y="{TOP + 10}" font-size="11">A:C ratio</text>',
    ]
    for line in (0.8, RATIO_WARNING, RATIO_SPIKE):
        y = TOP + inner_h * (1 - line / RATIO_TOP)
        parts.append(
            f'<line class="ratio-guide" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + inner_w}" y2="{y:.1f}" stroke="#c9c9c9" stroke-dasharray="4 4"/>'
            f'<text x="{LEFT + inner_w + 4}" y="{y + 4:.1f}" font-size="11">{line:g}</text>'
        )
    points = []
    for n, bw in enumerate(weeks):
        height = inner_h * bw.load / most
        x = LEFT + n * slot + slot * 0.15
        y = TOP + inner_h - height
        width = slot * 0.7
        title = f"Week {bw.number}, {bw.title}: {bw.load} AU" + (f", ratio {bw.ratio:.2f}" if bw.ratio is not None else "")
        parts.append(
            f'<g class="bar {bw.kind}"><title>{escape(title)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{FILL[bw.kind]}"/>'
            + (f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="url(#lighter)"/>' if bw.kind != "build" else "")
            + f'<text x="{x + width / 2:.1f}" y="{TOP + inner_h + 14}" text-anchor="middle" font-size="11">{bw.number}</text>'
            f'<text x="{x + width / 2:.1f}" y="{TOP + inner_h + 28}" text-anchor="middle" font-size="10">{bw.kind}</text></g>'
        )
        if bw.ratio is not None:
            points.append((x + width / 2, TOP + inner_h * (1 - min(bw.ratio, RATIO_TOP) / RATIO_TOP)))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="ratio" points="{path}" fill="none" stroke="#1d1d1f" stroke-width="2"/>')
        parts += [f'<circle class="ratio-point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1d1d1f"/>' for x, y in points]
    parts.append("</svg>")
    return "".join(parts)


def block_html(block: Block) -> str:
    plan = block.plan
    first = block.weeks[0].week.frame.week_start
    rows = []
    for bw in block.weeks:
        monotony, strain = bw.week.monotony(), bw.week.strain()
        ratio = "n/a" if bw.ratio is None else f"{bw.ratio:.2f}"
        rows.append(
            f'<tr class="{bw.kind}"><td>{bw.number}</td><td>{bw.week.frame.week_start:%d %b %Y}</td><td>{escape(bw.title)}</td>'
            f"<td>{bw.load}</td><td>{'n/a' if monotony is None else f'{monotony:.2f}'}</td>"
            f"<td>{'n/a' if strain is None else f'{strain:.0f}'}</td>"
            f'<td class="{_ratio_class(bw.ratio)}">{ratio}</td></tr>'
        )
    sections = []
    for bw in block.weeks:
        mark = week_mark(bw, block) or bw.title.capitalize()
        items = "".join(
            f"<li>{WEEKDAY_NAMES[p.day][:3]} {p.local_start:%d %b} {p.clock_range} "
            f"<strong>{escape(shown(p.occurrence.label))}</strong> ({p.spec.duration} min, {p.spec.intensity.value})</li>"
            for p in bw.week.placements
        )
        sections.append(
            f'<section class="week {bw.kind}"><h2>Week {bw.number}, {bw.week.frame.week_start:%d %b %Y}: {escape(mark)}</h2><ul>{items}</ul></section>'
        )
    notes = [f'<p class="note">{escape(shown(note))}</p>' for note in block.notes]
    if block.race is not None:
        race = block.race
        when = f"{race.start:%A %d %B %Y}" + ("" if race.all_day else f" {race.start:%H:%M}")
        notes.insert(0, f"<p>Race: <strong>{escape(shown(race.name))}</strong>, {when}; nothing demanding in the 48 h before it.</p>")
    title = f"Training block of {len(block.weeks)} weeks from {first:%d %b %Y} for {shown(plan.athlete)}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>The block is {escape(block.proven)}.</p>"
        + "".join(notes)
        + chart(block)
        + '<div class="rows"><table><thead><tr><th>Week</th><th>Monday</th><th>Kind</th><th>Load AU</th><th>Monotony</th><th>Strain</th>'
        "<th>A:C ratio</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
        + "".join(sections)
        + f"<footer>{MARKER}; solving the block again replaces this file.</footer></body></html>"
    )
