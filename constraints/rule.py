"""What a rule module is: the `HardRule` and `SoftObjective` protocols, and the values it hands back.

A rule is one module of this package, whole: how it is posted to the CP-SAT model, the
plain-Python checker that judges a finished week without the solver, the sentences that
say why a session sits where it does, and for a hard rule also what diagnosis says when
it takes part in a conflict, the changes that would loosen it, and the mistakes in a file
that make it impossible before any solving (`size_problems`). The registry in
`trainweek.constraints` lists the modules, typed as these protocols, so a type checker
verifies each module (tests/test_rule_modules.py runs mypy and checks the same at run time).

The plan's `weights:` keys come from the registry, so the plan imports the rules and the
rules never import the plan at run time: the plan is only a type to them (and to the
model and the week they use), named under TYPE_CHECKING.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from trainweek.scheduler.training import Modality

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from trainweek.scheduler.frame import WeekFrame
    from trainweek.scheduler.model import WeekModel
    from trainweek.scheduler.plan import Occurrence, Plan
    from trainweek.scheduler.training import Goal
    from trainweek.scheduler.week import Week


@dataclass(frozen=True)
class Relaxation:
    """One change to the plan that may give a week: in words, and as a function of the plan."""

    rule: str
    text: str
    apply: Callable[[Plan], Plan]


@dataclass(frozen=True)
class SizeProblem:
    """A file the rule can never be kept in, seen before any solving.

    `key` is the path of the key to blame, as the file is written (e.g. ("sessions", 0,
    "times")), so the loader can name its line.
    """

    key: tuple[str | int, ...]
    message: str


def with_rules(plan: Plan, **changes: object) -> Plan:
    """The plan with some of its `rules:` settings changed (for a Relaxation: partial(with_rules, rest_days=4))."""
    return plan.model_copy(update={"rules": plan.rules.model_copy(update=changes)})


def changed(plan: Plan, **fields: object) -> Plan:
    """The plan with some of its top-level keys replaced (for a Relaxation: partial(changed, sessions=...))."""
    return plan.model_copy(update=fields)


def count(number: int, noun: str) -> str:
    """'1 session', '3 sessions'."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


class Rule(Protocol):
    """What every rule has: a name (the one place it is written), a title, its sentences."""

    @property
    def NAME(self) -> str: ...  # noqa: N802 - module constants read as protocol members

    @property
    def TITLE(self) -> str: ...  # noqa: N802

    @property
    def HARD(self) -> bool: ...  # noqa: N802

    def reasons(self, week: Week) -> dict[int, list[str]]:
        """Per session (occurrence index), sentences on why it sits where it does."""
        ...


class HardRule(Rule, Protocol):
    """A rule no week may break. Posted behind `m.rule_literal(NAME)` so diagnosis can name it."""

    def post(self, m: WeekModel) -> None: ...

    def check(self, week: Week) -> list[str]:
        """What is wrong with the week under this rule; empty when it obeys."""
        ...

    def conflict(self, plan: Plan, frame: WeekFrame) -> str:
        """The part this rule plays in a conflict, as a sentence with the numbers that make it."""
        ...

    def relaxations(self, plan: Plan, frame: WeekFrame) -> Sequence[Iterable[Relaxation]]:
        """Ways to loosen the rule, in groups: diagnosis offers the first of each group that gives a week."""
        ...

    def size_problems(self, plan: Plan) -> Iterable[SizeProblem]:
        """Mistakes only visible across keys that make the rule impossible to keep, found without solving."""
        ...


class SoftObjective(Rule, Protocol):
    """A cost the solver minimises, weighted; its name is the weight's name."""

    @property
    def DEFAULT_WEIGHTS(self) -> Mapping[Goal, float]:  # noqa: N802
        """The weight for each primary goal, when the file and the command line give none."""
        ...

    def post(self, m: WeekModel) -> cp_model.LinearExpr | int:
        """The raw penalty as a linear expression of the model's variables."""
        ...

    def penalty(self, week: Week) -> int:
        """The same raw penalty, recomputed in plain Python from a finished week."""
        ...

    def cost_phrase(self, raw: float) -> str:
        """What a change of `raw` in the weighted cost means, in training words, the name in brackets:
        'a second demanding day in a row (hard_easy +8)'."""
        ...


def repeat_groups(items: Iterable[Occurrence]) -> list[list[Occurrence]]:
    """The occurrences of each session wanted more than once a week, one list per session."""
    groups: dict[int, list[Occurrence]] = {}
    for item in items:
        if item.spec.times > 1:
            groups.setdefault(item.spec_index, []).append(item)
    return list(groups.values())


def lift_and_endurance(a: Occurrence, b: Occurrence) -> tuple[Occurrence, Occurrence] | None:
    """(lift, endurance session) if a and b are one of each, in either order; else None."""
    if a.spec.modality is Modality.strength and b.spec.modality is Modality.endurance:
        return a, b
    if b.spec.modality is Modality.strength and a.spec.modality is Modality.endurance:
        return b, a
    return None


def strength_endurance_pairs(items: Iterable[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    """Every (lift, endurance session) pair: the pairs the interference rules are about."""
    items = list(items)
    strength = [i for i in items if i.spec.modality is Modality.strength]
    endurance = [i for i in items if i.spec.modality is Modality.endurance]
    return [(s, e) for s in strength for e in endurance]
