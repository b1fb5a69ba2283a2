"""The day floor (scheduler/day_floor.py): each day pattern at its least in-day cost, the LP
over the patterns as a lower bound. It must never exceed the best week (brute force on tiny
weeks), be exact where a day's cost is all inside it, and reach the solver's bound on big weeks.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
import time
from unittest import mock

import pytest

from hypothesis import HealthCheck, given, settings

from trainweek.constraints import goal_order, hard_days, hard_easy, preferred_times, tidy_times
from trainweek.scheduler.day_floor import FLOOR_SETS_AT_MOST, _cheapest, _linear_floor, day_floor, pattern_floors, whole_floor
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.solve import WEIGHT_SCALE, SolveOptions, build, frame_for, scaled_weights
from trainweek.scheduler.loading import load_plan
from tests.conftest import ROOT, make_plan, solve_plan
from tests.helpers import brute_force, objective, same_day_form, valid_weeks
from tests.test_bruteforce import FIXED, tiny_plans
from tests.test_pattern_scale import _stored
from tests.test_first_fit import assert_keeps_every_hard_rule

LIFT = {"name": "Squat", "kind": "strength", "duration": "50m", "intensity": "moderate", "focus": "lower"}
RUN = {"name": "Intervals", "kind": "run", "duration": "60m", "intensity": "hard"}


def floor_of(plan, patterns: bool = True) -> float:
    """The day floor of the plan, its model on day patterns or on session pairs, in the
    objective's units."""
    plan, frame = frame_for(plan, SolveOptions())
    weights = plan.effective_weights()
    with same_day_form(patterns):
        m = build(plan, frame, weights)
        assert m.uses_day_patterns == patterns
        floor = day_floor(m, scaled_weights(weights))
        return (floor.bound if floor else 0) / WEIGHT_SCALE


def test_a_lift_and_a_run_sharing_one_short_window_cost_what_the_floor_says():
    """Only Monday 06:00-08:00: the run and the lower-body lift share it, at most 10 min
    apart. Interference k = 4 (run, lower body) x (1 + 2 for the hard run) = 12 at closeness
    12, one pair apart from separation; in either order, so goal order costs nothing."""
    plan = make_plan([LIFT, RUN], availability={"mon": ["06:00-08:00"]}, rules={"rest_days": 0}, version=2)
    weights = plan.effective_weights()
    expected = weights["separation"] * 1 + weights["interference"] * 12 * 12
    assert floor_of(plan) == expected
    best, valid = brute_force(plan)
    assert valid and best == expected
    assert solve_plan(plan).objective == expected


def test_an_order_the_windows_fix_the_wrong_way_round_costs_goal_order():
    """Strength first, but the two-hour run fits only the morning window, and the lift then
    only the evening: the order is fixed the wrong way round, 9 h apart (no interference)."""
    run = dict(RUN, duration="120m")
    lift = dict(LIFT, duration="90m")
    plan = make_plan([lift, run], availability={"mon": ["06:00-08:00", "17:00-18:30"]}, rules={"rest_days": 0}, version=2)
    weights = plan.effective_weights()
    expected = weights["separation"] + weights["goal_order"] * goal_order.order_factor(plan, plan.occurrences[0])
    assert floor_of(plan) == expected
    best, _ = brute_force(plan)
    assert best == expected


def test_preferred_days_and_times_out_of_reach_on_the_day_count():
    frame_plan = make_plan([dict(RUN, prefer={"days": ["tue"], "time": "17:00-20:00"})], availability={"mon": ["06:00-08:00"]}, version=2)
    plan, frame = frame_for(frame_plan, SolveOptions())
    item = plan.occurrences[0]
    assert preferred_times.session_floor(frame, item, 0, (6 * 60, 8 * 60)) == 2  # Monday, morning
    assert preferred_times.session_floor(frame, item, 1, (24 * 60 + 17 * 60, 24 * 60 + 19 * 60)) == 0
    assert preferred_times.session_floor(frame, item, 1, (24 * 60 + 17 * 60, 24 * 60 + 17 * 60 + 50)) == 1  # too short


def _ascending(*bounds: float) -> bool:
    """Each at most the next, up to float rounding (CP-SAT gives a bound of 4 as 3.9999999999999964)."""
    return all(low <= high + 1e-9 for low, high in zip(bounds, bounds[1:]))


def test_the_day_floor_never_exceeds_the_best_week_on_the_fixed_tiny_weeks():
    positive = 0
    for name, plan in FIXED.items():
        best, valid = brute_force(plan)
        assert valid, name
        floor = floor_of(plan)
        assert _ascending(floor, whole_floor_of(plan), whole_floor_of(plan, in_spans=True), best), name
        assert floor_of(plan, patterns=False) == floor, name  # the day sets, whatever the form
        positive += floor > 0
    assert positive >= 1  # not a bound that is always 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=tiny_plans())
def test_the_day_floor_never_exceeds_the_best_week_on_generated_tiny_weeks(plan):
    best, _ = brute_force(plan)
    if best is None:
        return
    try:
        floor = floor_of(plan)
    except AssertionError:  # a week the pattern form is not built for (no training sessions)
        return
    assert _ascending(floor, whole_floor_of(plan), whole_floor_of(plan, in_spans=True), best)


def test_the_day_floor_bounds_large_04_where_the_patterns_lp_does_not():
    """large-04 (23 sessions): separation alone bounds it at 24, every week found costs
    about 40; the patterns at their in-day cost bound it at 38."""
    plan, frame = frame_for(_stored("large-04"), SolveOptions())
    weights = plan.effective_weights()
    m = build(plan, frame, weights)
    scaled = scaled_weights(weights)
    assert day_floor(m, scaled).bound == 38 * WEIGHT_SCALE
    assert max(pattern_floors(m, scaled, m.day_sets(FLOOR_SETS_AT_MOST)).values()) > 0


