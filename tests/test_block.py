"""Blocks of weeks (issue 20, RULES.md "Blocks of weeks"): real weeks, each against its own
busy time, with progression, deload, taper to a race, the rules across the real week
boundary, and the acute:chronic ratio; one calendar for the block."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from tests.conftest import MONDAY, make_plan
from trainweek.constraints import broken_rules, race_eve, week_boundary
from trainweek.scheduler.block import BUILD, DELOAD, TAPER, SpikeRefused, acwr, check_block, solve_block
from trainweek.scheduler.block_ics import block_ics
from trainweek.scheduler.cli import main
from trainweek.scheduler.ics import slot_uid, week_ics
from trainweek.scheduler.loading import PlanError, parse_plan
from trainweek.scheduler.solve import SolveOptions, solve
from trainweek.scheduler.week import Week

OPTIONS = SolveOptions(workers=1, seed=0, time_limit=60)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

RUNNER = [
    {"name": "Long run", "kind": "run", "duration": "1h40m", "rpe": 5, "key": True, "prefer": {"days": ["sun"]},
     "grow": {"duration": "2h30m"}},
    {"name": "Intervals", "kind": "run", "duration": "50m", "intensity": "hard"},
    {"name": "Easy run", "kind": "run", "duration": "40m", "intensity": "easy", "times": 2, "grow": {"duration": "55m"}},
    {"name": "Strides", "kind": "run", "duration": "30m", "intensity": "easy", "optional": True},
    {"name": "Strength", "kind": "strength", "focus": "full", "duration": "45m", "times": 2},
]


def runner(**overrides):
    return make_plan(RUNNER, version=2, goals=["endurance", "strength"], **overrides)


def monday(number: int) -> dt.date:
    return MONDAY + dt.timedelta(weeks=number - 1)


# --- each week its own busy time and windows --------------------------------------------------


def test_a_4_week_block_keeps_the_dated_busy_time_of_weeks_2_to_4():
    # The evening each later week is busy is where week 1 puts a session, so a copy of
    # week 1 would land on it.
    first = solve_block(runner(), 1, OPTIONS).weeks[0].week
    taken = [p for p in first.placements if p.local_start.hour >= 17]
    assert taken, "week 1 must use an evening for this test to mean anything"
    busy = []
    for number in (2, 3, 4):
        for p in taken:
            day = monday(number) + dt.timedelta(days=p.day)
            busy.append(f"{day.isoformat()} 17:00-21:00")
    block = solve_block(runner(busy=busy), 4, OPTIONS)
    assert [bw.week.frame.week_start for bw in block.weeks] == [monday(n) for n in (1, 2, 3, 4)]
    for bw in block.weeks[1:]:
        for p in bw.week.placements:
            date = p.local_start.date().isoformat()
            assert not (f"{date} 17:00-21:00" in busy and p.local_end.hour >= 17), (bw.number, p.when)
        assert broken_rules(bw.week) == []
    assert check_block(block) == []


def test_a_week_may_have_its_own_windows():
    mornings = {day: ["05:00-09:00"] for day in DAYS}
    block = solve_block(runner(weeks={3: {"availability": mornings}}), 4, OPTIONS)
    assert all(p.local_end.hour < 9 or p.local_end.time() == dt.time(9) for p in block.weeks[2].week.placements)
    assert any(p.local_start.hour >= 17 for bw in (block.weeks[0], block.weeks[1]) for p in bw.week.placements)


# --- progression, deload, taper -------------------------------------------------------------


def test_load_rises_at_most_10_percent_over_the_previous_build_week_by_volume_not_intensity():
    block = solve_block(runner(), 8, OPTIONS)
    kinds = [bw.kind for bw in block.weeks]
    assert kinds == [BUILD, BUILD, BUILD, DELOAD, BUILD, BUILD, BUILD, DELOAD]
    builds = [bw.load for bw in block.weeks if bw.kind == BUILD]
    assert builds[1] > builds[0]  # it does rise
    for before, after in zip(builds, builds[1:]):
        assert before <= after <= before * 1.10
    written = {spec.name: spec for spec in block.plan.sessions}
    for bw in block.weeks:
        for p in bw.week.placements:
            assert p.spec.effort == written[p.spec.name].effort
            assert p.spec.intensity is written[p.spec.name].intensity
            assert p.spec.duration <= written[p.spec.name].longest
    # The optional session is out of week 1 and in once the load may rise.
    assert "Strides" not in {p.spec.name for p in block.weeks[0].week.placements}
    assert "Strides" in {p.spec.name for p in block.weeks[1].week.placements}
    assert check_block(block) == []


def test_the_deload_week_is_30_to_50_percent_lighter_with_intensity_kept():
    block = solve_block(runner(block={"deload_volume": 0.6}), 4, OPTIONS)
    third, deload = block.weeks[2], block.weeks[3]
    assert deload.kind == DELOAD
    assert 0.30 <= 1 - deload.load / third.load <= 0.50
    hard_before = {p.spec.name for p in third.week.placements if p.spec.intensity.value == "hard"}
    hard_deload = {p.spec.name for p in deload.week.placements if p.spec.intensity.value == "hard"}
    assert hard_before == hard_deload == {"Intervals"}
    assert sum(p.spec.duration for p in deload.week.placements) < sum(p.spec.duration for p in third.week.placements)


def test_deload_every_is_settable():
    block = solve_block(runner(block={"deload_every": 3}), 6, OPTIONS)
    assert [bw.kind for bw in block.weeks] == [BUILD, BUILD, DELOAD, BUILD, BUILD, DELOAD]


RACE = dt.datetime(2027, 1, 24, 9, 0)  # a Sunday, 8 weeks from MONDAY


def test_an_8_week_block_tapers_to_the_race_with_nothing_demanding_in_the_48_hours_before():
    plan = runner(block={"race": "2027-01-24 09:00 marathon"})
    block = solve_block(plan, None, OPTIONS)  # the length comes from the race
    assert len(block.weeks) == 8
    assert [bw.kind for bw in block.weeks] == [BUILD, BUILD, BUILD, DELOAD, BUILD, BUILD, TAPER, TAPER]
    peak = max(bw.load for bw in block.weeks if bw.kind == BUILD)
    for bw in block.weeks[6:]:
        assert 0.40 <= 1 - bw.load / peak <= 0.60
    race = RACE.replace(tzinfo=plan.zone)
    for bw in block.weeks:
        for p in bw.week.placements:
            if p.occurrence.demanding:
                assert p.local_end <= race - dt.timedelta(hours=48), (bw.number, p.when)
            assert p.local_start.date() != race.date()
        assert broken_rules(bw.week) == []
    assert check_block(block) == []
    events = Calendar.from_ical(block_ics(block)).walk("VEVENT")
    races = [e for e in events if str(e["SUMMARY"]).startswith("Race")]
    assert len(races) == 1 and races[0].decoded("DTSTART") == race
    marked = {str(e["SUMMARY"]) for e in events if e.decoded("DTSTART").__class__ is dt.date}
    assert marked == {"Deload week", "Taper week"}


def test_race_eve_checker_catches_a_demanding_session_in_the_48_hours_before():
    plan = runner(block={"race": "2027-01-24 09:00"})
    block = solve_block(plan, None, OPTIONS)
    last = block.weeks[-1].week
    hard = next(p for p in last.placements if p.occurrence.demanding)
    saturday = last.frame.minute(5, 7 * 60)
    moved = Week.from_starts(last.plan, last.frame, {**last.starts(), hard.occurrence.index: saturday}, last.weights)
    assert race_eve.check(moved) and "before the race" in race_eve.check(moved)[0]


def test_the_race_must_end_the_block():
    plan = runner(block={"race": "2027-01-24"})
    with pytest.raises(Exception, match="a block ends with its race week: use --weeks 8"):
        solve_block(plan, 6, OPTIONS)


# --- across the real week boundary ------------------------------------------------------------


def boundary_plan():
    """Intervals only on Sunday in week 1; in week 2 it would like Monday best."""
    sessions = [
        {"name": "Intervals", "kind": "run", "duration": "50m", "intensity": "hard", "prefer": {"days": ["mon"]}},
        {"name": "Easy run", "kind": "run", "duration": "40m", "intensity": "easy"},
    ]
    sunday_only = {"sun": ["17:00-21:00"], "wed": ["17:00-21:00"]}
    return make_plan(sessions, version=2, weeks={1: {"availability": sunday_only}})


def test_hard_days_hold_from_the_sunday_of_week_1_into_the_monday_of_week_2():
    block = solve_block(boundary_plan(), 2, OPTIONS)
    first, second = block.weeks[0].week, block.weeks[1].week
    sunday = next(p for p in first.placements if p.spec.name == "Intervals")
    assert sunday.day == 6
    monday_after = next(p for p in second.placements if p.spec.name == "Intervals")
    assert monday_after.day >= 1  # an easier day (Monday) after Sunday's hard day
    # Solved alone, without the real week before, week 2 puts it on Monday: the boundary decides.
    alone = solve(second.plan, OPTIONS.model_copy(update={"week_start": monday(2)}))
    assert next(p for p in alone.placements if p.spec.name == "Intervals").day == 0
    # And the checker, without the solver, rejects Monday after a hard Sunday.
    on_monday = Week.from_starts(
        second.plan, second.frame, {**second.starts(), monday_after.occurrence.index: second.frame.minute(0, 17 * 60)}, second.weights
    )
    assert any("easier day" in problem for problem in week_boundary.check(on_monday))
    assert week_boundary.check(second) == []


def test_a_key_session_keeps_its_clearance_from_last_sundays_demanding_session():
    sessions = [
        {"name": "Long run", "kind": "run", "duration": "1h30m", "rpe": 5, "key": True, "prefer": {"days": ["mon"]}},
        {"name": "Intervals", "kind": "run", "duration": "50m", "intensity": "hard", "prefer": {"days": ["sun"]}},
    ]
    plan = make_plan(sessions, version=2, rules={"easy_days_between": 0, "key_clearance": "36h"})
    block = solve_block(plan, 2, OPTIONS)
    last_sunday = [p for p in block.weeks[0].week.placements if p.spec.name == "Intervals"][0]
    assert last_sunday.day == 6
    long_run = [p for p in block.weeks[1].week.placements if p.spec.name == "Long run"][0]
    gap = (long_run.local_start - last_sunday.local_end).total_seconds() / 3600
    assert gap >= 36


# --- the acute:chronic ratio ----------------------------------------------------------------


def test_acwr_is_the_week_over_the_mean_of_the_four_weeks_before():
    figures = acwr([1100, 1200, 700], [1000, 1000, 1000, 1000])
    assert figures[0] == (1000, 1.1)
    assert figures[1][0] == pytest.approx(1025) and figures[1][1] == pytest.approx(1200 / 1025)
    assert figures[2][0] == pytest.approx(1075) and figures[2][1] == pytest.approx(700 / 1075)
    assert acwr([500, 600], [])[0] == (None, None)
    assert acwr([500, 600], [])[1] == (500, 1.2)


def test_the_block_shows_the_ratio_of_each_week_from_the_history():
    block = solve_block(runner(block={"history": [1800, 1850, 1900, 1950]}), 3, OPTIONS)
    loads = [bw.load for bw in block.weeks]
    assert block.weeks[0].ratio == pytest.approx(loads[0] / 1875)
    assert block.weeks[1].ratio == pytest.approx(loads[1] / ((1850 + 1900 + 1950 + loads[0]) / 4))
    assert all(bw.ratio <= 1.3 for bw in block.weeks)


def test_a_history_that_makes_a_spike_unavoidable_is_diagnosed_not_accepted():
    plan = runner(block={"history": [800, 800, 800, 800]})
    with pytest.raises(SpikeRefused, match=r"week 1 .*above 1.5: a spike, refused.*at most 1040 AU"):
        solve_block(plan, 2, OPTIONS)


def test_a_ratio_above_1_3_is_a_warning():
    plan = runner(block={"history": [1150, 1150, 1150, 1150]})
    block = solve_block(plan, 1, OPTIONS)
    assert block.weeks[0].ratio > 1.3
    assert any("above 1.3" in note for note in block.notes)


# --- the calendar and the command -----------------------------------------------------------


def test_each_weeks_events_have_the_uids_a_single_week_solve_of_that_week_gives():
    block = solve_block(runner(), 4, OPTIONS)
    events = Calendar.from_ical(block_ics(block)).walk("VEVENT")
    uids = {str(e["UID"]) for e in events}
    for bw in block.weeks:
        for p in bw.week.placements:
            assert slot_uid("Test", bw.week.frame.week_start, p.occurrence) in uids
    single = solve(runner(), OPTIONS.model_copy(update={"week_start": monday(3)}))
    from trainweek.scheduler.ics import event_uid

    week3 = {slot_uid("Test", monday(3), p.occurrence) for p in block.weeks[2].week.placements}
    assert {event_uid(single, p) for p in single.placements if p.spec.name in {q.spec.name for q in block.weeks[2].week.placements}} <= week3


def _write(tmp_path, text: str):
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    return path


PLAN_TEXT = """\
version: 2
athlete: Ana
timezone: Europe/Berlin
week_start: 2026-11-30
goals: [endurance]
availability: {mon: ["17:00-21:00"], tue: ["17:00-21:00"], wed: ["17:00-21:00"], thu: ["17:00-21:00"], sat: ["08:00-12:00"], sun: ["08:00-12:00"]}
sessions:
  - {name: Long run, kind: run, duration: 1h30m, rpe: 5, key: true, grow: {duration: 2h}}
  - {name: Intervals, kind: run, duration: 45m, intensity: hard}
  - {name: Easy run, kind: run, duration: 40m, intensity: easy, times: 2, grow: duration}
