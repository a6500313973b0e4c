"""The count model: field, bumps, shared reads, and the calibrated mean."""

from __future__ import annotations

import numpy as np

from deepdiff.constants import MARKS, N_BINS
from deepdiff.simulate.calibration import MARK_PARAMETERS, GeneEffects, MarkModel
from deepdiff.simulate.marks import (
    Bumps,
    ar1_field,
    bump_intensity,
    cell_counts,
    correlated_normals,
    draw_cell,
    draw_pair,
    mean_bump_intensity,
    overlapping_counts,
    read_rates,
)
from deepdiff.simulate.mechanism import planted_kernels


def _model(**overrides: float) -> MarkModel:
    values = {
        "sign": 0.0,
        "amplitude": 0.0,
        "steepness": 1.0,
        "threshold": 0.0,
        "slope": 0.0,
        "gene_sd": 0.3,
        "kernel_sd": 0.0,
        "field_sd": 0.4,
        "field_phi": 0.8,
        "bump_rate": 0.3,
        "bump_height": 1.0,
        "overlap": 0.6,
    } | overrides
    n = len(MARKS)
    return MarkModel(
        source="test",
        log_baseline=np.full((n, N_BINS), np.log(2.0)),
        **{k: np.full(n, float(values[k])) for k in MARK_PARAMETERS},
    )


def test_ar1_field_has_unit_variance_and_the_lag1_correlation() -> None:
    rng = np.random.default_rng(0)
    field = ar1_field(rng.standard_normal((2000, 2, N_BINS)), np.array([0.0, 0.9]))
    assert np.allclose(field.var(axis=(0, 2)), 1.0, atol=0.03)
    lag1 = (field[:, :, 1:] * field[:, :, :-1]).mean(axis=(0, 2))
    assert np.allclose(lag1, [0.0, 0.9], atol=0.02)
    assert np.allclose(field[:, :, 0].var(axis=0), 1.0, atol=0.1)  # stationary from the first bin


def test_shared_reads_keep_the_mean_and_correlate_neighbours() -> None:
    rng = np.random.default_rng(1)
    lam = np.full((20000, 1, N_BINS), 3.0)
    single, double = read_rates(lam, np.array([0.6]))
    counts = overlapping_counts(rng.poisson(single), rng.poisson(double)).astype(float)
    assert abs(counts.mean() - 3.0) < 0.02 and abs(counts.var() - 3.0) < 0.05  # Poisson marginal
    c = counts - counts.mean()
    assert abs((c[..., 1:] * c[..., :-1]).mean() / c.var() - 0.3) < 0.01  # overlap / 2


def test_bump_mean_intensity_matches_the_draws() -> None:
    rng = np.random.default_rng(2)
    rate, height = np.array([0.5, 2.0]), np.array([1.0, 2.0])
    bumps = Bumps.draw(rng, 20000, rate)
    empirical = bump_intensity(bumps, height, 20000).mean(axis=0)
    expected = mean_bump_intensity(rate, height)
    # About 1,300 bumps reach each bin of the first mark: per-bin means are good to ~3 %.
    assert np.allclose(empirical[:, 20:180], expected[:, 20:180], rtol=0.1)
    assert np.allclose(empirical[:, 20:180].mean(axis=1), expected[:, 20:180].mean(axis=1), rtol=0.03)
    assert np.allclose(empirical[:, :3].mean(axis=1), expected[:, :3].mean(axis=1), rtol=0.1)  # edges too


def test_correlated_normals_have_the_asked_correlations() -> None:
    rng = np.random.default_rng(3)
    rho = np.array([0.3, 0.5, 0.6, 0.4, 0.7])  # feasible with loading 0.4: see the docstring
    a, b = correlated_normals(rng, 50000, rho, mark_loading=0.4)
    assert np.allclose(a.std(axis=0), 1.0, atol=0.02) and np.allclose(b.std(axis=0), 1.0, atol=0.02)
    cross = np.array([np.corrcoef(a[:, m], b[:, m])[0, 1] for m in range(5)])
    assert np.allclose(cross, rho, atol=0.03)
    within = np.corrcoef(a.T)[np.triu_indices(5, 1)]
    assert np.allclose(within, 0.4, atol=0.03)


def test_counts_have_the_calibrated_mean_without_signal() -> None:
    rng = np.random.default_rng(4)
    model = _model()
    n = 4000
    counts = cell_counts(rng, model, planted_kernels(), rng.standard_normal(n), draw_cell(rng, n, model))
    expected = 2.0 + mean_bump_intensity(model.bump_rate, model.bump_height)
    assert counts.dtype == np.uint16 and counts.shape == (n, len(MARKS), N_BINS)
    assert np.allclose(counts.mean(axis=(0, 2)), expected.mean(axis=1), rtol=0.05)


def test_signal_follows_activity_and_coupling_zero_removes_it() -> None:
    rng = np.random.default_rng(5)
    model = _model(sign=1.0, amplitude=30.0, steepness=3.0, bump_rate=0.0)
    n = 3000
    activity = rng.standard_normal(n)
    draws = draw_cell(rng, n, model)
    k4me3 = MARKS.index("H3K4me3")
    peak = slice(95, 105)
    on = cell_counts(np.random.default_rng(6), model, planted_kernels(), activity, draws)
    corr = np.corrcoef(activity, np.log1p(on[:, k4me3, peak].mean(axis=1)))[0, 1]
    assert corr > 0.5
    off = cell_counts(np.random.default_rng(6), model, planted_kernels(), activity, draws, coupling_scale=0.0)
    corr0 = np.corrcoef(activity, np.log1p(off[:, k4me3, peak].mean(axis=1)))[0, 1]
    assert abs(corr0) < 0.1
    # Same average level either way: the null control keeps the count distribution.
    assert abs(off[:, k4me3].mean() / on[:, k4me3].mean() - 1) < 0.1


def test_pair_draws_share_locus_effects() -> None:
    rng = np.random.default_rng(7)
    effects = GeneEffects(
        mark_loading=0.3,
        cross_cell_corr=np.full(5, 0.7),
        kernel_cross_cell_corr=np.full(5, 0.5),
        field_cross_cell_corr=np.full(5, 0.6),
    )
    a, b = draw_pair(rng, 20000, effects, (_model(), _model()))
    assert abs(np.corrcoef(a.offsets[:, 0], b.offsets[:, 0])[0, 1] - 0.7) < 0.03
    assert abs(np.corrcoef(a.innovations[:, 1].ravel(), b.innovations[:, 1].ravel())[0, 1] - 0.6) < 0.01
    assert abs(b.bumps.gene.size / a.bumps.gene.size - 1) < 0.05  # same rate in both cells
