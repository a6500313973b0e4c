"""Training tests run torch on one thread: on a shared two-core machine, OpenMP threads that
spin while another process holds the other core make small tensor operations many times slower."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deepdiff._util.threads import limited_threads
from deepdiff.results.store import RunResult
from tests.training.standins import trained_runs


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    with limited_threads(1):
        yield


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """A run of an auxiliary Siamese variant, of a plain variant, and of AttentiveChrome-diff."""
    return trained_runs(tmp_path_factory.mktemp("runs"))