def test_whole_patterns_bound_large_05_where_the_lp_takes_parts():
    """large-05 (21 sessions): the LP over the patterns reaches 0 with parts of patterns; with
    whole ones no week keeps every preferred day and time, and the best week found costs 6.1
    (three preferences missed, 2 each, and a start at :30)."""
    plan, frame = frame_for(_stored("large-05"), SolveOptions())
    weights = plan.effective_weights()
    m = build(plan, frame, weights)
    scaled = scaled_weights(weights)
    assert m.floor == 0
    assert whole_floor(m, scaled, m.day_floor.ruled_out(610), m.floor, 4.0)[0] == 6 * WEIGHT_SCALE
    # Sunday's swim and sprints share 07:00-12:00 with 4 h between: one starts at :30.
    assert whole_floor(m, scaled, m.day_floor.ruled_out(1200), m.floor, 4.0, below=1200, in_spans=True)[0] == 610


def test_solve_reports_the_whole_patterns_bound(monkeypatch):
    """From the pairs' week, within its share of the budget: 0.7 before, the search's own."""
    from trainweek.scheduler import solve as solve_module

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.2)  # 4 det s at 20 s
    monkeypatch.setattr(solve_module, "WHOLE_FLOOR_SHARE", 1.0)
    week = solve_module.solve(_stored("large-05"), SolveOptions(time_limit=20))
    assert 6 <= week.bound <= week.objective


def test_the_solver_reports_the_day_floor_as_its_bound(monkeypatch):
    """build posts the floor as the objective's least value, so the solver's bound starts there."""
    from trainweek.scheduler import solve as solve_module

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.1)  # 2 det s at 20 s: the pairs' week, the floor its bound
    week = solve_module.solve(_stored("large-04"), SolveOptions(time_limit=20))
    assert week.bound is not None and week.bound >= 38
    assert week.objective >= week.bound


def test_a_week_too_big_for_pattern_booleans_still_gets_its_floor(monkeypatch):
    """huge-02 (30 sessions) has 37,066 day sets: too many for pattern booleans (it is solved
    on session pairs), few enough for the floor. Its bound was 0; its best week costs 91.4."""
    from trainweek.scheduler import solve as solve_module

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.05)  # 1 det s at 20 s: the bound is the floor
    week = solve_module.solve(_stored("huge-02"), SolveOptions(time_limit=20))
    assert week.bound is not None and 68 <= week.bound <= week.objective
    plan, frame = frame_for(_stored("huge-02"), SolveOptions())
    assert not WeekModel(plan, frame).uses_day_patterns


def test_hard_days_that_must_stack_put_the_key_lift_before_a_run():
    """Monday to Wednesday, an easier day between hard days for the legs: Monday and
    Wednesday are the hard days, so one of them holds the key lift and a run (the two runs
    are repeats, on two days). The run cannot come before the key lift (its clearance), so
    that day goes against the endurance order. Every day alone would put the lift on
    Tuesday, where it costs nothing (the hard days in a row that costs are weighted 0 here):
    the floor sees the stacking only through the hard days' rows (`hard_days.day_runs`)."""
    lift = dict(LIFT, intensity="hard", key=True)
    run = dict(RUN, times=2)
    plan = make_plan(
        [lift, run],
        availability={day: ["06:00-08:00", "18:00-20:00"] for day in ("mon", "tue", "wed")},
        goals=["endurance"],
        grid="60m",
        rules={"rest_days": 0, "easy_days_between": 1},
        weights={"hard_easy": 0, "key_freshness": 0},
        version=2,
    )
    best, valid = brute_force(plan)
    assert valid and best > 0
    assert floor_of(plan) == best
    with mock.patch.object(hard_days, "day_runs", lambda plan: iter(())):  # the floor without the rows
        assert floor_of(plan) < best


def _two_mornings(sessions: list[dict]):
    """Only Monday and Tuesday 06:00-08:00 free, and hard days may follow each other."""
    return make_plan(
        sessions,
        availability={"mon": ["06:00-08:00"], "tue": ["06:00-08:00"]},
        grid="60m",
        rules={"rest_days": 0, "easy_days_between": 0},
        version=2,
    )


def test_two_hard_days_in_a_row_cost_what_the_floor_says():
    """Two hard runs (repeats, so two days) with Monday and Tuesday free only: two hard days
    in a row, which only `hard_easy.day_terms` shows the floor."""
    plan = _two_mornings([dict(RUN, times=2)])
    weights = plan.effective_weights()
    best, valid = brute_force(plan)
    assert valid and best == weights["hard_easy"] * hard_easy.IN_A_ROW
    assert floor_of(plan) == best


def test_a_key_session_after_a_hard_day_costs_what_the_floor_says():
    """The key run on Tuesday (its only free day) after the hard lift on Monday (its only
    one): `key_freshness.day_terms`; a day apart, nothing inside a day costs."""
    plan = _two_mornings([dict(LIFT, intensity="hard", focus="upper"), dict(RUN, key=True)])
    weights = plan.effective_weights()
    best, valid = brute_force(plan)
    assert valid and best >= weights["key_freshness"]
    assert floor_of(plan) == best


def test_a_dense_week_is_proven_at_its_floor(monkeypatch):
    """A 19-session week drawn for the benchmarks (tests/weeks/dense-2027-11.yaml): every week
    costs 30, and without the floor the bound stayed at 12 after 10 det s. With it (from
    FLOOR_FROM sessions on day patterns) the first week at 30 is proven, within 1 det s."""
    from pathlib import Path

    from trainweek.scheduler import solve as solve_module
    from trainweek.scheduler.loading import load_plan

    plan = load_plan(Path(__file__).parent / "weeks" / "dense-2027-11.yaml")
    assert solve_module.FLOOR_FROM <= len(plan.occurrences) < solve_module.LNS_FROM
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.15)  # 3 det s at 20 s
    week = solve_module.solve(plan, SolveOptions(time_limit=20))
    assert week.status == "OPTIMAL" and week.objective == 30


def test_dense_02_floor_sees_its_hard_days():
    """dense-02 (20 sessions, three key sessions 36 h clear, a hard day between easier ones):
    its days alone bound it at 18; with the hard days' rows the floor is 110, its best week
    known 123.2."""
    plan, frame = frame_for(_stored("dense-02"), SolveOptions())
    weights = plan.effective_weights()
    m = build(plan, frame, weights)
    assert m.floor == 110 * WEIGHT_SCALE


