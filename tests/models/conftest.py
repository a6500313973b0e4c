"""Small model sizes for fast tests, and the recurrence backends to test."""

from __future__ import annotations

import pytest

from deepdiff.models import ModelConfig, native

#: Short sequences and small hidden sizes: the same code paths as the full model, fast.
SMALL = ModelConfig(n_marks=5, n_bins=12, bin_hidden=8, row_hidden=4)


def backends() -> list[object]:
    """``torch`` always; ``native`` where the kernel builds (skipped with the reason otherwise)."""
    reason = native.unavailable_reason(SMALL.bin_hidden)
    mark = pytest.mark.skipif(bool(reason), reason=f"compiled kernel unavailable: {reason}")
    return ["torch", pytest.param("native", marks=mark)]
