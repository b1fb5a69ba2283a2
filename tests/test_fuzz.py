"""Fuzzing the whole YAML contract through the real command line.

Random and hostile plans (every key of the version 2 file with random values, wrong
types, huge and negative numbers, unicode, control characters, rich markup, long
strings, deep nesting, aliases, raw byte damage), weeks that hold a clock change in
several zones (repeated and skipped hours, a skipped day, a half-hour change) and
extreme grids and durations go through `trainweek solve -o` and `trainweek validate`.
Whatever the input:

- the exit status is 0, 2, 3 or 4, and no exception escapes (no traceback);
- a week that was solved passed every checker (the solve raises `RuleBroken`, exit 1,
  otherwise), and the .ics written parses, one event per session and week, at the very
  instants the solver chose;
- no output file is half-written, and none is overwritten without `--force`: a file
  that trainweek did not write keeps its bytes, and after a failure nothing new exists.

The example counts are small so the suite stays fast; `TRAINWEEK_FUZZ_EXAMPLES=20000`
runs a long fuzz (the count is per test). Every bug this found is pinned as a plain
regression test in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from trainweek.constraints import WEIGHT_NAMES
from trainweek.scheduler.cli import main
from trainweek.scheduler.ics import PRODID

EXAMPLES = int(os.environ.get("TRAINWEEK_FUZZ_EXAMPLES", "0") or 0)


def fuzz_settings(default: int):
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = ("strength", "run", "bike", "swim", "row", "mobility")

# (zone, Monday of a week that holds a clock change, the local night it happens)
DST_WEEKS = [
    ("America/New_York", "2027-11-01", "01:00-02:00"),  # back: 01:00-02:00 happens twice on Sunday
    ("America/New_York", "2027-03-08", "02:00-03:00"),  # forward: 02:00-03:00 never happens on Sunday
    ("Europe/Berlin", "2027-03-22", "02:00-03:00"),  # forward on Sunday 28 March
    ("Europe/Berlin", "2027-10-25", "02:00-03:00"),  # back on Sunday 31 October
    ("Australia/Lord_Howe", "2027-03-29", "01:30-02:00"),  # back by half an hour on Sunday 4 April
    ("Australia/Lord_Howe", "2027-09-27", "02:00-02:30"),  # forward by half an hour on Sunday 3 October
    ("Pacific/Apia", "2011-12-26", "00:00-23:59"),  # Friday 30 December 2011 did not exist
    ("Africa/Casablanca", "2027-02-01", "02:00-03:00"),  # Morocco leaves +01 for +00 on Sunday
    ("Asia/Kolkata", "2026-11-30", "06:00-08:00"),  # no change at all
    ("UTC", "2026-11-30", "00:00-23:59"),
]

# Hostile values, tried in place of any key's value.
HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "", " ", "[/]", "Run [/]", "[bold]x", "[zone 2]", "\x1b[31mred", "a\x00b", "\u202etxt", "\ud7ff",
            "null", "~", "yes", "no", "on", "NaN", ".nan", ".inf", "-.inf", "1e400", "-0", "0x1F", "0o17", "1_000",
            "24:00", "25:00-26:00", "23:00-01:00", "00:00-24:00", "06:00-06:00", "6-8", "mon", "sun 02:30-03:30",
            "2027-02-30 10:00-11:00", "9999-12-31 23:00-23:59", "0001-01-01 00:00-01:00", "Europe", "Etc/GMT+14",
            "America/New_York", "localtime", "right/UTC", "posix/Europe/Berlin", "posixrules", "Factory", "../../etc/passwd", "/dev/zero", "*", "&a", "!!python/object:os.system", "{{}}",
            "%", "0m", "1m", "12h", "12h1m", "13h", "720", "721", "99999999999999999999999999999999", "-5m", "5s",
            "1h60m", "1.5h", "7m", "60m", "61m", "1440m", "x" * 5000, "é" * 200, "👟" * 50,
        ]
    ),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
HOSTILE_SCALAR = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(-3, 30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, 1.001, 1e11, 1e308, -1.0]),
    st.booleans(),
    st.none(),
)
HOSTILE = st.recursive(HOSTILE_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=6)


def durations():
    return st.one_of(
        st.sampled_from(["1m", "5m", "20m", "40m", "45m", "1h", "75m", "90m", "2h", "1h15m", "3h", "5h", "12h"]),
        st.integers(1, 720),
    )


def gaps():
    return st.one_of(st.sampled_from(["0m", "10m", "1h", "4h", "6h", "24h", "36h", "48h", "72h"]), st.integers(0, 4000))


def clock(draw) -> str:
    return f"{draw(st.integers(0, 23)):02d}:{draw(st.sampled_from([0, 0, 15, 30, 45, 59, 1, 5])):02d}"


@st.composite
def windows(draw, night: str):
    """A day's windows: ordinary ones, the clock-change night, a whole day, or random clocks."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return [night]
    if choice == 1:
        return ["00:00-23:59"]
    if choice == 2:
        return draw(st.lists(st.sampled_from(["06:00-08:00", "17:30-21:00", "12:00-13:30", "05:00-06:00", "20:00-23:00"]), min_size=1, max_size=2, unique=True))
    start, end = clock(draw), clock(draw)
    return [f"{min(start, end)}-{max(start, end)}"]


