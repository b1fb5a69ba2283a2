"""Say why no week exists, and which single change would give one.

The hard rules are posted behind enforcement literals and solved with those literals as
assumptions (one worker, as CP-SAT requires for this); its sufficient assumptions for
infeasibility name the rules in conflict. A session that fits in no free window is
caught before that, when its start domain comes out empty. Every suggested relaxation
is checked by solving again with it applied, so only changes that really yield a week
are offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from ortools.sat.python import cp_model

from trainweek.constraints import HARD_RULES
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.model import NoRoom, WeekModel
from trainweek.scheduler.plan import Occurrence, Plan
from trainweek.scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS, format_clock, format_minutes
from trainweek.scheduler.training import Modality

SEARCH_SECONDS = 10.0


@dataclass(frozen=True)
class Relaxation:
    """One change to the plan, in words and as a function."""

    rule: str
    text: str
    apply: Callable[[Plan], Plan]


def _hard_model(plan: Plan, frame: WeekFrame, relaxable: bool) -> WeekModel:
    m = WeekModel(plan, WeekFrame(plan, frame.week_start), relaxable=relaxable)
    for rule in HARD_RULES:
        rule.post(m)
    return m


def _solver() -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = SEARCH_SECONDS
    return solver


def feasible(plan: Plan, frame: WeekFrame) -> bool:
    try:
        m = _hard_model(plan, frame, relaxable=False)
    except NoRoom:
        return False
    return _solver().solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def conflicting_rules(plan: Plan, frame: WeekFrame) -> list[str]:
    """Names of hard rules whose enforcement literals CP-SAT needs for the conflict."""
    m = _hard_model(plan, frame, relaxable=True)
    names = list(m.rule_literals)
    m.model.add_assumptions([m.rule_literals[name] for name in names])
    solver = _solver()
    if solver.solve(m.model) != cp_model.INFEASIBLE:
        return names
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [name for name in names if m.rule_literals[name].index in core]


def _with_rules(plan: Plan, **changes) -> Plan:
    return plan.model_copy(update={"rules": plan.rules.model_copy(update=changes)})


def _rule_relaxations(plan: Plan, rule: str) -> Iterator[Relaxation]:
    """Ways to loosen one rule, the smallest change first."""
    rules = plan.rules
    if rule == "rest_days":
        for fewer in range(rules.rest_days - 1, -1, -1):
            yield Relaxation(rule, f"rest_days to {fewer}", lambda p, n=fewer: _with_rules(p, rest_days=n))
    elif rule == "sessions_per_day":
        for more in range(rules.max_sessions_per_day + 1, 5):
            yield Relaxation(rule, f"max_sessions_per_day to {more}", lambda p, n=more: _with_rules(p, max_sessions_per_day=n))
    elif rule == "modality_gap":
        for hours in range(rules.separate_modalities_by // 60 - 1, -1, -1):
            yield Relaxation(
                rule, f"separate_modalities_by to {hours}h", lambda p, h=hours: _with_rules(p, separate_modalities_by=h * 60)
            )
    elif rule == "hard_recovery":
        for hours in range(rules.hard_recovery // 60 - 6, -1, -6):
            yield Relaxation(rule, f"hard_recovery to {hours}h", lambda p, h=hours: _with_rules(p, hard_recovery=h * 60))


def _visit_relaxation(plan: Plan) -> Iterator[Relaxation]:
    if not plan.rules.same_visit.allowed:
        visit = plan.rules.same_visit.model_copy(update={"allowed": True})
        text = "same_visit allowed: true (lift and run in one visit)"
        yield Relaxation("modality_gap", text, lambda p: _with_rules(p, same_visit=visit))


def _busy_relaxations(plan: Plan, frame: WeekFrame) -> Iterator[Relaxation]:
    for block in frame.busy_blocks:
        remaining = [entry for entry in plan.busy if entry != block.label]
        yield Relaxation("busy", f"free the busy block '{block.label}'", lambda p, b=remaining: p.model_copy(update={"busy": b}))


def _shorter(plan: Plan, frame: WeekFrame, item: Occurrence) -> Iterator[Relaxation]:
    longest = max((b.length for day in range(7) for b in frame.free_blocks(day)), default=0)
    if 0 < longest < item.spec.duration:
        spec = item.spec
        shorter = spec.model_copy(update={"duration": longest})
        sessions = [shorter if s is spec else s for s in plan.sessions]
        yield Relaxation(
            "sessions", f"'{spec.name}' down to {format_minutes(longest)}", lambda p, s=sessions: p.model_copy(update={"sessions": s})
        )


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
            yield Relaxation("sessions", text, lambda p, s=sessions: p.model_copy(update={"sessions": s}))


def _add_window(plan: Plan) -> Iterator[Relaxation]:
    longest = max(s.duration for s in plan.sessions)
    end = min(24 * 60, 17 * 60 + max(4 * 60, longest + 30))
    for day, name in enumerate(WEEKDAYS):
        if not plan.availability.get(name):
            availability = dict(plan.availability) | {name: [(17 * 60, end)]}
            text = f"add a window on {WEEKDAY_NAMES[day]} (e.g. 17:00-{format_clock(end)})"
            yield Relaxation("availability", text, lambda p, a=availability: p.model_copy(update={"availability": a}))


def describe(rule: str, plan: Plan, frame: WeekFrame) -> str:
    """The conflict one rule takes part in, with the numbers that make it."""
    rules = plan.rules
    items = plan.occurrences
    if rule == "rest_days":
        training = sum(1 for i in items if i.trains)
        no_window = [WEEKDAY_NAMES[d] for d, name in enumerate(WEEKDAYS) if not plan.availability.get(name)]
        text = f"{_count(training, 'session')} must share {7 - rules.rest_days} training days (rest_days: {rules.rest_days})"
        return text + (f", and availability has no window on {', '.join(no_window)}" if no_window else "")
    if rule == "sessions_per_day":
        return f"at most {rules.max_sessions_per_day} sessions a day (max_sessions_per_day)"
    if rule == "modality_gap":
        lifts = sum(1 for i in items if i.spec.modality is Modality.strength)
        endurance = sum(1 for i in items if i.spec.modality is Modality.endurance)
        visit = (
            f"or one visit with {rules.same_visit.rest[0]}-{rules.same_visit.rest[1]} min rest"
            if rules.same_visit.allowed
            else "same_visit not allowed"
        )
        return (
            f"{_count(lifts, 'lift')} and {_count(endurance, 'endurance session')} must be "
            f"{format_minutes(rules.separate_modalities_by)} apart (separate_modalities_by; {visit})"
        )
    if rule == "hard_recovery":
        hard = [i for i in items if i.is_hard]
        return (
            f"{_count(len(hard), 'hard session')} must be {format_minutes(rules.hard_recovery)} apart where they load the "
            "same body region (hard_recovery)"
        )
    return rule


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _no_room(frame: WeekFrame, item: Occurrence) -> str:
    blocks = [b for day in range(7) for b in frame.free_blocks(day)]
    notes = "".join(f"; {note}" for note in frame.clock_notes())
    if not blocks:
        cause = "busy blocks cover every window" if frame.busy_blocks else "no window has any time"
        return f"{item.label} has nowhere to go: {cause}{notes}"
    longest = max(blocks, key=lambda b: b.length)
    after = ", once busy blocks are taken out" if frame.busy_blocks else ""
    return (
        f"{item.label} ({format_minutes(item.spec.duration)}) fits in no free window: the longest is "
        f"{format_minutes(longest.length)} ({WEEKDAY_NAMES[longest.day]} "
        f"{format_clock(longest.start)}-{format_clock(longest.end)}){after}{notes}"
    )


def _first_that_works(candidates: Iterator[Relaxation], plan: Plan, frame: WeekFrame) -> Relaxation | None:
    return next((r for r in candidates if feasible(r.apply(plan), frame)), None)


def diagnose(plan: Plan, frame: WeekFrame) -> Exception:
    """The Infeasible error to raise: the conflict in words and checked ways out."""
    from trainweek.scheduler.solve import Infeasible

    try:
        culprits = conflicting_rules(plan, frame)
        conflict = "; ".join(describe(rule, plan, frame) for rule in culprits)
        unplaceable = None
    except NoRoom as error:
        unplaceable = error.item
        culprits = ["availability"] + (["busy"] if frame.busy_blocks else [])
        conflict = _no_room(frame, unplaceable)
    if not culprits:
        culprits = ["availability"]
        needed = sum(item.spec.duration for item in plan.occurrences)
        free = sum(b.length for day in range(7) for b in frame.free_blocks(day))
        conflict = (
            f"{_count(len(plan.occurrences), 'session')} ({format_minutes(needed)}) do not fit in your free "
            f"windows ({format_minutes(free)} on {sum(1 for d in range(7) if frame.free_blocks(d))} days)"
            + "".join(f"; {note}" for note in frame.clock_notes())
        )
    groups: list[Iterator[Relaxation]] = [_rule_relaxations(plan, rule) for rule in culprits]
    if "modality_gap" in culprits:
        groups.append(_visit_relaxation(plan))
    if unplaceable is not None:
        groups.append(_shorter(plan, frame, unplaceable))
    groups += [_busy_relaxations(plan, frame), _add_window(plan), _drop_one(plan)]
    fixes = [fix for group in groups if (fix := _first_that_works(group, plan, frame))]
    message = f"No week satisfies the rules: {conflict}."
    if fixes:
        message += " Relax one of: " + ", ".join(fix.text for fix in fixes) + "."
    else:
        message += " No single change gives a week; drop sessions or add free time."
    return Infeasible(message, culprits, fixes)