"""


def test_the_block_command_prints_the_load_view_and_writes_one_calendar(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    _write(tmp_path, PLAN_TEXT + "block: {weeks: 4}\n")
    result = CliRunner().invoke(main, ["block", "plan.yaml"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Week 4, 21 Dec 2026: Deload week (4 of 4): volume down 40%, intensity kept" in said
    assert "A:C" in said and "Monotony" in said and "Strain" in said
    assert "proven optimal given the weeks before it" in said
    events = Calendar.from_ical((tmp_path / "plan-block.ics").read_bytes()).walk("VEVENT")
    assert len([e for e in events if isinstance(e.decoded("DTSTART"), dt.datetime)]) == 4 * 4
    again = CliRunner().invoke(main, ["block", "plan.yaml", "--json"], catch_exceptions=False)
    assert again.exit_code == 0
    import json

    data = json.loads(again.output)
    assert [row["kind"] for row in data["load"]] == ["build", "build", "build", "deload"]
    assert {"weekly", "monotony", "strain", "acwr"} <= set(data["load"][0])


def test_the_block_command_refuses_a_spike_with_exit_status_3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, PLAN_TEXT + "block: {weeks: 2, history: [400, 400, 400, 400]}\n")
    result = CliRunner().invoke(main, ["block", "plan.yaml", "--no-ics"])
    assert result.exit_code == 3
    assert "plan.yaml: week 1" in result.output and "a spike, refused" in result.output


def test_solve_weeks_is_retired_in_favour_of_block(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, PLAN_TEXT)
    result = CliRunner().invoke(main, ["solve", "plan.yaml", "--weeks", "4"])
    assert result.exit_code == 2
    assert "trainweek block PLAN_FILE --weeks N" in result.output
    assert CliRunner().invoke(main, ["solve", "plan.yaml", "--no-ics"]).exit_code == 0


@pytest.mark.parametrize(
    "extra, where, words",
    [
        ("block: {deload_every: 9}\n", "block.deload_every", "less than or equal to 6"),
        ("block: {deload_volume: 0.9}\n", "block.deload_volume", "0.7"),
        ("block: {race: 'soon marathon'}\n", "block.race", "not a date"),
        ("block: {race: '2027-01-24 25:00'}\n", "block.race", "not a time of day"),
        ("weeks: {30: {busy: []}}\n", "weeks", "number the weeks 1 to 26"),
        ("weeks: {2: {availabilty: {}}}\n", "weeks[2].availabilty", "did you mean 'availability'"),
    ],
)
def test_block_settings_in_the_file_are_checked_with_file_line_and_key(extra, where, words):
    with pytest.raises(PlanError) as caught:
        parse_plan(PLAN_TEXT + extra, "plan.yaml")
    message = str(caught.value)
    assert message.startswith("plan.yaml:"), message
    assert where in message and words in message, message


def test_grow_is_checked_with_its_line():
    text = PLAN_TEXT.replace("grow: {duration: 2h}", "grow: {duration: 1h}")
    with pytest.raises(PlanError, match=r"plan.yaml:8: sessions\[0\] \(Long run\): grow.*shorter than the session's 90 min"):
        parse_plan(text, "plan.yaml")
    with pytest.raises(PlanError, match="not a way to grow"):
        parse_plan(PLAN_TEXT.replace("grow: duration", "grow: longer"), "plan.yaml")


def test_the_marathoner_example_builds_deloads_and_tapers_to_a_race_given_on_the_command_line(tmp_path, monkeypatch):
    from tests.conftest import ROOT

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    args = ["block", str(ROOT / "examples" / "marathoner.yaml"), "--weeks", "8", "--race", "2027-01-24 08:00 marathon", "--json"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert [row["kind"] for row in data["load"]] == ["build"] * 3 + ["deload"] + ["build"] * 2 + ["taper"] * 2
    assert data["race"]["start"] == "2027-01-24T08:00:00-05:00"
    loads = [row["weekly"] for row in data["load"]]
    assert loads[1] > loads[0]
    events = Calendar.from_ical((tmp_path / "marathoner-block.ics").read_bytes()).walk("VEVENT")
    assert any(str(e["SUMMARY"]) == "Race: marathon" for e in events)
    bad = CliRunner().invoke(main, args[:-3] + ["--race", "2027-01-24 26:00"])
    assert bad.exit_code == 2 and "--race 2027-01-24 26:00: '26:00' is not a time of day" in bad.output


@pytest.mark.parametrize("reader", ["icalendar", "recurring-ical-events", "ical", "vobject", "ical.js", "calcurse"])
def test_the_block_calendar_is_read_by_real_calendar_software(reader, tmp_path):
    from tests.readers import READERS

    # Four weeks in Berlin up to a race on the Sunday the clocks go forward (28 March 2027).
    plan = runner(week_start="2027-03-01", block={"race": "2027-03-28 09:00 half marathon"})
    block = solve_block(plan, None, OPTIONS)
    path = tmp_path / "block.ics"
    path.write_bytes(block_ics(block))
    expected = sorted(
        [(p.occurrence.label, int(p.local_start.timestamp()), int(p.local_end.timestamp())) for bw in block.weeks for p in bw.week.placements]
        + [("Race: half marathon", int(block.race.start.timestamp()), int(block.race.end.timestamp()))]
    )
    assert block.race.start.utcoffset() == dt.timedelta(hours=2)
    assert READERS[reader](path, "Europe/Berlin") == expected


def test_a_week_that_cannot_hold_its_progression_is_diagnosed_with_its_number(tmp_path, monkeypatch):
    # Week 3's windows hold the long run as written but not as it has grown by then.
    short = {day: ["06:00-07:45"] for day in DAYS}
    plan = runner(weeks={3: {"availability": short}})
    from trainweek.scheduler.diagnose import Infeasible

    with pytest.raises(Infeasible) as caught:
        solve_block(plan, 3, OPTIONS)
    message = str(caught.value)
    assert message.startswith("week 3 of the block (build week of 2026-12-14): No week satisfies the rules")
    assert "Long run" in message and "availability" in message
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.yaml").write_text(PLAN_TEXT + "weeks: {2: {availability: {mon: ['17:00-17:30']}}}\n")
    result = CliRunner().invoke(main, ["block", "plan.yaml", "--weeks", "2", "--no-ics"])
    assert result.exit_code == 3 and "plan.yaml: week 2 of the block" in result.output


def test_hard_easy_counts_a_hard_monday_after_last_weeks_hard_sunday():
    from trainweek.constraints import hard_easy
    from trainweek.scheduler.frame import WeekFrame

    plan = boundary_plan()
    block = solve_block(plan.model_copy(update={"rules": plan.rules.model_copy(update={"easy_days_between": 0})}), 2, OPTIONS)
    second = block.weeks[1].week
    intervals = next(p for p in second.placements if p.spec.name == "Intervals")
    starts = {**second.starts(), intervals.occurrence.index: second.frame.minute(0, 17 * 60)}
    with_before = Week.from_starts(second.plan, second.frame, starts, second.weights)
    alone = Week.from_starts(second.plan, WeekFrame(second.plan, second.frame.week_start), starts, second.weights)
    assert hard_easy.penalty(with_before) == hard_easy.IN_A_ROW
    assert hard_easy.penalty(alone) == 0
    # The solver sees it too: with a free Tuesday it keeps Monday easy.
    assert intervals.day != 0 and hard_easy.penalty(second) == 0


def test_a_block_of_only_taper_weeks_tapers_from_the_week_as_written():
    plan = runner(block={"race": "2026-12-13 09:00", "taper_volume": 0.6})
    block = solve_block(plan, None, OPTIONS)
    assert [bw.kind for bw in block.weeks] == [TAPER, TAPER]
    written = sum(spec.load * spec.times for spec in plan.sessions if not spec.optional)
    for bw in block.weeks:
        assert bw.target == round(written * 0.6)
        assert 0.40 <= 1 - bw.load / written <= 0.60


def test_a_session_taken_out_of_the_plan_is_cancelled_in_every_week_of_the_block_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, PLAN_TEXT + "block: {weeks: 4}\n")
    assert CliRunner().invoke(main, ["block", "plan.yaml"]).exit_code == 0
    before = {str(e["UID"]): e for e in Calendar.from_ical((tmp_path / "plan-block.ics").read_bytes()).walk("VEVENT")}
    _write(tmp_path, PLAN_TEXT.replace("  - {name: Intervals, kind: run, duration: 45m, intensity: hard}\n", "") + "block: {weeks: 4}\n")
    result = CliRunner().invoke(main, ["block", "plan.yaml"])
    assert result.exit_code == 0, result.output
    assert "It cancels 4 events of the earlier file that the plan no longer holds." in result.output
    after = {str(e["UID"]): e for e in Calendar.from_ical((tmp_path / "plan-block.ics").read_bytes()).walk("VEVENT")}
    assert after.keys() == before.keys()
    cancelled = {uid for uid, e in after.items() if str(e.get("STATUS")) == "CANCELLED"}
    assert {str(after[uid]["SUMMARY"]) for uid in cancelled} == {"Intervals"} and len(cancelled) == 4, "one a week"
    assert all(int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1 for uid in cancelled)


def test_a_block_written_shorter_cancels_its_earlier_copys_weeks_past_the_new_end(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, PLAN_TEXT + "block: {weeks: 4}\n")
    assert CliRunner().invoke(main, ["block", "plan.yaml"]).exit_code == 0
    before = {str(e["UID"]): e for e in Calendar.from_ical((tmp_path / "plan-block.ics").read_bytes()).walk("VEVENT")}
    assert any("Deload week" in e.categories for e in before.values() if "X-TRAINWEEK-WEEK" not in e), "week 4's mark"
    _write(tmp_path, PLAN_TEXT + "block: {weeks: 2}\n")
    result = CliRunner().invoke(main, ["block", "plan.yaml"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "plan-block.ics").read_bytes()
    after = {str(e["UID"]): e for e in Calendar.from_ical(written).walk("VEVENT")}
    assert after.keys() == before.keys(), "nothing of the longer copy disappears from the file"
    late = {uid for uid, e in before.items() if str(e["X-TRAINWEEK-BLOCK-WEEK"]) >= monday(3).isoformat()}
    assert late and {uid for uid, e in after.items() if str(e.get("STATUS")) == "CANCELLED"} == late, "weeks 3 and 4, the mark too"
    assert all(int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1 for uid in late)
    assert all(after[uid].decoded("DTSTART") == before[uid].decoded("DTSTART") for uid in late)
    assert f"It cancels {len(late)} events of the earlier file" in result.output
    again = CliRunner().invoke(main, ["block", "plan.yaml"])
    assert again.exit_code == 0 and "It cancels" not in again.output
    assert (tmp_path / "plan-block.ics").read_bytes() == written, "cancelled once; written again the same"


def test_a_block_that_starts_after_the_new_one_ends_is_left_alone():
    later = solve_block(runner(week_start=monday(5).isoformat()), 2, OPTIONS)
    earlier = block_ics(later)
    events = Calendar.from_ical(block_ics(solve_block(runner(), 2, OPTIONS), earlier)).walk("VEVENT")
    assert not [e for e in events if "STATUS" in e]
    assert all(str(e["X-TRAINWEEK-BLOCK-WEEK"]) < monday(3).isoformat() for e in events)


def test_a_race_moved_earlier_cancels_the_old_race_and_the_weeks_after_the_new_one():
    plan = runner(block={"race": monday(3).isoformat() + " 09:00", "taper_weeks": 1})
    earlier = block_ics(solve_block(plan, None, OPTIONS))
    moved = runner(block={"race": (monday(2) + dt.timedelta(days=6)).isoformat() + " 09:00", "taper_weeks": 1})
    calendar = Calendar.from_ical(block_ics(solve_block(moved, None, OPTIONS), earlier))
    gone = [e for e in calendar.walk("VEVENT") if "STATUS" in e]
    assert [e.decoded("DTSTART").date() for e in gone if "Race" in e.categories] == [monday(3)], "the old race"
    third = {str(e["UID"]) for e in Calendar.from_ical(earlier).walk("VEVENT") if str(e["X-TRAINWEEK-BLOCK-WEEK"]) == monday(3).isoformat()}
    assert third and third <= {str(e["UID"]) for e in gone}, "every event of the old race week"
    assert [e for e in calendar.walk("VEVENT") if "Race" in e.categories and "STATUS" not in e][0].decoded("DTSTART").date() == monday(2) + dt.timedelta(days=6)
    zone = calendar.walk("VTIMEZONE")
    assert len(zone) == 1 and calendar.subcomponents[0] is zone[0], "one VTIMEZONE, first"


def test_a_week_of_the_block_re_solved_alone_cancels_none_of_the_blocks_own_events():
    block = solve_block(runner(), 4, OPTIONS)
    assert block.weeks[3].kind == DELOAD
    earlier = block_ics(block)
    alone = solve(runner(), OPTIONS.model_copy(update={"week_start": monday(4)}))
    events = Calendar.from_ical(week_ics(alone, earlier)).walk("VEVENT")
    assert not [str(e["SUMMARY"]) for e in events if "STATUS" in e], "the deload week's mark is the block's, not the week's"
    assert "Strides" in {p.spec.name for p in alone.placements}, "outside the block the optional session is in the week"


def test_a_re_plan_of_a_deload_week_keeps_the_blocks_lengths_and_leaves_its_optional_session_out():
    from trainweek.scheduler.happened import parse_entry
    from trainweek.scheduler.replan import parse_now, replan, replan_ics

    plan = runner()
    block = solve_block(plan, 4, OPTIONS)
    deload = block.weeks[3].week
    assert block.weeks[3].kind == DELOAD and "Strides" not in {p.spec.name for p in deload.placements}
    lengths = {p.occurrence.label: p.spec.duration for p in deload.placements}
    assert any(lengths[o.label] < o.spec.duration for o in plan.occurrences if o.label in lengths), "the deload shortened something"
    earlier = block_ics(block)
    now = monday(4) + dt.timedelta(days=2)
    first = min(deload.placements, key=lambda p: p.start)
    result = replan(plan, [parse_entry(f"missed {first.occurrence.label}")], parse_now(f"{now} 12:00", plan), earlier, OPTIONS.model_copy(update={"week_start": monday(4)}))
    assert result.block is not None and result.block.number == 4
    assert {p.occurrence.label: p.spec.duration for p in result.week.placements} == {label: minutes for label, minutes in lengths.items() if label in {p.occurrence.label for p in result.week.placements}}
    assert "Strides" not in {p.spec.name for p in result.week.placements} and not [o for o in result.left_out if o.spec.name == "Strides"]
    assert any("week of a block" in note for note in result.notes)
    old = {str(e["UID"]): e for e in Calendar.from_ical(earlier).walk("VEVENT")}
    assert result.moved(), "the missed session is placed again"
    for event in Calendar.from_ical(replan_ics(result, earlier)).walk("VEVENT"):
        uid = str(event["UID"])
        if uid in old and event.decoded("DTSTART") == old[uid].decoded("DTSTART") and "STATUS" not in event:
            assert event.to_ical() == old[uid].to_ical(), "a session that did not move is written as the block wrote it"
        if "STATUS" not in event and str(event.get("X-TRAINWEEK-WEEK")) == monday(4).isoformat():
            assert str(event["X-TRAINWEEK-BLOCK-WEEK"]) == monday(4).isoformat(), "still the block's week for the next re-plan"
            assert str(event["DESCRIPTION"]).startswith("Deload week (4 of 4)") and "Deload week" in event.categories, "moved or not, marked as the block marks it"


def test_a_re_plan_of_the_race_week_keeps_the_race_day_free_and_nothing_demanding_in_the_48_hours_before():
    from trainweek.scheduler.happened import parse_entry
    from trainweek.scheduler.replan import parse_now, replan

    race = dt.datetime.combine(monday(3) + dt.timedelta(days=6), dt.time(9, 0))
    plan = runner(block={"race": f"{race:%Y-%m-%d %H:%M} 10k", "taper_weeks": 1})
    block = solve_block(plan, None, OPTIONS)
    assert [bw.kind for bw in block.weeks] == [BUILD, BUILD, TAPER]
    taper = block.weeks[2].week
    hard = [p for p in taper.placements if p.occurrence.demanding and p.local_start.date() < monday(3) + dt.timedelta(days=2)]
    missed = (hard or sorted(taper.placements, key=lambda p: p.start))[0].occurrence.label
    result = replan(plan, [parse_entry(f"missed {missed}")], parse_now(f"{monday(3) + dt.timedelta(days=2)} 12:00", plan), block_ics(block), OPTIONS.model_copy(update={"week_start": monday(3)}))
    assert result.week.frame.race is not None and any("48 h of the race" in note for note in result.notes)
    assert broken_rules(result.week) == []
    start = race.replace(tzinfo=plan.zone)
    for p in result.week.placements:
        assert p.local_start.date() != start.date(), p.when
        if p.occurrence.demanding and p.occurrence.fixed_at is None:
            assert p.local_end <= start - dt.timedelta(hours=48), p.when


def test_a_re_plan_of_a_block_week_keeps_its_own_windows():
    from trainweek.scheduler.happened import parse_entry
    from trainweek.scheduler.replan import parse_now, replan

    mornings = {day: ["05:00-09:00"] for day in DAYS}
    plan = runner(weeks={3: {"availability": mornings}})
    block = solve_block(plan, 3, OPTIONS)
    week = block.weeks[2].week
    missed = min(week.placements, key=lambda p: p.start).occurrence.label
    now = parse_now(f"{monday(3) + dt.timedelta(days=1)} 12:00", plan)
    result = replan(plan, [parse_entry(f"missed {missed}")], now, block_ics(block), OPTIONS.model_copy(update={"week_start": monday(3)}))
    assert result.block is not None and result.block.number == 3
    assert result.moved() and any("weeks: 3" in note for note in result.notes)
    for p in result.week.placements:
        assert p.local_start.time() >= dt.time(5) and p.local_end.time() <= dt.time(9), p.when


def _moved_in(calendar: bytes, plan, number: int, label: str, start: dt.datetime) -> bytes:
    """The block's calendar with one session of week `number` moved (as a re-plan of it would)."""
    parsed = Calendar.from_ical(calendar)
    item = next(o for o in plan.occurrences if o.label == label)
    (event,) = [e for e in parsed.walk("VEVENT") if str(e["UID"]) == slot_uid(plan.athlete, monday(number), item)]
    length = event.decoded("DTEND") - event.decoded("DTSTART")
    for name, value in (("DTSTART", start), ("DTEND", start + length)):
        del event[name]
        event.add(name, value.replace(tzinfo=plan.zone))
    return parsed.to_ical()


