"""Explanations: the parts add up, every reason is confirmed by its rule's checker, and
the alternatives are real (blocked days are blocked, open days cost what they say)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from trainweek.constraints import ALL_RULES, HARD_RULES, SOFT_OBJECTIVES
from trainweek.scheduler.cli import main
from trainweek.scheduler.explain import alternatives, reasons
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.report import objective_rows
from trainweek.scheduler.solve import SolveOptions, solve
from trainweek.scheduler.sweep import moves, objective_under, sweep
from trainweek.scheduler.week import Week
from tests.conftest import EXAMPLES, ROOT
from tests.helpers import objective

RULES = {rule.NAME: rule for rule in ALL_RULES}


def test_explained_parts_add_up_to_the_objective(example_path):
    week = solve(load_plan(example_path))
    rows = objective_rows(week)
    assert round(sum(row["weighted"] for row in rows), 2) == week.objective
    if week.objective:
        assert sum(row["share"] for row in rows) == pytest.approx(1, abs=1e-3)


def test_every_reason_names_a_rule_whose_checker_confirms_it(example_path):
    week = solve(load_plan(example_path))
    for found in reasons(week).values():
        assert found
        for reason in found:
            rule = RULES[reason.rule]
            if rule.HARD:
                assert rule.check(week) == []
    # A soft objective's reasons admit a cost exactly when its penalty says there is one.
    for rule in SOFT_OBJECTIVES:
        admitted = [
            r.text for found in reasons(week).values() for r in found if r.rule == rule.NAME and _admits_cost(r.text)
        ]
        assert bool(admitted) == bool(rule.penalty(week)), (rule.NAME, admitted)


COST_WORDS = (
    "against",
    "not on your preferred",
    "outside your preferred",
    "vary by",
    "shares the day",
    "next to another hard day",
    "the closer lifting and endurance",
    "would go better after an easy day",
    "a less round time",
)


def _admits_cost(text: str) -> bool:
    return any(word in text for word in COST_WORDS)


@pytest.mark.parametrize("example", [EXAMPLES[0], ROOT / "examples" / "strength-first.yaml"], ids=lambda p: p.stem)
def test_alternatives_are_what_they_claim(example):
    week = solve(load_plan(example))
    grid = week.plan.grid
    for placement in week.placements:
        for alt in alternatives(week)[placement.occurrence.index]:
            starts = [
                tick * grid
                for first, last in week.frame.start_ticks(alt.day, placement.spec.duration)
                for tick in range(first, last + 1)
            ]
            tries = [
                Week.from_starts(week.plan, week.frame, week.starts() | {placement.occurrence.index: s}, week.weights)
                for s in starts
            ]
            valid = [t for t in tries if not any(rule.check(t) for rule in HARD_RULES)]
            if alt.blocked_by:
                assert not valid
                broken = [{rule.NAME for rule in HARD_RULES if rule.check(t)} for t in tries]
                assert set(alt.blocked_by) in broken
            else:
                best = min(objective(t) for t in valid)
                assert round(best - week.objective, 2) == alt.extra_cost
                assert alt.extra_cost >= 0  # a proven optimum: no single move improves it


def test_a_weight_sweep_moves_sessions_and_each_week_is_optimal_for_its_weights():
    plan = load_plan(ROOT / "examples" / "hybrid-athlete.yaml")
    grid = {"hard_easy": [0, 2, 5, 20]}
    results = sweep(plan, grid)
    assert len(results) >= 2
    assert moves(results[0].week, results[1].week)
    for entry in results:
        assert entry.week.status == "OPTIMAL"
        for setting in entry.settings:
            weights = plan.effective_weights(setting)
            mine = objective_under(entry.week, weights)
            assert mine == solve(plan, SolveOptions(weights=tuple(setting.items()))).objective
            assert all(mine <= objective_under(other.week, weights) for other in results)


def test_explain_and_sweep_and_compare_commands(tmp_path):
    runner = CliRunner()
    example = str(ROOT / "examples" / "strength-first.yaml")
    result = runner.invoke(main, ["explain", example])
    assert result.exit_code == 0 and "Proven optimal" in result.output and "moved alone: " in result.output
    data = json.loads(runner.invoke(main, ["explain", example, "--json"]).output)
    assert {e["label"] for e in data["explanations"]} == {s["label"] for s in data["sessions"]}
    result = runner.invoke(main, ["sweep", str(ROOT / "examples" / "hybrid-athlete.yaml"), "--weight", "hard_easy=0,20", "--json"])
    weeks = json.loads(result.output)["weeks"]
    assert len(weeks) == 2 and weeks[1]["moved_from_first"]
    bad = runner.invoke(main, ["sweep", example, "--weight", "speed=1,2"])
    assert bad.exit_code == 2 and "valid names" in bad.output
    bad = runner.invoke(main, ["sweep", example, "--weight", "separation=1,-2"])
    assert bad.exit_code == 2 and "negative" in bad.output
    result = runner.invoke(main, ["compare", example, example, "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["moved"] == []
    relaxed = tmp_path / "relaxed.yaml"
    relaxed.write_text((ROOT / "examples" / "strength-first.yaml").read_text().replace("rest_days: 1", "rest_days: 4"))
    result = runner.invoke(main, ["compare", example, str(relaxed)])
    assert result.exit_code == 0 and "relaxed.yaml" in result.output


def test_sweep_writes_one_view_per_distinct_week(tmp_path):
    runner = CliRunner()
    views = tmp_path / "views"
    example = str(ROOT / "examples" / "hybrid-athlete.yaml")
    result = runner.invoke(main, ["sweep", example, "--weight", "hard_easy=0,20", "--html-dir", str(views)])
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in views.iterdir())
    assert pages == ["week-A.html", "week-B.html"]
    assert (views / "week-A.html").read_text() != (views / "week-B.html").read_text()
    (views / "week-A.html").write_text("my notes")
    refused = runner.invoke(main, ["sweep", example, "--weight", "hard_easy=0,20", "--html-dir", str(views)])
    assert refused.exit_code == 2 and (views / "week-A.html").read_text() == "my notes"
