"""Say why no week exists, and which single change would give one, within the time left.

The hard rules are posted behind enforcement literals and solved with those literals as
assumptions (one worker, as CP-SAT requires for this); its sufficient assumptions for
infeasibility name the rules in conflict, and each rule module says in words what part it
plays (`conflict`) and how it could be loosened (`relaxations`). A session that fits in
no free window is caught before that, when its start domain comes out empty. Every
suggested change is checked by solving again with it applied, so only changes that really
yield a week are offered.

All of it shares the command's time limit (`deadline`): the conflict search and each
re-solve get a share of what is left, at most SEARCH_SECONDS each. A re-solve that runs
out of time is unknown, never counted as "no week": the message then says how many
changes could not be checked, rather than that none would help. If the conflict search
itself runs out of time, the rules are tried one at a time (a rule without which a week
exists is in the conflict), and the message says the search ran out of time and which
rules it found so far.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from ortools.sat.python import cp_model

from trainweek.constraints import HARD_RULES, availability
from trainweek.constraints.rule import HardRule, Relaxation, changed, count
from trainweek.scheduler.errors import NoWeekExists
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.interrupt import search
from trainweek.scheduler.model import NoRoom, WeekModel
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS, format_clock

# No one solve of a diagnosis runs longer than this, whatever time is left.
SEARCH_SECONDS = 10.0


class Infeasible(NoWeekExists):
    """No week satisfies the hard rules (proven by the solve before the diagnosis).

    `culprits` names the rules (or inputs) found in conflict; `fixes` are single changes
    to the plan, each checked to give a week. `conflict_complete` is False when the
    search for the conflict ran out of time (then `culprits` holds what it found so far),
    and `unchecked` counts the kinds of change that could not be checked in time.
    """

    def __init__(
        self,
        message: str,
        culprits: list[str],
        fixes: list[Relaxation] | None = None,
        *,
        conflict_complete: bool = True,
        unchecked: int = 0,
    ) -> None:
        super().__init__(message)
        self.culprits = culprits
        self.fixes = fixes or []
        self.conflict_complete = conflict_complete
        self.unchecked = unchecked


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _hard_model(plan: Plan, frame: WeekFrame, relaxable: bool) -> WeekModel:
    m = WeekModel(plan, WeekFrame(plan, frame.week_start, frame.before, frame.race, frame.after), relaxable=relaxable)
    for rule in HARD_RULES:
        rule.post(m)
    return m


def _solver(seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    return solver


def feasible(plan: Plan, frame: WeekFrame, seconds: float = SEARCH_SECONDS) -> bool | None:
    """True if some week keeps every hard rule, False if none does, None if not settled in time."""
    try:
        m = _hard_model(plan, frame, relaxable=False)
    except NoRoom:
        return False
    if seconds <= 0:
        return None
    status = search(_solver(seconds), m.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return False if status == cp_model.INFEASIBLE else None


@dataclass
class Conflict:
    """What the conflict search found: the rules in it and the inputs to blame."""

    rules: list[HardRule]
    inputs: list[str] = field(default_factory=list)
    complete: bool = True
    unsettled: list[HardRule] = field(default_factory=list)

    @property
    def culprits(self) -> list[str]:
        return [rule.NAME for rule in self.rules] + self.inputs


def find_conflict(plan: Plan, frame: WeekFrame, deadline: float) -> Conflict:
    """The hard rules whose enforcement literals CP-SAT needs to prove there is no week.

    When no rule is needed the sessions do not fit in the free time: availability, which
    is posted as the start domains and has no literal, is the one in conflict.
    """
    try:
        m = _hard_model(plan, frame, relaxable=True)
    except NoRoom:
        return Conflict([availability], ["busy"] if frame.busy_blocks else [])
    literals = {rule: m.rule_literals[rule.NAME] for rule in HARD_RULES if rule.NAME in m.rule_literals}
    m.model.add_assumptions(list(literals.values()))
    solver = _solver(min(SEARCH_SECONDS, _left(deadline) / 2))
    if search(solver, m.model) == cp_model.INFEASIBLE:
        core = set(solver.sufficient_assumptions_for_infeasibility())
        return Conflict([rule for rule, literal in literals.items() if literal.index in core] or [availability])
    return _one_rule_at_a_time(plan, frame, list(literals), deadline)


def _one_rule_at_a_time(plan: Plan, frame: WeekFrame, rules: list[HardRule], deadline: float) -> Conflict:
    """After a conflict search that ran out of time: each rule without which a week exists is in the conflict.

    Half of the time left is spent here, the rest on checking changes.
    """
    found, unsettled = [], []
    for number, rule in enumerate(rules):
        seconds = min(SEARCH_SECONDS, _left(deadline) / (2 * (len(rules) - number)))
        week = None
        if seconds > 0:
            m = _hard_model(plan, frame, relaxable=True)
            m.model.add_assumptions([literal for name, literal in m.rule_literals.items() if name != rule.NAME])
            status = search(_solver(seconds), m.model)
            week = True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else False if status == cp_model.INFEASIBLE else None
        if week:
            found.append(rule)
        elif week is None:
            unsettled.append(rule)
    return Conflict(found, complete=False, unsettled=unsettled)


def _busy_relaxations(plan: Plan, frame: WeekFrame) -> Iterator[Relaxation]:
    for block in frame.busy_blocks:
        remaining = [entry for entry in plan.busy if entry != block.label]
        yield Relaxation("busy", f"free the busy block '{block.label}'", partial(changed, busy=remaining))


def _drop_one(plan: Plan) -> Iterator[Relaxation]:
    for spec in plan.sessions:
        if spec.times > 1:
            fewer = spec.model_copy(update={"times": spec.times - 1})
            sessions = [fewer if s is spec else s for s in plan.sessions]
            text = f"one '{spec.name}' fewer ({spec.times - 1} a week)"
        else:
            sessions = [s for s in plan.sessions if s is not spec]
            text = f"drop '{spec.name}'"
        if sessions:
            yield Relaxation("sessions", text, partial(changed, sessions=sessions))


def _add_window(plan: Plan) -> Iterator[Relaxation]:
    longest = max(s.duration for s in plan.sessions)
    end = min(24 * 60, 17 * 60 + max(4 * 60, longest + 30))
    with_windows = {day for day, windows in plan.availability.items() if windows}
    for day, name in enumerate(WEEKDAYS):
        if name not in with_windows:
            windows = dict(plan.availability) | {name: [(17 * 60, end)]}
            text = f"add a window on {WEEKDAY_NAMES[day]} (e.g. 17:00-{format_clock(end)})"
            yield Relaxation("availability", text, partial(changed, availability=windows))


def candidate_groups(plan: Plan, frame: WeekFrame, conflict: Conflict) -> list[Iterable[Relaxation]]:
    """The kinds of change to try, each a group of candidates, the smallest change first.

    First each rule's main relaxation, then the rules' other ones (as one visit for
    modality_gap); then, whatever the conflict, more free time or fewer sessions.
    """
    per_rule = [rule.relaxations(plan, frame) for rule in conflict.rules + conflict.unsettled]
    rounds = itertools.zip_longest(*per_rule)
    groups: list[Iterable[Relaxation]] = [group for round_ in rounds for group in round_ if group is not None]
    return groups + [_busy_relaxations(plan, frame), _add_window(plan), _drop_one(plan)]


def _first_that_works(
    candidates: Iterable[Relaxation], plan: Plan, frame: WeekFrame, until: float
) -> tuple[Relaxation | None, bool]:
    """The first change that gives a week before `until`, and whether any was left unsettled."""
    unsure = False
    for relaxation in candidates:
        left = _left(until)
        if left <= 0:
            return None, True
        works = feasible(relaxation.apply(plan), frame, min(SEARCH_SECONDS, left))
        if works:
            return relaxation, unsure
        unsure = unsure or works is None
    return None, unsure


def diagnose(plan: Plan, frame: WeekFrame, deadline: float | None = None) -> Infeasible:
    """The Infeasible error to raise: the conflict in words and checked ways out.

    `deadline` is a time.monotonic() instant (the command's time limit); by default there
    is no limit but SEARCH_SECONDS per solve.
    """
    if deadline is None:
        deadline = float("inf")
    conflict = find_conflict(plan, frame, deadline)
    described = "; ".join(rule.conflict(plan, frame) for rule in conflict.rules)
    if conflict.complete:
        message = f"No week satisfies the rules: {described}."
    elif conflict.rules:
        message = f"No week satisfies the rules. The search for the rules in conflict ran out of time; so far: {described}."
    else:
        message = "No week satisfies the rules. The search for the rules in conflict ran out of time before it found one."
    groups = candidate_groups(plan, frame, conflict)
    fixes, unchecked = [], 0
    for number, group in enumerate(groups):
        until = time.monotonic() + _left(deadline) / (len(groups) - number)
        fix, unsure = _first_that_works(group, plan, frame, until)
        if fix is not None:
            fixes.append(fix)
        elif unsure:
            unchecked += 1
    if fixes:
        message += " Relax one of: " + ", ".join(fix.text for fix in fixes) + "."
        if unchecked:
            message += f" ({count(unchecked, 'other kind')} of change could not be checked in time.)"
    elif unchecked:
        message += (
            f" No change tried gives a week, but {count(unchecked, 'kind')} of change could not be checked in time: "
            "raise --time-limit to check them, or drop sessions or add free time."
        )
    else:
        message += " No single change gives a week; drop sessions or add free time."
    return Infeasible(message, conflict.culprits, fixes, conflict_complete=conflict.complete, unchecked=unchecked)
