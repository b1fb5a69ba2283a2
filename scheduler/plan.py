"""The availability file as typed, validated data (pydantic), and what follows from it.

Every key of the file is a field here; ``extra="forbid"`` catches typos. Values people
write as text (``75m``, ``17:30-21:00``) are parsed by validators so that a mistake is
reported at the key where it was made.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from typing import Annotated, Literal, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator, model_validator

from trainweek.constraints import WEIGHT_NAMES, default_weights
from trainweek.scheduler.timetext import (
    WEEKDAYS,
    format_clock,
    parse_clock_range,
    parse_minutes,
    parse_minutes_range,
)
from trainweek.scheduler.training import (
    ENDURANCE_REGIONS,
    FOCUS_REGIONS,
    MODALITY,
    RPE,
    Focus,
    Goal,
    Intensity,
    ONE_VISIT_REST,
    Profile,
    PROFILE_RULES,
    Kind,
    Modality,
)

def visible(text: str) -> str:
    """Text with its control characters (ESC, newline, ...) written as escapes, so a name
    or path printed to a terminal shows what it holds instead of acting on the terminal."""
    if all(unicodedata.category(ch) != "Cc" for ch in text):
        return text
    return "".join(ch.encode("unicode_escape").decode() if unicodedata.category(ch) == "Cc" else ch for ch in text)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Minutes = Annotated[int, BeforeValidator(parse_minutes)]
MinutesOrZero = Annotated[int, BeforeValidator(lambda v: parse_minutes(v, allow_zero=True))]
ClockRange = Annotated[tuple[int, int], BeforeValidator(parse_clock_range)]
MINUTES_PER_DAY = 24 * 60


def _apart(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    ordered = sorted(windows)
    for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
        if s2 < e1:
            raise ValueError(
                f"windows overlap ({format_clock(s1)}-{format_clock(e1)} and "
                f"{format_clock(s2)}-{format_clock(e2)}); merge them into one"
            )
    return windows


DayWindows = Annotated[list[ClockRange], AfterValidator(_apart)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prefer(Strict):
    days: Optional[list[Weekday]] = None
    time: Optional[ClockRange] = None


def _grow(value: object) -> object:
    """`grow: duration` (up to 1.5 times as long) or `grow: {duration: 2h30m}` (up to that)."""
    if value == "duration":
        return {"duration": None}
    if isinstance(value, str):
        raise ValueError(f"'{value}' is not a way to grow; write 'grow: duration' or 'grow: {{duration: 2h30m}}' (the longest it may get)")
    return value


class Grow(Strict):
    """How a session may grow over a block: longer, up to `duration` (None: 1.5 times as long)."""

    duration: Optional[Minutes] = None


class SessionSpec(Strict):
    name: str = Field(min_length=1, max_length=120)
    kind: Kind
    duration: Minutes
    intensity: Intensity = Intensity.moderate
    focus: Optional[Focus] = None
    times: int = Field(default=1, ge=1, le=14)
    prefer: Optional[Prefer] = None
    # Days it may go on, and no others (a hard rule, `only_on`); `prefer: days` only asks.
    only_on: Optional[Annotated[list[Weekday], Field(min_length=1)]] = None
    rpe: Optional[int] = Field(default=None, ge=1, le=10)
    key: bool = False
    priority: int = Field(default=0, ge=0, le=9)  # when a re-plan must leave sessions out: lowest first
    # In a block: left out at first, added when the load may rise; the first left out in a deload.
    optional: bool = False
    grow: Annotated[Optional[Grow], BeforeValidator(_grow)] = None

    @field_validator("duration")
    @classmethod
    def _fits_a_day(cls, minutes: int) -> int:
        if minutes > 12 * 60:
            raise ValueError(f"{minutes} minutes is longer than any training session; the limit is 12h")
        return minutes

    @field_validator("only_on")
    @classmethod
    def _each_day_once(cls, days: Optional[list[str]]) -> Optional[list[str]]:
        if days is not None and len(set(days)) < len(days):
            raise ValueError(f"{', '.join(days)} names a day twice; list each day once")
        return days

    def allows_day(self, day: int) -> bool:
        """Whether the session may go on `day` (0 = Monday): any day, unless `only_on` says otherwise."""
        return self.only_on is None or WEEKDAYS[day] in self.only_on

    @model_validator(mode="after")
    def _grows_longer(self) -> "SessionSpec":
        if self.grow is not None and self.grow.duration is not None and self.grow.duration < self.duration:
            raise ValueError(
                f"grow: duration {self.grow.duration} min is shorter than the session's {self.duration} min; "
                "give the longest it may grow to"
            )
        return self

    @property
    def longest(self) -> int:
        """The longest this session may grow to in a block (its own duration when it does not grow)."""
        if self.grow is None:
            return self.duration
        if self.grow.duration is not None:
            return self.grow.duration
        return min(12 * 60, self.duration * 3 // 2 // 5 * 5)

    @model_validator(mode="after")
    def _focus_only_for_strength(self) -> "SessionSpec":
        if self.focus is not None and self.kind is not Kind.strength:
            raise ValueError(
                f"focus applies to strength sessions only; a {self.kind.value} session loads "
                "its own regions (run and bike: lower body, swim: upper, row: full)"
            )
        return self

    @property
    def modality(self) -> Modality:
        return MODALITY[self.kind]

    @property
    def regions(self) -> frozenset[str]:
        if self.kind is Kind.strength:
            return FOCUS_REGIONS[self.focus or Focus.full]
        return ENDURANCE_REGIONS[self.kind]

    @property
    def effort(self) -> int:
        """RPE on the 0-10 scale: the session's own, else its intensity's (easy 3, moderate 5, hard 8)."""
        return self.rpe if self.rpe is not None else RPE[self.intensity]

    @property
    def load(self) -> int:
        """Session-RPE load in AU (minutes x RPE); mobility carries none."""
        if self.kind is Kind.mobility:
            return 0
        return self.duration * self.effort

    def is_demanding(self, threshold: int) -> bool:
        """Hard, or key, or a load of `threshold` AU or more: what the recovery rules protect.

        A 2 h long run at RPE 4 (480 AU) is demanding whatever its label; mobility never is.
        """
        if self.kind is Kind.mobility:
            return False
        return self.intensity is Intensity.hard or self.key or self.load >= threshold


def _stack_gap(value: object) -> object:
    """`stack_gap: false` (or null) forbids two demanding same-region sessions on one day."""
    return None if value is False or value is None else parse_minutes(value, allow_zero=True)


class Rules(Strict):
    """The hard rules' settings (RULES.md version 2). Defaults are the `default` profile's;
    a profile's own defaults are filled in by `Plan` before these are checked."""

    modality_gap: MinutesOrZero = 10
    double_gap: MinutesOrZero = 4 * 60
    rest_days: int = Field(default=1, ge=0, le=6)
    max_sessions_per_day: int = Field(default=2, ge=1, le=10)
    easy_days_between: int = Field(default=1, ge=0, le=3)
    hard_recovery: Optional[MinutesOrZero] = None
    stack_gap: Annotated[Optional[int], BeforeValidator(_stack_gap)] = 6 * 60
    max_demanding_per_day: Optional[int] = Field(default=None, ge=1, le=10)
    key_clearance: MinutesOrZero = 24 * 60
    demanding_load: int = Field(default=400, ge=1, le=10_000)
    repeat_weekly: bool = True

    @property
    def visit_rest(self) -> tuple[int, int] | None:
        """The rest range in which a lift and endurance work make one visit; None when the gap forbids it."""
        return (self.modality_gap, ONE_VISIT_REST) if self.modality_gap <= ONE_VISIT_REST else None

    @field_validator("modality_gap", "double_gap", "hard_recovery", "stack_gap", "key_clearance")
    @classmethod
    def _under_a_week(cls, minutes: Optional[int]) -> Optional[int]:
        if minutes is not None and minutes >= 7 * MINUTES_PER_DAY:
            raise ValueError("must be shorter than a week")
        return minutes