def _patterns(week) -> set[tuple[int, tuple[int, ...]]]:
    """The week's day patterns: (day, its training sessions of the file), rest days too."""
    specs: dict[int, set[int]] = {}
    for placement in week.placements:
        if placement.occurrence.trains:
            specs.setdefault(placement.day, set()).add(placement.occurrence.spec_index)
    return {(day, tuple(sorted(specs.get(day, ())))) for day in range(7)}


def _no_week_within_loses_a_pattern(plan) -> int:
    """Every valid week costing at most the best, or at most the median, keeps all its day
    patterns among those the floor's reduced costs leave; the patterns ruled out."""
    plan, frame = frame_for(plan, SolveOptions())
    weights = plan.effective_weights()
    floor = day_floor(build(plan, frame, weights), scaled_weights(weights))
    if floor is None:
        return 0
    weeks = [(objective(week), _patterns(week)) for week in valid_weeks(plan)]
    if not weeks:
        return 0
    costs = sorted(cost for cost, _ in weeks)
    ruled = 0
    for best in (costs[0], costs[len(costs) // 2]):
        out = floor.ruled_out(best * WEIGHT_SCALE)
        assert not [patterns & out for cost, patterns in weeks if cost <= best and patterns & out]
        ruled += len(out)
    return ruled


def test_reduced_costs_rule_out_no_pattern_of_a_week_as_cheap_on_the_fixed_tiny_weeks():
    three_days = {day: ["06:00-08:00", "18:00-20:00"] for day in ("mon", "tue", "wed")}
    plans = list(FIXED.values()) + [
        make_plan(
            [dict(LIFT, intensity="hard", key=True), dict(RUN, times=2)],
            availability=three_days, goals=["endurance"], grid="60m", rules={"rest_days": 0}, version=2,
        ),
        make_plan(
            [LIFT, RUN],
            availability={"mon": ["06:00-08:00", "17:00-19:00"], "wed": ["06:00-08:00"]}, grid="60m", rules={"rest_days": 0}, version=2,
        ),
    ]
    assert sum(_no_week_within_loses_a_pattern(plan) for plan in plans) > 0  # not a rule that never rules out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=tiny_plans())
def test_reduced_costs_rule_out_no_pattern_of_a_week_as_cheap_on_generated_tiny_weeks(plan):
    _no_week_within_loses_a_pattern(plan)


def test_large_02_is_proven_once_dearer_patterns_are_ruled_out_from_the_pairs_or_an_earlier_week(monkeypatch):
    """large-02 (21 sessions): the week on session pairs costs 4.4; the floor's reduced costs
    then rule out 1,905 of its 2,296 day patterns, and the search proves 4.2 within 6 det s,
    where before it held 4.2 against a bound of 4 (solve._narrow_to_cheaper_weeks).
    Re-solved from that week (`near`: a block's week before, a sweep, the studio), its
    completed cost rules them out the same way: proven within 1 det s (4.2 / 4 before)."""
    from trainweek.scheduler import solve as solve_module

    plan = _stored("large-02")
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.3)  # 6 det s at 20 s
    best = solve_module.solve(plan, SolveOptions(time_limit=20))
    assert best.status == "OPTIMAL" and best.objective == 4.2
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.05)  # 1 det s at 20 s
    again = solve_module.solve(plan, SolveOptions(time_limit=20), near={p.occurrence.index: p.local_start for p in best.placements})
    assert again.status == "OPTIMAL" and again.objective == best.objective


def test_a_week_on_session_pairs_gets_no_pattern_booleans_from_ruling_out():
    """A week on session pairs from LNS_FROM sessions has a floor (large-02 put on pairs):
    ruling out must not build the pattern booleans into its model."""
    from trainweek.scheduler.solve import _narrow_to_cheaper_weeks

    plan, frame = frame_for(_stored("large-02"), SolveOptions())
    with same_day_form(patterns=False):
        weights = plan.effective_weights()
        m = build(plan, frame, weights)
        assert m.day_floor is not None and not m.uses_day_patterns
        before = len(m.model.proto.variables), len(m.model.proto.constraints)
        assert _narrow_to_cheaper_weeks(m, 440, weights, budget=10.0, deadline=time.monotonic() + 60) == (0, None)
    assert (len(m.model.proto.variables), len(m.model.proto.constraints)) == before


def test_a_week_on_session_pairs_has_its_floor_made_beside_the_search(monkeypatch):
    """The floor a week on session pairs only reports is made on a thread of its own while
    CP-SAT searches (large-02 put on pairs), and is the week's bound as when made first."""
    import threading

    from trainweek.scheduler import solve as solve_module

    plan, frame = frame_for(_stored("large-02"), SolveOptions())
    made_on, real = [], solve_module.day_floor

    def recorded(m, weights):
        made_on.append(threading.current_thread().name)
        return real(m, weights)

    monkeypatch.setattr(solve_module, "day_floor", recorded)
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.05)  # 1 det s at 20 s: no proof on pairs
    with same_day_form(patterns=False):
        first = build(plan, frame, plan.effective_weights())
        week = solve_module.solve(plan, SolveOptions(time_limit=20))
    assert made_on[0] == threading.main_thread().name and made_on[1].startswith("trainweek-floor")
    assert first.floor > 0 and week.bound >= first.floor / WEIGHT_SCALE


def test_the_patterns_model_is_built_beside_the_search_on_pairs(monkeypatch):
    """huge-01 (25 sessions): the search on pairs has the first core, the patterns' model is
    built on the second meanwhile, and the patterns' search runs on it."""
    import threading

    from trainweek.scheduler import solve as solve_module

    plan = _stored("huge-01")
    built_on, real = [], solve_module.build

    def recorded(*args, **kwargs):
        built_on.append((threading.current_thread().name, kwargs.get("pairs_only", False)))
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "build", recorded)
    monkeypatch.setattr(solve_module, "search_on_pairs", lambda *args, **kwargs: (None, 0.0))  # finds nothing
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.05)
    week = solve_module.solve(plan, SolveOptions(time_limit=20))
    assert len(plan.occurrences) >= solve_module.LNS_FROM
    assert built_on[0] == (threading.main_thread().name, True)
    assert built_on[1][0].startswith("trainweek-build") and built_on[1][1] is False
    assert len(week.placements) == len(plan.occurrences) and not week.first_fit


