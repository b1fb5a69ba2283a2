"""Parse the small time languages people write in a plan: durations and clock ranges.

Each parser raises ``ValueError`` with a sentence that says what would be valid; the
loader turns it into a message naming the file, line and key.
"""

from __future__ import annotations

import re

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_DURATION = re.compile(r"^\s*(?:(?P<h>\d{1,9})\s*h)?\s*(?:(?P<m>\d{1,9})\s*m(?:in)?)?\s*$", re.ASCII)
_CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})$", re.ASCII)


def parse_minutes(value: object, *, allow_zero: bool = False) -> int:
    """Minutes from ``75m``, ``1h15m``, ``6h`` or a plain number (minutes)."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 75m, 1h15m or 90")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, float) and value.is_integer():
        minutes = int(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if text.isascii() and text.isdigit() and len(text) <= 9:
            minutes = int(text)
        else:
            match = _DURATION.match(text)
            if not text or not match or not (match["h"] or match["m"]):
                raise ValueError(f"'{value}' is not a duration; write 75m, 1h15m, 6h or 90 (minutes)")
            minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
    else:
        raise ValueError("expected a duration such as 75m, 1h15m or 90")
    if minutes < 0 or (minutes == 0 and not allow_zero):
        raise ValueError(f"duration must be more than zero minutes, got {value!r}")
    return minutes


def parse_clock(text: str, *, allow_midnight_end: bool = False) -> int:
    """Minutes after midnight from ``HH:MM`` (``24:00`` only where it ends a range)."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time of day; write HH:MM, e.g. 06:30")
    hours, minutes = int(match["h"]), int(match["m"])
    if allow_midnight_end and hours == 24 and minutes == 0:
        return 24 * 60
    if hours > 23 or minutes > 59:
        raise ValueError(f"'{text}' is not a time of day; hours go 00-23 and minutes 00-59")
    return hours * 60 + minutes


def parse_clock_range(text: object) -> tuple[int, int]:
    """``"17:30-21:00"`` as (start, end) minutes after midnight, end after start."""
    if not isinstance(text, str) or text.count("-") != 1:
        raise ValueError(f"{text!r} is not a time range; write HH:MM-HH:MM, e.g. 17:30-21:00")
    first, second = (part.strip() for part in text.split("-"))
    start = parse_clock(first)
    end = parse_clock(second, allow_midnight_end=True)
    if end <= start:
        raise ValueError(f"'{text}' ends before it starts; a range must not cross midnight")
    return start, end


def parse_minutes_range(value: object) -> tuple[int, int]:
    """``10m-20m`` (or one duration) as (low, high) minutes, low <= high."""
    if isinstance(value, str) and "-" in value:
        low_text, high_text = value.split("-", 1)
        low = parse_minutes(low_text, allow_zero=True)
        high = parse_minutes(high_text, allow_zero=True)
    else:
        low = high = parse_minutes(value, allow_zero=True)
    if high < low:
        raise ValueError(f"'{value}' has its larger value first; write e.g. 10m-20m")
    return low, high


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h{rest:02d}m"
    return f"{hours}h" if hours else f"{rest}m"
