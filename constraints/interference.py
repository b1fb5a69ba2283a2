"""Soft objective `interference`: strength and endurance work far apart, graded by closeness.

RULES.md version 2: the hard minimum between a lift and an endurance session is only a
short rest (`modality_gap`); closer than 6 h the endurance work still blunts the lift (and
tires the legs for it), the more the closer. For each lift/endurance pair the gap is
measured end to start, in either order (and, when the week repeats, to the copies in the
weeks before and after, so Sunday evening and Monday morning are close). Closeness
c = max(0, ceil((360 - gap) / 30)): 0 from 6 h on, 12 for the 10-20 min rest of one visit
(a lift 18:00-19:00 then a run 19:30 is 11, a 15 min gap 12). Each pair's closeness is
scaled by k = pair x intensity: pair 4 for a run with a lift loading the lower body, 2 for
a bike or row with such a lift or a swim or row with a lift loading the upper body, 1 for
any other pair; intensity w(lift) + w(endurance), w = 2 for a demanding session, else 1.
Penalty: the sum of k x c.

Model: only pairs whose start domains allow a gap under 6 h get a term. Within the week,
with the pair's order boolean `before` (shared with goal_order), c is an integer 0..12
with 30 c >= 360 - gap under the order that holds: exact, as c only ever costs. Across
the week boundary the order is fixed (the next week's copy comes later), so the bound is
linear without a boolean. At most one of these can be positive for a pair.

Default weight: 1 for strength and power, 0.5 for hypertrophy, endurance and general
fitness, 0.25 for fat loss (the article is firmest about lower-body strength).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.constraints.rule import lift_and_endurance, strength_endurance_pairs
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import format_minutes
from trainweek.scheduler.training import Goal, Kind
from trainweek.scheduler.week import Placement, Week

if TYPE_CHECKING:
    from trainweek.scheduler.plan import Occurrence, Plan

NAME = "interference"
HARD = False
TITLE = "interference between lifting and endurance"
DEFAULT_WEIGHTS = {
    Goal.strength: 1,
    Goal.hypertrophy: 0.5,
    Goal.power: 1,
    Goal.endurance: 0.5,
    Goal.fat_loss: 0.25,
    Goal.general: 0.5,
}
FAR = 6 * 60  # from this gap on, no cost
STEP = 30  # closeness grows by 1 per 30 min closer
MOST = FAR // STEP


def pair_factor(lift: Occurrence, endurance: Occurrence) -> int:
    """4 run with a lift loading the lower body; 2 bike/row with one, or swim/row with an upper-body lift; else 1."""
    regions = lift.spec.regions
    kind = endurance.spec.kind
    if "lower" in regions and kind is Kind.run:
        return 4
    if "lower" in regions and kind in (Kind.bike, Kind.row):
        return 2
    if "upper" in regions and kind in (Kind.swim, Kind.row):
        return 2
    return 1


def factor(lift: Occurrence, endurance: Occurrence) -> int:
    """k = pair x intensity (w = 2 for a demanding session, 1 otherwise)."""
    return pair_factor(lift, endurance) * ((2 if lift.demanding else 1) + (2 if endurance.demanding else 1))


def closeness(gap: int) -> int:
    """max(0, ceil((360 - gap) / 30)): 12 at a 10 min gap, 0 from 6 h on."""
    return max(0, math.ceil((FAR - gap) / STEP))


def _starts(m: WeekModel, index: int) -> cp_model.Domain:
    """The session's possible starts in real minutes."""
    flat: list[int] = []
    for steps in m.day_steps[index].values():
        flat.extend(value * m.grid for value in steps.flattened_intervals())
    return cp_model.Domain.from_flat_intervals(flat)


def _can_be_close(differences: cp_model.Domain, low: int, high: int) -> bool:
    return not differences.intersection_with(cp_model.Domain(low, high)).is_empty()


