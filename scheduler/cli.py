"""The `trainweek` command: a thin layer over the library that turns known errors into messages.

Exit status: 0 done, 2 bad input (file, option), 3 no week exists under the rules,
4 no week found within the time limit.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import sys
import threading
from pathlib import Path

import click

from trainweek.scheduler.errors import EXIT_BAD_INPUT, BadOption, TrainweekError
from trainweek.scheduler.files import claim_output
from trainweek.scheduler.training import Goal

# Start-up (issue 21): this module imports only click and a few light modules; each
# command imports what it uses when it runs, so `trainweek --help` or `init` does not
# load the solver, and `solve --no-ics` loads neither icalendar nor the views.
# tests/test_startup.py pins which modules a run leaves out.
#
# The program (not a caller of `main` with its own arguments, such as the tests) also
# spares the cyclic garbage collector work that finds nothing: a solve loads about 75,000
# objects that live until the process ends (ortools with numpy and pandas, pydantic, rich),
# and the collector scans them again and again while they are created (about 40 ms) and
# once more as the interpreter exits (about 60 ms). So it is off until the command has
# imported what it uses (`_loaded`), which then freezes those objects (`gc.freeze`: never
# scanned again) and turns it back on; at exit everything is frozen, so the last pass is
# skipped. Nothing is left uncollected that a run would notice: the process is ending.
#
# It also asks OpenBLAS for one thread, unless the environment already says how many.
# numpy comes with the solver (ortools imports pandas), and its OpenBLAS starts a thread
# per further core that spins for about 0.1 s waiting for matrix work trainweek never
# gives it: CPU time taken from the start-up, and wall time too when the other cores are
# busy (about 60 ms of `solve --no-ics` on 2 shared cores, issue 21). The variable is read
# when numpy loads, so it is set before any command runs; processes the program starts
# (batch workers) inherit it, and need no matrix threads either.
_program = False
THREADS_VARIABLE = "OPENBLAS_NUM_THREADS"


def _program_start() -> None:
    global _program
    _program = True
    gc.disable()
    atexit.register(gc.freeze)
    os.environ.setdefault(THREADS_VARIABLE, "1")


def _import_beside(*modules: str) -> threading.Thread:
    """Import `modules` on a second thread while the command goes on: where it then searches,
    CP-SAT releases the GIL, and they load on the other core in the meantime (rich, for
    the table: about 20-30 ms of `solve --no-ics`, issue 21; icalendar about 40 ms more).
    A later import of one of them waits for this one to finish; where it fails, that
    import raises the error."""

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError:
                return

    loading = threading.Thread(target=load, name="trainweek-import")
    loading.start()
    return loading


def _loaded() -> None:
    """The command has imported what it uses: collect garbage again, as usual, from here."""
    if _program and not gc.isenabled():
        gc.freeze()
        gc.enable()


class UserError(click.ClickException):
    exit_code = EXIT_BAD_INPUT


def _weight_name(value: str) -> tuple[str, str]:
    """NAME and what follows '=' in a --weight value, the name checked."""
    from trainweek.scheduler.plan import weight_name

    name, _, rest = value.partition("=")
    try:
        return weight_name(name.strip()), rest
    except ValueError as error:
        raise UserError(f"--weight {value}: {error}") from None


def _weight_option(values: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    from trainweek.scheduler.plan import parse_weight_setting

    parsed = []
    for value in values:
        try:
            parsed.append(parse_weight_setting(value))
        except ValueError as error:
            raise UserError(f"--weight {value}: {error}") from None
    return tuple(parsed)


def _load(path: str):
    from trainweek.scheduler.loading import read_plan

    plan, notes = read_plan(path)
    _warn(notes)
    return plan


def _open(path: str):
    """The plan file, loaded, with its notes (`timezone: EST` ...) said once on stderr."""
    from trainweek.scheduler.api import open_plan

    source = open_plan(path)
    _warn(source.notes)
    return source


def _warn(notes) -> None:
    for note in notes:
        click.echo(f"Warning: {note}", err=True)


class _WeightsOption(click.Option):
    """--weight, whose help names every weight: read from the rules when the help is shown."""

    @property
    def help(self) -> str:
        from trainweek.constraints import WEIGHT_NAMES

        return f"Override a weight; repeatable. Names: {', '.join(WEIGHT_NAMES)}."

    @help.setter
    def help(self, value) -> None:  # click sets it; the text above is the one shown
        pass


_weights_option = click.option("--weight", "weights", multiple=True, metavar="NAME=VALUE", cls=_WeightsOption)
solve_options = [
    click.option("--week-start", metavar="YYYY-MM-DD", help="Monday the week starts (default: the file's week_start, else next Monday)."),
    click.option("--grid", help="Start-time grid, e.g. 5m or 15m (default: the file's grid, else 5m)."),
    _weights_option,
    click.option("--workers", default="1", metavar="N", show_default=True, help="CP-SAT search workers, 1-64 (1 is deterministic)."),
    click.option("--seed", default="0", metavar="N", show_default=True, help="CP-SAT random seed."),
    click.option("--time-limit", default="60", metavar="SECONDS", show_default=True, help="Seconds before giving up on proving optimality."),
]


def with_solve_options(command=None, *, weights: bool = True):
    """Add the solver options to a command (without --weight where it means something else)."""
    if command is None:
        return lambda later: with_solve_options(later, weights=weights)
    for option in reversed(solve_options):
        if weights or option is not _weights_option:
            command = option(command)
    return command


def _options(week_start, grid, weights, workers, seed, time_limit):
    """The solve options as given; the library checks them, this names the option as typed.
    Every command that solves gets here once it has imported what it uses."""
    from trainweek.scheduler.solve import SolveOptions

    _loaded()
    given = dict(week_start=week_start, grid=grid, workers=workers, seed=seed, time_limit=time_limit)
    try:
        return SolveOptions(weights=_weight_option(weights), **{k: v for k, v in given.items() if v is not None})
    except BadOption as error:
        flag = "weight" if error.option == "weights" else error.option.replace("_", "-")
        raise UserError(f"--{flag} {given.get(error.option, error.value)}: {error.reason}") from None


def run_solve(path, earlier=None, **solve_args):
    """The library's solve of one plan file (a path, or the PlanFile `_open` gave), with the
    solver options as the command line gave them."""
    from trainweek.scheduler.api import PlanFile, solve_plan_file

    return solve_plan_file(path if isinstance(path, PlanFile) else _open(path), _options(**solve_args), earlier)


_remind_option = click.option("--remind", metavar="DURATION", help="Add a reminder this long before each session, e.g. 30m.")


def calendar_options(command):
    command = click.option("--weeks", type=click.IntRange(1, 52), default=1, show_default=True, help="Write the week this many times, one week after another.")(command)
    return _remind_option(command)


# `solve --weeks N` and `publish --weeks N` wrote N copies of one week; several real weeks
# are `block`'s (issue 20), into a file or a CalDAV calendar.
_retired_weeks = click.option("--weeks", default="1", hidden=True, help="Retired: use `trainweek block PLAN --weeks N`.")


def _cancelled(count: int) -> str:
    """What a file written over an earlier one says of the events it cancels."""
    if not count:
        return ""
    return f" It cancels {count} event{'' if count == 1 else 's'} of the earlier file that the plan no longer holds."


def _weeks_retired(weeks: str, command: str, instead: str = "") -> None:
    if weeks.strip() != "1":
        raise UserError(
            f"--weeks {weeks}: {command} plans one week; for several weeks use 'trainweek block PLAN_FILE --weeks N{instead}', "
            "which solves each week against its own busy time, with progression, deload weeks and a taper"
        )


def _caldav_password(user: str) -> str:
    """The CalDAV password: from the environment, else asked for (never a command-line option)."""
    from trainweek.scheduler.publish import PASSWORD_VARIABLE

    password = os.environ.get(PASSWORD_VARIABLE)
    if password:
        return password
    try:
        return click.prompt(f"Password for {user}", hide_input=True)
    except click.Abort:
        raise UserError(f"no password: set {PASSWORD_VARIABLE} or run this where it can ask you") from None


def _calendar_choice(remind: str | None, weeks: int, writes: bool = True):
    """The calendar options; None when no calendar is written (--remind is checked all the same)."""
    from trainweek.scheduler.timetext import parse_minutes

    try:
        minutes = None if remind is None else parse_minutes(remind, allow_zero=True)
    except ValueError as error:
        raise UserError(f"--remind {remind}: {error}") from None
    if not writes:
        return None
    from trainweek.scheduler.ics import CalendarOptions  # icalendar: only for a calendar written

    return CalendarOptions(remind=minutes, weeks=weeks)


class _Trainweek(click.Group):
    """Turns every expected failure (`TrainweekError`) into its message and exit status, in one place."""

    def main(self, args=None, *more, **settings):
        if args is None:  # the command line of this process: the trainweek program itself
            _program_start()
        return super().main(args, *more, **settings)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TrainweekError as error:
            from trainweek.scheduler.plan import visible

            exception = click.ClickException(visible(str(error)))
            exception.exit_code = error.exit_code
            raise exception from None
        except KeyboardInterrupt as interrupt:
            # Ctrl+C stops a search at once (scheduler/interrupt.py); files are replaced
            # whole or not at all (scheduler/files.py), so none is left half-written; a
            # calendar on a server written in part says so (errors.Interrupted).
            left = str(interrupt) or "no file was left half-written"
            click.echo(f"\nInterrupted (Ctrl+C): stopped; {left}.", err=True)
            raise click.exceptions.Exit(130) from None


@click.group(cls=_Trainweek, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trainweek")
def main():
    """Plan a week of running and lifting that respects how the two interfere."""


def _claim_pictures(html_path, svg_path, force, inputs):
    """The --html and --svg outputs asked for, claimed under the one overwrite policy."""
    asked = (("html", html_path, "--html"), ("svg", svg_path, "--svg"))
    return [claim_output(path, kind, force, inputs, option) for kind, path, option in asked if path]


def _draw(week, pictures, replanned=None) -> None:
    if not pictures:
        return
    from trainweek.scheduler.view import RENDERERS

    for picture in pictures:
        picture.write(RENDERERS[picture.kind](week, replanned).encode())


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write the .ics (default: PLAN.ics in the current folder).")
@click.option("--json", "as_json", is_flag=True, help="Print the week as JSON instead of a table.")
@click.option("--no-ics", is_flag=True, help="Do not write a calendar file.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write the week as one self-contained web page.")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False), help="Also write the week's grid as an SVG image.")
@click.option("--force", is_flag=True, help="Replace an output file that trainweek did not write.")
@_retired_weeks
@_remind_option
@with_solve_options
def solve(plan_file, output, as_json, no_ics, force, remind, weeks, html_path, svg_path, **solve_args):
    """Solve the week in PLAN_FILE, show it and write it as an .ics calendar."""
    from trainweek.scheduler.api import EarlierCalendar, earlier_calendar, solve_plan_file
    from trainweek.scheduler.report import as_json as week_json, print_week

    _weeks_retired(weeks, "solve")
    source = _open(plan_file)
    options = _options(**solve_args)
    choice = _calendar_choice(remind, 1, writes=not no_ics)
    calendar = None if no_ics else claim_output(output or Path(plan_file).stem + ".ics", "ics", force, source.inputs)
    pictures = _claim_pictures(html_path, svg_path, force, source.inputs)
    earlier = earlier_calendar(calendar.earlier, str(calendar.path)) if calendar else EarlierCalendar(None)
    for note in earlier.notes:
        click.echo(f"Note: {note}", err=True)
    _import_beside(*(["rich.console", "rich.table"] if not as_json else []), *(["trainweek.scheduler.ics"] if calendar else []))
    week = solve_plan_file(source, options, earlier.data)
    _draw(week, pictures)
    cancelled = 0
    if calendar:
        from trainweek.scheduler.ics import newly_cancelled, week_calendar

        written = week_calendar(week, earlier.data, choice)
        calendar.write(written.to_ical())
        cancelled = newly_cancelled(written, earlier.data)
    # With -o /dev/stdout the file is the output: the table and messages go to stderr.
    to_stderr = any(output.is_stdout() for output in [calendar, *pictures] if output)
    if as_json:
        click.echo(json.dumps(week_json(week), indent=2), err=to_stderr)
    else:
        from rich.console import Console

        print_week(week, Console(stderr=to_stderr))
        if calendar:
            events = len(week.placements)
            click.echo(f"Wrote {calendar.path} ({events} event{'' if events == 1 else 's'}). Import it into your calendar app.{_cancelled(cancelled)}", err=to_stderr)
        for picture in pictures:
            click.echo(f"Wrote {picture.path}.", err=to_stderr)


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--now", "now_text", metavar="'YYYY-MM-DD HH:MM'", help="The time to re-plan from, in the plan's zone (default: now).")
@click.option("--done", multiple=True, metavar="NAME[@DAY HH:MM,DURATION,rpe N]", help="A session done (as planned, or when and how it was); repeatable.")
@click.option("--missed", multiple=True, metavar="NAME", help="A session missed; repeatable.")
@click.option("--log", "log_file", type=click.Path(dir_okay=False), help="A log file: one 'done NAME...' or 'missed NAME' a line.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="The week's .ics to read and update in place (default: PLAN.ics in the current folder).")
@click.option("--json", "as_json", is_flag=True, help="Print the week and its changes as JSON instead of a table.")
@click.option("--no-ics", is_flag=True, help="Do not write the calendar file.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write the re-planned week as a web page, done, moved and left-out sessions marked.")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False), help="Also write the re-planned week's grid as an SVG image, marked the same way.")
@click.option("--force", is_flag=True, help="Replace an output file that trainweek did not write.")
@click.option("--caldav", "url", metavar="URL", help="Read and update the week in this CalDAV calendar instead of the .ics.")
@click.option("--user", help="User name on the CalDAV server (with --caldav).")
@with_solve_options
def replan(plan_file, now_text, done, missed, log_file, output, as_json, no_ics, force, url, user, html_path, svg_path, **solve_args):
    """Re-plan the rest of the week in PLAN_FILE from what was done and missed; update its .ics in place.

    With --caldav the password comes from TRAINWEEK_CALDAV_PASSWORD, or a prompt.
    """
    from rich.console import Console

    from trainweek.scheduler.api import about, earlier_calendar
    from trainweek.scheduler.happened import Status, parse_entry, parse_log_text, parse_session
    from trainweek.scheduler.replan import changes_json, parse_now, replan as replan_week, replan_ics
    from trainweek.scheduler.report import as_json as week_json, print_week

    source = _open(plan_file)
    options = _options(**solve_args)
    log = [parse_entry(text) for text in source.plan.log]
    if log_file:
        try:
            log += parse_log_text(Path(log_file).read_text(encoding="utf-8"), log_file)
        except OSError as error:
            raise UserError(f"--log {log_file}: cannot read it ({error.strerror or error})") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(f"--log {error}") from None
    for flag, status, values in (("--done", Status.done, done), ("--missed", Status.missed, missed)):
        for value in values:
            try:
                log.append(parse_session(value, status))
            except ValueError as error:
                raise UserError(f"{flag} {value}: {error}") from None
    now = parse_now(now_text, source.plan)
    pictures = _claim_pictures(html_path, svg_path, force, source.inputs)
    if url:
        from datetime import timedelta

        from trainweek.scheduler.publish import open_calendar
        from trainweek.scheduler.replan import replan_calendar, replan_week_start

        if not user:
            raise UserError("--caldav needs --user, the user name on the CalDAV server")
        with open_calendar(url, user, _caldav_password(user)) as target:
            # the block's weeks around a block week too: the rules across days reach into them
            server = target.events(replan_week_start(source.plan, now, options) - timedelta(weeks=1), 3)
            with about(source.path):
                result = replan_week(source.plan, log, now, server, options)
            target.write(replan_calendar(result, server))
        no_ics, written = True, url
    else:
        calendar = claim_output(output or Path(plan_file).stem + ".ics", "ics", force, source.inputs)
        earlier = earlier_calendar(calendar.earlier, str(calendar.path))
        for note in earlier.notes:
            click.echo(f"Note: {note}", err=True)
        with about(source.path):
            result = replan_week(source.plan, log, now, earlier.data, options)
        if not no_ics:
            calendar.write(replan_ics(result, earlier.data))
        written = None if no_ics else calendar.path
    _draw(result.week, pictures, result)
    if as_json:
        data = week_json(result.week)
        data.update(now=result.now.isoformat(), changes=changes_json(result), left_out=[o.label for o in result.left_out], notes=list(result.notes))
        click.echo(json.dumps(data, indent=2))
        return
    print_week(result.week, Console())
    for note in result.notes:
        click.echo(f"Note: {note}")
    moved = [c for c in result.changes if c.what != "done"]
    click.echo("Changes: " + ("none; the rest of the week stands as planned." if not moved else ""))
    for change in result.changes:
        mark = {"done": "  done ", "moved": "  moved", "left out": "  OUT  "}[change.what]
        click.echo(f"{mark} {change.sentence()}")
    if written:
        click.echo(f"Updated {written} in place ({len(result.moved())} moved, {len(result.left_out)} cancelled).")
    for picture in pictures:
        click.echo(f"Wrote {picture.path}.")


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write the page (default: PLAN.html in the current folder).")
@click.option("--force", is_flag=True, help="Replace a file that trainweek did not write.")
@with_solve_options
def show(plan_file, output, force, **solve_args):
    """Solve the week in PLAN_FILE, write it as a web page and open it in your browser."""
    import webbrowser

    from trainweek.scheduler.api import solve_plan_file

    source = _open(plan_file)
    options = _options(**solve_args)
    page = claim_output(output or Path(plan_file).stem + ".html", "html", force, source.inputs)
    _draw(solve_plan_file(source, options), [page])
    address = page.path.resolve().as_uri()
    try:
        opened = webbrowser.open(address)
    except webbrowser.Error:
        opened = False
    click.echo(f"Wrote {page.path}; " + ("opened it in your browser." if opened else f"no browser to open here; open {address} to see it."))


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
def validate(plan_file):
    """Check PLAN_FILE for mistakes without solving."""
    plan = _load(plan_file)
    count = len(plan.occurrences)
    click.echo(f"{plan_file}: OK ({count} session{'' if count == 1 else 's'}, goals: {', '.join(g.value for g in plan.goals)})")


@main.command()
@click.option("--goal", type=click.Choice([g.value for g in Goal]), default="general", show_default=True, help="Primary goal of the starter week.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="week.yaml", show_default=True, help="Where to write the starter file.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(goal, output, force):
    """Write a commented starter availability file for a goal."""
    from trainweek.scheduler.starter import starter_text

    target = claim_output(output, "yaml", force)
    target.write(starter_text(Goal(goal), str(target.path)).encode())
    click.echo(f"Wrote {target.path}. Edit your windows and sessions, then run: trainweek solve {target.path}")


@main.command()
@click.argument("name", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write it (default: NAME.yaml in the current folder).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def example(name, output, force):
    """List the bundled example plans, or write the one called NAME to a file."""
    from trainweek.scheduler.api import example_names, example_text

    if name is None:
        for known in example_names():
            first = example_text(known).splitlines()[0].lstrip("# ")
            click.echo(f"{known:20} {first}")
        click.echo("Write one with: trainweek example NAME, then solve it with: trainweek solve NAME.yaml")
        return
    text = example_text(name)
    target = claim_output(output or f"{name}.yaml", "yaml", force)
    target.write(text.encode())
    click.echo(f"Wrote {target.path}. Solve it with: trainweek solve {target.path}")


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--caldav", "url", required=True, metavar="URL", help="Address of the CalDAV calendar (the collection itself).")
@click.option("--user", required=True, help="User name on the CalDAV server.")
@_retired_weeks
@_remind_option
@with_solve_options
def publish(plan_file, url, user, remind, weeks, **solve_args):
    """Solve the week in PLAN_FILE and put it into a CalDAV calendar.

    The password comes from the environment variable TRAINWEEK_CALDAV_PASSWORD, or a prompt.
    Several weeks: `trainweek block PLAN_FILE --caldav URL --user NAME`.
    """
    from trainweek.scheduler.frame import resolve_week_start
    from trainweek.scheduler.publish import open_calendar

    _weeks_retired(weeks, "publish", " --caldav URL --user NAME")
    choice = _calendar_choice(remind, 1)
    source = _open(plan_file)
    plan, week_start = source.plan, _options(**solve_args).week_start
    password = _caldav_password(user)
    with open_calendar(url, user, password) as target:
        earlier = target.events(resolve_week_start(plan, week_start), 1)
        week = run_solve(source, earlier, **solve_args)
        done = target.publish(week, earlier, choice)
    click.echo(done.sentence(f"Published to {url}"))


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@with_solve_options
def explain(plan_file, as_json, **solve_args):
    """Show the score part by part, and why each session sits where it does."""
    from rich.console import Console

    from trainweek.scheduler.explain import alternatives
    from trainweek.scheduler.report import explanation_json, print_explanation

    week = run_solve(plan_file, **solve_args)
    found_reasons, found_alternatives = week.explanations, alternatives(week)
    if as_json:
        click.echo(json.dumps(explanation_json(week, found_reasons, found_alternatives), indent=2))
    else:
        print_explanation(week, found_reasons, found_alternatives, Console())


def _sweep_grid(values: tuple[str, ...]) -> dict[str, list[float]]:
    from trainweek.scheduler.plan import parse_weight_values

    grid = {}
    for value in values:
        name, numbers = _weight_name(value)
        try:
            grid[name] = parse_weight_values(numbers)
        except ValueError as error:
            raise UserError(f"--weight {value}: {error}") from None
    return grid


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--weight", "sweeps", multiple=True, required=True, metavar="NAME=V1,V2,...", help="A weight and the values to try; repeat for a grid of combinations.")
@click.option("--json", "as_json", is_flag=True, help="Print the distinct weeks as JSON.")
@click.option("--html-dir", type=click.Path(file_okay=False), help="Write a week view of each distinct week here (week-A.html, ...).")
@click.option("--force", is_flag=True, help="Replace view files that trainweek did not write.")
@with_solve_options(weights=False)
def sweep(plan_file, sweeps, as_json, html_dir, force, **solve_args):
    """Solve under several weight values and show how the week changes."""
    from rich.console import Console

    from trainweek.scheduler.api import sweep_plan_file
    from trainweek.scheduler.report import print_sweep, sweep_json

    grid = _sweep_grid(sweeps)
    source = _open(plan_file)
    options = _options(weights=(), **solve_args)
    results = sweep_plan_file(source, grid, options)
    if html_dir:
        names = [Path(html_dir) / f"week-{chr(ord('A') + n)}.html" for n in range(len(results))]
        pages = [claim_output(name, "html", force, source.inputs, "--html-dir") for name in names]
        for entry, page in zip(results, pages):
            _draw(entry.week, [page])
        if not as_json:
            click.echo(f"Wrote {len(names)} week views to {html_dir}.")
    if as_json:
        click.echo(json.dumps(sweep_json(results, grid), indent=2))
    else:
        print_sweep(results, grid, Console())


@main.command()
@click.argument("first_file", type=click.Path(dir_okay=False))
@click.argument("second_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print both weeks and their differences as JSON.")
@with_solve_options
def compare(first_file, second_file, as_json, **solve_args):
    """Solve two setups and show side by side where their weeks differ."""
    from rich.console import Console

    from trainweek.scheduler.report import compare_json, print_comparison

    first = run_solve(first_file, **solve_args)
    second = run_solve(second_file, **solve_args)
    if as_json:
        click.echo(json.dumps(compare_json(first, second), indent=2))
    else:
        print_comparison(first, second, Path(first_file).name, Path(second_file).name, Console())


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--weeks", type=click.IntRange(1, 26), help="Weeks in the block, 1-26 (default: the file's block: weeks, else up to its race).")
@click.option("--race", metavar="'YYYY-MM-DD [HH:MM] [NAME]'", help="The race to taper to (replaces the file's block: race).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write the .ics (default: PLAN-block.ics in the current folder).")
@click.option("--json", "as_json", is_flag=True, help="Print the block as JSON instead of a table.")
@click.option("--no-ics", is_flag=True, help="Do not write a calendar file.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write the block as one self-contained web page (loads chart, one row per week).")
@click.option("--force", is_flag=True, help="Replace an output file that trainweek did not write.")
@click.option("--caldav", "url", metavar="URL", help="Put the block into this CalDAV calendar instead of an .ics (read first: a block published before is updated in place).")
@click.option("--user", help="User name on the CalDAV server (with --caldav).")
@_remind_option
@with_solve_options
def block(plan_file, weeks, race, output, as_json, no_ics, html_path, force, url, user, remind, **solve_args):
    """Solve several real weeks in PLAN_FILE: progression, deload weeks, a taper to a race.

    With --caldav the password comes from TRAINWEEK_CALDAV_PASSWORD, or a prompt.
    """
    if not as_json:
        from rich.console import Console  # rich: only for the table

    from trainweek.scheduler.plan import parse_race

    try:
        race = None if race is None else parse_race(race)
    except ValueError as error:
        raise UserError(f"--race {race}: {error}") from None
    if url and (output or no_ics):
        raise UserError(f"--caldav puts the block into the calendar at {url}; leave out {'-o' if output else '--no-ics'}")
    if url and not user:
        raise UserError("--caldav needs --user, the user name on the CalDAV server")

    from trainweek.scheduler.api import EarlierCalendar, earlier_calendar, solve_block_file
    from trainweek.scheduler.block_report import block_json, print_block

    source = _open(plan_file)
    options = _options(**solve_args)
    choice = _calendar_choice(remind, 1, writes=not no_ics)
    page = claim_output(html_path, "html", force, source.inputs, "--html") if html_path else None
    calendar, cancelled = None, 0
    if url:
        from trainweek.scheduler.api import block_weeks
        from trainweek.scheduler.block import MOST_WEEKS
        from trainweek.scheduler.block_ics import block_calendar
        from trainweek.scheduler.publish import open_calendar

        first, number = block_weeks(source, weeks, options, race)
        with open_calendar(url, user, _caldav_password(user)) as target:
            # An earlier, longer copy of the block may reach MOST_WEEKS past its last week.
            server = target.events(first, number + MOST_WEEKS)
            found = solve_block_file(source, weeks, options, server, race)
            published = target.write(block_calendar(found, server, choice), "block")
    else:
        calendar = None if no_ics else claim_output(output or Path(plan_file).stem + "-block.ics", "ics", force, source.inputs)
        earlier = earlier_calendar(calendar.earlier, str(calendar.path)) if calendar else EarlierCalendar(None)
        for note in earlier.notes:
            click.echo(f"Note: {note}", err=True)
        found = solve_block_file(source, weeks, options, earlier.data, race)
        if calendar:
            from trainweek.scheduler.block_ics import block_calendar  # icalendar: only for a calendar written
            from trainweek.scheduler.ics import newly_cancelled

            written = block_calendar(found, earlier.data, choice)
            calendar.write(written.to_ical())
            cancelled = newly_cancelled(written, earlier.data)
    if page:
        from trainweek.scheduler.block_view import block_html

        page.write(block_html(found).encode())
    to_stderr = any(output.is_stdout() for output in (calendar, page) if output)
    if as_json:
        click.echo(json.dumps(block_json(found), indent=2), err=to_stderr)
    else:
        print_block(found, Console(stderr=to_stderr))
        if calendar:
            events = sum(len(bw.week.placements) for bw in found.weeks)
            click.echo(
                f"Wrote {calendar.path} ({events} sessions in {len(found.weeks)} weeks). Import it into your calendar app.{_cancelled(cancelled)}",
                err=to_stderr,
            )
        if url:
            click.echo(published.sentence(f"Published the block ({len(found.weeks)} weeks) to {url}"))
        if page:
            click.echo(f"Wrote {page.path}.", err=to_stderr)


@main.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1 (default: a free one).")
@click.option("--no-browser", is_flag=True, help="Only print the address; do not open a browser.")
@with_solve_options
def studio(plan_file, port, no_browser, **solve_args):
    """Open PLAN_FILE in a local page where the week re-solves as you move weight sliders."""
    import webbrowser

    from trainweek.scheduler.studio import Studio
    from trainweek.scheduler.studio_server import serve

    work = Studio(_open(plan_file), _options(**solve_args))
    try:
        server = serve(work, port)
    except OSError as error:
        work.stop()
        raise UserError(f"--port {port}: cannot listen on 127.0.0.1 ({error.strerror or error})") from None
    opened = False
    if not no_browser:
        try:
            opened = webbrowser.open(server.address)
        except webbrowser.Error:
            opened = False
    click.echo(f"trainweek studio for {plan_file}: {server.address}" + (" (opened in your browser)" if opened else "") + ". Press Ctrl+C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()
        work.stop()


@main.command("solve-many")
@click.argument("plans", nargs=-1, required=True, metavar="PLANS...")
@click.option("-o", "--output-dir", "outdir", required=True, type=click.Path(file_okay=False), help="Folder for every athlete's NAME.ics (made if missing).")
@click.option("--jobs", type=click.IntRange(1, 1024), metavar="N", help="Plans solved at once (default: the number of cores; with Ray, tasks in flight).")
@click.option("--json", "as_json", is_flag=True, help="Also write each week as NAME.json.")
@click.option("--html", "as_html", is_flag=True, help="Also write each week view as NAME.html.")
@click.option("--force", is_flag=True, help="Replace output files that trainweek did not write.")
@click.option("--executor", type=click.Choice(["process", "ray"]), default="process", show_default=True, help="A local process pool, or Ray tasks (pip install 'trainweek[ray]').")
@click.option("--ray-address", metavar="ADDRESS", help="The Ray cluster to use (default: a local Ray).")
@calendar_options
@with_solve_options
def solve_many(plans, outdir, jobs, as_json, as_html, force, executor, ray_address, remind, weeks, **solve_args):
    """Solve every plan in PLANS (files, folders, globs) into OUTDIR, in parallel.

    Plans whose input did not change since the last run are skipped. Exit status: 0 when
    every plan was solved, else the highest of 2 (a bad file), 3 (a plan no week exists
    for), 4 (a plan that ran out of time).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from trainweek.scheduler.batch import BatchOptions, exit_status, find_plans, solve_many as run_batch
    from trainweek.scheduler.report import print_batch

    if ray_address and executor != "ray":
        raise UserError(f"--ray-address {ray_address}: it needs --executor ray")
    options = BatchOptions(solve=_options(**solve_args), calendar=_calendar_choice(remind, weeks), json=as_json, html=as_html, force=force)
    found = find_plans(plans)
    results = []
    errors = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=errors) as progress:
        task = progress.add_task("Solving", total=len(found))
        for result in run_batch(found, options, outdir, executor, jobs=jobs, ray_address=ray_address):
            results.append(result)
            progress.update(task, advance=1, description=f"Solved {result.name}")
    for result in results:
        _warn(result.warnings)
        for note in result.notes:
            click.echo(f"Note: {note}", err=True)
    print_batch(results, outdir, Console())
    raise click.exceptions.Exit(exit_status(results))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