def test_the_build_beside_stops_when_the_search_on_pairs_proves_the_week(monkeypatch):
    """large-01 is proven on pairs: the patterns' model being built beside that search stops
    (BuildStopped) instead of being finished and thrown away."""
    import threading

    from trainweek.scheduler import solve as solve_module
    from trainweek.scheduler.model import BuildStopped

    plan, frame = frame_for(_stored("large-01"), SolveOptions())
    stopped = threading.Event()
    stopped.set()
    with pytest.raises(BuildStopped):
        build(plan, frame, plan.effective_weights(), stop=stopped)
    began, outcomes, real_build, real_pairs = threading.Event(), [], solve_module.build, solve_module.search_on_pairs

    def build_beside(*args, stop=None, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            began.set()
            stop.wait(60)  # the search on pairs has proved its week by now
        try:
            return real_build(*args, stop=stop, **kwargs)
        except BuildStopped:
            outcomes.append("stopped")
            raise

    def pairs_once_the_build_began(*args, **kwargs):
        began.wait(60)
        return real_pairs(*args, **kwargs)

    monkeypatch.setattr(solve_module, "build", build_beside)
    monkeypatch.setattr(solve_module, "search_on_pairs", pairs_once_the_build_began)
    week = solve_module.solve(plan, SolveOptions(time_limit=60))
    assert week.status == "OPTIMAL" and outcomes == ["stopped"]


def _cheapest_by_enumeration(costs: dict, rows: list) -> int | None:
    """The least cost of any 0/1 choice of the columns that keeps every row (day_floor's form)."""
    columns = list(costs)
    best = None
    for values in itertools.product((0, 1), repeat=len(columns)):
        chosen = dict(zip(columns, values))
        if all(low <= sum(c * chosen[k] for k, c in row.items()) <= (math.inf if high is None else high) for low, high, row in rows):
            cost = sum(costs[k] * chosen[k] for k in columns)
            best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_whole_patterns_give_what_enumeration_gives_where_the_lp_takes_halves(seed):
    """Three sessions on three days, each day's pair overlapping the next day's: the LP can
    take half of each pair and pay for no single, whole patterns cannot. Random costs on
    every pattern and on a cross-day term (day 0 holding session 0 and day 1 session 1); at
    seed 0 the pairs are free and a single costs 1: the LP's 0 against the whole week's 1."""
    rng = random.Random(seed)
    pairs = {0: (0, 1), 1: (1, 2), 2: (0, 2)}
    patterns = [(day, specs) for day in range(3) for specs in [(), pairs[day], *((s,) for s in range(3))]]
    costs = {0: rng.randint(0, 9) if seed else 0}  # the cross-day term, then the patterns
    costs.update({p: (len(p[1]) == 1) + (rng.randint(0, 3) if seed and p[1] else 0) for p in patterns})
    rows = [(1, 1, {p: 1 for p in patterns if p[0] == day}) for day in range(3)]
    rows += [(1, 1, {p: 1 for p in patterns if spec in p[1]}) for spec in range(3)]
    paid = {0: 1}
    for p in patterns:
        if (p[0] == 0 and 0 in p[1]) or (p[0] == 1 and 1 in p[1]):
            paid[p] = -1
    rows.append((-1, None, paid))
    exact = _cheapest_by_enumeration(costs, rows)
    value, _ = _linear_floor(costs, rows)
    ways = {(p, ()): cost for p, cost in costs.items() if isinstance(p, tuple)}
    whole, work, days = _cheapest(ways, rows, [costs[0]], [], math.ceil(value - 1e-9), 5.0, None)
    assert value <= exact and whole == exact and work > 0
    # Its choice is one pattern a day, each session once, at the cost it bounds (with the term where paid).
    assert sorted(day for day, _ in days) == [0, 1, 2] and sorted(s for _, specs in days for s in specs) == [0, 1, 2]
    held = {(0, 0), (1, 1)} <= {(day, s) for day, specs in days for s in specs}
    assert sum(costs[p] for p in days) + costs[0] * held == exact
    if seed == 0:
        assert value < exact  # the case the integer program is for
    assert _cheapest(ways, rows, [costs[0]], [], 0, 5.0, below=exact)[0] == exact  # none cheaper


def whole_floor_of(plan, in_spans: bool = False) -> float:
    """`whole_floor` on the whole week (nothing ruled out), in the objective's units."""
    plan, frame = frame_for(plan, SolveOptions())
    weights = plan.effective_weights()
    with same_day_form(True):
        m = build(plan, frame, weights)
        return whole_floor(m, scaled_weights(weights), set(), 0, 5.0, in_spans=in_spans).bound / WEIGHT_SCALE


def union_best_of(plan) -> tuple[float, float, float] | None:
    """From the week a step dearer than the best, the best week over the union of the spans'
    floor's choices (`solve._best_over_union`): (its cost, its bound, the best week's cost by
    CP-SAT alone); None where only one cost is possible."""
    from trainweek.scheduler import solve as solve_module
    from ortools.sat.python import cp_model

    plan, frame = frame_for(plan, SolveOptions())
    weights = plan.effective_weights()
    with same_day_form(True):
        m = build(plan, frame, weights)
    m.day_floor = day_floor(m, scaled_weights(weights))
    if m.day_floor is None:
        return None
    optimum = cp_model.CpSolver()
    assert optimum.solve(m.model) == cp_model.OPTIMAL
    dearer = m.model.clone()
    dearer.add(m.objective >= round(optimum.objective_value) + 1)
    start = cp_model.CpSolver()
    if start.solve(dearer) != cp_model.OPTIMAL:
        return None

    class Ended:  # what a search that ended at that week leaves: its week, and no bound above the floor
        best_objective_bound = 0.0

        def __getattr__(self, name):
            return getattr(start, name)

    week, _ = solve_module._best_over_union(m, Ended(), weights, 5.0, time.monotonic() + 60, time.perf_counter())
    assert_keeps_every_hard_rule(week)
    return week.objective, week.bound, optimum.objective_value / WEIGHT_SCALE


@pytest.mark.parametrize("rounds", [None, 1])
def test_the_best_week_over_the_floors_union_is_the_best_week_on_the_fixed_tiny_weeks(monkeypatch, rounds):
    """Started from a dearer week, the union of the floor's cheapest choices and the best
    week over it reach the best week brute force finds, and prove it (bound = cost). With the
    union searched after every round (`rounds` 1), each cheaper week it finds takes the day
    patterns only dearer weeks hold out of the floor's later choices and out of the model
    (`OutsideUnion.rule_out`) along the way, and the answer is the same."""
    from trainweek.scheduler import solve as solve_module
    from trainweek.scheduler.day_floor import OutsideUnion

    if rounds is not None:
        monkeypatch.setattr(solve_module, "UNION_ROUNDS", rounds)
    ruled_out = []
    real = OutsideUnion.rule_out

    def counted(self, patterns):
        ruled_out.append(len(patterns))
        real(self, patterns)

    monkeypatch.setattr(OutsideUnion, "rule_out", counted)
    tried = 0
    for name, plan in FIXED.items():
        best, valid = brute_force(plan)
        found = union_best_of(plan)
        if found is None:
            continue
        tried += 1
        cost, bound, optimum = found
        assert cost == pytest.approx(best) and optimum == pytest.approx(best), name
        assert bound == pytest.approx(best), name
    assert tried >= 3
    assert rounds is None or max(ruled_out, default=0) > 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=tiny_plans())
