from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from trainweek.scheduler.loading import parse_plan
from trainweek.scheduler.solve import SolveOptions, solve

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
MONDAY = dt.date(2026, 11, 30)

BASE = {
    "version": 1,
    "athlete": "Test",
    "timezone": "Europe/Berlin",
    "week_start": MONDAY.isoformat(),
    "goals": ["strength"],
    "availability": {day: ["06:00-08:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    "sessions": [],
}


def plan_from(data: dict):
    return parse_plan(yaml.safe_dump(data, sort_keys=False), "test.yaml")


def make_plan(sessions: list[dict], **overrides):
    data = copy.deepcopy(BASE)
    data["sessions"] = sessions
    for key, value in overrides.items():
        data[key] = value
    return plan_from(data)


def solve_plan(plan, **options):
    return solve(plan, SolveOptions(**options))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Every test writes with one clock (SOURCE_DATE_EPOCH), so outputs compare byte for byte;
    a test of the clock itself unsets it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc).timestamp())))


@pytest.fixture(params=EXAMPLES, ids=lambda p: p.stem)
def example_path(request) -> Path:
    return request.param


def need_program(available: bool, missing: str) -> None:
    """Skip on a developer's machine without the program; under CI (CI set) that is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing}; CI must run this test")
    pytest.skip(missing)
