"""Training knowledge from RULES.md: modalities, loaded regions, effort and goal profiles."""

from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    strength = "strength"
    run = "run"
    bike = "bike"
    swim = "swim"
    row = "row"
    mobility = "mobility"


class Modality(str, Enum):
    strength = "strength"
    endurance = "endurance"
    neither = "neither"


class Intensity(str, Enum):
    easy = "easy"
    moderate = "moderate"
    hard = "hard"


class Focus(str, Enum):
    lower = "lower"
    upper = "upper"
    full = "full"


class Goal(str, Enum):
    strength = "strength"
    hypertrophy = "hypertrophy"
    power = "power"
    endurance = "endurance"
    fat_loss = "fat_loss"
    general = "general"


MODALITY = {
    Kind.strength: Modality.strength,
    Kind.run: Modality.endurance,
    Kind.bike: Modality.endurance,
    Kind.swim: Modality.endurance,
    Kind.row: Modality.endurance,
    Kind.mobility: Modality.neither,
}

# Body regions an endurance kind loads; strength loads its focus.
ENDURANCE_REGIONS = {
    Kind.run: frozenset({"lower"}),
    Kind.bike: frozenset({"lower"}),
    Kind.row: frozenset({"lower", "upper"}),
    Kind.swim: frozenset({"upper"}),
    Kind.mobility: frozenset(),
}
FOCUS_REGIONS = {
    Focus.lower: frozenset({"lower"}),
    Focus.upper: frozenset({"upper"}),
    Focus.full: frozenset({"lower", "upper"}),
}

# Session RPE: load = minutes x RPE of the intensity.
RPE = {Intensity.easy: 3, Intensity.moderate: 5, Intensity.hard: 8}

WEIGHT_NAMES = ("goal_order", "separation", "fatigue_spread", "preferred_times", "consistency")

# Default weights by primary goal. Order matters most where the article is firm (strength,
# hypertrophy, power, endurance) and little for fat loss and general fitness; separating
# modalities onto different days matters most for strength goals and general fitness.
GOAL_WEIGHTS: dict[Goal, dict[str, float]] = {
    Goal.strength: dict(goal_order=10, separation=6, fatigue_spread=3, preferred_times=2, consistency=1),
    Goal.hypertrophy: dict(goal_order=10, separation=6, fatigue_spread=3, preferred_times=2, consistency=1),
    Goal.power: dict(goal_order=25, separation=6, fatigue_spread=3, preferred_times=2, consistency=1),
    Goal.endurance: dict(goal_order=10, separation=3, fatigue_spread=4, preferred_times=2, consistency=1),
    Goal.fat_loss: dict(goal_order=3, separation=2, fatigue_spread=5, preferred_times=2, consistency=1),
    Goal.general: dict(goal_order=2, separation=6, fatigue_spread=4, preferred_times=2, consistency=1),
}

# Which modality a goal wants first on a shared day; fat loss and general fitness lean to
# lifting first only weakly, so a later goal with a firm order decides for them.
FIRM_ORDER = {
    Goal.strength: Modality.strength,
    Goal.hypertrophy: Modality.strength,
    Goal.power: Modality.strength,
    Goal.endurance: Modality.endurance,
}

GOAL_LABELS = {
    Goal.strength: "strength",
    Goal.hypertrophy: "muscle growth (hypertrophy)",
    Goal.power: "power",
    Goal.endurance: "endurance",
    Goal.fat_loss: "fat loss",
    Goal.general: "general fitness",
}


def first_modality(goals: list[Goal]) -> tuple[Modality, Goal]:
    """The modality to do first on a shared day, and the goal that decided it."""
    for goal in goals:
        if goal in FIRM_ORDER:
            return FIRM_ORDER[goal], goal
    return Modality.strength, goals[0]


def default_weights(goals: list[Goal]) -> dict[str, float]:
    return dict(GOAL_WEIGHTS[goals[0]])
