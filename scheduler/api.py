"""What the commands do, as library functions: load a plan file, solve it (starting from
the calendar trainweek wrote for it before), sweep it; the CLI only parses arguments and
prints. Failures are `TrainweekError`s whose message names the plan file.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from trainweek.scheduler.errors import TrainweekError
from trainweek.scheduler.loading import read_plan
from trainweek.scheduler.plan import Plan, Race
from trainweek.scheduler.solve import SolveOptions
from trainweek.scheduler.week import Week

if TYPE_CHECKING:
    from trainweek.scheduler.ics import Earlier


def __getattr__(name: str):
    """`Earlier` as before, without loading icalendar for the commands that write no calendar."""
    if name == "Earlier":
        from trainweek.scheduler.ics import Earlier

        return Earlier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class PlanFile:
    """A loaded plan, the file it came from, and notes on what the file says that is valid
    but may not mean what was meant (`loading.plan_notes`: `timezone: EST` where
    America/New_York is likely meant), each naming the file, line and key. The commands
    print each once, as a warning on stderr."""

    path: str
    plan: Plan
    notes: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[Path, ...]:
        """Every file this plan makes a run read: the plan itself and its busy .ics files;
        no output may replace one of them."""
        from trainweek.scheduler.busy import is_calendar_file

        return (Path(self.path), *(Path(entry) for entry in self.plan.busy if isinstance(entry, str) and is_calendar_file(entry)))


def open_plan(path: str) -> PlanFile:
    plan, notes = read_plan(path)
    return PlanFile(str(path), plan, notes)


@contextmanager
def about(path: str):
    """A failure a person can act on is named with the plan file it is about."""
    try:
        yield
    except TrainweekError as error:
        error.args = (f"{path}: {error}",)
        raise


@dataclass(frozen=True)
class EarlierCalendar:
    """What can be used of a calendar file trainweek wrote before: its readable events,
    parsed once (UID -> VEVENT, as `ics` takes them), and a note for each event it had to
    leave out (a hand edit, usually)."""

    data: Earlier | None
    notes: tuple[str, ...] = ()


def earlier_calendar(data: bytes | None, name: str = "the earlier calendar") -> EarlierCalendar:
    """The earlier file without the events that cannot be read (no UID, DTSTART or DTEND,
    a SEQUENCE that is not a number...): a re-solve keeps the rest and says what it left out."""
    if not data:
        return EarlierCalendar(None)
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        return EarlierCalendar(None, (f"{name}: cannot read it as a calendar ({error}); every event starts afresh",))
    events, notes = {}, []
    for event in calendar.walk("VEVENT"):
        problem = _unreadable(event)
        if problem:
            uid = event.get("UID")
            notes.append(f"{name}: left out the event {str(uid) if uid else '(no UID)'}: {problem}; it starts afresh")
        else:
            events[str(event["UID"])] = event
    return EarlierCalendar(events, tuple(notes))


def _unreadable(event) -> str | None:
    """Why trainweek cannot use this event of its earlier file, or None."""
    for name in ("UID", "DTSTART", "DTEND"):
        if name not in event:
            return f"it has no {name}"
    for name, problem in getattr(event, "errors", ()):
        return f"{name} is broken ({problem})"
    try:
        int(event.get("SEQUENCE", 0))
        whole_days = all(type(event.decoded(name)) is dt.date for name in ("DTSTART", "DTEND"))
        for name in ("DTSTART", "DTEND") if not whole_days else ():  # a block's deload week or race day
            moment = event.decoded(name)
            if not isinstance(moment, dt.datetime):
                return f"{name} is a date, not a time"
            if moment.tzinfo is None:
                return f"{name} has no time zone"
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return f"it cannot be read ({error})"
    return None


def solve_plan_file(source: PlanFile | str, options: SolveOptions = SolveOptions(), earlier: bytes | Earlier | None = None) -> Week:
    """Load and solve one plan (the week carries its reasons). `earlier` is a calendar
    trainweek wrote for it before: the search starts there, so sessions that need not move stay put."""
    from trainweek.scheduler.frame import resolve_week_start
    from trainweek.scheduler.solve import solve

    source = source if isinstance(source, PlanFile) else open_plan(source)
    with about(source.path):
        near = _previous_starts(source.plan, resolve_week_start(source.plan, options.week_start), earlier) if earlier else None
        return solve(source.plan, options, near=near)


def _previous_starts(plan: Plan, week_start: dt.date, earlier: bytes | Earlier):
    from trainweek.scheduler.ics import previous_starts  # icalendar: only with an earlier calendar

    return previous_starts(plan, week_start, earlier)


def solve_block_file(
    source: PlanFile | str,
    weeks: int | None = None,
    options: SolveOptions = SolveOptions(),
    earlier: bytes | Earlier | None = None,
    race: "Race | None" = None,
):
    """Load and solve a block of `weeks` real weeks (None: the file's `block:`), starting
    each week from where a calendar trainweek wrote before put its sessions; `race`
    replaces the file's `block: race`."""
    from trainweek.scheduler.block import solve_block

    source = source if isinstance(source, PlanFile) else open_plan(source)
    with about(source.path):
        return solve_block(_with_race(source.plan, race), weeks, options, earlier)


def block_weeks(source: PlanFile, weeks: int | None = None, options: SolveOptions = SolveOptions(), race: "Race | None" = None) -> tuple[dt.date, int]:
    """The first Monday and the number of weeks `solve_block_file` plans, known before it
    solves: a calendar's copy of those weeks is read first (`block --caldav`)."""
    from trainweek.scheduler.block import block_length
    from trainweek.scheduler.frame import resolve_week_start

    plan = _with_race(source.plan, race)
    with about(source.path):
        start = resolve_week_start(plan, options.week_start)
        return start, block_length(plan, weeks, start)


def _with_race(plan: Plan, race: "Race | None") -> Plan:
    """The plan with `race` in place of its `block: race` (None: as it is)."""
    if race is None:
        return plan
    from trainweek.scheduler.plan import BlockSettings

    settings = plan.block or BlockSettings()
    return plan.model_copy(update={"block": settings.model_copy(update={"race": race})})


def sweep_plan_file(source: PlanFile | str, grid: dict[str, list[float]], options: SolveOptions = SolveOptions()):
    """The distinct weeks `sweep` finds for the plan, each with its reasons."""
    from trainweek.scheduler.sweep import sweep

    source = source if isinstance(source, PlanFile) else open_plan(source)
    with about(source.path):
        return sweep(source.plan, grid, options)


def example_names() -> list[str]:
    """The bundled example plans, by name (`strength-first`, ...)."""
    from importlib.resources import files

    return sorted(entry.name[: -len(".yaml")] for entry in files("trainweek.examples").iterdir() if entry.name.endswith(".yaml"))


def example_text(name: str) -> str:
    from importlib.resources import files

    from trainweek.scheduler.errors import BadInput

    if name not in example_names():
        raise BadInput(f"no example named '{name}'; the examples are: {', '.join(example_names())}")
    return files("trainweek.examples").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
