"""A block as people and scripts read it: one row per week with its load figures, then the weeks."""

from __future__ import annotations

from typing import Any

from trainweek.scheduler.block import RATIO_SPIKE, RATIO_WARNING, Block, week_mark
from trainweek.scheduler.plan import visible
from trainweek.scheduler.report import as_json, load_json
from trainweek.scheduler.timetext import WEEKDAY_NAMES


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def ignored_busy(block: Block) -> list[str]:
    """Busy entries that fall in none of the block's weeks."""
    used = set.intersection(*(set(bw.week.frame.ignored_busy) for bw in block.weeks)) if block.weeks else set()
    return [entry for entry in block.plan.busy if entry in used]


def block_json(block: Block) -> dict[str, Any]:
    race = block.race
    return {
        "athlete": block.plan.athlete,
        "timezone": block.plan.timezone,
        "weeks": len(block.weeks),
        "proof": block.proven,
        "settings": block.settings.model_dump(mode="json", exclude={"race", "history"}),
        "history": list(block.settings.history),
        "race": None if race is None else {
            "name": race.name,
            "start": race.start.isoformat(),
            "end": race.end.isoformat(),
            "all_day": race.all_day,
        },
        "notes": list(block.notes),
        "ignored_busy": ignored_busy(block),
        "load": [
            {
                "week": bw.number,
                "week_start": bw.week.frame.week_start.isoformat(),
                "kind": bw.kind,
                "mark": week_mark(bw, block),
                "target": bw.target,
                **load_json(bw.week),
                "chronic": _round(bw.chronic, 1),
                "acwr": _round(bw.ratio),
            }
            for bw in block.weeks
        ],
        "week_list": [{"week": bw.number, "kind": bw.kind, **as_json(bw.week)} for bw in block.weeks],
    }


def _ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    text = f"{ratio:.2f}"
    if ratio > RATIO_SPIKE:
        return f"[red]{text} spike[/red]"
    if ratio > RATIO_WARNING:
        return f"[yellow]{text} high[/yellow]"
    return text


def print_block(block: Block, console) -> None:
    from rich.table import Table

    plan = block.plan
    first = block.weeks[0].week.frame.week_start
    table = Table(title=f"Training block of {len(block.weeks)} weeks from {first:%a %d %b %Y} for {visible(plan.athlete)}")
    for column in ("Week", "Monday", "Kind", "Load AU", "Monotony", "Strain", "A:C ratio"):
        table.add_column(column, justify="right" if column in ("Load AU", "Monotony", "Strain", "A:C ratio") else "left", no_wrap=True)
    for bw in block.weeks:
        monotony, strain = bw.week.monotony(), bw.week.strain()
        kind = bw.title + (" (race)" if block.race and bw.number == len(block.weeks) else "")
        table.add_row(
            str(bw.number),
            f"{bw.week.frame.week_start:%d %b}",
            kind if bw.kind == "build" else f"[bold]{kind}[/bold]",
            str(bw.load),
            "n/a" if monotony is None else f"{monotony:.2f}",
            "n/a" if strain is None else f"{strain:.0f}",
            _ratio_text(bw.ratio),
        )
    console.print(table)
    for bw in block.weeks:
        mark = week_mark(bw, block)
        console.print(f"[bold]Week {bw.number}[/bold], {bw.week.frame.week_start:%d %b %Y}" + (f": {mark}" if mark else f": {bw.title}"))
        for p in bw.week.placements:
            console.print(
                f"  {WEEKDAY_NAMES[p.day][:3]} {p.local_start:%d %b} {p.clock_range}  {visible(p.occurrence.label)}"
                f" ({p.spec.duration} min, {p.spec.intensity.value})"
            )
    if block.race is not None:
        race = block.race
        when = f"{race.start:%A %d %B %Y}" + ("" if race.all_day else f" {race.start:%H:%M}")
        console.print(f"Race: {visible(race.name)}, {when}; nothing demanding in the 48 h before it.")
    console.print(f"The block is {block.proven}.")
    for note in block.notes:
        console.print(f"[yellow]Note:[/yellow] {visible(note)}")
    for entry in ignored_busy(block):
        console.print(f"[yellow]Note:[/yellow] busy block '{visible(entry)}' is outside the block and was ignored.")