def test_the_best_week_over_the_floors_union_is_the_best_week_on_generated_tiny_weeks(plan):
    best, _ = brute_force(plan)
    if best is None or not plan.occurrences:
        return
    try:
        found = union_best_of(plan)
    except AssertionError:  # a week the pattern form is not built for (no training sessions)
        return
    if found is not None:
        cost, bound, _ = found
        assert cost == pytest.approx(best) and bound == pytest.approx(best)


def test_dense_02_is_proven_optimal_over_the_union_of_the_floors_choices():
    """dense-02 (20 sessions): 123.2 was found in every search, but no floor reached it (the
    LP's 110, the whole floor's 119, the placed floor's 122.4). With a 60 s limit (15 det s)
    its search gets 2, and the union of the spans' floor's cheapest choices proves 123.2 with
    the rest: no choice outside it costs less by the floor, and no week on it less by CP-SAT.
    The same 15 det s under a 600 s clock, so a busy machine (this took 40 s of a 60 s limit
    on a slow one) does not stop it first."""
    from trainweek.scheduler import solve as solve_module

    with mock.patch.object(solve_module, "WORK_PER_SECOND", 15 / 600):
        week = solve_module.solve(_stored("dense-02"), SolveOptions(time_limit=600))
    assert week.status == "OPTIMAL" and week.objective == 123.2 and week.bound == 123.2
    assert_keeps_every_hard_rule(week)


def test_a_dense_search_keeps_the_rest_of_its_budget_for_the_union_and_a_proven_week_never_uses_it(monkeypatch):
    """dense-2027-11 (19 sessions) is proven in its search's 2 det s at any limit, and when
    re-solved from its own week."""
    from pathlib import Path

    from trainweek.scheduler import solve as solve_module
    from trainweek.scheduler.loading import load_plan

    plan = load_plan(Path(__file__).parent / "weeks" / "dense-2027-11.yaml")
    budgets, unions = [], []
    real_search = solve_module.search

    def recorded(solver, model, callback=None):
        budgets.append(solver.parameters.max_deterministic_time)
        return real_search(solver, model, callback)

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.25)
    monkeypatch.setattr(solve_module, "search", recorded)
    monkeypatch.setattr(solve_module, "_best_over_union", lambda *args: unions.append(args))
    for limit in (60, 20):
        week = solve_module.solve(plan, SolveOptions(time_limit=limit))
        assert week.status == "OPTIMAL" and budgets.pop() == pytest.approx(2.0)
    # Re-solved from its own calendar (`near`), the same: proven as the first solve was.
    again = solve_module.solve(plan, SolveOptions(time_limit=60), near={p.occurrence.index: p.local_start for p in week.placements})
    assert again.status == "OPTIMAL" and again.starts() == week.starts() and budgets.pop() == pytest.approx(2.0)
    assert not unions, "a proven week needs no union"
    framed, frame = frame_for(plan, SolveOptions())
    m = build(framed, frame, framed.effective_weights())
    assert solve_module._kept_for_union(m, 15.0) == 13.0
    assert solve_module._kept_for_union(m, 1.5) == 0.0
    # No budget of work (more than one worker, or the benchmark's lifted one): the clock ends it.
    assert solve_module._kept_for_union(m, math.inf) == math.inf


def test_with_two_workers_a_dense_week_left_open_by_its_short_search_gets_the_union_too(monkeypatch):
    """dense-02 with two workers: after its short search, the union's turns until the clock
    (no budget of work), as with one; before, its search ran alone to the limit and ended
    at 124.8 / 110 at 60 s, where the union proves 123.2 (docs/model.md, eighteenth round)."""
    from trainweek.scheduler import solve as solve_module

    unions = []
    real_union = solve_module._best_over_union

    def union(m, solver, weights, work, deadline, started):
        unions.append((solver.parameters.num_workers, work))
        return real_union(m, solver, weights, work, deadline, started)

    monkeypatch.setattr(solve_module, "_best_over_union", union)
    week = solve_module.solve(_stored("dense-02"), SolveOptions(workers=2, time_limit=8))
    assert unions == [(2, math.inf)]
    assert week.bound <= week.objective
    assert_keeps_every_hard_rule(week)


def test_where_no_union_can_be_made_the_search_goes_on_with_the_work_kept_back(monkeypatch):
    """dense-02 is not proven in its search's 2 det s; with no floor to make on the patterns
    it leaves (none allowed here), the search goes on with the 1 det s kept back, from its week."""
    from trainweek.scheduler import solve as solve_module

    budgets = []
    real_search = solve_module.search

    def recorded(solver, model, callback=None):
        budgets.append(solver.parameters.max_deterministic_time)
        return real_search(solver, model, callback)

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.1)
    monkeypatch.setattr(solve_module, "UNION_PATTERNS", 0)
    monkeypatch.setattr(solve_module, "search", recorded)
    week = solve_module.solve(_stored("dense-02"), SolveOptions(time_limit=30))
    assert budgets == [pytest.approx(2.0), pytest.approx(1.0)]
    assert week.status == "FEASIBLE" and not week.clock_stopped
    assert_keeps_every_hard_rule(week)


