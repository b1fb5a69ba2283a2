"""Turn a solved week into what people and scripts read: reasons, a table, JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trainweek.constraints import SOFT_OBJECTIVES
from trainweek.scheduler.plan import visible
from trainweek.scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS
from trainweek.scheduler.week import FIRST_FIT_NOTE, MONOTONY_WARNING, Week

# A session this long (minutes) runs on stored carbohydrate, whatever its label.
LONG_SESSION = 90


def reminders(week: Week) -> list[str]:
    """The article's reminders that fit this plan: protein only when there is lifting,
    carbohydrate before the long or hard sessions it has, then deload and fatigue."""
    from trainweek.scheduler.training import Intensity, Modality

    specs = [p.spec for p in week.placements]
    found = []
    if any(spec.modality is Modality.strength for spec in specs):
        found.append("Eat protein after lifting; it feeds the repair the session started.")
    fuelled = [
        p.occurrence for p in week.placements
        if p.spec.modality is not Modality.neither
        and (p.spec.duration >= LONG_SESSION or p.occurrence.demanding or p.spec.intensity is Intensity.hard)
    ]
    if fuelled:
        # Endurance work first (it runs on glycogen most), the biggest load first.
        fuelled.sort(key=lambda item: (item.spec.modality is not Modality.endurance, -item.load))
        names = list(dict.fromkeys(item.spec.name for item in fuelled))
        shown = ", ".join(names[:3]) + (" and the like" if len(names) > 3 else "")
        found.append(f"Eat carbohydrate in the hours before long or hard sessions ({shown}); they run on it.")
    found.append("In longer blocks, take a lighter deload week every 4-6 weeks (3 weeks up, 1 down is common).")
    if any(p.occurrence.demanding for p in week.placements):
        found.append("Listen to fatigue: if you are run down, swap a demanding session for an easy one.")
    else:
        found.append("Listen to fatigue: if you are run down, take an extra rest day.")
    return found


_MINUTE_SETTINGS = ("modality_gap", "double_gap", "hard_recovery", "stack_gap", "key_clearance")


def _setting(key: str, value: object) -> str:
    """A rules setting as the file would write it: 6h, false, 2."""
    from trainweek.scheduler.timetext import format_minutes

    if value is None:
        return "false (forbidden)" if key == "stack_gap" else "none"
    return format_minutes(value) if key in _MINUTE_SETTINGS and isinstance(value, int) else str(value)


def profile_changes(plan) -> list[str]:
    """What the plan's profile changed from the default rules, as they stand in this plan:
    a preset the file overrides is said so."""
    from trainweek.scheduler.plan import Rules
    from trainweek.scheduler.training import PROFILE_RULES

    changes = []
    for key, preset in PROFILE_RULES[plan.profile].items():
        value = getattr(plan.rules, key)
        if value == preset:
            changes.append(f"{key} {_setting(key, Rules.model_fields[key].default)} -> {_setting(key, preset)}")
        else:
            changes.append(f"{key} would be {_setting(key, preset)}, but your file sets {_setting(key, value)}")
    return changes


def profile_line(plan) -> str:
    """The profile in effect and what it changed, for explain."""
    from trainweek.scheduler.training import PROFILE_LABELS

    label = PROFILE_LABELS[plan.profile]
    changes = profile_changes(plan)
    return f"Profile: {label}" + (f" ({'; '.join(changes)})." if changes else " (no rule changed).")


def _safe(text: object) -> str:
    """A person's text (names, reasons that quote them, file names) as rich prints it
    literally: markup brackets escaped, control characters (ESC, ...) shown as escapes."""
    from rich.markup import escape

    return escape(visible(str(text)))


def objective_rows(week: Week) -> list[dict[str, Any]]:
    total = week.objective or 0
    rows = []
    for rule in SOFT_OBJECTIVES:
        raw = week.parts[rule.NAME]
        weighted = round(week.weights[rule.NAME] * raw, 2)
        rows.append(
            {
                "name": rule.NAME,
                "title": rule.TITLE,
                "weight": week.weights[rule.NAME],
                "raw": raw,
                "weighted": weighted,
                "share": round(weighted / total, 4) if total else 0.0,
            }
        )
    return rows


def load_json(week: Week) -> dict[str, Any]:
    """The week's load figures (AU; monotony and strain are null when every day carries the same load)."""
    monotony, strain = week.monotony(), week.strain()
    return {
        "daily": dict(zip(WEEKDAYS, week.daily_loads())),
        "weekly": week.weekly_load(),
        "monotony": None if monotony is None else round(monotony, 2),
        "strain": None if strain is None else round(strain),
    }


