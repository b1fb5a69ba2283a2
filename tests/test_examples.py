"""Every bundled example solves to a proven optimum that passes every rule's checker."""

from __future__ import annotations

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES
from trainweek.scheduler.ics import week_ics
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.solve import SolveOptions, solve


def test_example_solves_optimally_and_obeys_every_rule(example_path):
    week = solve(load_plan(example_path))
    assert week.status == "OPTIMAL"
    assert len(week.placements) == len(week.plan.occurrences)
    for rule in HARD_RULES:
        assert rule.check(week) == [], rule.NAME
    assert abs(week.bound - week.objective) < 1e-6


def test_example_objective_parts_add_up(example_path):
    week = solve(load_plan(example_path))
    recomputed = sum(week.weights[rule.NAME] * rule.penalty(week) for rule in SOFT_OBJECTIVES)
    assert round(recomputed, 2) == week.objective


def test_same_input_gives_same_week_and_same_calendar(example_path):
    plan = load_plan(example_path)
    first, second = solve(plan), solve(load_plan(example_path))
    assert first.starts() == second.starts()
    assert week_ics(first) == week_ics(second)


def test_coarser_grid_puts_starts_on_the_grid(example_path):
    week = solve(load_plan(example_path), SolveOptions(grid=30))
    assert all(p.local_start.minute % 30 == 0 for p in week.placements)


def test_a_hint_never_changes_the_optimum(example_path):
    plan = load_plan(example_path)
    other_weights = SolveOptions(weights=(("consistency", 0), ("hard_easy", 9)))
    first = solve(plan)
    hinted = solve(plan, other_weights, near={p.occurrence.index: p.local_start for p in first.placements})
    assert hinted.status == "OPTIMAL"
    assert hinted.objective == solve(plan, other_weights).objective


def test_a_week_re_solved_from_its_own_starts_stays_put():
    """Re-solved with the calendar it wrote (its starts as `near`), an optimal week is the
    same week: before, CP-SAT completed the hinted starts at a cost and the hybrid racer's
    whole week moved on every run, although nothing had to."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for path in (root / "tests/athletes/hybrid-racer.yaml", root / "tests/athletes/marathoner-build.yaml", root / "examples/strength-first.yaml"):
        name = path.stem
        plan = load_plan(path)
        first = solve(plan)
        again = solve(plan, near={p.occurrence.index: p.local_start for p in first.placements})
        assert again.status == first.status == "OPTIMAL", name
        assert again.starts() == first.starts(), name
