"""Hard rule `week_boundary`: the rules that reach across days hold from the week before.

RULES.md version 2: a single week repeats, so its rules also hold from Sunday into the
next Monday (`repeat_weekly`). In a block the week before is real: week k is solved with
week k-1 as it was placed (`WeekFrame.before`), and what reaches over the boundary is
kept against it, not against a copy of the week itself:

- hard days (`easy_days_between`): a demanding session for a region last Sunday leaves
  the easier days it needs at the start of this week;
- the gaps in minutes, from the end of last week's session to the start of this week's:
  a clear run-in to a key session (`key_clearance`), hours between demanding sessions
  (`hard_recovery`) and stacked hard days (`stack_gap`), strength and endurance apart
  (`modality_gap`), a double (`double_gap`).

Nothing is posted for a week with no week before (a single week, or a block's first).
Posted as a lower bound on a session's start and as days it may not fall on, behind this
rule's literal; the checker measures the same in plain Python from the placements.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from trainweek.constraints.hard_days import region_words
from trainweek.constraints.rule import Relaxation, SizeProblem
from trainweek.scheduler.model import WeekModel
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_minutes
from trainweek.scheduler.training import Modality
from trainweek.scheduler.week import Placement, Week

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan, Rules

NAME = "week_boundary"
HARD = True
TITLE = "the rules across the week boundary"


def gaps(rules: Rules, earlier: Occurrence, later: Occurrence) -> list[tuple[int, str]]:
    """The minutes `later` must start after `earlier` ends, each with the rule it comes from."""
    found = []
    modalities = {earlier.spec.modality, later.spec.modality}
    if modalities == {Modality.strength, Modality.endurance} and rules.modality_gap:
        found.append((rules.modality_gap, "modality_gap"))
    if earlier.spec.modality is Modality.endurance is later.spec.modality and rules.double_gap:
        found.append((rules.double_gap, "double_gap"))
    if earlier.demanding and later.demanding and earlier.spec.regions & later.spec.regions:
        if rules.hard_recovery:
            found.append((rules.hard_recovery, "hard_recovery"))
        if rules.stack_gap is not None:
            found.append((rules.stack_gap, "stack_gap"))
        if later.is_key and rules.key_clearance:
            found.append((rules.key_clearance, "key_clearance"))
    return found


def first_day(rules: Rules, earlier: Placement, later: Occurrence) -> int:
    """The first day of this week `later` may fall on after `earlier` (day -1 is last Sunday)."""
    if earlier.occurrence.demanding and later.demanding and earlier.spec.regions & later.spec.regions:
        return earlier.day + rules.easy_days_between + 1
    return 0


def post(m: WeekModel) -> None:
    before = m.frame.before
    if not before:
        return
    rules = m.plan.rules
    literal = m.rule_literal(NAME)
    for item in m.items:
        earliest = max((p.end + gap for p in before for gap, _ in gaps(rules, p.occurrence, item)), default=0)
        if earliest > 0:
            m.model.add(m.start(item.index) >= earliest).only_enforce_if(literal)
        first = max((first_day(rules, p, item) for p in before), default=0)
        for day, flag in m.on_day[item.index].items():
            if day < first:
                m.model.add_bool_or([~literal, ~flag])


def _last_week(p: Placement) -> str:
    return f"last {WEEKDAY_NAMES[p.day % 7]}'s {p.occurrence.label} ({p.clock_range})"


def check(week: Week) -> list[str]:
    rules = week.plan.rules
    problems = []
    for p in week.frame.before:
        for q in week.placements:
            for gap, name in gaps(rules, p.occurrence, q.occurrence):
                if q.start < p.end + gap:
                    problems.append(
                        f"{q.occurrence.label} ({q.when}) starts {format_minutes(max(q.start - p.end, 0))} after "
                        f"{_last_week(p)}; {name} needs {format_minutes(gap)}"
                    )
            first = first_day(rules, p, q.occurrence)
            if q.day < first:
                words = region_words(p.spec.regions & q.spec.regions)
                problems.append(
                    f"{q.occurrence.label} ({q.when}) is demanding for the {words} too soon after {_last_week(p)}: "
                    f"they need {rules.easy_days_between} easier day(s) between (easy_days_between)"
                )
    return problems


def reasons(week: Week) -> dict[int, list[str]]:
    """Said of a session that sits as early as last week's sessions let it."""
    rules = week.plan.rules
    found: dict[int, list[str]] = {}
    for q in week.placements:
        for p in week.frame.before:
            first = first_day(rules, p, q.occurrence)
            if first > 0 and q.day == first:
                found.setdefault(q.occurrence.index, []).append(
                    f"the {region_words(p.spec.regions & q.spec.regions)} get their easier days after "
                    f"{_last_week(p)} ({NAME})"
                )
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    late = [p for p in frame.before if p.day >= -2]
    if not late:
        return f"last week's sessions, which the rules across days reach from ({NAME})"
    named = ", ".join(_last_week(p) for p in late)
    return f"last week ended with {named}, and the rules across days keep this week's start clear of them ({NAME})"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """None of its own: the week before is fixed; the rules it carries offer theirs."""
    return []


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
