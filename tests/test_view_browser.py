"""The examples' week pages in a real headless Chromium: no console errors, every session
drawn, nothing fetched from the network, usable at phone width; screenshots taken.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe), so no
port is opened and no extra Python package is needed. Set UPDATE_SCREENSHOTS=1 to copy
the screenshots into docs/screenshots/.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import need_program
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.solve import solve
from trainweek.scheduler.view import week_html, week_svg

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = ROOT / "docs" / "screenshots"
# A hung browser fails the test instead of hanging CI; it is not a speed requirement.
GIVE_UP_AFTER = 60

MISSING = "chromium is not installed (apt-get install chromium); .ci/run installs it"


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium():
    """Skip on a developer's machine without chromium; under CI that is a failure.

    Module-scoped, so it runs before the module-scoped `browser` fixture starts chromium.
    """
    need_program(CHROMIUM is not None, MISSING)

# What the page shows, read back from the rendered DOM.
READ_PAGE = """(() => {
  const grid = [...document.querySelectorAll('.week .session')].map(el => {
    const box = el.getBoundingClientRect();
    return {label: el.dataset.label, text: el.innerText, width: box.width, height: box.height, left: box.left, right: box.right};
  });
  return JSON.stringify({
    grid,
    text: document.body.innerText,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    bottom: Math.ceil(document.querySelector('.week').getBoundingClientRect().bottom + window.scrollY + 16),
  });
})()"""


class Chromium:
    """Just enough of the DevTools protocol to load a page, read it and take a screenshot."""

    def __init__(self, profile: Path) -> None:
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()

        def wire_pipes() -> None:  # Chromium reads commands on fd 3 and answers on fd 4
            high_in = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_browser, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.process = subprocess.Popen(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}",
                "--remote-debugging-pipe", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes, pass_fds=(3, 4),
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def _read_message(self, deadline: float) -> dict:
        """The next message, or TimeoutError at `deadline` (time.monotonic()): the whole call's,
        so events that keep coming (a page that polls and logs) cannot hold a test forever."""
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        request = {"id": self._next_id, "method": method, "params": params}
        if session:
            request["sessionId"] = session
        os.write(self._to_browser, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + 2 * GIVE_UP_AFTER  # a page's own 60 s evaluation, and margin
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def page(self, method: str, **params) -> dict:
        return self.call(method, self.session, **params)

    def wait_for(self, method: str) -> dict:
        deadline = time.monotonic() + GIVE_UP_AFTER
        while True:
            for n, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(n)
            self.events.append(self._read_message(deadline))

    def open(self, url: str, width: int, height: int) -> None:
        self.events.clear()
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600)
        self.page("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"]["value"]

    def screenshot(self, path: Path, height: int) -> None:
        data = self.page("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": self.evaluate("window.innerWidth"), "height": height, "scale": 1})["data"]
        path.write_bytes(base64.b64decode(data))

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and any request that is not a local file."""
        found = []
        for event in self.events:
            params = event.get("params", {})
            method = event.get("method")
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning", "assert"):
                found.append(f"console {params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log {params['entry']['level']}: {params['entry']['text']}")
            elif method == "Network.requestWillBeSent" and not params["request"]["url"].startswith(("file:", "data:")):
                found.append(f"network request: {params['request']['url']}")
        return found

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.process.wait(timeout=GIVE_UP_AFTER)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    for domain in ("Page", "Runtime", "Log", "Network"):
        chromium.page(f"{domain}.enable")
    yield chromium
    chromium.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def solved(path: Path):
    week = solve(load_plan(path))
    return week


def keep_screenshot(shot: Path) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOTS / shot.name)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_page_renders_every_session_without_errors(browser, example, tmp_path):
    week = solved(example)
    page = tmp_path / f"{example.stem}.html"
    page.write_text(week_html(week), encoding="utf-8")

    browser.open(page.as_uri(), 1280, 900)
    seen = json.loads(browser.evaluate(READ_PAGE))

    assert browser.problems() == []
    labels = sorted(p.occurrence.label for p in week.placements)
    assert sorted(block["label"] for block in seen["grid"]) == labels
    for block in seen["grid"]:
        assert block["label"] in block["text"]
        assert block["width"] > 40 and block["height"] >= 15, block
        assert 0 <= block["left"] and block["right"] <= seen["innerWidth"], block
    assert seen["scrollWidth"] <= seen["innerWidth"]
    for name in week.plan.sessions:
        assert name.name in seen["text"]

    shot = tmp_path / f"{example.stem}.png"
    browser.screenshot(shot, seen["bottom"])
    assert png_size(shot.read_bytes())[0] == 1280
    keep_screenshot(shot)


def test_page_stacks_at_phone_width(browser, tmp_path):
    example = ROOT / "examples" / "hybrid-athlete.yaml"
    week = solved(example)
    page = tmp_path / "phone.html"
    page.write_text(week_html(week), encoding="utf-8")

    browser.open(page.as_uri(), 390, 844)
    seen = json.loads(browser.evaluate(READ_PAGE))

    assert browser.problems() == []
    assert seen["scrollWidth"] <= seen["innerWidth"], "the page scrolls sideways at phone width"
    assert len(seen["grid"]) == len(week.placements)
    for block in seen["grid"]:
        assert block["label"] in block["text"]
        assert block["width"] > 300, "sessions should take the full width when stacked"
    shot = tmp_path / "hybrid-athlete-phone.png"
    browser.screenshot(shot, seen["bottom"])
    keep_screenshot(shot)


