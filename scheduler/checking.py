"""Judge a placed week with the rules' own plain-Python code, and build the finished week.

`broken_rules` says what a week breaks and `penalties` what it costs; neither changes the
week. `finished_week` is the one place a week is completed: from the starts the solver (or
greedy) chose, it places the sessions, refuses a week a checker rejects, scores it and
works out each session's reasons, once.
"""

from __future__ import annotations

from trainweek.constraints import broken_rules, penalties
from trainweek.scheduler.explain import reasons
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.week import Week


class RuleBroken(AssertionError):
    """The solver returned a week a checker rejects: a bug in a rule's model."""


def finished_week(
    plan: Plan,
    frame: WeekFrame,
    starts: dict[int, int],
    weights: dict[str, float],
    *,
    status: str,
    bound: float | None = None,
    solve_seconds: float = 0.0,
    clock_stopped: bool = False,
) -> Week:
    """The week these starts give, checked, scored and explained.

    Raises `RuleBroken` when a hard rule's checker rejects it.
    """
    placed = Week.from_starts(plan, frame, starts, weights)
    problems = broken_rules(placed)
    if problems:
        raise RuleBroken("; ".join(problems))
    parts = penalties(placed)
    return Week(
        plan=placed.plan,
        frame=placed.frame,
        placements=placed.placements,
        weights=weights,
        status=status,
        objective=round(sum(weights[name] * raw for name, raw in parts.items()), 2),
        bound=bound,
        parts=parts,
        solve_seconds=solve_seconds,
        clock_stopped=clock_stopped,
        explanations={index: tuple(found) for index, found in reasons(placed).items()},
    )