@st.composite
def session(draw, n: int):
    kind = draw(st.sampled_from(KINDS))
    spec = {"name": draw(st.sampled_from([f"S{n}", f"Run [{n}]", f"Lift [/] {n}", f"é{n} 👟", f"s{n}\x1b[1m", f"<b>{n}</b> & \"q\""])), "kind": kind, "duration": draw(durations())}
    optional = {
        "intensity": st.sampled_from(["easy", "moderate", "hard"]),
        "times": st.integers(1, 4),
        "rpe": st.integers(1, 10),
        "key": st.booleans(),
        "focus": st.sampled_from(["lower", "upper", "full"]),
        "prefer": st.fixed_dictionaries({}, optional={"days": st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True), "time": st.sampled_from(["06:00-08:00", "01:00-02:00", "02:00-03:00", "07:00-11:00"])}),
        "only_on": st.lists(st.sampled_from(DAYS), min_size=1, max_size=4, unique=True),
    }
    for key, values in optional.items():
        if draw(st.integers(0, 2)) == 0:
            spec[key] = draw(values)
    if kind != "strength":
        spec.pop("focus", None)
    if kind == "mobility":
        spec.pop("key", None)
    return spec


@st.composite
def plans(draw):
    """A plan as the README describes it, with random values in every key."""
    zone, monday, night = draw(st.sampled_from(DST_WEEKS))
    plan: dict = {"version": 2, "athlete": draw(st.sampled_from(["Alex", "Zoë [/]", "A\x07b", "李"])), "timezone": zone, "week_start": monday}
    if draw(st.booleans()):
        plan["profile"] = draw(st.sampled_from(["default", "masters", "beginner"]))
    plan["grid"] = draw(st.sampled_from(["1m", "5m", "15m", "30m", "60m", "1h", 5, "20m", "12m"]))
    plan["goals"] = draw(st.lists(st.sampled_from(["strength", "hypertrophy", "power", "endurance", "fat_loss", "general"]), min_size=1, max_size=3, unique=True))
    open_days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    plan["availability"] = {day: draw(windows(night)) for day in open_days}
    if draw(st.booleans()):
        sunday = dt.date.fromisoformat(monday) + dt.timedelta(days=6)
        plan["busy"] = draw(
            st.lists(
                st.sampled_from([f"{sunday} 01:00-01:59", f"{sunday} 02:15-02:45", "sat 09:00-10:00", "mon 06:30-07:00", f"{monday} 00:00-23:59", "2020-01-01 10:00-11:00"]),
                max_size=3,
                unique=True,
            )
        )
    if draw(st.integers(0, 3)) == 0:
        plan.setdefault("busy", []).append("work.ics")
    plan["sessions"] = [draw(session(n)) for n in range(draw(st.integers(1, 6)))]
    rules = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "modality_gap": gaps(),
                "double_gap": gaps(),
                "rest_days": st.integers(0, 6),
                "max_sessions_per_day": st.integers(1, 10),
                "easy_days_between": st.integers(0, 3),
                "hard_recovery": st.one_of(st.none(), gaps()),
                "stack_gap": st.one_of(st.just(False), gaps()),
                "max_demanding_per_day": st.one_of(st.none(), st.integers(1, 10)),
                "key_clearance": gaps(),
                "demanding_load": st.integers(1, 10_000),
                "repeat_weekly": st.booleans(),
            },
        )
    )
    if draw(st.integers(0, 5)) == 0:
        # Version 1 still loads: its names for the gap between a lift and endurance work.
        plan["version"] = 1
        rules.pop("modality_gap", None)
        rules["separate_modalities_by"] = draw(gaps())
        rules["same_visit"] = draw(st.fixed_dictionaries({}, optional={"allowed": st.booleans(), "rest": st.one_of(st.sampled_from(["10m-20m", "0m-5m", "30m"]), st.lists(gaps(), max_size=2))}))
    if rules:
        plan["rules"] = rules
    if draw(st.booleans()):
        plan["weights"] = draw(st.dictionaries(st.sampled_from(WEIGHT_NAMES), st.sampled_from([0, 0.1, 0.5, 1, 8, 10, 100, 1000]), max_size=3))
    return plan


