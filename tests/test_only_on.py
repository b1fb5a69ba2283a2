"""`only_on`: a session goes on the days the plan allows and no other, whatever that costs elsewhere."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from tests.conftest import ROOT, make_plan, plan_from, solve_plan
from tests.helpers import frame_of, violations, week_at
from tests.test_cli import GOOD, run, write
from trainweek.constraints import only_on
from trainweek.scheduler.explain import alternatives
from trainweek.scheduler.greedy import candidate_starts

RUN = {"name": "Run", "kind": "run", "duration": "45m", "intensity": "easy"}
LIFT = {"name": "Lift", "kind": "strength", "duration": "60m", "focus": "upper"}


def marathoner(pinned: bool):
    """marathoner-peak with its fifth easy run written as a fifth "Easy run", the plan whose
    long run went to Friday evening (docs/model.md): its weekend only asked for, or pinned."""
    data = yaml.safe_load((ROOT / "tests" / "athletes" / "marathoner-peak.yaml").read_text())
    data["sessions"] = [spec for spec in data["sessions"] if spec["name"] != "PM easy run"]
    for spec in data["sessions"]:
        if spec["name"] == "Easy run":
            spec["times"] = 5
        if spec["name"] == "Long run" and pinned:
            del spec["prefer"]
            spec["only_on"] = ["sat", "sun"]
    return plan_from(data)


def long_run_day(week) -> int:
    return next(p.day for p in week.placements if p.spec.name == "Long run")


def test_a_pinned_long_run_goes_to_the_weekend_at_its_price():
    asked, pinned = solve_plan(marathoner(False)), solve_plan(marathoner(True))
    assert long_run_day(asked) not in (5, 6)  # the preference alone is outbid by interference
    assert pinned.status == "OPTIMAL"
    assert long_run_day(pinned) in (5, 6)
    assert violations(pinned) == {}
    assert pinned.objective > asked.objective  # what the weekend costs, shown to the user


def test_a_masters_athlete_with_a_pool_and_a_class_on_set_days_keeps_her_recovery():
    # Helen's pool has lanes on Monday and Wednesday only, and her heavy lower-body class
    # runs on Tuesday and Thursday: the masters profile's two easier days between the
    # days that load her legs hard (the class, the long ride) and two rest days still hold.
    data = yaml.safe_load((ROOT / "tests" / "athletes" / "masters.yaml").read_text())
    for spec in data["sessions"]:
        spec.update({"Swim": {"only_on": ["mon", "wed"]}, "Heavy lower body": {"only_on": ["tue", "thu"]}}.get(spec["name"], {}))
    week = solve_plan(plan_from(data))
    assert week.status == "OPTIMAL" and violations(week) == {}
    day = {p.spec.name: p.day for p in week.placements}
    assert day["Swim"] in (0, 2) and day["Heavy lower body"] in (1, 3)
    legs = [p.day for p in week.placements if p.occurrence.demanding and "lower" in p.spec.regions]
    assert len(legs) == 2 and min((legs[0] - legs[1]) % 7, (legs[1] - legs[0]) % 7) >= 3
    assert sum(1 for d in range(7) if not any(p.occurrence.trains and p.day == d for p in week.placements)) >= 2


def test_the_checker_names_a_pinned_session_on_another_day():
    plan = make_plan([dict(RUN, only_on=["sat", "sun"])])
    assert violations(week_at(plan, "fri 18:00")) == {"only_on": ["Run is on Friday; it may only go on Saturday or Sunday"]}
    assert violations(week_at(plan, "sun 18:00")) == {}
    assert only_on.reasons(week_at(plan, "sun 18:00")) == {0: ["on Sunday, one of the days you allow it (Saturday or Sunday; only_on)"]}
    assert only_on.reasons(week_at(plan, "fri 18:00")) == {}


def test_every_week_the_solver_gives_keeps_the_pins_whatever_the_preferences():
    # Both prefer Monday, where they would cost nothing; the run may only go on Wednesday or Saturday.
    plan = make_plan(
        [dict(RUN, times=2, only_on=["wed", "sat"], prefer={"days": ["mon"]}), dict(LIFT, prefer={"days": ["mon"]})],
        version=2,
    )
    week = solve_plan(plan)
    assert week.status == "OPTIMAL"
    assert sorted(p.day for p in week.placements if p.spec.name == "Run") == [2, 5]
    assert violations(week) == {}


def test_first_fit_and_explain_offer_only_the_allowed_days():
    plan = make_plan([dict(RUN, only_on=["wed", "sat"]), LIFT], version=2)
    frame = frame_of(plan)
    days = {max(day for day in range(7) if frame.day_starts[day] <= start) for start in candidate_starts(frame, plan.occurrences[0])}
    assert days == {2, 5}
    week = solve_plan(plan)
    run_index = plan.occurrences[0].index
    (other,) = {2, 5} - {week.by_occurrence()[run_index].day}
    assert [alternative.day for alternative in alternatives(week)[run_index]] == [other]


def with_run(extra: str) -> str:
    """GOOD with more keys for its Easy run, the last session."""
    return GOOD + textwrap.indent(extra, "    ")


@pytest.mark.parametrize(
    "extra, message",
    [
        ("only_on: [sat, sat]\n", "only_on: sat, sat names a day twice; list each day once"),
        ("only_on: [sun]\n", "only_on: no window on Sunday holds 40m (the longest is 0m); allow another day or widen a window"),
        ("only_on: [someday]\n", "only_on[0]: must be one of 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'"),
        ("only_on: []\n", "only_on: needs at least one entry"),
        ("times: 2\nonly_on: [wed]\n", "only_on: 2 a week needs 2 different days, and only_on allows 1; allow more days or lower times"),
    ],
    ids=["twice", "no window", "not a day", "empty", "more repeats than days"],
)
def test_a_pin_that_cannot_hold_is_one_message_at_its_line(tmp_path, extra, message):
    text = with_run(extra)
    plan = write(tmp_path, text)
    result, files = run(["solve", str(plan)], tmp_path)
    assert result.exit_code == 2
    line = text.splitlines().index(f"    {extra.splitlines()[-1]}") + 1
    assert result.output.strip().splitlines()[-1] == f"Error: {plan}:{line}: sessions[1] (Easy run).{message}"
    assert files == []


def test_a_replan_keeps_a_missed_pinned_session_to_its_days_and_a_done_one_where_it_happened():
    from tests.test_replan import MARATHONER, planned, plan_of, run, where

    sessions = [dict(spec, only_on=["wed", "thu"]) if spec["name"] == "Intervals" else spec for spec in MARATHONER["sessions"]]
    plan = plan_of(sessions=sessions)
    earlier = planned(plan)
    missed = run(plan, ["missed Intervals"], "2027-01-13 21:00", earlier)  # Wednesday night
    assert where(missed.week, "Intervals").day == 3 and violations(missed.week) == {}
    # Done on Tuesday evening anyway: it happened where it happened, and counts there.
    done = run(plan, ["done Intervals@Tue 18:00"], "2027-01-12 21:00", earlier)
    assert where(done.week, "Intervals").day == 1 and violations(done.week) == {}
    assert only_on.reasons(done.week) == {}
