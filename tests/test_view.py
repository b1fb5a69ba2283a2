"""The week view: every session drawn, user text escaped, rest days and visits marked, nothing fetched."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest

from trainweek.scheduler.checking import finished_week
from trainweek.scheduler.loading import load_plan, parse_plan
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.solve import solve
from trainweek.scheduler.timetext import parse_clock
from trainweek.scheduler.view import MARKER, SVG_CHAR_EM, SVG_MARGIN, Axis, week_html, week_svg

PLAN = """
version: 1
athlete: Sam <the "fast" & 'furious'>
timezone: Europe/Berlin
week_start: 2026-11-30
goals: [strength]
availability:
  mon: ["17:00-19:00"]
  wed: ["06:00-08:00", "17:00-21:00"]
  sat: ["09:00-12:00"]
busy: ["wed 19:00-20:00 "]
sessions:
  - {name: "Lift <b>heavy</b> & \\"fast\\"", kind: strength, duration: 60m, intensity: hard, prefer: {days: [mon]}}
  - {name: "Run 'n' <script>alert(1)</script>", kind: run, duration: 40m, intensity: easy, prefer: {days: [mon]}}
  - {name: Bike, kind: bike, duration: 45m, prefer: {days: [sat]}}
  - {name: Stretch, kind: mobility, duration: 20m, prefer: {days: [wed], time: "06:00-08:00"}}
"""


@pytest.fixture(scope="module")
def week():
    """Placed by hand, so the test does not depend on what the solver prefers."""
    plan = parse_plan(PLAN, "view.yaml")
    frame = WeekFrame(plan, plan.week_start)
    slots = [(0, "17:00"), (0, "18:15"), (5, "09:00"), (2, "06:30")]  # lift, run 15 min later, bike, stretch
    starts = {item.index: frame.minute(day, parse_clock(clock)) for item, (day, clock) in zip(plan.occurrences, slots)}
    return finished_week(plan, frame, starts, plan.effective_weights(), status="UNKNOWN")


class Page(HTMLParser):
    """The page's text and its elements' attributes, as a browser would read them."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def having(self, name: str) -> list[dict[str, str]]:
        return [attrs for _, attrs in self.elements if name in attrs.get("class", "").split()]


def test_every_session_is_drawn_once_with_its_reasons(week):
    page = Page(week_html(week))
    sessions = page.having("session")
    assert sorted(s["data-label"] for s in sessions) == sorted(p.occurrence.label for p in week.placements)
    text = "".join(page.text)
    for p in week.placements:
        tooltip = next(s["title"] for s in sessions if s["data-label"] == p.occurrence.label)
        for reason in week.reasons[p.occurrence.index]:
            assert reason in tooltip
            assert reason in text  # the printable list below the grid


def test_user_text_is_escaped_in_page_and_image(week):
    html, svg = week_html(week), week_svg(week)
    for markup in (html, svg):
        assert "<script>" not in markup and "<b>" not in markup
    text = "".join(Page(html).text)
    assert 'Sam <the "fast" & \'furious\'>' in text
    assert "Run 'n' <script>alert(1)</script>" in text
    image = ElementTree.fromstring(svg)  # well-formed XML despite the names
    drawn = "".join(image.itertext())
    assert 'Lift <b>heavy</b> & "fast"' in drawn


def test_rest_days_are_labelled_even_with_mobility_on_them(week):
    trained = {0, 5}  # Wednesday holds only mobility
    days = week_html(week).split('<section class="day"')[1:]
    assert len(days) == 7
    for day, markup in enumerate(days):
        assert ("Rest day" in markup) == (day not in trained)
    assert week_svg(week).count(">Rest day<") == 7 - len(trained)


def test_lift_and_run_in_one_visit_are_joined(week):
    monday = week.on_day(0)
    rest = 15
    page = Page(week_html(week))
    (visit,) = page.having("visit")
    assert all(p.occurrence.label in visit["aria-label"] for p in monday)
    assert f"{rest} min rest · one visit" in "".join(page.text)
    assert f"{rest} min rest · one visit" in week_svg(week)


def test_sessions_apart_are_not_joined():
    week = solve(load_plan("examples/strength-first.yaml"))
    assert "min rest · one visit" not in week_html(week)
    assert 'class="visit"' not in week_html(week)


def test_nothing_is_fetched_from_the_network(week):
    html, svg = week_html(week), week_svg(week)
    assert not re.search(r"https?:|//[a-z]|@import|url\((?!#)", html, re.IGNORECASE)
    assert re.findall(r"https?://\S+", svg) == ['http://www.w3.org/2000/svg"']
    assert not re.search(r"href=\"(?!#)|@import", svg)


def test_both_carry_the_marker_that_lets_a_resolve_replace_them(week):
    assert MARKER in week_html(week) and MARKER in week_svg(week)


def test_busy_blocks_are_hatched_where_they_are(week):
    page = Page(week_html(week))
    (busy,) = page.having("busy")
    assert busy["title"] == "busy: wed 19:00-20:00"


def test_axis_hides_long_empty_stretches_only():
    apart = Axis.around([(6 * 60, 8 * 60), (17 * 60 + 30, 21 * 60)])
    assert apart.segments == ((360, 480), (1020, 1260))
    assert apart.y(8 * 60) < apart.y(17 * 60) < apart.y(18 * 60)
    close = Axis.around([(6 * 60, 8 * 60), (9 * 60 + 30, 10 * 60)])
    assert close.segments == ((360, 600),)


SVG = "{http://www.w3.org/2000/svg}"


def test_image_lists_every_session_with_its_reasons_below_the_grid_as_the_page_does():
    # Hostile, and long enough that its heading has to wrap.
    hostile = 'Legs <b>&"x" then squats, lunges, step-ups and Romanian deadlifts for the posterior chain, hips and lower back'
    example = open("examples/strength-first.yaml", encoding="utf-8").read()
    named = example.replace("name: Heavy lower body", "name: '" + hostile + "'")
    assert named != example
    week = solve(parse_plan(named, "hostile.yaml"))
    svg = week_svg(week)

    assert "<b>" not in svg and "Legs &lt;b&gt;&amp;&quot;x&quot;" in svg
    image = ElementTree.fromstring(svg)  # well-formed XML despite the name
    width, height = float(image.get("width")), float(image.get("height"))
    (listing,) = [g for g in image.iter(SVG + "g") if g.get("id") == "reasons"]
    lines = listing.findall(SVG + "text")
    listed = " ".join(" ".join(line.text.split()) for line in lines)
    page = "".join(Page(week_html(week)).text)
    assert any(week.reasons.values())
    for p in week.placements:
        assert " ".join(p.occurrence.label.split()) in listed
        for reason in week.reasons[p.occurrence.index]:
            assert reason in page
            assert " ".join(reason.split()) in listed

    # SVG does not wrap: every line is cut to fit by its width estimate, and the image grew to hold them.
    assert len(lines) > len(week.placements) * 2
    for line in lines:
        size = float(line.get("font-size"))
        assert float(line.get("x")) + len(line.text) * SVG_CHAR_EM * size <= width - SVG_MARGIN, line.text
        assert float(line.get("y")) <= height