PATHS = [("version",), ("profile",), ("athlete",), ("timezone",), ("week_start",), ("grid",), ("goals",), ("availability",), ("availability", "mon"), ("busy",), ("sessions",), ("rules",), ("weights",)]
SESSION_KEYS = ("name", "kind", "duration", "intensity", "rpe", "key", "focus", "times", "prefer", "days", "time", "only_on", "extra")
RULE_KEYS = ("modality_gap", "double_gap", "rest_days", "max_sessions_per_day", "easy_days_between", "hard_recovery", "stack_gap", "max_demanding_per_day", "key_clearance", "demanding_load", "repeat_weekly", "separate_modalities_by", "same_visit", "typo")


@st.composite
def damaged(draw, plan: dict):
    """The plan with a few values replaced by hostile ones (or keys removed or added)."""
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, 3))
        value = draw(HOSTILE)
        if where == 0:
            path = draw(st.sampled_from(PATHS))
            target = plan
            for key in path[:-1]:
                target = target.setdefault(key, {}) if isinstance(target, dict) else {}
            if isinstance(target, dict):
                if draw(st.integers(0, 4)) == 0:
                    target.pop(path[-1], None)
                else:
                    target[path[-1]] = value
        elif where == 1 and isinstance(plan.get("sessions"), list) and plan["sessions"]:
            spec = plan["sessions"][draw(st.integers(0, len(plan["sessions"]) - 1))]
            if isinstance(spec, dict):
                key = draw(st.sampled_from(SESSION_KEYS))
                (spec.setdefault("prefer", {}) if key in ("days", "time") and isinstance(spec.get("prefer", {}), dict) else spec)[key] = value
        elif where == 2:
            rules = plan.setdefault("rules", {})
            if isinstance(rules, dict):
                rules[draw(st.sampled_from(RULE_KEYS))] = value
        else:
            weights = plan.setdefault("weights", {})
            if isinstance(weights, dict):
                weights[draw(st.sampled_from([*WEIGHT_NAMES, "fatigue_spread", "nope"]))] = value
    return plan


RAW_FILES = [
    # An alias bomb, nested lists, nested mappings, a huge integer, a tab, binary junk, a BOM.
    "version: 2\n" + "".join(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 9) if i else 'x, x, x, x, x, x, x, x, x'}]\n" for i in range(10)),
    "version: 2\nsessions: " + "[" * 5000 + "]" * 5000 + "\n",
    "version: 2\nrules: " + "{a: " * 200 + "1" + "}" * 200 + "\n",
    "version: 2\nrules: {rest_days: " + "9" * 4301 + "}\n",
    "version: 2\n\tathlete: x\n",
    "\x00\x01\x02\xff",
    "\ufeffversion: 2\n",
    "- just\n- a list\n",
    "just a string",
    "",
    "version: 2\n---\nversion: 2\n",
    "version: !!binary aGVsbG8=\n",
    "version: !!python/object/apply:os.system ['true']\n",
    "<<: *nowhere\n",
    "version: 2\nsessions: &s [{name: a, kind: run, duration: 30m}]\nbusy: *s\n",
    "version: 2\nathlete: 2027-01-01\ntimezone: 12\n",
]


