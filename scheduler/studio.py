"""The studio's work, apart from the web server: re-solve a plan as its settings change.

A `Studio` holds one plan file and the setting on screen (weights, sessions left out,
hard rules loosened). `submit` checks a new setting at once (a bad value is a `BadOption`
naming it) and hands it to one background worker; a newer setting replaces one still
waiting, and stops a solve still running at once (`interrupt.Stopper`), so the page ends on
the last thing the person asked for. Each solve starts from the week on screen (the
`near` hint, as `sweep` does), so sessions that need not move stay put and only real
moves are marked. `state` is what the page shows; `wait` blocks until it changes.

Saving writes the weights into the plan file with ruamel.yaml's round trip, so its
comments and layout stay; the file as it was is first copied to a backup that is never
overwritten.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from trainweek.constraints import HARD_RULES, SOFT_OBJECTIVES, WEIGHT_NAMES
from trainweek.scheduler.api import PlanFile, about, open_plan
from trainweek.scheduler.errors import BadInput, BadOption, TrainweekError
from trainweek.scheduler.frame import WeekFrame, resolve_week_start
from trainweek.scheduler.interrupt import SearchStopped, Stopper
from trainweek.scheduler.plan import Plan, weight_name
from trainweek.scheduler.solve import WEIGHT_SCALE, SolveOptions, solve
from trainweek.scheduler.week import Week

# The values a trade-off view tries for one weight (what `sweep` would be given).
TRADE_OFF_VALUES = (0, 0.5, 1, 2, 5, 10, 20, 50, 100)


@dataclass(frozen=True)
class Setting:
    """What the page asks for: every weight, the sessions left out (by name) and the hard
    rules loosened (by rule name, each to the loosest change diagnosis offers)."""

    weights: dict[str, float]
    off: frozenset[str] = frozenset()
    relaxed: frozenset[str] = frozenset()


@dataclass
class Result:
    """A finished (or failed) solve of one request."""

    request: int
    setting: Setting
    week: Week | None = None
    error: str | None = None
    moved: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Progress(cp_model.CpSolverSolutionCallback):
    """Counts the solutions of a running solve for the page."""

    def __init__(self, studio: "Studio", request: int) -> None:
        super().__init__()
        self.studio, self.request = studio, request

    def on_solution_callback(self) -> None:
        self.studio._progress(self.request, self.objective_value / WEIGHT_SCALE, self.best_objective_bound / WEIGHT_SCALE)


class Studio:
    def __init__(self, source: PlanFile | str, options: SolveOptions = SolveOptions(), solver: Callable[..., Week] = solve) -> None:
        self.source = source if isinstance(source, PlanFile) else open_plan(source)
        self.options = options.model_copy(update={"weights": ()})
        self._start_weights = dict(options.weights)
        self._solver = solver
        self._lock = threading.Condition()
        self._requested = 0  # the newest request's number
        self._pending: tuple[int, Setting] | None = None
        self._running: int | None = None
        self._stopper: Stopper | None = None  # stops the running request's searches
        self._trade_off: Stopper | None = None  # stops the running trade-off's searches
        self._newest_ask: tuple[float, ...] | None = None  # the order of the newest trade-off a page asked for
        self._progress_note: dict[str, Any] | None = None
        self.result: Result | None = None
        self._on_screen: Week | None = None
        self.version = 0  # grows whenever `state` changes
        self._stopped = False
        self._thread = threading.Thread(target=self._work, name="trainweek-studio-solver", daemon=True)
        self._thread.start()

    # The plan and the settings the page can change.

    @property
    def plan(self) -> Plan:
        return self.source.plan

    @property
    def path(self) -> str:
        return self.source.path

    def file_weights(self) -> dict[str, float]:
        """The weights the plan file gives (with the goal defaults for the rest)."""
        return self.plan.effective_weights()

    def first_setting(self) -> Setting:
        return Setting(self.plan.effective_weights(self._start_weights))

    def relaxable(self) -> dict[str, str]:
        """Hard rules the page may switch off, with what that means: the loosest change the
        rule's own diagnosis offers for this plan (rules that offer none cannot be switched)."""
        return {name: relaxation.text for name, relaxation in self._relaxations(self.plan).items()}

    def _relaxations(self, plan: Plan) -> dict:
        frame = WeekFrame(plan, resolve_week_start(plan, self.options.week_start))
        found = {}
        for rule in HARD_RULES:
            if rule.NAME == "availability":
                continue  # its changes shorten a session: not a rule to switch off
            offers = [relaxation for group in rule.relaxations(plan, frame) for relaxation in group]
            if offers:
                found[rule.NAME] = offers[-1]
        return found

    def setting(self, asked: dict[str, Any]) -> Setting:
        """The page's request as a checked setting; a bad value is a BadOption naming it."""
        if not isinstance(asked, dict):
            raise BadOption("request", asked, "must be a JSON object")
        unknown = set(asked) - {"weights", "off", "relaxed"}
        if unknown:
            raise BadOption(sorted(unknown)[0], None, "is not a studio setting")
        weights = asked.get("weights", {})
        if not isinstance(weights, dict):
            raise BadOption("weights", weights, "must map weight names to numbers")
        for name in weights:
            try:
                weight_name(str(name))
            except ValueError as error:
                raise BadOption("weights", name, str(error)) from None
        checked = self.options.with_weights(weights)  # the one weight rule: BadOption on a bad value
        off, relaxed = asked.get("off", []), asked.get("relaxed", [])
        if not isinstance(off, list) or not all(isinstance(name, str) for name in off):
            raise BadOption("off", off, "must be a list of session names")
        if not isinstance(relaxed, list) or not all(isinstance(name, str) for name in relaxed):
            raise BadOption("relaxed", relaxed, "must be a list of rule names")
        names = {spec.name for spec in self.plan.sessions}
        for name in off:
            if name not in names:
                raise BadOption("off", name, "is not a session of the plan")
        if names <= set(off):
            raise BadOption("off", name, "would leave no session; keep at least one")
        switchable = self.relaxable()
        for name in relaxed:
            if name not in switchable:
                raise BadOption("relaxed", name, f"cannot be switched off; these can: {', '.join(switchable) or 'none'}")
        return Setting(self.plan.effective_weights(dict(checked.weights)), frozenset(off), frozenset(relaxed))

    def plan_for(self, setting: Setting) -> Plan:
        """The plan with the setting's sessions left out and its rules loosened."""
        plan = self.plan
        if setting.off:
            plan = plan.model_copy(update={"sessions": [spec for spec in plan.sessions if spec.name not in setting.off]})
        if setting.relaxed:
            for name, relaxation in self._relaxations(plan).items():
                if name in setting.relaxed:
                    plan = relaxation.apply(plan)
        return plan

    def solve_setting(self, setting: Setting, near_week: Week | None = None, callback=None) -> Week:
        plan = self.plan_for(setting)
        near = _near(plan, near_week) if near_week else None
        options = self.options.with_weights(setting.weights)
        with about(self.path):
            return self._solver(plan, options, callback=callback, near=near)

    # The background worker.

    def submit(self, asked: dict[str, Any] | Setting) -> int:
        """Check a setting and queue it; the number of the request. Replaces a request still waiting."""
        setting = asked if isinstance(asked, Setting) else self.setting(asked)
        with self._lock:
            self._requested += 1
            self._pending = (self._requested, setting)
            if self._stopper is not None:  # the running request is no longer wanted
                self._stopper.stop()
            self.version += 1
            self._lock.notify_all()
            return self._requested

    def _progress(self, request: int, objective: float, bound: float) -> None:
        with self._lock:
            solutions = (self._progress_note or {}).get("solutions", 0) + 1
            self._progress_note = {"request": request, "solutions": solutions, "objective": objective, "bound": bound}
            self.version += 1
            self._lock.notify_all()

    def _work(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._stopped:
                    self._lock.wait()
                if self._stopped or self._pending is None:
                    return
                request, setting = self._pending
                self._pending, self._running, self._progress_note = None, request, None
                self._stopper = stopper = Stopper()
                self.version += 1
                self._lock.notify_all()
                previous = self._on_screen  # the last week shown, even when a later setting had none
            started = time.perf_counter()
            result = Result(request, setting)
            try:
                with stopper.under():
                    result.week = self.solve_setting(setting, previous, _Progress(self, request))
                result.moved = moved_labels(previous, result.week) if previous else []
            except TrainweekError as error:
                result.error = str(error)
            except SearchStopped:  # a newer request, or the studio stops: nothing to show
                pass
            result.seconds = time.perf_counter() - started
            with self._lock:
                self._running, self._stopper = None, None
                if request == self._requested:  # a newer request makes this one stale
                    self.result = result
                    self._on_screen = result.week or self._on_screen
                self.version += 1
                self._lock.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for stopper in (self._stopper, self._trade_off):
                if stopper is not None:
                    stopper.stop()
            self._lock.notify_all()
        self._thread.join(timeout=60)

    def state(self) -> dict[str, Any]:
        """What the page shows now: the newest request, whether it is done, and the week on screen."""
        with self._lock:
            return {
                "version": self.version,
                "requested": self._requested,
                "solving": self._running,
                "progress": self._progress_note,
                "result": self.result,
            }

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the state's version is past `seen` (or the timeout); the version then."""
        with self._lock:
            self._lock.wait_for(lambda: self.version > seen or self._stopped, timeout)
            return self.version

    def wait_done(self, request: int, timeout: float = 60) -> Result:
        """The result of request number `request` or a later one (for tests and scripts)."""
        with self._lock:
            if not self._lock.wait_for(lambda: self.result is not None and self.result.request >= request, timeout):
                raise TimeoutError(f"request {request} not solved within {timeout} s")
            assert self.result is not None
            return self.result

    # Trade-offs, pins and saving.

    def trade_off(
        self, name: str, base: Setting, values: tuple[float, ...] = TRADE_OFF_VALUES, ask: tuple[float, ...] | None = None
    ) -> list[tuple[list[float], Week]]:
        """The distinct weeks as one weight runs through `values`, the others as in `base`:
        `sweep`'s walk (each solve hinted with the one before), weeks told apart by their raw penalties.

        One runs at a time: a newer trade-off, or the studio's stop, stops it at once
        (SearchStopped); on a big week its solves would otherwise hold a core for minutes.
        Which is newer is `ask`, the order the page asked in, where it is given: two asked
        at once may reach the server in either order, and the one asked first must not stop
        the other (it is refused instead); without it, the later to arrive."""
        try:
            name = weight_name(str(name))
        except ValueError as error:
            raise BadOption("weight", name, str(error)) from None
        stopper = Stopper()
        with self._lock:
            if self._stopped or (ask is not None and self._newest_ask is not None and ask <= self._newest_ask):
                raise SearchStopped
            if ask is not None:
                self._newest_ask = ask
            if self._trade_off is not None:
                self._trade_off.stop()
            self._trade_off = stopper
        distinct: dict[tuple, tuple[list[float], Week]] = {}
        week = None
        try:
            with stopper.under():
                for value in values:
                    week = self.solve_setting(Setting({**base.weights, name: value}, base.off, base.relaxed), week)
                    distinct.setdefault(tuple(sorted(week.parts.items())), ([], week))[0].append(value)
        finally:
            with self._lock:
                if self._trade_off is stopper:
                    self._trade_off = None
        return list(distinct.values())

    def pin(self, week: Week, label: str, day: int) -> str:
        """What moving one session of `week` to another day would cost, and why, in words."""
        from trainweek.constraints.only_on import day_names
        from trainweek.scheduler.explain import alternatives
        from trainweek.scheduler.timetext import WEEKDAY_NAMES

        placement = next((p for p in week.placements if p.occurrence.label == label), None)
        if placement is None:
            raise BadOption("session", label, "is not a session of the week on screen")
        if not (isinstance(day, int) and 0 <= day <= 6):
            raise BadOption("day", day, "must be a day of the week, 0 (Monday) to 6 (Sunday)")
        if day == placement.day:
            return f"{label} already sits on {WEEKDAY_NAMES[day]}."
        if not placement.spec.allows_day(day):
            return f"{label} cannot go on {WEEKDAY_NAMES[day]}: the plan keeps it to {day_names(placement.spec)} (only_on)."
        for option in alternatives(week, only=placement.occurrence.index)[placement.occurrence.index]:
            if option.day == day and option.blocked_by:
                return f"{label} cannot go on {option.sentence.removeprefix('not on ')}"
            if option.day == day:
                return f"Pinning {label} on {option.sentence}"
        return f"Pinning {label} on {WEEKDAY_NAMES[day]}: no free time there that is long enough."

    def save_preview(self, weights: dict[str, Any]) -> tuple[str, str]:
        """The plan file's text with these weights written in, and the change as a unified diff."""
        checked = self.setting({"weights": weights}).weights
        path = Path(self.path)
        before = path.read_text(encoding="utf-8")
        after = with_weights(before, checked, self.file_weights(), self.path)
        diff = "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), path.name, f"{path.name} (with these weights)"))
        return after, diff

    def save(self, weights: dict[str, Any]) -> tuple[Path | None, str]:
        """Write the weights into the plan file; the backup's path (None when nothing changed) and the diff."""
        from trainweek.scheduler.loading import parse_plan

        after, diff = self.save_preview(weights)
        if not diff:
            return None, ""
        path = Path(self.path)
        with about(self.path):
            plan = parse_plan(after, self.path)  # never write a file that no longer loads
        backup = backup_path(path)
        target = path.resolve()
        original = target.read_bytes()
        with open(backup, "xb") as copy:
            copy.write(original)
        temporary = target.with_name(f".{target.name}.studio-{os.getpid()}")
        temporary.write_text(after, encoding="utf-8")
        os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
        self.source = PlanFile(self.path, plan)
        return backup, diff


def _near(plan: Plan, week: Week) -> dict:
    """The week's starts as a hint for `plan`, matched by session label (sessions left out
    or put back renumber the occurrences)."""
    starts = {p.occurrence.label: p.local_start for p in week.placements}
    return {item.index: starts[item.label] for item in plan.occurrences if item.label in starts}


def moved_labels(before: Week, after: Week) -> list[str]:
    """Sessions of `after` that sit elsewhere than in `before` (a session put back counts as moved)."""
    old = {p.occurrence.label: (p.day, p.start) for p in before.placements}
    return [p.occurrence.label for p in after.placements if old.get(p.occurrence.label) != (p.day, p.start)]


def with_weights(text: str, weights: dict[str, float], file_weights: dict[str, float], source: str) -> str:
    """The plan text with `weights:` holding every weight that differs from what the file
    gives now. ruamel.yaml's round-trip loader says where each key sits; only there does
    the text change (a value replaced, a key added to the mapping, block or flow style),
    so comments, quoting, indentation and the order of everything else stay as they were."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    changes = {name: weights[name] for name in WEIGHT_NAMES if weights[name] != file_weights[name]}
    if not changes:
        return text
    document = YAML(typ="rt").load(text)
    if not isinstance(document, CommentedMap):
        raise BadInput(f"{source}: the file is not a mapping of settings; cannot write weights into it")
    section = document.get("weights")
    if section is not None and not isinstance(section, CommentedMap):
        raise BadInput(f"{source}: 'weights' is not a mapping; cannot write weights into it")
    if section is not None and "fatigue_spread" in section and "hard_easy" in changes:
        changes["fatigue_spread"] = changes.pop("hard_easy")  # version 1's name for hard_easy
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    edits: list[tuple[int, int, int, str]] = []  # (line, from column, to column, new text), on the text as read
    missing = {name: value for name, value in changes.items() if section is None or name not in section}
    for name, value in changes.items():
        if name not in missing:
            line, column = section.lc.value(name)
            found = _SCALAR.match(lines[line], column)
            edits.append((line, column, found.end() if found else column, _number_text(value)))
    added = [f"{name}: {_number_text(value)}" for name, value in missing.items()]
    inserted: list[tuple[int, list[str]]] = []  # (before line, new lines)
    if added and section is not None and (section.fa.flow_style() or not section):
        line, column = section.lc.value(list(section)[-1]) if len(section) else document.lc.value("weights")
        line, column = _closing_brace(lines, line, column)
        edits.append((line, column, column, (", " if len(section) else "") + ", ".join(added)))
    elif added and section is not None and len(section):
        keys = list(section)
        indent = section.lc.key(keys[0])[1]
        inserted.append((section.lc.key(keys[-1])[0] + 1, [f"{' ' * indent}{entry}\n" for entry in added]))
    elif added and "weights" in document:  # `weights:` with nothing under it
        line, column = document.lc.key("weights")
        inserted.append((line + 1, [f"{' ' * (column + 2)}{entry}\n" for entry in added]))
    elif added:
        indent = document.lc.key(next(iter(document)))[1] if document else 0
        inserted.append((len(lines), [f"{' ' * indent}weights:\n"] + [f"{' ' * (indent + 2)}{entry}\n" for entry in added]))
    for line, start, stop, new in sorted(edits, reverse=True):
        lines[line] = lines[line][:start] + new + lines[line][stop:]
    for line, new_lines in inserted:
        lines[line:line] = new_lines
    return "".join(lines)


# A scalar as YAML writes a weight: quoted, or plain up to a space, comma, brace or comment.
_SCALAR = re.compile(r"\"[^\"]*\"|'[^']*'|[^\s#,}\]]+")


def _closing_brace(lines: list[str], line: int, column: int) -> tuple[int, int]:
    """Where the flow mapping whose last value (or opening brace) is at (line, column) closes."""
    found = _SCALAR.match(lines[line], column) if lines[line][column] != "{" else None
    column = found.end() if found else column + 1
    while True:
        position = lines[line].find("}", column)
        if position >= 0:
            return line, position
        line, column = line + 1, 0


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def backup_path(path: Path) -> Path:
    """A free name beside the plan for its backup: PLAN.yaml.bak, then PLAN.yaml.bak2, ..."""
    for n in itertools.count(1):
        candidate = path.with_name(f"{path.name}.bak" + ("" if n == 1 else str(n)))
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
    raise AssertionError("unreachable")


def objective_bars(week: Week) -> list[dict[str, Any]]:
    """Each objective's part of the score, for the bars."""
    from trainweek.scheduler.report import objective_rows

    return objective_rows(week)


def objective_titles() -> dict[str, str]:
    return {rule.NAME: rule.TITLE for rule in SOFT_OBJECTIVES}
