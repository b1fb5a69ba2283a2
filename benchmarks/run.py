"""The benchmark command: `python -m benchmarks` (see docs/performance.md).

For every instance it runs the greedy baseline here, then the solver in a fresh process
per worker count (benchmarks.worker: several runs, median taken here), and times the
command line end to end on the bundled examples; then it writes the report and plot.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.instances import GROUPS, ROOT, Instance, examples, generate
from trainweek.scheduler.greedy import greedy_week
from trainweek.scheduler.solve import SolveOptions, frame_for


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run: 2 instances per group, 1 run each")
    parser.add_argument("--per-group", type=int, default=None, help="generated instances per group (default 5, quick 2)")
    parser.add_argument("--runs", type=int, default=None, help="solves per instance and worker count; the median is reported (default 3, quick 1)")
    parser.add_argument("--repeat-under", type=float, default=5.0, help="repeat only solves that took under this many seconds (default 5)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="CP-SAT worker counts (default 1 2)")
    parser.add_argument("--seed", type=int, default=2026, help="instance generator seed (default 2026); the solver seed is 0")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per solve before it counts as a timeout (default 20)")
    parser.add_argument("--group", action="append", choices=["examples"] + [g.name for g in GROUPS], help="only these groups (repeatable)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end `trainweek solve` timings")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md", help="report (default docs/performance.md)")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "performance.png", help="plot (default docs/performance.png)")
    parser.add_argument("--json", type=Path, default=None, help="also write every measurement as JSON here")
    parser.add_argument("--report-only", type=Path, metavar="JSON", help="only rewrite the report and plot from a --json file of an earlier run")
    parser.add_argument("--dump", type=Path, default=None, help="also write each instance's availability file into this folder")
    args = parser.parse_args(argv)
    args.per_group = args.per_group if args.per_group is not None else (2 if args.quick else 5)
    args.runs = args.runs if args.runs is not None else (1 if args.quick else 3)
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def instances(args: argparse.Namespace) -> list[Instance]:
    chosen = set(args.group or ["examples"] + [g.name for g in GROUPS])
    found = examples() if "examples" in chosen else []
    for group in GROUPS:
        if group.name in chosen:
            found.extend(generate(args.seed, group, index) for index in range(args.per_group))
    return found


def run_greedy(instance: Instance) -> dict:
    plan, frame = frame_for(instance.plan, SolveOptions(grid=instance.grid))
    started = time.perf_counter()
    week = greedy_week(plan, frame, plan.effective_weights())
    seconds = time.perf_counter() - started
    return {"found": week is not None, "objective": week.objective if week else None, "seconds": seconds}


def run_solver(instance: Instance, workers: int, args: argparse.Namespace) -> dict:
    job = {
        "name": instance.name,
        "text": instance.text,
        "grid": instance.grid,
        "workers": workers,
        "seed": 0,
        "time_limit": args.time_limit,
        "runs": args.runs,
        "repeat_under": args.repeat_under,
    }
    budget = args.runs * (args.time_limit + 30) + 60
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.worker"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=budget,
            cwd=ROOT,
            env=_env(),
        )
    except subprocess.TimeoutExpired:
        return {"runs": [{"status": "HUNG", "seconds": budget}], "size": {}, "peak_mb": None}
    if done.returncode != 0:
        return {"runs": [{"status": "CRASHED", "seconds": 0.0}], "size": {}, "peak_mb": None, "error": done.stderr[-2000:]}
    return json.loads(done.stdout)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def summarise(result: dict, time_limit: float) -> dict:
    """Medians over the runs of one instance and worker count."""
    runs = result["runs"]
    statuses = [r["status"] for r in runs]
    optimal = [r for r in runs if r["status"] == "OPTIMAL"]
    firsts = [r["first"] if r.get("first") is not None else r["seconds"] for r in runs if r["status"] in ("OPTIMAL", "FEASIBLE")]
    last = runs[-1]
    return {
        "status": "OPTIMAL" if len(optimal) == len(runs) else statuses[-1],
        "runs": len(runs),
        "first": statistics.median(firsts) if firsts else None,
        "optimal": statistics.median(r["seconds"] for r in optimal) if optimal and len(optimal) == len(runs) else None,
        "seconds": statistics.median(r["seconds"] for r in runs),
        "objective": last.get("objective"),
        "bound": last.get("bound"),
        "variables": result["size"].get("variables"),
        "constraints": result["size"].get("constraints"),
        "peak_mb": result.get("peak_mb"),
        "baseline_mb": result.get("baseline_mb"),
        "time_limit": time_limit,
        "error": result.get("error"),
    }


def trainweek_command() -> list[str]:
    script = Path(sys.executable).parent / "trainweek"
    if script.exists():
        return [str(script)]
    found = shutil.which("trainweek")
    return [found] if found else [sys.executable, "-c", "from trainweek.scheduler.cli import main; main()"]


def wall(command: list[str], runs: int) -> dict:
    """Median wall time of a command after one warm-up run (files in the page cache)."""
    times, code = [], 0
    for attempt in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, cwd=ROOT, env=_env())
        elapsed = time.perf_counter() - started
        code = code or done.returncode
        if attempt:
            times.append(elapsed)
    return {"median": statistics.median(times), "min": min(times), "exit": code}


def end_to_end(runs: int) -> dict:
    trainweek = trainweek_command()
    result = {"command": " ".join(["trainweek", "solve", "examples/<x>.yaml", "--no-ics"]), "examples": {}, "startup": {}}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        log(f"  e2e {path.stem}")
        result["examples"][path.stem] = wall(trainweek + ["solve", str(path.relative_to(ROOT)), "--no-ics"], runs)
    python = [sys.executable, "-c"]
    for label, code in (
        ("python start-up", "pass"),
        ("import ortools cp_model", "from ortools.sat.python import cp_model"),
        ("import trainweek.scheduler.cli", "import trainweek.scheduler.cli"),
        ("import trainweek.scheduler.solve", "import trainweek.scheduler.solve"),
    ):
        result["startup"][label] = wall(python + [code], runs)
    result["startup"]["trainweek --help"] = wall(trainweek + ["--help"], runs)
    return result


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from ortools import __version__ as ortools_version

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "ortools": ortools_version,
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "load_before": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report_only:
        write(json.loads(args.report_only.read_text(encoding="utf-8")), args)
        return 0
    started = time.perf_counter()
    host = machine()
    log("generating instances")
    suite = instances(args)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for instance in suite:
            (args.dump / f"{instance.name}.yaml").write_text(instance.text, encoding="utf-8")
    rows = []
    for number, instance in enumerate(suite, 1):
        row = {
            "name": instance.name,
            "group": instance.group,
            "sessions": instance.sessions,
            "grid": instance.grid or instance.plan.grid,
            "per_day": instance.plan.rules.max_sessions_per_day,
            "rejected": instance.notes.get("rejected", 0),
            "greedy": run_greedy(instance),
            "solver": {},
        }
        for workers in args.workers:
            log(f"[{number}/{len(suite)}] {instance.name}, {workers} worker(s)")
            row["solver"][str(workers)] = summarise(run_solver(instance, workers, args), args.time_limit)
        rows.append(row)
    e2e = None if args.no_e2e else end_to_end(max(args.runs, 3))
    results = {
        "machine": host,
        "load_after": os.getloadavg()[0],
        "settings": {
            "runs": args.runs,
            "repeat_under": args.repeat_under,
            "workers": args.workers,
            "seed": args.seed,
            "time_limit": args.time_limit,
            "per_group": args.per_group,
            "quick": args.quick,
            "command": "python -m benchmarks" + (" --quick" if args.quick else ""),
        },
        "rows": rows,
        "e2e": e2e,
        "seconds": time.perf_counter() - started,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    write(results, args)
    return 0


def write(results: dict, args: argparse.Namespace) -> None:
    from benchmarks.report import write_plot, write_report

    write_plot(results, args.plot)
    write_report(results, args.out, args.plot)
    log(f"wrote {args.out} and {args.plot} ({results['seconds']:.0f} s of measuring)")
