"""Re-plan the rest of a week that did not go to plan (RULES.md version 2).

What happened comes as a log (`scheduler.happened`): done sessions stay where they
happened with the load actually done and count for every rule; time before `now` is gone
(it becomes busy time, so nothing is placed there); a missed session is placed again in the
rest of the week when the hard rules allow, and otherwise sessions are left out, lowest
`priority` first and key sessions last; sessions still to come cost `moves` when they leave
their planned start. A session planned before `now` and not in the log counts as done as
planned. A week a block planned (its calendar says so, `ics.block_week`) keeps the block's
lengths, its left-out optional sessions, its own `weeks:` windows and its race, and the
rules across days reach into the block's weeks before and after it as the calendar holds
them (`WeekFrame.before`, `WeekFrame.after`), as `block` solved it, rather than wrapping
onto the week itself.

The model is the ordinary one (`solve.build`): done sessions are occurrences with a fixed
start (`Occurrence.fixed_at`), upcoming ones carry their planned start
(`Occurrence.planned_at`) for the `moves` objective. `replan_ics` writes the week over the
earlier calendar in place: same UIDs, an event that did not move kept exactly as it was,
a moved one with SEQUENCE + 1, and a left-out one marked STATUS:CANCELLED (see there why).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from trainweek.constraints import week_boundary
from trainweek.scheduler.block import race_day, week_time
from trainweek.scheduler.errors import BadInput, NoWeekExists, OutOfTime
from trainweek.scheduler.frame import WeekFrame
from trainweek.scheduler.happened import LogEntry, Status
from trainweek.scheduler.ics import BlockWeekCopy, Earlier, block_week, earlier_events, previous_starts
from trainweek.scheduler.interrupt import search
from trainweek.scheduler.model import NoRoom
from trainweek.scheduler.plan import Occurrence, Plan, week_monday
from trainweek.scheduler.solve import SolveOptions, build, configured_solver, search_bound, solved_week
from trainweek.scheduler.timetext import WEEKDAY_NAMES
from trainweek.scheduler.week import Placement, Week


@dataclass(frozen=True)
class Change:
    """One line of what the re-plan did: `what` is done, moved or left out; `before` and
    `after` say when ('Wednesday 18:00'), None where there is no such time."""

    session: str
    what: str
    before: str | None
    after: str | None
    why: str

    def sentence(self) -> str:
        if self.what == "moved":
            return f"{self.session}: moved from {self.before} to {self.after}: {self.why}"
        if self.what == "left out":
            return f"{self.session}: left out" + (f" (was {self.before})" if self.before else "") + f": {self.why}"
        return f"{self.session}: done {self.after}: {self.why}"


@dataclass(frozen=True)
class Replanned:
    """The re-planned week (done sessions in it, fixed), what changed and what was left out."""

    week: Week
    now: dt.datetime
    changes: tuple[Change, ...]
    left_out: tuple[Occurrence, ...]  # occurrences of the plan as written
    done: frozenset[int]  # occurrence indices in `week` that were done
    notes: tuple[str, ...] = ()
    planned: tuple[tuple[str, int], ...] = ()  # (label, real minute of the week it was planned at)
    missed: frozenset[str] = frozenset()  # labels the log says were missed
    gone: tuple[str, ...] = ()  # the busy entries (of `week.plan.busy`) that stand for the time before `now`
    block: BlockWeekCopy | None = None  # the earlier calendar held the week as a week of a block

    def moved(self) -> list[Change]:
        return [change for change in self.changes if change.what == "moved"]


@dataclass(frozen=True)
class _TheWeek:
    """The week re-planned: its Monday, and of a block's week the race (start, end) and the
    block's weeks before and after it, which the frames carry so the race-eve rule and the
    rules across days hold in a re-plan as in the block."""

    start: dt.date
    race: tuple[dt.datetime, dt.datetime] | None = None
    before: tuple[Placement, ...] = ()
    after: tuple[Placement, ...] = ()

    def frame(self, plan: Plan) -> WeekFrame:
        return WeekFrame(plan, self.start, self.before, self.race, self.after)


def _when(frame: WeekFrame, minute: int | None) -> str | None:
    return None if minute is None else f"{frame.at(minute):%A %H:%M}"


def parse_now(text: str | None, plan: Plan) -> dt.datetime:
    """`--now "2027-01-13 12:00"` in the plan's zone; default the current time there."""
    if text is None:
        return dt.datetime.now(plan.zone).replace(second=0, microsecond=0)
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"--now {text}: not a date and time; write YYYY-MM-DD HH:MM, e.g. 2027-01-13 12:00") from None
    return moment.replace(tzinfo=plan.zone) if moment.tzinfo is None else moment.astimezone(plan.zone)


