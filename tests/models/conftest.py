"""Small model sizes for fast tests, and the recurrence backends to test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deepdiff.models import ModelConfig
from deepdiff.models.kernels import native
from deepdiff.threads import limited_threads

#: Short sequences and small hidden sizes: the same code paths as the full model, fast.
SMALL = ModelConfig(n_marks=5, n_bins=12, bin_hidden=8, row_hidden=4)


def backends() -> list[object]:
    """``torch`` always; ``native`` where the kernel builds (skipped with the reason otherwise)."""
    reason = native.unavailable_reason(SMALL.bin_hidden)
    mark = pytest.mark.skipif(bool(reason), reason=f"compiled kernel unavailable: {reason}")
    return ["torch", pytest.param("native", marks=mark)]


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """One intra-op thread: these tensors are small, and on a shared machine two threads that
    wait for each other at every small operation make the reference models 50x slower."""
    with limited_threads(1):
        yield