def _version_one_rules(rules: dict) -> dict:
    """Version 1's `separate_modalities_by` and `same_visit` as version 2's `modality_gap`.

    Version 1 allowed a lift and a run closer than `separate_modalities_by` only as one
    visit with `same_visit.rest` between; version 2 keeps the shortest of those as the
    hard minimum, and closeness up to 6 h costs `interference` instead.
    """
    rules = dict(rules)
    gap = rules.pop("separate_modalities_by", None)
    visit = rules.pop("same_visit", None)
    if "modality_gap" in rules or (gap is None and visit is None):
        return rules
    visit = visit if isinstance(visit, dict) else {}
    try:
        apart = parse_minutes(gap, allow_zero=True) if gap is not None else 6 * 60
    except ValueError as error:
        raise ValueError(f"rules.separate_modalities_by: {error}") from None
    if visit.get("allowed", True) is False:
        rules["modality_gap"] = apart
    else:
        rest = visit.get("rest", "10m-20m")
        try:
            shortest = parse_minutes(rest[0], allow_zero=True) if isinstance(rest, (list, tuple)) and rest else parse_minutes_range(rest)[0]
        except ValueError as error:
            raise ValueError(f"rules.same_visit.rest: {error}") from None
        rules["modality_gap"] = min(apart, shortest)
    return rules