def replan_week_start(plan: Plan, now: dt.datetime, options: SolveOptions = SolveOptions()) -> dt.date:
    """The Monday of the week being re-planned: --week-start, the plan's, else the week of `now`."""
    return options.week_start or plan.week_start or week_monday(now.astimezone(plan.zone).date())


def replan(
    plan: Plan,
    log: Iterable[LogEntry],
    now: dt.datetime,
    earlier: bytes | Earlier | None = None,
    options: SolveOptions = SolveOptions(),
) -> Replanned:
    """The rest of the week planned again from `now`, given what happened (`log`) and what
    was planned (`earlier`, the calendar trainweek wrote; without it, the week `solve` gives)."""
    deadline = time.monotonic() + options.time_limit
    if options.grid is not None:
        plan = plan.model_copy(update={"grid": options.grid})
    week_start = replan_week_start(plan, now, options)
    frame = WeekFrame(plan, week_start)
    now_minute = -(-frame.minute_at(now) // 1)
    if not 0 <= now_minute < frame.length:
        raise BadInput(
            f"--now {now:%Y-%m-%d %H:%M} is outside the week of {week_start:%A %d %B %Y} "
            f"({week_start:%Y-%m-%d} to {week_start + dt.timedelta(days=6):%Y-%m-%d}); give a time in that week, or --week-start"
        )
    notes: list[str] = []
    planned = _planned(plan, frame, options, earlier, notes)
    status = _statuses(plan, frame, list(log), planned, now_minute)
    in_block = block_week(plan, week_start, earlier) if earlier else None
    race = in_block.race if in_block is not None else None
    number = in_block.number if in_block is not None else None
    the_week = _TheWeek(week_start, race, *(_sessions_of(plan, frame, held) for held in (in_block.before, in_block.after))) if in_block else _TheWeek(week_start)
    if in_block is not None:
        notes.append(
            "this week is a week of a block: its sessions keep the length the block gave them, an optional session it left out stays out"
            + (f", its own windows and busy time (weeks: {number}) hold" if number in plan.weeks else "")
            + (f", and nothing demanding comes within 48 h of the race on {race[0]:%A %d %B}" if race else "")
        )
        around = [name for name, held in (("before", in_block.before), ("after", in_block.after)) if held]
        if around:
            notes.append(f"the rules across days hold against the block's week {' and '.join(around)} as the calendar has it, not against this week repeated")
    occurrences = []
    changes: list[Change] = []
    for item in plan.occurrences:
        entry, fixed = status[item.index]
        was = planned.get(item.index)
        if in_block is not None:
            if item.index not in in_block.minutes and item.spec.optional and entry is None:
                continue  # the block left it out of this week (a deload, a taper, an early build week)
            if in_block.minutes.get(item.index, item.spec.duration) != item.spec.duration:
                spec = item.spec.model_copy(update={"duration": in_block.minutes[item.index]})
                item = dataclasses.replace(item, spec=spec, demanding=spec.is_demanding(plan.rules.demanding_load))
        if fixed is not None:
            spec = item.spec
            if entry is not None and (entry.minutes is not None or entry.rpe is not None):
                spec = spec.model_copy(update={k: v for k, v in (("duration", entry.minutes), ("rpe", entry.rpe)) if v is not None})
            snapped = round(fixed / frame.step) * frame.step
            if snapped != fixed:
                notes.append(f"{item.label} done at {_when(frame, fixed)} is counted from {_when(frame, snapped)}, on the {frame.step}-minute grid")
            occurrences.append(
                dataclasses.replace(item, spec=spec, demanding=spec.is_demanding(plan.rules.demanding_load), fixed_at=snapped)
            )
        elif entry is not None or was is None or was < now_minute:
            occurrences.append(item)  # missed, or new: free to go anywhere after now
        else:
            occurrences.append(dataclasses.replace(item, planned_at=was))
    gone = _before(frame, now_minute)
    base = plan.model_copy(update=week_time(plan, number, [*gone, *(race_day(race[0], week_start) if race else [])]))
    if in_block is not None:  # the block's weeks around it stand in for the week repeating
        base = base.model_copy(update={"rules": base.rules.model_copy(update={"repeat_weekly": False})})
    weights = base.effective_weights(dict(options.weights))
    the_week = _clear_of_done(base, the_week, occurrences, notes)
    occurrences = _facts_hold(base, the_week, occurrences, weights, notes)
    near = {o.index: o.planned_at for o in occurrences if o.planned_at is not None}
    dropped: list[Occurrence] = []
    candidates = sorted((o for o in occurrences if o.fixed_at is None), key=_leave_out_order(status))
    while True:
        kept = [o for o in occurrences if o not in dropped]
        week = _attempt(base, the_week, kept, weights, options, near, deadline)
        if week is not None:
            break
        if len(dropped) == len(candidates):
            raise NoWeekExists("no week for the rest of the week, even with every session still to come left out")
        dropped.append(candidates[len(dropped)])
    # A session left out early may fit once a later one is out: try them back, most important first.
    for item in reversed(dropped[:-1]):
        trial = [o for o in occurrences if o not in dropped or o is item]
        better = _attempt(base, the_week, trial, weights, options, near, deadline)
        if better is not None:
            dropped.remove(item)
            week = better
    original = {o.index: o for o in plan.occurrences}
    by_label = {p.occurrence.label: p for p in week.placements}
    done = frozenset(p.occurrence.index for p in week.placements if p.occurrence.fixed_at is not None)
    for item in occurrences:
        placed = by_label.get(item.label)
        was = planned.get(item.index)
        entry, fixed = status[item.index]
        if placed is None:
            continue
        if item.fixed_at is not None:
            actual = f"{placed.spec.duration} min at RPE {placed.spec.effort}, {placed.spec.load} AU"
            how = "as planned" if entry is None else "logged"
            changes.append(Change(item.label, "done", _when(frame, was), f"{placed.when}", f"{how}; counts as {actual}" + (", demanding" if placed.occurrence.demanding else "")))
        elif was is not None and placed.start != was:
            first = next(iter(week.reasons.get(placed.occurrence.index, [])), "")
            why = "missed" if entry is not None else ("its time has passed" if was < now_minute else "the week's changes make another time better")
            changes.append(Change(item.label, "moved", _when(frame, was), placed.when, why + (f"; {first}" if first else "")))
    reasons = _left_out_reasons(base, the_week, occurrences, dropped, weights, options, deadline)
    for item in dropped:
        changes.append(Change(item.label, "left out", _when(frame, planned.get(item.index)), None, reasons[item.index]))
    return Replanned(
        week=week,
        now=now,
        changes=tuple(changes),
        left_out=tuple(original[o.index] for o in dropped),
        done=done,
        notes=tuple(notes),
        planned=tuple((original[index].label, minute) for index, minute in sorted(planned.items()) if index in original),
        missed=frozenset(original[index].label for index, (entry, _) in status.items() if entry is not None and entry.status is Status.missed),
        gone=tuple(gone),
        block=in_block,
    )


def _planned(plan: Plan, frame: WeekFrame, options: SolveOptions, earlier, notes: list[str]) -> dict[int, int]:
    """Occurrence index -> the real minute it was planned at."""
    found = previous_starts(plan, frame.week_start, earlier) if earlier else {}
    if not found:
        from trainweek.scheduler.solve import solve

        notes.append("no earlier calendar of this week: the week `solve` plans counts as what was planned")
        week = solve(plan, options.model_copy(update={"week_start": frame.week_start, "weights": ()}))
        return week.starts()
    return {index: frame.minute_at(moment) for index, moment in found.items()}


def _statuses(plan: Plan, frame: WeekFrame, log: list[LogEntry], planned: dict[int, int], now: int) -> dict[int, tuple[LogEntry | None, int | None]]:
    """Per occurrence: its log entry (or None) and, when done, the real minute it started."""
    entries: dict[int, LogEntry] = {}
    names = ", ".join(spec.name for spec in plan.sessions)
    for entry in log:
        wanted = entry.name.casefold()
        exact = [o for o in plan.occurrences if o.label.casefold() == wanted]
        same = [o for o in plan.occurrences if o.spec.name.casefold() == wanted]
        if not exact and not same:
            raise BadInput(f"'{entry}': the plan has no session named '{entry.name}'; its sessions are: {names}")
        if exact and len(exact) == 1 and exact[0].spec.times == 1 or (exact and exact[0].label != exact[0].spec.name):
            item = exact[0]
        else:
            given = frame.minute(entry.day, entry.clock) if entry.day is not None and entry.clock is not None else None
            if given is not None:  # the repeat planned nearest to when it happened
                order = lambda o: (abs(planned.get(o.index, 10**9) - given), o.index)  # noqa: E731
            else:  # the first still open, in planned order
                order = lambda o: (planned.get(o.index, 10**9), o.index)  # noqa: E731
            open_ = sorted((o for o in same if o.index not in entries), key=order)
            if not open_:
                raise BadInput(f"'{entry}': {same[0].spec.name} is in the plan {same[0].spec.times} times and each is already in the log")
            item = open_[0]
        entries[item.index] = entry
    result: dict[int, tuple[LogEntry | None, int | None]] = {}
    for item in plan.occurrences:
        entry = entries.get(item.index)
        was = planned.get(item.index)
        if entry is None:
            result[item.index] = (None, was if was is not None and was < now else None)
        elif entry.status is Status.missed:
            result[item.index] = (entry, None)
        else:
            if entry.day is not None and entry.clock is not None:
                at = frame.minute(entry.day, entry.clock)
            elif was is not None:
                at = was
            else:
                raise BadInput(f"'{entry}': no earlier plan says when it was; write when, e.g. 'done {entry.name}@Tue 07:00'")
            if at >= now:
                raise BadInput(f"'{entry}': {_when(frame, at)} is not before now ({_when(frame, now)}); a session still to come cannot be done")
            result[item.index] = (entry, at)
    return result


def _sessions_of(plan: Plan, frame: WeekFrame, held: tuple[tuple[int, dt.datetime, dt.datetime], ...]) -> tuple[Placement, ...]:
    """A block's week before or after as this week's frame sees it (negative minutes and
    days before, past the week's length after), each session at the length the calendar
    gives it."""
    placed = []
    for index, start, end in held:
        item = plan.occurrences[index]
        spec = item.spec.model_copy(update={"duration": frame.minute_at(end) - frame.minute_at(start)})
        item = dataclasses.replace(item, spec=spec, demanding=spec.is_demanding(plan.rules.demanding_load))
        day = (start.date() - frame.week_start).days
        placed.append(Placement(item, frame.minute_at(start), frame.minute_at(end), day, start, end))
    return tuple(placed)


def _clear_of_done(plan: Plan, the_week: _TheWeek, occurrences: list[Occurrence], notes: list[str]) -> _TheWeek:
    """The weeks around without the sessions a done one clashes with. A done session is a
    fact; where it breaks a rule across days against last week's session as planned, that
    session did not happen so (it is not counted), and next week's must move (say so)."""
    done = [o for o in occurrences if o.fixed_at is not None]
    if not done or not (the_week.before or the_week.after):
        return the_week
    only = _with_occurrences(plan, done)
    placed = Week.from_starts(only, the_week.frame(only), {o.index: o.fixed_at for o in only.occurrences}, {}).placements
    kept: dict[bool, list[Placement]] = {True: [], False: []}  # by whether it is last week's
    for p in (*the_week.before, *the_week.after):
        last_week = p.day < 0
        pairs = ((p, q) if last_week else (q, p) for q in placed)
        problem = next((text for earlier, later in pairs for text in week_boundary.clashes(plan.rules, earlier, later)), None)
        if problem is None:
            kept[last_week].append(p)
        elif last_week:
            notes.append(f"last week's {p.occurrence.label} is not counted as planned, as what was done this week breaks a rule after it: {problem}")
        else:
            notes.append(f"re-plan next week too: {problem}")
    return dataclasses.replace(the_week, before=tuple(kept[True]), after=tuple(kept[False]))


def _leave_out_order(status):
    """Lowest priority first, key sessions last; on a tie missed before still to come, later first."""
    return lambda o: (o.spec.key, o.spec.priority, 0 if status[o.index][0] is not None else 1, -o.index)


def _before(frame: WeekFrame, now: int) -> list[str]:
    """Busy entries for the time before now: it is gone."""
    gone = []
    for day in range(7):
        if frame.day_starts[day + 1] <= now:
            gone.append(f"{frame.date(day).isoformat()} 00:00-24:00")
        elif frame.day_starts[day] < now:
            local = frame.at(now)
            if local.hour or local.minute:
                gone.append(f"{frame.date(day).isoformat()} 00:00-{local:%H:%M}")
    return gone


def _with_occurrences(plan: Plan, items: list[Occurrence]) -> Plan:
    """The plan holding exactly these occurrences, numbered afresh (the model indexes by position)."""
    copy = plan.model_copy()
    copy.__dict__["occurrences"] = tuple(dataclasses.replace(item, index=number) for number, item in enumerate(items))
    return copy


# The recovery rules a done week may already break (two demanding days in a row): the
# re-plan then counts recovery from the latest demanding session on.
RECOVERY_RULES = ("hard_days", "hard_recovery", "key_clearance", "race_eve")


def _facts_hold(plan: Plan, the_week: _TheWeek, occurrences: list[Occurrence], weights: dict[str, float], notes: list[str]) -> list[Occurrence]:
    """What was done is fact. When the done sessions alone break a recovery rule, the
    earliest demanding ones are counted as recovered from (no longer demanding for the rules;
    their load still counts), earliest first, until they do not: recovery is then counted from
    the latest hard session, which is what protects the rest of the week. Any other rule they
    break (two sessions at once) is a mistake in the log: say so."""
    from trainweek.constraints import HARD_RULES

    def problems(items: list[Occurrence]) -> list[tuple[str, str]]:
        done = [o for o in items if o.fixed_at is not None]
        if not done:
            return []
        only = _with_occurrences(plan, done)
        week = Week.from_starts(only, the_week.frame(only), {o.index: o.fixed_at for o in only.occurrences}, weights)
        return [(rule.NAME, problem) for rule in HARD_RULES for problem in rule.check(week)]

    found = problems(occurrences)
    other = [f"{name}: {problem}" for name, problem in found if name not in RECOVERY_RULES]
    if other:
        raise NoWeekExists("what the log says was done breaks the rules, so no re-plan can keep them (is a time in the log wrong?): " + "; ".join(other))
    if not found:
        return occurrences
    first = "; ".join(f"{name}: {problem}" for name, problem in found)
    items = list(occurrences)
    eased = []
    for done in sorted((o for o in items if o.fixed_at is not None and o.demanding), key=lambda o: o.fixed_at or 0):
        items[items.index(done)] = dataclasses.replace(done, demanding=False)
        eased.append(done.label)
        if not problems(items):
            break
    notes.append(
        f"what was done already breaks a recovery rule ({first}); the rest of the week counts recovery from the latest "
        f"demanding session, so {', '.join(eased)} no longer count{'s' if len(eased) == 1 else ''} as demanding for the rules (the load still counts)"
    )
    return items


def _attempt(plan, the_week: _TheWeek, items, weights, options, near, deadline, relax: tuple[str, ...] | None = None) -> Week | None:
    """The best week holding these occurrences, or None when none exists. With `relax`, only
    whether a week exists with those hard rules switched off (for saying why a session is out)."""
    plan = _with_occurrences(plan, items)
    frame = the_week.frame(plan)
    if relax is not None:
        from trainweek.constraints import HARD_RULES
        from trainweek.scheduler.model import WeekModel

        try:
            m = WeekModel(plan, frame, relaxable=True)
        except NoRoom:
            return None
        for rule in HARD_RULES:
            rule.post(m)
        for name, literal in m.rule_literals.items():
            m.model.add(literal == (0 if name in relax else 1))
    else:
        try:
            m = build(plan, frame, weights)
        except NoRoom:
            return None
        for number, item in enumerate(items):
            if item.index in near and near[item.index] % frame.step == 0:
                m.model.add_hint(m.start_step[number], near[item.index] // frame.step)
    solver = configured_solver(m, options, deadline)
    started = time.perf_counter()
    status = search(solver, m.model)
    if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID and relax is not None:
        return None
    if status == cp_model.UNKNOWN:
        raise OutOfTime(f"no re-planned week found within {options.time_limit:g} s; raise --time-limit")
    if relax is not None:
        return Week(plan=plan, frame=frame, placements=(), weights=weights)
    return solved_week(m, solver, status, weights, time.perf_counter() - started, bound=search_bound(m, solver))


def _left_out_reasons(plan, the_week: _TheWeek, occurrences, dropped, weights, options, deadline) -> dict[int, str]:
    """Why each left-out session found no place: the hard rules that, one at a time switched
    off, would let it in."""
    from trainweek.constraints import HARD_RULES

    reasons = {}
    for item in dropped:
        others = [o for o in occurrences if o not in dropped or o is item]
        frame = the_week.frame(_with_occurrences(plan, others))
        if not any(frame.session_start_ticks(item.spec, day) for day in range(7)):
            reasons[item.index] = f"no free time of {item.spec.duration} min is left in the week after now"
            continue
        names = [rule.NAME for rule in HARD_RULES if rule.NAME != "availability"]
        blocking = [name for name in names if _attempt(plan, the_week, others, weights, options, {}, deadline, relax=(name,)) is not None]
        together = [] if blocking else next(
            (
                [first, second]
                for number, first in enumerate(names)
                for second in names[number + 1 :]
                if _attempt(plan, the_week, others, weights, options, {}, deadline, relax=(first, second)) is not None
            ),
            [],
        )
        order = "a key session, kept to the last" if item.spec.key else f"priority {item.spec.priority}"
        if blocking:
            why = f"{' or '.join(blocking)} leaves no room for it in the rest of the week"
        elif together:
            why = f"{' and '.join(together)} together leave no room for it in the rest of the week"
        else:
            why = "the hard rules together leave no room for it in the rest of the week"
        reasons[item.index] = f"{why} ({order})"
    return reasons


def replan_ics(result: Replanned, earlier: bytes | Earlier | None, stamp: dt.datetime | None = None) -> bytes:
    """`replan_calendar` as the bytes of a file, keeping what the earlier file holds beyond
    the week: a block's other weeks, its race and its marks stay in the file as they were
    (written again, a block file would otherwise shrink to the one week re-planned), with
    the VTIMEZONE widened to cover them."""
    from trainweek.scheduler.ics import BLOCK_PROPERTY, WEEK_PROPERTY, _decoded, cover_zone

    calendar = replan_calendar(result, earlier, stamp)
    written = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    monday = result.week.frame.week_start
    kept = []
    for uid, event in earlier_events(earlier).items():
        start = _decoded(event, "DTSTART")
        day = start.astimezone(result.week.plan.zone).date() if isinstance(start, dt.datetime) else start
        outside = isinstance(day, dt.date) and not monday <= day < monday + dt.timedelta(days=7)
        if uid not in written and (outside or (BLOCK_PROPERTY in event and WEEK_PROPERTY not in event)):
            kept.append(event)
    for event in sorted(kept, key=lambda event: (str(_decoded(event, "DTSTART")), str(event["UID"]))):
        calendar.add_component(event)
    cover_zone(calendar, result.week.plan, monday - dt.timedelta(days=1), monday + dt.timedelta(days=8))
    return calendar.to_ical()


def replan_calendar(result: Replanned, earlier: bytes | Earlier | None, stamp: dt.datetime | None = None):
    """The re-planned week over the earlier calendar, updated in place.

    Same UIDs throughout. An event whose time did not change is written exactly as the
    earlier file had it (same SEQUENCE, DTSTAMP and text), so an app sees nothing new; a
    moved one gets SEQUENCE + 1 and a description saying why. A left-out session is kept
    with STATUS:CANCELLED and SEQUENCE + 1 rather than dropped from the file: an app that
    imported or subscribed to the earlier file keeps an event that merely disappears from
    the next import (Google, Apple and Outlook all do), while a cancelled newer version
    replaces it and is hidden or shown struck through.
    """
    from trainweek.scheduler.ics import BLOCK_NUMBER_PROPERTY, BLOCK_PROPERTY, cancelled, now, slot_uid, week_calendar

    stamp = stamp or now()
    events = earlier_events(earlier)
    calendar = week_calendar(result.week, events, stamp=stamp)
    for number, component in enumerate(calendar.subcomponents):
        if component.name != "VEVENT" or "STATUS" in component:  # a cancelled one stays cancelled
            continue
        old = events.get(str(component["UID"]))
        if old is not None and _same_time(component, old):
            calendar.subcomponents[number] = old
        elif result.block is not None:  # still the block's week, marked as the block marks it, for the next re-plan
            component.add(BLOCK_PROPERTY, result.week.frame.week_start.isoformat())
            if result.block.number is not None:
                component.add(BLOCK_NUMBER_PROPERTY, str(result.block.number))
            if result.block.mark is not None:
                title, text = result.block.mark
                described, categories = str(component.pop("DESCRIPTION")), [str(name) for name in component.pop("CATEGORIES").cats]
                component.add("DESCRIPTION", f"{text}.\n{described}")
                component.add("CATEGORIES", [*categories, title])
    # week_calendar cancels the events it marked as this week's; a left-out session's event
    # from before trainweek marked them is cancelled here.
    written = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    for item in result.left_out:
        uid = slot_uid(result.week.plan.athlete, result.week.frame.week_start, item)
        if uid in events and uid not in written:
            calendar.add_component(cancelled(events[uid], stamp))
    return calendar


def _same_time(event, old) -> bool:
    try:
        return all(event.decoded(name) == old.decoded(name) for name in ("DTSTART", "DTEND")) and "STATUS" not in old
    except (KeyError, ValueError):
        return False


def changes_json(result: Replanned) -> list[dict]:
    return [dataclasses.asdict(change) for change in result.changes]


__all__ = ["Change", "Replanned", "WEEKDAY_NAMES", "changes_json", "parse_now", "replan", "replan_calendar", "replan_ics", "replan_week_start"]
