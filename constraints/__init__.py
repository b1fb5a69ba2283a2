"""The training rules, one module each, and the one list of them.

A module holds all of its rule (see `trainweek.constraints.rule` for the `HardRule` and
`SoftObjective` protocols): how it is posted, its plain-Python checker (`check` for a hard
rule, `penalty` for a soft objective), its reasons, and for a hard rule its conflict
sentence, its relaxations and its size problems. The tuples below are the only place
rules are listed: every name of a rule or a weight is the `NAME` of its module, and
the weight names, the default weights per goal, the plan's `weights:` keys and the order
of reasons are all derived here. To add a rule, write its module and add it to one tuple.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainweek.constraints import (
    availability,
    consistency,
    doubles,
    goal_order,
    hard_days,
    hard_easy,
    hard_recovery,
    interference,
    key_clearance,
    key_freshness,
    modality_gap,
    moves,
    no_overlap,
    only_on,
    preferred_times,
    race_eve,
    repeat_days,
    rest_days,
    separation,
    sessions_per_day,
    tidy_times,
    week_boundary,
)
from trainweek.constraints.rule import HardRule, Rule, SoftObjective
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Week

# In the order they are posted (which the solver's search follows).
HARD_RULES: tuple[HardRule, ...] = (
    availability,
    only_on,
    no_overlap,
    modality_gap,
    doubles,
    rest_days,
    sessions_per_day,
    hard_days,
    hard_recovery,
    key_clearance,
    repeat_days,
    week_boundary,
    race_eve,
)
SOFT_OBJECTIVES: tuple[SoftObjective, ...] = (
    goal_order,
    interference,
    separation,
    hard_easy,
    key_freshness,
    preferred_times,
    consistency,
    tidy_times,
    moves,
)
ALL_RULES: tuple[Rule, ...] = HARD_RULES + SOFT_OBJECTIVES

# Reasons for a session's slot start with the rules that most often decide it; every
# other rule's follow, in the order above, so no rule's reasons can be left out.
_DECIDE_FIRST: tuple[Rule, ...] = (
    goal_order,
    modality_gap,
    hard_days,
    key_clearance,
    hard_recovery,
    doubles,
    separation,
    preferred_times,
    consistency,
    hard_easy,
    key_freshness,
    interference,
    availability,
)
REASON_ORDER: tuple[str, ...] = tuple(
    rule.NAME for rule in _DECIDE_FIRST + tuple(r for r in ALL_RULES if r not in _DECIDE_FIRST)
)

RULE_NAMES: tuple[str, ...] = tuple(rule.NAME for rule in ALL_RULES)
WEIGHT_NAMES: tuple[str, ...] = tuple(rule.NAME for rule in SOFT_OBJECTIVES)

# Default weights by primary goal, each objective's own (its DEFAULT_WEIGHTS).
GOAL_WEIGHTS: dict[Goal, dict[str, float]] = {
    goal: {rule.NAME: rule.DEFAULT_WEIGHTS[goal] for rule in SOFT_OBJECTIVES} for goal in Goal
}


def default_weights(goals: Iterable[Goal]) -> dict[str, float]:
    """The weights of the primary (first) goal."""
    return dict(GOAL_WEIGHTS[next(iter(goals))])


def penalties(week: Week) -> dict[str, int]:
    """Each objective's raw penalty, recomputed in plain Python from the week."""
    return {rule.NAME: rule.penalty(week) for rule in SOFT_OBJECTIVES}


def broken_rules(week: Week) -> list[str]:
    """Every hard rule's complaint about the week, as 'name: problem'; empty when it obeys all."""
    return [f"{rule.NAME}: {problem}" for rule in HARD_RULES for problem in rule.check(week)]


if len(set(RULE_NAMES)) != len(RULE_NAMES):
    raise ImportError(f"two rules share a NAME: {sorted(n for n in RULE_NAMES if RULE_NAMES.count(n) > 1)}")
