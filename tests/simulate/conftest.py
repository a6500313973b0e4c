"""Simulated pairs shared by the simulator's tests (simulated once per session: they are pure)."""

from __future__ import annotations

import pytest

from deepdiff.data.containers import PairData
from deepdiff.simulate import simulate_pair


@pytest.fixture(scope="session")
def small_pair() -> PairData:
    """E003-E004, 600 genes (325 / 77 / 198), seed 0."""
    return simulate_pair("E003-E004", n_genes=600, seed=0)
