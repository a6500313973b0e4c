"""Bin-specific RBF support vector regression: the single-layer (best bin) and two-layer SVR.

The paper's SVR baselines follow Cheng et al. (2011): one RBF SVR per bin on that bin's marks,
C from {0.1, 1, 10, 100}, every other setting at scikit-learn's default (epsilon 0.1,
``gamma="scale"``). Here a bin's features are the five marks of both cells, ``log2(1 + count)``,
standardised on the training split (:mod:`deepdiff.baselines.features`); the target is the LFC
on its own scale.

Both models start from the same **bin screen**: for each of the 200 bins and each C, an SVR is
fitted on a random subsample of the training genes (``screen_genes``; 2,000 of 10,000 in the
``paper`` profile) and scored by its validation Pearson correlation. An RBF SVR's fit time grows
faster than the number of genes, and steeply with C (on a full-size simulated pair, one bin on
10,000 genes takes about 2, 3, 7 and 90 s for C = 0.1, 1, 10, 100; all four take 2 s on 2,000
genes), so screening all 800 (bin, C) candidates on every gene would take about five hours of
CPU; the subsample only ranks candidates, and every model that predicts is refitted on all
training genes. The screen computes each bin's RBF kernel once and shares it between the C
values (``kernel="precomputed"``, the same models), and predictions are kernel rows times dual
coefficients (:func:`predict_rbf`), several times faster than libsvm's gene-by-gene loop.

* **Single-layer SVR** (``svr1``): the ``refit_bins`` bins with the best screen scores are
  refitted on all training genes for every C; the (bin, C) with the best validation PCC is the
  model (the paper's best-bin strategy).
* **Two-layer SVR** (``svr2``): each bin takes the smallest C whose screen score is within one
  standard error of its best (Breiman's one-standard-error rule: bins far from the TSS carry
  little signal, all C score alike there, and the most regularised SVR is also by far the
  fastest to fit on all genes; C = 100 costs thirty times C = 1). Its first-layer
  SVR is fitted on all training genes; its ``folds``-fold out-of-fold predictions on the training
  genes are the second layer's training inputs, so the second layer never learns from
  predictions on genes the first layer was trained on. The second layer is an RBF SVR over the
  200 standardised first-layer predictions, C chosen on the validation split, whose first-layer
  inputs come from the full-data models (as at test time).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

import numpy as np
from sklearn.model_selection import KFold
from sklearn.svm import SVR
from threadpoolctl import threadpool_limits

from deepdiff.baselines.base import (
    FittedBaseline,
    RunContext,
    best_index,
    budgets,
    finite_or_none,
    parallel_map,
    score,
    simplest_within_one_se,
    subsample,
)
from deepdiff.baselines.features import FeatureSpec, Standardizer, channels
from deepdiff.data.containers import SplitData

#: The paper's grid of C for both SVR baselines (Appendix 1.5).
PAPER_C_GRID: tuple[float, ...] = (0.1, 1.0, 10.0, 100.0)
#: Both SVRs see the marks of both cells, bin by bin, at 100 bp.
FEATURES = FeatureSpec(blocks=("a", "b"), pool=1)


@dataclass(frozen=True)
class SingleSVRConfig:
    """Single-layer (best-bin) SVR.

    Attributes
    ----------
    c_grid : tuple of float
        Values of C tried for every bin.
    screen_genes : int or None
        Training genes (random subsample) used to screen bins; None = all.
    refit_bins : int
        Best-screened bins refitted on all training genes for every C.
    epsilon : float
        SVR epsilon (scikit-learn's default).
    cache_size_mb : float
        libsvm kernel cache per fit; only speed depends on it.
    """

    c_grid: tuple[float, ...] = PAPER_C_GRID
    screen_genes: int | None = 2000
    refit_bins: int = 5
    epsilon: float = 0.1
    cache_size_mb: float = 500.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "features": FEATURES.describe()}


@dataclass(frozen=True)
class TwoLayerSVRConfig:
    """Two-layer SVR.

    Attributes
    ----------
    c_grid : tuple of float
        Values of C tried for each first-layer (bin) SVR, on the screen.
    c_grid_second : tuple of float
        Values of C tried for the second-layer SVR.
    screen_genes : int or None
        Training genes used to choose each bin's C; None = all.
    folds : int
        Folds of the out-of-fold first-layer predictions that train the second layer.
    epsilon : float
    cache_size_mb : float
    """

    c_grid: tuple[float, ...] = PAPER_C_GRID
    c_grid_second: tuple[float, ...] = PAPER_C_GRID
    screen_genes: int | None = 2000
    folds: int = 3
    epsilon: float = 0.1
    cache_size_mb: float = 500.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "features": FEATURES.describe()}


SINGLE_PROFILES: Mapping[str, SingleSVRConfig] = budgets(
    paper=SingleSVRConfig(), quick=SingleSVRConfig(c_grid=(0.1, 1.0, 10.0), screen_genes=500, refit_bins=2)
)
TWO_LAYER_PROFILES: Mapping[str, TwoLayerSVRConfig] = budgets(
    paper=TwoLayerSVRConfig(),
    quick=TwoLayerSVRConfig(
        c_grid=(0.1, 1.0, 10.0), c_grid_second=(0.1, 1.0, 10.0), screen_genes=500, folds=2
    ),
)


# ----------------------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class _BinData:
    """Standardised per-bin features of the training and validation splits."""

    train: np.ndarray  # (n_train, 10, 200)
    valid: np.ndarray  # (n_valid, 10, 200)
    scaler: Standardizer
    y_train: np.ndarray
    y_valid: np.ndarray


def _prepare(train: SplitData, valid: SplitData) -> _BinData:
    x_train = channels(train, FEATURES)
    scaler = Standardizer.fit(x_train)
    return _BinData(
        train=scaler.transform(x_train),
        valid=scaler.transform(channels(valid, FEATURES)),
        scaler=scaler,
        y_train=train.lfc.astype(np.float64),
        y_valid=valid.lfc.astype(np.float64),
    )


def _svr(c: float, epsilon: float, cache_size_mb: float) -> SVR:
    return SVR(kernel="rbf", C=c, epsilon=epsilon, gamma="scale", cache_size=cache_size_mb)


def _fit_score(
    job: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float],
    *,
    epsilon: float,
    cache_size_mb: float,
    keep_model: bool,
) -> tuple[float, SVR | None]:
    """Fit one SVR on (x, y) at C and score it on the validation (x, y)."""
    x, y, x_valid, y_valid, c = job
    model = _svr(c, epsilon, cache_size_mb).fit(x, y)
    return score(y_valid, predict_rbf(model, x_valid)), (model if keep_model else None)


def scale_gamma(x: np.ndarray) -> float:
    """scikit-learn's ``gamma="scale"``: ``1 / (n_features * x.var())``."""
    var = float(np.asarray(x, dtype=np.float64).var())
    return 1.0 / (x.shape[1] * var) if var > 0 else 1.0


def rbf_kernel(x: np.ndarray, z: np.ndarray, gamma: float, out: np.ndarray | None = None) -> np.ndarray:
    """``exp(-gamma * |x_i - z_j|^2)`` in float64 (libsvm's precision), computed in place.

    One BLAS product and in-place updates: fresh large arrays cost more in page faults than
    the arithmetic, so ``out`` (shape ``(len(x), len(z))``) can be a reused buffer.
    """
    x64, z64 = np.asarray(x, dtype=np.float64), np.asarray(z, dtype=np.float64)
    k = np.matmul(x64, z64.T, out=out)
    k *= -2.0
    k += np.einsum("ij,ij->i", x64, x64)[:, None]
    k += np.einsum("ij,ij->i", z64, z64)[None, :]
    np.maximum(k, 0.0, out=k)
    k *= -gamma
    return np.exp(k, out=k)


def predict_rbf(model: SVR, x: np.ndarray, chunk: int = 512) -> np.ndarray:
    """``model.predict(x)`` for a fitted RBF SVR, as kernel rows times dual coefficients.

    libsvm predicts one gene at a time; one BLAS product per chunk of genes gives the same
    numbers (to rounding) several times faster, with memory bounded by ``chunk`` x support vectors.
    """
    sv, coef, gamma = model.support_vectors_, model.dual_coef_[0], float(model._gamma)
    out = np.empty(len(x), dtype=np.float64)
    buffer = np.empty((min(chunk, len(x)), len(sv)), dtype=np.float64)
    for start in range(0, len(x), chunk):
        rows = x[start : start + chunk]
        out[start : start + len(rows)] = rbf_kernel(rows, sv, gamma, out=buffer[: len(rows)]) @ coef
    return out + float(model.intercept_[0])


def _screen_bin(
    job: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    c_grid: tuple[float, ...],
    epsilon: float,
    cache_size_mb: float,
) -> np.ndarray:
    """Validation PCC of one bin's SVR for every C, from one precomputed kernel.

    The RBF kernel with ``gamma="scale"`` is computed once and shared by every C (libsvm would
    recompute it per fit); the fitted models are the same as with ``kernel="rbf"``.
    """
    x, y, x_valid, y_valid = job
    gamma = scale_gamma(x)
    gram, cross = rbf_kernel(x, x, gamma), rbf_kernel(x_valid, x, gamma)
    out = np.empty(len(c_grid))
    for i, c in enumerate(c_grid):
        model = SVR(kernel="precomputed", C=c, epsilon=epsilon, cache_size=cache_size_mb).fit(gram, y)
        out[i] = score(y_valid, model.predict(cross))
    return out


def _screen(
    data: _BinData, c_grid: tuple[float, ...], genes: int | None, ctx: RunContext, **svr: float
) -> dict[str, Any]:
    """Validation PCC of every (bin, C), each SVR fitted on the same training subsample.

    Returns
    -------
    dict
        ``scores``: ndarray (n_bins, len(c_grid)), ``-inf`` where the prediction was constant;
        ``genes``: the subsample size.
    """
    rows = subsample(len(data.y_train), genes, ctx.seed)
    x_sub, y_sub = data.train[rows], data.y_train[rows]
    n_bins = data.train.shape[2]
    results = parallel_map(
        partial(_screen_bin, c_grid=c_grid, **svr),
        ((x_sub[:, :, b], y_sub, data.valid[:, :, b], data.y_valid) for b in range(n_bins)),
        ctx=ctx,
        desc=f"SVR bin screen ({len(rows)} genes)",
        total=n_bins,
    )
    return {"scores": np.stack(results), "genes": len(rows)}


def _screen_record(screen: dict[str, Any], c_grid: tuple[float, ...]) -> dict[str, Any]:
    return {
        "c_grid": list(c_grid),
        "genes": screen["genes"],
        "valid_pearson": [[finite_or_none(v) for v in row] for row in screen["scores"]],
    }


# ----------------------------------------------------------------------------- single layer


@threadpool_limits.wrap(limits=1)  # parallel over processes; one BLAS thread each avoids contention
def fit_single(
    train: SplitData, valid: SplitData, config: SingleSVRConfig, ctx: RunContext
) -> FittedBaseline:
    """Single-layer SVR with the best bin (see the module docstring)."""
    svr = {"epsilon": config.epsilon, "cache_size_mb": config.cache_size_mb}
    timings: dict[str, float] = {}
    tic = time.perf_counter()
    data = _prepare(train, valid)
    screen = _screen(data, config.c_grid, config.screen_genes, ctx, **svr)
    timings["screen_s"] = time.perf_counter() - tic

    tic = time.perf_counter()
    bin_best = np.max(screen["scores"], axis=1)
    # Stable sort: ties keep the lower bin, so the choice does not depend on float noise order.
    top = [int(b) for b in np.argsort(-bin_best, kind="stable")[: config.refit_bins]]
    candidates = [(b, c) for b in top for c in config.c_grid]
    jobs = ((data.train[:, :, b], data.y_train, data.valid[:, :, b], data.y_valid, c) for b, c in candidates)
    refits = parallel_map(
        partial(_fit_score, keep_model=True, **svr),
        jobs,
        ctx=ctx,
        desc="SVR refit of the best bins",
        total=len(candidates),
    )
    timings["refit_s"] = time.perf_counter() - tic
    scores = [r[0] for r in refits]
    i = best_index(scores)
    best_bin, best_c = candidates[i]
    model = refits[i][1]
    assert model is not None
    scaler = data.scaler

    @threadpool_limits.wrap(limits=1)
    def predictor(split: SplitData) -> np.ndarray:
        x = scaler.transform(channels(split, FEATURES))[:, :, best_bin]
        return predict_rbf(model, x)

    return FittedBaseline(
        predictor=predictor,
        selected={"bin": best_bin + 1, "C": best_c, "valid_pearson": finite_or_none(scores[i])},
        valid_pred=predict_rbf(model, data.valid[:, :, best_bin]),
        search={
            "screen": _screen_record(screen, config.c_grid),
            "refit": [
                {"bin": b + 1, "C": c, "valid_pearson": finite_or_none(s)}
                for (b, c), s in zip(candidates, scores, strict=True)
            ],
        },
        timings=timings,
    )


# ----------------------------------------------------------------------------- two layers


def _first_layer(
    job: tuple[np.ndarray, np.ndarray, np.ndarray, float],
    *,
    folds: list[tuple[np.ndarray, np.ndarray]],
    epsilon: float,
    cache_size_mb: float,
) -> tuple[np.ndarray, np.ndarray, SVR]:
    """One bin: out-of-fold training predictions, the full-data model and its validation predictions."""
    x, y, x_valid, c = job
    oof = np.empty(len(y), dtype=np.float64)
    for fit_rows, held_rows in folds:
        oof[held_rows] = predict_rbf(
            _svr(c, epsilon, cache_size_mb).fit(x[fit_rows], y[fit_rows]), x[held_rows]
        )
    model = _svr(c, epsilon, cache_size_mb).fit(x, y)
    return oof, predict_rbf(model, x_valid), model


def _predict_bin(job: tuple[SVR, np.ndarray]) -> np.ndarray:
    model, x = job
    return predict_rbf(model, x)


@threadpool_limits.wrap(limits=1)  # parallel over processes; one BLAS thread each avoids contention
def fit_two_layer(
    train: SplitData, valid: SplitData, config: TwoLayerSVRConfig, ctx: RunContext
) -> FittedBaseline:
    """Two-layer SVR (see the module docstring)."""
    svr = {"epsilon": config.epsilon, "cache_size_mb": config.cache_size_mb}
    timings: dict[str, float] = {}
    tic = time.perf_counter()
    data = _prepare(train, valid)
    screen = _screen(data, config.c_grid, config.screen_genes, ctx, **svr)
    bin_c = [config.c_grid[simplest_within_one_se(row, len(data.y_valid))] for row in screen["scores"]]
    timings["screen_s"] = time.perf_counter() - tic

    tic = time.perf_counter()
    n_bins = data.train.shape[2]
    splitter = KFold(n_splits=config.folds, shuffle=True, random_state=ctx.seed)
    folds = list(splitter.split(data.y_train))
    first = parallel_map(
        partial(_first_layer, folds=folds, **svr),
        ((data.train[:, :, b], data.y_train, data.valid[:, :, b], bin_c[b]) for b in range(n_bins)),
        ctx=ctx,
        desc=f"SVR first layer ({config.folds}-fold + full)",
        total=n_bins,
    )
    timings["first_layer_s"] = time.perf_counter() - tic

    tic = time.perf_counter()
    z_train = np.stack([f[0] for f in first], axis=1)
    z_valid = np.stack([f[1] for f in first], axis=1)
    models = [f[2] for f in first]
    z_scaler = Standardizer.fit(z_train)
    z_train, z_valid = z_scaler.transform(z_train), z_scaler.transform(z_valid)
    second = parallel_map(
        partial(_fit_score, keep_model=True, **svr),
        ((z_train, data.y_train, z_valid, data.y_valid, c) for c in config.c_grid_second),
        ctx=ctx,
        desc="SVR second layer",
        total=len(config.c_grid_second),
    )
    timings["second_layer_s"] = time.perf_counter() - tic
    scores = [s[0] for s in second]
    i = best_index(scores)
    top = second[i][1]
    assert top is not None
    scaler = data.scaler

    @threadpool_limits.wrap(limits=1)
    def predictor(split: SplitData) -> np.ndarray:
        x = scaler.transform(channels(split, FEATURES))
        z = parallel_map(
            _predict_bin,
            ((m, x[:, :, b]) for b, m in enumerate(models)),
            ctx=ctx,
            desc="SVR first layer, predicting",
            total=len(models),
        )
        return predict_rbf(top, z_scaler.transform(np.stack(z, axis=1)))

    return FittedBaseline(
        predictor=predictor,
        selected={
            "C_second": config.c_grid_second[i],
            "C_first_per_bin": bin_c,
            "C_first_counts": {str(c): bin_c.count(c) for c in config.c_grid},
            "valid_pearson": finite_or_none(scores[i]),
        },
        valid_pred=predict_rbf(top, z_valid),
        search={
            "screen": _screen_record(screen, config.c_grid),
            "second_layer": [
                {"C": c, "valid_pearson": finite_or_none(s)}
                for c, s in zip(config.c_grid_second, scores, strict=True)
            ],
        },
        timings=timings,
    )