# Weights take two decimals: the solver counts them in hundredths (WEIGHT_SCALE in solve).
MAX_WEIGHT = 10_000
_WEIGHT_EXAMPLE = "write a weight such as 5 or 2.5"


def _shown(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "..."


def _checked_weight(value: Decimal, shown: str) -> float:
    """The one rule for a weight, wherever it comes from: a finite number from 0 to
    MAX_WEIGHT with at most two decimals. `shown` is the value as the person wrote it."""
    shown = _shown(shown)
    if value.is_nan():
        raise ValueError(f"{shown} is not a number; {_WEIGHT_EXAMPLE}")
    if value < 0:
        raise ValueError(f"{shown}: a weight cannot be negative; use 0 to switch an objective off")
    if value > MAX_WEIGHT:
        raise ValueError(f"{shown} is more than a weight needs (at most {MAX_WEIGHT}); scale all weights down instead")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{shown} has more than two decimals; weights take at most two, e.g. 2.5 or 0.25")
    return float(value)


def weight_value(value: object) -> float:
    """A weight given as a number (the file's `weights:`, or `SolveOptions.weights`), checked."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError("a weight is a number, e.g. 5 or 2.5")
    # repr is the shortest text that reads back as the same float: 1.1, not 1.100000000000000088...
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return _checked_weight(number, repr(value) if isinstance(value, float) else f"{number:.6g}")


def parse_weight(text: str, form: str = _WEIGHT_EXAMPLE) -> float:
    """A weight written as text (``2.5``), checked by the same rule as the file's; `form`
    says how to write it where the text is not a number."""
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        shown = f"'{_shown(text.strip())}' is not a number" if text.strip() else "no weight given"
        raise ValueError(f"{shown}; {form}") from None
    return _checked_weight(number, text.strip())


def weight_name(name: str) -> str:
    """A weight's name, checked against the objectives that have one."""
    if name == "fatigue_spread" and "hard_easy" in WEIGHT_NAMES:
        raise ValueError("the weight 'fatigue_spread' is now 'hard_easy' (hard days and easy days instead of even load); rename it")
    if name not in WEIGHT_NAMES:
        raise ValueError(f"unknown weight '{name}'; valid names: {', '.join(WEIGHT_NAMES)}")
    return name


def parse_weight_setting(text: str) -> tuple[str, float]:
    """``hard_easy=2.5`` (what ``--weight`` takes) as a checked name and weight."""
    name, equals, number = text.partition("=")
    weight_name(name.strip())
    form = "write NAME=NUMBER, e.g. hard_easy=5"
    if not equals:
        raise ValueError(form)
    return name.strip(), parse_weight(number, form)


def parse_weight_values(text: str) -> list[float]:
    """``0,2,5`` (the values a sweep tries) as checked weights."""
    return [parse_weight(part, "write the values to try as V1,V2,..., e.g. 0,2,5,20") for part in text.split(",")]


WeightValue = Annotated[float, BeforeValidator(weight_value)]


# One optional key per soft objective, named by the rules' registry.
Weights = create_model(  # type: ignore[call-overload]
    "Weights", __base__=Strict, **{name: (Optional[WeightValue], None) for name in WEIGHT_NAMES}
)


_DATED_BUSY = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<range>\S+)$")
_WEEKLY_BUSY = re.compile(r"^(?P<day>[a-z]{3})\s+(?P<range>\S+)$")


