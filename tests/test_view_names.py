"""Hostile names in the pictures: markup characters are text, and control characters (ESC
and the rest of C0) never make the page invalid or the SVG ill-formed XML."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from trainweek.scheduler.loading import parse_plan
from trainweek.scheduler.solve import solve
from trainweek.scheduler.view import shown, week_html, week_svg
from tests.test_view import Page

# YAML escapes: \e is ESC, \0 NUL; every C0 control but the three XML allows is in there.
PLAN = r"""
version: 1
athlete: "Ann <i>&\"'\e[1m"
timezone: Europe/Berlin
week_start: 2026-11-30
goals: [endurance]
availability:
  mon: ["06:00-09:00"]
  tue: ["06:00-09:00"]
  wed: ["06:00-09:00"]
  thu: ["06:00-09:00"]
sessions:
  - {name: "Run [/]", kind: run, duration: 30m}
  - {name: "<b>&\"'", kind: bike, duration: 30m}
  - {name: "Easy \e[31mred\e[0m", kind: run, duration: 30m, intensity: easy}
  - {name: "C0 \0\x01\x02\x07\b\t\n\v\f\r\x0e\x1b\x1f\x7f\x85 end", kind: mobility, duration: 20m}
"""
# Blank controls (tab, line breaks, \x1f, NEL) as spaces, the others as U+FFFD.
NAMES = ["Run [/]", "<b>&\"'", "Easy \ufffd[31mred\ufffd[0m", "C0 " + "\ufffd" * 5 + " " * 5 + "\ufffd\ufffd \ufffd  end"]
ATHLETE = "Ann <i>&\"'\ufffd[1m"
# What XML 1.0 refuses; HTML reads C0 and C1 controls other than blanks as parse errors.
REFUSED = {chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))}


@pytest.fixture(scope="module")
def week():
    return solve(parse_plan(PLAN, "hostile.yaml"))


def test_control_characters_are_shown_as_replacement_or_space():
    assert shown("Easy \x1b[31mred") == "Easy \ufffd[31mred"
    assert shown("a\tb\nc\rd\x0be\x0cf") == "a b c d e f"
    assert shown("\x00\x01\x1b\x7f\x9b") == "\ufffd" * 5
    assert shown("\ud800\ufffe\uffff") == "\ufffd" * 3
    printable = "Run [/] <b>&\"' é 🏃 ünïcödé \u2028"
    assert shown(printable) == printable


def test_the_sessions_are_the_hostile_ones(week):
    assert sorted(shown(p.occurrence.label) for p in week.placements) == sorted(NAMES)


def test_svg_is_well_formed_xml_and_draws_the_names_as_text(week):
    svg = week_svg(week)
    assert not REFUSED & set(svg) - {"\n"}
    image = ElementTree.fromstring(svg)  # raises on ill-formed XML
    drawn = "".join(image.itertext())
    for name in NAMES:
        assert " ".join(name.split()) in " ".join(drawn.split()), name
    assert ATHLETE in drawn
    assert not [element for element in image.iter() if element.tag.split("}")[-1] in ("b", "i")]
    titles = " ".join(title.text for title in image.iter("{http://www.w3.org/2000/svg}title"))
    for name in NAMES:
        assert name in titles


def test_page_shows_the_names_as_text(week):
    html = week_html(week)
    assert not REFUSED & set(html) - {"\n"}
    page = Page(html)
    assert "b" not in {tag for tag, _ in page.elements} and "i" not in {tag for tag, _ in page.elements}
    text = "".join(page.text)
    for name in NAMES:
        assert name in text, name
    assert ATHLETE in text
    assert sorted(s["data-label"] for s in page.having("session")) == sorted(NAMES)
    for session in page.having("session"):
        assert session["title"].startswith(session["data-label"] + ", ")
