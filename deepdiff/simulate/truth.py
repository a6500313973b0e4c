"""What the simulator planted, returned with the data so that models can be checked against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from deepdiff.constants import MARKS, SPLITS
from deepdiff.simulate.config import SimulationConfig


@dataclass(frozen=True)
class SimulationTruth:
    """The planted link from marks to expression for one simulated pair.

    Per-gene arrays are dicts keyed by split (``train``, ``valid``, ``test``), aligned with the
    genes of the matching :class:`~deepdiff.data.containers.SplitData`.

    Attributes
    ----------
    pair : str
    seed : int
    config : SimulationConfig
    informative_marks : tuple of (mark, sign)
        Marks that carry activity and the direction they follow it (+1 up with activity,
        -1 down); H3K9me3 is absent by design.
    informative_bins : dict
        Mark -> list of 1-based inclusive bin ranges where the planted kernel is at least half
        its peak (bins 1..200; the TSS lies between bins 100 and 101); empty for H3K9me3.
    bin_weights : ndarray, shape (5, 200)
        Signed change of a bin's log mean count per standard deviation of activity, averaged
        over activities and over the two cells' calibrated models (scaled by
        ``config.mark_coupling``); zero where nothing is planted.
    bin_information : ndarray, shape (5, 200)
        Fisher information about activity, per mark spread over its bins (accounts for count
        level and noise; see :func:`deepdiff.simulate.mechanism.planted_response`).
    mark_importance : ndarray, shape (5,)
        Each mark's share of the information about activity (sums to 1, or all zeros when
        nothing is planted): the reference for mark-level attention.
    explained : dict of bool arrays
        True where the gene's marks follow its expression change.
    activity_a, activity_b : dict of float arrays
        Standardised activity that drives each cell's marks.
    oracle_lfc : dict of float arrays
        The LFC a gene would have if its expression changed exactly as its marks say, with no
        expression noise, at its exact expression level: an optimistic reference predictor.
    oracle_pcc : dict
        Split -> Pearson correlation of ``oracle_lfc`` with the split's true LFC, a rough ceiling
        for any model on that split.
    sources : dict
        Which calibration entries were used (change model, each cell's marks and expression).
    """

    pair: str
    seed: int
    config: SimulationConfig
    informative_marks: tuple[tuple[str, int], ...]
    informative_bins: Mapping[str, list[tuple[int, int]]]
    bin_weights: np.ndarray
    bin_information: np.ndarray
    mark_importance: np.ndarray
    explained: Mapping[str, np.ndarray]
    activity_a: Mapping[str, np.ndarray]
    activity_b: Mapping[str, np.ndarray]
    oracle_lfc: Mapping[str, np.ndarray]
    oracle_pcc: Mapping[str, float]
    sources: Mapping[str, str]

    def bin_mask(self, level: float = 0.1) -> np.ndarray:
        """Boolean (5, 200): bins whose ``|bin_weights|`` reach ``level`` times the largest one."""
        weights = np.abs(self.bin_weights)
        top = weights.max()
        return weights >= level * top if top > 0 else np.zeros(weights.shape, dtype=bool)

    def describe(self) -> str:
        """A few lines of plain text: what was planted, for logs and notebooks."""
        marks = ", ".join(f"{m} ({'+' if s > 0 else '-'})" for m, s in self.informative_marks) or "none"
        ranks = ", ".join(
            f"{MARKS[i]} {self.mark_importance[i]:.2f}" for i in np.argsort(-self.mark_importance)
        )
        bins = "; ".join(
            f"{m}: " + ", ".join(f"{a}-{b}" for a, b in self.informative_bins[m])
            for m, _ in self.informative_marks
        )
        n_genes = sum(len(self.explained[s]) for s in SPLITS)
        explained = sum(int(self.explained[s].sum()) for s in SPLITS)
        cfg = self.config
        return "\n".join(
            [
                f"Simulated pair {self.pair}, seed {self.seed}, {n_genes} genes (simulator ground truth).",
                f"Informative marks (sign): {marks}; H3K9me3 and any mark not listed carry nothing.",
                f"Informative bins (1-based, TSS between 100 and 101): {bins or 'none'}.",
                f"Mark importance (share of information about activity): {ranks}.",
                f"Genes whose marks follow their expression change: {explained} of {n_genes} "
                f"({cfg.explained_fraction:.0%} planned); the others' LFC is unpredictable from marks.",
                f"Of an explained gene's latent LFC variance, {cfg.change_signal_fraction:.0%} comes from the "
                f"marks' activity change, the rest is expression noise; coupling x{cfg.mark_coupling:g}, "
                f"depth x{cfg.depth:g}.",
                "Oracle PCC (knows each gene's level and mark-encoded change, no count noise): "
                + ", ".join(f"{s} {self.oracle_pcc[s]:.3f}" for s in SPLITS)
                + ".",
                "Calibration: " + "; ".join(f"{k}: {v}" for k, v in self.sources.items()) + ".",
            ]
        )
