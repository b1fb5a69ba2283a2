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


class Profile(str, Enum):
    default = "default"
    masters = "masters"
    beginner = "beginner"


# What each profile changes in `rules:` (RULES.md "Profiles"); a key the file sets wins.
PROFILE_RULES: dict[Profile, dict[str, object]] = {
    Profile.default: {},
    Profile.masters: {"easy_days_between": 2, "rest_days": 2},
    Profile.beginner: {"stack_gap": None, "max_demanding_per_day": 1, "rest_days": 2},
}

PROFILE_LABELS = {
    Profile.default: "default",
    Profile.masters: "masters (about 50+): two easier days between demanding days for the same body region, 2 rest days",
    Profile.beginner: "beginner: one demanding session a day at most, never two stacked, 2 rest days",
}


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

# A lift and endurance work with at most this many minutes between them are one visit
# (the article's 10-20 min rest, with room to change and walk over).
ONE_VISIT_REST = 30

# Session RPE (Foster): load in AU = minutes x RPE; a session without its own `rpe` takes its intensity's.
RPE = {Intensity.easy: 3, Intensity.moderate: 5, Intensity.hard: 8}

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
