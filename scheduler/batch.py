"""Solve many plans at once: a coach's squad on one machine, or a platform's users on Ray.

`solve_many(paths, options, outdir)` finds the plan files (files, folders, globs), solves
each in a worker and yields a `BatchResult` as each one finishes; one bad or impossible
plan never stops the others. For each athlete it writes NAME.ics under the output folder
(and NAME.json, NAME.html on request), byte for byte what `trainweek solve NAME.yaml -o
OUTDIR/NAME.ics` writes, and, like `solve -o`, each re-solve starts from the calendar
written there before.

The workers do everything but touch the output folder: they parse the plan from its
bytes, solve it and hand back the files' bytes, which this process writes. So the same
job runs in a local process pool (`executor="process"`) or as a Ray task on a cluster
(`executor="ray"`, `pip install 'trainweek[ray]'`); on a cluster the busy .ics files a
plan names must be readable on the nodes under the same path.

Re-running skips a plan whose input did not change: the plan's bytes, its busy .ics
files' bytes, the options and trainweek's version, hashed (`MANIFEST` in the output
folder keeps each plan's hash and its outputs' hashes). A plan whose outputs were
removed or edited since is solved again. Bad files are read again every time (cheap);
a plan that ran out of time is always tried again.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import glob
import hashlib
import json
import multiprocessing
import os
import tempfile
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator

from trainweek.scheduler.errors import EXIT_BAD_INPUT, EXIT_NO_WEEK, EXIT_OUT_OF_TIME, BadInput, NoWeekExists, OutOfTime, TrainweekError
from trainweek.scheduler.ics import CalendarOptions
from trainweek.scheduler.solve import SolveOptions

MANIFEST = ".trainweek-batch.json"
PLAN_SUFFIXES = (".yaml", ".yml")


class Outcome(str, Enum):
    """What became of one plan, best first; `exit_code` is what it adds to the batch's status."""

    PROVEN = "solved and proven"
    SOLVED = "solved (not proven optimal)"
    FIRST_FIT = "first fit (not optimised)"  # the search found no week in time: greedy's (Week.first_fit)
    IMPOSSIBLE = "impossible"
    OUT_OF_TIME = "out of time"
    BAD_FILE = "bad file"

    @property
    def exit_code(self) -> int:
        return {Outcome.IMPOSSIBLE: EXIT_NO_WEEK, Outcome.OUT_OF_TIME: EXIT_OUT_OF_TIME, Outcome.BAD_FILE: EXIT_BAD_INPUT}.get(self, 0)

    @property
    def solved(self) -> bool:
        return self in (Outcome.PROVEN, Outcome.SOLVED, Outcome.FIRST_FIT)


@dataclass(frozen=True)
class BatchOptions:
    """How every plan of the batch is solved and what is written for it."""

    solve: SolveOptions = SolveOptions()
    calendar: CalendarOptions = CalendarOptions()
    json: bool = False  # also NAME.json, the week as `solve --json` prints it
    html: bool = False  # also NAME.html, the week view
    force: bool = False  # replace output files trainweek did not write

    def fingerprint(self) -> str:
        """Everything that shapes the outputs (not `force`), as stable text for the hash."""
        shaping = {
            "solve": SolveOptions.model_dump(self.solve, mode="json"),
            "calendar": [self.calendar.remind, self.calendar.weeks],
            "json": self.json,
            "html": self.html,
        }
        return json.dumps(shaping, sort_keys=True)


@dataclass(frozen=True)
class BatchResult:
    """One plan's outcome: `message` is the one-line diagnosis (impossible) or the error
    (bad file, out of time); `files` the outputs written; `unchanged` when its input had
    not changed since the last run, so nothing was solved or written."""

    name: str
    path: str
    outcome: Outcome
    message: str = ""
    objective: float | None = None
    files: tuple[str, ...] = ()
    unchanged: bool = False
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # about the plan file itself (loading.plan_notes)

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code


