"""What happened this week: a typed log of done and missed sessions.

One entry is written the same way everywhere, on the command line (`--done`, `--missed`),
in a plan's `log:` section and in a log file (one entry a line, `#` starts a comment):

    done Intervals                         as planned
    done Intervals@Tue 07:00,45m,rpe 7     when it happened, how long, how hard
    missed Long run

Only `@DAY HH:MM`, a duration and `rpe N` may follow the name, each at most once, in any
order after the time. Each parser raises ``ValueError`` with a sentence saying what would
be valid; the loader and the CLI add where it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from trainweek.scheduler.timetext import WEEKDAY_NAMES, WEEKDAYS, format_clock, format_minutes, parse_clock, parse_minutes

_EXAMPLE = "write e.g. 'done Intervals', 'missed Long run' or 'done Intervals@Tue 07:00,45m,rpe 7'"
_RPE = re.compile(r"^rpe\s*(?P<value>\d{1,2})$", re.IGNORECASE | re.ASCII)


class Status(str, Enum):
    done = "done"
    missed = "missed"


@dataclass(frozen=True)
class LogEntry:
    """One session of the week and what became of it.

    `name` is a session's name, or the label of one repeat ("Easy run (2/3)"); `day` (0 is
    Monday) and `clock` (minutes after midnight) say when a done session happened, `minutes`
    and `rpe` what it actually was; None where the plan's own values hold.
    """

    status: Status
    name: str
    day: int | None = None
    clock: int | None = None
    minutes: int | None = None
    rpe: int | None = None

    def __str__(self) -> str:
        text = f"{self.status.value} {self.name}"
        details = []
        if self.day is not None and self.clock is not None:
            details.append(f"{WEEKDAY_NAMES[self.day][:3]} {format_clock(self.clock)}")
        if self.minutes is not None:
            details.append(format_minutes(self.minutes))
        if self.rpe is not None:
            details.append(f"rpe {self.rpe}")
        return text + ("@" + ",".join(details) if details else "")


def parse_entry(text: object) -> LogEntry:
    """'done NAME', 'missed NAME' or 'done NAME@Tue 07:00,45m,rpe 7' as a LogEntry."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a log entry is text; {_EXAMPLE}")
    word, _, rest = text.strip().partition(" ")
    if word.lower() not in (Status.done.value, Status.missed.value):
        raise ValueError(f"'{text.strip()}' does not start with done or missed; {_EXAMPLE}")
    return parse_session(rest, Status(word.lower()))


def parse_session(text: str, status: Status) -> LogEntry:
    """What follows `--done` or `--missed`: NAME, or NAME@DAY HH:MM,DURATION,rpe N (done only)."""
    name, at, details = text.partition("@")
    name = " ".join(name.split())
    if not name:
        raise ValueError(f"no session named; {_EXAMPLE}")
    if not at:
        return LogEntry(status, name)
    if status is Status.missed:
        raise ValueError(f"'{text.strip()}': a missed session has no time or load; write just 'missed {name}'")
    day = clock = minutes = rpe = None
    for number, part in enumerate(piece.strip() for piece in details.split(",")):
        if number == 0 and part[:3].lower() in WEEKDAYS and " " in part:
            day_text, clock_text = part.split(None, 1)
            if day_text.lower() not in WEEKDAYS and day_text.lower() not in (n.lower() for n in WEEKDAY_NAMES):
                raise ValueError(f"'{day_text}' is not a day; write mon, tue, ... sun")
            day = WEEKDAYS.index(day_text[:3].lower())
            clock = parse_clock(clock_text)
        elif match := _RPE.match(part):
            if rpe is not None:
                raise ValueError(f"'{text.strip()}' gives the RPE twice")
            rpe = int(match["value"])
            if not 1 <= rpe <= 10:
                raise ValueError(f"rpe {rpe} is outside 1-10 (how hard it felt: 1 very easy, 10 flat out)")
        else:
            try:
                found = parse_minutes(part)
            except ValueError:
                raise ValueError(
                    f"'{part}' in '{text.strip()}' is neither a day and time (Tue 07:00), a duration (45m) nor an RPE (rpe 7)"
                ) from None
            if minutes is not None:
                raise ValueError(f"'{text.strip()}' gives the duration twice")
            if found > 12 * 60:
                raise ValueError(f"{found} minutes is longer than any training session; the limit is 12h")
            minutes = found
    return LogEntry(status, name, day, clock, minutes, rpe)


def parse_log_text(text: str, source: str) -> list[LogEntry]:
    """A log file: one entry a line, blank lines and `#` comments skipped; errors name the line."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            entries.append(parse_entry(line))
        except ValueError as error:
            raise ValueError(f"{source}, line {number}: {error}") from None
    return entries
