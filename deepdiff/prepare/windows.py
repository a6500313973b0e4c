"""The window around each TSS: 200 bins of 100 bp, +/- 10 kb, strand-aware.

In the gene's direction of transcription, position ``p`` (``p = 0`` at the TSS base, negative
upstream) falls in bin ``floor((p + 10000) / 100) + 1``: bins 1..100 are the 10 kb upstream, the
TSS is the first base of bin 101, bins 101..200 the 10 kb downstream. On the genome that is
``[tss - 10000, tss + 10000)`` for a ``+`` gene and ``[tss - 9999, tss + 10001)`` read backwards
for a ``-`` gene, so bin 1 is always 10 kb upstream. Signal is binned in genome order
(:func:`window_starts`) and then put in the gene's order (:func:`orient`).

200 bins of 100 bp are what the authors' processed files hold: a 20 kb window, +/- 10 kb, as the
paper says (Section 3.3, "+/- 10000 bp"); their README's "+/- 20000 bp" would need 400 bins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from deepdiff.constants import BIN_SIZE_BP, N_BINS
from deepdiff.prepare.annotation import Genes
from deepdiff.prepare.rules import HALF_WINDOW_BP

WINDOW_BP = N_BINS * BIN_SIZE_BP


def window_starts(genes: Genes) -> np.ndarray:
    """The leftmost genome position (0-based) of each gene's window."""
    return np.where(genes.strands > 0, genes.tss - HALF_WINDOW_BP, genes.tss - HALF_WINDOW_BP + 1)


def fits(genes: Genes, lengths: Mapping[str, int]) -> np.ndarray:
    """Whether each gene's window lies inside its chromosome (``lengths`` by the genes' chromosome names)."""
    length = np.array([lengths.get(c, -1) for c in genes.chroms], dtype=np.int64)
    start = window_starts(genes)
    return (start >= 0) & (start + WINDOW_BP <= length)


def orient(counts: np.ndarray, strands: np.ndarray) -> np.ndarray:
    """Bins in genome order -> bins in the gene's order (reversed for ``-`` genes), in place."""
    minus = strands < 0
    counts[minus] = counts[minus, ::-1]
    return counts


@dataclass(frozen=True)
class Windows:
    """The windows to fill from one signal file.

    Attributes
    ----------
    ids : ndarray of str
        Gene ids (deepTools matrices are matched by them).
    chroms : ndarray of str
        Chromosome of each window, named as in the signal file.
    starts : ndarray of int64
        Leftmost position of each window (:func:`window_starts`).
    strands : ndarray of int8
    """

    ids: np.ndarray
    chroms: np.ndarray
    starts: np.ndarray
    strands: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def by_chromosome(self) -> dict[str, np.ndarray]:
        """Indices of the windows on each chromosome, sorted by start."""
        order = np.lexsort((self.starts, self.chroms))
        chroms = self.chroms[order]
        cuts = np.flatnonzero(chroms[1:] != chroms[:-1]) + 1
        return {str(chroms[part[0]]): part for part in np.split(order, cuts) if part.size}
