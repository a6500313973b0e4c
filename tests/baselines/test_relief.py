"""RReliefF: agrees with a plain loop over genes and ranks informative features first."""

from __future__ import annotations

import numpy as np

from deepdiff.baselines.relief import rrelieff


def _reference(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """RReliefF written out gene by gene (Robnik-Šikonja & Kononenko 2003, uniform weights)."""
    span = np.ptp(x, axis=0)
    span[span == 0] = 1.0
    xs = (x - x.min(axis=0)) / span
    ys = (y - y.min()) / np.ptp(y)
    n, p = xs.shape
    n_dc, n_da, n_dcda = 0.0, np.zeros(p), np.zeros(p)
    for i in range(n):
        dist = np.abs(xs - xs[i]).sum(axis=1)
        dist[i] = np.inf
        for j in np.argsort(dist, kind="stable")[:k]:
            d_y = abs(ys[i] - ys[j])
            d_a = np.abs(xs[i] - xs[j])
            n_dc += d_y / k
            n_da += d_a / k
            n_dcda += d_y * d_a / k
    return n_dcda / n_dc - (n_da - n_dcda) / (n - n_dc)


def test_matches_the_textbook_loop() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(80, 6))  # continuous: no distance ties, so the neighbours are unique
    y = x[:, 0] - 0.5 * x[:, 2] ** 2 + 0.1 * rng.normal(size=80)
    fast = rrelieff(x, y, n_neighbors=5, block=16, progress=False)
    np.testing.assert_allclose(fast, _reference(x, y, 5), rtol=1e-4, atol=1e-6)


def test_ranks_the_informative_features_first() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 30))
    y = np.sin(x[:, 4]) + x[:, 17] ** 2 + 0.1 * rng.normal(size=600)
    weights = rrelieff(x, y, progress=False)
    assert set(np.argsort(-weights)[:2]) == {4, 17}


def test_constant_target_gives_zero_weights() -> None:
    x = np.random.default_rng(0).normal(size=(20, 3))
    np.testing.assert_array_equal(rrelieff(x, np.ones(20), progress=False), np.zeros(3))


def test_reference_sample_is_seeded() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(200, 5)), rng.normal(size=200)
    first = rrelieff(x, y, n_instances=50, seed=3, progress=False)
    np.testing.assert_array_equal(first, rrelieff(x, y, n_instances=50, seed=3, progress=False))
    assert not np.array_equal(first, rrelieff(x, y, n_instances=50, seed=4, progress=False))
