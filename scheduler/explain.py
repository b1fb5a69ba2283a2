"""Why each session sits where it does, and what moving it to another day would do.

The reasons come from the rule modules; the alternatives are found without the solver:
each session is tried at every free start of every other day, with the rest of the week
left as it is, and the rules' own checkers and penalties judge each try. A day is either
blocked (the hard rules that no start there escapes) or open at an extra cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainweek.constraints import ALL_RULES, HARD_RULES, REASON_ORDER, SOFT_OBJECTIVES
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.week import Placement, Reason, Week

# Each objective's words for a change in its cost ("a second demanding day in a row (hard_easy +8)").
_PHRASES = {rule.NAME: rule.cost_phrase for rule in SOFT_OBJECTIVES}

# Reasons are listed in REASON_ORDER (every rule, from the registry): what decided the
# slot first, context after.


@dataclass
class Alternative:
    """The same session on another day, the rest of the week unchanged."""

    day: int
    blocked_by: dict[str, str] = field(default_factory=dict)
    extra_cost: float | None = None
    extra_parts: dict[str, float] = field(default_factory=dict)
    best_start: str | None = None

    @property
    def sentence(self) -> str:
        day = WEEKDAY_NAMES[self.day]
        if self.blocked_by:
            first_rule, message = next(iter(self.blocked_by.items()))
            others = [name for name in self.blocked_by if name != first_rule]
            more = f" (also {', '.join(others)})" if others else ""
            return f"not on {day}: {first_rule}{more}: {message}"
        if not self.extra_cost:
            return f"{day} at {self.best_start} would score the same (a tie; the solver picked one)"
        worse = "; ".join(_PHRASES[name](value) for name, value in self.extra_parts.items() if value > 0)
        better = "; ".join(_PHRASES[name](value) for name, value in self.extra_parts.items() if value < 0)
        offset = f"; less of: {better}" if better else ""
        return f"{day} at {self.best_start} would cost {self.extra_cost:+g}: {worse}{offset}"


def reasons(week: Week) -> dict[int, list[Reason]]:
    """Each rule's sentences about each session, in REASON_ORDER.

    Worked out once per solved week, by `checking.finished_week`: read them from
    `week.explanations` (or `week.reasons` for the sentences alone).
    """
    by_rule = {rule.NAME: rule.reasons(week) for rule in ALL_RULES}
    return {
        p.occurrence.index: [
            Reason(name, text) for name in REASON_ORDER for text in by_rule[name].get(p.occurrence.index, [])
        ]
        for p in week.placements
    }


def _moved(week: Week, placement: Placement, start: int) -> Week:
    starts = week.starts() | {placement.occurrence.index: start}
    return Week.from_starts(week.plan, week.frame, starts, week.weights)


def _weighted_parts(week: Week) -> dict[str, float]:
    return {rule.NAME: week.weights[rule.NAME] * rule.penalty(week) for rule in SOFT_OBJECTIVES}


def alternatives(week: Week, only: int | None = None) -> dict[int, list[Alternative]]:
    """Per session (or only the session with occurrence index `only`), what each other day with free time would mean."""
    frame, step = week.frame, week.frame.step
    current = _weighted_parts(week)
    found: dict[int, list[Alternative]] = {}
    for placement in week.placements:
        if only is not None and placement.occurrence.index != only:
            continue
        options = []
        for day in range(7):
            if day == placement.day:
                continue
            ranges = frame.session_start_ticks(placement.spec, day)
            if not ranges:
                continue
            option = Alternative(day)
            fewest: dict[str, str] | None = None
            for first, last in ranges:
                for tick in range(first, last + 1):
                    trial = _moved(week, placement, tick * step)
                    broken = {rule.NAME: problems[0] for rule in HARD_RULES if (problems := rule.check(trial))}
                    if broken:
                        if fewest is None or len(broken) < len(fewest):
                            fewest = broken
                        continue
                    parts = _weighted_parts(trial)
                    extra = round(sum(parts.values()) - sum(current.values()), 2)
                    if option.extra_cost is None or extra < option.extra_cost:
                        option.extra_cost = extra
                        option.extra_parts = {name: round(parts[name] - current[name], 2) for name in parts}
                        option.best_start = f"{trial.by_occurrence()[placement.occurrence.index].local_start:%H:%M}"
            if option.extra_cost is None:
                option.blocked_by = fewest or {}
            options.append(option)
        found[placement.occurrence.index] = options
    return found
