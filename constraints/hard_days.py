"""Hard rule `hard_days`: hard days and easy days for each body region.

RULES.md version 2 counts recovery in calendar days. Demanding sessions (hard, key, or a
load of `demanding_load` AU or more) that load the same region never fall on days closer
than `easy_days_between` + 1: with the default 1 there is at least one easier day between
two hard days for the legs (masters: 2); 0 switches this part off. Running and cycling
load the lower body, swimming the upper body, rowing and full-body lifting both. With
`repeat_weekly` the days also count from Sunday into the next Monday.

Two demanding sessions for the same region may share a day, a *stacked hard day* that
counts as one hard day, when they are at least `stack_gap` apart (end to start; default
6 h). The gap holds between any two of them, so across midnight too; between days kept
apart by an easier day it is met as long as it is under a day. `stack_gap: false` forbids stacking: at most one
demanding session per region on a day. `max_demanding_per_day` caps the demanding
sessions of a day whatever they load.

Posted as one boolean per region and day (`hard[r, d]`, at least each demanding
r-session's day flag) with at most one of them in every run of `easy_days_between` + 1
consecutive days; the gap through `keep_apart`, the caps through `limit_chosen_a_day`,
so the day patterns leave out days the rule forbids.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from trainweek.constraints.rule import Relaxation, SizeProblem, count, with_rules
from trainweek.scheduler.model import WeekModel, apart_domain
from trainweek.scheduler.timetext import WEEKDAY_NAMES, format_minutes
from trainweek.scheduler.week import Placement, Week, rest_between, spaced

if TYPE_CHECKING:
    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.plan import Occurrence, Plan

NAME = "hard_days"
HARD = True
TITLE = "hard days and easy days"

REGIONS = ("lower", "upper")
REGION_WORDS = {"lower": "legs", "upper": "upper body"}


def region_words(regions: Iterable[str]) -> str:
    """'legs', 'upper body', 'legs and upper body'."""
    return " and ".join(REGION_WORDS[r] for r in REGIONS if r in set(regions))


def demanding(items: Iterable[Occurrence], region: str | None = None) -> list[Occurrence]:
    """The demanding sessions, or those loading one region."""
    return [i for i in items if i.demanding and (region is None or region in i.spec.regions)]


def _pairs(items: Iterable[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    hard = demanding(items)
    return [(a, b) for n, a in enumerate(hard) for b in hard[n + 1 :] if a.spec.regions & b.spec.regions]


def day_distance(a: int, b: int, wrap: bool) -> int:
    """Calendar days from one day to the other (the shorter way round when the week repeats)."""
    apart = abs(a - b)
    return min(apart, 7 - apart) if wrap else apart


def post(m: WeekModel) -> None:
    rules = m.plan.rules
    literal = m.rule_literal(NAME)
    length = m.frame.length if rules.repeat_weekly else None
    if rules.stack_gap is not None:
        for a, b in _pairs(m.items):
            m.keep_apart(a.index, b.index, apart_domain(a.spec.duration, b.spec.duration, rules.stack_gap, None, length), literal)
    for region in REGIONS:
        sessions = demanding(m.items, region)
        if rules.stack_gap is None and len(sessions) > 1:
            m.limit_chosen_a_day(sessions, 1, literal)
        if rules.easy_days_between and len(sessions) > 1:
            _post_easy_days(m, region, sessions, rules.easy_days_between, rules.repeat_weekly, literal)
    if rules.max_demanding_per_day is not None:
        m.limit_chosen_a_day(demanding(m.items), rules.max_demanding_per_day, literal)


def _runs(easy: int, wrap: bool) -> list[tuple[int, ...]]:
    """The runs of `easy` + 1 consecutive days that hold at most one hard day per region."""
    firsts = range(7) if wrap else range(7 - easy)
    return [tuple(d % 7 for d in range(first, first + easy + 1)) for first in firsts]


def _post_easy_days(
    m: WeekModel, region: str, sessions: list[Occurrence], easy: int, wrap: bool, literal: cp_model.IntVar
) -> None:
    hard: dict[int, cp_model.IntVar] = {}
    for day in range(7):
        flags = [m.on_day[i.index][day] for i in sessions if day in m.on_day[i.index]]
        if flags:
            hard[day] = m.model.new_bool_var(f"hard_day[{region},{day}]")
            for flag in flags:
                m.model.add_implication(flag, hard[day])
    for days in _runs(easy, wrap):
        run = [hard[day] for day in days if day in hard]
        if len(run) > 1:
            m.model.add(sum(run) <= 1).only_enforce_if(literal)


def day_runs(plan: Plan) -> Iterator[tuple[frozenset[int], tuple[int, ...]]]:
    """For the day floor: (sessions of the file, days) of which at most one day holds any.

    Each region's demanding sessions, and every run of days that holds one hard day for
    it. On dense-02 (20 sessions, three key sessions) this lifts the floor from 18 to 110,
    its best week known being 123.2: the LP over days alone put every key session on a day
    of its own (docs/model.md).
    """
    rules = plan.rules
    if not rules.easy_days_between:
        return
    for region in REGIONS:
        sessions = demanding(plan.occurrences, region)
        if len(sessions) > 1:
            specs = frozenset(i.spec_index for i in sessions)
            for days in _runs(rules.easy_days_between, rules.repeat_weekly):
                yield specs, days


def check(week: Week) -> list[str]:
    rules = week.plan.rules
    wrap = rules.repeat_weekly
    length = week.frame.length if wrap else None
    placed = week.by_occurrence()
    problems = []
    for a, b in _pairs(week.plan.occurrences):
        first, second = sorted((placed[a.index], placed[b.index]), key=lambda p: p.start)
        words = region_words(a.spec.regions & b.spec.regions)
        if rules.stack_gap is not None and not spaced(first, second, rules.stack_gap, None, length):
            problems.append(
                f"{_named(first)} and {_named(second)} are both demanding for the {words}: a stacked hard day "
                f"needs {format_minutes(rules.stack_gap)} between them (stack_gap)"
            )
        if first.day == second.day:
            if rules.stack_gap is None:
                problems.append(
                    f"{_named(first)} and {_named(second)} are both demanding for the {words} on one day, and "
                    "stacked hard days are off (stack_gap)"
                )
            continue
        between = day_distance(first.day, second.day, wrap) - 1
        if between < rules.easy_days_between:
            problems.append(
                f"the {words} need {count(rules.easy_days_between, 'easier day')} between {_named(first)} and "
                f"{_named(second)}, not {between} (easy_days_between)"
            )
    most = rules.max_demanding_per_day
    if most is not None:
        for day in range(7):
            heavy = [p for p in week.on_day(day) if p.occurrence.demanding]
            if len(heavy) > most:
                problems.append(
                    f"{WEEKDAY_NAMES[day]} holds {count(len(heavy), 'demanding session')}, more than "
                    f"{most} (max_demanding_per_day)"
                )
    return problems


def _named(p: Placement) -> str:
    return f"{p.occurrence.label} ({p.when})"


def reasons(week: Week) -> dict[int, list[str]]:
    """A stacked hard day, or the easier days kept since the last hard day for the region."""
    rules = week.plan.rules
    wrap = rules.repeat_weekly
    placed = week.by_occurrence()
    found: dict[int, list[str]] = {}
    for a, b in _pairs(week.plan.occurrences):
        first, second = sorted((placed[a.index], placed[b.index]), key=lambda p: p.start)
        words = region_words(a.spec.regions & b.spec.regions)
        if first.day == second.day:
            found.setdefault(second.occurrence.index, []).append(
                f"stacked on one hard day for the {words} with {first.occurrence.label}, "
                f"{format_minutes(rest_between(first, second))} after it (hard_days)"
            )
            continue
        if not rules.easy_days_between:
            continue
        # Said of the later one, when the pair sits as close as the rule lets it.
        ahead = (second.day - first.day) % 7
        if wrap and 7 - ahead < ahead:
            first, second, ahead = second, first, 7 - ahead
        if ahead - 1 == rules.easy_days_between:
            days = "an easier day" if ahead == 2 else f"{ahead - 1} easier days"
            found.setdefault(second.occurrence.index, []).append(
                f"{days} for the {words} after {WEEKDAY_NAMES[first.day]}'s {first.occurrence.label} (hard_days)"
            )
    return found


def conflict(plan: Plan, frame: WeekFrame) -> str:
    rules = plan.rules
    parts = []
    for region in REGIONS:
        here = demanding(plan.occurrences, region)
        if len(here) > 1:
            parts.append(f"{count(len(here), 'demanding session')} load the {REGION_WORDS[region]}")
    text = " and ".join(parts) if parts else f"{count(len(demanding(plan.occurrences)), 'demanding session')} in the week"
    if rules.easy_days_between:
        text += f", with {count(rules.easy_days_between, 'easier day')} between hard days (easy_days_between)"
    if rules.stack_gap is None:
        text += ", never two on one day (stack_gap)"
    else:
        text += f", {format_minutes(rules.stack_gap)} apart on a stacked day (stack_gap)"
    if rules.max_demanding_per_day is not None:
        text += f", at most {rules.max_demanding_per_day} a day (max_demanding_per_day)"
    return text + " (hard_days)"


def relaxations(plan: Plan, frame: WeekFrame) -> list[Iterator[Relaxation]]:
    """Fewer easier days between; stacking allowed, or closer; more demanding sessions a day."""
    return [_fewer_easy_days(plan), _closer_stacks(plan), _more_a_day(plan)]


def _fewer_easy_days(plan: Plan) -> Iterator[Relaxation]:
    for fewer in range(plan.rules.easy_days_between - 1, -1, -1):
        yield Relaxation(NAME, f"easy_days_between to {fewer}", partial(with_rules, easy_days_between=fewer))


def _closer_stacks(plan: Plan) -> Iterator[Relaxation]:
    gap = plan.rules.stack_gap
    if gap is None:
        yield Relaxation(NAME, "stack_gap to 6h (stacked hard days allowed)", partial(with_rules, stack_gap=6 * 60))
        return
    for hours in range(gap // 60 - 1, 1, -1):
        yield Relaxation(NAME, f"stack_gap to {hours}h", partial(with_rules, stack_gap=hours * 60))


def _more_a_day(plan: Plan) -> Iterator[Relaxation]:
    most = plan.rules.max_demanding_per_day
    if most is None:
        return
    for more in range(most + 1, 4):
        yield Relaxation(NAME, f"max_demanding_per_day to {more}", partial(with_rules, max_demanding_per_day=more))


def most_hard_days(easy_days_between: int, wrap: bool) -> int:
    """How many hard days one region can have in a week with this many easier days between."""
    step = easy_days_between + 1
    return 7 // step if wrap else -(-7 // step)


def size_problems(plan: Plan) -> Iterator[SizeProblem]:
    """A demanding session wanted on more days than hard days for its region allow."""
    rules = plan.rules
    most = most_hard_days(rules.easy_days_between, rules.repeat_weekly)
    for index, spec in enumerate(plan.sessions):
        if spec.is_demanding(rules.demanding_load) and spec.times > most:
            yield SizeProblem(
                ("sessions", index, "times"),
                f"{spec.times} demanding sessions for the {region_words(spec.regions)} need {spec.times} hard days, "
                f"but with easy_days_between: {rules.easy_days_between} a week holds {most}; lower 'times', "
                "make some of them easier or lower easy_days_between",
            )
