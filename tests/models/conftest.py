"""Small model sizes for fast tests, and the recurrence backends to test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deepdiff._util.threads import limited_threads
from deepdiff.models import ModelConfig
from deepdiff.models.kernels import native
from tests.needs import unavailable

#: Short sequences and small hidden sizes: the same code paths as the full model, fast.
SMALL = ModelConfig(n_marks=5, n_bins=12, bin_hidden=8, row_hidden=4)


def backends() -> list[object]:
    """``torch`` always; ``native`` too, which :func:`_native_kernel` skips (fails in CI) where the
    kernel does not build. Tests take it as the parameter ``backend``."""
    return ["torch", "native"]


@pytest.fixture(autouse=True)
def _native_kernel(request: pytest.FixtureRequest) -> None:
    """Checked when the test runs, not at collection: in CI a missing compiler must fail the test."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is None or callspec.params.get("backend") != "native":
        return
    reason = native.unavailable_reason(SMALL.bin_hidden)
    if reason:
        unavailable(f"compiled kernel unavailable: {reason}")


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """One intra-op thread: these tensors are small, and on a shared machine two threads that
    wait for each other at every small operation make the reference models 50x slower."""
    with limited_threads(1):
        yield
