"""The studio page in a real headless Chromium (driven as tests/test_view_browser.py does):
it loads without errors or requests beyond its own server, moving a slider shows the
week `solve` gives from the week on screen with the moved sessions marked, and saving
writes the weight into the YAML with its comments intact.

The time from slider release to the new week on screen is printed per example (run
with -s to see it); it is measured, not asserted.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.test_view_browser import CHROMIUM, EXAMPLES, MISSING, Chromium, browser, keep_screenshot, png_size  # noqa: F401 (browser: the shared fixture)
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.solve import SolveOptions, solve
from trainweek.scheduler.studio import Studio, moved_labels
from trainweek.scheduler.studio_server import serve
from trainweek.scheduler.view import week_html

ROOT = Path(__file__).resolve().parent.parent
HYBRID = ROOT / "examples" / "hybrid-athlete.yaml"


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium():
    need_program(CHROMIUM is not None, MISSING)


@pytest.fixture
def studio_for(tmp_path, browser):
    servers = []

    def start(example: Path):
        path = tmp_path / example.name
        shutil.copyfile(example, path)
        server = serve(Studio(str(path)))
        server.start_in_thread()
        servers.append(server)
        return server, path

    yield start
    browser.open("about:blank", 800, 600)  # the page stops polling before its server goes
    for server in servers:
        server.stop()


def wait_until(browser: Chromium, condition: str, value: str = "true"):
    """Evaluate `value` in the page once `condition` holds (checked in the page as it runs)."""
    expression = f"""new Promise((resolve) => {{
        const check = () => ({condition}) ? resolve({value}) : setTimeout(check, 10);
        check();
    }})"""
    result = browser.page("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True, timeout=60000)
    assert "exceptionDetails" not in result, result["exceptionDetails"]
    return result["result"]["value"]


def shown_after(browser: Chromium, request: int):
    """Wait until the page shows a result newer than `request`; its number."""
    return wait_until(browser, f"Number(document.body.dataset.shown || 0) > {request} && window.studio.shown", "Number(document.body.dataset.shown)")


def move_slider(browser: Chromium, name: str, position: int) -> None:
    browser.evaluate(
        f"""(() => {{ const range = document.querySelector('input[type=range][data-weight="{name}"]');
        range.value = {position}; range.dispatchEvent(new Event('input')); range.dispatchEvent(new Event('change')); return true; }})()"""
    )


READ_WEEK = """JSON.stringify((() => {
  const frame = document.getElementById('week');
  return {
    srcdoc: frame.srcdoc,
    moved: [...frame.contentDocument.querySelectorAll('.week .session.moved')].map(el => el.dataset.label),
    sessions: frame.contentDocument.querySelectorAll('.week .session').length,
    parts: window.studio.shown.parts,
    status: document.getElementById('status').textContent,
  };
})())"""


def own_problems(browser: Chromium, server) -> list[str]:
    return [problem for problem in browser.problems() if not problem.startswith(f"network request: {server.address}")]


def test_moving_a_slider_shows_the_new_week_with_its_moves_and_save_keeps_the_comments(browser, studio_for, tmp_path):
    server, path = studio_for(HYBRID)
    original = path.read_text()
    browser.open(server.address, 1400, 1000)
    first = shown_after(browser, 0)
    before = server.studio.result.week
    assert json.loads(browser.evaluate(READ_WEEK))["srcdoc"] == week_html(before)

    move_slider(browser, "hard_easy", 0)
    shown_after(browser, first)
    seen = json.loads(browser.evaluate(READ_WEEK))

    plan = load_plan(HYBRID)
    options = SolveOptions(weights={"hard_easy": 0})
    alone = solve(plan, options)  # `solve --weight hard_easy=0`
    hinted = solve(plan, options, near={p.occurrence.index: p.local_start for p in before.placements})
    assert {row["name"]: row["raw"] for row in seen["parts"]} == alone.parts
    assert seen["srcdoc"] == week_html(hinted), "the same rendering as --html, of the week solved from the one on screen"
    assert seen["moved"] == moved_labels(before, hinted) != []
    assert seen["sessions"] == len(hinted.placements)
    assert f"Score {alone.objective:g}" in seen["status"] and "proven optimal" in seen["status"]

    # The trade-off view: the distinct weeks sweep finds for one weight, as a chart.
    from trainweek.scheduler.studio import TRADE_OFF_VALUES
    from trainweek.scheduler.sweep import sweep

    # Asked across interference, then at once across consistency: the newer one stops the
    # first, whose answer (stopped, or late) is neither drawn nor shown as an error.
    pick = "document.getElementById('tradeoff-weight').value = '{}', document.getElementById('tradeoff-go').click()"
    browser.evaluate(f"{pick.format('interference')}, {pick.format('consistency')}, true")
    bands = wait_until(browser, "document.querySelectorAll('#tradeoff .pick').length", "document.querySelectorAll('#tradeoff .pick').length")
    expected = sweep(plan, {"consistency": list(TRADE_OFF_VALUES)}, SolveOptions(weights={"hard_easy": 0}))
    assert bands == len(expected) > 1
    time.sleep(1)  # time for a late answer to the first to arrive
    assert browser.evaluate("document.querySelectorAll('#tradeoff .pick').length") == bands
    assert browser.evaluate("document.getElementById('error').textContent") == ""
    assert browser.evaluate("document.querySelectorAll('#tradeoff polyline').length") >= 1

    shot = tmp_path / "studio.png"
    browser.screenshot(shot, 1000)
    assert png_size(shot.read_bytes())[0] == 1400
    keep_screenshot(shot)

    # Pin a session to another day: what it costs, in the explain sentence.
    label = hinted.placements[0].occurrence.label
    browser.evaluate(f"document.getElementById('pin-session').value = {json.dumps(label)}, document.getElementById('pin-day').value = '{(hinted.placements[0].day + 1) % 7}', document.getElementById('pin-go').click(), true")
    sentence = wait_until(browser, "document.getElementById('pin-sentence').textContent.length > 1", "document.getElementById('pin-sentence').textContent")
    assert sentence.startswith((f"Pinning {label} on ", f"{label} cannot go on "))

    # Click the last distinct week of the chart: it is shown, and it is what "Download .ics" gives.
    browser.evaluate("[...document.querySelectorAll('#tradeoff .pick')].pop().dispatchEvent(new MouseEvent('click')), true")
    wait_until(browser, "document.getElementById('status').textContent.startsWith('Trade-off week')")
    picked = json.loads(browser.evaluate(READ_WEEK))
    assert {row["name"]: row["raw"] for row in picked["parts"]} == expected[-1].week.parts
    assert server.week_on_screen is not None and server.week_on_screen.parts == expected[-1].week.parts

    browser.evaluate("document.getElementById('save').click(), true")
    assert wait_until(browser, "document.getElementById('save-dialog').open", "document.getElementById('diff').textContent").count("+weights: {goal_order: 10, separation: 4, preferred_times: 2, consistency: 1, hard_easy: 0}") == 1
    browser.evaluate("document.getElementById('save-confirm').click(), true")
    note = wait_until(browser, "document.getElementById('note').textContent.startsWith('Saved')", "document.getElementById('note').textContent")
    assert str(path) + ".bak" in note
    text = path.read_text()
    assert text == original.replace("consistency: 1}", "consistency: 1, hard_easy: 0}")
    assert [line for line in text.splitlines() if "#" in line] == [line for line in original.splitlines() if "#" in line]
    assert path.with_name(path.name + ".bak").read_text() == original
    assert load_plan(path).effective_weights()["hard_easy"] == 0
    # The browser logs the stopped trade-off's answer, 409, if it was still solving.
    stopped = "log error: Failed to load resource: the server responded with a status of 409 (Conflict)"
    assert own_problems(browser, server) in ([], [stopped])


def test_a_malformed_weight_shows_an_error_on_the_page(browser, studio_for):
    server, _ = studio_for(HYBRID)
    browser.open(server.address, 1280, 900)
    shown_after(browser, 0)
    browser.evaluate(
        """(() => { const box = document.querySelector('#w-interference input[type=number]');
        box.value = '1.234'; box.dispatchEvent(new Event('change')); return true; })()"""
    )
    error = wait_until(browser, "document.getElementById('error').textContent", "document.getElementById('error').textContent")
    assert "1.234 has more than two decimals" in error


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_time_from_slider_release_to_new_week(browser, studio_for, example):
    """Measured, not asserted: printed as a timing log (pytest -s)."""
    server, _ = studio_for(example)
    browser.open(server.address, 1280, 900)
    shown = shown_after(browser, 0)
    for name, position in [("interference", 0), ("interference", 75), ("hard_easy", 0), ("hard_easy", 50), ("consistency", 75), ("consistency", 25)]:
        move_slider(browser, name, position)
        shown = shown_after(browser, shown)
    timings = browser.evaluate("window.studio.timings.slice(1)")
    assert len(timings) == 6
    print(f"\nstudio timing {example.stem}: median {statistics.median(timings):.0f} ms from slider release to the new week on screen ({', '.join(f'{t:.0f}' for t in timings)})")
    assert own_problems(browser, server) == []


def test_hostile_session_names_stay_text_on_the_page(browser, tmp_path):
    from tests.test_view_names import NAMES, PLAN

    path = tmp_path / "hostile.yaml"
    path.write_text(PLAN, encoding="utf-8")
    server = serve(Studio(str(path)))
    server.start_in_thread()
    try:
        browser.open(server.address, 1280, 900)
        shown_after(browser, 0)
        assert own_problems(browser, server) == []
        assert browser.evaluate("document.querySelectorAll('body b, body i, body script').length") == 2  # the page's own two
        listed = browser.evaluate("[...document.querySelectorAll('#sessions label')].map(l => l.textContent.trim())")
        assert sorted(" ".join(name.split()) for name in listed) == sorted(" ".join(name.split()) for name in NAMES)
    finally:
        browser.open("about:blank", 800, 600)
        server.stop()
