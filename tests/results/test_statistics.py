"""Evaluation helpers against scipy and hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from deepdiff.results.statistics import (
    bootstrap_pearson_ci,
    bootstrap_pearsons,
    paired_bootstrap,
    pearson,
    relative_pcc,
)


@pytest.fixture
def xy() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    y = rng.normal(size=400)
    return y, 0.6 * y + rng.normal(size=400)


def test_pearson_matches_scipy(xy: tuple[np.ndarray, np.ndarray]) -> None:
    y, yhat = xy
    assert pearson(y, yhat) == pytest.approx(stats.pearsonr(y, yhat).statistic, abs=1e-12)
    assert pearson(y, -yhat) == pytest.approx(stats.pearsonr(y, -yhat).statistic, abs=1e-12)


def test_pearson_undefined_cases() -> None:
    assert np.isnan(pearson([1.0, 2.0, 3.0], [5.0, 5.0, 5.0]))
    assert np.isnan(pearson([1.0], [2.0]))
    with pytest.raises(ValueError, match="differ in length"):
        pearson([1.0, 2.0], [1.0, 2.0, 3.0])


def test_bootstrap_distribution_equals_scipy_on_the_same_resamples(xy: tuple[np.ndarray, np.ndarray]) -> None:
    y, yhat = xy
    rs = bootstrap_pearsons(y, yhat, n_boot=50, seed=7)
    idx = np.random.default_rng(7).integers(0, y.size, size=(50, y.size))
    expected = [stats.pearsonr(y[i], yhat[i]).statistic for i in idx]
    np.testing.assert_allclose(rs, expected, atol=1e-12)


def test_bootstrap_ci_agrees_with_scipy_bootstrap(xy: tuple[np.ndarray, np.ndarray]) -> None:
    y, yhat = xy
    low, high = bootstrap_pearson_ci(y, yhat, n_boot=2000, seed=1)
    ref = stats.bootstrap(
        (y, yhat),
        lambda a, b: stats.pearsonr(a, b).statistic,
        paired=True,
        vectorized=False,
        n_resamples=2000,
        method="percentile",
        random_state=np.random.default_rng(2),
    ).confidence_interval
    r = pearson(y, yhat)
    assert low < r < high
    # Different random streams: the endpoints agree to Monte Carlo error.
    assert low == pytest.approx(ref.low, abs=0.02)
    assert high == pytest.approx(ref.high, abs=0.02)


def test_bootstrap_ci_is_seeded_and_narrows_with_level(xy: tuple[np.ndarray, np.ndarray]) -> None:
    y, yhat = xy
    assert bootstrap_pearson_ci(y, yhat, n_boot=200, seed=4) == bootstrap_pearson_ci(
        y, yhat, n_boot=200, seed=4
    )
    lo95, hi95 = bootstrap_pearson_ci(y, yhat, n_boot=500, seed=4)
    lo50, hi50 = bootstrap_pearson_ci(y, yhat, n_boot=500, level=0.5, seed=4)
    assert lo95 < lo50 < hi50 < hi95


def test_paired_bootstrap_identical_models() -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=200)
    p = y + rng.normal(size=200)
    out = paired_bootstrap(y, p, p, n_boot=200)
    assert out["diff"] == 0.0
    assert out["low"] == 0.0 and out["high"] == 0.0
    assert out["p_value"] == 1.0


def test_paired_bootstrap_detects_a_better_model() -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=500)
    good = y + 0.5 * rng.normal(size=500)
    bad = y + 2.0 * rng.normal(size=500)
    out = paired_bootstrap(y, good, bad, n_boot=1000, seed=3)
    assert out["diff"] == pytest.approx(pearson(y, good) - pearson(y, bad))
    assert 0 < out["low"] < out["diff"] < out["high"]
    assert out["p_value"] == pytest.approx(2 / 1001)
    flipped = paired_bootstrap(y, bad, good, n_boot=1000, seed=3)
    assert flipped["diff"] == pytest.approx(-out["diff"])
    assert flipped["high"] < 0


def test_paired_bootstrap_by_hand_loop() -> None:
    rng = np.random.default_rng(5)
    y = rng.normal(size=60)
    p1 = y + rng.normal(size=60)
    p2 = y + 1.3 * rng.normal(size=60)
    out = paired_bootstrap(y, p1, p2, n_boot=300, seed=9)
    idx = np.random.default_rng(9).integers(0, 60, size=(300, 60))
    d = np.array([stats.pearsonr(y[i], p1[i]).statistic - stats.pearsonr(y[i], p2[i]).statistic for i in idx])
    assert out["low"] == pytest.approx(np.quantile(d, 0.025), abs=1e-10)
    assert out["high"] == pytest.approx(np.quantile(d, 0.975), abs=1e-10)
    tail = min((d <= 0).sum(), (d >= 0).sum())
    assert out["p_value"] == pytest.approx(min(1.0, 2 * (tail + 1) / 301))


def test_relative_pcc() -> None:
    assert relative_pcc(0.6, 0.4) == pytest.approx(150.0)
    np.testing.assert_allclose(relative_pcc(np.array([0.5, 0.2]), np.array([0.5, 0.4])), [100.0, 50.0])
    assert np.isnan(relative_pcc(0.5, 0.0))
    s = relative_pcc(pd.Series([0.3, 0.6], index=["x", "y"]), pd.Series([0.3, 0.3], index=["x", "y"]))
    assert list(s.index) == ["x", "y"]
    np.testing.assert_allclose(s.to_numpy(), [100.0, 200.0])


def test_bootstrap_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="two genes"):
        bootstrap_pearson_ci([1.0], [1.0])
    with pytest.raises(ValueError, match="level"):
        bootstrap_pearson_ci([1.0, 2.0, 3.0], [1.0, 2.0, 2.5], level=1.5)