def as_json(week: Week) -> dict[str, Any]:
    from trainweek.scheduler.uids import event_uid

    return {
        "athlete": week.plan.athlete,
        "timezone": week.plan.timezone,
        "week_start": week.frame.week_start.isoformat(),
        "status": week.status,
        "proven_optimal": week.proven_optimal,
        "first_fit": week.first_fit,
        "objective": week.objective,
        "bound": week.bound,
        "solve_seconds": round(week.solve_seconds, 4),
        "weights": week.weights,
        "objective_parts": objective_rows(week),
        "rest_days": week.rest_day_names(),
        "daily_load": dict(zip(WEEKDAYS, week.daily_loads())),
        "load": load_json(week),
        "ignored_busy": list(week.frame.ignored_busy),
        "sessions": [
            {
                "name": p.spec.name,
                "label": p.occurrence.label,
                "kind": p.spec.kind.value,
                "intensity": p.spec.intensity.value,
                "day": WEEKDAYS[p.day],
                "date": p.local_start.date().isoformat(),
                "start": p.local_start.strftime("%H:%M"),
                "end": p.local_end.strftime("%H:%M"),
                "start_iso": p.local_start.isoformat(),
                "end_iso": p.local_end.isoformat(),
                "uid": event_uid(week, p),
                "reasons": week.reasons.get(p.occurrence.index, []),
            }
            for p in week.placements
        ],
    }


def print_week(week: Week, console) -> None:
    from rich.table import Table

    table = Table(title=f"Training week of {week.frame.week_start:%a %d %b %Y} for {_safe(week.plan.athlete)}", show_lines=True)
    table.add_column("Day")
    table.add_column("Time", no_wrap=True)
    table.add_column("Session")
    table.add_column("Why it sits there")
    for day in range(7):
        sessions = week.on_day(day)
        if not sessions:
            table.add_row(f"{WEEKDAY_NAMES[day][:3]} {week.frame.date(day):%d %b}", "", "[dim]rest day[/dim]", "")
        light_only = " (rest day)" if not any(p.occurrence.trains for p in sessions) else ""
        for p in sessions:
            spec = p.spec
            table.add_row(
                f"{WEEKDAY_NAMES[day][:3]} {week.frame.date(day):%d %b}",
                p.clock_range,
                f"[bold]{_safe(p.occurrence.label)}[/bold]\n{spec.kind.value}, {spec.intensity.value}{light_only}",
                "\n".join(f"- {_safe(reason)}" for reason in week.reasons.get(p.occurrence.index, [])[:4]),
            )
    console.print(table)
    if week.first_fit:
        verdict = "first fit, not optimised"
    else:
        verdict = "proven optimal" if week.proven_optimal else f"best found, not proven optimal (bound {week.bound:g})"
    parts = ", ".join(f"{row['name']} {row['weighted']:g}" for row in objective_rows(week) if row["weighted"])
    done = "found" if week.first_fit else "solved"
    console.print(f"Week is {verdict}: penalty {week.objective:g}" + (f" ({parts})" if parts else "") + f", {done} in {week.solve_seconds:.2f} s.")
    if week.first_fit:
        console.print(f"[yellow]Note:[/yellow] {FIRST_FIT_NOTE}.")
    if week.clock_stopped:
        console.print(
            "[yellow]Note:[/yellow] the time limit ran out before the search's fixed amount of work, so another run "
            "may give another week; raise --time-limit for the same week every time."
        )
    console.print(_load_line(week))
    for entry in week.frame.ignored_busy:
        console.print(f"[yellow]Note:[/yellow] busy block '{_safe(entry)}' is outside this week and was ignored.")
    for reminder in reminders(week):
        console.print(f"[dim]- {_safe(reminder)}[/dim]")


