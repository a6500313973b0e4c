"""Fitting a cell's mark model to the real sample (used by ``scripts/calibrate_simulator.py``).

Per cell and mark, in two steps:

1. the planted signal (amplitude, switch steepness and threshold) and the background profile
   come from a Poisson fit of the mean count per gene and bin given the gene's activity, taken as
   the normal score of its expression within the sample (consistent whatever the noise model);
2. the noise parameters (gene offset, peak height, field sd and correlation, bump rate and
   height) are chosen by simulated moments: the distance between summary statistics of
   simulated and real counts (:func:`fit_statistics`), each scaled by its bootstrap standard
   error over the real genes, is minimised by Nelder-Mead. The simulation uses the real genes'
   activities and common random numbers, so the distance is a smooth function of the parameters.

The correlations between the two cells of the pair and between marks (:class:`GeneEffects`) are
fitted the same way on the real pair E123/E003.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, ndtri

from deepdiff.constants import MARKS, N_BINS, N_MARKS
from deepdiff.simulate.calibration import MARK_PARAMETERS, GeneEffects, MarkModel
from deepdiff.simulate.marks import (
    BUMP_MARGIN,
    Bumps,
    GeneDraws,
    bump_intensity,
    mean_bump_intensity,
    mean_counts,
    overlapping_counts,
    read_rates,
)
from deepdiff.simulate.mechanism import MARK_SIGNS, planted_kernels

#: Bounds of the switch (steepness, threshold) and of the signal amplitude (reads at the peak).
STEEPNESS_BOUNDS = (0.3, 6.0)
THRESHOLD_BOUNDS = (-2.0, 2.0)
AMPLITUDE_MAX = 2000.0
#: Genes at this lower quantile of ``sign * activity`` and below define a mark's background.
OFF_QUANTILE = 0.2
#: Bounds of the dose-response slope (log signal per standard deviation of activity).
SLOPE_BOUNDS = (0.0, 1.5)
#: Most bumps per gene and mark in the fitting simulation (rates are bounded far below).
MAX_BUMPS = 12
#: Names of :func:`fit_statistics`, in order (the last three only for marks with a kernel).
STATISTICS: tuple[str, ...] = (
    "zero_fraction",
    "mean_log1p",
    "above_q90",
    "above_q99",
    "lag1",
    "lag2",
    "lag4",
    "gene_level_sd",
    "peak_sd",
    "peak_activity_corr",
    "level_activity_corr",
)
_SIGNS = np.array([MARK_SIGNS[m] for m in MARKS], dtype=np.float64)
#: Statistics of the marks' association with activity, and their extra weight in the fit.
ASSOCIATION: tuple[str, ...] = ("peak_activity_corr", "level_activity_corr")
ASSOCIATION_WEIGHT = 4.0


# ----------------------------------------------------------------------------- step 1: the signal


def fit_signal(
    y: np.ndarray, z: np.ndarray, kernel: np.ndarray, sign: float
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson fit of ``E[y[g, j]] = exp(alpha[j]) + A * kernel[j] * r(z[g])``.

    ``r`` is :func:`~deepdiff.simulate.mechanism.signal_response` (steepness, threshold, slope);
    a mark without kernel or sign gets ``A = 0`` and ``alpha`` = log of the mean profile. The
    background ``exp(alpha)`` is bounded by 1.5 times the mean of the genes whose switch is most
    off (the lowest 20 % of ``sign * z``). The best of three L-BFGS starts (threshold -1, 0, 1)
    wins.

    Returns
    -------
    (params, alpha) : ndarray (4,) ``[A, steepness, threshold, slope]`` and ndarray (200,)
    """
    mean = y.mean(axis=0) + 1e-3  # a bin without any read would give log(0)
    if sign == 0 or not kernel.any():
        return np.array([0.0, 1.0, 0.0, 0.0]), np.log(mean)
    n_bins = len(kernel)

    def nll_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, log_amp, steep, thr, slope = theta[:n_bins], *theta[n_bins:]
        on = expit(sign * steep * (z - thr))
        r = on * np.exp(sign * slope * z)
        amp = np.exp(log_amp)
        signal = amp * np.outer(r, kernel)
        mu = np.exp(alpha)[None, :] + signal
        value = float(np.sum(mu) - np.sum(y * np.log(mu)))
        resid = 1.0 - y / mu
        d_r = amp * (resid @ kernel)  # d value / d r, per gene
        grad = np.concatenate(
            [
                resid.sum(axis=0) * np.exp(alpha),
                [np.sum(resid * signal)],
                [np.sum(d_r * r * sign * (1.0 - on) * (z - thr))],
                [-np.sum(d_r * r * sign * (1.0 - on)) * steep],
                [np.sum(d_r * r * sign * z)],
            ]
        )
        return value, grad

    # The background is what genes with the signal switched off show: it may not exceed 1.5 times
    # their mean (else it soaks up the planted peak, which silent genes would then carry too).
    off = sign * z <= np.quantile(sign * z, OFF_QUANTILE)
    ceiling = np.log(1.5 * y[off].mean(axis=0) + 0.05)
    low = np.minimum(y[off].mean(axis=0) + 0.05, np.exp(ceiling))
    bounds = [(-8.0, float(c)) for c in ceiling] + [
        (-3.0, np.log(AMPLITUDE_MAX)),
        STEEPNESS_BOUNDS,
        THRESHOLD_BOUNDS,
        SLOPE_BOUNDS,
    ]
    fits = []
    for t in (-1.0, 0.0, 1.0):
        start = np.concatenate([np.log(low), [np.log(max(mean.max() - low.min(), 0.5)), 1.5, t, 0.2]])
        fits.append(minimize(nll_and_grad, start, jac=True, method="L-BFGS-B", bounds=bounds))
    best = min(fits, key=lambda r: r.fun).x
    return np.array([np.exp(best[n_bins]), *best[n_bins + 1 :]]), best[:n_bins]


