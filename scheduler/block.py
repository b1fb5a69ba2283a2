"""A block: several real weeks with progression, deload and taper (RULES.md "Blocks of weeks").

How a block is solved: week by week, in order, each week with the weeks before fixed.
First the volume of every week is chosen in plain Python (how long each session is and
which optional sessions are in), since load is minutes x RPE and placing a session never
changes it; then week k is placed by the same CP-SAT model as a single week, against its
own dated busy time and availability, with week k-1 as it was placed in its frame
(`WeekFrame.before`) so the rules reaching across days hold over the real Sunday ->
Monday boundary (`constraints.week_boundary`, `hard_easy`) instead of wrapping onto
itself. Each week is therefore proven optimal *given the weeks before it*, not the block
as a whole; the output says so.

Volumes, per week kind:
- build: the first week is the file's sessions without the `optional: true` ones; each
  later build week may carry at most `progression` (10%) more load than the build week
  before it, and at most 1.3 x the mean of the four weeks before (the acute:chronic
  ratio), reached by adding optional sessions (file order) and then by lengthening the
  `grow:` sessions 5 minutes at a time, the least grown first, never past their cap.
  Intensity (RPE) never changes.
- deload (every `deload_every`th week): `deload_volume` (0.6) of the last build week's
  load: optional sessions left out, the rest shortened in proportion.
- taper (the last `taper_weeks` weeks when there is a `race:`): `taper_volume` (0.5) of
  the peak build week's load, the same way; the race week holds the race as busy time
  and as an event, and nothing demanding in the 48 h before it (`constraints.race_eve`).

The acute:chronic ratio of each week (its load / the mean load of the up to four weeks
before it, with the file's `history:` of weekly loads in front of the block) is
computed by `acwr` independently of how the volumes were chosen; above 1.3 is a
warning, above 1.5 a spike the block refuses (`SpikeRefused`).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from trainweek.scheduler.errors import BadInput, NoWeekExists
from trainweek.scheduler.frame import WeekFrame, resolve_week_start
from trainweek.scheduler.plan import BlockSettings, Plan, SessionSpec
from trainweek.scheduler.solve import SolveOptions, solve
from trainweek.scheduler.week import Placement, Week

if TYPE_CHECKING:
    from trainweek.scheduler.ics import Earlier

UTC = dt.timezone.utc
BUILD, DELOAD, TAPER = "build", "deload", "taper"
RATIO_WARNING = 1.3
RATIO_SPIKE = 1.5
CHRONIC_WEEKS = 4
STEP = 5  # minutes a session grows or shrinks by
SHORTEST = 15  # minutes a session is never shortened below (nor below its own length)
MOST_WEEKS = 26


class SpikeRefused(NoWeekExists):
    """A week's load would be more than 1.5 x the mean of the weeks before it."""


@dataclass(frozen=True)
class Volume:
    """The volume of one week: each session's minutes (by its index in the file), and
    which sessions are in (the optional ones may be out)."""

    minutes: dict[int, int]
    included: frozenset[int]

    def load(self, plan: Plan) -> int:
        return sum(_spec(plan, index, self).load * plan.sessions[index].times for index in self.included)


def _spec(plan: Plan, index: int, volume: Volume) -> SessionSpec:
    spec = plan.sessions[index]
    minutes = volume.minutes[index]
    return spec if minutes == spec.duration else spec.model_copy(update={"duration": minutes})


@dataclass(frozen=True)
class BlockWeek:
    """One week of the block: its number (1 first), kind, the week placed, and its load figures."""

    number: int
    kind: str
    week: Week
    target: int
    chronic: float | None = None
    ratio: float | None = None

    @property
    def load(self) -> int:
        return self.week.weekly_load()

    @property
    def title(self) -> str:
        return {BUILD: "build week", DELOAD: "deload week", TAPER: "taper week"}[self.kind]


@dataclass(frozen=True)
class RaceEvent:
    name: str
    start: dt.datetime  # aware, local
    end: dt.datetime
    all_day: bool


@dataclass(frozen=True)
class Block:
    plan: Plan
    settings: BlockSettings
    weeks: tuple[BlockWeek, ...]
    race: RaceEvent | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def proven(self) -> str:
        """What is proven of the block, in words."""
        best = [str(w.number) for w in self.weeks if not w.week.proven_optimal]
        if not best:
            return "each week proven optimal given the weeks before it (the block as a whole is not searched at once)"
        first_fit = [str(w.number) for w in self.weeks if w.week.first_fit]
        text = f"each week the best found given the weeks before it; weeks {', '.join(best)} not proven optimal"
        if first_fit:
            text += f", and weeks {', '.join(first_fit)} first fit, not optimised (no week found within the time limit; raise --time-limit)"
        return text


