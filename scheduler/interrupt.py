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
import threading
from collections.abc import Iterator

from ortools.sat.python import cp_model

# How often a waiting thread looks whether its search was stopped (by a Stopper; and by
# Ctrl+C where a wait is not interrupted by signals: Windows before Python 3.14), and how
# often a stop is sent again while a stopped search winds down (a stop sent before the
# search has begun is lost: CP-SAT has nothing to stop yet).
STOP_EVERY = 0.05  # seconds

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
    stopper: Stopper | None = getattr(_here, "stopper", None)
    if stopper is None and threading.current_thread() is not threading.main_thread():
        return solver.solve(model, callback)
    if stopper is not None and stopper.stopped:
        raise SearchStopped
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


def _stop(solver: cp_model.CpSolver, running: concurrent.futures.Future) -> None:
    """Stop the search and wait until it has ended, whatever more Ctrl+C comes meanwhile."""
    while not running.done():
        solver.stop_search()
        try:
            concurrent.futures.wait([running], timeout=STOP_EVERY)
        except KeyboardInterrupt:
            continue
