"""Hard rule `no_overlap`: a person does one session at a time."""

from __future__ import annotations

from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.week import Week

NAME = "no_overlap"
HARD = True
TITLE = "one session at a time"


def post(m: WeekModel) -> None:
    m.model.add_no_overlap(m.interval.values())


def check(week: Week) -> list[str]:
    ordered = sorted(week.placements, key=lambda p: p.start)
    return [
        f"{a.occurrence.label} ({a.when}) overlaps {b.occurrence.label} ({b.when})"
        for a, b in zip(ordered, ordered[1:])
        if b.start < a.end
    ]


def reasons(week: Week) -> dict[int, list[str]]:
    return {}
