"""The planted design: kernels, informative bins, switch and the derived bin weights."""

from __future__ import annotations

import numpy as np

from deepdiff.constants import MARKS, N_BINS
from deepdiff.simulate.calibration import MARK_PARAMETERS, MarkModel, default_calibration
from deepdiff.simulate.mechanism import (
    MARK_SIGNS,
    TSS_CENTER,
    counts_from_log_expression,
    informative_bin_ranges,
    log_expression_from_latent,
    planted_kernels,
    planted_response,
    signal_response,
)


def test_kernels_are_normalised_and_h3k9me3_is_empty() -> None:
    k = planted_kernels()
    assert k.shape == (len(MARKS), N_BINS)
    assert (k >= 0).all()
    for i, mark in enumerate(MARKS):
        assert k[i].max() == (0.0 if mark == "H3K9me3" else 1.0)
    assert MARK_SIGNS["H3K9me3"] == 0 and MARK_SIGNS["H3K27me3"] == -1


def test_kernels_sit_where_the_design_says() -> None:
    k = dict(zip(MARKS, planted_kernels(), strict=True))
    assert abs(np.argmax(k["H3K4me3"]) - TSS_CENTER) <= 3  # promoter peak on the TSS ...
    assert k["H3K4me3"][99] < 0.8 * k["H3K4me3"][102]  # ... with the nucleosome-depleted dip
    assert k["H3K36me3"][150:].mean() > 2 * k["H3K36me3"][95:105].mean()  # gene body, not the TSS
    assert k["H3K36me3"][150:].mean() > k["H3K36me3"][:50].mean()  # downstream above upstream
    left, right = np.argmax(k["H3K4me1"][:100]), 100 + np.argmax(k["H3K4me1"][100:])
    assert 80 <= left <= 90 and 109 <= right <= 119  # enhancer bumps either side
    ranges = informative_bin_ranges(planted_kernels())
    assert ranges["H3K9me3"] == []
    assert ranges["H3K4me3"] == [(93, 108)]  # +/- 0.8 kb around the TSS
    assert len(ranges["H3K4me1"]) == 2


def test_response_is_monotone_in_the_designed_direction() -> None:
    a = np.linspace(-3, 3, 50)
    sign = np.array([1.0, -1.0, 0.0])
    r, dr = signal_response(sign, np.full(3, 2.0), np.zeros(3), np.full(3, 0.3), a)
    assert (np.diff(r[:, 0]) > 0).all() and (np.diff(r[:, 1]) < 0).all() and (r[:, 2] == 0).all()
    numeric = np.gradient(r, a, axis=0)
    np.testing.assert_allclose(dr[2:-2], numeric[2:-2], rtol=0.05, atol=1e-3)


def test_expression_map_is_monotone_and_whole() -> None:
    quantiles = np.linspace(0, 15, 201)
    latent = np.linspace(-3, 3, 101)
    log_expr = log_expression_from_latent(latent, quantiles)
    assert (np.diff(log_expr) >= 0).all()
    counts = counts_from_log_expression(log_expr)
    assert (counts == np.round(counts)).all() and (counts >= 0).all()


def _model() -> MarkModel:
    n = len(MARKS)
    values = {
        "sign": np.array([1.0, 1.0, 0.0, -1.0, 1.0]),
        # H3K4me3: 45 reads at the peak of its narrow kernel, about 940 over the window.
        "amplitude": np.array([5.0, 45.0, 0.0, 5.0, 3.0]),
        "steepness": np.full(n, 2.0),
        "threshold": np.zeros(n),
        "slope": np.full(n, 0.2),
        "gene_sd": np.full(n, 0.3),
        "kernel_sd": np.full(n, 0.3),
        "field_sd": np.full(n, 0.5),
        "field_phi": np.full(n, 0.8),
        "bump_rate": np.full(n, 0.1),
        "bump_height": np.full(n, 1.0),
        "overlap": np.full(n, 0.5),
    }
    return MarkModel(
        source="test", log_baseline=np.zeros((n, N_BINS)), **{k: values[k] for k in MARK_PARAMETERS}
    )


def test_bin_weights_carry_the_sign_and_vanish_without_coupling() -> None:
    weights, info, mark_info = planted_response(_model())
    assert (weights[MARKS.index("H3K27me3")] <= 0).all() and weights[MARKS.index("H3K4me3")].max() > 0
    assert (weights[MARKS.index("H3K9me3")] == 0).all() and (info >= 0).all()
    np.testing.assert_allclose(info.sum(axis=1), mark_info)
    assert mark_info[MARKS.index("H3K4me3")] == mark_info.max()  # the strongest, cleanest signal
    weights0, info0, mark_info0 = planted_response(_model(), coupling_scale=0.0)
    assert not weights0.any() and not info0.any() and not mark_info0.any()


def test_h3k4me3_is_the_most_informative_mark_of_each_calibrated_cell() -> None:
    calibration = default_calibration()
    for cell, model in calibration.marks.items():
        mark_info = planted_response(model)[2]
        assert np.argmax(mark_info) == MARKS.index("H3K4me3"), (cell, mark_info)
