"""A week is built once with all it carries; checking it changes nothing; reasons are worked
out once; views and reports read loads and training days from the week itself."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from trainweek.constraints import ALL_RULES, rest_days
from trainweek.scheduler import ics
from trainweek.scheduler.checking import RuleBroken, broken_rules, finished_week, penalties
from trainweek.scheduler.cli import main
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.ics import earlier_events, previous_starts, week_ics
from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.solve import solve
from trainweek.scheduler.week import Week
from tests.conftest import ROOT, make_plan

EXAMPLE = ROOT / "examples" / "hybrid-athlete.yaml"


def test_a_solved_week_carries_everything_and_cannot_change(example_path):
    week = solve(load_plan(example_path))
    assert week.status == "OPTIMAL" and week.bound is not None and week.parts == penalties(week)
    assert set(week.explanations) == {p.occurrence.index for p in week.placements}
    assert week.reasons == {index: [r.text for r in found] for index, found in week.explanations.items()}
    with pytest.raises(dataclasses.FrozenInstanceError):
        week.status = "CHANGED"
    with pytest.raises(dataclasses.FrozenInstanceError):
        week.reasons = {}


def test_the_week_gives_loads_and_training_days_as_the_rules_count_them(example_path):
    week = solve(load_plan(example_path))
    assert week.daily_loads() == [sum(p.occurrence.load for p in week.on_day(day)) for day in range(7)]
    assert week.training_days() == rest_days.training_days(week)
    assert week.rest_day_names() == rest_days.rest_day_names(week)


def test_checking_a_broken_week_names_the_rule_and_changes_nothing():
    plan = make_plan([{"name": "Lift", "kind": "strength", "duration": "60m"}, {"name": "Run", "kind": "run", "duration": "30m"}])
    frame = WeekFrame(plan, plan.week_start)
    both_at_six = {0: 6 * 60, 1: 6 * 60}  # Monday 06:00, one on top of the other
    bare = Week.from_starts(plan, frame, both_at_six, plan.effective_weights())
    problems = broken_rules(bare)
    assert problems and any(problem.startswith("no_overlap: ") for problem in problems)
    assert (bare.status, bare.parts, bare.explanations) == ("UNKNOWN", {}, {})
    with pytest.raises(RuleBroken, match="no_overlap"):
        finished_week(plan, frame, both_at_six, plan.effective_weights(), status="OPTIMAL")
    apart = finished_week(plan, frame, {0: 6 * 60, 1: 17 * 60}, plan.effective_weights(), status="FEASIBLE")
    assert broken_rules(apart) == [] and apart.status == "FEASIBLE" and apart.objective is not None


def test_explain_works_each_rules_reasons_out_once(monkeypatch):
    calls = []
    for rule in ALL_RULES:
        original = rule.reasons

        def counted(week, original=original, name=rule.NAME):
            calls.append(name)
            return original(week)

        monkeypatch.setattr(rule, "reasons", counted)
    result = CliRunner().invoke(main, ["explain", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert sorted(calls) == sorted(rule.NAME for rule in ALL_RULES)


def test_an_earlier_file_is_parsed_once_for_the_search_and_the_sequence(tmp_path, monkeypatch):
    target = tmp_path / "week.ics"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(EXAMPLE), "-o", str(target)]).exit_code == 0
    parsed = []
    original = Calendar.from_ical.__func__

    def counted(cls, data, *args, **kwargs):
        parsed.append(data)
        return original(cls, data, *args, **kwargs)

    monkeypatch.setattr(Calendar, "from_ical", classmethod(counted))
    result = runner.invoke(main, ["solve", str(EXAMPLE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(parsed) == 1


def test_the_parsed_earlier_file_gives_what_its_bytes_give():
    plan = load_plan(EXAMPLE)
    week = solve(plan)
    data = week_ics(week)
    earlier = earlier_events(data)
    assert previous_starts(plan, week.frame.week_start, earlier) == previous_starts(plan, week.frame.week_start, data)
    assert week_ics(week, earlier) == week_ics(week, data)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("module", ["view.py", "view_layout.py", "view_html.py", "view_svg.py", "report.py", "explain.py"])
def test_views_and_reports_do_not_import_rule_modules_for_loads_or_rest_days(module):
    imported = _imported_modules(ROOT / "scheduler" / module)
    assert not {"trainweek.constraints.hard_easy", "trainweek.constraints.rest_days"} & imported