def test_svg_loads_as_an_image_without_errors(browser, tmp_path):
    week = solved(ROOT / "examples" / "busy-professional.yaml")
    image = tmp_path / "week.svg"
    image.write_text(week_svg(week), encoding="utf-8")

    browser.open(image.as_uri(), 1280, 900)

    assert browser.problems() == []
    text = browser.evaluate("document.documentElement.textContent")
    for placement in week.placements:
        assert placement.occurrence.label in text


def test_hostile_names_show_as_text_in_page_and_image(browser, tmp_path):
    from trainweek.scheduler.loading import parse_plan
    from tests.test_view_names import NAMES, PLAN

    week = solve(parse_plan(PLAN, "hostile.yaml"))
    page, image = tmp_path / "hostile.html", tmp_path / "hostile.svg"
    page.write_text(week_html(week), encoding="utf-8")
    image.write_text(week_svg(week), encoding="utf-8")

    browser.open(page.as_uri(), 1280, 900)
    seen = json.loads(browser.evaluate(READ_PAGE))
    assert browser.problems() == []
    assert browser.evaluate("document.querySelectorAll('body b, body i, body script').length") == 0
    assert sorted(block["label"] for block in seen["grid"]) == sorted(NAMES)
    for block in seen["grid"]:
        assert " ".join(block["label"].split()) in " ".join(block["text"].split())

    browser.open(image.as_uri(), 1280, 900)
    assert browser.problems() == []
    assert browser.evaluate("document.getElementsByTagName('parsererror').length") == 0
    text = " ".join(browser.evaluate("document.documentElement.textContent").split())
    for name in NAMES:
        assert " ".join(name.split()) in text


READ_MARKS = """(() => JSON.stringify({
  was: [...document.querySelectorAll('.week .was')].map(el => {
    const box = el.getBoundingClientRect();
    return {label: el.dataset.label, text: el.innerText, width: box.width, height: box.height};
  }),
  marks: [...document.querySelectorAll('.week .session .mark')].map(el => {
    const box = el.getBoundingClientRect(), session = el.closest('.session').getBoundingClientRect();
    return {label: el.closest('.session').dataset.label, text: el.innerText, top: box.top, bottom: box.bottom,
            sessionTop: session.top, sessionBottom: session.bottom};
  }),
  text: document.body.innerText,
}))()"""


def test_a_replanned_week_shows_its_marks_in_page_and_image(browser, tmp_path):
    from tests.test_replan_view import replanned

    _, result = replanned()
    page, image = tmp_path / "replanned.html", tmp_path / "replanned.svg"
    page.write_text(week_html(result.week, result), encoding="utf-8")
    image.write_text(week_svg(result.week, result), encoding="utf-8")

    browser.open(page.as_uri(), 1280, 900)
    seen = json.loads(browser.evaluate(READ_MARKS))
    assert browser.problems() == []
    assert sorted(ghost["label"] for ghost in seen["was"]) == sorted(["Easy run (1/2)", "Full-body strength (1/2)", "Intervals"])
    for ghost in seen["was"]:
        assert ghost["label"] in ghost["text"] and ghost["width"] > 100, ghost
        assert ("moved to" in ghost["text"] or "left out" in ghost["text"]) and ghost["height"] >= 15, ghost
    marked = {mark["label"]: mark for mark in seen["marks"]}
    assert {label for label, mark in marked.items() if mark["text"].startswith("✓ done")} == {
        p.occurrence.label for p in result.week.placements if p.occurrence.index in result.done
    }
    assert sorted(label for label, mark in marked.items() if "moved from" in " ".join(mark["text"].split())) == ["Easy run (1/2)", "Full-body strength (1/2)"]
    for mark in seen["marks"]:  # drawn inside its session, not cut off
        assert mark["sessionTop"] <= mark["top"] < mark["bottom"] <= mark["sessionBottom"], mark
    assert "Re-planned from Sat 16 Jan 12:00" in seen["text"] and "Left out" in seen["text"]
    # The time before now is drawn as past, in words, and nothing says busy.
    assert "past: already gone when the week was re-planned" in seen["text"]
    assert browser.evaluate("document.querySelectorAll('.week .busy').length") == 0
    past = json.loads(browser.evaluate("JSON.stringify([...document.querySelectorAll('.week .past')].map(el => [el.innerText, el.getBoundingClientRect().height]))"))
    assert len(past) == 11 and all(text == "past" and height > 0 for text, height in past), past
    shot = tmp_path / "replanned.png"
    browser.screenshot(shot, 1000)
    keep_screenshot(shot)

    browser.open(image.as_uri(), 1280, 900)
    assert browser.problems() == []
    assert browser.evaluate("document.getElementsByTagName('parsererror').length") == 0
    text = " ".join(browser.evaluate("document.documentElement.textContent").split())
    assert "✕ missed, left out" in text and "↷ missed, moved to" in text and "✓ done" in text
