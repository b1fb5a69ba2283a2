"""A model CP-SAT rejects is a bug in trainweek, reported with CP-SAT's own reason; it is
never passed off as "no week found within the time limit" (issue 16, item 10)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from trainweek.scheduler import solve as solve_module
from trainweek.scheduler.cli import main
from trainweek.scheduler.errors import OutOfTime
from trainweek.scheduler.solve import ModelRejected
from tests.conftest import make_plan, solve_plan
from tests.test_cli import GOOD, write

RUN = {"name": "Run", "kind": "run", "duration": "40m"}


@pytest.fixture
def overflowing_model(monkeypatch):
    """Every model gets an objective term CP-SAT's validation rejects (as ortools 9.10-9.14
    rejected the real model)."""
    original = solve_module.build

    def build(*args, **kwargs):
        m = original(*args, **kwargs)
        m.model.minimize(m.start(0) * 2**62)
        return m

    monkeypatch.setattr(solve_module, "build", build)


def test_an_invalid_model_raises_a_bug_with_cp_sats_reason(overflowing_model):
    with pytest.raises(ModelRejected, match=r"CP-SAT \(ortools [0-9.]+\) answered MODEL_INVALID: Possible integer overflow") as raised:
        solve_plan(make_plan([RUN]))
    assert not isinstance(raised.value, OutOfTime)


def test_the_cli_does_not_call_an_invalid_model_a_timeout(overflowing_model, tmp_path):
    result = CliRunner().invoke(main, ["solve", str(write(tmp_path, GOOD)), "--no-ics"])
    assert isinstance(result.exception, ModelRejected)
    assert result.exit_code == 1 and "no week found within" not in result.output
