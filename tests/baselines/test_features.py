"""Input representations: pooling, block order and sign, standardisation."""

from __future__ import annotations

import numpy as np
import pytest

from deepdiff.baselines.features import FeatureSpec, Standardizer, channels, flat_features, log_counts
from deepdiff.constants import N_BINS, N_MARKS
from deepdiff.data.containers import SplitData
from deepdiff.errors import ConfigError


def _split(n: int = 4, seed: int = 0) -> SplitData:
    rng = np.random.default_rng(seed)
    shape = (n, N_MARKS, N_BINS)
    return SplitData(
        genes=np.array([f"g{i}" for i in range(n)]),
        x_a=rng.integers(0, 20, size=shape).astype(np.uint16),
        x_b=rng.integers(0, 20, size=shape).astype(np.uint16),
        expr_a=rng.integers(0, 100, size=n).astype(np.float64),
        expr_b=rng.integers(0, 100, size=n).astype(np.float64),
    )


def test_log_counts_sums_bins_before_the_log() -> None:
    counts = np.zeros((1, N_MARKS, N_BINS), dtype=np.uint16)
    counts[0, 2, 10:20] = 3  # one 1 kb bin of mark 2 holds 30 reads
    out = log_counts(counts, pool=10)
    assert out.shape == (1, N_MARKS, N_BINS // 10)
    assert out[0, 2, 1] == pytest.approx(np.log2(31.0))
    assert np.count_nonzero(out) == 1


def test_channels_stack_blocks_in_order_with_diff_b_minus_a() -> None:
    split = _split()
    spec = FeatureSpec(blocks=("a", "b", "diff"), pool=1)
    x = channels(split, spec)
    assert x.shape == (len(split), 3 * N_MARKS, N_BINS)
    a, b = np.log2(1.0 + split.x_a), np.log2(1.0 + split.x_b)
    np.testing.assert_allclose(x[:, :N_MARKS], a, rtol=1e-6)
    np.testing.assert_allclose(x[:, N_MARKS : 2 * N_MARKS], b, rtol=1e-6)
    # Same sign as the target log2((expr_B + 1) / (expr_A + 1)).
    np.testing.assert_allclose(x[:, 2 * N_MARKS :], b - a, rtol=1e-5, atol=1e-6)


def test_flat_features_are_named_channel_major() -> None:
    split = _split()
    spec = FeatureSpec(blocks=("a", "b"), pool=20)
    x = flat_features(split, spec)
    names = spec.feature_names()
    assert x.shape == (len(split), len(names)) == (len(split), spec.n_features)
    # Column "b:H3K4me3:21-40" is cell B, second mark, second 2 kb bin.
    col = names.index("b:H3K4me3:21-40")
    expected = np.log2(1.0 + split.x_b[:, 1, 20:40].sum(axis=1, dtype=np.float64))
    np.testing.assert_allclose(x[:, col], expected, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [{"pool": 3}, {"pool": 0}, {"blocks": ("a", "c")}, {"blocks": ()}])
def test_bad_spec_is_a_config_error(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        FeatureSpec(**kwargs)


def test_standardizer_uses_fit_statistics_and_keeps_constant_columns_finite() -> None:
    train = np.array([[0.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    scaler = Standardizer.fit(train)
    out = scaler.transform(np.array([[2.0, 5.0], [6.0, 7.0]]))
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out[:, 0], [0.0, 4.0 / np.std([0.0, 2.0, 4.0])], rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], [0.0, 2.0])
