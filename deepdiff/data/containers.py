"""In-memory containers for a pair of cells: arrays of genes x marks x bins, and targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from deepdiff.constants import DE_THRESHOLD, N_BINS, N_MARKS, SPLITS
from deepdiff.data.pair import Pair


@dataclass(frozen=True)
class CellSplit:
    """One parsed split file of one cell.

    Attributes
    ----------
    genes : ndarray of str, shape (n_genes,)
        Ensembl gene ids (the part of ``ENSGID_SYMBOL_BIN`` before the first ``_``).
    symbols : ndarray of str, shape (n_genes,)
        Gene symbols (may be empty strings).
    counts : ndarray of uint16 or uint32, shape (n_genes, 5, 200)
        Read counts per mark and bin, marks in :data:`deepdiff.constants.MARKS` order.
    """

    genes: np.ndarray
    symbols: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True)
class SplitData:
    """One split (train, valid or test) of a pair, genes aligned between the two cells.

    Attributes
    ----------
    genes : ndarray of str, shape (n,)
    x_a, x_b : ndarray, shape (n, 5, 200)
        Integer read counts of cell A and cell B.
    expr_a, expr_b : ndarray of float64, shape (n,)
        Expression counts from each cell's ``*.expr.csv``.
    """

    genes: np.ndarray
    x_a: np.ndarray
    x_b: np.ndarray
    expr_a: np.ndarray
    expr_b: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.genes)
        for name in ("x_a", "x_b"):
            arr = getattr(self, name)
            if arr.shape != (n, N_MARKS, N_BINS):
                raise ValueError(f"{name} has shape {arr.shape}, expected ({n}, {N_MARKS}, {N_BINS})")
        for name in ("expr_a", "expr_b"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected ({n},)")

    def __len__(self) -> int:
        return len(self.genes)

    @property
    def lfc(self) -> np.ndarray:
        """Log fold change ``log2((expr_b + 1) / (expr_a + 1))``, float32 (the main target)."""
        return (np.log2(self.expr_b + 1.0) - np.log2(self.expr_a + 1.0)).astype(np.float32)

    @property
    def log_expr_a(self) -> np.ndarray:
        """Auxiliary target of cell A: ``log2(expr_a + 1)``, float32."""
        return np.log2(self.expr_a + 1.0).astype(np.float32)

    @property
    def log_expr_b(self) -> np.ndarray:
        """Auxiliary target of cell B: ``log2(expr_b + 1)``, float32."""
        return np.log2(self.expr_b + 1.0).astype(np.float32)

    @property
    def is_differential(self) -> np.ndarray:
        """Siamese label S: 1 where ``|LFC| >= 2`` (the authors' threshold), else 0."""
        return (np.abs(self.lfc) >= DE_THRESHOLD).astype(np.float32)

    def subset(self, index: np.ndarray | slice) -> SplitData:
        """A new split holding the genes at ``index`` (arrays are views where numpy allows)."""
        return SplitData(
            genes=self.genes[index],
            x_a=self.x_a[index],
            x_b=self.x_b[index],
            expr_a=self.expr_a[index],
            expr_b=self.expr_b[index],
        )


@dataclass(frozen=True)
class PairData:
    """Everything a model or baseline needs for one pair, with its provenance.

    Attributes
    ----------
    pair : Pair
        Cell A and cell B; targets are changes from A to B.
    train, valid, test : SplitData
    source : str
        ``"remc"``, ``"sample"``, ``"local"`` or ``"simulated"``.
    label : str
        Human-readable provenance for figures and tables, e.g. ``"real full REMC"``,
        ``"real sample (200 genes per split)"``, ``"simulated (seed 0)"``.
    checksum : str
        SHA-256 over the source files (or the simulator's parameters): the data half of
        the result-cache key.
    truth : object, optional
        For simulated data, the planted mechanism (:class:`deepdiff.simulate.SimulationTruth`).
    meta : dict
        Free-form extra provenance (paths, URLs, simulator settings).
    """

    pair: Pair
    train: SplitData
    valid: SplitData
    test: SplitData
    source: str
    label: str
    checksum: str
    truth: Any = None
    meta: dict[str, Any] = field(default_factory=dict)

    def split(self, name: str) -> SplitData:
        """Return the split called ``name`` (``train``, ``valid`` or ``test``)."""
        if name not in SPLITS:
            raise KeyError(f"unknown split {name!r}; expected one of {', '.join(SPLITS)}")
        return getattr(self, name)

    @property
    def is_real(self) -> bool:
        """True for measured data (``remc``, ``sample``, ``local``), False for simulated."""
        return self.source != "simulated"

    def summary(self) -> str:
        """One line: pair, provenance and split sizes."""
        sizes = " / ".join(f"{len(self.split(s)):,}" for s in SPLITS)
        return f"{self.pair} [{self.label}] train/valid/test = {sizes} genes; {self.pair.direction}"
