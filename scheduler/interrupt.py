"""Ctrl+C during a CP-SAT search: every search of trainweek runs through `search`.

CP-SAT's own Ctrl+C handling (`catch_sigint_signal`, on by default) stops only the search
it is in, as if its time ran out, so a solve of several searches went on with the next one
and reported the week as cut short by the time limit; and on its way out it puts SIGINT
back to the system's default, not Python's handler, so any later Ctrl+C killed the
process on the spot, without cleaning up (the studio's "Stopped.", a temporary file).
Here Python keeps SIGINT: the search runs on a helper thread while the main thread waits,
which Ctrl+C interrupts at once; the search is stopped, and KeyboardInterrupt goes on up
to the command line (`cli._Trainweek`), which ends the command.
"""

from __future__ import annotations

import concurrent.futures
import threading

from ortools.sat.python import cp_model

# How often a stop is sent again while a stopped search winds down: a stop sent before the
# search has begun is lost (CP-SAT has nothing to stop yet).
STOP_EVERY = 0.05  # seconds


def search(solver: cp_model.CpSolver, model: cp_model.CpModel, callback: cp_model.CpSolverSolutionCallback | None = None) -> int:
    """`solver.solve(model, callback)`, which Ctrl+C stops at once by KeyboardInterrupt.

    The same search with the same result: one worker's search does not depend on the
    thread it runs on. Off the main thread (the studio's solves, the floor beside a
    search), where Python never delivers Ctrl+C, the search runs where it is called."""
    solver.parameters.catch_sigint_signal = False
    if threading.current_thread() is not threading.main_thread():
        return solver.solve(model, callback)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="trainweek-search") as pool:
        running = pool.submit(solver.solve, model, callback)
        try:
            return running.result()
        except KeyboardInterrupt:
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
