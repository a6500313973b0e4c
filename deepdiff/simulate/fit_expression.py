"""Fitting the pair change model to a pair's real log fold changes (``scripts/calibrate_simulator.py``).

The scale and tail of the latent change are chosen so that the simulated LFC of the pair has the
real standard deviation and fraction of genes with ``|LFC| >= 2``, given the real per-cell
expression quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from deepdiff.constants import DE_THRESHOLD
from deepdiff.simulate.mechanism import EXPRESSION_LEVELS, expression_counts, latent_sd
from deepdiff.simulate.stats import log_expression


def expression_quantiles(expr: np.ndarray) -> np.ndarray:
    """Quantiles of ``log2(expr + 1)`` at :data:`~deepdiff.simulate.mechanism.EXPRESSION_LEVELS`."""
    return np.quantile(log_expression(expr), EXPRESSION_LEVELS)


@dataclass(frozen=True)
class _ChangeDraws:
    level: np.ndarray
    gauss: np.ndarray
    log_scale: np.ndarray


def _lfc(q_a: np.ndarray, q_b: np.ndarray, scale: float, tail: float, draws: _ChangeDraws) -> np.ndarray:
    sd = latent_sd(scale, tail)
    change = scale * np.exp(tail * draws.log_scale) * draws.gauss
    expr_a = expression_counts((draws.level - change / 2) / sd, q_a, scale, tail)
    expr_b = expression_counts((draws.level + change / 2) / sd, q_b, scale, tail)
    return log_expression(expr_b) - log_expression(expr_a)


def fit_pair_change(
    q_a: np.ndarray,
    q_b: np.ndarray,
    target_std: float,
    target_frac_de: float,
    *,
    n: int = 60_000,
    seed: int = 20180817,
    tails: np.ndarray | None = None,
) -> tuple[float, float]:
    """Scale and tail of the latent change that reproduce a pair's LFC spread.

    For each tail on a grid the scale is solved so that ``std(LFC)`` equals ``target_std``; a
    heavier tail then puts more genes near 0 and fewer beyond ``|LFC| >= 2``, and the tail is
    interpolated where that fraction meets ``target_frac_de`` (the closest grid point where the
    target is out of reach). Common random numbers make both searches smooth.

    Returns
    -------
    (scale, tail) : tuple of float
    """
    rng = np.random.default_rng(seed)
    draws = _ChangeDraws(rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n))
    tails = np.arange(0.0, 1.61, 0.1) if tails is None else tails

    def scale_for(tail: float) -> float:
        def gap(scale: float) -> float:
            return float(_lfc(q_a, q_b, scale, tail, draws).std() - target_std)

        hi = 0.5
        while gap(hi) < 0 and hi < 64:
            hi *= 2
        return float(brentq(gap, 1e-6, hi, xtol=1e-5)) if gap(1e-6) < 0 < gap(hi) else hi

    def frac(scale: float, tail: float) -> float:
        return float(np.mean(np.abs(_lfc(q_a, q_b, scale, tail, draws)) >= DE_THRESHOLD))

    scales = np.array([scale_for(t) for t in tails])
    fracs = np.array([frac(s, t) for s, t in zip(scales, tails, strict=True)])
    # Only the decreasing part of frac(tail) is used: past its minimum more tail adds nothing useful.
    stop = int(np.argmin(fracs)) + 1
    t_grid, f_grid = tails[:stop], fracs[:stop]
    crossing = np.flatnonzero((f_grid[:-1] - target_frac_de) * (f_grid[1:] - target_frac_de) <= 0)
    if crossing.size:
        i = int(crossing[0])
        w = (f_grid[i] - target_frac_de) / (f_grid[i] - f_grid[i + 1]) if f_grid[i] != f_grid[i + 1] else 0.0
        tail = float(t_grid[i] + w * (t_grid[i + 1] - t_grid[i]))
    else:
        tail = float(t_grid[np.argmin(np.abs(f_grid - target_frac_de))])
    return scale_for(tail), tail
