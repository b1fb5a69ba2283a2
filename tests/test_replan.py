"""`trainweek replan`: the rest of the week planned again from what was done and missed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from trainweek.constraints import broken_rules, hard_days
from trainweek.scheduler.cli import main
from trainweek.scheduler.happened import parse_entry
from trainweek.scheduler.ics import week_ics
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.replan import parse_now, replan, replan_ics
from trainweek.scheduler.solve import SolveOptions, solve

MARATHONER = {
    "version": 2,
    "athlete": "Maria",
    "timezone": "America/New_York",
    "week_start": "2027-01-11",
    "goals": ["endurance", "strength"],
    "availability": {
        day: ["06:00-07:30", "18:00-20:30"] for day in ("mon", "tue", "wed", "thu")
    } | {"fri": ["06:00-07:30"], "sat": ["07:00-12:00"], "sun": ["07:00-11:00"]},
    "sessions": [
        {"name": "Long run", "kind": "run", "duration": "2h", "rpe": 5, "key": True, "prefer": {"days": ["sun"]}},
        {"name": "Intervals", "kind": "run", "duration": "60m", "intensity": "hard", "prefer": {"days": ["wed"]}},
        {"name": "Easy run", "kind": "run", "duration": "45m", "intensity": "easy", "times": 2, "priority": 1},
        {"name": "Full-body strength", "kind": "strength", "duration": "45m", "times": 2, "priority": 2},
    ],
    "weights": {"preferred_times": 3},
}
OPTIONS = SolveOptions(workers=1, seed=0, time_limit=30)


def plan_of(**changes) -> Plan:
    return Plan.model_validate({**MARATHONER, **changes})


def planned(plan: Plan) -> bytes:
    """The calendar `solve` wrote for the week: what was planned."""
    return week_ics(solve(plan, OPTIONS), stamp=dt.datetime(2027, 1, 10, tzinfo=dt.timezone.utc))


def run(plan: Plan, log: list[str], now: str, earlier: bytes | None, **weights):
    options = OPTIONS.with_weights(weights) if weights else OPTIONS
    return replan(plan, [parse_entry(text) for text in log], parse_now(now, plan), earlier, options)


def where(week, label: str):
    return next(p for p in week.placements if p.occurrence.label == label)


def test_the_planned_week_has_wednesdays_intervals():
    plan = plan_of()
    assert where(solve(plan, OPTIONS), "Intervals").day == 2


def test_missed_wednesday_intervals_move_later_keeping_recovery_and_the_sunday_long_run():
    plan = plan_of()
    result = run(plan, ["missed Intervals"], "2027-01-13 12:00", planned(plan))
    intervals, long_run = where(result.week, "Intervals"), where(result.week, "Long run")
    assert intervals.local_start > result.now and long_run.day == 6
    assert broken_rules(result.week) == []
    moved = [c for c in result.changes if c.session == "Intervals"]
    assert len(moved) == 1 and moved[0].what == "moved" and moved[0].before.startswith("Wednesday") and "missed" in moved[0].why
    assert result.left_out == ()


def test_nothing_is_placed_before_now():
    plan = plan_of()
    result = run(plan, ["missed Intervals", "missed Easy run"], "2027-01-14 12:00", planned(plan))
    now = result.week.frame.minute_at(result.now)
    for p in result.week.placements:
        assert p.occurrence.fixed_at is not None or p.start >= now, p.when


def test_a_replan_with_nothing_changed_moves_nothing():
    plan = plan_of()
    earlier = planned(plan)
    result = run(plan, [], "2027-01-13 12:00", earlier)
    assert [c for c in result.changes if c.what != "done"] == []
    assert result.week.parts["moves"] == 0
    before = solve(plan, OPTIONS).starts()
    assert result.week.starts() == before


def test_a_done_session_harder_than_planned_blocks_a_demanding_session_the_next_day():
    """Monday's moderate lift (225 AU) done at RPE 9 for 60 min (540 AU) is demanding:
    Tuesday's intervals can no longer follow it the next day and move; done as planned, they stay."""
    sessions = [dict(s) for s in MARATHONER["sessions"]]
    sessions[1]["prefer"] = {"days": ["tue"]}
    sessions[3]["prefer"] = {"days": ["mon", "thu"]}
    plan = plan_of(sessions=sessions)
    earlier = planned(plan)
    assert where(solve(plan, OPTIONS), "Intervals").day == 1
    harder = run(plan, ["done Full-body strength@Mon 06:00,60m,rpe 9"], "2027-01-11 12:00", earlier)
    done = where(harder.week, "Full-body strength (1/2)")
    assert done.occurrence.demanding and done.spec.load == 540 and done.end - done.start == 60
    assert where(harder.week, "Intervals").day != 1
    assert hard_days.check(harder.week) == [] and broken_rules(harder.week) == []
    assert [c.what for c in harder.changes if c.session == "Intervals"] == ["moved"]
    as_planned = run(plan, ["done Full-body strength@Mon 06:00"], "2027-01-11 12:00", earlier)
    assert not where(as_planned.week, "Full-body strength (1/2)").occurrence.demanding
    assert where(as_planned.week, "Intervals").day == 1


