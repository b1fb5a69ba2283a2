"""Seeded benchmark weeks: realistic availability files, plus the bundled examples.

The benchmarks run a fixed set stored under `benchmarks/instances/` (`stored()`), drawn
again only on purpose (`python -m benchmarks --regenerate`, `regenerate()`).
`generate(seed, group, index)` returns the same instance for the same arguments on any
machine. Each generated file is drawn from a goal's typical sessions (lifts by focus,
easy and hard runs, long rides, swims, mobility), with repeats, preferences, busy blocks,
doubles and either sparse or generous free time, and on most draws version 2's coach
fields (a profile, key sessions, RPE, stacked-day settings; `coach`); a draw that no week satisfies is thrown
away and drawn again (first a greedy week proves it feasible, else the solver looks for
one week within a deterministic-time limit).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from ortools.sat.python import cp_model
from ruamel.yaml import YAML

from trainweek.scheduler.greedy import greedy_week
from trainweek.scheduler.interrupt import search
from trainweek.scheduler.loading import parse_plan
from trainweek.scheduler.model import NoRoom
from trainweek.scheduler.plan import Plan
from trainweek.scheduler.solve import SolveOptions, build, frame_for

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GOALS = ("strength", "hypertrophy", "power", "endurance", "fat_loss", "general")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata")
WEEK = "2026-11-30"
DST_WEEK = ("Europe/Berlin", "2026-10-19")  # clocks go back on Sunday 25 October


@dataclass(frozen=True)
class Group:
    """Instances alike in size and shape; the report has one table per group."""

    name: str
    title: str
    sessions: tuple[int, int]
    grids: tuple[int, ...]
    styles: tuple[str, ...]
    doubles: bool
    counts: tuple[int, ...] = ()  # session counts taken in turn by index, instead of drawn from `sessions`


GROUPS = (
    Group("small", "small weeks, 4-8 sessions", (4, 8), (5, 15), ("sparse", "generous"), False),
    Group("medium", "medium weeks, 9-15 sessions, doubles", (9, 15), (5, 15), ("sparse", "generous"), True),
    Group("dense", "dense weeks, 16-20 sessions, doubles, 5-min grid", (16, 20), (5,), ("generous",), True),
    Group("large", "large weeks, 21-24 sessions, doubles", (21, 24), (5, 15), ("generous",), True),
    # Both ends of 25-30 in any five: the cliff of issue 21 is between them.
    Group("huge", "huge weeks, 25-30 sessions, doubles", (25, 30), (5, 15), ("generous",), True, (25, 30, 27, 28, 26, 29)),
)
# A draw counts as feasible when greedy places it, or CP-SAT (1 worker, seed 0) finds a
# week within this much deterministic time: the same answer on any machine and load.
FEASIBLE_DET_LIMIT = 20.0
STORED = Path(__file__).resolve().parent / "instances"  # the fixed set: one YAML per instance


@dataclass
class Instance:
    name: str
    group: str
    text: str
    grid: int | None = None  # a grid override passed to the solver (SolveOptions.grid)
    notes: dict = field(default_factory=dict)

    @property
    def plan(self) -> Plan:
        return parse_plan(self.text, f"{self.name}.yaml")

    @property
    def sessions(self) -> int:
        return len(self.plan.occurrences)


# (name, kind, focus, minutes range, intensities to draw from, most times a week)
Template = tuple[str, str, str | None, tuple[int, int], tuple[str, ...], int]
LIFTS: tuple[Template, ...] = (
    ("Squat day", "strength", "lower", (60, 90), ("hard", "moderate"), 2),
    ("Bench and row", "strength", "upper", (45, 75), ("hard", "moderate"), 2),
    ("Full-body lift", "strength", "full", (45, 75), ("moderate", "hard"), 3),
    ("Deadlift day", "strength", "lower", (50, 80), ("hard",), 1),
    ("Arms and shoulders", "strength", "upper", (30, 50), ("easy", "moderate"), 2),
    ("Legs accessories", "strength", "lower", (30, 50), ("easy", "moderate"), 2),
    ("Olympic lifts", "strength", "full", (45, 60), ("hard",), 2),
    ("Core circuit", "strength", "full", (20, 30), ("easy", "moderate"), 3),
)
CARDIO: tuple[Template, ...] = (
    ("Easy run", "run", None, (30, 50), ("easy",), 4),
    ("Tempo run", "run", None, (40, 60), ("hard", "moderate"), 1),
    ("Intervals", "run", None, (35, 50), ("hard",), 1),
    ("Long run", "run", None, (90, 150), ("moderate", "easy"), 1),
    ("Bike", "bike", None, (45, 120), ("easy", "moderate"), 2),
    ("Bike intervals", "bike", None, (40, 60), ("hard",), 1),
    ("Swim", "swim", None, (30, 60), ("easy", "moderate"), 2),
    ("Erg", "row", None, (20, 40), ("moderate", "hard"), 2),
    ("Sprints", "run", None, (25, 40), ("hard",), 1),
)
MOBILITY: tuple[Template, ...] = (
    ("Mobility", "mobility", None, (15, 30), ("easy",), 3),
    ("Yoga", "mobility", None, (30, 60), ("easy",), 2),
)
# Share of lifting, endurance and mobility in a goal's week.
MIX = {
    "strength": (0.55, 0.3, 0.15),
    "hypertrophy": (0.6, 0.25, 0.15),
    "power": (0.5, 0.35, 0.15),
    "endurance": (0.25, 0.65, 0.1),
    "fat_loss": (0.4, 0.5, 0.1),
    "general": (0.4, 0.45, 0.15),
}
SECOND_GOALS = {
    "strength": ("endurance", "general"),
    "hypertrophy": ("fat_loss", "strength"),
    "power": ("strength", "endurance"),
    "endurance": ("strength", "general"),
    "fat_loss": ("strength", "endurance", "general"),
    "general": ("endurance", "fat_loss", "strength"),
}


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _window(start: int, end: int) -> str:
    return f"{_clock(start)}-{_clock(end)}"


def _availability(rng: random.Random, style: str, doubles: bool) -> dict[str, list[str]]:
    availability = {}
    if style == "generous":
        for day in DAYS:
            windows = []
            if day in ("sat", "sun"):
                windows.append(_window(rng.choice([420, 450, 480]), rng.choice([720, 750, 780])))
                if doubles or rng.random() < 0.4:
                    windows.append(_window(rng.choice([960, 1020]), rng.choice([1140, 1200])))
            else:
                if doubles or rng.random() < 0.6:
                    windows.append(_window(rng.choice([330, 360]), rng.choice([480, 510, 540])))
                if rng.random() < 0.2:
                    windows.append(_window(720, 780))
                windows.append(_window(rng.choice([960, 1020, 1050]), rng.choice([1230, 1260, 1290])))
            availability[day] = windows
        if not doubles and rng.random() < 0.5:
            del availability[rng.choice(DAYS[:5])]
    else:
        days = sorted(rng.sample(range(7), rng.randint(4, 6)))
        for day in days:
            if DAYS[day] in ("sat", "sun"):
                start = rng.choice([420, 480, 540])
                availability[DAYS[day]] = [_window(start, start + rng.choice([150, 180, 240]))]
            elif rng.random() < 0.4:
                start = rng.choice([330, 360, 390])
                availability[DAYS[day]] = [_window(start, start + rng.choice([90, 105, 120]))]
            else:
                start = rng.choice([1020, 1080, 1110])
                availability[DAYS[day]] = [_window(start, start + rng.choice([120, 150, 180]))]
        if doubles:
            for day in rng.sample(days, min(2, len(days))):
                windows = availability[DAYS[day]]
                extra = _window(360, 450) if windows[0] >= "12" else _window(1080, 1230)
                availability[DAYS[day]] = sorted(windows + [extra])
    return availability


def _busy(rng: random.Random, availability: dict[str, list[str]], week_start: str) -> list[str]:
    """Zero to two blocks inside windows: weekly ones and ones on a date of this week."""
    busy = []
    for _ in range(rng.choice([0, 0, 1, 2])):
        day = rng.choice(sorted(availability))
        window = rng.choice(availability[day])
        start = int(window[:2]) * 60 + int(window[3:5]) + rng.choice([0, 30, 60])
        block = _window(start, start + rng.choice([30, 45, 60]))
        if rng.random() < 0.5:
            busy.append(f"{day} {block}")
        else:
            date = dt.date.fromisoformat(week_start) + dt.timedelta(days=DAYS.index(day))
            busy.append(f"{date.isoformat()} {block}")
    return busy


def _sessions(rng: random.Random, goal: str, count: int) -> list[dict]:
    """Sessions adding up to `count`: each template at most once, drawn by the goal's mix.

    Once every template is in the week (about 24 sessions and more), the rest are further
    repeats of sessions that are not hard, so a 30-session week is drawn as quickly as a
    small one and its hard load stays what it was.
    """
    lift_share, cardio_share, _ = MIX[goal]
    sessions: list[dict] = []
    used: set[str] = set()
    hard_regions = {"lower": 0, "upper": 0}
    regions = {"lower": {"lower"}, "upper": {"upper"}, "full": {"lower", "upper"}}
    kind_regions = {"run": {"lower"}, "bike": {"lower"}, "swim": {"upper"}, "row": {"lower", "upper"}}
    templates = len(LIFTS) + len(CARDIO) + len(MOBILITY)
    most_times: list[int] = []
    placed = 0
    while placed < count and len(used) < templates:
        roll = rng.random()
        pool = LIFTS if roll < lift_share else CARDIO if roll < lift_share + cardio_share else MOBILITY
        name, kind, focus, (low, high), intensities, most = rng.choice(pool)
        if name in used:
            continue
        intensity = rng.choice(intensities)
        times = min(rng.randint(1, most), count - placed)
        loads = regions[focus] if kind == "strength" else kind_regions.get(kind, set())
        if intensity == "hard" and any(hard_regions[r] + times > 2 for r in loads):
            intensity = "moderate"
        if intensity == "hard":
            for region in loads:
                hard_regions[region] += times
        used.add(name)
        spec = {"name": name, "kind": kind, "duration": f"{rng.randrange(low, high + 1, 5)}m"}
        if intensity != "moderate":
            spec["intensity"] = intensity
        if focus is not None:
            spec["focus"] = focus
        if times > 1:
            spec["times"] = times
        if rng.random() < 0.3:
            prefer = {}
            if rng.random() < 0.6:
                prefer["days"] = sorted(rng.sample(DAYS, rng.randint(2, 4)), key=DAYS.index)
            if not prefer or rng.random() < 0.5:
                prefer["time"] = rng.choice(["06:00-09:00", "17:00-21:00", "07:00-12:00", "18:00-20:30"])
            spec["prefer"] = prefer
        sessions.append(spec)
        most_times.append(most)
        placed += times
    while placed < count:  # every template used: repeat sessions that are not hard
        easy = [n for n, spec in enumerate(sessions) if spec.get("intensity") != "hard"]
        roomy = [n for n in easy if sessions[n].get("times", 1) < most_times[n]]
        spec = sessions[rng.choice(roomy or easy)]
        spec["times"] = spec.get("times", 1) + 1
        placed += 1
    return sessions


def draw(rng: random.Random, goal: str, count: int, grid: int, style: str, doubles: bool) -> dict:
    """One availability file as data, before the feasibility check."""
    zone, week_start = DST_WEEK if rng.random() < 0.15 else (rng.choice(ZONES), WEEK)
    goals = [goal] + ([rng.choice(SECOND_GOALS[goal])] if rng.random() < 0.7 else [])
    availability = _availability(rng, style, doubles)
    sessions = _sessions(rng, goal, count)
    training = sum(s.get("times", 1) for s in sessions if s["kind"] != "mobility")
    rest_days = 0 if count > 18 else 1 if count > 10 else rng.choice([1, 1, 2])
    training_days = min(7 - rest_days, len(availability))
    per_day = max(rng.choice([2, 3]) if doubles else 2, math.ceil(training / max(training_days, 1)), math.ceil(count / 7))
    rules: dict = {"rest_days": rest_days, "max_sessions_per_day": per_day}
    if rng.random() < 0.2:
        rules["separate_modalities_by"] = rng.choice(["4h", "8h"])
    if rng.random() < 0.15:
        rules["same_visit"] = {"allowed": False}
    if rng.random() < 0.1:
        rules["repeat_weekly"] = False
    data = {
        "version": 1,
        "athlete": f"Bench {goal}",
        "timezone": zone,
        "week_start": week_start,
        "grid": f"{grid}m",
        "goals": goals,
        "availability": availability,
        "busy": _busy(rng, availability, week_start),
        "sessions": sessions,
        "rules": rules,
    }
    if rng.random() < 0.2:
        data["weights"] = {"hard_easy": rng.choice([1, 5, 8]), "preferred_times": rng.choice([1, 3])}
    if not data["busy"]:
        del data["busy"]
    return data


# RPE drawn for a session of each intensity (RULES.md version 2: 1-10, the athlete's own scale).
RPE = {"easy": (2, 4), "moderate": (5, 7), "hard": (7, 9)}
KEY_CANDIDATES = ("Long run", "Squat day", "Deadlift day", "Intervals", "Tempo run", "Olympic lifts", "Bike intervals")


def coach(rng: random.Random, data: dict) -> dict:
    """Version 2's coach fields on three draws in four: a profile, key sessions, RPE, stacked days.

    Drawn on a stream of its own after `draw`, so the week underneath (sessions, windows,
    busy time) and the instance's name are the draw's; a week these fields make impossible
    is thrown away and drawn again like any other.
    """
    if rng.random() < 0.25:
        return data  # some weeks stay version 1 files
    count = sum(s.get("times", 1) for s in data["sessions"])
    profile = rng.choice(("default", "default", "masters", "beginner") if count <= 12 else ("default", "default", "masters"))
    sessions = [dict(s) for s in data["sessions"]]
    for spec in sessions:
        if spec["kind"] != "mobility" and rng.random() < 0.4:
            spec["rpe"] = rng.randint(*RPE[spec.get("intensity", "moderate")])
    candidates = [s for s in sessions if s["name"] in KEY_CANDIDATES and s.get("intensity") != "easy"]
    for spec in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2)))):
        spec["key"] = True
    rules = dict(data["rules"])
    gap = rules.pop("separate_modalities_by", None)
    if rules.pop("same_visit", None) is not None or gap is not None:
        rules["modality_gap"] = gap or "10m"
    if rng.random() < 0.5:
        rules["stack_gap"] = rng.choice((False, "3h", "6h"))  # stacked days: two demanding sessions on one day
    if rng.random() < 0.3:
        rules["max_demanding_per_day"] = rng.choice((1, 2))
    if rng.random() < 0.3:
        rules["key_clearance"] = rng.choice(("24h", "36h"))
    out = {"version": 2}
    for name, value in data.items():
        if name == "version":
            continue
        out[name] = sessions if name == "sessions" else rules if name == "rules" else value
        if name == "athlete" and profile != "default":
            out["profile"] = profile
    return out


def dump(data: dict, flow: bool | None = None) -> str:
    yaml = YAML()
    yaml.default_flow_style = flow
    yaml.width = 120
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def feasible(plan: Plan, det_limit: float = FEASIBLE_DET_LIMIT) -> str | None:
    """How some week keeping every hard rule was found ("greedy", or "solver, D det s"), or None.

    The solver's limit is CP-SAT deterministic time with 1 worker and a fixed seed, so the
    answer does not depend on the machine or its load (a wall-clock limit did: on a busy
    machine a hard draw was thrown away and an easier one took its place).
    """
    plan, frame = frame_for(plan, SolveOptions())
    weights = plan.effective_weights()
    if greedy_week(plan, frame, weights) is not None:
        return "greedy"
    try:
        m = build(plan, frame, weights)
    except NoRoom:
        return None
    m.model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = det_limit
    solver.parameters.max_time_in_seconds = 3600.0  # only a guard; the deterministic limit decides
    if search(solver, m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return f"solver, {solver.deterministic_time:.3g} det s"
    return None


def generate(seed: int, group: Group, index: int, *, max_tries: int = 60, det_limit: float = FEASIBLE_DET_LIMIT) -> Instance:
    """The index-th instance of a group: same seed, same instance (feasibility by deterministic time)."""
    goal = GOALS[(index + GROUPS.index(group)) % len(GOALS)]  # each group starts at another goal
    for draw_number in range(max_tries):
        text, count = drawn(seed, group, index, draw_number)
        plan = parse_plan(text, "generated.yaml")
        how = feasible(plan, det_limit)
        if how:
            grid, style = _shape(group, index)
            name = f"{group.name}-{index + 1:02d}-{goal}-{len(plan.occurrences)}s-{grid}m-{style}"
            notes = {"seed": seed, "index": index, "rejected": draw_number, "goal": goal, "style": style, "feasible": how}
            return Instance(name, group.name, text, notes=notes)
    raise RuntimeError(f"no feasible {group.name} instance after {max_tries} draws (seed {seed}, index {index})")


def _shape(group: Group, index: int) -> tuple[int, str]:
    grid = group.grids[index % len(group.grids)]
    return grid, group.styles[(index // len(group.grids)) % len(group.styles)]


def drawn(seed: int, group: Group, index: int, draw_number: int) -> tuple[str, int]:
    """The file of one draw (before the feasibility check) and its session count.

    Draws follow each other on one random stream, so draw n is found by replaying draws
    0..n-1; no solver runs here.
    """
    rng = random.Random(f"{seed}/{group.name}/{index}")
    goal = GOALS[(index + GROUPS.index(group)) % len(GOALS)]
    grid, style = _shape(group, index)
    for _ in range(draw_number + 1):
        count = group.counts[index % len(group.counts)] if group.counts else rng.randint(*group.sessions)
        data = draw(rng, goal, count, grid, style, group.doubles)
    data = coach(random.Random(f"{seed}/{group.name}/{index}/{draw_number}/coach"), data)
    return dump(data), count


def examples() -> list[Instance]:
    """The bundled examples, solved on the 5-minute grid as the issue's target asks."""
    return [Instance(path.stem, "examples", path.read_text(encoding="utf-8"), grid=5) for path in EXAMPLES]


