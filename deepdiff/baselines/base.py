"""The one interface every baseline implements: fit on train, select on validation, predict.

A baseline is a pair of plain objects in its module:

* a frozen configuration dataclass, with one instance per profile (``PROFILES``), and
* a function ``fit(train, valid, config, ctx) -> FittedBaseline``.

``fit`` sees only the training and validation splits: every hyper-parameter is chosen by the
validation Pearson correlation (the paper's metric), and the test split reaches a baseline only
through :meth:`FittedBaseline.predict`, after selection is over. :func:`deepdiff.methods.by_name.run_baseline`
wires this to the shared result format.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

from deepdiff.data.containers import SplitData
from deepdiff.results.statistics import pearson

T = TypeVar("T")
R = TypeVar("R")

#: Maps a split to predicted LFC, one float per gene.
Predictor = Callable[[SplitData], np.ndarray]


def budgets(*, paper: T, quick: T, book: T | None = None) -> Mapping[str, T]:
    """A baseline's configuration per profile (:data:`deepdiff.constants.PROFILE_NAMES`).

    ``book`` differs from ``quick`` only where a method trains by epochs (the book's profile gives
    its runs the steps to reach a plateau); a baseline fitted to completion keeps quick's.
    """
    return MappingProxyType({"paper": paper, "quick": quick, "book": quick if book is None else book})


@dataclass(frozen=True)
class RunContext:
    """How to run, not what to compute (none of it changes a result except ``seed``).

    Attributes
    ----------
    seed : int
        Seeds every random choice (subsamples, folds, forests, network weights).
    n_jobs : int
        Worker processes / threads for parallel fits.
    progress : bool
        Show tqdm progress bars.
    device : str
        Torch device of neural baselines (``"auto"``, ``"cpu"``, ``"cuda"``...); the
        scikit-learn baselines always run on the CPU.
    """

    seed: int = 0
    n_jobs: int = 1
    progress: bool = True
    device: str = "cpu"


@dataclass(frozen=True)
class FittedBaseline:
    """A baseline after fitting and selection.

    Attributes
    ----------
    predictor : callable
        Split -> predicted LFC of the selected model.
    selected : dict
        The chosen hyper-parameters (JSON-ready).
    valid_pred : ndarray, shape (n_valid,)
        The selected model's predictions on the validation split.
    search : dict
        The validation scores behind the choice (JSON-ready), for the record.
    timings : dict of str to float
        Seconds spent in each stage of fitting and selection.
    history : list of dict
        Per-epoch records of neural baselines; empty otherwise.
    """

    predictor: Predictor = field(repr=False)
    selected: dict[str, Any]
    valid_pred: np.ndarray = field(repr=False)
    search: dict[str, Any] = field(default_factory=dict, repr=False)
    timings: dict[str, float] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def predict(self, split: SplitData) -> np.ndarray:
        """Predicted LFC of every gene of ``split`` (float64, shape (n,))."""
        pred = np.asarray(self.predictor(split), dtype=np.float64).reshape(-1)
        if pred.shape != (len(split),):
            raise RuntimeError(f"baseline returned {pred.size} predictions for {len(split)} genes")
        return pred


def score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Selection score: validation Pearson correlation, ``-inf`` where undefined (constant output)."""
    value = pearson(y_true, y_pred)
    return value if math.isfinite(value) else -math.inf


def best_index(scores: Sequence[float]) -> int:
    """Index of the highest score; the first one on ties (grids are ordered simplest first)."""
    values = np.asarray(scores, dtype=np.float64)
    values = np.where(np.isfinite(values), values, -np.inf)
    return int(np.argmax(values))


def simplest_within_one_se(scores: Sequence[float], n_valid: int) -> int:
    """Index of the first (simplest) candidate whose score is within one standard error of the best.

    Breiman's one-standard-error rule with the standard error of a Pearson correlation,
    ``(1 - r**2) / sqrt(n - 1)``, at the best score ``r``. Grids are ordered simplest (most
    regularised) first, so a candidate that is not measurably worse than the best is preferred.
    """
    values = np.asarray(scores, dtype=np.float64)
    values = np.where(np.isfinite(values), values, -np.inf)
    best = float(values.max())
    if not math.isfinite(best):
        return 0
    se = (1.0 - best**2) / math.sqrt(max(n_valid - 1, 1))
    return int(np.flatnonzero(values >= best - se)[0])


def finite_or_none(value: float) -> float | None:
    """JSON-friendly score: None for NaN or infinite."""
    return float(value) if math.isfinite(value) else None


def subsample(n: int, size: int | None, seed: int) -> np.ndarray:
    """Sorted indices of ``size`` of ``n`` items drawn without replacement (all of them if None or >= n)."""
    if size is None or size >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=size, replace=False))


def parallel_map(
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    ctx: RunContext,
    desc: str,
    total: int | None = None,
) -> list[R]:
    """``[function(item) for item in items]``, over ``ctx.n_jobs`` processes, with a progress bar.

    Results come back in the order of ``items``. With ``n_jobs == 1`` everything runs in this
    process (no pickling), which is also what tests use.
    """
    from tqdm.auto import tqdm

    items = list(items)
    total = len(items) if total is None else total
    if ctx.n_jobs == 1:
        results: Iterator[R] = (function(item) for item in items)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=ctx.n_jobs, return_as="generator")(
            delayed(function)(item) for item in items
        )
    return list(tqdm(results, total=total, desc=desc, disable=not ctx.progress, leave=False))