def week_mark(bw: BlockWeek, block: Block) -> str | None:
    """'Deload week (4 of 8): volume down 40%, intensity kept', or None for a build week."""
    if bw.kind == BUILD:
        return None
    share = block.settings.deload_volume if bw.kind == "deload" else block.settings.taper_volume
    return f"{bw.title.capitalize()} ({bw.number} of {len(block.weeks)}): volume down {1 - share:.0%}, intensity kept"


def week_kinds(settings: BlockSettings, weeks: int) -> list[str]:
    kinds = []
    for number in range(1, weeks + 1):
        if settings.race is not None and number > weeks - settings.taper_weeks:
            kinds.append(TAPER)
        elif number % settings.deload_every == 0:
            kinds.append(DELOAD)
        else:
            kinds.append(BUILD)
    return kinds


def block_length(plan: Plan, weeks: int | None, start: dt.date) -> int:
    """The number of weeks: given, else the file's `block: weeks`, else up to the race."""
    settings = plan.block or BlockSettings()
    number = weeks or settings.weeks
    race = settings.race
    if race is not None:
        race_week = (race.date - start).days // 7 + 1
        if race.date < start:
            raise BadInput(f"block.race: {race.date} is before the block starts on {start}; give a later race or week_start")
        if race_week > MOST_WEEKS:
            raise BadInput(f"block.race: {race.date} is in week {race_week} from {start}; a block is at most {MOST_WEEKS} weeks")
        if number is None:
            number = race_week
        elif number != race_week:
            raise BadInput(
                f"block.race: {race.date} is in week {race_week} of a block from {start}, but the block has {number} weeks; "
                f"a block ends with its race week: use --weeks {race_week}, or leave the number of weeks out"
            )
    if number is None:
        raise BadInput("how many weeks? give --weeks N, or 'block: {weeks: N}' in the file")
    if not 1 <= number <= MOST_WEEKS:
        raise BadInput(f"--weeks {number}: a block is 1 to {MOST_WEEKS} weeks")
    for week in plan.weeks:
        if week > number:
            raise BadInput(f"weeks.{week}: the block has {number} weeks, so there is no week {week}")
    return number


# --- volumes -------------------------------------------------------------------------------


def first_volume(plan: Plan) -> Volume:
    return Volume(
        {index: spec.duration for index, spec in enumerate(plan.sessions)},
        frozenset(index for index, spec in enumerate(plan.sessions) if not spec.optional),
    )


def grown(plan: Plan, volume: Volume, target: int) -> Volume:
    """The volume with optional sessions added and `grow:` sessions lengthened, up to `target` AU."""
    included = set(volume.included)
    minutes = dict(volume.minutes)
    for index, spec in enumerate(plan.sessions):
        if index not in included and spec.optional:
            trial = Volume(minutes, frozenset(included | {index}))
            if trial.load(plan) <= target:
                included.add(index)
    current = Volume(minutes, frozenset(included))
    while True:
        growing = [
            index for index in sorted(included)
            if plan.sessions[index].grow is not None and minutes[index] + STEP <= plan.sessions[index].longest
        ]
        growing.sort(key=lambda index: (minutes[index] / plan.sessions[index].duration, index))
        for index in growing:
            trial = Volume({**minutes, index: minutes[index] + STEP}, frozenset(included))
            if trial.load(plan) <= target:
                minutes, current = trial.minutes, trial
                break
        else:
            return current


def lighter(plan: Plan, volume: Volume, share: float) -> Volume:
    """The volume down to `share` of its load: optional sessions left out (the last added
    first) while that stays above the target, then every session shortened in proportion."""
    target = volume.load(plan) * share
    included = set(volume.included)
    for index in sorted((i for i in included if plan.sessions[i].optional), reverse=True):
        if Volume(volume.minutes, frozenset(included - {index})).load(plan) >= target:
            included.discard(index)
    kept = Volume(volume.minutes, frozenset(included))
    factor = min(1.0, target / kept.load(plan)) if kept.load(plan) else 1.0
    minutes = {}
    for index, length in volume.minutes.items():
        shortest = min(SHORTEST, plan.sessions[index].duration)
        minutes[index] = max(shortest, round(length * factor / STEP) * STEP) if index in included else length
    return Volume(minutes, frozenset(included))