def post(m: WeekModel) -> cp_model.LinearExpr | int:
    wrap = m.frame.length if m.plan.rules.repeat_weekly else None
    terms = []
    for s, e in strength_endurance_pairs(m.items):
        k = factor(s, e)
        ds, de = s.spec.duration, e.spec.duration
        # d = start_e - start_s; gap < FAR in the week when -(de + FAR) < d < ds + FAR.
        differences = _starts(m, e.index).addition_with(_starts(m, s.index).negation())
        d = m.start(e.index) - m.start(s.index)
        # Beyond 12 only when the sessions overlap, which the hard rules forbid unless diagnosing.
        most = MOST + (ds + de) // STEP + 1
        if _can_be_close(differences, -(de + FAR) + 1, ds + FAR - 1):
            c = m.model.new_int_var(0, most, f"closeness[{s.index},{e.index}]")
            m.model.add(STEP * c >= FAR - (d - ds)).only_enforce_if(m.before(s.index, e.index))
            m.model.add(STEP * c >= FAR - (-d - de)).only_enforce_if(m.before(e.index, s.index))
            terms.append(k * c)
        if wrap is None:
            continue
        # Next week's endurance copy after this lift: gap = d + wrap - ds.
        if _can_be_close(differences, -de - FAR + 1 - wrap, ds + FAR - 1 - wrap):
            c = m.model.new_int_var(0, most, f"closeness_next[{s.index},{e.index}]")
            m.model.add(STEP * c >= FAR - (d + wrap - ds))
            terms.append(k * c)
        # Next week's lift copy after this endurance session: gap = wrap - d - de.
        if _can_be_close(differences, wrap - de - FAR + 1, wrap + ds + FAR - 1):
            c = m.model.new_int_var(0, most, f"closeness_prev[{s.index},{e.index}]")
            m.model.add(STEP * c >= FAR - (wrap - d - de))
            terms.append(k * c)
    return sum(terms)


def pair_floor(plan: Plan, a: Occurrence, b: Occurrence, apart: int, first: Occurrence | None) -> int:
    """Least k x c of a lift and an endurance session on one day at most `apart` minutes apart (day_floor)."""
    pair = lift_and_endurance(a, b)
    return 0 if pair is None else factor(*pair) * closeness(apart)


def _gap(a: Placement, b: Placement, shift: int) -> int:
    """End to start between a and b moved by `shift` minutes, in whichever order they come."""
    return max(b.start + shift - a.end, a.start - (b.end + shift))


def pair_closeness(week: Week, lift: Placement, endurance: Placement) -> tuple[int, int]:
    """(closeness, the gap that gives it) for a placed pair, the copies of other weeks included."""
    shifts = [0, week.frame.length, -week.frame.length] if week.plan.rules.repeat_weekly else [0]
    gap = min(_gap(lift, endurance, shift) for shift in shifts)
    return sum(closeness(_gap(lift, endurance, shift)) for shift in shifts), gap


def costs(week: Week) -> list[tuple[Placement, Placement, int, int]]:
    """(lift, endurance, k x c, gap) for each pair that costs."""
    placed = week.by_occurrence()
    found = []
    for s, e in strength_endurance_pairs(week.plan.occurrences):
        c, gap = pair_closeness(week, placed[s.index], placed[e.index])
        if c:
            found.append((placed[s.index], placed[e.index], factor(s, e) * c, gap))
    return found


def penalty(week: Week) -> int:
    return sum(cost for _, _, cost, _ in costs(week))


def reasons(week: Week) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for lift, endurance, cost, gap in costs(week):
        for here, other in ((lift, endurance), (endurance, lift)):
            found.setdefault(here.occurrence.index, []).append(
                f"only {format_minutes(gap)} from {other.occurrence.label}: the closer lifting and endurance "
                f"work sit, the more the endurance work blunts the lift (interference +{cost})"
            )
    return found


def cost_phrase(raw: float) -> str:
    return f"lifting and endurance work close together (interference {raw:+g})"
