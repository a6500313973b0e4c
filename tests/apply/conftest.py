"""Small trained runs shared by the tests of saved models and predictions (tiny sizes, one torch thread)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deepdiff.methods import RunOptions
from deepdiff.models import ModelConfig
from deepdiff.results import RunResult
from deepdiff.threads import limited_threads
from deepdiff.training.runner import train
from tests.training.standins import tiny_pair

SMALL = ModelConfig(bin_hidden=4, row_hidden=2)
FAST = {"max_epochs": 2, "batch_size": 30, "lr": 1e-2}


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    with limited_threads(1):
        yield


def train_tiny(results: Path, method: str) -> RunResult:
    """``method`` trained for two epochs on the stand-in pair at tiny sizes."""
    options = RunOptions(device="cpu", results_dir=results, progress=False)
    return train(tiny_pair(60, 30, 30), method, options=options, overrides=FAST, model_config=SMALL)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """A run of an auxiliary Siamese variant, of a plain variant, and of AttentiveChrome-diff."""
    root = tmp_path_factory.mktemp("runs")
    with limited_threads(1):
        return {m: train_tiny(root, m) for m in ("raw_aux_siamese", "raw_c", "attentivechrome_diff")}
