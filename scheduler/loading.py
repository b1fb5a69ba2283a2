"""Read an availability file into a Plan, or say exactly where and why it is wrong.

YAML is read with ruamel.yaml so every key keeps its line number; a pydantic validation
error's location is walked back through the parsed document to the line the person wrote.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent, ScalarEvent
from ruamel.yaml.parser import RoundTripParser

from trainweek.constraints import HARD_RULES
from trainweek.scheduler.busy import BusyFileError, is_calendar_file, read_calendar
from trainweek.scheduler.plan import BlockSettings, Grow, Plan, Race, Rules, SessionSpec, Prefer, WeekOverride, Weights, fixed_offset_note, visible
from trainweek.scheduler.timetext import WEEKDAYS
from trainweek.scheduler.errors import BadInput

_KEYS = {
    (): Plan,
    ("rules",): Rules,
    ("weights",): Weights,
    ("sessions", "*"): SessionSpec,
    ("sessions", "*", "prefer"): Prefer,
    ("sessions", "*", "grow"): Grow,
    ("block",): BlockSettings,
    ("block", "race"): Race,
    ("weeks", "*"): WeekOverride,
}


# A plan is a page of text; these bounds keep a hostile file from costing more than that.
MAX_FILE_BYTES = 1_000_000
MAX_VALUES = 100_000  # values in the document with every alias (*name) written out
MAX_DEPTH = 32  # lists and mappings inside one another; a plan needs about six
MAX_DIGITS = 30  # digits in a number; a plan's numbers need a handful
_INTEGER = re.compile(r"[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)")


@dataclass
class PlanError(BadInput):
    """A mistake in the file, located for the person who made it."""

    path: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        return located(self.path, self.line, self.key, self.message)


def located(path: str, line: int | None, key: str, message: str) -> str:
    """'plan.yaml:3: timezone: message', as errors and notes about the file name the place."""
    where = f"{path}:{line}" if line else path
    return visible(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def load_plan(path: str | Path) -> Plan:
    return read_plan(path)[0]


def read_plan(path: str | Path) -> tuple[Plan, tuple[str, ...]]:
    """The plan, and notes on what it accepts but may not mean as written (see `plan_notes`)."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # a larger file is refused, not read whole
        if len(data) > MAX_FILE_BYTES:
            raise _too_large(str(path))
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise PlanError(str(path), None, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(str(path), None, "", f"cannot read it ({error})") from None
    return read_plan_text(text, str(path))


def _too_large(source: str) -> PlanError:
    return PlanError(source, None, "", f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB; a plan is a page or two of text")


def parse_plan(text: str, source: str = "<plan>") -> Plan:
    return read_plan_text(text, source)[0]


def read_plan_text(text: str, source: str = "<plan>") -> tuple[Plan, tuple[str, ...]]:
    """`parse_plan`, and the notes on the plan (see `plan_notes`)."""
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise _too_large(source)
    document = _read_yaml(text, source)
    try:
        plan = Plan.model_validate(_plain(document))
    except ValidationError as error:
        raise _located(error, document, source) from None
    _check_sizes(plan, document, source)
    return _with_busy_files(plan, document, source), plan_notes(plan, document, source)


def plan_notes(plan: Plan, document: CommentedMap, source: str) -> tuple[str, ...]:
    """What the file says that is valid but may not mean what was meant, each naming its
    line and key: a legacy fixed-offset time zone (EST) where a place with summer time
    (America/New_York) is the likelier meaning. A run says each once; it changes nothing."""
    note = fixed_offset_note(plan.timezone)
    return (located(source, line_of(document, ("timezone",)), "timezone", note),) if note else ()


def _with_busy_files(plan: Plan, document: CommentedMap, source: str) -> Plan:
    """Busy .ics paths made relative to the plan's folder, each checked to be readable."""
    entries = []
    for index, entry in enumerate(plan.busy):
        if is_calendar_file(entry):
            entry = os.path.normpath(Path(source).parent / Path(entry).expanduser())
            try:
                read_calendar(entry)
            except BusyFileError as error:
                raise PlanError(source, line_of(document, ("busy", index)), f"busy[{index}]", str(error)) from None
        entries.append(entry)
    return plan.model_copy(update={"busy": entries})


class _Constructor(RoundTripConstructor):
    """Round-trip YAML, but dates stay text: the plan parses them itself, so a day that
    does not exist (2026-02-30) gets a sentence, not a traceback from inside the reader."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


class _TooLarge(Exception):
    """A document refused by `_Shape`, at a line; `_read_yaml` names the file."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _Shape:
    """Refuses, before anything is built, a document that nests too deep, holds a number
    too long to be one, or whose aliases expand into more values than a plan can have
    (an "alias bomb": a few lines that would grow to millions of values). It sees the
    parser's events one by one as the reader takes them (`_CheckedParser`): the text is
    scanned once, and the reader only builds values once the whole document has passed."""

    def __init__(self) -> None:
        self.sizes: dict[str, int] = {}  # anchor -> values in its node, aliases written out
        self.open_nodes: list[tuple[str | None, int]] = []  # (anchor, values so far) per open collection
        self.total = 0

    def see(self, event) -> None:
        open_nodes = self.open_nodes
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, CollectionStartEvent):
            if len(open_nodes) >= MAX_DEPTH:
                raise _TooLarge(line, f"lists and mappings are nested more than {MAX_DEPTH} deep; a plan needs a few levels")
            open_nodes.append((event.anchor, 1))
            return
        if isinstance(event, CollectionEndEvent):
            anchor, size = open_nodes.pop()
        elif isinstance(event, AliasEvent):
            if any(event.anchor == anchor for anchor, _ in open_nodes):
                raise _TooLarge(line, f"the alias *{event.anchor} refers to the list or mapping it is inside")
            anchor, size = None, self.sizes.get(event.anchor, 1)  # an unknown alias: the reader says so next
        elif isinstance(event, ScalarEvent):
            if event.style is None and len(event.value) > MAX_DIGITS and _INTEGER.fullmatch(event.value):
                raise _TooLarge(line, f"a number with more than {MAX_DIGITS} digits; no value in a plan is that large")
            anchor, size = event.anchor, 1
        else:
            return
        if anchor is not None:
            self.sizes[anchor] = size
        self.total += size if not open_nodes else 0
        if open_nodes:
            parent_anchor, parent_size = open_nodes[-1]
            open_nodes[-1] = (parent_anchor, parent_size + size)
        if size > MAX_VALUES or self.total > MAX_VALUES:
            raise _TooLarge(line, f"aliases (*name) expand the file to more than {MAX_VALUES:,} values; write the values out instead")


class _CheckedParser(RoundTripParser):
    """The round-trip parser, each event it hands on seen by a `_Shape` first."""

    def reset_parser(self) -> None:
        super().reset_parser()
        self.shape = _Shape()

    def get_event(self):
        event = super().get_event()
        if event is not None:
            self.shape.see(event)
        return event


class _CheckedComposer(Composer):
    """The reader's composer; when it stops at a mistake of its own (an unknown alias, a
    second document), the rest of the text is still read through the checks, and a syntax
    or shape mistake further down is said first, as when the checks read the whole text
    before the reader started."""

    def get_single_node(self):
        try:
            return super().get_single_node()
        except ComposerError:
            while self.parser.check_event():
                self.parser.get_event()
            raise


def _read_yaml(text: str, source: str) -> CommentedMap:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Parser, yaml.Composer = _CheckedParser, _CheckedComposer
    try:
        document = yaml.load(text)
    except _TooLarge as error:
        raise PlanError(source, error.line, "", error.message) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "not valid YAML").strip()
        context = error.context_mark
        if error.context and context and mark and context.line != mark.line:
            problem += f" ({error.context.strip()} started on line {context.line + 1})"
        raise PlanError(source, mark.line + 1 if mark else None, "", f"YAML syntax: {problem}") from None
    except YAMLError as error:
        raise PlanError(source, None, "", f"YAML syntax: {error}") from None
    if not isinstance(document, CommentedMap):
        raise PlanError(source, 1, "", "the file must be a mapping of keys (version, athlete, timezone, ...)")
    return document


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key) if not isinstance(key, (int, bool)) else key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    if isinstance(node, str):
        return _paired(str(node))
    return node


