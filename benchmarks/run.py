"""The benchmark command: `python -m benchmarks` (see docs/performance.md).

It runs the bundled examples and the fixed instance set stored under
`benchmarks/instances/` (drawn again only by `--regenerate`). For every instance it runs
the greedy baseline here, then the solver in a fresh process per worker count, started
through a small launcher so its peak memory is its own (benchmarks.launch and
benchmarks.worker: several runs, median taken here), and times the command line end to
end on the examples; then it writes the report and plot.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.instances import GROUPS, ROOT, STORED, Instance, examples, regenerate, stored
from benchmarks.report import solve_gap
from trainweek.scheduler.greedy import greedy_week
from trainweek.scheduler.solve import SolveOptions, frame_for

# Rounds of the end-to-end timings, each running every command once (`interleaved`): with 3
# commands timed one after another, hybrid-athlete's ratio to the bare import moved from
# x1.48 to x1.57 between two reports of the same code (docs/model.md).
E2E_ROUNDS = 9


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a check that the harness works: the first instance of each group, 1 run, 5 s limit, no verdicts")
    parser.add_argument("--per-group", type=int, default=None, help="stored instances per group to run (default all, quick 1)")
    parser.add_argument("--instance", action="append", metavar="NAME", help="only this instance (repeatable; an example's or a stored instance's name)")
    parser.add_argument("--solver-seeds", type=int, default=None, metavar="N", help="solve each instance and worker count on solver seeds 0 to N-1; medians over all its solves are reported (default 3, quick 1)")
    parser.add_argument("--runs", type=int, default=None, help="solves per seed, for wall-time noise; the same seed on one worker finds the same week (default 3, quick 1)")
    parser.add_argument("--repeat-under", type=float, default=1.0, help="with --runs: repeat only solves that took under this many seconds (default 1: a solve of milliseconds is mostly noise, a long one's noise is small)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="CP-SAT worker counts (default 1 2)")
    parser.add_argument("--time-limit", type=float, default=None, help="wall seconds per solve before it stops (default 20, quick 5)")
    parser.add_argument("--det-limit", type=float, default=None, help="also stop each solve after this much CP-SAT deterministic time (default none)")
    parser.add_argument("--group", action="append", choices=["examples"] + [g.name for g in GROUPS], help="only these groups (repeatable)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end `trainweek solve` timings")
    parser.add_argument("--no-plot", action="store_true", help="do not draw the plot (it needs matplotlib, the bench extra)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md", help="report (default docs/performance.md)")
    parser.add_argument("--before", type=Path, default=None, help="an earlier report whose times to show beside this run's, by instance name (e.g. the committed docs/performance.md)")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "performance.png", help="plot (default docs/performance.png)")
    parser.add_argument("--json", type=Path, default=None, help="also write every measurement as JSON here")
    parser.add_argument("--report-only", type=Path, metavar="JSON", help="only rewrite the report and plot from a --json file of an earlier run")
    parser.add_argument("--dump", type=Path, default=None, help="also write each instance's availability file into this folder")
    parser.add_argument("--regenerate", action="store_true", help=f"draw the fixed instance set again into {STORED.relative_to(ROOT)} and stop (on purpose only)")
    parser.add_argument("--seed", type=int, default=2026, help="with --regenerate: the generator seed (default 2026)")
    parser.add_argument("--regenerate-per-group", type=int, default=5, help="with --regenerate: instances per group (default 5)")
    args = parser.parse_args(argv)
    args.per_group = args.per_group if args.per_group is not None else (1 if args.quick else None)
    args.solver_seeds = args.solver_seeds if args.solver_seeds is not None else (1 if args.quick else 3)
    args.time_limit = args.time_limit if args.time_limit is not None else (5.0 if args.quick else 20.0)
    args.runs = args.runs if args.runs is not None else (1 if args.quick else 3)
    for option, value in (("--solver-seeds", args.solver_seeds), ("--runs", args.runs), ("--time-limit", args.time_limit), ("--per-group", args.per_group)):
        if value is not None and value <= 0:
            parser.error(f"{option} must be above 0, not {value:g}")
    if args.det_limit is not None and args.det_limit <= 0:
        parser.error(f"--det-limit must be above 0, not {args.det_limit:g}")
    if any(w < 1 or w > 64 for w in args.workers):
        parser.error("--workers takes counts from 1 to 64")
    if not (args.no_plot or args.regenerate):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            parser.error("the plot needs matplotlib: pip install -e '.[bench]', or pass --no-plot")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def instances(args: argparse.Namespace) -> list[Instance]:
    """The examples and the stored set, narrowed by --group, then --instance or --per-group."""
    chosen = set(args.group or ["examples"] + [g.name for g in GROUPS])
    every = examples() + stored()
    found = [i for i in every if i.group in chosen]
    if args.instance:
        unknown = [n for n in args.instance if n not in {i.name for i in every}]
        if unknown:
            log(f"python -m benchmarks: error: --instance: no instance named {', '.join(unknown)} (see {STORED.relative_to(ROOT)}/index.yaml and examples/)")
            raise SystemExit(2)
        return [i for i in found if i.name in args.instance]
    if args.per_group is not None:
        seen: dict[str, int] = {}
        kept = []
        for instance in found:
            seen[instance.group] = seen.get(instance.group, 0) + 1
            if (instance.group == "examples" and not args.quick) or seen[instance.group] <= args.per_group:
                kept.append(instance)
        found = kept
    return found


def run_greedy(instance: Instance) -> dict:
    plan, frame = frame_for(instance.plan, SolveOptions(grid=instance.grid))
    started = time.perf_counter()
    week = greedy_week(plan, frame, plan.effective_weights())
    seconds = time.perf_counter() - started
    return {"found": week is not None, "objective": week.objective if week else None, "seconds": seconds}


def run_solver(instance: Instance, workers: int, args: argparse.Namespace) -> dict:
    """Solve in a fresh worker process started by the small launcher (see benchmarks.launch)."""
    job = {
        "name": instance.name,
        "text": instance.text,
        "grid": instance.grid,
        "workers": workers,
        "seeds": list(range(args.solver_seeds)),
        "time_limit": args.time_limit,
        "det_limit": args.det_limit,
        "runs": args.runs,
        "repeat_under": args.repeat_under,
    }
    budget = args.solver_seeds * args.runs * (args.time_limit + 30) + 60
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.launch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=_env(),
        start_new_session=True,  # its own process group: a hung worker is stopped with it
    )
    try:
        out, err = process.communicate(json.dumps(job), timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"runs": [{"status": "HUNG", "seconds": budget}], "size": {}, "peak_mib": None}
    if process.returncode != 0:
        return {"runs": [{"status": "CRASHED", "seconds": 0.0}], "size": {}, "peak_mib": None, "error": err[-2000:]}
    return json.loads(out)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def _run_gap(run: dict) -> float:
    """`report.solve_gap`, with infinity for a solve without a week or a bound, so it sorts last in a median."""
    gap = solve_gap(run)
    return math.inf if gap is None else gap


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


def summarise(result: dict, time_limit: float) -> dict:
    """Medians over the solves of one instance and worker count (every seed, every run), in
    wall seconds and deterministic time. A solve stopped at the limit counts as infinitely
    slow and as an infinite gap when it has no week, so a median is proven, or within a gap,
    only when most seeds are: one lucky or unlucky seed does not decide it."""
    runs = result["runs"]
    found = [r for r in runs if r["status"] in ("OPTIMAL", "FEASIBLE")]
    firsts = [r["first"] if r.get("first") is not None else r["seconds"] for r in found]
    first_dets = [r["first_det"] if r.get("first_det") is not None else r.get("det") for r in found]
    optimal = statistics.median(r["seconds"] if r["status"] == "OPTIMAL" else math.inf for r in runs)
    optimal_det = statistics.median(r.get("det") or 0.0 if r["status"] == "OPTIMAL" else math.inf for r in runs)
    gap = statistics.median(_run_gap(r) for r in runs)
    proven = sum(1 for r in runs if r["status"] == "OPTIMAL")
    return {
        "status": "OPTIMAL" if not math.isinf(optimal) else "FEASIBLE" if found else runs[-1]["status"],
        "runs": len(runs),
        "seeds": sorted({r["seed"] for r in runs if r.get("seed") is not None}),
        "proven": proven,
        "first": statistics.median(firsts) if firsts else None,
        "first_det": statistics.median(d for d in first_dets if d is not None) if any(d is not None for d in first_dets) else None,
        "optimal": _finite(optimal),
        "optimal_det": _finite(optimal_det),
        "seconds": statistics.median(r["seconds"] for r in runs),
        "det": _median_of(runs, "det"),
        "gap": _finite(gap),
        "gaps": [_finite(_run_gap(r)) for r in runs],
        "objective": _median_of(found, "objective"),
        "objectives": [r.get("objective") for r in runs],
        "bound": max((r["bound"] for r in runs if r.get("bound") is not None), default=None),
        "variables": result["size"].get("variables"),
        "constraints": result["size"].get("constraints"),
        "peak_mib": result.get("peak_mib"),
        "high_water_mib": result.get("high_water_mib"),
        "baseline_mib": result.get("baseline_mib"),
        "time_limit": time_limit,
        "error": result.get("error"),
    }


def trainweek_command() -> list[str]:
    script = Path(sys.executable).parent / "trainweek"
    if script.exists():
        return [str(script)]
    found = shutil.which("trainweek")
    return [found] if found else [sys.executable, "-c", "from trainweek.scheduler.cli import main; main()"]


def _installed_env(cache: str) -> dict[str, str]:
    """_env, with compiled bytecode kept (in `cache`) as an installed copy keeps it.

    pip compiles every module it installs, ortools included; this checkout, installed
    editable, would otherwise be compiled again in every run where PYTHONDONTWRITEBYTECODE
    is set (as on the machines here), about 40 ms that no installed trainweek pays.
    """
    env = _env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def interleaved(commands: dict[str, list[str]], rounds: int, cache: str) -> dict[str, dict]:
    """Wall time of each command in `rounds` rounds that run every command once, after one
    warm-up round (files in the page cache, bytecode compiled): median, fastest, exit
    status and each round's time. Each round goes through the commands in turn, every other
    round backwards, so a load that drifts during the run slows them all alike, and a
    command compared with another in the same round (`ratio_to`) is compared at one load."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    codes = dict.fromkeys(commands, 0)
    for attempt in range(rounds + 1):
        for label in list(commands)[:: -1 if attempt % 2 else 1]:
            started = time.perf_counter()
            done = subprocess.run(commands[label], capture_output=True, cwd=ROOT, env=_installed_env(cache))
            elapsed = time.perf_counter() - started
            codes[label] = codes[label] or done.returncode
            if attempt:
                times[label].append(elapsed)
    return {label: {"median": statistics.median(t), "min": min(t), "exit": codes[label], "rounds": t} for label, t in times.items()}


