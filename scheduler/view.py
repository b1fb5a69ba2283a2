"""Draw a solved week as a picture: a self-contained HTML page and a static SVG.

Both are drawn from one pixel layout (`view_layout`), so the page (`view_html`) and the
shared image (`view_svg`) agree. Nothing is fetched from the network (no fonts, scripts
or images), so the page opens offline and leaks nothing. Kind and intensity are shown by
text and pattern as well as colour, so the week reads in grayscale and in print. User
text is escaped for where it goes, and control characters no markup can carry are
replaced, so any name gives a valid page and well-formed XML.
"""

from __future__ import annotations

from trainweek.scheduler.view_html import week_html
from trainweek.scheduler.view_layout import MARKER, Axis, Layout, layout, shown
from trainweek.scheduler.view_svg import SVG_CHAR_EM, SVG_MARGIN, week_svg

__all__ = ["MARKER", "RENDERERS", "SVG_CHAR_EM", "SVG_MARGIN", "Axis", "Layout", "layout", "shown", "week_html", "week_svg"]

# The pictures `trainweek` can write, by the option that asks for them.
RENDERERS = {"html": week_html, "svg": week_svg}
