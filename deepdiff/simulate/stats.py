"""Summary statistics computed the same way on real and on simulated data.

The calibration script stores them for the real data, and the tests recompute them on a
simulated pair, so that "calibrated" means the same numbers on both sides.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata

from deepdiff.constants import DE_THRESHOLD

#: Quantile levels of the per-mark count summaries.
COUNT_QUANTILES: tuple[float, ...] = (0.5, 0.9, 0.99)
#: Quantile levels of the log-fold-change summaries.
LFC_QUANTILES: tuple[float, ...] = (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99)


def normal_scores(values: np.ndarray) -> np.ndarray:
    """Rank-based normal scores (ties share their average rank): ``Phi^-1((rank - 0.5) / n)``."""
    values = np.asarray(values, dtype=np.float64)
    return ndtri((rankdata(values) - 0.5) / len(values))


def log_expression(expr: np.ndarray) -> np.ndarray:
    """``log2(expr + 1)`` as float64, the scale of every expression target."""
    return np.log2(np.asarray(expr, dtype=np.float64) + 1.0)


def lfc_summary(expr_a: np.ndarray, expr_b: np.ndarray) -> dict[str, float]:
    """Spread of ``LFC = log2((b + 1) / (a + 1))``.

    Returns
    -------
    dict
        ``std``, ``frac_de`` (fraction with ``|LFC| >= 2``), ``level_corr`` (Pearson correlation
        of the two cells' log expression) and ``q<level>`` for each of :data:`LFC_QUANTILES`.
    """
    log_a, log_b = log_expression(expr_a), log_expression(expr_b)
    lfc = log_b - log_a
    out = {
        "std": float(lfc.std()),
        "frac_de": float(np.mean(np.abs(lfc) >= DE_THRESHOLD)),
        "level_corr": float(np.corrcoef(log_a, log_b)[0, 1]),
    }
    out.update(
        {f"q{q:g}": float(v) for q, v in zip(LFC_QUANTILES, np.quantile(lfc, LFC_QUANTILES), strict=True)}
    )
    return out


def mark_summary(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Per-mark count distribution of an array of shape (genes, marks, bins).

    Returns
    -------
    dict of ndarray, each of shape (marks,) unless stated
        ``mean``, ``zero_fraction``, ``q0.5``, ``q0.9``, ``q0.99`` (over all genes and bins),
        ``profile`` (marks, bins): mean count per bin over genes, and ``lag1`` the
        lag-1 autocorrelation along the bins of the counts after removing each gene's mean and
        the mean profile (how smooth a gene's track is).
    """
    x = np.asarray(counts, dtype=np.float64)
    n_marks = x.shape[1]
    flat = x.transpose(1, 0, 2).reshape(n_marks, -1)
    out = {
        "mean": flat.mean(axis=1),
        "zero_fraction": (flat == 0).mean(axis=1),
        "profile": x.mean(axis=0),
    }
    for q in COUNT_QUANTILES:
        out[f"q{q:g}"] = np.quantile(flat, q, axis=1)
    resid = x - x.mean(axis=2, keepdims=True) - (x.mean(axis=0) - x.mean(axis=(0, 2))[:, None])
    num = np.sum(resid[:, :, 1:] * resid[:, :, :-1], axis=(0, 2))
    den = np.sum(resid * resid, axis=(0, 2))
    out["lag1"] = num / np.maximum(den, 1e-12)
    return out


def promoter_expression_corr(counts: np.ndarray, expr: np.ndarray, mark: int, bins: slice) -> float:
    """Pearson correlation of ``log1p(mean count over bins)`` of one mark with ``log2(expr + 1)``."""
    signal = np.log1p(np.asarray(counts[:, mark, bins], dtype=np.float64).mean(axis=1))
    return float(np.corrcoef(signal, log_expression(expr))[0, 1])
