"""Correlations with bootstrap intervals, paired model comparison, and the relative PCC of Table 1.

All bootstraps resample genes with replacement, percentile intervals, seeded with
:func:`numpy.random.default_rng`; they are vectorised and processed in chunks so that
6,100 test genes x 1,000 resamples stay small in memory.
"""

from __future__ import annotations

import os
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


def _resample_chunks(n: int, n_boot: int, seed: int) -> Iterator[np.ndarray]:
    """Index arrays (chunk, n) of bootstrap resamples; the stream depends only on ``seed``."""
    rng = np.random.default_rng(seed)
    chunk = max(1, _CHUNK_VALUES // max(n, 1))
    done = 0
    while done < n_boot:
        k = min(chunk, n_boot - done)
        yield rng.integers(0, n, size=(k, n))
        done += k


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
    return np.concatenate([_rowwise_pearson(a[i], b[i]) for i in _resample_chunks(a.size, n_boot, seed)])


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
    r = bootstrap_pearsons(a, b, n_boot=n_boot, seed=seed)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return float("nan"), float("nan")
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(r, [alpha, 1.0 - alpha])
    return float(low), float(high)


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
    diffs = []
    for idx in _resample_chunks(a.size, n_boot, seed):
        ya = a[idx]
        diffs.append(_rowwise_pearson(ya, p1[idx]) - _rowwise_pearson(ya, p2[idx]))
    d = np.concatenate(diffs)
    d = d[np.isfinite(d)]
    observed = pearson(a, p1) - pearson(a, p2)
    if d.size == 0:
        nan = float("nan")
        return {"diff": observed, "low": nan, "high": nan, "p_value": nan}
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(d, [alpha, 1.0 - alpha])
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


def evaluate_results(
    results_dir: str | os.PathLike[str], n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Every complete run under ``results_dir`` with its test PCC and a bootstrap interval.

    Returns
    -------
    DataFrame
        The columns of :func:`deepdiff.results.collect_results` plus ``n_test``,
        ``test_pearson_low`` and ``test_pearson_high`` (recomputed from ``predictions.csv``).
    """
    from deepdiff.results import PREDICTIONS_FILE, collect_results

    table = collect_results(results_dir)
    lows, highs, ns = [], [], []
    for path in table["path"]:
        pred = pd.read_csv(os.path.join(path, PREDICTIONS_FILE), usecols=["lfc_true", "lfc_pred"])
        ns.append(len(pred))
        if len(pred) >= 2:
            low, high = bootstrap_pearson_ci(
                pred["lfc_true"].to_numpy(),
                pred["lfc_pred"].to_numpy(),
                n_boot=n_boot,
                level=level,
                seed=seed,
            )
        else:
            low = high = float("nan")
        lows.append(low)
        highs.append(high)
    table = table.assign(n_test=ns, test_pearson_low=lows, test_pearson_high=highs)
    return table