def test_with_no_room_the_lowest_priority_goes_first_and_the_key_session_last():
    # Saturday noon: only Sunday's 4 hours are left, for the key long run and one more session.
    plan = plan_of()
    result = run(plan, ["missed Easy run", "missed Full-body strength", "missed Intervals"], "2027-01-16 12:00", planned(plan))
    # Intervals (priority 0, the default) first, then the easy run (1); the lift (2) and the key long run stay.
    assert [o.label for o in result.left_out] == ["Intervals", "Easy run (1/2)"]
    kept = {p.occurrence.label for p in result.week.placements}
    assert {"Long run", "Full-body strength (1/2)"} <= kept
    out = [c for c in result.changes if c.what == "left out"]
    assert [c.session for c in out] == ["Intervals", "Easy run (1/2)"]
    assert "no room for it in the rest of the week" in out[0].why and "(priority 0)" in out[0].why
    assert broken_rules(result.week) == []


def test_a_key_session_is_left_out_only_after_every_other():
    sessions = [dict(s) for s in MARATHONER["sessions"]]
    sessions[1]["priority"] = 9  # intervals matter most after the long run
    plan = plan_of(sessions=sessions)
    result = run(plan, ["missed Easy run", "missed Full-body strength", "missed Intervals"], "2027-01-16 12:00", planned(plan))
    # The easy run goes first, then the lift; the intervals cannot share Sunday with the long
    # run either, so they go too, and the lift, which fits once they are out, comes back.
    assert [o.label for o in result.left_out] == ["Easy run (1/2)", "Intervals"]
    assert "Full-body strength (1/2)" in {p.occurrence.label for p in result.week.placements}
    why = next(c.why for c in result.changes if c.session == "Intervals")
    assert why.endswith("leave no room for it in the rest of the week (priority 9)")


def test_replanning_twice_in_a_week_works_from_the_log_of_both(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "week.yaml").write_text(_yaml(MARATHONER))
    assert CliRunner().invoke(main, ["solve", "week.yaml"]).exit_code == 0
    (tmp_path / "log.txt").write_text("# Wednesday\nmissed Intervals\n")
    wednesday = CliRunner().invoke(main, ["replan", "week.yaml", "--log", "log.txt", "--now", "2027-01-13 12:00", "--json"])
    assert wednesday.exit_code == 0, wednesday.output
    moved = [c for c in __import__("json").loads(wednesday.output)["changes"] if c["session"] == "Intervals"][0]
    assert moved["what"] == "moved"
    # Friday: the intervals were done where the re-plan put them, at a harder RPE than planned.
    day, clock = moved["after"].split()[0][:3], moved["after"].split()[1].split("-")[0]
    with (tmp_path / "log.txt").open("a") as log:
        log.write(f"done Intervals@{day} {clock},60m,rpe 9\nmissed Full-body strength\n")
    friday = CliRunner().invoke(main, ["replan", "week.yaml", "--log", "log.txt", "--now", "2027-01-15 12:00", "--json"])
    assert friday.exit_code == 0, friday.output
    data = __import__("json").loads(friday.output)
    intervals = [c for c in data["changes"] if c["session"] == "Intervals"]
    assert intervals[0]["what"] == "done" and "540 AU" in intervals[0]["why"]
    events = Calendar.from_ical((tmp_path / "week.ics").read_bytes()).walk("VEVENT")
    assert len({str(e["UID"]) for e in events}) == len(events) == 6