def exit_status(results: Iterable[BatchResult]) -> int:
    """0 when every plan was solved, else the highest status among them: 2 a bad file,
    3 a plan no week exists for, 4 a plan that ran out of time."""
    return max((result.exit_code for result in results), default=0)


# --- finding the plans ----------------------------------------------------------------------


def find_plans(arguments: Iterable[str | os.PathLike]) -> list[Path]:
    """The plan files the arguments name, in order, each once: a file as given, a folder's
    .yaml/.yml files (not its subfolders), a glob's matches. An argument that names
    nothing, or two plans that would write the same NAME.ics, is a `BadInput`."""
    found: list[Path] = []
    for argument in arguments:
        text = os.fspath(argument)
        path = Path(text)
        if path.is_dir():
            matches = sorted(entry for entry in path.iterdir() if entry.suffix.lower() in PLAN_SUFFIXES and entry.is_file())
            if not matches:
                raise BadInput(f"{text}: a folder without plan files (.yaml, .yml)")
        elif path.exists():
            matches = [path]
        elif glob.has_magic(text):
            matches = sorted(Path(entry) for entry in glob.glob(text, recursive=True) if Path(entry).suffix.lower() in PLAN_SUFFIXES and Path(entry).is_file())
            if not matches:
                raise BadInput(f"{text}: no plan files (.yaml, .yml) match it")
        else:
            raise BadInput(f"{text}: no such file or folder")
        found.extend(matches)
    unique: dict[str, Path] = {}
    names: dict[str, Path] = {}
    for path in found:
        key = os.path.realpath(path)
        if key in unique:
            continue
        unique[key] = path
        if path.stem in names:
            raise BadInput(f"{names[path.stem]} and {path} would both be written as {path.stem}.ics; rename one of them")
        names[path.stem] = path
    return list(unique.values())


# --- the job a worker runs ------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """All a worker needs, with no access to the output folder: the plan's bytes, the
    calendar written for it before, and the hash of the inputs the last run solved."""

    name: str
    path: str
    plan: bytes
    earlier: bytes | None
    options: BatchOptions
    stamp: dt.datetime  # when the batch writes: the driver's clock (or SOURCE_DATE_EPOCH), not a node's
    previous_key: str | None = None


@dataclass(frozen=True)
class JobDone:
    name: str
    path: str
    outcome: Outcome
    message: str = ""
    key: str | None = None
    objective: float | None = None
    outputs: dict[str, bytes] = field(default_factory=dict)  # suffix (".ics") -> bytes
    inputs: tuple[str, ...] = ()  # the plan's busy .ics files
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # about the plan file itself (loading.plan_notes)
    unchanged: bool = False


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("trainweek")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
        return "unknown"


def input_key(plan: bytes, busy: Iterable[bytes], options: BatchOptions) -> str:
    """The content hash a re-run compares: plan bytes, busy .ics bytes, options, version."""
    digest = hashlib.sha256()
    for part in (_version().encode(), options.fingerprint().encode(), plan, *busy):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def run_job(job: Job) -> JobDone:
    """Parse, hash and (unless unchanged) solve one plan; every expected failure is an outcome."""
    from trainweek.scheduler.api import PlanFile, earlier_calendar, solve_plan_file
    from trainweek.scheduler.busy import is_calendar_file
    from trainweek.scheduler.loading import PlanError, read_plan_text

    done = dict(name=job.name, path=job.path)
    try:
        try:
            text = job.plan.decode("utf-8")
        except UnicodeDecodeError as error:
            raise PlanError(job.path, None, "", f"cannot read it ({error})") from None
        plan, plan_notes = read_plan_text(text, job.path)
        busy = tuple(entry for entry in plan.busy if is_calendar_file(entry))
        key = input_key(job.plan, (_read_input(entry) for entry in busy), job.options)
    except TrainweekError as error:
        return JobDone(**done, outcome=Outcome.BAD_FILE, message=_one_line(error))
    if key == job.previous_key:
        return JobDone(**done, outcome=Outcome.PROVEN, key=key, inputs=busy, unchanged=True, warnings=plan_notes)
    earlier = earlier_calendar(job.earlier, f"{job.name}.ics")
    try:
        week = solve_plan_file(PlanFile(job.path, plan), job.options.solve, earlier.data)
    except NoWeekExists as error:
        return JobDone(**done, outcome=Outcome.IMPOSSIBLE, message=_one_line(error), key=key, inputs=busy, warnings=plan_notes, notes=earlier.notes)
    except OutOfTime as error:
        return JobDone(**done, outcome=Outcome.OUT_OF_TIME, message=_one_line(error), inputs=busy, warnings=plan_notes, notes=earlier.notes)
    except TrainweekError as error:
        return JobDone(**done, outcome=Outcome.BAD_FILE, message=_one_line(error), inputs=busy, warnings=plan_notes, notes=earlier.notes)
    return JobDone(
        **done,
        outcome=Outcome.PROVEN if week.proven_optimal else Outcome.FIRST_FIT if week.first_fit else Outcome.SOLVED,
        key=key,
        objective=week.objective,
        outputs=_outputs(week, earlier.data, job.options, job.stamp),
        inputs=busy,
        warnings=plan_notes,
        notes=earlier.notes,
    )


def _read_input(path: str) -> bytes:
    from trainweek.scheduler.busy import BusyFileError

    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        raise BusyFileError(f"{path}: cannot read it ({error.strerror})") from None


def _outputs(week, earlier, options: BatchOptions, stamp: dt.datetime) -> dict[str, bytes]:
    """The files' bytes, made as `solve` makes them."""
    from trainweek.scheduler.ics import week_ics

    outputs = {".ics": week_ics(week, earlier, options.calendar, stamp)}
    if options.json:
        from trainweek.scheduler.report import as_json

        outputs[".json"] = (json.dumps(as_json(week), indent=2) + "\n").encode()
    if options.html:
        from trainweek.scheduler.view import RENDERERS

        outputs[".html"] = RENDERERS["html"](week).encode()
    return outputs


