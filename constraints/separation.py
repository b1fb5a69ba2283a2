"""Soft objective `separation`: lifting and endurance on different days.

The article's cleanest way to avoid interference (e.g. lift Mon/Wed/Fri, run
Tue/Thu/Sat). Penalty: 1 per strength/endurance pair sharing a day.
"""

from __future__ import annotations

from scheduler.model import WeekModel
from scheduler.training import Modality
from scheduler.week import Week

NAME = "separation"
HARD = False
TITLE = "modalities on separate days"


def _pairs(items):
    strength = [i for i in items if i.spec.modality is Modality.strength]
    endurance = [i for i in items if i.spec.modality is Modality.endurance]
    return [(s, e) for s in strength for e in endurance]


def post(m: WeekModel):
    return sum(
        m.same_day(s.index, e.index)
        for s, e in _pairs(m.items)
        if set(m.on_day[s.index]) & set(m.on_day[e.index])
    )


def penalty(week: Week) -> int:
    placed = week.by_occurrence()
    return sum(1 for s, e in _pairs(week.plan.occurrences) if placed[s.index].day == placed[e.index].day)


def reasons(week: Week) -> dict[int, list[str]]:
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for s, e in _pairs(week.plan.occurrences):
        if placed[s.index].day == placed[e.index].day:
            for index, other in ((s.index, placed[e.index]), (e.index, placed[s.index])):
                found.setdefault(index, []).append(
                    f"shares the day with {other.occurrence.label}: your free time left no better split"
                )
    return found
