"""One rule, one module: each module implements its protocol, and the registry is the one list of names."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

import trainweek.constraints as registry
from trainweek.constraints import ALL_RULES, GOAL_WEIGHTS, HARD_RULES, REASON_ORDER, SOFT_OBJECTIVES, WEIGHT_NAMES
from trainweek.constraints.rule import HardRule, SoftObjective
from trainweek.scheduler import explain
from trainweek.scheduler.plan import Weights
from trainweek.scheduler.training import Goal

ROOT = Path(__file__).resolve().parent.parent


def _members(protocol: type) -> dict[str, object]:
    """The protocol's members, its bases' included, as declared (property or function)."""
    found: dict[str, object] = {}
    for klass in reversed(protocol.__mro__):
        if klass is object or klass.__module__ == "typing":
            continue
        found |= {name: value for name, value in vars(klass).items() if not name.startswith("_")}
    return found


def _parameters(function: object) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "self"]  # type: ignore[arg-type]


def test_every_module_in_the_package_is_a_registered_rule_named_after_its_file():
    files = {info.name for info in pkgutil.iter_modules(registry.__path__)} - {"rule"}
    assert files == {rule.__name__.rsplit(".", 1)[-1] for rule in ALL_RULES}
    for rule in ALL_RULES:
        assert rule.NAME == rule.__name__.rsplit(".", 1)[-1]
    assert len({rule.NAME for rule in ALL_RULES}) == len(ALL_RULES)


@pytest.mark.parametrize(
    "rule, protocol",
    [(rule, HardRule) for rule in HARD_RULES] + [(rule, SoftObjective) for rule in SOFT_OBJECTIVES],
    ids=lambda value: getattr(value, "NAME", getattr(value, "__name__", "")),
)
def test_each_module_has_every_member_of_its_protocol_with_its_type(rule, protocol):
    for name, declared in _members(protocol).items():
        assert hasattr(rule, name), f"{rule.NAME} has no {name}"
        value = getattr(rule, name)
        if isinstance(declared, property):
            wanted = inspect.signature(declared.fget).return_annotation
            kind = {"str": str, "bool": bool, "Mapping[Goal, float]": Mapping}[wanted]
            assert isinstance(value, kind), f"{rule.NAME}.{name} is {type(value).__name__}, not {wanted}"
        else:
            assert callable(value), f"{rule.NAME}.{name} is not a function"
            assert _parameters(value) == _parameters(declared), f"{rule.NAME}.{name}{inspect.signature(value)}"
    assert rule.HARD is (protocol is HardRule)


@pytest.mark.parametrize("rule", SOFT_OBJECTIVES, ids=lambda rule: rule.NAME)
def test_each_objective_has_a_default_weight_for_every_goal(rule):
    assert set(rule.DEFAULT_WEIGHTS) == set(Goal)
    assert all(isinstance(weight, (int, float)) and weight >= 0 for weight in rule.DEFAULT_WEIGHTS.values())


def test_the_type_checker_accepts_every_rule_module_as_its_protocol(tmp_path):
    if importlib.util.find_spec("mypy") is None:
        if os.environ.get("CI"):
            pytest.fail("mypy is not installed (pip install -e '.[test]')")
        pytest.skip("mypy is not installed")
    # The packages install as trainweek.scheduler / trainweek.constraints from two top-level
    # folders; mypy does not follow setuptools' editable mapping, so lay the names out.
    (tmp_path / "trainweek").mkdir()
    for folder in ("scheduler", "constraints"):
        (tmp_path / "trainweek" / folder).symlink_to(ROOT / folder)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", sys.executable, "--namespace-packages",
         "--explicit-package-bases", "--follow-imports=silent", "--cache-dir", str(tmp_path / ".mypy_cache"),
         "-p", "trainweek.constraints", "-m", "trainweek.scheduler.model", "-m", "trainweek.scheduler.diagnose"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_weight_names_defaults_plan_keys_and_reason_order_all_come_from_the_registry():
    assert WEIGHT_NAMES == tuple(rule.NAME for rule in SOFT_OBJECTIVES)
    assert tuple(Weights.model_fields) == WEIGHT_NAMES
    assert all(tuple(GOAL_WEIGHTS[goal]) == WEIGHT_NAMES for goal in Goal)
    assert sorted(REASON_ORDER) == sorted(rule.NAME for rule in ALL_RULES)
    assert explain.REASON_ORDER is REASON_ORDER


def test_the_default_weights_are_the_coach_spec_table():
    names = ("goal_order", "interference", "separation", "hard_easy", "key_freshness", "preferred_times", "consistency", "tidy_times", "moves")
    rows = {
        "strength": (10, 1, 6, 8, 5, 2, 1, 0.1, 5),
        "hypertrophy": (6, 0.5, 6, 8, 5, 2, 1, 0.1, 5),
        "power": (25, 1, 6, 8, 5, 2, 1, 0.1, 5),
        "endurance": (10, 0.5, 3, 10, 8, 2, 1, 0.1, 5),
        "fat_loss": (3, 0.25, 2, 6, 3, 2, 1, 0.1, 5),
        "general": (2, 0.5, 6, 6, 3, 2, 1, 0.1, 5),
    }
    assert WEIGHT_NAMES == names
    assert {goal.value: weights for goal, weights in GOAL_WEIGHTS.items()} == {
        goal: dict(zip(names, row)) for goal, row in rows.items()
    }


def test_the_reasons_keep_their_order_and_no_rule_is_left_out():
    assert REASON_ORDER[:13] == (
        "goal_order", "modality_gap", "hard_days", "key_clearance", "hard_recovery", "doubles", "separation",
        "preferred_times", "consistency", "hard_easy", "key_freshness", "interference", "availability",
    )


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.NAME)
def test_no_rule_asks_which_form_the_same_day_costs_take(rule):
    source = inspect.getsource(rule)
    for word in ("uses_day_patterns", "day_patterns", "_pattern_cost", "PATTERNS_FROM"):
        assert word not in source, f"{rule.NAME} mentions {word}: post same-day costs through WeekModel.same_day_cost"


def test_the_rules_and_the_plan_import_in_either_order():
    for first in ("trainweek.constraints", "trainweek.scheduler.plan", "trainweek.constraints.rest_days"):
        done = subprocess.run([sys.executable, "-c", f"import {first}"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr


def test_no_rule_imports_the_plan_at_run_time():
    # The plan's weights: keys come from the registry, so the plan imports the rules; a
    # rule imports it (and the frame, which imports it) for types only.
    for path in sorted((ROOT / "constraints").glob("*.py")):
        for line in path.read_text().splitlines():
            if line.startswith(("from trainweek.scheduler.plan", "from trainweek.scheduler.frame")):
                pytest.fail(f"{path.name}: {line} (import it under TYPE_CHECKING)")