def ratio_to(measured: dict, yardstick: dict) -> float:
    """The median over rounds of a command's wall time over the yardstick's in the same round."""
    return statistics.median(a / b for a, b in zip(measured["rounds"], yardstick["rounds"]))


def end_to_end(rounds: int, names: list[str]) -> dict:
    """`trainweek solve` of each named example, and bare start-ups (`import cp_model` the
    yardstick), timed in interleaved rounds (`interleaved`)."""
    trainweek = trainweek_command()
    python = [sys.executable, "-c"]
    examples = {name: trainweek + ["solve", f"examples/{name}.yaml", "--no-ics"] for name in names}
    startup = {
        "python start-up": python + ["pass"],
        "import ortools cp_model": python + ["from ortools.sat.python import cp_model"],
        # trainweek asks OpenBLAS for one thread (cli._program_start); the yardstick with the same setting:
        "import ortools cp_model, 1 OpenBLAS thread": python
        + ["import os; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); from ortools.sat.python import cp_model"],
        "import trainweek.scheduler.cli": python + ["import trainweek.scheduler.cli"],
        "import trainweek.scheduler.solve": python + ["import trainweek.scheduler.solve"],
        "trainweek --help": trainweek + ["--help"],
    }
    log(f"  e2e: {len(examples) + len(startup)} commands, {rounds} rounds after a warm-up")
    cache = tempfile.mkdtemp(prefix="trainweek-pycache-")
    try:
        measured = interleaved({**examples, **startup}, rounds, cache)  # an example's name is never a start-up label
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    bare = measured["import ortools cp_model"]
    timed = {label: {**m, "ratio": ratio_to(m, bare)} for label, m in measured.items()}
    return {
        "command": " ".join(["trainweek", "solve", "examples/<x>.yaml", "--no-ics"]),
        "rounds": rounds,
        "examples": {name: timed[name] for name in examples},
        "startup": {label: timed[label] for label in startup},
    }


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
        "load_before": list(os.getloadavg()),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.regenerate:
        log(f"drawing {args.regenerate_per_group} instances per group (seed {args.seed}) into {STORED}")
        regenerate(args.seed, args.regenerate_per_group, log=log)
        return 0
    if args.report_only:
        write(json.loads(args.report_only.read_text(encoding="utf-8")), args)
        return 0
    started = time.perf_counter()
    host = machine()
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
            "feasible": instance.notes.get("feasible"),
            "greedy": run_greedy(instance),
            "solver": {},
        }
        for workers in args.workers:
            log(f"[{number}/{len(suite)}] {instance.name}, {workers} worker(s)")
            row["solver"][str(workers)] = summarise(run_solver(instance, workers, args), args.time_limit)
        rows.append(row)
    names = [i.name for i in suite if i.group == "examples"]
    e2e = None if args.no_e2e or not names else end_to_end(1 if args.quick else E2E_ROUNDS, names)
    results = {
        "machine": host,
        "load_after": list(os.getloadavg()),
        "settings": {
            "solver_seeds": args.solver_seeds,
            "runs": args.runs,
            "repeat_under": args.repeat_under,
            "workers": args.workers,
            "time_limit": args.time_limit,
            "det_limit": args.det_limit,
            "per_group": args.per_group,
            "quick": args.quick,
            "instances": STORED.relative_to(ROOT).as_posix(),
            "command": "python -m benchmarks" + (" " + " ".join(argv) if argv else " " + " ".join(sys.argv[1:]) if sys.argv[1:] and argv is None else ""),
        },
        "rows": rows,
        "e2e": e2e,
        "seconds": time.perf_counter() - started,
    }
    if args.before is not None:
        from benchmarks.report import read_before

        results["before"] = read_before(args.before.read_text(encoding="utf-8"))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    write(results, args)
    return 0


def write(results: dict, args: argparse.Namespace) -> None:
    from benchmarks.report import write_plot, write_report

    plot = None if args.no_plot else args.plot
    if plot:
        write_plot(results, plot)
    write_report(results, args.out, plot)
    log(f"wrote {args.out}" + (f" and {plot}" if plot else "") + f" ({results['seconds']:.0f} s of measuring)")