def test_the_ics_is_updated_in_place():
    plan = plan_of()
    earlier = planned(plan)
    result = run(plan, ["missed Intervals", "missed Easy run", "missed Full-body strength"], "2027-01-16 12:00", earlier)
    written = Calendar.from_ical(replan_ics(result, earlier, stamp=dt.datetime(2027, 1, 16, 18, tzinfo=dt.timezone.utc)))
    old = {str(e["UID"]): e for e in Calendar.from_ical(earlier).walk("VEVENT")}
    new = {str(e["UID"]): e for e in written.walk("VEVENT")}
    assert set(new) == set(old)  # nothing duplicated, nothing new
    moved = {c.session for c in result.changes if c.what == "moved"}
    out = {o.label for o in result.left_out}
    assert out, "this week must leave something out"
    for uid, event in new.items():
        label = str(event["SUMMARY"])
        if label in out:
            assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == int(old[uid]["SEQUENCE"]) + 1
        elif label in moved:
            assert int(event["SEQUENCE"]) == int(old[uid]["SEQUENCE"]) + 1
            assert event.decoded("DTSTART") != old[uid].decoded("DTSTART")
        elif event.decoded("DTSTART") == old[uid].decoded("DTSTART") and event.decoded("DTEND") == old[uid].decoded("DTEND"):
            assert event.to_ical() == old[uid].to_ical()


