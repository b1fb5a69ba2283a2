"""Soft objective `goal_order`: on a shared day, the primary goal's modality comes first.

Strength, hypertrophy and power want the lift first (fresh muscles, no AMPK brake on the
lifting response); endurance wants the run first (fresh legs for the aerobic work). Fat
loss and general fitness lean to lifting first only weakly, so a later goal with a firm
order decides for them. Penalty: 1 per strength/endurance pair on one day in the wrong order.
"""

from __future__ import annotations

from scheduler.model import WeekModel
from scheduler.plan import strength_endurance_pairs
from scheduler.training import GOAL_LABELS, Modality, first_modality
from scheduler.week import Week

NAME = "goal_order"
HARD = False
TITLE = "goal-priority order"


def _first_and_second(plan, s, e):
    first, _ = first_modality(plan.goals)
    return (s, e) if first is Modality.strength else (e, s)


def post(m: WeekModel):
    terms = []
    for s, e in strength_endurance_pairs(m.items):
        if not m.may_share_day(s.index, e.index):
            continue
        first, second = _first_and_second(m.plan, s, e)
        wrong = m.model.new_bool_var(f"wrong_order[{s.index},{e.index}]")
        m.model.add(wrong >= m.same_day(s.index, e.index) + m.before(second.index, first.index) - 1)
        terms.append(wrong)
    return sum(terms)


def wrongstrength_endurance_pairs(week: Week):
    placed = week.by_occurrence()
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        first, second = _first_and_second(week.plan, s, e)
        a, b = placed[first.index], placed[second.index]
        if a.day == b.day and b.start < a.start:
            yield a, b


def penalty(week: Week) -> int:
    return sum(1 for _ in wrongstrength_endurance_pairs(week))


def reasons(week: Week) -> dict[int, list[str]]:
    modality, goal = first_modality(week.plan.goals)
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    why = {
        Modality.strength: "lifting on fresh muscles keeps the strength stimulus; running first would blunt it",
        Modality.endurance: "the run gets the fresh legs",
    }[modality]
    wrong = {(a.occurrence.index, b.occurrence.index) for a, b in wrongstrength_endurance_pairs(week)}
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        first, second = _first_and_second(week.plan, s, e)
        a, b = placed[first.index], placed[second.index]
        if a.day != b.day:
            continue
        if (first.index, second.index) in wrong:
            found.setdefault(second.index, []).append(
                f"before {a.occurrence.label} against the {GOAL_LABELS[goal]} order: no other slot was better overall"
            )
        else:
            lead = "lift" if modality is Modality.strength else "endurance"
            found.setdefault(first.index, []).append(
                f"{lead} first on a shared day with {b.occurrence.label}: {GOAL_LABELS[goal]} is your "
                f"{'primary' if goal == week.plan.goals[0] else 'deciding'} goal, {why}"
            )
    return found
