"""The greedy baseline keeps every hard rule and never beats the solver's proven optimum."""

from __future__ import annotations

import json

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES
from trainweek.scheduler.greedy import greedy_week, priority_order
from trainweek.scheduler.loading import load_plan, parse_plan
from trainweek.scheduler.solve import SolveOptions, frame_for, solve


def make_plan(sessions, **overrides):
    data = {
        "version": 1,
        "athlete": "Test",
        "timezone": "Europe/Berlin",
        "week_start": "2026-11-30",
        "goals": ["strength"],
        "availability": {day: ["06:00-08:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "sessions": sessions,
    }
    data.update(overrides)
    return parse_plan(json.dumps(data), "test.yaml")


def _greedy(plan, options=SolveOptions()):
    plan, frame = frame_for(plan, options)
    return greedy_week(plan, frame, plan.effective_weights(dict(options.weights)))


def test_greedy_week_obeys_every_hard_rule_and_is_never_better_than_the_optimum(example_path):
    plan = load_plan(example_path)
    greedy = _greedy(plan)
    assert greedy is not None
    assert len(greedy.placements) == len(plan.occurrences)
    for rule in HARD_RULES:
        assert rule.check(greedy) == [], rule.NAME
    recomputed = sum(greedy.weights[rule.NAME] * rule.penalty(greedy) for rule in SOFT_OBJECTIVES)
    assert round(recomputed, 2) == greedy.objective
    optimum = solve(plan)
    assert optimum.status == "OPTIMAL"
    assert greedy.objective >= optimum.objective - 1e-6


def test_greedy_places_the_primary_goal_first_and_longest_first():
    plan = make_plan(
        [
            {"name": "Easy run", "kind": "run", "duration": "30m"},
            {"name": "Mobility", "kind": "mobility", "duration": "20m"},
            {"name": "Short lift", "kind": "strength", "duration": "40m"},
            {"name": "Long lift", "kind": "strength", "duration": "70m"},
        ],
        goals=["strength", "endurance"],
    )
    assert [item.spec.name for item in priority_order(plan)] == ["Long lift", "Short lift", "Easy run", "Mobility"]
    endurance_first = plan.model_copy(update={"goals": ["endurance"]})
    assert [item.spec.name for item in priority_order(endurance_first)][0] == "Easy run"


def test_greedy_takes_the_earliest_start_that_keeps_the_rules():
    plan = make_plan(
        [
            {"name": "Lift", "kind": "strength", "duration": "60m"},
            {"name": "Run", "kind": "run", "duration": "45m"},
        ],
        rules={"same_visit": {"allowed": False}},
    )
    week = _greedy(plan)
    placed = {p.occurrence.spec.name: p for p in week.placements}
    assert placed["Lift"].when == "Monday 06:00-07:00"
    # 6 h from the lift's end rules out Monday morning; Monday 17:00 is the first start left.
    assert placed["Run"].when == "Monday 17:00-17:45"


def test_greedy_gives_up_where_first_fit_blocks_the_only_slot_of_a_later_session():
    # The lift (primary goal) takes Monday first; the long run fits only on Monday, and
    # one session a day leaves it nowhere. The solver swaps them: run Monday, lift Tuesday.
    plan = make_plan(
        [
            {"name": "Lift", "kind": "strength", "duration": "60m"},
            {"name": "Long run", "kind": "run", "duration": "3h"},
        ],
        availability={"mon": ["06:00-12:00"], "tue": ["17:00-18:30"]},
        rules={"max_sessions_per_day": 1},
    )
    assert _greedy(plan) is None
    assert solve(plan).status == "OPTIMAL"
