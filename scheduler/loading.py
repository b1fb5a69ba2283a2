"""Read an availability file into a Plan, or say exactly where and why it is wrong.

YAML is read with ruamel.yaml so every key keeps its line number; a pydantic validation
error's location is walked back through the parsed document to the line the person wrote.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from trainweek.constraints import HARD_RULES
from trainweek.scheduler.busy import BusyFileError, is_calendar_file, read_calendar
from trainweek.scheduler.plan import Plan, Rules, SameVisit, SessionSpec, Prefer, Weights
from trainweek.scheduler.timetext import WEEKDAYS
from trainweek.scheduler.errors import BadInput

_KEYS = {
    (): Plan,
    ("rules",): Rules,
    ("rules", "same_visit"): SameVisit,
    ("weights",): Weights,
    ("sessions", "*"): SessionSpec,
    ("sessions", "*", "prefer"): Prefer,
}


@dataclass
class PlanError(BadInput):
    """A mistake in the file, located for the person who made it."""

    path: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(str(path), None, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(str(path), None, "", f"cannot read it ({error})") from None
    return parse_plan(text, str(path))


def parse_plan(text: str, source: str = "<plan>") -> Plan:
    document = _read_yaml(text, source)
    try:
        plan = Plan.model_validate(_plain(document))
    except ValidationError as error:
        raise _located(error, document, source) from None
    _check_sizes(plan, document, source)
    return _with_busy_files(plan, document, source)


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


def _read_yaml(text: str, source: str) -> CommentedMap:
    yaml = YAML(typ="rt")
    try:
        document = yaml.load(text)
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
        return str(node)
    return node


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
    "list_type": 'must be a list in brackets, e.g. ["06:00-08:00", "17:30-21:00"]',
    "dict_type": "must be a mapping of keys, e.g. {goal_order: 10}",
    "model_type": "must be a mapping of keys",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
}


def _located(error: ValidationError, document: CommentedMap, source: str) -> PlanError:
    errors = error.errors()
    # A typo'd key shows up as unknown and as missing; the unknown one is where to look.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(part for part in first["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind = first["type"]
    message = first["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
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