def background_bins(kernel: np.ndarray) -> np.ndarray:
    """Bins where the kernel is within 15 % of its range above its minimum (all bins without one)."""
    if not kernel.any():
        return np.ones(kernel.shape, dtype=bool)
    return kernel <= kernel.min() + 0.15 * (kernel.max() - kernel.min())


# ----------------------------------------------------------------------------- statistics


def fit_statistics(
    y: np.ndarray, kernel: np.ndarray, thresholds: tuple[float, float], activity: np.ndarray
) -> np.ndarray:
    """Summary statistics of one mark's counts (genes, 200), see :data:`STATISTICS`.

    ``thresholds`` are the real data's 90 % and 99 % quantiles; the fractions above them pin the
    upper tail. ``lag1``, ``lag2``, ``lag4`` are autocorrelations along the bins of ``log1p(y)``
    without each gene's mean and the mean profile; ``gene_level_sd`` is the spread over genes of
    the log background level. Only when ``kernel`` is not all zero: ``peak_sd``, the spread of
    the log ratio between the kernel region and the background, and the correlations of the
    log kernel-region level and of the background level with ``activity`` (genes,), which keep
    the marks as informative about expression as in the real data.
    """
    y = np.asarray(y, dtype=np.float64)
    ly = np.log1p(y)
    resid = ly - ly.mean(axis=1, keepdims=True) - (ly.mean(axis=0) - ly.mean())
    den = np.sum(resid * resid)
    bg = background_bins(kernel)
    level = np.log1p(y[:, bg].mean(axis=1))
    stats = [
        np.mean(y == 0),
        ly.mean(),
        np.mean(y > thresholds[0]),
        np.mean(y > thresholds[1]),
        np.sum(resid[:, 1:] * resid[:, :-1]) / den,
        np.sum(resid[:, 2:] * resid[:, :-2]) / den,
        np.sum(resid[:, 4:] * resid[:, :-4]) / den,
        level.std(),
    ]
    if kernel.any():
        region = np.log1p(y @ (kernel / kernel.sum()))
        stats += [
            (region - level).std(),
            np.corrcoef(region, activity)[0, 1],
            np.corrcoef(level, activity)[0, 1],
        ]
    return np.asarray(stats)


@dataclass(frozen=True)
class MarkTarget:
    """The real statistics of one mark in one cell and their bootstrap standard errors."""

    values: np.ndarray
    se: np.ndarray
    thresholds: tuple[float, float]


