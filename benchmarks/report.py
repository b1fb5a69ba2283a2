"""Turn the benchmark measurements into docs/performance.md and docs/performance.png."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from benchmarks.instances import GROUPS

TITLES = {"examples": "bundled examples (solved on the 5-min grid)"} | {g.name: g.title for g in GROUPS}
ORDER = ["examples"] + [g.name for g in GROUPS]
# The targets (medians on a 2-core machine).
EXAMPLE_TARGET = 0.2
DENSE_TARGET = 2.0
E2E_TARGET = 1.0
MEMORY_TARGET = 250.0


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 0.1:
        return f"{value * 1000:.0f} ms" if value >= 0.001 else "<1 ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _number(value) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _time_to_optimal(summary: dict) -> float:
    """Median seconds to a proven optimum; infinity when the limit ran out first."""
    return summary["optimal"] if summary["optimal"] is not None else math.inf


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _timed(value: float | None, limit: float) -> str:
    if value is None:
        return "-"
    return f"> {limit:g} s" if math.isinf(value) else _seconds(value)


def _solver_cell(summary: dict) -> str:
    """First feasible / proven optimal, or what happened instead."""
    first = _seconds(summary["first"])
    status = summary["status"]
    if status == "OPTIMAL":
        return f"{first} / {_seconds(summary['optimal'])}"
    if status == "FEASIBLE":
        return f"{first} / > {summary['time_limit']:g} s, bound {_number(summary['bound'])}"
    return f"{status.lower()}"


def _best(row: dict) -> dict:
    """The worker count that proved optimality fastest, else any with a solution."""
    summaries = list(row["solver"].values())
    return min(summaries, key=lambda s: (_time_to_optimal(s), s["objective"] is None))


def _greedy_cell(row: dict) -> str:
    greedy = row["greedy"]
    if not greedy["found"]:
        return "no week"
    best = _best(row)
    if best["objective"] is None:
        return _number(greedy["objective"])
    gap = greedy["objective"] - best["objective"]
    ratio = f", {greedy['objective'] / best['objective']:.1f}x" if best["objective"] else ""
    return f"{_number(greedy['objective'])} (+{gap:g}{ratio})"


def _verdict(measured: float | None, target: float, unit: str, limit: float | None = None) -> str:
    if measured is None:
        return "not measured"
    if math.isinf(measured):
        return f"**missed**: not proven within the {limit:g} s limit (more than {limit / target:.0f}x the target)"
    if measured <= target:
        return f"met, {target - measured:.2f} {unit} to spare"
    return f"**missed** by {measured - target:.2f} {unit} ({measured / target:.1f}x the target)"


def _targets(results: dict) -> list[str]:
    rows, limit = results["rows"], results["settings"]["time_limit"]
    lines = ["| target | measured | verdict |", "| --- | --- | --- |"]
    workers = results["settings"]["workers"]
    examples = [r for r in rows if r["group"] == "examples"]
    dense = [r for r in rows if r["group"] == "dense"]
    for w in workers:
        times = [_time_to_optimal(r["solver"][str(w)]) for r in examples]
        if times:
            worst = max(times)
            name = max(examples, key=lambda r: _time_to_optimal(r["solver"][str(w)]))["name"]
            lines.append(
                f"| every example, 5-min grid, proven optimal <= {EXAMPLE_TARGET:g} s solver time ({w} worker{'s' * (w > 1)}) "
                f"| slowest {_timed(worst, limit)} ({name}); median {_timed(_median(times), limit)} | {_verdict(worst, EXAMPLE_TARGET, 's', limit)} |"
            )
    for w in workers:
        times = [_time_to_optimal(r["solver"][str(w)]) for r in dense]
        if times:
            worst = max(times)
            solved = sum(1 for t in times if not math.isinf(t))
            lines.append(
                f"| dense week (16-20 sessions, doubles, 5-min grid) proven optimal <= {DENSE_TARGET:g} s ({w} worker{'s' * (w > 1)}) "
                f"| slowest {_timed(worst, limit)}; median {_timed(_median(times), limit)}; {solved}/{len(times)} proven "
                f"| {_verdict(worst, DENSE_TARGET, 's', limit)} |"
            )
    e2e = results.get("e2e")
    if e2e:
        walls = {name: m["median"] for name, m in e2e["examples"].items()}
        worst = max(walls.values())
        name = max(walls, key=walls.get)
        lines.append(
            f"| `trainweek solve examples/<any>.yaml --no-ics` end to end <= {E2E_TARGET:g} s wall "
            f"| slowest {_seconds(worst)} ({name}); median {_seconds(_median(list(walls.values())))} | {_verdict(worst, E2E_TARGET, 's')} |"
        )
    peaks = [(s["peak_mb"], r["name"]) for r in rows for s in r["solver"].values() if s["peak_mb"] is not None]
    if peaks:
        peak, name = max(peaks)
        lines.append(f"| peak memory of a solve <= {MEMORY_TARGET:g} MB | largest {peak:.0f} MB ({name}) | {_verdict(peak, MEMORY_TARGET, 'MB')} |")
    return lines


def _ratios(results: dict) -> list[str]:
    rows = results["rows"]
    lines = []
    workers = [str(w) for w in results["settings"]["workers"]]
    if len(workers) >= 2:
        a, b = workers[0], workers[1]
        both = [r for r in rows if r["solver"][a]["optimal"] and r["solver"][b]["optimal"]]
        ratios = [r["solver"][b]["optimal"] / r["solver"][a]["optimal"] for r in both if r["solver"][a]["optimal"] > 0]
        only = {w: sum(1 for r in rows if r["solver"][w]["optimal"] and not r["solver"][a if w == b else b]["optimal"]) for w in (a, b)}
        neither = sum(1 for r in rows if not r["solver"][a]["optimal"] and not r["solver"][b]["optimal"])
        if ratios:
            lines.append(
                f"- **{b} workers vs {a}**: time to proven optimal x{statistics.median(ratios):.2f} on median "
                f"(range x{min(ratios):.2f} to x{max(ratios):.2f}) over the {len(ratios)} instances both proved; "
                f"proved only with {a}: {only[a]}, only with {b}: {only[b]}, with neither: {neither}."
            )
        firsts = [
            r["solver"][b]["first"] / r["solver"][a]["first"]
            for r in rows
            if r["solver"][a]["first"] and r["solver"][b]["first"]
        ]
        if firsts:
            lines.append(f"- **{b} workers vs {a}, first feasible week**: x{statistics.median(firsts):.2f} on median.")
    proved = [(r, _best(r)) for r in rows if _best(r)["optimal"] is not None]
    failed = [r for r in rows if not r["greedy"]["found"]]
    lines.append(
        f"- **greedy finds no valid week** in {len(failed)} of {len(rows)} instances"
        + (f" ({', '.join(r['name'] for r in failed)})." if failed else ".")
    )
    compared = [(r, s) for r, s in proved if r["greedy"]["found"]]
    if compared:
        gaps = [r["greedy"]["objective"] - s["objective"] for r, s in compared]
        ratios = [r["greedy"]["objective"] / s["objective"] for r, s in compared if s["objective"]]
        equal = sum(1 for g in gaps if abs(g) < 1e-6)
        text = (
            f"- **greedy vs proven optimum** ({len(compared)} instances): greedy's objective is higher by "
            f"{statistics.median(gaps):g} on median (mean {statistics.mean(gaps):.1f}, max {max(gaps):g})"
        )
        if ratios:
            text += f", {statistics.median(ratios):.1f}x the optimum on median where the optimum is above 0"
        text += f"; greedy is optimal in {equal}."
        lines.append(text)
    unproved = [(r, _best(r)) for r in rows if _best(r)["optimal"] is None and _best(r)["objective"] is not None and r["greedy"]["found"]]
    if unproved:
        gaps = [r["greedy"]["objective"] - s["objective"] for r, s in unproved]
        lines.append(
            f"- **greedy vs best week found within the limit** ({len(unproved)} unproven instances): greedy higher by "
            f"{statistics.median(gaps):g} on median; the solver's week is better in {sum(1 for g in gaps if g > 1e-6)}."
        )
    shares = [s["first"] / s["optimal"] for _, s in proved if s["first"] is not None and s["optimal"]]
    if shares:
        lines.append(
            f"- **finding vs proving**: the first feasible week arrives after {statistics.median(shares) * 100:.0f}% of the "
            "time to proven optimal on median; the rest is improving and proving the bound."
        )
    lines.append(_bound_check(rows))
    timeouts = [s for r in rows for s in r["solver"].values() if s["status"] == "FEASIBLE"]
    if timeouts:
        zero = sum(1 for s in timeouts if not s["bound"])
        gaps = [(s["objective"] - s["bound"]) / s["objective"] for s in timeouts if s["objective"] and s["bound"] is not None]
        lines.append(
            f"- **timeouts**: {len(timeouts)} solves stopped at the {results['settings']['time_limit']:g} s limit with a week "
            f"but no proof; the gap between that week and the lower bound is {statistics.median(gaps) * 100:.0f}% of the "
            f"objective on median ({zero} still at a bound of 0): the proof, more than the search, is what is missing."
        )
    return lines


def _bound_check(rows: list[dict]) -> str:
    """A lower bound above the objective of any known week means the model cuts off valid weeks."""
    broken = []
    for row in rows:
        known = [s["objective"] for s in row["solver"].values() if s["objective"] is not None]
        if row["greedy"]["found"]:
            known.append(row["greedy"]["objective"])
        for workers, s in row["solver"].items():
            if s["bound"] is not None and known and s["bound"] > min(known) + 1e-6:
                broken.append(f"{row['name']} ({workers} worker(s): bound {s['bound']:g} > week of {min(known):g})")
    if not broken:
        return "- **bound check**: no solver lower bound exceeds the objective of a week found by greedy or by the other worker count."
    return "- **bound check FAILED**: a lower bound above a known valid week's objective, so the model wrongly cuts off weeks: " + "; ".join(broken) + "."


def _group_table(rows: list[dict], workers: list[int], limit: float) -> list[str]:
    head = ["instance", "sessions", "grid", "max/day", "variables", "constraints"]
    head += [f"{w} worker{'s' * (w > 1)}: first / optimal" for w in workers]
    head += ["objective", "greedy (gap, ratio)", "peak MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in rows:
        sizes = next(iter(row["solver"].values()))
        best = _best(row)
        objective = _number(best["objective"])
        if best["status"] != "OPTIMAL" and best["objective"] is not None:
            objective += " (not proven)"
        peak = max((s["peak_mb"] for s in row["solver"].values() if s["peak_mb"]), default=None)
        cells = [row["name"], str(row["sessions"]), f"{row['grid']}m", str(row["per_day"]), _number(sizes["variables"]), _number(sizes["constraints"])]
        cells += [_solver_cell(row["solver"][str(w)]) for w in workers]
        cells += [objective, _greedy_cell(row), f"{peak:.0f}" if peak else "-"]
        lines.append("| " + " | ".join(cells) + " |")
    medians = ["**median**", _number(_median([r["sessions"] for r in rows])), "", ""]
    for key in ("variables", "constraints"):
        medians.append(_number(_median([next(iter(r["solver"].values()))[key] or 0 for r in rows])))
    for w in workers:
        firsts = [r["solver"][str(w)]["first"] for r in rows if r["solver"][str(w)]["first"] is not None]
        optimal = _median([_time_to_optimal(r["solver"][str(w)]) for r in rows])
        medians.append(f"{_seconds(_median(firsts))} / {_timed(optimal, limit)}")
    peaks = [max((s["peak_mb"] for s in r["solver"].values() if s["peak_mb"]), default=0) for r in rows]
    medians += ["", f"{sum(1 for r in rows if not r['greedy']['found'])} without a week", f"{_median(peaks):.0f}"]
    lines.append("| " + " | ".join(medians) + " |")
    return lines


def _e2e_table(e2e: dict) -> list[str]:
    lines = ["| command | median wall | fastest | exit |", "| --- | --- | --- | --- |"]
    for name, m in e2e["examples"].items():
        lines.append(f"| `trainweek solve examples/{name}.yaml --no-ics` | {_seconds(m['median'])} | {_seconds(m['min'])} | {m['exit']} |")
    for label, m in e2e["startup"].items():
        lines.append(f"| {label} | {_seconds(m['median'])} | {_seconds(m['min'])} | {m['exit']} |")
    return lines


def write_report(results: dict, path: Path, plot: Path) -> None:
    settings, machine, rows = results["settings"], results["machine"], results["rows"]
    workers = settings["workers"]
    limit = settings["time_limit"]
    lines = [
        "# Performance",
        "",
        "Written by the benchmark command; do not edit by hand. Regenerate from the repository root with",
        "",
        "```sh",
        "pip install -e '.[bench]'",
        "python -m benchmarks            # full run, about 10 minutes on 2 cores",
        "python -m benchmarks --quick    # 2 instances per group, 1 run each",
        "```",
        "",
        f"This run: `{settings['command']}` on {machine['date']}, commit {machine['commit']}; {machine['cpu']}, "
        f"{machine['cores']} cores, Python {machine['python']}, OR-Tools {machine['ortools']}; "
        f"took {results['seconds'] / 60:.1f} min. Load average (1 min) {machine['load_before']:.2f} before, "
        f"{results['load_after']:.2f} after: above 0 means other work shared the cores and the times are inflated.",
        "",
        f"Settings: instance seed {settings['seed']}, {settings['per_group']} generated instances per group, solver seed 0, "
        f"{settings['runs']} run(s) per instance and worker count (median shown; a solve over {settings['repeat_under']:g} s "
        f"is not repeated), {limit:g} s limit per solve.",
        "",
        "How the model is built, the measurements behind each choice, and where the dense-week "
        "target stands: [model.md](model.md).",
        "",
        "## Targets (issue 12)",
        "",
        *_targets(results),
        "",
        "## Ratios",
        "",
        *_ratios(results),
        "",
        f"![median time to proven optimal against sessions per week]({plot.name})",
        "",
        "## What is measured",
        "",
        "- **first / optimal**: solver wall time to the first feasible week (CP-SAT solution callback, `wall_time`) and "
        "to the proven optimum (time spent in `CpSolver.solve` inside `scheduler.solve.solve`), medians over the runs; "
        f"`> {limit:g} s, bound B` is a solve stopped at the limit with a week but no proof, B its lower bound.",
        "- **variables / constraints**: size of the model `scheduler.solve.build` makes, from `model.Proto()` (before presolve).",
        "- **peak MB**: peak resident memory (`ru_maxrss`) of a fresh process that imported the project and ran the "
        "solves for one instance and worker count; the larger of the worker counts. "
        + (
            f"The process peaks at {_median([s['baseline_mb'] for r in rows for s in r['solver'].values() if s.get('baseline_mb')]):.0f} MB "
            "after imports alone (median), before any solve."
            if any(s.get("baseline_mb") for r in rows for s in r["solver"].values())
            else ""
        ),
        "- **objective**: the weighted penalty of the solver's week, recomputed by the rules' plain-Python `penalty` "
        "functions; **greedy**: the same for the greedy baseline (`scheduler/greedy.py`: first fit in priority order, "
        "each session at the earliest grid start that keeps every hard rule's checker), with its gap to the solver's "
        "objective and their ratio. `no week` means first fit got stuck although a week exists.",
        "- Instances: the bundled examples, and weeks drawn by `benchmarks/instances.py` from a seed: every goal, "
        "lifts by focus, easy and hard endurance work, mobility, repeats, preferences, busy blocks, sparse or generous "
        "free time, some in a week with a daylight-saving change; a draw without any valid week is drawn again "
        f"({sum(r.get('rejected', 0) for r in rows)} draws rejected in this run).",
        "",
    ]
    for group in ORDER:
        group_rows = [r for r in rows if r["group"] == group]
        if group_rows:
            lines += [f"## {TITLES[group]}", "", *_group_table(group_rows, workers, limit), ""]
    if results.get("e2e"):
        lines += [
            "## End to end",
            "",
            "Wall time of a fresh process (Python start-up, imports, loading, solving with the defaults: 1 worker, "
            "the file's grid), median after one warm-up run; the start-up rows show what is spent before any solving.",
            "",
            *_e2e_table(results["e2e"]),
            "",
        ]
    crashed = [(r["name"], s["error"]) for r in rows for s in r["solver"].values() if s.get("error")]
    if crashed:
        lines += ["## Errors", ""] + [f"- {name}: `{error.strip().splitlines()[-1]}`" for name, error in crashed] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    limit = results["settings"]["time_limit"]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    markers = {0: ("o", "tab:blue"), 1: ("s", "tab:orange")}
    for n, workers in enumerate(results["settings"]["workers"]):
        marker, colour = markers.get(n, ("^", "tab:purple"))
        solved = [(r["sessions"] + 0.15 * n, r["solver"][str(workers)]["optimal"]) for r in results["rows"] if r["solver"][str(workers)]["optimal"]]
        unsolved = [r["sessions"] + 0.15 * n for r in results["rows"] if not r["solver"][str(workers)]["optimal"]]
        label = f"{workers} worker{'s' * (workers > 1)}"
        if solved:
            ax.scatter(*zip(*solved), marker=marker, color=colour, label=f"{label}: proven optimal", alpha=0.8)
        if unsolved:
            ax.scatter(unsolved, [limit] * len(unsolved), marker="x", color=colour, label=f"{label}: not proven in {limit:g} s")
    greedy = [(r["sessions"], max(r["greedy"]["seconds"], 1e-4)) for r in results["rows"]]
    ax.scatter(*zip(*greedy), marker=".", color="grey", label="greedy baseline", alpha=0.7)
    ax.axhline(EXAMPLE_TARGET, color="green", linestyle=":", linewidth=1)
    ax.text(24.8, EXAMPLE_TARGET * 1.1, f"examples target {EXAMPLE_TARGET:g} s", color="green", fontsize=8, ha="right")
    ax.axhline(DENSE_TARGET, color="red", linestyle=":", linewidth=1)
    ax.text(24.8, DENSE_TARGET * 1.1, f"dense-week target {DENSE_TARGET:g} s", color="red", fontsize=8, ha="right")
    ax.axvspan(15.5, 20.5, color="red", alpha=0.05)
    ax.set_yscale("log")
    ax.set_xlim(3, 25)
    ax.set_xlabel("sessions per week")
    ax.set_ylabel("time to proven optimal, median (s)")
    ax.set_title(f"trainweek: time to proven optimal, commit {results['machine']['commit']}", fontsize=10)
    ax.grid(True, which="both", alpha=0.2)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
