"""Solve one plan under many weight settings and show which distinct weeks come out.

People tune weights to see how the week changes; a sweep answers that in one run: each
combination is solved to optimality, identical weeks are merged with the settings that
produce them, and each distinct week is compared with the first one, session by session.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from trainweek.constraints import SOFT_OBJECTIVES, WEIGHT_NAMES
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.solve import SolveOptions, solve
from trainweek.scheduler.week import Week


@dataclass
class DistinctWeek:
    week: Week
    settings: list[dict[str, float]] = field(default_factory=list)

    @property
    def raw_parts(self) -> dict[str, int]:
        return dict(self.week.parts)


@dataclass(frozen=True)
class Move:
    label: str
    before: str
    after: str


def combinations(grid: dict[str, list[float]]) -> list[dict[str, float]]:
    unknown = [name for name in grid if name not in WEIGHT_NAMES]
    if unknown:
        raise ValueError(f"unknown weight '{unknown[0]}'; valid names: {', '.join(WEIGHT_NAMES)}")
    names = list(grid)
    return [dict(zip(names, values)) for values in itertools.product(*(grid[name] for name in names))]


def sweep(plan: Plan, grid: dict[str, list[float]], options: SolveOptions = SolveOptions()) -> list[DistinctWeek]:
    """Distinct optimal weeks, in the order the settings first produced them.

    Weeks are told apart by their raw penalties: two weeks with the same penalties score
    the same under every weighting, so a second one is only the solver breaking a tie.
    """
    distinct: dict[tuple, DistinctWeek] = {}
    near = None
    for setting in combinations(grid):
        week = solve(plan, options.with_weights(setting), near=near)
        near = {p.occurrence.index: p.local_start for p in week.placements}
        entry = distinct.setdefault(tuple(sorted(week.parts.items())), DistinctWeek(week))
        entry.settings.append(setting)
    return list(distinct.values())


def moves(reference: Week, other: Week) -> list[Move]:
    """Sessions that sit elsewhere in `other` than in `reference`."""
    before = {p.occurrence.index: p for p in reference.placements}
    found = []
    for p in other.placements:
        old = before[p.occurrence.index]
        if (old.day, old.start) != (p.day, p.start):
            found.append(Move(p.occurrence.label, old.when, p.when))
    return found


def objective_under(week: Week, weights: dict[str, float]) -> float:
    """The week's objective had it been judged with other weights."""
    return round(sum(weights[rule.NAME] * week.parts[rule.NAME] for rule in SOFT_OBJECTIVES), 2)


def describe_settings(settings: list[dict[str, float]], grid: dict[str, list[float]]) -> str:
    """``hard_easy 0 to 5`` when one swept weight gives a run of its values, else each setting."""
    names = list(grid)
    if len(names) == 1:
        swept = sorted(grid[names[0]])
        values = sorted(s[names[0]] for s in settings)
        first, last = swept.index(values[0]), swept.index(values[-1])
        if len(values) > 2 and swept[first : last + 1] == values:
            return f"{names[0]} {values[0]:g} to {values[-1]:g}"
        return f"{names[0]} " + ", ".join(f"{v:g}" for v in values)
    return "\n".join(", ".join(f"{name}={value:g}" for name, value in s.items()) for s in settings)
