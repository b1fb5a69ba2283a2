"""The re-planned week's picture marks what happened: done sessions fixed where they were
done, missed ones moved (from where to where) and sessions left out, in words and symbols
(not colour alone), in the page and the image alike; a solved week's picture is unchanged."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from tests.test_replan import MARATHONER, OPTIONS, _yaml, plan_of, planned, run
from trainweek.scheduler.cli import main
from trainweek.scheduler.solve import solve
from trainweek.scheduler.view import layout, week_html, week_svg
from trainweek.scheduler.view_html import REPLAN_CSS
from trainweek.scheduler.view_layout import REPLAN_LEGEND

# Saturday noon: the long run was done a day early, three sessions were missed. Sunday has
# room for two of them; the intervals are left out (see test_replan for the order).
LOG = ["done Long run@Sat 07:00", "missed Easy run", "missed Full-body strength", "missed Intervals"]
NOW = "2027-01-16 12:00"
# A name the page and the image must show as text, not read as markup.
HOSTILE = 'Intervals <b>&amp; "fast"</b>'


def replanned(intervals: str = "Intervals"):
    sessions = [dict(s) for s in MARATHONER["sessions"]]
    sessions[1]["name"] = intervals
    plan = plan_of(sessions=sessions)
    log = [entry.replace("Intervals", intervals) for entry in LOG]
    return plan, run(plan, log, NOW, planned(plan))


@pytest.fixture(scope="module")
def result():
    return replanned()


def slots(view):
    return {slot.placement.occurrence.label: slot for day in view.days for group in day.groups for slot in group}


def test_done_moved_and_left_out_sessions_are_marked_in_the_layout(result):
    plan, result = result
    before = {p.occurrence.label: p for p in solve(plan, OPTIONS).placements}
    view = layout(result.week, result)
    marked = slots(view)
    # Done: the logged long run and every session planned before now; fixed where done.
    done = {p.occurrence.label for p in result.week.placements if p.occurrence.fixed_at is not None}
    assert "Long run" in done and {label for label, slot in marked.items() if slot.mark == "done"} == done
    assert marked["Long run"].mark_text == f"✓ done (planned {before['Long run'].local_start:%a %H:%M})"
    assert marked["Long run"].placement.local_start.strftime("%a %H:%M") == "Sat 07:00"
    # Moved: the two missed sessions Sunday still had room for, each from where it was planned.
    moved = {label: slot for label, slot in marked.items() if slot.mark == "moved"}
    assert sorted(moved) == ["Easy run (1/2)", "Full-body strength (1/2)"]
    for label, slot in moved.items():
        assert slot.placement.day == 6
        assert slot.mark_text == f"↷ missed, moved from {before[label].local_start:%a %H:%M}"
        assert slot.mark_text in slot.tooltip()
    assert {slot.mark for label, slot in marked.items() if label not in done | set(moved)} <= {""}
    # Ghosts where the moved and the left-out sessions were planned.
    ghosts = {(day.index, ghost.label): ghost for day in view.days for ghost in day.ghosts}
    assert sorted(ghosts) == sorted((before[label].day, label) for label in [*moved, "Intervals"])
    for (day, label), ghost in ghosts.items():
        clock = before[label].local_start
        assert (ghost.start, ghost.end) == (clock.hour * 60 + clock.minute, clock.hour * 60 + clock.minute + before[label].end - before[label].start)
    assert ghosts[before["Intervals"].day, "Intervals"].text == "✕ missed, left out"
    assert ghosts[before["Intervals"].day, "Intervals"].mark == "left out"
    easy = moved["Easy run (1/2)"].placement.local_start
    assert ghosts[before["Easy run (1/2)"].day, "Easy run (1/2)"].text == f"↷ missed, moved to {easy:%a %H:%M}"
    # Left out: listed with why; the line sums it up.
    assert [heading for heading, _ in view.left_out] == [f"✕ Intervals (was {before['Intervals'].local_start:%a %H:%M})"]
    assert "leave no room for it in the rest of the week" in view.left_out[0][1]
    assert view.replan_line == f"Re-planned from Sat 16 Jan 12:00: {len(done)} done, 2 moved, 1 left out."


def test_the_image_parses_and_carries_the_marks_and_the_legend(result):
    _, result = result
    image = week_svg(result.week, result)
    root = ET.fromstring(image)
    text = " ".join(" ".join(root.itertext()).split())
    assert "✓ done" in text and "↷ missed, moved" in text and "✕ missed, left out" in text
    assert " · ".join(REPLAN_LEGEND) in text and "Left out" in text
    groups = root.findall(".//{http://www.w3.org/2000/svg}g[@class='was']")
    assert len(groups) == 3
    assert layout(result.week, result).replan_line in text


def test_the_page_carries_the_marks_the_legend_and_the_left_out_list(result):
    _, result = result
    page = week_html(result.week, result)
    assert page.count('class="was ') == 3 and page.count(" mark-done") == len(result.done) and page.count(" mark-moved") == 2
    for entry in REPLAN_LEGEND:
        assert f'<li class="replan">{entry}</li>' in page
    assert "<h2>Left out</h2>" in page and REPLAN_CSS in page


def test_names_in_the_marks_are_escaped_like_other_names():
    _, result = replanned(HOSTILE)
    assert [o.label for o in result.left_out] == [HOSTILE]
    page, image = week_html(result.week, result), week_svg(result.week, result)
    assert "<b>" not in page and "<b>" not in image
    assert "&lt;b&gt;&amp;amp; &quot;fast&quot;&lt;/b&gt;" in page
    root = ET.fromstring(image)
    assert any(HOSTILE in (title.text or "") for title in root.iter("{http://www.w3.org/2000/svg}title"))


def test_a_solved_week_and_a_re_planned_week_drawn_plainly_carry_no_marks(result):
    plan, result = result
    for week in (solve(plan, OPTIONS), result.week):
        page, image = week_html(week), week_svg(week)
        assert "mark-" not in page and 'class="was' not in page and REPLAN_CSS not in page and "Re-planned" not in page
        assert 'class="was' not in image and "Re-planned" not in image and "✓" not in image
    assert layout(result.week).replan_line == "" and all(not day.ghosts for day in layout(result.week).days)


def test_the_command_writes_the_marked_page_and_image(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "week.yaml").write_text(_yaml(MARATHONER))
    assert CliRunner().invoke(main, ["solve", "week.yaml"]).exit_code == 0
    args = ["replan", "week.yaml", "--now", NOW, *(f"--{e.split(' ', 1)[0]}={e.split(' ', 1)[1]}" for e in LOG)]
    result = CliRunner().invoke(main, [*args, "--html", "re.html", "--svg", "re.svg"])
    assert result.exit_code == 0, result.output
    assert "Wrote re.html." in result.output and "Wrote re.svg." in result.output
    assert "✕ missed, left out" in (tmp_path / "re.html").read_text(encoding="utf-8")
    assert "✕ missed, left out" in "".join(ET.parse(tmp_path / "re.svg").getroot().itertext())
    # The pictures are outputs like solve's: a file trainweek did not write is not replaced.
    (tmp_path / "mine.svg").write_text("mine")
    refused = CliRunner().invoke(main, [*args, "--no-ics", "--svg", "mine.svg"])
    assert refused.exit_code == 2 and (tmp_path / "mine.svg").read_text() == "mine"
