"""Turn a solved week into what people and scripts read: reasons, a table, JSON."""

from __future__ import annotations

from typing import Any

from constraints import SOFT_OBJECTIVES, fatigue_spread, rest_days
from scheduler.explain import reasons
from scheduler.ics import event_uid
from scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS
from scheduler.week import Week

REMINDERS = (
    "Eat protein after lifting; it feeds the repair the session started.",
    "In longer blocks, take a lighter deload week every 4-6 weeks.",
    "Listen to fatigue: if you are run down, swap a hard session for an easy one.",
)
def attach_reasons(week: Week) -> None:
    """Fill `week.reasons` with plain sentences for the table, JSON and calendar."""
    week.reasons = {index: [r.text for r in found] for index, found in reasons(week).items()}


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


def as_json(week: Week) -> dict[str, Any]:
    return {
        "athlete": week.plan.athlete,
        "timezone": week.plan.timezone,
        "week_start": week.frame.week_start.isoformat(),
        "status": week.status,
        "proven_optimal": week.proven_optimal,
        "objective": week.objective,
        "bound": week.bound,
        "solve_seconds": round(week.solve_seconds, 4),
        "weights": week.weights,
        "objective_parts": objective_rows(week),
        "rest_days": rest_days.rest_day_names(week),
        "daily_load": dict(zip(WEEKDAYS, fatigue_spread.daily_loads(week))),
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

    table = Table(title=f"Training week of {week.frame.week_start:%a %d %b %Y} for {week.plan.athlete}", show_lines=True)
    table.add_column("Day")
    table.add_column("Time", no_wrap=True)
    table.add_column("Session")
    table.add_column("Why it sits there")
    for day in range(7):
        sessions = week.on_day(day)
        if not sessions:
            table.add_row(f"{WEEKDAY_NAMES[day][:3]} {week.frame.date(day):%d %b}", "", "[dim]rest day[/dim]", "")
        for p in sessions:
            spec = p.spec
            table.add_row(
                f"{WEEKDAY_NAMES[day][:3]} {week.frame.date(day):%d %b}",
                p.clock_range,
                f"[bold]{p.occurrence.label}[/bold]\n{spec.kind.value}, {spec.intensity.value}",
                "\n".join(f"- {reason}" for reason in week.reasons.get(p.occurrence.index, [])[:4]),
            )
    console.print(table)
    verdict = "proven optimal" if week.proven_optimal else f"best found, not proven optimal (bound {week.bound:g})"
    parts = ", ".join(f"{row['name']} {row['weighted']:g}" for row in objective_rows(week) if row["weighted"])
    console.print(f"Week is {verdict}: penalty {week.objective:g}" + (f" ({parts})" if parts else "") + f", solved in {week.solve_seconds:.2f} s.")
    for entry in week.frame.ignored_busy:
        console.print(f"[yellow]Note:[/yellow] busy block '{entry}' is outside this week and was ignored.")
    for reminder in REMINDERS:
        console.print(f"[dim]- {reminder}[/dim]")
