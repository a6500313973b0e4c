"""Fitting a mark model: exact Poisson quantiles, statistics, and recovery of a known signal."""

from __future__ import annotations

import numpy as np
from scipy.stats import poisson

from deepdiff.constants import MARKS, N_BINS
from deepdiff.simulate.calibration import MARK_PARAMETERS, MarkModel
from deepdiff.simulate.fit_marks import (
    STATISTICS,
    CommonDraws,
    fit_signal,
    fit_statistics,
    poisson_inverse,
    simulate_mark,
)
from deepdiff.simulate.mechanism import planted_kernels

K4ME3 = MARKS.index("H3K4me3")


def _one_mark(**values: float) -> MarkModel:
    defaults = {
        "sign": 1.0,
        "amplitude": 30.0,
        "steepness": 3.0,
        "threshold": -0.5,
        "slope": 0.2,
        "gene_sd": 0.3,
        "kernel_sd": 0.3,
        "field_sd": 0.4,
        "field_phi": 0.8,
        "bump_rate": 0.1,
        "bump_height": 1.0,
        "overlap": 0.5,
    } | values
    return MarkModel(
        source="test",
        log_baseline=np.zeros((1, N_BINS)),
        **{k: np.array([defaults[k]]) for k in MARK_PARAMETERS},
    )


def test_poisson_inverse_is_exact_below_30_and_monotone() -> None:
    rng = np.random.default_rng(0)
    u, lam = rng.random(5000), rng.uniform(0, 30, 5000)
    np.testing.assert_array_equal(poisson_inverse(u, lam), poisson.ppf(u, lam))
    grid = np.linspace(0.1, 80, 400)
    values = poisson_inverse(np.full(grid.shape, 0.7), grid)
    assert (np.diff(values) >= 0).all()


def test_statistics_have_the_documented_length() -> None:
    rng = np.random.default_rng(1)
    y = rng.poisson(2.0, (300, N_BINS)).astype(float)
    z = rng.standard_normal(300)
    kernels = planted_kernels()
    assert len(fit_statistics(y, kernels[K4ME3], (4.0, 7.0), z)) == len(STATISTICS)
    assert len(fit_statistics(y, kernels[MARKS.index("H3K9me3")], (4.0, 7.0), z)) == len(STATISTICS) - 3


def test_fit_signal_recovers_a_known_switch() -> None:
    z = np.random.default_rng(2).standard_normal(3000)
    kernel = planted_kernels()[K4ME3]
    counts = simulate_mark(_one_mark(), kernel, z, CommonDraws.draw(np.random.default_rng(3), len(z)))
    (amplitude, steepness, threshold, slope), alpha = fit_signal(counts, z, kernel, 1.0)
    assert abs(amplitude / 30.0 - 1) < 0.25 and abs(threshold + 0.5) < 0.3 and abs(slope - 0.2) < 0.15
    assert 1.5 < steepness < 6.0
    assert np.exp(alpha).mean() < 2.0  # the background stays near 1 read per bin, the peak is signal