def _busy_entry(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a busy block is text like '2026-12-02 18:00-19:30' or 'wed 18:00-19:30'")
    if value.strip().lower().endswith(".ics"):
        return value.strip()  # a calendar file; scheduler.busy reads it
    text = " ".join(value.split())
    if match := _DATED_BUSY.match(text):
        try:
            dt.date.fromisoformat(match["date"])
        except ValueError:
            raise ValueError(f"'{match['date']}' is not a calendar date (YYYY-MM-DD)") from None
        parse_clock_range(match["range"])
    elif match := _WEEKLY_BUSY.match(text.lower()):
        if match["day"] not in WEEKDAYS:
            raise ValueError(f"'{match['day']}' is not a weekday; use one of {', '.join(WEEKDAYS)}")
        parse_clock_range(match["range"])
    else:
        raise ValueError(
            f"'{value}' is not a busy block; write '2026-12-02 18:00-19:30' (one date), "
            "'wed 18:00-19:30' (every week) or the path of an .ics file"
        )
    return text


# The weeks a plan may be for: zone rules are reliable and every written date fits a year.
FIRST_WEEK = dt.date(1970, 1, 5)
LAST_WEEK = dt.date(2100, 12, 27)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATE_EXAMPLE = "write it as YYYY-MM-DD, e.g. 2026-11-30"


def parse_date(value: object) -> dt.date:
    """A calendar date written YYYY-MM-DD (text or a date), with a sentence when it is not one."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time() or value.tzinfo is not None:
            raise ValueError(f"{value} has a time of day; give the date only ({_DATE_EXAMPLE})")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        shown = f"'{value}'" if isinstance(value, str) else _shown(str(value)) if isinstance(value, (int, float)) else "this"
        raise ValueError(f"{shown} is not a date; {_DATE_EXAMPLE}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'{value.strip()}' is not a calendar date (no such day); {_DATE_EXAMPLE}") from None


def week_monday(day: dt.date) -> dt.date:
    """The first day of a planned week: a Monday in the years trainweek plans for."""
    if not FIRST_WEEK <= day <= LAST_WEEK:
        raise ValueError(f"{day} is outside the weeks trainweek plans: {FIRST_WEEK.year} to {LAST_WEEK.year}")
    if day.weekday() != 0:
        monday = day - dt.timedelta(days=day.weekday())
        raise ValueError(
            f"{day} is a {day.strftime('%A')}; week_start must be a Monday (that week's Monday is {monday})"
        )
    return day


WeekStart = Annotated[dt.date, BeforeValidator(parse_date), AfterValidator(week_monday)]


# Names in the time zone database that are no place: `Factory` is its placeholder for a
# machine whose zone was never set (abbreviation "-00", "Local time zone must be set").
# Legacy names that are real places or rules (US/Eastern, EST, CET, GB) stay accepted.
_PLACEHOLDERS = frozenset({"Factory"})


@cache
def _zone_names() -> frozenset[str]:
    """The names of the time zone database. Not every file zoneinfo opens is one: `localtime`
    is this machine's setting, `posix/...` and `right/...` are copies (the latter counting
    leap seconds, which calendar apps do not) and calendar apps know none of them as a TZID;
    `Factory` is a placeholder, not a place."""
    return frozenset(available_timezones() - {"localtime"} - _PLACEHOLDERS)


@cache
def _listed_zones() -> frozenset[str]:
    """The zones the tzdata package lists, one file read: `available_timezones` starts from
    this very list, so a name in it is known without opening every file of the system's
    zone folder (a few milliseconds at each start); any other name is looked up in full."""
    try:
        from importlib.resources import files

        text = files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip()) - _PLACEHOLDERS


def zone_name(name: str) -> str:
    """An IANA time zone name, with a suggestion when it is not one."""
    if not name.strip():
        raise ValueError("is empty; write an IANA time zone name such as Europe/Berlin or America/New_York")
    if name.strip().lower() in {p.lower() for p in _PLACEHOLDERS}:
        raise ValueError(
            f"'{_shown(name)}' is the time zone database's placeholder for a machine whose zone is not set, "
            "not a place; write the Area/City where you train, such as Europe/Berlin or America/New_York"
        )
    try:
        ZoneInfo(name)
        if name not in _listed_zones() and name not in _zone_names():
            raise ZoneInfoNotFoundError(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        zones = _zone_names()
        shown = _shown(name if name.isprintable() else name.encode("unicode_escape").decode())
        region = sorted(z for z in zones if z.lower().startswith(name.strip().lower() + "/"))
        if region:
            raise ValueError(
                f"'{shown}' is a region, not a time zone; name a place in it, e.g. {region[0]}"
            ) from None
        last = name.strip().lower().split("/")[-1]
        close = sorted(z for z in zones if last and z.lower().endswith(last))
        hint = f" (did you mean {close[0]}?)" if close else " such as Europe/Berlin or America/New_York"
        raise ValueError(f"'{shown}' is not an IANA time zone name{hint}") from None
    return name


# Names in the time zone database for a fixed offset, with no summer time, that people
# write meaning a place whose clocks do change (EST meaning New York). They are real zones
# and stay accepted; loading a plan names the place to write instead (`fixed_offset_note`).
# UTC and the explicit offsets (Etc/GMT+5) are deliberate and get no note.
FIXED_OFFSET_ADVICE = {
    "EST": "if you mean the time in New York or elsewhere in the eastern US and Canada, write America/New_York "
    "(or the Area/City where you train), or times are an hour off all summer",
    "MST": "if you mean Denver or elsewhere in the Rockies, write America/Denver, or times are an hour off all summer; "
    "for Arizona, which keeps this clock all year, write America/Phoenix",
    "HST": "if you mean Hawaii, which keeps this clock all year, write Pacific/Honolulu; "
    "for the Aleutian Islands, which change to summer time, write America/Adak",
}


def fixed_offset_note(name: str) -> str | None:
    """What a legacy fixed-offset zone name (EST, MST, HST) means, and the Area/City to write
    for the place it usually stands for; None for any other name."""
    advice = FIXED_OFFSET_ADVICE.get(name)
    if advice is None:
        return None
    minutes = int(ZoneInfo(name).utcoffset(dt.datetime(2027, 1, 1)).total_seconds() // 60)
    offset = f"UTC{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"
    return f"'{name}' is a fixed offset, {offset} all year, with no summer time; {advice}"


def parse_grid(value: object) -> int:
    """The start-time grid in minutes: a step that divides an hour."""
    try:
        minutes = parse_minutes(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a grid; use 5m, 10m, 15m, 30m or 60m") from None
    if 60 % minutes:
        raise ValueError(f"a grid of {minutes} minutes does not divide an hour; use 5m, 10m, 15m, 30m or 60m")
    return minutes


def _log_entry(value: str) -> str:
    from trainweek.scheduler.happened import parse_entry

    parse_entry(value)
    return value


# A race's usual length by the words that name it, for its calendar event (else RACE_MINUTES).
RACE_LENGTHS = {"5k": 45, "10k": 75, "half": 150, "half marathon": 150, "half-marathon": 150, "marathon": 300}
RACE_MINUTES = 120
_RACE_TEXT = re.compile(r"^(?P<date>\S+)(?:\s+(?P<time>\d{1,2}:\d{2}))?(?:\s+(?P<name>.+))?$")
_RACE_EXAMPLE = "write it as 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD HH:MM marathon'"


def _race(value: object) -> object:
    """`race: 2027-04-18`, `race: 2027-04-18 09:00 marathon`, or the mapping {date, time, name, duration}."""
    if isinstance(value, dt.datetime):
        return {"date": value.date(), "time": value.hour * 60 + value.minute}
    if isinstance(value, dt.date):
        return {"date": value}
    if not isinstance(value, str):
        return value
    match = _RACE_TEXT.match(" ".join(value.split()))
    if not match:
        raise ValueError(f"'{value}' is not a race; {_RACE_EXAMPLE}")
    race: dict[str, object] = {"date": match["date"]}
    if match["time"]:
        race["time"] = match["time"]
    if match["name"]:
        race["name"] = match["name"]
    return race


def _clock(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        raise ValueError(f"'{value}' is not a time of day; write it as HH:MM, e.g. 09:00")
    hours, minutes = map(int, value.strip().split(":"))
    if hours > 23 or minutes > 59:
        raise ValueError(f"'{value}' is not a time of day; write it as HH:MM, e.g. 09:00")
    return hours * 60 + minutes


class Race(Strict):
    """The race a block tapers to: its date, start time (None: the whole day), name and length."""

    date: Annotated[dt.date, BeforeValidator(parse_date)]
    time: Optional[Annotated[int, BeforeValidator(_clock)]] = None
    name: str = Field(default="race", min_length=1, max_length=80)
    duration: Optional[Minutes] = None

    @property
    def minutes(self) -> int:
        """How long the race lasts in the calendar: as given, else by its name."""
        if self.duration is not None:
            return self.duration
        return RACE_LENGTHS.get(self.name.strip().lower(), RACE_MINUTES)


def parse_race(text: str) -> Race:
    """A race written as `--race` takes it ('2027-04-18 09:00 marathon'), checked like the file's."""
    from pydantic import ValidationError

    try:
        return Race.model_validate(_race(text))
    except ValidationError as error:
        raise ValueError(error.errors()[0]["msg"].removeprefix("Value error, ")) from None


