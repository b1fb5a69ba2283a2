"""Soft objective `fatigue_spread`: even daily load, and no hard day right after a hard day.

Load is session RPE: minutes x effort (easy 3, moderate 5, hard 8), counted in load
points of 100 (a moderate hour is 3 points, a hard 75 minutes 6; any loaded session at
least 1); mobility carries none. The sum of squared daily loads is minimised without
squaring anything: since each session lies on exactly one day, sum_d L_d^2 = sum_i p_i^2
+ 2 sum_{i<j} p_i p_j [same day], and the first sum is fixed. So the penalty charges each
pair of sessions sharing a day p_i*p_j (two moderate hours cost 9), plus 10 for each
pair of consecutive days that both hold a hard session (Sunday to Monday too when the
week repeats).

Default weight: highest for fat loss, where even daily load matters more than order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.training import Goal
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.plan import Occurrence, Plan, SessionSpec

NAME = "fatigue_spread"
HARD = False
TITLE = "fatigue spread"
DEFAULT_WEIGHTS = {
    Goal.strength: 3,
    Goal.hypertrophy: 3,
    Goal.power: 3,
    Goal.endurance: 4,
    Goal.fat_loss: 5,
    Goal.general: 4,
}
LOAD_POINT = 100
BACK_TO_BACK_HARD = 10


def spec_points(spec: SessionSpec) -> int:
    return max(1, round(spec.load / LOAD_POINT)) if spec.load else 0


def points(item: Occurrence) -> int:
    return spec_points(item.spec)


def pair_cost(a: Occurrence, b: Occurrence) -> int:
    return points(a) * points(b)


def _loaded_pairs(items: Iterable[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    loaded = [i for i in items if i.spec.load]
    return [(a, b) for n, a in enumerate(loaded) for b in loaded[n + 1 :]]


def _consecutive_days(plan: Plan) -> list[tuple[int, int]]:
    days = [(d, d + 1) for d in range(6)]
    return days + [(6, 0)] if plan.rules.repeat_weekly else days


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    loaded = [i for i in m.items if i.spec.load]
    days = m.most_training_days
    # The shared load is one variable whose lower bound is the most even split's: it
    # carries the bound into the objective even without the LP relaxation.
    shared = m.same_day_cost(
        _loaded_pairs(m.items),
        pair_cost,
        name="shared_load",
        at_least=_least_square_excess([points(i) for i in loaded], days),
        pairs_at_least=_least_square_excess([1] * len(loaded), days),
    )
    terms = [shared]
    hard_day = m.day_holds("hard_day", lambda item: item.demanding)
    for day, after in _consecutive_days(m.plan):
        if day in hard_day and after in hard_day:
            both = m.model.new_bool_var(f"hard_after_hard[{day}]")
            m.model.add(both >= hard_day[day] + hard_day[after] - 1)
            terms.append(BACK_TO_BACK_HARD * both)
    return sum(terms)


def _least_square_excess(weights: list[int], days: int) -> int:
    """A lower bound on sum over same-day pairs of w_i*w_j for any split over `days` days:
    sum_d L_d^2 is at least the most even split's (Cauchy-Schwarz, in integers)."""
    if days <= 0 or len(weights) <= days:
        return 0
    total = sum(weights)
    base, extra = divmod(total, days)
    least_squares = extra * (base + 1) ** 2 + (days - extra) * base**2
    return max(0, (least_squares - sum(w * w for w in weights)) // 2)


def hard_days(week: Week) -> set[int]:
    return {p.day for p in week.placements if p.occurrence.demanding}


def penalty(week: Week) -> int:
    placed = week.by_occurrence()
    shared = sum(pair_cost(a, b) for a, b in _loaded_pairs(week.plan.occurrences) if placed[a.index].day == placed[b.index].day)
    hard = hard_days(week)
    back_to_back = sum(1 for day, after in _consecutive_days(week.plan) if day in hard and after in hard)
    return shared + BACK_TO_BACK_HARD * back_to_back


def daily_loads(week: Week) -> list[int]:
    return [sum(p.spec.load for p in week.on_day(day)) for day in range(7)]


def reasons(week: Week) -> dict[int, list[str]]:
    hard = hard_days(week)
    found: dict[int, list[str]] = {}
    for p in week.placements:
        notes = found.setdefault(p.occurrence.index, [])
        sharing = [o for o in week.on_day(p.day) if o is not p and pair_cost(p.occurrence, o.occurrence)]
        if sharing:
            cost = sum(pair_cost(p.occurrence, o.occurrence) for o in sharing)
            names = ", ".join(o.occurrence.label for o in sharing)
            notes.append(f"shares the day's load with {names} (fatigue {cost:+d})")
        if not p.occurrence.demanding:
            continue
        neighbours = [
            WEEKDAY_NAMES[other]
            for pair in _consecutive_days(week.plan)
            if p.day in pair
            for other in pair
            if other != p.day and other in hard
        ]
        if neighbours:
            notes.append(f"hard day next to another hard day ({', '.join(neighbours)})")
        else:
            notes.append("no hard day right before or after it")
    return {index: notes for index, notes in found.items() if notes}