def week_plan(plan: Plan, number: int, volume: Volume, busy_extra: list[str]) -> Plan:
    """The plan of one week of the block: its sessions at this volume, its own windows and
    busy time, and the rules reaching across days kept against the real week before."""
    sessions = [_spec(plan, index, volume) for index in range(len(plan.sessions)) if index in volume.included]
    update: dict[str, object] = {
        "sessions": sessions,
        "rules": plan.rules.model_copy(update={"repeat_weekly": False}),
        "block": None,
        "weeks": {},
        **week_time(plan, number, busy_extra),
    }
    return plan.model_copy(update=update)


def week_time(plan: Plan, number: int | None, busy_extra: list[str]) -> dict[str, object]:
    """The plan's time in week `number` of a block (None: the file's own), as an update of
    it: that week's windows and busy time (`weeks:`), with `busy_extra` busy too. A re-plan
    of a block's week keeps them as `block` planned it."""
    override = plan.weeks.get(number) if number is not None else None
    update: dict[str, object] = {"busy": [*plan.busy, *(override.busy if override else ()), *busy_extra]}
    if override is not None and override.availability is not None:
        update["availability"] = override.availability
    return update


# --- the load view --------------------------------------------------------------------------


def acwr(loads: list[int], history: list[int]) -> list[tuple[float | None, float | None]]:
    """Per week of `loads`: (chronic load, acute:chronic ratio). Chronic is the mean load of
    the up to four weeks before (the history in front of the block); None for a first week
    with no history."""
    series = list(history) + list(loads)
    found = []
    for number in range(len(history), len(series)):
        before = series[max(0, number - CHRONIC_WEEKS) : number]
        chronic = statistics.fmean(before) if before else None
        ratio = series[number] / chronic if chronic else None
        found.append((chronic, ratio))
    return found


def check_block(block: Block) -> list[str]:
    """What is wrong with a finished block under RULES.md's block rules, in plain Python."""
    settings = block.settings
    problems = []
    loads = [w.load for w in block.weeks]
    last_build: BlockWeek | None = None
    peak = 0
    for bw in block.weeks:
        if bw.kind == BUILD:
            if last_build is not None and bw.load > last_build.load * (1 + settings.progression) + 1e-9:
                problems.append(
                    f"week {bw.number}: load {bw.load} AU is more than {settings.progression:.0%} above week "
                    f"{last_build.number}'s {last_build.load} AU (progression)"
                )
            last_build = bw
            peak = max(peak, bw.load)
        elif bw.kind == DELOAD and last_build is not None:
            down = 1 - bw.load / last_build.load
            if not 0.3 - 0.005 <= down <= 0.5 + 0.005:
                problems.append(f"week {bw.number}: a deload {down:.0%} below week {last_build.number}, not 30-50% (deload)")
        elif bw.kind == TAPER and peak:
            down = 1 - bw.load / peak
            if not 0.4 - 0.005 <= down <= 0.6 + 0.005:
                problems.append(f"week {bw.number}: a taper {down:.0%} below the peak, not 40-60% (taper)")
    first = {spec.name: spec for spec in block.plan.sessions}
    for bw in block.weeks:
        for p in bw.week.placements:
            spec = first[p.spec.name]
            if (p.spec.effort, p.spec.intensity, p.spec.key) != (spec.effort, spec.intensity, spec.key):
                problems.append(f"week {bw.number}: {p.occurrence.label} changed its intensity (only volume may change)")
    for bw, (_, ratio) in zip(block.weeks, acwr(loads, settings.history)):
        if ratio is not None and ratio > RATIO_SPIKE:
            problems.append(f"week {bw.number}: acute:chronic ratio {ratio:.2f} is above {RATIO_SPIKE} (a spike)")
    return problems


# --- solving --------------------------------------------------------------------------------


def _race(plan: Plan, settings: BlockSettings) -> RaceEvent | None:
    race = settings.race
    if race is None:
        return None
    zone = plan.zone
    day = dt.datetime.combine(race.date, dt.time()).replace(tzinfo=zone)
    if race.time is None:
        return RaceEvent(race.name, day, (day.replace(tzinfo=None) + dt.timedelta(days=1)).replace(tzinfo=zone), True)
    start = (day.replace(tzinfo=None) + dt.timedelta(minutes=race.time)).replace(tzinfo=zone)
    end = (start.astimezone(UTC) + dt.timedelta(minutes=race.minutes)).astimezone(zone)
    return RaceEvent(race.name, start, end, False)


