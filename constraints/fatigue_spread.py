"""Soft objective `fatigue_spread`: even daily load, and no hard day right after a hard day.

Load is session RPE: minutes x effort (easy 3, moderate 5, hard 8); mobility carries none.
The sum of squared daily loads is minimised without squaring anything: since each
session lies on exactly one day, sum_d L_d^2 = sum_i w_i^2 + 2 sum_{i<j} w_i w_j [same
day], and the first sum is fixed. So the penalty charges each pair of loaded sessions
sharing a day w_i*w_j / 9000 (two moderate hours cost 10), plus 10 for each pair of
consecutive days that both hold a hard session (Sunday to Monday too when the week
repeats).
"""

from __future__ import annotations

from scheduler.model import WeekModel
from scheduler.timetext import WEEKDAY_NAMES
from scheduler.week import Week

NAME = "fatigue_spread"
HARD = False
TITLE = "fatigue spread"
LOAD_SCALE = 9000
BACK_TO_BACK_HARD = 10


def pair_cost(a, b) -> int:
    return round(a.spec.load * b.spec.load / LOAD_SCALE)


def _loaded_pairs(items):
    loaded = [i for i in items if i.spec.load]
    return [(a, b) for n, a in enumerate(loaded) for b in loaded[n + 1 :]]


def _consecutive_days(plan):
    days = [(d, d + 1) for d in range(6)]
    return days + [(6, 0)] if plan.rules.repeat_weekly else days


def post(m: WeekModel):
    pairs = [(a, b) for a, b in _loaded_pairs(m.items) if set(m.on_day[a.index]) & set(m.on_day[b.index])]
    terms = [pair_cost(a, b) * m.same_day(a.index, b.index) for a, b in pairs if pair_cost(a, b)]
    _least_shared_pairs(m, pairs)
    hard_day = m.hard_day
    for day, after in _consecutive_days(m.plan):
        if day in hard_day and after in hard_day:
            both = m.model.new_bool_var(f"hard_after_hard[{day}]")
            m.model.add(both >= hard_day[day] + hard_day[after] - 1)
            terms.append(BACK_TO_BACK_HARD * both)
    return sum(terms)


def _least_shared_pairs(m: WeekModel, pairs) -> None:
    """Redundant cut: n training sessions on at most D days share a day in at least
    sum_d C(n_d, 2) pairs with the n_d as even as possible. It only tightens the bound."""
    loaded = [i for i in m.items if i.spec.load and i.trains]
    days = min(7 - m.plan.rules.rest_days, sum(1 for d in range(7) if any(d in m.on_day[i.index] for i in loaded)))
    if not loaded or not days or len(loaded) <= days:
        return
    base, extra = divmod(len(loaded), days)
    least = extra * (base + 1) * base // 2 + (days - extra) * base * (base - 1) // 2
    m.model.add(sum(m.same_day(a.index, b.index) for a, b in pairs) >= least)


def hard_days(week: Week) -> set[int]:
    return {p.day for p in week.placements if p.occurrence.is_hard}


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
        if not p.occurrence.is_hard:
            continue
        neighbours = [
            WEEKDAY_NAMES[other]
            for pair in _consecutive_days(week.plan)
            if p.day in pair
            for other in pair
            if other != p.day and other in hard
        ]
        if neighbours:
            found.setdefault(p.occurrence.index, []).append(f"hard day next to another hard day ({', '.join(neighbours)})")
        else:
            found.setdefault(p.occurrence.index, []).append("no hard day right before or after it")
    return found
