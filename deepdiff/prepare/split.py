"""The train / validation / test split, deterministic by gene id, in the paper's proportions.

A gene's split depends on its id alone: the first 8 bytes of the SHA-256 of the id, read as a
number in [0, 1), fall in train below 10,000 / 18,460, in validation below 12,360 / 18,460, and in
test above (the authors' 10,000 / 2,360 / 6,100 genes). So every cell of a pair, prepared together
or separately, puts a gene in the same split, and adding or removing genes moves no other gene;
the split sizes follow the proportions up to sampling noise (for 18,460 genes, a standard deviation
of about 70 genes in train).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from deepdiff.constants import FULL_SPLIT_SIZES, SPLITS

_TOTAL = sum(FULL_SPLIT_SIZES.values())
#: Upper bounds of each split's share, in :data:`~deepdiff.constants.SPLITS` order.
CUTS: tuple[float, ...] = tuple(np.cumsum([FULL_SPLIT_SIZES[s] for s in SPLITS]) / _TOTAL)


def position(gene: str) -> float:
    """Where a gene id falls in [0, 1)."""
    return int.from_bytes(hashlib.sha256(gene.encode("utf-8")).digest()[:8], "big") / 2.0**64


def assign_splits(genes: Iterable[str]) -> np.ndarray:
    """The split (``train``, ``valid`` or ``test``) of each gene id."""
    u = np.array([position(str(g)) for g in genes], dtype=np.float64)
    return np.asarray(SPLITS)[np.searchsorted(np.asarray(CUTS), u, side="right")]
