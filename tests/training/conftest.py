"""Training tests run torch on one thread: on a shared two-core machine, OpenMP threads that
spin while another process holds the other core make small tensor operations many times slower."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deepdiff.threads import limited_threads


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    with limited_threads(1):
        yield