@st.composite
def plan_texts(draw):
    """The text of a plan file: a random plan, a damaged one, raw damage, or a hostile file."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.sampled_from(RAW_FILES)).encode("utf-8", "surrogatepass")
    plan = draw(plans())
    if choice <= 4:
        plan = draw(damaged(plan))
    text = json.dumps(plan, ensure_ascii=draw(st.booleans()), default=str)
    data = text.encode("utf-8", "surrogatepass")
    if choice == 9:
        # Raw damage: a few bytes replaced or inserted anywhere.
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data)))
            junk = draw(st.binary(min_size=1, max_size=4))
            data = data[:at] + junk + data[at + draw(st.integers(0, 2)) :]
    return data


@st.composite
def options(draw):
    """Extra command-line options, usually none; sometimes extreme or wrong."""
    extra: list[str] = []
    if draw(st.integers(0, 3)) == 0:
        extra += ["--weeks", str(draw(st.sampled_from([1, 2, 3, 52, 0, 53])))]
    if draw(st.integers(0, 4)) == 0:
        extra += ["--remind", draw(st.sampled_from(["0m", "30m", "12h", "-5m", "x", "1e400"]))]
    if draw(st.integers(0, 4)) == 0:
        extra += ["--grid", draw(st.sampled_from(["1m", "15m", "60m", "7m", "0m", "x", "61m"]))]
    if draw(st.integers(0, 4)) == 0:
        name = draw(st.sampled_from([*WEIGHT_NAMES, "fatigue_spread", "nope"]))
        extra += ["--weight", f"{name}={draw(st.sampled_from(['0', '0.123', '1.001', '10', '1e11', '1e308', 'nan', 'inf', '-1', 'x', '1e400']))}"]
    if draw(st.integers(0, 5)) == 0:
        extra += ["--week-start", draw(st.sampled_from(["2027-11-01", "2027-03-09", "0001-01-01", "9999-12-27", "2026-02-30", "x"]))]
    if draw(st.integers(0, 6)) == 0:
        extra += ["--seed", draw(st.sampled_from(["1", "-1", "99999999999999999999", "x"]))]
    if draw(st.integers(0, 6)) == 0:
        extra += ["--time-limit", draw(st.sampled_from(["0", "0.01", "-1", "nan", "inf", "1e400", "x", "1"]))]
    if draw(st.integers(0, 6)) == 0:
        extra += ["--workers", draw(st.sampled_from(["0", "2", "65", "-1", "x"]))]
    return extra


ALLOWED = {0, 2, 3, 4}

# A busy calendar export with events at the clock changes: in UTC in New York's first
# 01:00 hour, floating in Berlin's skipped hour, all-day busy on Samoa's missing Friday, a
# weekly recurring one, and one without an end.
BUSY_ICS = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//someone//busy//EN
BEGIN:VEVENT
UID:a@x
DTSTART:20271107T053000Z
DTEND:20271107T063000Z
SUMMARY:first one
END:VEVENT
BEGIN:VEVENT
UID:b@x
DTSTART:20270328T020000
DTEND:20270328T030000
SUMMARY:floating in the gap
END:VEVENT
BEGIN:VEVENT
UID:c@x
DTSTART;VALUE=DATE:20111230
DTEND;VALUE=DATE:20111231
TRANSP:OPAQUE
SUMMARY:the missing day
END:VEVENT
BEGIN:VEVENT
UID:d@x
DTSTART;TZID=Europe/Berlin:20200106T063000
DTEND;TZID=Europe/Berlin:20200106T073000
RRULE:FREQ=WEEKLY;BYDAY=MO,SU
SUMMARY:weekly
END:VEVENT
BEGIN:VEVENT
UID:e@x
DTSTART:20270207T020000Z
SUMMARY:no end
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


def run(arguments: list[str], folder: Path):
    """The command as a person types it, from the plan's folder."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(main, arguments, catch_exceptions=True)
    finally:
        os.chdir(cwd)


def assert_no_traceback(result, arguments) -> None:
    escaped = result.exception if result.exception is not None and not isinstance(result.exception, SystemExit) else None
    if escaped is not None:
        import traceback

        trace = "".join(traceback.format_exception(type(escaped), escaped, escaped.__traceback__))
        raise AssertionError(f"trainweek {' '.join(arguments)} raised (exit {result.exit_code}):\n{trace}")
    assert result.exit_code in ALLOWED, f"trainweek {' '.join(arguments)}: exit {result.exit_code}\n{result.output}"