def race_day(start: dt.datetime, monday: dt.date) -> list[str]:
    """The day of a race starting at `start` as a busy entry of the week of `monday`, where
    it falls in that week: nothing else is planned that day."""
    if not monday <= start.date() < monday + dt.timedelta(weeks=1):
        return []
    return [f"{start.date().isoformat()} 00:00-24:00"]


def _carried(previous: Week | None) -> tuple[Placement, ...]:
    """The week before as the next week's frame sees it: real minutes and days shifted back a week."""
    if previous is None:
        return ()
    length = previous.frame.length
    return tuple(replace(p, start=p.start - length, end=p.end - length, day=p.day - 7) for p in previous.placements)


def solve_block(
    plan: Plan,
    weeks: int | None = None,
    options: SolveOptions = SolveOptions(),
    earlier: bytes | Earlier | None = None,
) -> Block:
    """The block, week by week; `earlier` is a calendar trainweek wrote for it before: each
    week's search starts where it put that week's sessions."""
    if earlier:
        from trainweek.scheduler.ics import previous_starts  # icalendar: only with an earlier calendar
    settings = plan.block or BlockSettings()
    if options.grid is not None:
        plan = plan.model_copy(update={"grid": options.grid})
    start = resolve_week_start(plan, options.week_start)
    number = block_length(plan, weeks, start)
    kinds = week_kinds(settings, number)
    race = _race(plan, settings)
    race_times = (race.start, race.end) if race else None

    volume = last_build = first_volume(plan)
    last_build_load = 0
    loads: list[int] = []
    found: list[BlockWeek] = []
    notes: list[str] = []
    previous: Week | None = None
    for index, kind in enumerate(kinds):
        monday = start + dt.timedelta(weeks=index)
        history = list(settings.history) + loads
        chronic = statistics.fmean(history[-CHRONIC_WEEKS:]) if history else None
        if kind == BUILD:
            if found:
                target = math.floor(last_build_load * (1 + settings.progression))
                if chronic:
                    target = min(target, math.floor(chronic * RATIO_WARNING))
                volume = grown(plan, last_build, max(target, last_build.load(plan)))
            else:
                volume = first_volume(plan)
                target = volume.load(plan)
            last_build = volume
        elif kind == DELOAD:
            volume = lighter(plan, last_build, settings.deload_volume)
            target = round(last_build_load * settings.deload_volume)
        else:  # taper: from the peak build week (the file's week when the block is all taper)
            volume = lighter(plan, last_build, settings.taper_volume)
            target = round(last_build.load(plan) * settings.taper_volume)
        load = volume.load(plan)
        ratio = load / chronic if chronic else None
        if ratio is not None and ratio > RATIO_SPIKE:
            raise SpikeRefused(
                f"week {index + 1} ({monday}): its load {load} AU is {ratio:.2f} x the mean of the weeks before it "
                f"({chronic:.0f} AU), above {RATIO_SPIKE}: a spike, refused. Single changes that work: start the block with "
                f"at most {math.floor(chronic * RATIO_WARNING)} AU (shorter sessions, or mark some 'optional: true'), "
                "or give the weeks you have trained in 'block: history'"
            )
        if ratio is not None and ratio > RATIO_WARNING:
            notes.append(
                f"week {index + 1}: acute:chronic ratio {ratio:.2f}, above {RATIO_WARNING} (the load rises fast; "
                "keep it between 0.8 and 1.3)"
            )
        this_plan = week_plan(plan, index + 1, volume, race_day(race.start, monday) if race else [])
        frame = WeekFrame(this_plan, monday, _carried(previous), race_times)
        try:
            near = previous_starts(this_plan, monday, earlier) if earlier else None
            week = solve(this_plan, options, near=near, frame=frame)
        except NoWeekExists as error:
            error.args = (f"week {index + 1} of the block ({kind} week of {monday}): {error}",)
            raise
        if kind == BUILD:
            last_build_load = load
        loads.append(week.weekly_load())
        found.append(BlockWeek(index + 1, kind, week, target, chronic, ratio))
        previous = week
    return Block(plan, settings, tuple(found), race, tuple(notes))
