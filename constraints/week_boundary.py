"""Hard rule `week_boundary`: the rules that reach across days hold from the week before
and into the week after.

RULES.md version 2: a single week repeats, so its rules also hold from Sunday into the
next Monday (`repeat_weekly`). In a block the weeks around are real: week k is solved with
week k-1 as it was placed (`WeekFrame.before`), and a re-plan of week k also keeps clear
of week k+1 as the block placed it (`WeekFrame.after`). What reaches over a boundary is
kept against those weeks, not against a copy of the week itself:

- hard days (`easy_days_between`): a demanding session for a region last Sunday leaves
  the easier days it needs at the start of this week, and one next Monday at its end;
- the gaps in minutes, from the end of the earlier session to the start of the later: a
  clear run-in to a key session (`key_clearance`), hours between demanding sessions
  (`hard_recovery`) and stacked hard days (`stack_gap`), strength and endurance apart
  (`modality_gap`), a double (`double_gap`).

Nothing is posted for a week with no week around it (a single week, or a block's first).
Posted as bounds on a session's start and as days it may not fall on, behind this rule's
literal; the checker measures the same in plain Python from the placements.
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


def day_gap(rules: Rules, earlier: Occurrence, later: Occurrence) -> int:
    """How many days after `earlier`'s day `later` may fall at the soonest (0: any day)."""
    if earlier.demanding and later.demanding and earlier.spec.regions & later.spec.regions:
        return rules.easy_days_between + 1
    return 0


def post(m: WeekModel) -> None:
    before, after = m.frame.before, m.frame.after
    if not before and not after:
        return
    rules = m.plan.rules
    literal = m.rule_literal(NAME)
    for item in m.items:
        earliest = max((p.end + gap for p in before for gap, _ in gaps(rules, p.occurrence, item)), default=0)
        if earliest > 0:
            m.model.add(m.start(item.index) >= earliest).only_enforce_if(literal)
        latest = min((p.start - gap for p in after for gap, _ in gaps(rules, item, p.occurrence)), default=None)
        if latest is not None:
            m.model.add(m.start(item.index) + item.spec.duration <= latest).only_enforce_if(literal)
        first = max((p.day + day_gap(rules, p.occurrence, item) for p in before), default=0)
        last = min((p.day - day_gap(rules, item, p.occurrence) for p in after), default=6)
        for day, flag in m.on_day[item.index].items():
            if not first <= day <= last:
                m.model.add_bool_or([~literal, ~flag])


def _other_week(p: Placement) -> str:
    which = "last" if p.day < 0 else "next"
    return f"{which} {WEEKDAY_NAMES[p.day % 7]}'s {p.occurrence.label} ({p.clock_range})"


def clashes(rules: Rules, earlier: Placement, later: Placement) -> list[str]:
    """What `later` breaks by coming after `earlier` (one of them in the week around)."""
    here, there = (later, earlier) if earlier.day < 0 else (earlier, later)
    order = "after" if here is later else "before"
    problems = []
    for gap, name in gaps(rules, earlier.occurrence, later.occurrence):
        if later.start < earlier.end + gap:
            problems.append(
                f"{here.occurrence.label} ({here.when}) {'starts' if here is later else 'ends'} "
                f"{format_minutes(max(later.start - earlier.end, 0))} {order} {_other_week(there)}; {name} needs {format_minutes(gap)}"
            )
    if later.day - earlier.day < day_gap(rules, earlier.occurrence, later.occurrence):
        words = region_words(earlier.spec.regions & later.spec.regions)
        problems.append(
            f"{here.occurrence.label} ({here.when}) is demanding for the {words} too soon {order} {_other_week(there)}: "
            f"they need {rules.easy_days_between} easier day(s) between (easy_days_between)"
        )
    return problems


def check(week: Week) -> list[str]:
    rules = week.plan.rules
    problems = []
    for q in week.placements:
        for p in week.frame.before:
            problems += clashes(rules, p, q)
        for p in week.frame.after:
            problems += clashes(rules, q, p)
    return problems


def reasons(week: Week) -> dict[int, list[str]]:
    """Said of a session that sits as early (or as late) as the weeks around let it."""
    rules = week.plan.rules
    found: dict[int, list[str]] = {}
    for q in week.placements:
        for p in week.frame.before:
            gap = day_gap(rules, p.occurrence, q.occurrence)
            if gap and q.day == p.day + gap:
                found.setdefault(q.occurrence.index, []).append(
                    f"the {region_words(p.spec.regions & q.spec.regions)} get their easier days after "
                    f"{_other_week(p)} ({NAME})"
                )
        for p in week.frame.after:
            gap = day_gap(rules, q.occurrence, p.occurrence)
            if gap and q.day == p.day - gap:
                found.setdefault(q.occurrence.index, []).append(
                    f"the {region_words(p.spec.regions & q.spec.regions)} get their easier days before "
                    f"{_other_week(p)} ({NAME})"
                )
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    late = [p for p in frame.before if p.day >= -2]
    early = [p for p in frame.after if p.day <= 8]
    if not late and not early:
        return f"the weeks around this one, which the rules across days reach from ({NAME})"
    said = []
    if late:
        said.append(f"last week ended with {', '.join(_other_week(p) for p in late)}")
    if early:
        said.append(f"next week starts with {', '.join(_other_week(p) for p in early)}")
    return f"{' and '.join(said)}, and the rules across days keep this week clear of them ({NAME})"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """None of its own: the weeks around are fixed; the rules they carry offer theirs."""
    return []


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    return iter(())
