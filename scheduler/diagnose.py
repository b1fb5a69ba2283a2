"""Say why no week exists, and which single change would give one.

The hard rules are posted behind enforcement literals and solved with those literals as
assumptions; CP-SAT's sufficient assumptions for infeasibility name the rules in
conflict. Every suggested relaxation is then checked by solving again with it applied,
so only changes that really yield a week are offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from ortools.sat.python import cp_model

from constraints import HARD_RULES
from scheduler.frame import WeekFrame
from scheduler.model import NoRoom, WeekModel
from scheduler.plan import Plan
from scheduler.timetext import WEEKDAYS, WEEKDAY_NAMES, format_minutes
from scheduler.training import Modality

SEARCH_SECONDS = 10.0


@dataclass(frozen=True)
class Relaxation:
    rule: str
    text: str
    apply: Callable[[Plan], Plan]


def feasible(plan: Plan, frame: WeekFrame) -> bool:
    try:
        m = WeekModel(plan, WeekFrame(plan, frame.week_start))
    except NoRoom:
        return False
    for rule in HARD_RULES:
        rule.post(m)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = SEARCH_SECONDS
    return solver.solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def conflicting_rules(plan: Plan, frame: WeekFrame) -> list[str]:
    """Names of hard rules whose enforcement literals CP-SAT needs for the conflict."""
    m = WeekModel(plan, frame, relaxable=True)
    for rule in HARD_RULES:
        rule.post(m)
    names = list(m.rule_literals)
    m.model.add_assumptions([m.rule_literals[name] for name in names])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = SEARCH_SECONDS
    if solver.solve(m.model) != cp_model.INFEASIBLE:
        return names
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [name for name in names if m.rule_literals[name].index in core]


def _with_rules(plan: Plan, **changes) -> Plan:
    return plan.model_copy(update={"rules": plan.rules.model_copy(update=changes)})


def _candidates(plan: Plan, rule: str) -> Iterator[Relaxation]:
    rules = plan.rules
    if rule == "rest_days":
        for fewer in range(rules.rest_days - 1, -1, -1):
            yield Relaxation(rule, f"rest_days to {fewer}", lambda p, n=fewer: _with_rules(p, rest_days=n))
    elif rule == "sessions_per_day":
        for more in range(rules.max_sessions_per_day + 1, 5):
            yield Relaxation(rule, f"max_sessions_per_day to {more}", lambda p, n=more: _with_rules(p, max_sessions_per_day=n))
    elif rule == "modality_gap":
        if not rules.same_visit.allowed:
            visit = rules.same_visit.model_copy(update={"allowed": True})
            yield Relaxation(rule, "same_visit allowed: true (lift and run in one visit)", lambda p: _with_rules(p, same_visit=visit))
        for hours in range(rules.separate_modalities_by // 60 - 1, -1, -1):
            yield Relaxation(
                rule, f"separate_modalities_by to {hours}h", lambda p, h=hours: _with_rules(p, separate_modalities_by=h * 60)
            )
    elif rule == "hard_recovery":
        for hours in range((rules.hard_recovery // 60) - 6, -1, -6):
            yield Relaxation(rule, f"hard_recovery to {hours}h", lambda p, h=hours: _with_rules(p, hard_recovery=h * 60))


def _drop_one(plan: Plan) -> Iterator[Relaxation]:
    for index, spec in enumerate(plan.sessions):
        if spec.times > 1:
            fewer = spec.model_copy(update={"times": spec.times - 1})
        else:
            fewer = None
        sessions = [s for s in plan.sessions if s is not spec] + ([fewer] if fewer else [])
        if sessions:
            text = f"one '{spec.name}' fewer ({spec.times - 1} a week)" if fewer else f"drop '{spec.name}'"
            yield Relaxation("sessions", text, lambda p, s=sessions: p.model_copy(update={"sessions": s}))


def _add_window(plan: Plan, frame: WeekFrame) -> Iterator[Relaxation]:
    longest = max((s.duration for s in plan.sessions), default=60)
    for day, name in enumerate(WEEKDAYS):
        if name not in plan.availability:
            window = (17 * 60, min(24 * 60, 17 * 60 + max(180, longest + 30)))
            availability = dict(plan.availability) | {name: [window]}
            text = f"add a window on {WEEKDAY_NAMES[day]} (e.g. 17:00-{window[1] // 60:02d}:{window[1] % 60:02d})"
            yield Relaxation("availability", text, lambda p, a=availability: p.model_copy(update={"availability": a}))


def describe(rule: str, plan: Plan) -> str:
    rules = plan.rules
    items = plan.occurrences
    if rule == "rest_days":
        training = sum(1 for i in items if i.trains)
        no_window = [WEEKDAY_NAMES[d] for d, name in enumerate(WEEKDAYS) if name not in plan.availability]
        days = 7 - rules.rest_days
        text = f"{training} sessions on at most {days} training days (rest_days: {rules.rest_days})"
        return text + (f"; no window on {', '.join(no_window)}" if no_window else "")
    if rule == "sessions_per_day":
        return f"at most {rules.max_sessions_per_day} sessions a day (max_sessions_per_day)"
    if rule == "modality_gap":
        lifts = sum(1 for i in items if i.spec.modality is Modality.strength)
        endurance = sum(1 for i in items if i.spec.modality is Modality.endurance)
        visit = "one visit with 10-20 min rest" if rules.same_visit.allowed else "same visits not allowed"
        return (
            f"{lifts} lifts and {endurance} endurance sessions kept {format_minutes(rules.separate_modalities_by)} "
            f"apart (separate_modalities_by; {visit})"
        )
    if rule == "hard_recovery":
        hard = sum(1 for i in items if i.is_hard)
        return f"{hard} hard sessions, {format_minutes(rules.hard_recovery)} apart where they load the same region (hard_recovery)"
    if rule == "availability":
        return "the sessions do not fit in your free windows"
    return rule


def diagnose(plan: Plan, frame: WeekFrame) -> Exception:
    """The Infeasible error to raise: the conflict in words and verified ways out."""
    from scheduler.solve import Infeasible

    culprits = conflicting_rules(plan, frame) or ["availability"]
    fixes: list[str] = []
    for rule in culprits:
        for relaxation in _candidates(plan, rule):
            if feasible(relaxation.apply(plan), frame):
                fixes.append(relaxation.text)
                break
    for relaxation in _add_window(plan, frame):
        if feasible(relaxation.apply(plan), frame):
            fixes.append(relaxation.text)
            break
    for relaxation in _drop_one(plan):
        if feasible(relaxation.apply(plan), frame):
            fixes.append(relaxation.text)
            break
    conflict = "; ".join(describe(rule, plan) for rule in culprits)
    message = f"No week satisfies the rules. In conflict: {conflict}."
    if fixes:
        message += " Relax one of: " + ", ".join(fixes) + "."
    else:
        message += " No single change found; remove sessions or add free time."
    return Infeasible(message, culprits)