def _paired(text: str) -> str:
    """The text with each surrogate pair (JSON's way of writing a character beyond U+FFFF,
    e.g. "\\ud83d\\udc5f" for a running shoe) read as the one character it stands for."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:  # an unpaired half: the plan's check says so
            return text
    return text


def line_of(document: CommentedMap, loc: tuple) -> int | None:
    """The 1-based line of the deepest part of `loc` found in the document."""
    node: Any = document
    line = None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _key_text(loc: tuple, document: CommentedMap) -> str:
    text = ""
    node: Any = document
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict) and "name" in node[part]:
                text += f" ({node[part]['name']})"
        else:
            text += f".{part}" if text else str(part)
        node = node[part] if _has(node, part) else None
    return text


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


def _model_at(loc: tuple):
    shape = tuple("*" if isinstance(part, int) else part for part in loc)
    return _KEYS.get(shape)


# pydantic's wording for the commonest type mistakes, said the way the file is written.
_PLAIN_WORDS = {
    "too_short": "needs at least one entry",
    "list_type": "must be a list in brackets",
    "dict_type": "must be a mapping of keys",
    "model_type": "must be a mapping of keys",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a number (not .nan or .inf)",
    "string_too_short": "must not be empty",
    "string_unicode": "holds half of a character (an unpaired \\ud800-\\udfff escape); write the character itself",
}

# What a list or mapping looks like at the keys where one is expected, by key shape.
_SHAPES = {
    ("goals",): "must be a list in brackets, e.g. [strength, endurance]",
    ("sessions",): "must be a list of sessions, each starting with '- name:' (trainweek init writes an example)",
    ("busy",): 'must be a list in brackets, e.g. ["2026-12-02 18:00-19:30", "wed 18:00-19:30"]',
    ("availability",): 'must be a mapping of days to windows, e.g. {mon: ["06:00-08:00"], thu: ["17:30-21:00"]}',
    ("availability", "*"): 'must be a list in brackets, e.g. ["06:00-08:00", "17:30-21:00"]',
    ("weights",): "must be a mapping of keys, e.g. {goal_order: 10, separation: 4}",
    ("rules",): "must be a mapping of keys, e.g. {rest_days: 2}",
    ("sessions", "*", "prefer"): 'must be a mapping of keys, e.g. {days: [mon, thu], time: "06:00-08:00"}',
    ("sessions", "*", "prefer", "days"): "must be a list in brackets, e.g. [mon, thu]",
}


def _shape_message(loc: tuple, default: str) -> str:
    shape = tuple(
        "*" if isinstance(part, int) or (index == 1 and loc[0] == "availability") else part
        for index, part in enumerate(loc)
    )
    return _SHAPES.get(shape, default)


def _located(error: ValidationError, document: CommentedMap, source: str) -> PlanError:
    errors = error.errors()
    # A typo'd key shows up as unknown and as missing; the unknown one is where to look.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(part for part in first["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind = first["type"]
    message = first["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        import difflib  # only for a key that is not one

        model = _model_at(loc[:-1])
        fields = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        message = f"unknown key '{loc[-1]}'" + (f" (did you mean '{close[0]}'?)" if close else "")
        message += f"; valid keys here: {', '.join(fields)}" if fields else ""
    elif kind == "missing":
        message = f"missing required key '{loc[-1]}'"
    elif loc and loc[0] == "availability" and len(loc) >= 2 and kind == "literal_error":
        message = f"'{loc[1]}' is not a weekday; use {', '.join(WEEKDAYS)}"
        loc = loc[:2]
    elif kind in ("enum", "literal_error"):
        message = message.replace("Input should be", "must be one of")
    elif kind in _PLAIN_WORDS:
        message = _PLAIN_WORDS[kind]
        if kind in ("list_type", "dict_type", "model_type"):
            message = _shape_message(loc, message)
    elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        message = message.replace("Input should be", "must be")
    elif kind == "string_too_long":
        message = f"is too long: at most {first['ctx']['max_length']} characters"
    message = message.replace("Input should be", "must be")
    line = line_of(document, loc)
    if line is None and loc[:-1]:
        line = line_of(document, loc[:-1])
    return PlanError(source, line, _key_text(loc, document), message)


def _check_sizes(plan: Plan, document: CommentedMap, source: str) -> None:
    """Mistakes only visible across keys (sessions that fit no window, too many sessions),
    as each hard rule sees them: the first of its `size_problems`, in the rules' order."""
    for rule in HARD_RULES:
        for problem in rule.size_problems(plan):
            raise PlanError(source, line_of(document, problem.key), _key_text(problem.key, document), problem.message)