def test_a_re_plan_of_a_block_week_keeps_the_rules_against_the_real_next_week_not_a_copy_of_itself():
    from trainweek.scheduler.happened import parse_entry
    from trainweek.scheduler.block import _carried
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.replan import parse_now, replan

    plan = runner()
    block = solve_block(plan, 2, OPTIONS)
    first, second = (bw.week for bw in block.weeks)
    on = {p.occurrence.label: p for p in first.placements}
    assert on["Intervals"].day == 0 and on["Long run"].when.startswith("Sunday 06:00"), "the week this test is about"
    assert not any(p.occurrence.demanding for p in second.placements if p.day == 0), "next Monday is an easy day"
    now = parse_now(f"{monday(1) + dt.timedelta(days=6)} 08:00", plan)
    options = OPTIONS.model_copy(update={"week_start": monday(1)})

    # This week's own Monday holds the demanding Intervals; next week's does not. The key long
    # run, missed on Sunday morning, goes to Sunday evening, which next week allows.
    result = replan(plan, [parse_entry("missed Long run")], now, block_ics(block), options)
    assert not result.left_out and result.week.frame.after
    (long_run,) = [p for p in result.week.placements if p.occurrence.label == "Long run"]
    assert long_run.day == 6 and long_run.local_start.hour >= 17, long_run.when
    assert broken_rules(result.week) == []
    after = Week(plan=second.plan, frame=WeekFrame(second.plan, monday(2), _carried(result.week)), placements=second.placements, weights=second.weights)
    assert week_boundary.check(after) == [], "next week as the block placed it still keeps the rules"

    # The same, with next week's Intervals moved to Monday morning in the calendar: a demanding
    # Sunday evening would leave no easier day before it, so the long run is left out, and why.
    earlier = _moved_in(block_ics(block), plan, 2, "Intervals", dt.datetime.combine(monday(2), dt.time(6)))
    result = replan(plan, [parse_entry("missed Long run")], now, earlier, options)
    assert [o.label for o in result.left_out] == ["Long run"]
    (change,) = [c for c in result.changes if c.what == "left out"]
    assert "week_boundary" in change.why, change.why
    assert broken_rules(result.week) == []

    # Done on Sunday evening anyway: a fact. Next week's Monday now breaks a rule after it; say so.
    late = parse_now(f"{monday(1) + dt.timedelta(days=6)} 21:00", plan)
    result = replan(plan, [parse_entry("done Long run@Sun 18:00")], late, earlier, options)
    assert any(note.startswith("re-plan next week too: Long run (Sunday 18:00-19:40)") and "next Monday's Intervals" in note for note in result.notes), result.notes
    assert broken_rules(result.week) == []