def _one_line(error: Exception) -> str:
    """The first line of the message: for an impossible plan, the diagnosis's conflict."""
    from trainweek.scheduler.plan import visible

    lines = [line.strip() for line in visible(str(error)).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


# --- the output folder ----------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Manifest:
    """What the last runs solved into the folder: per plan name its input hash, outcome
    and outputs' hashes; written whole or not at all (a temporary file renamed)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MANIFEST
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = data.get("plans", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            entries = {}  # missing or unreadable: everything is solved afresh
        self.entries: dict[str, dict] = entries if isinstance(entries, dict) else {}

    def intact_key(self, name: str, folder: Path) -> str | None:
        """The recorded input hash, if every output recorded for it is still as written."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
            return None
        for file_name, digest in entry["files"].items():
            try:
                if _digest((folder / file_name).read_bytes()) != digest:
                    return None
            except OSError:
                return None
        return entry.get("key")

    def wrote(self, name: str, file_name: str, folder: Path) -> bool:
        """Whether this file is exactly what a batch wrote for the plan."""
        digest = (self.entries.get(name) or {}).get("files", {}).get(file_name)
        try:
            return digest is not None and _digest((folder / file_name).read_bytes()) == digest
        except OSError:
            return False

    def save(self) -> None:
        data = json.dumps({"format": 1, "plans": dict(sorted(self.entries.items()))}, indent=1).encode()
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _claim(folder: Path, name: str, suffix: str, options: BatchOptions, manifest: Manifest, inputs: tuple[str, ...]):
    """Whether OUTDIR/NAME.suffix may be written, by `files.claim_output`'s policy; a JSON
    file carries no marker, so it is trainweek's when it is what the manifest says a batch wrote."""
    from trainweek.scheduler.files import claim_output

    path = folder / f"{name}{suffix}"
    kind = suffix[1:]
    force = options.force or (kind == "json" and manifest.wrote(name, path.name, folder))
    return claim_output(path, kind, force, inputs, "-o")


def _prepare(path: Path, folder: Path, options: BatchOptions, manifest: Manifest, stamp: dt.datetime) -> Job | JobDone:
    from trainweek.scheduler.files import OutputRefused

    name = path.stem
    try:
        data = path.read_bytes()
    except OSError as error:
        return JobDone(name, str(path), Outcome.BAD_FILE, f"{path}: cannot read it ({error.strerror})")
    try:
        calendar = _claim(folder, name, ".ics", options, manifest, (str(path),))
    except OutputRefused as error:
        return JobDone(name, str(path), Outcome.BAD_FILE, str(error))
    return Job(name, str(path), data, calendar.earlier, options, stamp, manifest.intact_key(name, folder))


def _finish(done: JobDone, folder: Path, options: BatchOptions, manifest: Manifest) -> BatchResult:
    """Write what the worker made, record it, and say what became of the plan."""
    from trainweek.scheduler.files import OutputRefused

    if done.unchanged:
        entry = manifest.entries[done.name]
        return BatchResult(done.name, done.path, Outcome(entry["outcome"]), entry.get("message", ""), entry.get("objective"), unchanged=True, warnings=done.warnings)
    written: dict[str, str] = {}
    try:
        claims = [(_claim(folder, done.name, suffix, options, manifest, (done.path, *done.inputs)), data) for suffix, data in done.outputs.items()]
        for output, data in claims:
            output.write(data)
            written[output.path.name] = _digest(data)
    except OutputRefused as error:
        manifest.entries.pop(done.name, None)
        return BatchResult(done.name, done.path, Outcome.BAD_FILE, str(error), files=tuple(written), notes=done.notes, warnings=done.warnings)
    if done.key is not None:
        manifest.entries[done.name] = {
            "plan": done.path,
            "key": done.key,
            "outcome": done.outcome.value,
            "message": done.message,
            "objective": done.objective,
            "files": written,
        }
    else:
        manifest.entries.pop(done.name, None)
    return BatchResult(done.name, done.path, done.outcome, done.message, done.objective, tuple(str(folder / name) for name in written), notes=done.notes, warnings=done.warnings)


# --- running the jobs -----------------------------------------------------------------------


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _in_pool(jobs: Iterator[Job], executor: concurrent.futures.Executor, window: int, cancel: bool = True) -> Iterator[JobDone]:
    """Each job's result as it finishes, with at most `window` jobs handed out at a time.

    On Ctrl+C or a failure the jobs not begun are cancelled, unless `cancel` is off: a
    process pool whose workers are ended (`_end_workers`) fails them itself, and cancelling
    them as well races its own thread, which on Python 3.11 then prints an InvalidStateError
    traceback (setting a cancelled future's exception)."""
    pending: set[concurrent.futures.Future] = set()
    try:
        for job in jobs:
            pending.add(executor.submit(run_job, job))
            if len(pending) >= window:
                done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                yield from (future.result() for future in done)
        for future in concurrent.futures.as_completed(pending):
            yield future.result()
    except BaseException:
        for future in pending if cancel else ():
            future.cancel()
        raise


def _in_ray(jobs: Iterator[Job], address: str | None, window: int | None) -> Iterator[JobDone]:
    """Each job a Ray task; results streamed back with `ray.wait` as they finish, with at
    most `window` tasks in flight (Ray's pattern for limiting pending tasks)."""
    import ray  # solve_many checked that it is installed

    started = False
    if not ray.is_initialized():
        # Without an address, a Ray of this machine alone: no dashboard, reachable only from here.
        settings = {"address": address} if address else {"include_dashboard": False, "_node_ip_address": "127.0.0.1"}
        try:
            ray.init(logging_level="WARNING", log_to_driver=False, **settings)
        except (ConnectionError, ValueError, RuntimeError) as error:
            raise BadInput(f"--ray-address {address}: cannot connect to a Ray cluster there ({error})") from None
        started = True
    pending: list = []
    try:
        window = window or max(1, int(ray.cluster_resources().get("CPU", 1)) * 2)
        task = ray.remote(num_cpus=1)(run_job)
        for job in jobs:
            pending.append(task.remote(job))
            if len(pending) >= window:
                ready, pending = ray.wait(pending, num_returns=1)
                yield from ray.get(ready)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            yield from ray.get(ready)
    except BaseException:
        # Ctrl+C, a failure, or a caller that stopped reading: the tasks sent are not wanted.
        # On a cluster that outlives this run they would each go on to the end of a solve.
        for ref in pending:
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()


def _end_workers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """End the pool's processes now. After Ctrl+C a worker would go on to the job queued
    for it, a whole solve, while the pool's shutdown waits for it; their weeks are not
    wanted. Python 3.14 has this as `terminate_workers`; before, the pool's own table."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list(pool._processes.values()):
        process.terminate()


def solve_many(
    paths: Iterable[str | os.PathLike],
    options: BatchOptions = BatchOptions(),
    outdir: str | os.PathLike = ".",
    executor: str | concurrent.futures.Executor = "process",
    *,
    jobs: int | None = None,
    ray_address: str | None = None,
) -> Iterator[BatchResult]:
    """Solve every plan the paths name (see `find_plans`) into `outdir`, yielding each
    plan's `BatchResult` as it finishes (in no fixed order).

    `executor` is "process" (a process pool of `jobs` workers, default the cores), "ray"
    (a Ray task per plan, on the cluster at `ray_address` or a local Ray; `jobs` then caps
    the tasks in flight), or any `concurrent.futures.Executor` of your own.
    Raises `BadInput` before solving anything when the paths or the folder are wrong.
    """
    plans = find_plans(paths)
    folder = Path(outdir)
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"{folder} is a file; give a folder with -o")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"{folder}: cannot make the folder ({error.strerror}); choose another with -o") from None
    if executor == "ray":
        try:
            import ray  # noqa: F401 - checked here, before anything is read
        except ImportError:
            raise BadInput("--executor ray needs Ray, which is not installed; install it with: pip install 'trainweek[ray]'") from None
    elif not isinstance(executor, concurrent.futures.Executor) and executor != "process":
        raise BadInput(f"--executor {executor}: choose process or ray")
    from trainweek.scheduler.ics import now

    stamp = now()
    manifest = Manifest(folder)
    early: list[JobDone] = []

    def prepared() -> Iterator[Job]:
        for path in plans:
            job = _prepare(path, folder, options, manifest, stamp)
            if isinstance(job, Job):
                yield job
            else:
                early.append(job)

    def finished(stream: Iterator[JobDone]) -> Iterator[BatchResult]:
        count = 0
        for done in stream:
            while early:
                yield _finish(early.pop(0), folder, options, manifest)
            yield _finish(done, folder, options, manifest)
            count += 1
            # Saved now and then, so an interrupted run keeps most of its work; less often
            # as the folder grows, so the saves cost in all about what the last one does.
            if count % max(50, len(manifest.entries) // 4) == 0:
                manifest.save()
        while early:
            yield _finish(early.pop(0), folder, options, manifest)

    workers = jobs or default_jobs()
    try:
        if executor == "ray":
            yield from finished(_in_ray(prepared(), ray_address, jobs))
        elif executor == "process":
            # spawn: the same on every platform, and safe with the solver's threads.
            with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, max(1, len(plans))), mp_context=multiprocessing.get_context("spawn")) as pool:
                try:
                    yield from finished(_in_pool(prepared(), pool, 2 * workers, cancel=False))
                except KeyboardInterrupt:
                    _end_workers(pool)
                    raise
                except BaseException:  # a failure: the jobs not begun are not begun
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
        else:
            yield from finished(_in_pool(prepared(), executor, 2 * workers))
    finally:
        manifest.save()