def explanation_json(week: Week, found_reasons, found_alternatives) -> dict[str, Any]:
    return {
        **as_json(week),
        "profile": {
            "name": week.plan.profile.value,
            "line": profile_line(week.plan),
            "changes": profile_changes(week.plan),
        },
        "reminders": reminders(week),
        "explanations": [
            {
                "label": p.occurrence.label,
                "when": p.when,
                "reasons": [{"rule": r.rule, "text": r.text} for r in found_reasons[p.occurrence.index]],
                "elsewhere": [
                    {
                        "day": WEEKDAYS[alt.day],
                        "blocked_by": alt.blocked_by,
                        "extra_cost": alt.extra_cost,
                        "extra_parts": alt.extra_parts,
                        "best_start": alt.best_start,
                        "text": alt.sentence,
                    }
                    for alt in found_alternatives[p.occurrence.index]
                ],
            }
            for p in week.placements
        ],
    }


def print_score(week: Week, console) -> None:
    from rich.table import Table

    table = Table(title="Score: what each objective costs this week")
    for column in ("objective", "weight", "raw penalty", "weighted", "share"):
        table.add_column(column, justify="left" if column == "objective" else "right")
    for row in objective_rows(week):
        table.add_row(row["name"], f"{row['weight']:g}", str(row["raw"]), f"{row['weighted']:g}", f"{row['share']:.0%}")
    table.add_row("[bold]total[/bold]", "", "", f"[bold]{week.objective:g}[/bold]", "100%" if week.objective else "")
    console.print(table)
    if week.first_fit:
        console.print(f"Not optimised, and no bound: {FIRST_FIT_NOTE}.")
    elif week.proven_optimal:
        console.print(f"Proven optimal: no week under these rules scores below {week.bound:g}.")
    else:
        console.print(f"Not proven optimal: the best possible score is at least {week.bound:g}.")


def _load_line(week: Week) -> str:
    line = _safe(week.load_summary() + ".")
    monotony = week.monotony()
    return f"[yellow]{line}[/yellow]" if monotony is not None and monotony > MONOTONY_WARNING else line


def print_explanation(week: Week, found_reasons, found_alternatives, console) -> None:
    print_score(week, console)
    console.print(_load_line(week))
    for p in week.placements:
        console.print(f"\n[bold]{_safe(p.occurrence.label)}[/bold]: {p.when}")
        for reason in found_reasons[p.occurrence.index]:
            # The rule's name leads the line here, so the sentence need not end with it too.
            text = reason.text.removesuffix(f" ({reason.rule})")
            console.print(f"  [cyan]{reason.rule}[/cyan]: {_safe(text)}")
        for alt in found_alternatives[p.occurrence.index]:
            console.print(f"  [dim]moved alone[/dim]: {_safe(alt.sentence)}")
    rest = week.rest_day_names()
    if rest:
        console.print(f"\nRest days: {', '.join(rest)}.")
    console.print(_safe(profile_line(week.plan)))


def sweep_json(results, grid) -> dict[str, Any]:
    from trainweek.scheduler.sweep import describe_settings, moves

    reference = results[0].week
    return {
        "swept": grid,
        "weeks": [
            {
                "settings": entry.settings,
                "described": describe_settings(entry.settings, grid),
                "raw_parts": entry.raw_parts,
                "sessions": [{"label": p.occurrence.label, "when": p.when} for p in entry.week.placements],
                "moved_from_first": [vars(move) for move in moves(reference, entry.week)],
            }
            for entry in results
        ],
    }