def check_calendar(path: Path, stdout: str, weeks: int) -> None:
    """The .ics parses; one event per session and week; the first week's events at the JSON's instants."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    week = json.loads(stdout)
    assert len(events) == len(week["sessions"]) * weeks
    for event in events.values():
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    for placed in week["sessions"]:
        event = events[placed["uid"]]
        assert event.decoded("DTSTART").timestamp() == dt.datetime.fromisoformat(placed["start_iso"]).timestamp(), placed
        assert event.decoded("DTEND").timestamp() == dt.datetime.fromisoformat(placed["end_iso"]).timestamp(), placed


FOREIGN = b"BEGIN:VCALENDAR\r\nPRODID:-//someone else//EN\r\nEND:VCALENDAR\r\n"
OLD_TRAINWEEK = f"BEGIN:VCALENDAR\r\nPRODID:{PRODID}\r\nBEGIN:VEVENT\r\nSUMMARY:no start\r\nSEQUENCE:abc\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".encode()


@fuzz_settings(60)
@given(text=plan_texts(), extra=options(), before=st.sampled_from([None, None, FOREIGN, b"my notes\n", OLD_TRAINWEEK]), force=st.booleans(), as_json=st.booleans())
def test_any_plan_file_gives_an_answer_and_keeps_files_safe(text, extra, before, force, as_json):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "plan.yaml").write_bytes(text)
        (folder / "work.ics").write_text(BUSY_ICS)
        validate = ["validate", "plan.yaml"]
        assert_no_traceback(run(validate, folder), validate)

        out = folder / "out.ics"
        if before is not None:
            out.write_bytes(before)
        arguments = ["solve", "plan.yaml", "-o", "out.ics", "--time-limit", "5", "--workers", "1", *extra]
        arguments += ["--force"] * force + ["--json"] * as_json
        result = run(arguments, folder)
        assert_no_traceback(result, arguments)
        event(f"solve exit {result.exit_code}")

        # Nothing half-written beside the output, nothing but what was there and the calendar.
        assert sorted(p.name for p in folder.iterdir()) == sorted({"plan.yaml", "work.ics", "out.ics"} if (result.exit_code == 0 or before is not None) else {"plan.yaml", "work.ics"}), result.output
        if result.exit_code != 0:
            if before is not None:
                assert out.read_bytes() == before
            return
        ours = before is None or before == OLD_TRAINWEEK
        assert ours or force, "a file trainweek did not write was replaced without --force"
        assert PRODID.encode() in out.read_bytes()
        weeks = int(extra[extra.index("--weeks") + 1]) if "--weeks" in extra else 1
        if as_json:
            check_calendar(out, result.stdout, weeks)
        else:
            from icalendar import Calendar

            assert Calendar.from_ical(out.read_bytes()).walk("VEVENT")


@fuzz_settings(12)
@given(plan=plans(), extra=options(), pictures=st.booleans(), again=st.sampled_from([None, [], ["--weight", "goal_order=0"], ["--weight", "preferred_times=100"]]), ascii_only=st.booleans())
def test_random_plans_in_clock_change_weeks_solve_to_checked_calendars(plan, extra, pictures, again, ascii_only):
    """The plan without damage: most of these solve, so the calendar checks run often;
    sometimes with the page and the picture, and solved again from the calendar written."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "plan.yaml").write_text(json.dumps(plan, ensure_ascii=ascii_only), encoding="utf-8")  # 👟 as "\ud83d\udc5f" too
        (folder / "work.ics").write_text(BUSY_ICS)
        arguments = ["solve", "plan.yaml", "-o", "out.ics", "--json", "--time-limit", "5", "--workers", "1", *extra]
        arguments += ["--html", "week.html", "--svg", "week.svg"] * pictures
        result = run(arguments, folder)
        assert_no_traceback(result, arguments)
        event(f"solve exit {result.exit_code}")
        if result.exit_code != 0:
            assert sorted(p.name for p in folder.iterdir()) == ["plan.yaml", "work.ics"]
            return
        weeks = int(extra[extra.index("--weeks") + 1]) if "--weeks" in extra else 1
        check_calendar(folder / "out.ics", result.stdout, weeks)
        if pictures:
            from xml.etree import ElementTree

            ElementTree.fromstring((folder / "week.svg").read_bytes())  # well-formed XML, whatever the names
        if again is not None:
            # Solving again starts from the calendar written: it is read back, never refused.
            arguments = [*arguments, *again]
            result = run(arguments, folder)
            assert_no_traceback(result, arguments)
            assert result.exit_code in (0, 4), result.output
            if result.exit_code == 0:
                check_calendar(folder / "out.ics", result.stdout, weeks)
