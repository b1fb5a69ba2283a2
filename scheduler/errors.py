"""The errors a person can act on, each with the exit status the command line gives it.

Every expected failure in the library derives from `TrainweekError`; the CLI maps the
class to its exit status in one place. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

EXIT_BAD_INPUT = 2
EXIT_NO_WEEK = 3
EXIT_OUT_OF_TIME = 4


class TrainweekError(Exception):
    """An expected failure with a sentence for a person; `exit_code` is what the CLI returns."""

    exit_code = EXIT_BAD_INPUT


class BadInput(TrainweekError):
    """A file, option or server address is wrong; the message says which and how."""

    exit_code = EXIT_BAD_INPUT


class BadOption(BadInput):
    """A solve option is wrong: `option` names it as the library spells it (week_start),
    `value` is what was given and `reason` the sentence about it."""

    def __init__(self, option: str, value: object, reason: str) -> None:
        super().__init__(f"{option} {value}: {reason}" if value is not None else f"{option}: {reason}")
        self.option, self.value, self.reason = option, value, reason


class NoWeekExists(TrainweekError):
    """No week satisfies the hard rules (proven)."""

    exit_code = EXIT_NO_WEEK


class OutOfTime(TrainweekError):
    """The time limit ran out before any week was found; nothing was proven impossible."""

    exit_code = EXIT_OUT_OF_TIME


class Interrupted(KeyboardInterrupt):
    """Ctrl+C where it left work half done outside trainweek's own files (a CalDAV calendar
    holding part of a week); the message says what, and how to finish it."""