class BlockSettings(Strict):
    """`block:` settings (RULES.md "Blocks of weeks"); volumes are the share of the load kept."""

    weeks: Optional[int] = Field(default=None, ge=1, le=26)
    progression: float = Field(default=0.10, ge=0, le=0.10)
    deload_every: int = Field(default=4, ge=3, le=6)
    deload_volume: float = Field(default=0.6, ge=0.5, le=0.7)
    taper_weeks: int = Field(default=2, ge=1, le=2)
    taper_volume: float = Field(default=0.5, ge=0.4, le=0.6)
    race: Annotated[Optional[Race], BeforeValidator(_race)] = None
    history: list[Annotated[int, Field(ge=0, le=100_000)]] = Field(default=[], max_length=52)


class WeekOverride(Strict):
    """One week of a block that differs: its own windows (replacing the file's), more busy time."""

    availability: Optional[dict[Weekday, DayWindows]] = None
    busy: list[Annotated[str, BeforeValidator(_busy_entry)]] = []


def _week_numbers(weeks: dict[int, WeekOverride]) -> dict[int, WeekOverride]:
    for number in weeks:
        if not 1 <= number <= 26:
            raise ValueError(f"week {number} is not a week of a block; number the weeks 1 to 26")
    return weeks


class Plan(Strict):
    version: Literal[1, 2]
    profile: Profile = Profile.default
    athlete: str = Field(min_length=1, max_length=80)
    timezone: Annotated[str, AfterValidator(zone_name)]
    week_start: Optional[WeekStart] = None
    grid: Annotated[int, BeforeValidator(parse_grid)] = 5
    goals: list[Goal] = Field(min_length=1)
    availability: dict[Weekday, DayWindows]
    busy: list[Annotated[str, BeforeValidator(_busy_entry)]] = []
    sessions: list[SessionSpec] = Field(min_length=1)
    rules: Rules = Rules()
    weights: Weights = Weights()
    log: list[Annotated[str, AfterValidator(_log_entry)]] = []  # what happened this week, for `replan`
    block: Optional[BlockSettings] = None
    weeks: Annotated[dict[int, WeekOverride], AfterValidator(_week_numbers)] = {}

    @model_validator(mode="before")
    @classmethod
    def _profile_and_version_one(cls, data: object) -> object:
        """Fill `rules:` from the profile where the file is silent, and read version 1's names.

        Version 1 names are still accepted (RULES.md "What changed"): `separate_modalities_by`
        and `same_visit` become `modality_gap`, the `fatigue_spread` weight becomes `hard_easy`.
        A minimum in hours (`hard_recovery`) replaces the easier-days rule unless both are set.
        """
        if not isinstance(data, dict):
            return data
        data = dict(data)
        rules = data.get("rules")
        rules = dict(rules) if isinstance(rules, dict) else ({} if rules is None else rules)
        if isinstance(rules, dict):
            rules = _version_one_rules(rules)
            profile = data.get("profile", Profile.default.value)
            defaults = dict(PROFILE_RULES.get(Profile(profile), {})) if isinstance(profile, str) and profile in Profile._value2member_map_ else {}
            if rules.get("hard_recovery") is not None and "easy_days_between" not in rules:
                defaults["easy_days_between"] = 0
            rules = {**defaults, **rules}
        data["rules"] = rules
        weights = data.get("weights")
        if isinstance(weights, dict) and "fatigue_spread" in weights and "hard_easy" not in weights:
            weights = dict(weights)
            weights["hard_easy"] = weights.pop("fatigue_spread")
            data["weights"] = weights
        return data

    @field_validator("goals")
    @classmethod
    def _distinct_goals(cls, goals: list[Goal]) -> list[Goal]:
        if len(set(goals)) != len(goals):
            raise ValueError("each goal may appear once; list them in priority order")
        return goals

    @field_validator("sessions")
    @classmethod
    def _distinct_names(cls, sessions: list[SessionSpec]) -> list[SessionSpec]:
        seen: set[str] = set()
        for spec in sessions:
            if spec.name.casefold() in seen:
                raise ValueError(f"two sessions are named '{spec.name}'; use 'times' for a repeated session")
            seen.add(spec.name.casefold())
        return sessions

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def effective_weights(self, overrides: Optional[dict[str, float]] = None) -> dict[str, float]:
        """Weights from the goal defaults, then the file, then the command line."""
        weights = default_weights(self.goals)
        weights.update({k: v for k, v in self.weights.model_dump().items() if v is not None})
        weights.update(overrides or {})
        return {name: weights[name] for name in WEIGHT_NAMES}

    def model_copy(self, *, update=None, deep=False) -> "Plan":
        """A changed copy; the cached occurrences are dropped so they follow the change."""
        copy = super().model_copy(update=update, deep=deep)
        copy.__dict__.pop("occurrences", None)
        return copy

    @cached_property
    def occurrences(self) -> tuple["Occurrence", ...]:
        """Each session as many times as it is wanted, numbered in file order."""
        items = []
        for spec_index, spec in enumerate(self.sessions):
            demanding = spec.is_demanding(self.rules.demanding_load)
            for repeat in range(spec.times):
                items.append(Occurrence(len(items), spec_index, repeat, spec, demanding))
        return tuple(items)


@dataclass(frozen=True)
class Occurrence:
    """One session to place: the n-th time a session of the file happens this week."""

    index: int
    spec_index: int
    repeat: int
    spec: SessionSpec
    demanding: bool = False
    # Set only in a re-plan (scheduler.replan): the real minute of the week a done session
    # started (fixed there), and the one an upcoming session was planned at (moving costs).
    fixed_at: int | None = None
    planned_at: int | None = None

    @property
    def label(self) -> str:
        return self.spec.name if self.spec.times == 1 else f"{self.spec.name} ({self.repeat + 1}/{self.spec.times})"

    @property
    def load(self) -> int:
        return self.spec.load

    @property
    def is_key(self) -> bool:
        return self.spec.key

    @property
    def trains(self) -> bool:
        """Whether the session rules a day out as a rest day (mobility does not)."""
        return self.spec.kind is not Kind.mobility
