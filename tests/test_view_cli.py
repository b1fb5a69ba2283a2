"""`trainweek solve --html/--svg` and `trainweek show`: written whole, never over someone else's file."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainweek.scheduler.cli import main
from trainweek.scheduler.view import MARKER

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "strength-first.yaml")


@pytest.fixture
def opened(monkeypatch):
    """Addresses `show` asked the browser to open; no real browser is started."""
    addresses: list[str] = []

    def fake_open(address):
        addresses.append(address)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return addresses


def test_solve_writes_page_and_image(tmp_path):
    page, image = tmp_path / "week.html", tmp_path / "out" / "week.svg"
    result = CliRunner().invoke(main, ["solve", EXAMPLE, "--no-ics", "--html", str(page), "--svg", str(image)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {page}." in result.output and f"Wrote {image}." in result.output
    assert page.read_text().startswith("<!DOCTYPE html>") and MARKER in page.read_text()
    assert image.read_text().startswith("<svg") and MARKER in image.read_text()
    assert "Heavy lower body (2/2)" in page.read_text()


def test_solve_replaces_its_own_page_but_not_a_stranger_file(tmp_path):
    page = tmp_path / "week.html"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", EXAMPLE, "--no-ics", "--html", str(page)]).exit_code == 0
    assert runner.invoke(main, ["solve", EXAMPLE, "--no-ics", "--html", str(page)]).exit_code == 0

    stranger = tmp_path / "notes.svg"
    stranger.write_text("<svg>my drawing</svg>")
    result = runner.invoke(main, ["solve", EXAMPLE, "--no-ics", "--svg", str(stranger)])
    assert result.exit_code == 2
    assert f"{stranger} exists and was not written by trainweek" in result.output
    assert stranger.read_text() == "<svg>my drawing</svg>"

    forced = runner.invoke(main, ["solve", EXAMPLE, "--no-ics", "--svg", str(stranger), "--force"])
    assert forced.exit_code == 0
    assert MARKER in stranger.read_text()


def test_show_writes_plan_html_here_and_opens_it(tmp_path, monkeypatch, opened):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["show", EXAMPLE])
    assert result.exit_code == 0, result.output
    page = tmp_path / "strength-first.html"
    assert MARKER in page.read_text()
    assert opened == [page.resolve().as_uri()]
    assert "opened it in your browser" in result.output


def no_browser_found(address):
    return False


def no_browser_registered(address):
    raise webbrowser.Error("could not locate runnable browser")


@pytest.mark.parametrize("browser_open", [no_browser_found, no_browser_registered])
def test_show_without_a_browser_still_writes_and_says_where(tmp_path, monkeypatch, browser_open):
    monkeypatch.setattr(webbrowser, "open", browser_open)
    page = tmp_path / "mine.html"
    result = CliRunner().invoke(main, ["show", EXAMPLE, "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert page.exists()
    assert f"open {page.resolve().as_uri()} to see it" in result.output


def test_show_refuses_a_file_it_did_not_write_before_solving(tmp_path, opened):
    page = tmp_path / "index.html"
    page.write_text("<p>my homepage</p>")
    result = CliRunner().invoke(main, ["show", EXAMPLE, "-o", str(page)])
    assert result.exit_code == 2
    assert "was not written by trainweek" in result.output
    assert page.read_text() == "<p>my homepage</p>"
    assert opened == []
