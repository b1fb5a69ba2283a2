"""Reasons, reminders and the profile line say what is true of this plan, in training words."""

from __future__ import annotations

import json

from click.testing import CliRunner

from trainweek.constraints import separation
from trainweek.scheduler.cli import main
from trainweek.scheduler.explain import alternatives
from trainweek.scheduler.report import profile_changes, profile_line, reminders
from tests.conftest import make_plan
from tests.helpers import week_at

LIFT = {"name": "Lift", "kind": "strength", "focus": "upper", "duration": "60m"}
EASY_RUN = {"name": "Easy run", "kind": "run", "duration": "40m", "intensity": "easy"}
LONG_RUN = {"name": "Long run", "kind": "run", "duration": "2h", "intensity": "moderate", "rpe": 5, "key": True}
SWIM = {"name": "Swim", "kind": "swim", "duration": "30m", "intensity": "easy"}


def test_sharing_a_day_is_not_called_necessary_when_another_day_scores_the_same():
    # Lift, then run, share Monday; with every weight 0, the run on Tuesday scores the same.
    plan = make_plan([LIFT, EASY_RUN], availability={"mon": ["06:00-08:00", "17:00-21:00"], "tue": ["06:00-08:00"]})
    week = week_at(plan, "mon 06:00", "mon 18:00")
    week = type(week).from_starts(plan, week.frame, week.starts(), {name: 0 for name in week.weights})
    ties = [alt for alt in alternatives(week)[1] if alt.extra_cost == 0]
    assert ties, "Tuesday should be as good as Monday for the run"
    for found in separation.reasons(week).values():
        for text in found:
            assert "shares the day" in text and "(separation)" in text
            assert "no better" not in text and "not a rule" in text


def test_reminders_fit_the_plan():
    runner_only = make_plan([LONG_RUN, EASY_RUN])
    week = week_at(runner_only, "sun 07:00", "tue 06:00")
    said = " ".join(reminders(week))
    assert "protein" not in said  # no lifting in this plan
    assert "carbohydrate" in said and "Long run" in said and "Easy run" not in said
    assert "deload" in said and "fatigue" in said

    lifter = make_plan([LIFT, SWIM])
    said = " ".join(reminders(week_at(lifter, "mon 18:00", "wed 06:00")))
    assert "protein after lifting" in said
    assert "carbohydrate" not in said  # nothing long or hard
    assert "extra rest day" in said  # nothing demanding to swap


def test_explain_names_the_profile_and_what_it_changed(tmp_path):
    masters = make_plan([SWIM], profile="masters", rules={"rest_days": 3})
    assert profile_changes(masters) == ["easy_days_between 1 -> 2", "rest_days would be 2, but your file sets 3"]
    assert profile_line(masters).startswith("Profile: masters (about 50+)")
    beginner = make_plan([SWIM], profile="beginner")
    assert "stack_gap 6h -> false (forbidden)" in profile_changes(beginner)
    assert profile_line(make_plan([SWIM])) == "Profile: default (no rule changed)."

    path = tmp_path / "week.yaml"
    path.write_text(
        "version: 2\nprofile: beginner\nathlete: A\ntimezone: Europe/Berlin\ngoals: [general]\n"
        'availability: {mon: ["06:00-08:00"], wed: ["06:00-08:00"]}\n'
        "sessions: [{name: Swim, kind: swim, duration: 30m, intensity: easy}]\n"
    )
    result = CliRunner().invoke(main, ["explain", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Profile: beginner" in result.output and "rest_days 1 -> 2" in result.output
    data = json.loads(CliRunner().invoke(main, ["explain", str(path), "--json"]).output)
    assert data["profile"]["name"] == "beginner" and "rest_days 1 -> 2" in data["profile"]["changes"]
    assert not any("protein" in text for text in data["reminders"])
