"""Small pairs for the baseline tests: simulated by the project's simulator, or built by hand."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from deepdiff.constants import N_BINS, N_MARKS
from deepdiff.data.containers import PairData, SplitData
from deepdiff.data.pair import Pair

#: Genes of the simulated test pairs: about 1,080 / 255 / 660 in train / valid / test.
SIM_GENES = 2000
#: Every gene's expression change follows its marks (no unexplained genes, no expression noise):
#: the simulator's default leaves too little signal for a few thousand genes to show it reliably.
SIM_CONFIG = {"explained_fraction": 1.0, "change_signal_fraction": 1.0}


@pytest.fixture(scope="session")
def sim_pair() -> PairData:
    """A small pair from the project's simulator, with its planted mechanism (``data.truth``)."""
    from deepdiff.simulate import SimulationConfig, simulate_pair

    return simulate_pair("E003-E004", n_genes=SIM_GENES, seed=0, config=SimulationConfig(**SIM_CONFIG))


@pytest.fixture(scope="session")
def null_pair() -> PairData:
    """The same simulation with the marks decoupled from expression: nothing to find."""
    from deepdiff.simulate import SimulationConfig, simulate_pair

    config = SimulationConfig(**SIM_CONFIG, mark_coupling=0.0)
    return simulate_pair("E003-E004", n_genes=SIM_GENES, seed=0, config=config)


#: 1-based bins where the hand-made H3K4me3 peak is at least 10 % of its height (TSS between 100 and 101).
HAND_PEAK_BINS = range(89, 114)


def _hand_split(n: int, rng: np.random.Generator, prefix: str, coupled: bool) -> SplitData:
    """H3K4me3 around the TSS follows each cell's activity; the LFC follows the activity change.

    With ``coupled=False`` the LFC is drawn independently of the marks (a null control).
    """
    act_a = rng.normal(size=n)
    act_b = act_a + rng.normal(size=n)
    peak = np.exp(-(((np.arange(N_BINS) - 100) / 8.0) ** 2))

    def marks(activity: np.ndarray) -> np.ndarray:
        rate = np.full((n, N_MARKS, N_BINS), 0.5)
        rate[:, 1, :] += 4.0 * np.exp(activity)[:, None] * peak[None, :]
        return rng.poisson(rate).astype(np.uint16)

    change = act_b - act_a if coupled else rng.normal(scale=np.sqrt(2.0), size=n)
    lfc = 2.0 * change + rng.normal(scale=0.5, size=n)
    expr_a = np.round(2.0 ** rng.normal(5.0, 1.0, size=n))
    expr_b = np.clip(np.round((expr_a + 1.0) * 2.0**lfc - 1.0), 0.0, None)
    return SplitData(
        genes=np.array([f"{prefix}{i:04d}" for i in range(n)]),
        x_a=marks(act_a),
        x_b=marks(act_b),
        expr_a=expr_a,
        expr_b=expr_b,
    )


def hand_pair(sizes: tuple[int, int, int] = (200, 80, 60), seed: int = 0, coupled: bool = True) -> PairData:
    """A small pair with one narrow planted signal, built without the simulator.

    Cell activity raises H3K4me3 in :data:`HAND_PEAK_BINS` (Poisson counts, background 0.5 per
    bin and mark); the LFC is twice the activity change plus noise (sd 0.5), so the best
    possible test PCC is about 0.95 but a model must find the peak among 2,000 count features.
    """
    rng = np.random.default_rng(seed)
    splits = [_hand_split(n, rng, name, coupled) for n, name in zip(sizes, ("tr", "va", "te"), strict=True)]
    return PairData(
        pair=Pair.parse("E003-E004"),
        train=splits[0],
        valid=splits[1],
        test=splits[2],
        source="simulated",
        label=f"hand-made test pair (seed {seed})",
        checksum=hashlib.sha256(f"hand-made {sizes} {seed} {coupled}".encode()).hexdigest(),
    )


@pytest.fixture(scope="session")
def tiny_pair() -> PairData:
    return hand_pair()
