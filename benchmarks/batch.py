"""`python -m benchmarks.batch`: how many weeks a second `solve-many` solves, by jobs.

Draws example-like plans with the benchmark suite's instance generator (the small and
medium groups in turn: 4-15 sessions, doubles in the medium ones; seeded, so the same
plans on every machine), then solves N of them into a fresh folder with `solve_many`,
end to end (pool start-up, reading, writing and the manifest included), a few times per
setting, and prints the median wall time, weeks per second, the speed-up of 2 jobs over 1
and the parallel efficiency (speed-up / jobs). With --ray it also runs the batch as Ray
tasks on a local Ray of the same CPU count (started once, before the timing) and reports
its overhead per plan against the pool. With --out it writes the table as Markdown.

Nothing is asserted: the figures depend on the machine and on what else runs on it (the
load average is printed with them).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.instances import GROUPS, generate
from trainweek.scheduler.batch import BatchOptions, solve_many
from trainweek.scheduler.loading import PlanError
from trainweek.scheduler.solve import SolveOptions


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, nargs="+", default=[20, 50], help="batch sizes (default 20 50)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="process pool sizes (default 1 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds per plan (default 5: a few generated medium weeks take the CLI's 60 s to prove, and would be all the batch measures)")
    parser.add_argument("--ray", action="store_true", help="also time the Ray executor (needs trainweek[ray])")
    parser.add_argument("--out", type=Path, help="also write the table here as Markdown")
    return parser.parse_args(argv)


def draw_plans(count: int, seed: int, folder: Path) -> list[Path]:
    """`count` generated plans, example-like: small and medium weeks in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    index = 0
    while len(paths) < count:
        number, index = len(paths), index + 1
        try:
            instance = generate(seed, GROUPS[number % 2], index)
        except PlanError:
            continue  # a draw the plan's own size check refuses (the generator does not know that check)
        path = folder / f"{number:04d}-{instance.name}.yaml"
        path.write_text(instance.text, encoding="utf-8")
        paths.append(path)
    return paths


def timed(paths: list[Path], executor: str, jobs: int, scratch: Path, time_limit: float) -> float:
    outdir = Path(tempfile.mkdtemp(dir=scratch))  # a fresh folder: nothing is skipped
    started = time.perf_counter()
    results = list(solve_many(paths, BatchOptions(solve=SolveOptions(time_limit=time_limit)), outdir, executor, jobs=jobs))
    elapsed = time.perf_counter() - started
    failed = [result for result in results if not result.outcome.solved]
    if failed:
        raise SystemExit(f"{len(failed)} plan(s) not solved, e.g. {failed[0].name}: {failed[0].message}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    rows = []
    with tempfile.TemporaryDirectory(prefix="trainweek-batch-") as scratch:
        plans = draw_plans(max(args.plans), args.seed, Path(scratch) / "plans")
        settings = [("process", jobs) for jobs in args.jobs]
        if args.ray:
            import ray

            ray.init(num_cpus=max(args.jobs), include_dashboard=False, _node_ip_address="127.0.0.1", logging_level="WARNING", log_to_driver=False)
            settings.append(("ray", max(args.jobs)))
        try:
            for count in args.plans:
                for executor, jobs in settings:
                    times = [timed(plans[:count], executor, jobs, Path(scratch), args.time_limit) for _ in range(args.repeat)]
                    median = statistics.median(times)
                    rows.append({"plans": count, "executor": executor, "jobs": jobs, "median": median, "runs": times, "per_second": count / median})
                    print(f"{count:4d} plans  {executor:7s} jobs {jobs}: median {median:6.2f} s  {count / median:6.1f} weeks/s  runs {', '.join(f'{t:.2f}' for t in times)}", flush=True)
        finally:
            if args.ray:
                ray.shutdown()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    lines = summary(rows, args.jobs)
    lines.append(f"Time limit {args.time_limit:g} s per plan; weeks not proven optimal within it still count as solved.")
    lines.append(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end.")
    print("\n".join(lines))
    if args.out:
        args.out.write_text(markdown(rows, lines), encoding="utf-8")
    return 0


def summary(rows: list[dict], jobs: list[int]) -> list[str]:
    """Per batch size: speed-up and efficiency of the largest pool over 1 job, Ray's overhead."""
    lines = []
    for count in sorted({row["plans"] for row in rows}):
        at = {(row["executor"], row["jobs"]): row for row in rows if row["plans"] == count}
        one, most = at.get(("process", 1)), at.get(("process", max(jobs)))
        if one and most and most is not one:
            speedup = one["median"] / most["median"]
            lines.append(f"{count} plans: {max(jobs)} jobs vs 1: speed-up {speedup:.2f}, parallel efficiency {speedup / max(jobs):.0%}")
        ray_row = at.get(("ray", max(jobs)))
        if ray_row and most:
            lines.append(f"{count} plans: Ray vs the pool at {max(jobs)} CPUs: {(ray_row['median'] - most['median']) / count * 1000:+.0f} ms per plan")
    return lines


def markdown(rows: list[dict], lines: list[str]) -> str:
    table = ["| plans | executor | jobs | median (s) | weeks/s | runs (s) |", "|---:|---|---:|---:|---:|---|"]
    for row in rows:
        table.append(f"| {row['plans']} | {row['executor']} | {row['jobs']} | {row['median']:.2f} | {row['per_second']:.1f} | {', '.join(f'{t:.2f}' for t in row['runs'])} |")
    return "\n".join(["# solve-many throughput", "", "Measured by `python -m benchmarks.batch`.", "", *table, "", *(f"- {line}" for line in lines), ""])


if __name__ == "__main__":
    sys.exit(main())