def mark_target(
    y: np.ndarray, z: np.ndarray, kernel: np.ndarray, *, n_boot: int = 200, seed: int = 0
) -> MarkTarget:
    """Statistics of real counts (genes, 200) and activities (genes,), with standard errors from
    resampling genes."""
    thresholds = (float(np.quantile(y, 0.9)), float(np.quantile(y, 0.99)))
    values = fit_statistics(y, kernel, thresholds, z)
    rng = np.random.default_rng(seed)
    resamples = (rng.integers(0, len(y), len(y)) for _ in range(n_boot))
    boot = np.array([fit_statistics(y[i], kernel, thresholds, z[i]) for i in resamples])
    # The floor keeps a statistic that barely varies between resamples from dominating the fit.
    return MarkTarget(values, np.maximum(boot.std(axis=0), 2e-3), thresholds)


# ----------------------------------------------------------------------------- common random numbers


def poisson_inverse(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson quantiles of uniforms ``u``: exact up to rate 30, normal approximation above.

    Monotone in ``lam`` for fixed ``u``, which makes simulated statistics smooth in the
    parameters (numpy's sampler is not: one changed rate shifts every later draw).
    """
    out = np.zeros(lam.shape)
    small = lam <= 30
    ls, us = lam[small], u[small]
    term = np.exp(-ls)
    cdf = term.copy()
    count = np.zeros(ls.shape)
    for k in range(1, 100):
        below = cdf < us
        if not below.any():
            break
        count += below
        term = term * ls / k
        cdf = cdf + term
    out[small] = count
    lb = lam[~small]
    out[~small] = np.maximum(np.floor(lb + np.sqrt(lb) * ndtri(u[~small]) + 0.5), 0.0)
    return out


@dataclass(frozen=True)
class CommonDraws:
    """Fixed random numbers for simulating one mark of ``n`` genes (one or two cells)."""

    offsets: np.ndarray
    peaks: np.ndarray
    innovations: np.ndarray
    bump_u: np.ndarray
    bump_position: np.ndarray
    bump_z: np.ndarray
    count_u: np.ndarray
    double_u: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, n: int) -> CommonDraws:
        """Standard normals and uniforms for ``n`` genes of one mark."""
        return cls(
            offsets=rng.standard_normal((n, 1)),
            peaks=rng.standard_normal((n, 1)),
            innovations=rng.standard_normal((n, 1, N_BINS)),
            bump_u=rng.random(n),
            bump_position=rng.uniform(-BUMP_MARGIN, N_BINS + BUMP_MARGIN, (n, MAX_BUMPS)),
            bump_z=rng.standard_normal((n, MAX_BUMPS)),
            count_u=rng.random((n, 1, N_BINS)),
            double_u=rng.random((n, 1, N_BINS + 1)),
        )

    def mixed(self, other: CommonDraws, rho: np.ndarray) -> CommonDraws:
        """Draws of a second cell correlated with these: normals by ``rho = (offset, peak, field)``;
        the third entry is also the chance that a bump is at the same place in both cells."""
        r_off, r_peak, r_field = np.clip(rho, 0.0, 0.99)
        same = other.bump_u[:, None] < r_field  # per gene: reuse this cell's bump positions
        return CommonDraws(
            offsets=r_off * self.offsets + np.sqrt(1 - r_off**2) * other.offsets,
            peaks=r_peak * self.peaks + np.sqrt(1 - r_peak**2) * other.peaks,
            innovations=r_field * self.innovations + np.sqrt(1 - r_field**2) * other.innovations,
            bump_u=np.where(same[:, 0], self.bump_u, other.bump_u),
            bump_position=np.where(same, self.bump_position, other.bump_position),
            bump_z=np.where(same, self.bump_z, other.bump_z),
            count_u=other.count_u,
            double_u=other.double_u,
        )

    def bumps(self, rate: float) -> Bumps:
        """Bumps of rate ``rate``: a Poisson count per gene from the fixed uniform."""
        number = np.minimum(poisson_inverse(self.bump_u, np.full(self.bump_u.shape, rate)), MAX_BUMPS)
        take = np.arange(MAX_BUMPS)[None, :] < number[:, None]
        gene, slot = np.nonzero(take)
        return Bumps(gene, np.zeros_like(gene), self.bump_position[gene, slot], self.bump_z[gene, slot])


def simulate_mark(
    model: MarkModel, kernel: np.ndarray, activity: np.ndarray, draws: CommonDraws
) -> np.ndarray:
    """Counts (genes, 200) of a one-mark model with common random numbers."""
    gene_draws = GeneDraws(
        draws.offsets, draws.peaks, draws.innovations, draws.bumps(float(model.bump_rate[0]))
    )
    lam = mean_counts(model, kernel[None, :], activity, gene_draws)
    lam += bump_intensity(gene_draws.bumps, model.bump_height, len(activity))
    single, double = read_rates(np.minimum(lam, 65535.0), model.overlap)
    counts = overlapping_counts(
        poisson_inverse(draws.count_u[..., :N_BINS], single), poisson_inverse(draws.double_u, double)
    )
    return counts[:, 0, :]


# ----------------------------------------------------------------------------- step 2: the noise


#: Noise parameters fitted by simulated moments and their (lower, upper) bounds.
NOISE_BOUNDS: dict[str, tuple[float, float]] = {
    "gene_sd": (0.01, 2.5),
    "kernel_sd": (0.0, 3.0),
    "field_sd": (0.01, 2.5),
    "field_phi": (0.0, 0.98),
    "bump_rate": (0.0, 3.0),
    "bump_height": (-1.0, 6.0),
    "overlap": (0.0, 1.0),
}
NOISE_PARAMETERS: tuple[str, ...] = tuple(NOISE_BOUNDS)
_START = {
    "gene_sd": 0.5,
    "kernel_sd": 0.5,
    "field_sd": 0.5,
    "field_phi": 0.8,
    "bump_rate": 0.2,
    "bump_height": 2.5,
    "overlap": 0.7,
}


def _one_mark_model(
    source: str, sign: float, signal: np.ndarray, alpha: np.ndarray, noise: dict[str, float]
) -> MarkModel:
    """A one-mark model whose mean profile (bumps included) stays the fitted ``exp(alpha)``."""
    bumps = mean_bump_intensity(np.array([noise["bump_rate"]]), np.array([noise["bump_height"]]))[0]
    base = np.exp(alpha)
    # Bumps add to the mean, so the smooth part gives way (never below 10 % of the fitted mean).
    log_baseline = np.log(np.maximum(base - bumps, 0.1 * base))
    names = ("amplitude", "steepness", "threshold", "slope")
    values = {"sign": sign} | dict(zip(names, signal, strict=True)) | noise
    return MarkModel(
        source=source,
        log_baseline=log_baseline[None, :],
        **{k: np.array([values[k]], dtype=np.float64) for k in MARK_PARAMETERS},
    )


def _decode(u: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    """Unconstrained optimiser coordinates -> bounded parameters (a logistic squashing)."""
    return {
        k: lo + (hi - lo) * float(expit(v))
        for k, v, (lo, hi) in zip(names, u, (NOISE_BOUNDS[k] for k in names), strict=True)
    }


def _encode(values: dict[str, float], names: tuple[str, ...]) -> np.ndarray:
    out = []
    for k in names:
        lo, hi = NOISE_BOUNDS[k]
        p = np.clip((values[k] - lo) / (hi - lo), 1e-4, 1 - 1e-4)
        out.append(np.log(p / (1 - p)))
    return np.asarray(out)


@dataclass(frozen=True)
class MarkFit:
    """The fitted one-mark model with its real statistics and the simulated ones at the optimum."""

    model: MarkModel
    target: MarkTarget
    simulated: np.ndarray
    level_reliability: float


def fit_one_mark(
    y: np.ndarray,
    z: np.ndarray,
    m: int,
    source: str,
    *,
    repeats: int = 2,
    n_random: int = 30,
    n_starts: int = 2,
    max_evaluations: int = 250,
    restarts: int = 2,
    seed: int = 20180817,
) -> MarkFit:
    """Fit mark ``m`` of one cell to real counts ``y`` (genes, 200) with activities ``z`` (genes,).

    The simulation uses each real activity ``repeats`` times. Of ``n_random`` random starting
    points and a generic one, the ``n_starts`` best are refined by Nelder-Mead, ``restarts``
    times each from the previous optimum, with at most ``max_evaluations`` simulations each.
    """
    kernel = planted_kernels()[m]
    signal, alpha = fit_signal(y, z, kernel, _SIGNS[m])
    target = mark_target(y, z, kernel)
    names = tuple(k for k in NOISE_PARAMETERS if k != "kernel_sd" or kernel.any())
    fixed = {} if kernel.any() else {"kernel_sd": 0.0}
    activity = np.tile(z, repeats)
    draws = CommonDraws.draw(np.random.default_rng(seed), len(activity))

    def simulate(u: np.ndarray) -> tuple[MarkModel, np.ndarray]:
        model = _one_mark_model(source, _SIGNS[m], signal, alpha, _decode(u, names) | fixed)
        counts = simulate_mark(model, kernel, activity, draws)
        return model, fit_statistics(counts, kernel, target.thresholds, activity)

    # The association with activity is what the project needs most: weigh it up.
    weight = np.ones(len(target.values))
    weight[[STATISTICS.index(k) for k in ASSOCIATION if STATISTICS.index(k) < len(weight)]] = (
        ASSOCIATION_WEIGHT
    )

    def distance(u: np.ndarray) -> float:
        return float(np.sum(weight * ((simulate(u)[1] - target.values) / target.se) ** 2))

    # A coarse random search first (the distance has poor local optima), then Nelder-Mead from
    # the best few points, each restarted from its own optimum (it stalls in 7 dimensions).
    start = _START | {"bump_height": float(np.log(max(target.thresholds[1], 1.0)))}
    search = np.random.default_rng(seed + 1)
    candidates = [_encode(start, names)] + [
        _encode(_decode(np.zeros(len(names)), names), names) + search.uniform(-3.0, 3.0, len(names))
        for _ in range(n_random)
    ]
    ranked = sorted(candidates, key=distance)[:n_starts]
    best_u, best_value = ranked[0], distance(ranked[0])
    for u in ranked:
        for _ in range(restarts):
            u = minimize(
                distance,
                u,
                method="Nelder-Mead",
                options={"maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-3, "adaptive": True},
            ).x
        value = distance(u)
        if value < best_value:
            best_u, best_value = u, value
    model, simulated = simulate(best_u)
    # How well the log background level reflects the gene offset (for de-attenuating correlations).
    counts = simulate_mark(model, kernel, activity, draws)
    level = np.log1p(counts[:, background_bins(kernel)].mean(axis=1))
    reliability = float(
        np.corrcoef(level - np.poly1d(np.polyfit(activity, level, 3))(activity), draws.offsets[:, 0])[0, 1]
    )
    return MarkFit(model, target, simulated, max(reliability, 0.05))


def stack_marks(fits: list[MarkFit], source: str) -> MarkModel:
    """One cell's model from its five one-mark fits."""
    models = [f.model for f in fits]
    return MarkModel(
        source=source,
        log_baseline=np.concatenate([m.log_baseline for m in models]),
        **{k: np.concatenate([getattr(m, k) for m in models]) for k in MARK_PARAMETERS},
    )


def mean_mark_model(models: list[MarkModel], source: str) -> MarkModel:
    """The parameter-wise mean of several cells' models (the default for cells without marks)."""
    return MarkModel(
        source=source,
        log_baseline=np.mean([m.log_baseline for m in models], axis=0),
        **{k: np.mean([getattr(m, k) for m in models], axis=0) for k in MARK_PARAMETERS},
    )


# ----------------------------------------------------------------------------- the pair


def _residual_level(y: np.ndarray, z: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Log background level of each gene with a cubic trend in activity removed."""
    level = np.log1p(y[:, background_bins(kernel)].mean(axis=1))
    return level - np.poly1d(np.polyfit(z, level, 3))(z)


def pair_statistics(
    y_a: np.ndarray, y_b: np.ndarray, z_a: np.ndarray, z_b: np.ndarray, kernel: np.ndarray
) -> np.ndarray:
    """How one mark agrees between two cells at the same genes: three correlations.

    Of the background levels (activity trends removed), of the peak statistics, and the mean
    over genes of the correlation along the bins of ``log1p`` counts (gene means removed).
    """
    lev_a, lev_b = _residual_level(y_a, z_a, kernel), _residual_level(y_b, z_b, kernel)
    out = [np.corrcoef(lev_a, lev_b)[0, 1]]
    if kernel.any():
        w = kernel / kernel.sum()
        bg = background_bins(kernel)
        peak_a = np.log1p(y_a @ w) - np.log1p(y_a[:, bg].mean(axis=1))
        peak_b = np.log1p(y_b @ w) - np.log1p(y_b[:, bg].mean(axis=1))
        out.append(np.corrcoef(peak_a, peak_b)[0, 1])
    else:
        out.append(0.0)
    la = np.log1p(y_a) - np.log1p(y_a).mean(axis=1, keepdims=True)
    lb = np.log1p(y_b) - np.log1p(y_b).mean(axis=1, keepdims=True)
    out.append(np.sum(la * lb) / np.sqrt(np.sum(la * la) * np.sum(lb * lb)))
    return np.asarray(out)


def fit_cross_cell(
    y_a: np.ndarray,
    y_b: np.ndarray,
    z_a: np.ndarray,
    z_b: np.ndarray,
    models: tuple[MarkModel, MarkModel],
    m: int,
    *,
    repeats: int = 3,
    n_boot: int = 100,
    seed: int = 20180818,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Correlations (offset, peak, field/bumps) of mark ``m`` between the two real cells.

    Returns the fitted correlations, the real statistics and the simulated ones at the optimum.
    """
    kernel = planted_kernels()[m]
    target = pair_statistics(y_a, y_b, z_a, z_b, kernel)
    rng = np.random.default_rng(seed)
    boot_idx = [rng.integers(0, len(z_a), len(z_a)) for _ in range(n_boot)]
    se = np.maximum(
        np.std([pair_statistics(y_a[i], y_b[i], z_a[i], z_b[i], kernel) for i in boot_idx], axis=0), 2e-3
    )
    act_a, act_b = np.tile(z_a, repeats), np.tile(z_b, repeats)
    draws_a = CommonDraws.draw(rng, len(act_a))
    fresh = CommonDraws.draw(rng, len(act_a))
    model_a, model_b = models[0].mark(m), models[1].mark(m)

    def simulate(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rho = 0.95 * expit(u)
        draws_b = draws_a.mixed(fresh, rho)
        y_sa = simulate_mark(model_a, kernel, act_a, draws_a)
        y_sb = simulate_mark(model_b, kernel, act_b, draws_b)
        return rho, pair_statistics(y_sa, y_sb, act_a, act_b, kernel)

    def distance(u: np.ndarray) -> float:
        return float(np.sum(((simulate(u)[1] - target) / se) ** 2))

    # Start from the real statistics themselves (attenuated, so a lower bound of the parameters).
    start = np.log(np.clip(target / 0.95, 0.02, 0.98) / (1 - np.clip(target / 0.95, 0.02, 0.98)))
    result = minimize(distance, start, method="Nelder-Mead", options={"maxfev": 300, "xatol": 1e-3})
    best = result.x if result.fun <= distance(start) else start
    rho, simulated = simulate(best)
    if not kernel.any():
        rho[1] = 0.0
    return rho, target, simulated


def fit_gene_effects(
    counts: tuple[np.ndarray, np.ndarray],
    z: tuple[np.ndarray, np.ndarray],
    models: tuple[MarkModel, MarkModel],
    reliabilities: tuple[np.ndarray, np.ndarray],
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[GeneEffects, dict[str, list[float]]]:
    """All correlations of :class:`GeneEffects` from the real pair.

    ``mark_loading`` is the mean correlation between marks of the background levels (activity
    trends removed) in each cell, divided by the product of the levels' reliabilities (how well
    a level reflects the gene offset in the fitted model), which undoes the attenuation by noise.

    Returns the effects and a report of real and simulated statistics.
    """
    rhos, report = [], {}
    for m in range(N_MARKS):
        rho, real, sim = fit_cross_cell(counts[0][:, m], counts[1][:, m], z[0], z[1], models, m)
        progress(
            f"cross-cell {MARKS[m]}: fitted {np.round(rho, 3)}, real {np.round(real, 3)}, sim {np.round(sim, 3)}"
        )
        rhos.append(rho)
        report[MARKS[m]] = {"fitted": rho.tolist(), "real": real.tolist(), "simulated": sim.tolist()}
    loadings = []
    for y, zz, rel in zip(counts, z, reliabilities, strict=True):
        levels = np.stack([_residual_level(y[:, m], zz, planted_kernels()[m]) for m in range(N_MARKS)])
        corr = np.corrcoef(levels) / np.outer(rel, rel)
        loadings.append(corr[np.triu_indices(N_MARKS, 1)].mean())
    rho_all = np.asarray(rhos)
    effects = GeneEffects(
        mark_loading=float(np.clip(np.mean(loadings), 0.0, 0.9)),
        cross_cell_corr=rho_all[:, 0],
        kernel_cross_cell_corr=rho_all[:, 1],
        field_cross_cell_corr=rho_all[:, 2],
    )
    return effects, report
