"""One module per training rule: each posts itself to the CP-SAT model and checks a finished week.

Hard rules expose ``check(week) -> list[str]`` (what is wrong, empty when the week obeys);
soft objectives expose ``penalty(week) -> int`` (the raw penalty the solver minimised,
recomputed in plain Python). Both expose ``reasons(week)``: sentences per session.
"""

from trainweek.constraints import (
    availability,
    consistency,
    fatigue_spread,
    goal_order,
    hard_recovery,
    modality_gap,
    no_overlap,
    preferred_times,
    repeat_days,
    rest_days,
    separation,
    sessions_per_day,
)

HARD_RULES = (availability, no_overlap, modality_gap, rest_days, sessions_per_day, hard_recovery, repeat_days)
SOFT_OBJECTIVES = (goal_order, separation, fatigue_spread, preferred_times, consistency)
ALL_RULES = HARD_RULES + SOFT_OBJECTIVES