def test_a_dense_week_with_more_patterns_than_the_whole_floor_takes_gets_the_union(monkeypatch):
    """A drawn dense week of 19 sessions leaves 4,000-odd patterns after its search, more
    than the big weeks' whole floor is made on (2,000): at 20 s the union gives a cheaper
    week with a higher bound than the search going on alone."""
    from pathlib import Path

    from trainweek.scheduler import solve as solve_module

    plan = load_plan(Path(__file__).parent / "weeks" / "dense-108.yaml")
    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.25)
    over_union = solve_module.solve(plan, SolveOptions(time_limit=20))
    monkeypatch.setattr(solve_module, "UNION_PATTERNS", 0)
    alone = solve_module.solve(plan, SolveOptions(time_limit=20))
    assert over_union.objective < alone.objective and over_union.bound > alone.bound
    assert over_union.bound <= over_union.objective
    assert_keeps_every_hard_rule(over_union)


def test_work_the_unions_turns_leave_goes_to_the_search_of_the_whole_week(monkeypatch):
    """dense-02 with a floor round too short to answer (as on drawn dense weeks whose floor
    takes more than its cap): the turns end after one, the union's search settles the union,
    and the search of the whole week goes on with the rest, from the union's week and above
    its bound, so the solve uses its whole budget of work and gives no dearer week."""
    from ortools.sat.python import cp_model

    from trainweek.scheduler import solve as solve_module

    searches = []
    real_search = solve_module.search

    def recorded(solver, model, callback=None):
        status = real_search(solver, model, callback)
        searches.append((solver.parameters.max_deterministic_time, solver.deterministic_time, solver.objective_value if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None))
        return status

    unions = []
    real_union = solve_module._best_over_union

    def union(*args):
        week, left = real_union(*args)
        unions.append((week, left))
        return week, left

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.1)  # 3 det s at 30 s
    monkeypatch.setattr(solve_module, "WHOLE_FLOOR_WORK", 0.001)
    monkeypatch.setattr(solve_module, "search", recorded)
    monkeypatch.setattr(solve_module, "_best_over_union", union)
    week = solve_module.solve(_stored("dense-02"), SolveOptions(time_limit=30))
    (over_union, left), = unions
    assert left > 0.5 and over_union.status == "FEASIBLE" and not over_union.clock_stopped  # the round's cap, not the clock
    first, *union_search, (budget, work, _) = searches
    assert first[0] == pytest.approx(2.0) and len(union_search) == 1
    assert budget == pytest.approx(left) and first[1] + union_search[0][1] + work == pytest.approx(3.0, abs=0.1)
    assert week.objective <= over_union.objective and week.bound >= over_union.bound and not week.clock_stopped
    assert_keeps_every_hard_rule(week)


def test_a_run_that_can_only_go_morning_one_day_and_evening_the_next_costs_its_spread():
    """Monday 06:00-07:00, Wednesday 18:00-19:30: the two easy runs start 12 h apart at
    least (06:00-06:15 against 18:00-18:45), what consistency charges; the LP over days sees none of it."""
    run = {"name": "Easy run", "kind": "run", "duration": "45m", "intensity": "easy", "times": 2}
    plan = make_plan([run], availability={"mon": ["06:00-07:00"], "wed": ["18:00-19:30"]}, rules={"rest_days": 0}, version=2)
    best, valid = brute_force(plan)
    assert valid and best == plan.effective_weights()["consistency"] * 12
    assert floor_of(plan) == 0
    assert whole_floor_of(plan) == best  # the LP over days sees none of it


def test_the_whole_floor_reaches_large_04s_week_of_40():
    """large-04: 38 by its days, 40 with the spread of its repeats' start times, the cost of
    the week the search finds: on the patterns a week of 40.2 leaves, it is proven."""
    plan, frame = frame_for(_stored("large-04"), SolveOptions())
    weights = plan.effective_weights()
    m = build(plan, frame, weights)
    scaled = scaled_weights(weights)
    assert m.floor == 3800
    # From the week of 40 itself: no cheaper one, so 40 is the bound (a program with no
    # solution, sooner than settling it); from 40.2 the search finds the cheaper 40.
    assert whole_floor(m, scaled, m.day_floor.ruled_out(4000), m.floor, 5.0, below=4000)[0] == 4000
    bound, work, _ = whole_floor(m, scaled, m.day_floor.ruled_out(4020), m.floor, 5.0, below=4020)
    assert bound == 4000 and work < 5.0


def test_ruling_out_from_a_known_week_posts_the_whole_floor():
    """dense-02 with its best week known (123.2): the patterns left, with their start times'
    spread seen, bound it at 119, not 110; the model's bound is then that, and it is posted."""
    from trainweek.scheduler.solve import _narrow_to_cheaper_weeks

    plan, frame = frame_for(_stored("dense-02"), SolveOptions())
    weights = plan.effective_weights()
    m = build(plan, frame, weights)
    assert m.floor == 11000
    constraints = len(m.model.proto.constraints)
    work, cheaper = _narrow_to_cheaper_weeks(m, 12320, weights, budget=10.0, deadline=time.monotonic() + 60)
    assert m.floor == 11900 and 0 < work < 2 and cheaper is None  # the floor's days give 123.2 again
    assert len(m.model.proto.constraints) > constraints + 1  # patterns ruled out, and the bound
    assert _narrow_to_cheaper_weeks(build(plan, frame, weights), 12320, weights, budget=0.01, deadline=time.monotonic() + 60)[0] < 0.05  # its share


