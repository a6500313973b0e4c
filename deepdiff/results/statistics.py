"""Correlations with bootstrap intervals, paired model comparison, and the relative PCC of Table 1.

One bootstrap engine serves every interval of the project: resamples of genes drawn with
replacement (seeded with :func:`numpy.random.default_rng`) are held as multiplicities
(:func:`resample_counts`), so the Pearson correlation of every resample is a few matrix-vector
products (:func:`weighted_pearson`), processed in chunks so that 6,100 test genes x 1,000
resamples stay small in memory; intervals are percentile intervals (:func:`percentile_ci`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

_CHUNK_VALUES = 2_000_000  # resampled values per chunk (16 MB of float64 per array)


def _as_pair(y: np.ndarray, yhat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(y, dtype=np.float64).ravel()
    b = np.asarray(yhat, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"arrays differ in length: {a.size} vs {b.size}")
    return a, b


def _rowwise_pearson(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """Pearson correlation of each row of two (k, n) arrays; NaN where a row is constant."""
    yc = y - y.mean(axis=-1, keepdims=True)
    pc = yhat - yhat.mean(axis=-1, keepdims=True)
    num = np.einsum("ij,ij->i", yc, pc)
    den = np.sqrt(np.einsum("ij,ij->i", yc, yc) * np.einsum("ij,ij->i", pc, pc))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = num / den
    return np.clip(r, -1.0, 1.0)


def pearson(y: np.ndarray, yhat: np.ndarray) -> float:
    """Pearson correlation coefficient (the paper's metric); NaN if n < 2 or an input is constant."""
    a, b = _as_pair(y, yhat)
    if a.size < 2:
        return float("nan")
    return float(_rowwise_pearson(a[None, :], b[None, :])[0])


# --------------------------------------------------------------------------------------------
# The bootstrap engine: resamples as multiplicities, correlations as weighted sums
# --------------------------------------------------------------------------------------------


def resample_counts(
    n: int, n_boot: int, rng: np.random.Generator, chunk_values: int | None = _CHUNK_VALUES
) -> Iterator[np.ndarray]:
    """Bootstrap resamples of ``n`` items as multiplicities, in chunks of shape (k, n).

    Each resample draws ``n`` indices with replacement (``rng.integers``); row ``i`` counts how
    often each item was drawn. Chunks hold at most ``chunk_values`` draws (None: one chunk), so
    the stream depends only on ``rng`` and the chunking.
    """
    chunk = n_boot if chunk_values is None else max(1, chunk_values // max(n, 1))
    done = 0
    while done < n_boot:
        k = min(chunk, n_boot - done)
        idx = rng.integers(0, n, size=(k, n))
        offsets = (np.arange(k) * n)[:, None]
        yield np.bincount((idx + offsets).ravel(), minlength=k * n).reshape(k, n).astype(np.float64)
        done += k


def weighted_pearson(weights: np.ndarray, y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Pearson correlation of ``y`` and ``p`` under each row of multiplicities ``weights``.

    A bootstrap resample is a vector of multiplicities, so all resamples are five matrix-vector
    products; NaN where a resample is constant.
    """
    y = np.asarray(y, dtype=np.float64) - np.mean(y)
    p = np.asarray(p, dtype=np.float64) - np.mean(p)
    total = weights.sum(axis=1)
    sy, sp = weights @ y, weights @ p
    syy, spp, syp = weights @ (y * y), weights @ (p * p), weights @ (y * p)
    cov = total * syp - sy * sp
    var = (total * syy - sy**2) * (total * spp - sp**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.sqrt(var)
    r[~(var > 0)] = np.nan
    return np.clip(r, -1.0, 1.0)


def percentile_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the finite ``values`` at coverage ``level`` (NaNs when none is finite)."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return float("nan"), float("nan")
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(finite, [alpha, 1.0 - alpha])
    return float(low), float(high)


def _check_boot(n: int, n_boot: int, level: float) -> None:
    if n < 2:
        raise ValueError(f"need at least two genes for a bootstrap, got {n}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be positive, got {n_boot}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")


def bootstrap_pearsons(y: np.ndarray, yhat: np.ndarray, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """Pearson correlations of ``n_boot`` gene resamples (the bootstrap distribution)."""
    a, b = _as_pair(y, yhat)
    _check_boot(a.size, n_boot, 0.5)
    rng = np.random.default_rng(seed)
    return np.concatenate([weighted_pearson(w, a, b) for w in resample_counts(a.size, n_boot, rng)])


def bootstrap_pearson_ci(
    y: np.ndarray, yhat: np.ndarray, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the Pearson correlation over genes.

    Parameters
    ----------
    y, yhat : array-like, shape (n,)
        True and predicted values (e.g. test-split LFC).
    n_boot : int
        Number of resamples.
    level : float
        Coverage, e.g. 0.95 for the 2.5th and 97.5th percentiles.
    seed : int

    Returns
    -------
    (low, high) : tuple of float
        NaN if every resample is undefined (constant predictions).
    """
    a, b = _as_pair(y, yhat)
    _check_boot(a.size, n_boot, level)
    return percentile_ci(bootstrap_pearsons(a, b, n_boot=n_boot, seed=seed), level)


def paired_bootstrap(
    y: np.ndarray,
    pred_1: np.ndarray,
    pred_2: np.ndarray,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, float]:
    """Compare two models on the same genes: PCC(model 1) - PCC(model 2) with a paired bootstrap.

    Each resample draws genes with replacement and scores both models on the same draw, so the
    gene-to-gene variation shared by the two models cancels.

    Returns
    -------
    dict
        ``diff`` (observed PCC difference), ``low`` and ``high`` (percentile interval at
        ``level``), ``p_value`` (two-sided: twice the smaller share of resampled differences at
        or beyond zero on either side, with the +1 correction, capped at 1).
    """
    a, p1 = _as_pair(y, pred_1)
    _, p2 = _as_pair(y, pred_2)
    _check_boot(a.size, n_boot, level)
    rng = np.random.default_rng(seed)
    d = np.concatenate(
        [
            weighted_pearson(w, a, p1) - weighted_pearson(w, a, p2)
            for w in resample_counts(a.size, n_boot, rng)
        ]
    )
    d = d[np.isfinite(d)]
    observed = pearson(a, p1) - pearson(a, p2)
    if d.size == 0:
        nan = float("nan")
        return {"diff": observed, "low": nan, "high": nan, "p_value": nan}
    low, high = percentile_ci(d, level)
    tail = min(np.count_nonzero(d <= 0), np.count_nonzero(d >= 0))
    p_value = min(1.0, 2.0 * (tail + 1) / (d.size + 1))
    return {"diff": float(observed), "low": float(low), "high": float(high), "p_value": float(p_value)}


def relative_pcc(pcc_model, pcc_baseline):
    """Relative PCC in percent, as in Table 1: ``100 * pcc_model / pcc_baseline``.

    Works on scalars (returns float) and element-wise on arrays or Series; NaN where the
    baseline's PCC is zero or undefined.
    """
    model = np.asarray(pcc_model, dtype=np.float64)
    base = np.asarray(pcc_baseline, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(base == 0, np.nan, 100.0 * model / np.where(base == 0, 1.0, base))
    if isinstance(pcc_model, pd.Series):
        return pd.Series(out, index=pcc_model.index, name="relative_pcc")
    return float(out) if out.ndim == 0 else out