def test_a_re_plan_does_not_count_last_weeks_session_that_what_was_done_could_not_follow():
    from trainweek.scheduler.happened import parse_entry
    from trainweek.scheduler.replan import parse_now, replan

    plan = runner()
    block = solve_block(plan, 2, OPTIONS)
    (long_run,) = [p for p in block.weeks[0].week.placements if p.occurrence.label == "Long run"]
    assert long_run.day == 6 and long_run.occurrence.demanding
    now = parse_now(f"{monday(2) + dt.timedelta(days=1)} 12:00", plan)
    # Intervals done on Monday, the day after last Sunday's long run as planned: then that long
    # run did not happen as planned, and the rest of the week is planned from what was done.
    result = replan(plan, [parse_entry("done Intervals@Mon 06:00")], now, block_ics(block), OPTIONS.model_copy(update={"week_start": monday(2)}))
    assert any(note.startswith("last week's Long run is not counted as planned") for note in result.notes), result.notes
    assert "Long run" not in {p.occurrence.label for p in result.week.frame.before}
    assert result.week.frame.before, "the rest of last week still counts"
    assert broken_rules(result.week) == []


def test_a_re_plan_written_into_the_block_file_keeps_the_blocks_other_weeks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, PLAN_TEXT + "block: {weeks: 4}\n")
    assert CliRunner().invoke(main, ["block", "plan.yaml"]).exit_code == 0
    before = {str(e["UID"]): e for e in Calendar.from_ical((tmp_path / "plan-block.ics").read_bytes()).walk("VEVENT")}
    result = CliRunner().invoke(
        main,
        ["replan", "plan.yaml", "-o", "plan-block.ics", "--week-start", "2026-12-21", "--now", "2026-12-23 12:00", "--missed", "Intervals"],
    )
    assert result.exit_code == 0, result.output
    written = Calendar.from_ical((tmp_path / "plan-block.ics").read_bytes())
    after = {str(e["UID"]): e for e in written.walk("VEVENT")}
    assert after.keys() == before.keys(), "nothing of the block lost, nothing doubled"
    week4 = dt.date(2026, 12, 21)
    for uid, event in before.items():
        start = event.decoded("DTSTART")
        day = start.date() if isinstance(start, dt.datetime) else start
        if not week4 <= day < week4 + dt.timedelta(days=7) or "X-TRAINWEEK-WEEK" not in event:
            assert after[uid].to_ical() == event.to_ical(), str(event["SUMMARY"])
    assert "Deload week" in {str(e["SUMMARY"]) for e in after.values()}
    (zone,) = written.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Berlin"