def test_the_week_on_the_whole_floors_days_starts_the_search_where_it_is_cheaper():
    """large-05 (21 sessions): on seed 0 the search on pairs settles on a week of 12 (two
    lift/endurance pairs sharing a day) and the search on patterns, started from it, found
    nothing cheaper in 13 det s. The whole floor, asked for days cheaper than 12 by their own
    costs, chooses days on which the week costs 6.1, the optimum: found with those days fixed
    in a tenth of a second, and the search starts from it."""
    from trainweek.scheduler import solve as solve_module

    plan, frame = frame_for(_stored("large-05"), SolveOptions())
    weights = plan.effective_weights()
    m = build(plan, frame, weights)
    floor = whole_floor(m, scaled_weights(weights), solve_module._rule_out_dearer(m, 1200), m.floor, 4.0, below=1200)
    assert floor.bound == 600 and len(floor.days) == 7
    hints = len(m.model.proto.solution_hint.vars)
    # Not cheaper than a week already held: nothing changes.
    assert solve_module._complete_days(m, weights, floor.days, time.monotonic() + 60, 1.0, 610)[1] is None
    assert len(m.model.proto.solution_hint.vars) == hints
    work, week = solve_module._complete_days(m, weights, floor.days, time.monotonic() + 60, 1.0, 1200)
    assert week.objective == 6.1 and work < 1.0
    assert week.status == "FEASIBLE" and week.bound == 0  # the best on those days only: the model's floor is its bound
    assert_keeps_every_hard_rule(week)
    assert len(m.model.proto.solution_hint.vars) == len(m.model.proto.variables)  # the whole week is the start
    hinted = dict(zip(m.model.proto.solution_hint.vars, m.model.proto.solution_hint.values))
    assert {index: hinted[start.index] * frame.step for index, start in m.start_step.items()} == week.starts()
    assert not m.model.proto.assumptions  # the days were fixed for that search only


def test_large_05_on_seed_0_gets_its_optimum_from_the_whole_floors_days(monkeypatch):
    from trainweek.scheduler import solve as solve_module

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.25)  # 15 det s at the default 60 s
    week = solve_module.solve(_stored("large-05"), SolveOptions(seed=0))
    assert week.objective == 6.1  # 12 before, from the pairs' week
    assert week.proven_optimal and week.bound == 6.1  # open at 6 before the spans' tidy times


def test_when_the_search_ends_without_a_week_the_cheaper_week_on_the_floors_days_is_given(monkeypatch):
    """The week completed on the whole floor's days is kept, not only hinted: a search left no
    time after it (a short --time-limit on a big week) gives it, not the pairs' dearer week."""
    from trainweek.scheduler import solve as solve_module

    original = solve_module.configured_solver

    def no_time_left(m, options, deadline):
        solver = original(m, options, deadline)
        solver.parameters.max_deterministic_time = solver.parameters.max_time_in_seconds = 0.0
        return solver

    monkeypatch.setattr(solve_module, "WORK_PER_SECOND", 0.25)
    monkeypatch.setattr(solve_module, "configured_solver", no_time_left)
    week = solve_module.solve(_stored("large-05"), SolveOptions(seed=0))
    assert week.objective == 6.1 and week.bound == 6.1  # the pairs' week costs 12
    assert week.proven_optimal  # at the floor proven before the search (the spans' tidy times)
    assert not week.first_fit
    assert_keeps_every_hard_rule(week)


def test_the_floor_leaves_room_for_mobility_under_the_limit_of_sessions_a_day():
    """Day patterns hold training only; mobility still takes a place under max_sessions_per_day,
    three repeats on three days. The floor's rows say so (`_room_rows`): the places left add
    up to three, and three days have one."""
    from trainweek.scheduler.day_floor import _room_rows

    sessions = [
        {"name": "Squat", "kind": "strength", "focus": "lower", "duration": "60m", "intensity": "hard"},
        {"name": "Easy run", "kind": "run", "duration": "40m", "intensity": "easy", "times": 2},
        {"name": "Mobility", "kind": "mobility", "duration": "30m", "times": 3},
    ]
    plan, frame = frame_for(make_plan(sessions, rules={"rest_days": 0, "max_sessions_per_day": 2}, version=2), SolveOptions())
    with same_day_form(True):
        m = build(plan, frame, plan.effective_weights())
    patterns = [(day, specs) for day, sets in m.day_sets(10_000).items() for specs in sets]
    room, mobility_days = _room_rows(m, patterns)
    assert room[:2] == (3, None) and mobility_days[:2] == (3, None)
    for pattern in patterns:
        assert room[2].get(pattern, 0) == 2 - len(pattern[1])
        assert mobility_days[2].get(pattern, 0) == (len(pattern[1]) < 2)
    # Without mobility, or without a limit, there is nothing to leave room for.
    plan, frame = frame_for(make_plan(sessions[:2], rules={"rest_days": 0, "max_sessions_per_day": 2}, version=2), SolveOptions())
    with same_day_form(True):
        assert _room_rows(build(plan, frame, plan.effective_weights()), patterns) == []


def _swim_and_sprints(window: str):
    """A swim and sprints (30 min each) in one Sunday window, 4 h between modalities."""
    swim = {"name": "Swim", "kind": "swim", "duration": "30m", "intensity": "easy"}
    sprints = {"name": "Sprints", "kind": "run", "duration": "30m", "intensity": "hard"}
    return make_plan([swim, sprints], availability={"sun": [window]}, rules={"modality_gap": "4h"}, version=2)


def test_sessions_a_full_window_leaves_no_round_start_cost_their_tidy_times_in_the_floor():
    """large-05's last 0.1: in 07:00-12:00 with 4 h between them the swim and the sprints
    start 07:00 and 11:30 (or 07:30 and 11:00), so one starts at :30. The floor by ways sees
    each alone; the one that places a span's sessions together sees it; with an hour more
    room both start on the hour."""
    tight = _swim_and_sprints("07:00-12:00")
    best, valid = brute_force(tight)
    assert valid and best == pytest.approx(tight.effective_weights()["tidy_times"] * tidy_times.minute_cost(30))
    assert whole_floor_of(tight) == 0
    assert whole_floor_of(tight, in_spans=True) == pytest.approx(best)
    roomy = _swim_and_sprints("07:00-13:00")
    assert brute_force(roomy)[0] == whole_floor_of(roomy, in_spans=True) == 0


