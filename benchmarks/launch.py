"""Start one benchmark worker from a small process and report the worker's own peak memory.

`python -m benchmarks.launch` reads a worker job on standard input, runs
`python -m benchmarks.worker` with it and prints the worker's JSON with `peak_mib` added:
the worker's peak resident memory as its parent sees it when reaping it (`ru_maxrss` of
`RUSAGE_CHILDREN`, what `/usr/bin/time -v` reports).

Why a launcher: on Linux a new process starts with its parent's peak resident memory (the
peak of the memory it was forked or vforked from is carried over the `exec`), so a worker
started straight from the benchmark runner, or from pytest, reports the runner's peak when
that is larger. This process imports nothing but the standard library, so the peak it
passes on is that of a bare Python.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys


def main() -> int:
    job = sys.stdin.read()
    done = subprocess.run([sys.executable, "-m", "benchmarks.worker"], input=job, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return done.returncode
    result = json.loads(done.stdout)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    result["launcher_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
