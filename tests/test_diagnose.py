"""Impossible weeks: the real culprit is named and every suggested change gives a week."""

from __future__ import annotations

import pytest

from trainweek.scheduler.solve import Infeasible
from tests.conftest import make_plan, solve_plan
from tests.helpers import violations

LIFT = {"name": "Lift", "kind": "strength", "duration": "60m", "focus": "upper"}
RUN = {"name": "Run", "kind": "run", "duration": "45m", "intensity": "easy"}
LEGS = {"name": "Legs", "kind": "strength", "duration": "60m", "intensity": "hard", "focus": "lower"}
INTERVALS = {"name": "Intervals", "kind": "run", "duration": "50m", "intensity": "hard"}
EVENINGS = {day: ["17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

CASES = {
    "too few windows": (
        make_plan([dict(RUN, times=2), dict(LIFT, times=2)], availability={"mon": ["17:00-18:30"], "wed": ["17:00-18:30"]}),
        {"availability"},
        "add a window on",
    ),
    "rest days": (
        make_plan([dict(RUN, times=2), LIFT], availability=EVENINGS, rules={"rest_days": 5, "modality_gap": "6h"}),
        {"rest_days"},
        "rest_days to 4",
    ),
    "gap too long for the windows": (
        make_plan([LIFT, RUN], availability={"mon": ["06:00-08:00", "11:00-13:00"]}, rules={"rest_days": 0, "modality_gap": "6h"}),
        {"modality_gap"},
        "modality_gap to 5h",
    ),
    "hard recovery": (
        make_plan([LEGS, INTERVALS], availability={"mon": ["17:00-21:00"], "tue": ["17:00-21:00"]}, rules={"rest_days": 0, "hard_recovery": "48h"}),
        {"hard_recovery"},
        "hard_recovery to 24h",
    ),
    "hard days": (
        make_plan([LEGS, INTERVALS], availability={"mon": ["17:00-21:00"], "tue": ["17:00-21:00"]}, rules={"rest_days": 0}, version=2),
        {"hard_days"},
        "easy_days_between to 0",
    ),
    "no stacking": (
        make_plan([LEGS, INTERVALS], availability={"mon": ["06:00-21:00"]}, rules={"rest_days": 0, "stack_gap": False}, version=2),
        {"hard_days"},
        "stack_gap to 6h",
    ),
    "key clearance": (
        make_plan(
            # Legs fit Monday evening only, the key intervals also Tuesday 06:00: 9-12 h before it.
            [LEGS, dict(INTERVALS, key=True)], availability={"mon": ["17:00-21:00"], "tue": ["06:00-06:50"]},
            rules={"rest_days": 0, "easy_days_between": 0}, version=2,
        ),
        {"key_clearance"},
        "key_clearance to 12h",
    ),
    "doubles": (
        make_plan([RUN, dict(RUN, name="Run 2")], availability={"mon": ["17:00-21:00"]}, rules={"rest_days": 0}, version=2),
        {"doubles"},
        "double_gap to 2h",
    ),
    "session longer than the free windows": (
        make_plan([dict(LIFT, duration="2h")], availability={"mon": ["17:00-20:00"]}, busy=["mon 18:00-18:30"]),
        {"availability", "busy"},
        "free the busy block 'mon 18:00-18:30'",
    ),
    "pinned to days": (
        # Hard legs only on Monday, hard intervals only on Tuesday: the legs need an easier day between.
        make_plan(
            [dict(LEGS, only_on=["mon"]), dict(INTERVALS, only_on=["tue"])],
            availability={"mon": ["17:00-21:00"], "tue": ["17:00-21:00"], "thu": ["17:00-21:00"]}, rules={"rest_days": 0}, version=2,
        ),
        {"only_on", "hard_days"},
        "let 'Legs' go on any day, not only Monday",
    ),
    "busy blocks": (
        make_plan([LIFT, RUN], availability={"mon": ["06:00-08:00", "17:00-21:00"]}, busy=["2026-11-30 17:00-21:00"], rules={"rest_days": 0, "modality_gap": "6h"}),
        {"modality_gap"},
        "free the busy block",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_impossible_week_names_the_culprit_and_every_fix_works(name):
    plan, culprits, suggestion = CASES[name]
    with pytest.raises(Infeasible) as raised:
        solve_plan(plan)
    error = raised.value
    assert culprits <= set(error.culprits), error.culprits
    assert suggestion in str(error)
    assert error.fixes
    for fix in error.fixes:
        week = solve_plan(fix.apply(plan))
        assert violations(week) == {}, fix.text


# --- the time limit (issue 16, item 19) ------------------------------------------------

from ortools.sat.python import cp_model  # noqa: E402

from trainweek.constraints import HARD_RULES, modality_gap, repeat_days  # noqa: E402
from trainweek.scheduler import diagnose as diagnosis  # noqa: E402
from trainweek.scheduler import solve as solving  # noqa: E402
from tests.helpers import frame_of  # noqa: E402


class _Clock:
    """A stand-in for the time module: time passes only when a solve says it ran."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now

    perf_counter = monotonic


class _RunsOutOfTime:
    """A diagnosis solver that spends its whole limit and settles nothing (a hard re-solve)."""

    def __init__(self, clock, seconds):
        self.clock, self.seconds = clock, seconds
        self.parameters = cp_model.CpSolver().parameters

    def solve(self, model, callback=None):
        self.clock.now += self.seconds
        return cp_model.UNKNOWN


def _timed(monkeypatch, only_the_first=False):
    """Diagnosis (and solve) on a clock of their own; its solves time out (or only the conflict search)."""
    clock, granted, real = _Clock(), [], diagnosis._solver
    monkeypatch.setattr(diagnosis, "time", clock)
    monkeypatch.setattr(solving, "time", clock)

    def solver(seconds):
        granted.append(seconds)
        return _RunsOutOfTime(clock, seconds) if not only_the_first or len(granted) == 1 else real(seconds)

    monkeypatch.setattr(diagnosis, "_solver", solver)
    return granted


def test_the_diagnosis_shares_the_time_limit_and_a_timed_out_check_is_unknown(monkeypatch):
    granted = _timed(monkeypatch)
    with pytest.raises(Infeasible) as raised:
        solve_plan(CASES["hard recovery"][0], time_limit=2)  # the solve itself proves there is no week
    assert len(granted) > 1 and round(sum(granted), 9) <= 2  # float sums of the shares may land a hair over
    error = raised.value
    message = str(error)
    assert "No single change gives a week" not in message  # unknown is never "impossible"
    assert "could not be checked in time: raise --time-limit" in message
    assert error.fixes == [] and error.unchecked > 0


def test_a_conflict_search_out_of_time_lists_no_rule_it_did_not_find(monkeypatch):
    _timed(monkeypatch)
    with pytest.raises(Infeasible) as raised:
        solve_plan(CASES["rest days"][0], time_limit=2)
    error = raised.value
    assert not error.conflict_complete
    assert error.culprits == []  # before: every rule was listed as in conflict
    assert "The search for the rules in conflict ran out of time before it found one." in str(error)


def test_a_conflict_search_out_of_time_says_what_it_found_so_far(monkeypatch):
    _timed(monkeypatch, only_the_first=True)
    with pytest.raises(Infeasible) as raised:
        solve_plan(CASES["hard recovery"][0], time_limit=30)
    error = raised.value
    assert not error.conflict_complete
    assert error.culprits == ["hard_recovery"]  # without it a week exists; without the others there is none
    assert "ran out of time; so far: 2 demanding sessions must be 48h apart" in str(error)
    assert "hard_recovery to 24h" in [fix.text for fix in error.fixes]


def test_with_time_to_spare_the_diagnosis_is_whole():
    plan = CASES["rest days"][0]
    error = diagnosis.diagnose(plan, frame_of(plan))
    assert error.conflict_complete and error.unchecked == 0
    assert str(error).startswith("No week satisfies the rules: 1 lift and 2 endurance sessions must be 6h apart")


# --- conflicts in sentences (issue 16, item 20) ------------------------------------------

def test_every_hard_rule_describes_its_conflict_in_a_sentence():
    plan = make_plan([dict(RUN, times=2), LIFT], availability=EVENINGS)
    for rule in HARD_RULES:
        text = rule.conflict(plan, frame_of(plan))
        assert text != rule.NAME and len(text.split()) > 3, text


def test_no_gap_reads_as_no_overlap_not_zero_minutes_apart():
    plan = make_plan([LIFT, RUN], availability=EVENINGS, rules={"separate_modalities_by": "0m"})
    text = modality_gap.conflict(plan, frame_of(plan))
    assert "0m apart" not in text and "must not overlap" in text


def test_repeats_read_as_a_sentence_not_a_bare_rule_name():
    plan = make_plan([dict(RUN, times=3), LIFT], availability=EVENINGS)
    assert repeat_days.conflict(plan, frame_of(plan)) == "Run 3 times a week means 3 different days (repeat_days)"