def _least_tidy_cost(m, frame, day: int, span, items) -> int:
    """The least tidy_times cost of every placement of `items` in `span` the model allows."""
    placements = itertools.product(*(m.starts_in_span(item, day, span) for item in items))
    costs = [
        sum(tidy_times.minute_cost(frame.at(start).minute) for start in starts)
        for starts in placements
        if all(
            m.start_differences(a, b).contains(starts[y] - starts[x])
            for (x, a), (y, b) in itertools.combinations(enumerate(items), 2)
        )
    ]
    return min(costs) if costs else 3 * len(items)


def test_a_spans_tidy_floor_is_the_least_cost_of_every_placement(seed=0):
    """`tidy_times.span_floor` against every placement of two or three sessions in one window
    (the model's own starts and spacing), on windows drawn to be tight and loose."""
    rng = random.Random(seed)
    sessions = [
        {"name": "Swim", "kind": "swim", "duration": "35m", "intensity": "easy"},
        {"name": "Tempo", "kind": "run", "duration": "40m", "intensity": "moderate"},
        {"name": "Squat", "kind": "strength", "duration": "55m", "intensity": "hard", "focus": "lower"},
    ]
    raised = 0
    for _ in range(12):
        first = rng.choice([6 * 60, 6 * 60 + 10, 7 * 60 + 25])
        length = rng.choice([150, 200, 260, 330, 420])
        window = f"{first // 60:02d}:{first % 60:02d}-{(first + length) // 60:02d}:{(first + length) % 60:02d}"
        chosen = rng.sample(sessions, rng.choice([2, 3]))
        gap = rng.choice(["10m", "90m", "3h"])
        plan = make_plan(chosen, availability={"wed": [window]}, rules={"modality_gap": gap, "stack_gap": None, "max_sessions_per_day": 3}, grid="5m", version=2)
        plan, frame = frame_for(plan, SolveOptions())
        m = build(plan, frame, plan.effective_weights())
        span = frame.free_spans(2)[0]
        items = list(m.items)
        expected = _least_tidy_cost(m, frame, 2, span, items)
        assert tidy_times.span_floor(m, 2, span, items) == expected, (window, [s["name"] for s in chosen], gap)
        raised += expected > sum(min(tidy_times.minute_cost(frame.at(t).minute) for t in m.starts_in_span(i, 2, span)) for i in items)
    assert raised >= 1  # some windows are tight enough that the sessions together cost more than alone


def test_a_spans_tidy_floor_is_searched_once_per_shape_and_right_on_every_day():
    """Spans of one shape (the same length, the same round times inside) on other days or
    hours share one search; a span half an hour later is another shape, with its own cost."""
    swim = {"name": "Swim", "kind": "swim", "duration": "35m", "intensity": "easy"}
    squat = {"name": "Squat", "kind": "strength", "duration": "55m", "intensity": "hard", "focus": "lower"}
    windows = {"mon": ["06:10-08:30"], "wed": ["06:10-08:30"], "fri": ["09:10-11:30"], "sat": ["06:40-09:00"]}
    plan = make_plan([swim, squat], availability=windows, rules={"modality_gap": "10m", "stack_gap": None}, grid="5m", version=2)
    plan, frame = frame_for(plan, SolveOptions())
    m = build(plan, frame, plan.effective_weights())
    items = [m.training_copies[spec][0] for spec in sorted(m.training_copies)]
    found = {day: tidy_times.span_floor(m, day, frame.free_spans(day)[0], items) for day in (0, 2, 4, 5)}
    assert found == {day: _least_tidy_cost(m, frame, day, frame.free_spans(day)[0], items) for day in found}
    assert found[0] == found[2] == found[4] != found[5]  # 140 minutes from :10 or :40: starts at :00 or at :30
    assert len(m.rule_caches[f"{tidy_times.__name__}.span_floor"]) == 2


def test_a_week_at_its_bound_is_reported_proven_whichever_search_found_it():
    """The bound may be the day floor, which CP-SAT's own bound does not reach on session
    pairs (there it is only reported) or where it was raised after the search began: a week
    that costs no more than it is the best, and the output must not say "not proven"."""
    from trainweek.scheduler import solve as solve_module
    from trainweek.scheduler.week import FIRST_FIT

    best = solve_plan(load_plan(ROOT / "examples" / "hybrid-athlete.yaml"))
    assert best.proven_optimal and best.objective > 0
    unproven = dataclasses.replace(best, status="FEASIBLE", bound=best.objective, clock_stopped=True)
    at_bound = solve_module._proven_if_at_its_bound(unproven)
    assert at_bound.proven_optimal and not at_bound.clock_stopped
    below = dataclasses.replace(unproven, bound=best.objective - 0.1)
    assert solve_module._proven_if_at_its_bound(below) == below
    first_fit = dataclasses.replace(unproven, status=FIRST_FIT)
    assert solve_module._proven_if_at_its_bound(first_fit) == first_fit  # greedy's week is not a search's


def test_the_unions_floor_keeps_its_size_round_after_round():
    """The floor outside the union changes its two rows (the bounds asked for, and the union
    to stay outside of) in place: the program CP-SAT reads and presolves every round keeps
    the rows it had after the first round, and no more terms, while each answer still puts a
    day outside every earlier one at a bound that never falls (docs/model.md, nineteenth round)."""
    from trainweek.scheduler.day_floor import OutsideUnion

    plan, frame = frame_for(_stored("dense-02"), SolveOptions())
    weights = plan.effective_weights()
    m = build(plan, frame, weights)
    pricing = OutsideUnion(m, scaled_weights(weights), set())
    sizes, bound = [], 0
    for _ in range(4):
        earlier = set(pricing.union)
        found = pricing.cheapest(bound, 12320, 4.0, time.monotonic() + 60)
        assert found.days and not set(found.days) <= earlier
        assert found.bound >= bound
        bound = math.ceil(found.bound - 1e-6)
        rows = pricing.program.model.proto.constraints
        # (has_ first: reading a row's other kind would make it that kind, empty)
        terms = sum(len(row.bool_or.literals) if row.has_bool_or() else len(row.linear.vars) if row.has_linear() else 0 for row in rows)
        sizes.append((len(rows), terms))
    assert len({rows for rows, _ in sizes}) == 1
    assert [terms for _, terms in sizes] == sorted((terms for _, terms in sizes), reverse=True)
