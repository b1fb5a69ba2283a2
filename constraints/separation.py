"""Soft objective `separation`: lifting and endurance on different days.

The article's cleanest way to avoid interference (e.g. lift Mon/Wed/Fri, run
Tue/Thu/Sat). Penalty: 1 per strength/endurance pair sharing a day.
"""

from __future__ import annotations

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.plan import strength_endurance_pairs
from trainweek.scheduler.training import Modality
from trainweek.scheduler.week import Week

NAME = "separation"
HARD = False
TITLE = "modalities on separate days"
BOTH = {Modality.strength, Modality.endurance}


def post(m: WeekModel):
    if m.partitioned:
        sessions = m.plan.sessions
        return m.pattern_cost(lambda a, b: int({sessions[a].modality, sessions[b].modality} == BOTH))
    return sum(
        m.same_day(s.index, e.index)
        for s, e in strength_endurance_pairs(m.items)
        if m.may_share_day(s.index, e.index)
    )


def penalty(week: Week) -> int:
    placed = week.by_occurrence()
    return sum(1 for s, e in strength_endurance_pairs(week.plan.occurrences) if placed[s.index].day == placed[e.index].day)


def reasons(week: Week) -> dict[int, list[str]]:
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        if placed[s.index].day == placed[e.index].day:
            for index, other in ((s.index, placed[e.index]), (e.index, placed[s.index])):
                found.setdefault(index, []).append(
                    f"shares the day with {other.occurrence.label}: your free time left no better split"
                )
    return found