def regenerate(seed: int = 2026, per_group: int = 5, folder: Path = STORED, log=print) -> list[Instance]:
    """Draw the fixed instance set again and write it to `folder` (on purpose only).

    Each instance is a plan file `<group>/<name>.yaml` that `trainweek solve` reads as is;
    `index.yaml` lists them with how each was drawn and shown feasible.
    """
    made = []
    for group in GROUPS:
        for index in range(per_group):
            instance = generate(seed, group, index)
            log(f"  {instance.name}: {instance.notes['rejected']} draw(s) rejected, feasible by {instance.notes['feasible']}")
            made.append(instance)
    for old in folder.glob("*/*.yaml"):
        old.unlink()
    entries = []
    for instance in made:
        path = folder / instance.group / f"{instance.name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header(instance) + instance.text, encoding="utf-8")
        entries.append({"name": instance.name, "group": instance.group, "file": path.relative_to(folder).as_posix(), **instance.notes})
    index = {
        "about": "The fixed benchmark instances; written by `python -m benchmarks --regenerate`, do not edit by hand.",
        "seed": seed,
        "per_group": per_group,
        "feasible_det_limit": FEASIBLE_DET_LIMIT,
        "instances": entries,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.yaml").write_text(dump(index, flow=False), encoding="utf-8")
    return made


def header(instance: Instance) -> str:
    notes = instance.notes
    return (
        f"# Benchmark instance {instance.name} (group {instance.group}, seed {notes['seed']}, index {notes['index']}, "
        f"draw {notes['rejected']}; feasible by {notes['feasible']}).\n"
        "# Written by `python -m benchmarks --regenerate`; do not edit by hand.\n"
    )


def stored(folder: Path = STORED) -> list[Instance]:
    """The fixed instance set, in the order of its index."""
    index = folder / "index.yaml"
    if not index.exists():
        raise FileNotFoundError(f"{index} is missing; draw the set with `python -m benchmarks --regenerate`")
    found = []
    for entry in YAML(typ="safe").load(index.read_text(encoding="utf-8"))["instances"]:
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        notes = {k: v for k, v in entry.items() if k not in ("name", "group", "file")}
        found.append(Instance(entry["name"], entry["group"], text, notes=notes))
    return found
