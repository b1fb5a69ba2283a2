"""Weeks of PATTERNS_FROM sessions or more post their same-day costs on day patterns.

The brute-force tests check both forms on tiny weeks; these check them on weeks of the
size the pattern form is for, and that it stays off where it would not pay.
"""

from __future__ import annotations

import pytest

from trainweek.scheduler import model as week_model
from trainweek.scheduler.solve import SolveOptions, build, frame_for
from tests.conftest import make_plan, solve_plan
from tests.helpers import same_day_form

pytest.importorskip("benchmarks.instances", reason="run from the repository root")

from benchmarks.instances import GROUPS, generate  # noqa: E402

MEDIUM, DENSE = GROUPS[1], GROUPS[2]


def model_of(plan):
    plan, frame = frame_for(plan, SolveOptions())
    return build(plan, frame, plan.effective_weights())


def test_a_dense_week_is_proven_optimal_on_day_patterns():
    plan = generate(2026, DENSE, 0).plan
    assert model_of(plan).uses_day_patterns
    week = solve_plan(plan, time_limit=60)  # evaluate() has run every checker on it
    assert week.status == "OPTIMAL"
    assert week.bound == week.objective
    with_two = solve_plan(plan, time_limit=60, workers=2)  # an LP and a no-LP search
    assert with_two.status == "OPTIMAL"
    assert with_two.objective == week.objective


def test_both_forms_find_the_same_optimum_on_a_medium_week():
    plan = generate(2026, MEDIUM, 0).plan
    assert len(plan.occurrences) >= week_model.PATTERNS_FROM
    on_patterns = solve_plan(plan, time_limit=60)
    with same_day_form(patterns=False):
        assert not model_of(plan).uses_day_patterns
        on_pairs = solve_plan(plan, time_limit=60)
    assert on_patterns.status == on_pairs.status == "OPTIMAL"
    assert on_patterns.objective == on_pairs.objective


def test_patterns_leave_out_pairs_the_spacing_rules_forbid_on_one_day():
    # Two hard leg sessions can never share a day (48 h recovery); a lift and a run can
    # only share one as a paired visit, which the 90-minute window leaves room for or not.
    sessions = [
        {"name": "Squats", "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "lower"},
        {"name": "Intervals", "kind": "run", "duration": "45m", "intensity": "hard"},
        {"name": "Bench", "kind": "strength", "duration": "45m", "focus": "upper"},
        {"name": "Easy run", "kind": "run", "duration": "30m", "intensity": "easy", "times": 5},
        {"name": "Mobility", "kind": "mobility", "duration": "15m", "intensity": "easy", "times": 3},
    ]
    plan = make_plan(sessions, availability={day: ["06:00-07:30"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                     rules={"rest_days": 0, "max_sessions_per_day": 2, "same_visit": {"allowed": True, "rest": "10m-20m"}})
    m = model_of(plan)
    assert m.uses_day_patterns
    together = {frozenset(plan.sessions[s].name for s in p.specs) for p in m.day_patterns if len(p.specs) == 2}
    assert frozenset({"Squats", "Intervals"}) not in together
    assert frozenset({"Bench", "Easy run"}) in together  # 45 + 10-20 + 30 min fits in 90
    assert not any("Mobility" in names for names in together)  # it trains nothing
    assert frozenset({"Squats", "Easy run"}) not in together  # 60 + 10 + 30 min does not
    week = solve_plan(plan)
    assert week.status == "OPTIMAL"


def test_a_generous_sessions_per_day_keeps_the_pair_form():
    runs = [{"name": f"Run {n}", "kind": "run", "duration": "20m", "intensity": "easy"} for n in range(16)]
    plan = make_plan(runs, availability={day: ["06:00-22:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                     rules={"max_sessions_per_day": 10, "double_gap": "0m"})  # runs back to back: nothing prunes them
    assert not model_of(plan).uses_day_patterns


def _separation_price(m):
    lifts = {item.spec_index for item in m.items if item.spec.modality.value == "strength"}
    endurance = {item.spec_index for item in m.items if item.spec.modality.value == "endurance"}
    return lambda x, y: 1 if {x, y} & lifts and {x, y} & endurance and not ({x, y} <= lifts or {x, y} <= endurance) else 0


def test_the_count_floor_is_the_least_separation_of_any_split_over_days():
    # Four lifts and four runs in one evening a day, at most two sessions a day and one
    # rest day: the runs need their own days (doubles), so some days must mix.
    import itertools

    sessions = [
        {"name": "Lift", "kind": "strength", "duration": "45m", "intensity": "moderate", "focus": "upper", "times": 4},
        {"name": "Run", "kind": "run", "duration": "30m", "intensity": "easy", "times": 4},
    ]
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    plan = make_plan(sessions, availability={day: ["18:00-20:00"] for day in days},
                     rules={"max_sessions_per_day": 2, "rest_days": 1})
    with same_day_form(patterns=True):
        m = model_of(plan)
        assert m.uses_day_patterns
        price = _separation_price(m)
        floor = m._count_floor(price)
        # Brute force over every split of the sessions' counts over the days the patterns allow.
        allowed = [{tuple(sorted(p)) for p in m._day_specs(day)} for day in range(7)]
        lift_spec, run_spec = 0, 1
        totals = {lift_spec: 4, run_spec: 4}
        least = None
        for split in itertools.product(*[sorted(a) for a in allowed]):
            counts = {spec: sum(spec in pattern for pattern in split) for spec in totals}
            if counts != totals or sum(1 for pattern in split if pattern) > 6:
                continue
            cost = sum(price(a, b) for pattern in split for a, b in itertools.combinations(pattern, 2))
            least = cost if least is None else min(least, cost)
    assert least == floor == 2  # 4 runs and 4 lifts on 6 days of at most 2: two days mix
    week = solve_plan(plan)
    assert week.parts["separation"] == floor
