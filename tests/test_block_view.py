"""The block page: one row per week, a bar chart of weekly load with the ratio line, in a
real headless Chromium like the week page (no console errors, nothing fetched)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from click.testing import CliRunner

from tests.test_view_browser import ROOT, _needs_chromium, browser  # noqa: F401 - the fixtures
from trainweek.scheduler.block import solve_block
from trainweek.scheduler.block_view import block_html
from trainweek.scheduler.cli import main
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.plan import BlockSettings, Race
from trainweek.scheduler.solve import SolveOptions

READ_BLOCK = """(() => JSON.stringify({
  rows: [...document.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => td.innerText)),
  bars: [...document.querySelectorAll('svg.load-chart g.bar rect:first-of-type')].map(r => r.getBoundingClientRect().height),
  kinds: [...document.querySelectorAll('svg.load-chart g.bar')].map(g => g.classList[1]),
  ratio: document.querySelector('svg.load-chart polyline.ratio').getAttribute('points').trim().split(' ').length,
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  text: document.body.innerText,
}))()"""


def marathon_block():
    plan = load_plan(ROOT / "examples" / "marathoner.yaml")
    race = Race.model_validate({"date": "2027-01-24", "time": "08:00", "name": "marathon"})
    plan = plan.model_copy(update={"block": BlockSettings(race=race)})
    return solve_block(plan, 8, SolveOptions())


def test_the_block_page_shows_a_row_and_a_bar_per_week_and_the_ratio_line(browser, tmp_path):  # noqa: F811
    block = marathon_block()
    page = tmp_path / "block.html"
    page.write_text(block_html(block), encoding="utf-8")
    browser.open(page.as_uri(), 1280, 900)
    seen = json.loads(browser.evaluate(READ_BLOCK))
    assert browser.problems() == []
    assert [row[3] for row in seen["rows"]] == [str(bw.load) for bw in block.weeks]
    assert [row[2] for row in seen["rows"]] == [bw.title for bw in block.weeks]
    assert seen["kinds"] == [bw.kind for bw in block.weeks]
    # Bars are as tall as the loads, in proportion; the ratio has a point from week 2 on.
    tallest = max(bw.load for bw in block.weeks)
    for height, bw in zip(seen["bars"], block.weeks):
        assert abs(height / max(seen["bars"]) - bw.load / tallest) < 0.02
    assert seen["ratio"] == len(block.weeks) - 1
    assert "Deload week (4 of 8): volume down 40%, intensity kept" in seen["text"]
    assert "Race: marathon" in seen["text"]
    assert seen["scrollWidth"] <= seen["innerWidth"]
    browser.open(page.as_uri(), 390, 844)
    assert json.loads(browser.evaluate(READ_BLOCK))["scrollWidth"] <= 390


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") or (value or "").startswith("http") and name != "xmlns":
                self.fetches.append(f"{tag} {name}={value}")


def test_the_block_page_is_self_contained_and_written_by_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["block", str(ROOT / "examples" / "marathoner.yaml"), "--weeks", "4", "--no-ics", "--html", "block.html"]
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0  # its own page is replaced
    text = (tmp_path / "block.html").read_text()
    links = _Links()
    links.feed(text)
    assert links.fetches == []
    assert "<script" not in text and text.count("<tr class=") == 4
