"""Input representations of the baselines: log counts per cell, pooled bins, standardisation.

The paper leaves the baselines' input representation open. The choices here are applied to
every pair alike:

* Counts are transformed with ``log2(1 + count)``. Read counts are small integers with a long
  right tail; the log keeps a few extreme bins from dominating RBF kernels, ReliefF's
  range-normalised differences and linear fits, and matches the log scale of the target.
* A bin's features are the five marks of cell A followed by the five marks of cell B
  (block ``"a"`` and ``"b"``). The beyond-paper baselines also get ``"diff"`` = ``b - a`` in log
  space, the sign of the target ``log2((expr_B + 1) / (expr_A + 1))``.
* ``pool`` sums the counts of consecutive 100 bp bins before the log (``pool=10``: 1 kb bins).
* Every feature is standardised to zero mean and unit variance with statistics of the
  training split only (:class:`Standardizer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from deepdiff.constants import BIN_SIZE_BP, MARKS, N_BINS, N_MARKS
from deepdiff.data.containers import SplitData
from deepdiff.errors import ConfigError

#: The feature blocks a representation can hold, in the order they are stacked.
BLOCKS: Final[tuple[str, ...]] = ("a", "b", "diff")


@dataclass(frozen=True)
class FeatureSpec:
    """Which blocks and which bin size make up a representation.

    Attributes
    ----------
    blocks : tuple of {"a", "b", "diff"}
        Cell A's marks, cell B's marks, and their difference ``b - a`` (log space).
    pool : int
        Number of consecutive 100 bp bins summed into one; must divide 200.
    """

    blocks: tuple[str, ...] = ("a", "b")
    pool: int = 1

    def __post_init__(self) -> None:
        unknown = [b for b in self.blocks if b not in BLOCKS]
        if unknown or not self.blocks or len(set(self.blocks)) != len(self.blocks):
            raise ConfigError(
                f"feature blocks {self.blocks!r} are invalid: use distinct names from {', '.join(BLOCKS)}"
            )
        if not isinstance(self.pool, int) or self.pool < 1 or N_BINS % self.pool:
            raise ConfigError(f"pool must be a positive divisor of {N_BINS}, got {self.pool!r}")

    @property
    def n_bins(self) -> int:
        """Bins after pooling."""
        return N_BINS // self.pool

    @property
    def n_channels(self) -> int:
        """Features per (pooled) bin: five marks per block."""
        return len(self.blocks) * N_MARKS

    @property
    def n_features(self) -> int:
        return self.n_channels * self.n_bins

    def channel_names(self) -> list[str]:
        """``block:mark`` for each channel, in array order."""
        return [f"{block}:{mark}" for block in self.blocks for mark in MARKS]

    def bin_label(self, index: int) -> str:
        """1-based range of the original 100 bp bins in pooled bin ``index`` (0-based), e.g. ``"91-100"``."""
        first = index * self.pool + 1
        last = first + self.pool - 1
        return str(first) if self.pool == 1 else f"{first}-{last}"

    def feature_names(self) -> list[str]:
        """``block:mark:bins`` for each column of :func:`flat_features` (channel-major)."""
        return [f"{ch}:{self.bin_label(j)}" for ch in self.channel_names() for j in range(self.n_bins)]

    def describe(self) -> str:
        blocks = {"a": "cell A", "b": "cell B", "diff": "B - A"}
        return (
            f"log2(1 + count) of {', '.join(blocks[b] for b in self.blocks)}; "
            f"{self.n_bins} bins of {self.pool * BIN_SIZE_BP} bp; standardised on the training split"
        )


def log_counts(counts: np.ndarray, pool: int = 1) -> np.ndarray:
    """``log2(1 + count)`` of integer counts (n, 5, 200), bins summed in groups of ``pool`` first.

    Returns
    -------
    ndarray of float32, shape (n, 5, 200 // pool)
    """
    x = np.asarray(counts, dtype=np.float32)
    if pool > 1:
        x = x.reshape(x.shape[0], x.shape[1], -1, pool).sum(axis=-1)
    return np.log2(1.0 + x, dtype=np.float32)


def channels(split: SplitData, spec: FeatureSpec) -> np.ndarray:
    """The representation as channels x bins.

    Returns
    -------
    ndarray of float32, shape (n, spec.n_channels, spec.n_bins)
        Blocks stacked in ``spec.blocks`` order, five marks each.
    """
    a = log_counts(split.x_a, spec.pool)
    b = log_counts(split.x_b, spec.pool)
    parts = {"a": a, "b": b}
    if "diff" in spec.blocks:
        parts["diff"] = b - a
    return np.concatenate([parts[block] for block in spec.blocks], axis=1)


def flat_features(split: SplitData, spec: FeatureSpec) -> np.ndarray:
    """The representation as one row per gene, columns named by :meth:`FeatureSpec.feature_names`.

    Returns
    -------
    ndarray of float32, shape (n, spec.n_features)
    """
    x = channels(split, spec)
    return x.reshape(x.shape[0], -1)


@dataclass(frozen=True)
class Standardizer:
    """Zero mean and unit variance per feature, with statistics of one (training) array.

    Constant features keep a scale of 1, so they map to zero rather than to NaN.
    """

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardizer:
        """Statistics over axis 0 of ``x`` (genes); any trailing shape is kept."""
        x64 = np.asarray(x, dtype=np.float64)
        mean = x64.mean(axis=0)
        scale = x64.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        return cls(mean=mean.astype(np.float32), scale=scale.astype(np.float32))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x, dtype=np.float32) - self.mean) / self.scale).astype(np.float32, copy=False)
