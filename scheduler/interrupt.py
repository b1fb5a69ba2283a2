"""Stopping a CP-SAT search at once, by Ctrl+C or from another thread: every search of
trainweek runs through `search`.

CP-SAT's own Ctrl+C handling (`catch_sigint_signal`, on by default) stops only the search
it is in, as if its time ran out, so a solve of several searches went on with the next one
and reported the week as cut short by the time limit; and on its way out it puts SIGINT
back to the system's default, not Python's handler, so any later Ctrl+C killed the
process on the spot, without cleaning up (the studio's "Stopped.", a temporary file).
Here Python keeps SIGINT: the search runs on a helper thread while the main thread waits,
which Ctrl+C interrupts at once; the search is stopped, and KeyboardInterrupt goes on up
to the command line (`cli._Trainweek`), which ends the command.

Off the main thread Python never delivers Ctrl+C; there another thread stops the searches
of a piece of work with a `Stopper` (the studio: a setting no longer wanted, or the
server shutting down), and they raise SearchStopped.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import pickle
import select
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ortools.sat.python import cp_model

# How often a waiting thread looks whether its search was stopped (by a Stopper; and by
# Ctrl+C where a wait is not interrupted by signals: Windows before Python 3.14), and how
# often a stop is sent again while a stopped search winds down (a stop sent before the
# search has begun is lost: CP-SAT has nothing to stop yet).
STOP_EVERY = 0.05  # seconds

# How long past its own time limit a search apart may take before it is taken as hung and
# ended (a child forked while another thread held a lock the search needs).
APART_GRACE = 5.0  # seconds

# A search apart runs in a forked child where forking is safe to rely on (Linux); elsewhere
# it runs here, as `search` does.
APART = sys.platform == "linux" and hasattr(os, "fork")

_here = threading.local()  # the Stopper of the work this thread runs, if any


class SearchStopped(Exception):
    """A search stopped from another thread (`Stopper.stop`): its result is not wanted."""


class Stopper:
    """Stops, from any thread, every search of the work another thread runs `under` it."""

    def __init__(self) -> None:
        self._stopped = threading.Event()

    @contextlib.contextmanager
    def under(self) -> Iterator[None]:
        """The searches this thread runs in this block stop once `stop` is called."""
        _here.stopper = self
        try:
            yield
        finally:
            _here.stopper = None

    def stop(self) -> None:
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()


def search(solver: cp_model.CpSolver, model: cp_model.CpModel, callback: cp_model.CpSolverSolutionCallback | None = None) -> int:
    """`solver.solve(model, callback)`, which Ctrl+C (on the main thread) or the thread's
    Stopper stops at once, by KeyboardInterrupt or SearchStopped.

    The same search with the same result: one worker's search does not depend on the
    thread it runs on. Elsewhere (the floor beside a search) it runs where it is called."""
    solver.parameters.catch_sigint_signal = False
    stopper = _stopper()
    if stopper is None and threading.current_thread() is not threading.main_thread():
        return solver.solve(model, callback)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="trainweek-search") as pool:
        running = pool.submit(solver.solve, model, callback)
        try:
            while not concurrent.futures.wait([running], timeout=STOP_EVERY).done:
                if stopper is not None and stopper.stopped:
                    raise SearchStopped
            return running.result()
        except (KeyboardInterrupt, SearchStopped):
            _stop(solver, running)
            raise


def _stopper() -> Stopper | None:
    """The Stopper of the work this thread runs, if any; SearchStopped if it is stopped already."""
    stopper: Stopper | None = getattr(_here, "stopper", None)
    if stopper is not None and stopper.stopped:
        raise SearchStopped
    return stopper


def _stop(solver: cp_model.CpSolver, running: concurrent.futures.Future) -> None:
    """Stop the search and wait until it has ended, whatever more Ctrl+C comes meanwhile."""
    while not running.done():
        solver.stop_search()
        try:
            concurrent.futures.wait([running], timeout=STOP_EVERY)
        except KeyboardInterrupt:
            continue


class Outcome(NamedTuple):
    """What a search apart found: its status, bound and work, and the asked variables'
    values in its best solution (None without one)."""

    status: int
    bound: float
    work: float
    values: tuple[int, ...] | None


def search_apart(solver: cp_model.CpSolver, model: cp_model.CpModel, variables: Sequence[cp_model.IntVar], what: str) -> Outcome:
    """`search(solver, model)` in a forked child process, with the values of `variables`;
    `what` the search is for, in the message if it fails.

    Why: CP-SAT can fail one of its own checks and abort the whole process, which Python
    cannot catch (ortools 9.15's core-based search on large-04's union: docs/model.md,
    sixteenth round); the floors' programs run that search. Apart, an abort ends only the
    child: the search counts as cut short (status UNKNOWN, no work), its first line of
    complaint is logged, and trainweek goes on with what it had. The child gets a copy of
    the model and the solver's parameters, so the search and its result are those it
    would have here. Ctrl+C and the thread's Stopper end the child at once. Where no child
    can be forked (no memory or process left), the search runs here."""
    if not APART:
        return _outcome(solver, search(solver, model), variables)
    solver.parameters.catch_sigint_signal = False
    stopper = _stopper()
    limit = solver.parameters.max_time_in_seconds
    give_up = time.monotonic() + limit + APART_GRACE if limit < 1e9 else None
    with tempfile.TemporaryFile() as complaints:
        readable, writable = os.pipe()
        try:
            child = os.fork()
        except OSError:  # no memory or process left for a child: search here, as elsewhere
            os.close(readable)
            os.close(writable)
            return _outcome(solver, search(solver, model), variables)
        if child == 0:  # the child: search, send the outcome, and never return to the caller
            code = 1
            try:
                import faulthandler
                import resource

                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # the parent ends it
                # An abort leaves no core file and no Python dump behind: the parent says it in a line.
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
                faulthandler.disable()
                os.close(readable)
                os.dup2(complaints.fileno(), 2)
                outcome = _outcome(solver, solver.solve(model), variables)
                with os.fdopen(writable, "wb") as out:
                    out.write(pickle.dumps(outcome))
                code = 0
            except BaseException as error:  # said in the parent's line, not as a traceback
                os.write(2, f"{type(error).__name__}: {error}\n".encode(errors="replace"))
            finally:
                os._exit(code)
        os.close(writable)
        sent, hung, answered = bytearray(), False, False
        try:
            with os.fdopen(readable, "rb", buffering=0) as answer:
                while not hung:
                    if stopper is not None and stopper.stopped:
                        raise SearchStopped
                    hung = give_up is not None and time.monotonic() > give_up
                    if select.select([answer], [], [], STOP_EVERY)[0]:
                        chunk = answer.read(1 << 16)
                        if not chunk:
                            answered = True
                            break
                        sent += chunk
        finally:
            ended = _end(child, kill=not answered)
        if not answered:
            return _cut_short(what, f"gave no answer {limit + APART_GRACE:.0f} s after it began", complaints)
        try:
            return pickle.loads(sent)
        except (pickle.UnpicklingError, EOFError, ValueError):
            return _cut_short(what, ended, complaints)


def _outcome(solver: cp_model.CpSolver, status: int, variables: Sequence[cp_model.IntVar]) -> Outcome:
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = tuple(solver.value(variable) for variable in variables) if found else None
    return Outcome(status, solver.best_objective_bound, solver.deterministic_time, values)


def _end(child: int, kill: bool) -> str:
    """Reap the child, killed first with `kill` (a search stopped or hung), and say how it ended."""
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            return "ended"
    if os.WIFSIGNALED(status):
        return f"ended by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"ended with exit status {os.WEXITSTATUS(status)}"


def _cut_short(what: str, why: str, complaints) -> Outcome:
    """A search apart that gave no answer: logged with the first line the child wrote to its
    stderr (an abort's "Check failed: ..."), and counted as cut short."""
    complaints.seek(0)
    said = next((line.strip() for line in complaints.read(4096).decode(errors="replace").splitlines() if line.strip()), "")
    logging.getLogger("trainweek").warning("%s: CP-SAT's search %s%s; going on without it", what, why, f" ({said})" if said else "")
    return Outcome(cp_model.UNKNOWN, 0.0, 0.0, None)