def print_sweep(results, grid, console) -> None:
    from rich.table import Table

    from trainweek.scheduler.sweep import describe_settings, moves

    names = [rule.NAME for rule in SOFT_OBJECTIVES]
    trade = Table(title=f"{len(results)} distinct week(s) from {sum(len(r.settings) for r in results)} setting(s)")
    trade.add_column("week")
    trade.add_column("weights that give it", no_wrap=True)
    for name in names:
        trade.add_column(name.replace("_", " "), justify="right")
    for number, entry in enumerate(results):
        trade.add_row(chr(ord("A") + number), _safe(describe_settings(entry.settings, grid)), *(str(entry.raw_parts[n]) for n in names))
    console.print(trade)
    console.print("[dim]Columns after the weights are raw penalties: lower is better for that objective.[/dim]")
    reference = results[0].week
    console.print("\n[bold]Week A[/bold]")
    for p in reference.placements:
        console.print(f"  {p.when:<24} {_safe(p.occurrence.label)}")
    for number, entry in enumerate(results[1:], start=1):
        console.print(f"\n[bold]Week {chr(ord('A') + number)}[/bold] differs from A:")
        for move in moves(reference, entry.week):
            console.print(f"  {_safe(move.label)}: {move.before} -> {move.after}")


def print_batch(results, outdir, console) -> None:
    """The summary of `solve-many`: one row per plan (by name), then the counts."""
    from rich.table import Table

    table = Table(title=f"{len(results)} plan(s) into {_safe(outdir)}")
    for column in ("plan", "result", "score or reason", "files"):
        table.add_column(column)
    for result in sorted(results, key=lambda entry: entry.name):
        detail = f"{result.objective:g}" if result.outcome.solved and result.objective is not None else result.message
        files = "unchanged, kept" if result.unchanged else ", ".join(Path(name).suffix[1:] for name in result.files)
        table.add_row(_safe(result.name), result.outcome.value, _safe(detail), files)
    console.print(table)
    found = sorted({r.outcome for r in results}, key=lambda outcome: list(type(outcome)).index(outcome))  # best first, as batch.Outcome lists them
    counts = [f"{sum(r.outcome is outcome for r in results)} {outcome.value}" for outcome in found]
    unchanged = sum(r.unchanged for r in results)
    console.print(", ".join(counts) + (f"; {unchanged} unchanged since the last run, not solved again" if unchanged else "") + ".", soft_wrap=True)


def compare_json(first: Week, second: Week) -> dict[str, Any]:
    from trainweek.scheduler.sweep import moves

    same_sessions = {p.occurrence.label for p in first.placements} == {p.occurrence.label for p in second.placements}
    return {
        "first": as_json(first),
        "second": as_json(second),
        "moved": [vars(m) for m in moves(first, second)] if same_sessions else None,
    }


def print_comparison(first: Week, second: Week, first_name: str, second_name: str, console) -> None:
    from rich.table import Table

    where_first = {p.occurrence.label: p.when for p in first.placements}
    where_second = {p.occurrence.label: p.when for p in second.placements}
    labels = list(where_first) + [label for label in where_second if label not in where_first]
    table = Table(title="Where each session goes")
    table.add_column("session")
    table.add_column(_safe(first_name))
    table.add_column(_safe(second_name))
    for label in labels:
        a, b = where_first.get(label, "-"), where_second.get(label, "-")
        table.add_row(_safe(label), a, b if a == b else f"[bold]{b}[/bold]")
    console.print(table)
    parts = Table(title="Objective parts (raw penalty x weight)")
    parts.add_column("objective")
    parts.add_column(_safe(first_name), justify="right")
    parts.add_column(_safe(second_name), justify="right")
    for row_a, row_b in zip(objective_rows(first), objective_rows(second)):
        parts.add_row(row_a["name"], f"{row_a['raw']} x {row_a['weight']:g}", f"{row_b['raw']} x {row_b['weight']:g}")
    parts.add_row("total", f"{first.objective:g}", f"{second.objective:g}")
    console.print(parts)
