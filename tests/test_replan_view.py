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
from trainweek.scheduler.view_layout import PAST, REPLAN_LEGEND

SVG = "{http://www.w3.org/2000/svg}"

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
        assert 'class="past' not in page and "p-past" not in image and 'class="past' not in image
    assert layout(result.week).replan_line == "" and all(not day.ghosts for day in layout(result.week).days)


def test_the_time_before_now_is_past_not_busy_in_the_layout(result):
    # The re-plan counts the time before now as busy (nothing may go there); the picture
    # says it is gone, so nobody reads it as time they were busy.
    _, result = result
    view = layout(result.week, result)
    assert [day.past for day in view.days] == [((0, 1440),)] * 5 + [((0, 12 * 60),), ()]
    assert all(day.busy == () for day in view.days)
    assert view.days[0].free_text == "Free 06:00–07:30, 18:00–20:30; past 00:00–24:00 (already gone)"
    assert view.days[5].free_text == "Free 07:00–12:00; past 00:00–12:00 (already gone)"
    assert view.days[6].free_text == "Free 07:00–11:00"
    assert view.past_text == f"{PAST}: already gone when the week was re-planned (Sat 16 Jan 12:00)"


def test_busy_time_the_file_names_stays_busy_beside_the_past():
    plan = plan_of(busy=["2027-01-13 19:00-20:00", "sun 18:00-19:00"])
    view = layout((result := run(plan, LOG, NOW, planned(plan))).week, result)
    assert [day.busy for day in view.days] == [(), (), ((19 * 60, 20 * 60, "2027-01-13 19:00-20:00"),), (), (), (), ((18 * 60, 19 * 60, "sun 18:00-19:00"),)]
    assert view.days[2].past == ((0, 1440),) and view.days[6].past == ()
    assert view.days[2].free_text.endswith("; busy 19:00–20:00; past 00:00–24:00 (already gone)")
    page, image = week_html(result.week, result), week_svg(result.week, result)
    assert page.count('<div class="busy"') == 2 and page.count('<div class="past"') == 11
    busy = [g for g in ET.fromstring(image).iter(f"{SVG}g") if (g.findtext(f"{SVG}title") or "").startswith("busy: ")]
    assert sorted(g.findtext(f"{SVG}title") for g in busy) == ["busy: 2027-01-13 19:00-20:00", "busy: sun 18:00-19:00"]


def test_the_image_draws_the_past_in_words_apart_from_busy_time(result):
    _, result = result
    view = layout(result.week, result)
    root = ET.fromstring(week_svg(result.week, result))
    titles = [(g.get("class"), g.findtext(f"{SVG}title")) for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert not [title for _, title in titles if title.startswith("busy")]
    past = root.findall(f".//{SVG}g[@class='past']")
    # Mon-Fri each show two stretches (morning and evening, the hours between are hidden); Saturday one.
    assert len(past) == 11
    for group in past:
        assert group.findtext(f"{SVG}title") == view.past_text and group.findtext(f"{SVG}text") == PAST
        assert group.find(f"{SVG}rect").get("fill") == "url(#p-past)"
    assert root.find(f".//{SVG}pattern[@id='p-past']") is not None
    key = root.find(f".//{SVG}g[@class='past-key']")
    assert key.findtext(f"{SVG}text") == view.past_text and key.find(f"{SVG}rect").get("fill") == "url(#p-past)"
    # The legend's words stay above the day headings.
    heading = next(int(t.get("y")) for t in root.iter(f"{SVG}text") if t.text == view.days[0].heading)
    assert int(key.find(f"{SVG}text").get("y")) < heading - 15


def test_the_page_draws_the_past_in_words_apart_from_busy_time(result):
    _, result = result
    view = layout(result.week, result)
    page = week_html(result.week, result)
    assert 'class="busy"' not in page and "busy: 2027-" not in page
    assert page.count('<div class="past" ') == 11 and page.count(f'title="{view.past_text}"><span>{PAST}</span></div>') == 11
    assert f'<li class="replan"><span class="swatch past-swatch"></span>{view.past_text}</li>' in page
    assert ".past{" in REPLAN_CSS and ".past-swatch" in REPLAN_CSS and "repeating-linear-gradient" not in REPLAN_CSS
    # On a phone the grid is a list: the day says its past in words.
    assert "<p class=\"free\">Free 07:00–12:00; past 00:00–12:00 (already gone)</p>" in page


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
    assert 'class="past"' in (tmp_path / "re.html").read_text(encoding="utf-8") and "busy: 2027-" not in (tmp_path / "re.html").read_text(encoding="utf-8")
    # The pictures are outputs like solve's: a file trainweek did not write is not replaced.
    (tmp_path / "mine.svg").write_text("mine")
    refused = CliRunner().invoke(main, [*args, "--no-ics", "--svg", "mine.svg"])
    assert refused.exit_code == 2 and (tmp_path / "mine.svg").read_text() == "mine"
