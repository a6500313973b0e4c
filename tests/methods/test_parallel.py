"""Several runs in worker processes: the results of one process, in the calls' order; a failure stops them."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.errors import ConfigError
from deepdiff.methods import RunOptions
from deepdiff.methods.parallel import MethodCall, default_workers, run_methods
from tests.training.standins import tiny_pair


def test_runs_in_two_processes_equal_the_runs_made_here_in_the_calls_order(tmp_path: Path) -> None:
    data = tiny_pair()
    calls = [MethodCall(data, "ridge", "quick", 0), MethodCall(data, "raw_d", "quick", 1, {"max_epochs": 1})]
    here = run_methods(
        calls, RunOptions(results_dir=tmp_path / "here", device="cpu", progress=False), workers=1
    )
    apart = run_methods(
        calls, RunOptions(results_dir=tmp_path / "apart", device="cpu", progress=False), workers=2
    )
    assert [t.run.method for t in apart] == ["ridge", "raw_d"]
    for one, two in zip(here, apart, strict=True):
        assert not one.run.reused and not two.run.reused and two.seconds > 0
        assert one.run.predictions["lfc_pred"].equals(two.run.predictions["lfc_pred"])
    again = run_methods(
        calls, RunOptions(results_dir=tmp_path / "apart", device="cpu", progress=False), workers=2
    )
    assert all(t.run.reused for t in again)


def test_a_failing_call_is_raised_in_the_caller(tmp_path: Path) -> None:
    calls = [MethodCall(tiny_pair(), "ridge", "quick"), MethodCall(tiny_pair(), "ridge", "huge")]
    with pytest.raises(ConfigError, match="huge"):
        run_methods(calls, RunOptions(results_dir=tmp_path, device="cpu", progress=False), workers=2)


def test_one_worker_on_a_named_gpu() -> None:
    assert default_workers("cuda:0") == 1
    assert default_workers("cpu") >= 1
