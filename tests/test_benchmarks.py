"""Smoke test of the benchmark suite: the generator repeats itself, the worker measures a solve.

The benchmarks are not run here; timings are never asserted.
"""

from __future__ import annotations

import random

import pytest

pytest.importorskip("benchmarks.instances", reason="run from the repository root")

from benchmarks.instances import GOALS, GROUPS, _sessions, generate  # noqa: E402
from benchmarks.report import write_report  # noqa: E402
from benchmarks.run import run_greedy, summarise  # noqa: E402
from benchmarks.worker import run  # noqa: E402

SMALL = GROUPS[0]


def test_generator_is_seeded_and_draws_valid_feasible_files():
    first, again = generate(7, SMALL, 0), generate(7, SMALL, 0)
    assert first.text == again.text
    assert SMALL.sessions[0] <= first.sessions <= SMALL.sessions[1]
    assert generate(8, SMALL, 0).text != first.text


def test_worker_measures_a_solve_and_the_report_renders(tmp_path):
    instance = generate(7, SMALL, 0)
    job = {"name": instance.name, "text": instance.text, "workers": 1, "seed": 0, "time_limit": 10.0, "runs": 1}
    measured = run(job)
    summary = summarise(measured, 10.0)
    assert summary["status"] == "OPTIMAL"
    assert summary["variables"] > 0 and summary["constraints"] > 0 and summary["peak_mb"] > 0
    greedy = run_greedy(instance)
    assert greedy["found"] and greedy["objective"] >= summary["objective"]
    row = {"name": instance.name, "group": instance.group, "sessions": instance.sessions, "grid": 5, "per_day": 2, "greedy": greedy, "solver": {"1": summary}}
    results = {
        "machine": {"cpu": "test", "cores": 2, "python": "3", "ortools": "9", "commit": "abc", "date": "today", "load_before": 0.0},
        "load_after": 0.0,
        "settings": {"runs": 1, "repeat_under": 5.0, "workers": [1], "seed": 7, "time_limit": 10.0, "per_group": 1, "quick": True, "command": "python -m benchmarks --quick"},
        "rows": [row],
        "e2e": None,
        "seconds": 1.0,
    }
    out = tmp_path / "performance.md"
    write_report(results, out, tmp_path / "performance.png")
    text = out.read_text()
    assert instance.name in text and "## Targets" in text


@pytest.mark.parametrize("goal", GOALS)
def test_sessions_reach_30_once_every_template_is_used(goal):
    """Issue 21: above about 24 sessions `_sessions` looped forever once every template was used."""
    for seed in range(5):
        for count in (25, 28, 30):
            sessions = _sessions(random.Random(f"{seed}/{goal}/{count}"), goal, count)
            assert sum(s.get("times", 1) for s in sessions) == count
            assert len({s["name"] for s in sessions}) == len(sessions)
            hard = {"lower": 0, "upper": 0}
            for s in sessions:
                if s.get("intensity") == "hard" and s["kind"] == "strength":
                    for region in ({"lower", "upper"} if s["focus"] == "full" else {s["focus"]}):
                        hard[region] += s.get("times", 1)
            assert max(hard.values()) <= 2  # the repeats added at the end are never hard