def test_the_moves_weight_prices_a_move_and_is_zero_outside_a_replan():
    plan = plan_of()
    assert solve(plan, OPTIONS).parts["moves"] == 0
    # Prefer Thursday for the intervals after the week was planned: a small gain.
    earlier = planned(plan)
    sessions = [dict(s) for s in MARATHONER["sessions"]]
    sessions[1]["prefer"] = {"days": ["thu"]}
    changed = plan_of(sessions=sessions, weights={"preferred_times": 1})
    stays = run(changed, [], "2027-01-11 05:00", earlier)
    assert stays.moved() == [] and where(stays.week, "Intervals").day == 2
    free = run(changed, [], "2027-01-11 05:00", earlier, moves=0)
    assert where(free.week, "Intervals").day == 3 and free.moved()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--now", "2027-01-20 12:00"], "is outside the week of Monday 11 January 2027"),
        (["--now", "next tuesday"], "--now next tuesday: not a date and time; write YYYY-MM-DD HH:MM"),
        (["--done", "Yoga"], "the plan has no session named 'Yoga'"),
        (["--done", "Intervals@Tue 07:00,fast"], "'fast' in 'Intervals@Tue 07:00,fast' is neither a day and time"),
        (["--done", "Intervals@Tue 07:00,rpe 12"], "rpe 12 is outside 1-10"),
        (["--missed", "Intervals@Tue 07:00"], "a missed session has no time or load"),
        (["--done", "Long run@Sun 07:00"], "is not before now"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(tmp_path, args, message):
    path = tmp_path / "week.yaml"

    path.write_text(_yaml(MARATHONER))
    result = CliRunner().invoke(main, ["replan", str(path), "--no-ics", "-o", str(tmp_path / "week.ics"), "--now", "2027-01-13 12:00", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_log_entry_in_the_plan_that_cannot_be_read_names_the_line(tmp_path):
    path = tmp_path / "week.yaml"
    path.write_text(_yaml({**MARATHONER, "log": ["done Intervals", "skipped Easy run"]}))
    result = CliRunner().invoke(main, ["replan", str(path), "--no-ics", "--now", "2027-01-13 12:00"])
    assert result.exit_code == 2 and "log" in result.output and "does not start with done or missed" in result.output


def test_the_command_writes_the_calendar_and_lists_the_changes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "week.yaml").write_text(_yaml(MARATHONER))
    assert CliRunner().invoke(main, ["solve", "week.yaml"]).exit_code == 0
    first = Calendar.from_ical((tmp_path / "week.ics").read_bytes())
    result = CliRunner().invoke(main, ["replan", "week.yaml", "--now", "2027-01-13 12:00", "--missed", "Intervals"])
    assert result.exit_code == 0, result.output
    assert "moved Intervals: moved from Wednesday 06:00 to" in result.output
    again = Calendar.from_ical((tmp_path / "week.ics").read_bytes())
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in first.walk("VEVENT")}
    as_json = CliRunner().invoke(main, ["replan", "week.yaml", "--now", "2027-01-13 12:00", "--missed", "Intervals", "--json", "--no-ics"])
    assert as_json.exit_code == 0 and '"changes"' in as_json.output


def _yaml(data) -> str:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML().dump(data, out)
    return out.getvalue()


def test_done_sessions_that_already_break_recovery_count_it_from_the_latest_hard_one():
    """Wednesday's intervals, then Thursday's lift done at RPE 9: two demanding days in a row
    are fact. The re-plan still runs; Thursday's lift keeps Friday free of demanding leg work."""
    plan = plan_of()
    result = run(plan, ["done Intervals@Wed 06:00", "done Full-body strength@Thu 06:00,60m,rpe 9"], "2027-01-14 12:00", planned(plan))
    assert any("counts recovery from the latest demanding session, so Intervals no longer counts" in note for note in result.notes)
    assert where(result.week, "Full-body strength (1/2)").occurrence.demanding
    assert [p for p in result.week.on_day(4) if p.occurrence.demanding] == []
    assert broken_rules(result.week) == []


def test_a_log_that_puts_two_sessions_at_once_is_refused_with_exit_3(tmp_path):
    path = tmp_path / "week.yaml"
    path.write_text(_yaml(MARATHONER))
    result = CliRunner().invoke(
        main,
        ["replan", str(path), "--no-ics", "-o", str(tmp_path / "w.ics"), "--now", "2027-01-13 12:00", "--done", "Intervals@Wed 06:00", "--done", "Easy run@Wed 06:30"],
    )
    assert result.exit_code == 3 and "is a time in the log wrong?" in result.output and "Traceback" not in result.output


def test_the_hybrid_athletes_lift_ran_long_and_counts_by_its_load():
    from pathlib import Path

    from trainweek.scheduler.loading import load_plan

    plan = load_plan(str(Path(__file__).parent.parent / "examples" / "hybrid-athlete.yaml"))
    earlier = week_ics(solve(plan, OPTIONS), stamp=dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc))
    lift = next(p for p in solve(plan, OPTIONS).placements if p.occurrence.label == "Squat and deadlift (2/2)")
    ran_long = f"done Squat and deadlift@{lift.local_start:%a %H:%M},110m,rpe 9"
    now = f"{lift.local_start + dt.timedelta(hours=2):%Y-%m-%d %H:%M}"
    result = run(plan, [ran_long], now, earlier)
    done = where(result.week, "Squat and deadlift (2/2)")
    assert done.end - done.start == 110 and done.spec.load == 990
    assert result.week.weekly_load() == solve(plan, OPTIONS).weekly_load() - lift.spec.load + 990
    assert broken_rules(result.week) == []
    next_day = [p for p in result.week.on_day(done.day + 1) if p.occurrence.demanding and "lower" in p.spec.regions]
    assert next_day == []


def test_a_left_out_session_is_cancelled_in_a_file_written_before_events_were_marked():
    plan = plan_of()
    earlier = re.sub(rb"X-TRAINWEEK-(ATHLETE|WEEK):[^\r]*\r\n", b"", planned(plan))
    assert b"X-TRAINWEEK" not in earlier
    result = run(plan, ["missed Intervals", "missed Easy run", "missed Full-body strength"], "2027-01-16 12:00", earlier)
    written = Calendar.from_ical(replan_ics(result, earlier, stamp=dt.datetime(2027, 1, 16, 18, tzinfo=dt.timezone.utc))).walk("VEVENT")
    out = {o.label for o in result.left_out}
    assert out
    assert len({str(e["UID"]) for e in written}) == len(written) == len(Calendar.from_ical(earlier).walk("VEVENT"))
    assert {str(e["SUMMARY"]) for e in written if str(e.get("STATUS")) == "CANCELLED"} == out
