"""Attention summaries, gene selection, recovery metrics and gradient attribution on small synthetic inputs."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from deepdiff import interpret
from deepdiff.constants import MARKS
from deepdiff.errors import DataError

ROWS_AB = [f"{cell}:{m}" for cell in "AB" for m in MARKS]


def test_row_marks_reads_any_naming_and_rejects_ambiguous_rows() -> None:
    assert list(interpret.row_marks(["H3K27me3 (A-B)", "B:h3k4me1", "x_H3K36me3"])) == [3, 0, 4]
    with pytest.raises(DataError, match="row 1"):
        interpret.row_marks(["A:H3K4me1", "A:other"])


def test_mark_attention_sums_rows_of_a_mark_and_normalises() -> None:
    att = np.zeros((2, 10))
    att[0, [0, 5]] = 0.5  # H3K4me1 in both cells
    att[1, [3, 8, 4]] = [0.2, 0.2, 0.6]
    out = interpret.mark_attention(att, ROWS_AB, genes=["g1", "g2"])
    assert list(out.columns) == list(MARKS)
    assert out.loc["g1", "H3K4me1"] == pytest.approx(1.0)
    assert out.loc["g2", "H3K27me3"] == pytest.approx(0.4)
    assert out.loc["g2", "H3K36me3"] == pytest.approx(0.6)
    # Two concatenated softmaxes (sum 2 per gene) are normalised the same way.
    out2 = interpret.mark_attention(att * 2, ROWS_AB)
    assert np.allclose(out2.to_numpy(), out.to_numpy())
    with pytest.raises(DataError, match="row names"):
        interpret.mark_attention(att[:, :5], ROWS_AB)


def test_select_regulated_uses_thresholds_or_says_it_fell_back() -> None:
    lfc = np.concatenate([np.full(12, 9.0), np.full(3, -9.0), np.linspace(-5, 5, 50)])
    sel = interpret.select_regulated(lfc, min_genes=10)
    assert len(sel.up) == 12 and (lfc[sel.up] > 8).all()
    assert len(sel.down) == 10 and (lfc[sel.down] < 0).all()
    assert "up: 12 genes with LFC > 8" in sel.rule
    assert "only 3 genes with LFC < -8" in sel.rule
    none_down = interpret.select_regulated(np.abs(lfc), min_genes=5)
    assert none_down.down.size == 0 and "no gene" in none_down.rule


def test_group_mark_attention_recovers_planted_group_means() -> None:
    rng = np.random.default_rng(0)
    up = np.array([0.3, 0.4, 0.05, 0.1, 0.15])
    down = np.array([0.1, 0.4, 0.05, 0.3, 0.15])
    values = np.vstack([np.tile(up, (40, 1)), np.tile(down, (40, 1))]) + rng.normal(0, 0.01, (80, 5))
    mark_att = pd.DataFrame(values, columns=list(MARKS))
    sel = interpret.Selection(up=np.arange(40), down=np.arange(40, 80), rule="test")
    summary, reps = interpret.group_mark_attention(mark_att, sel, n_boot=200, return_replicates=True)
    got_up = summary[summary["group"] == "up"].set_index("mark")
    assert np.allclose(got_up.loc[list(MARKS), "mean"], up, atol=0.01)
    assert got_up.loc["H3K4me3", "rank"] == 1
    assert (got_up["low"] <= got_up["mean"]).all() and (got_up["mean"] <= got_up["high"]).all()
    assert reps["down"].shape == (201, 5)


def test_bin_profiles_and_mark_bin_profile() -> None:
    att = np.full((4, 10, 200), 1 / 200, dtype=np.float32)
    att[:2, 1, 100] += 0.5  # A:H3K4me3 peaks at the TSS for the first two genes
    prof = interpret.bin_profiles(att, ROWS_AB, groups={"up": np.array([0, 1]), "down": np.array([2, 3])})
    assert set(prof["group"]) == {"up", "down"} and len(prof) == 2 * 10 * 200
    peak = prof[(prof["group"] == "up") & (prof["row"] == "A:H3K4me3")].set_index("bin")["attention"]
    assert peak.idxmax() == 100
    assert interpret.bin_positions()[100] == pytest.approx(50.0)
    per_mark = interpret.mark_bin_profile(att, ROWS_AB)
    assert per_mark.shape == (4, 5, 200)
    assert per_mark[0, 1, 100] == pytest.approx((0.5 + 2 / 200) / 2, rel=1e-5)


def test_auroc_and_spearman() -> None:
    assert interpret.auroc(np.array([0.1, 0.2, 0.8, 0.9]), np.array([0, 0, 1, 1])) == 1.0
    assert interpret.auroc(np.array([0.9, 0.8, 0.2, 0.1]), np.array([0, 0, 1, 1])) == 0.0
    assert interpret.auroc(np.ones(4), np.array([0, 0, 1, 1])) == 0.5
    assert np.isnan(interpret.auroc(np.arange(3.0), np.zeros(3)))
    assert interpret.spearman(np.arange(5.0), np.arange(5.0) ** 2) == pytest.approx(1.0)
    assert np.isnan(interpret.spearman(np.ones(5), np.arange(5.0)))


def test_recovery_scores_perfect_and_uninformative() -> None:
    truth_marks = np.array([0.2, 0.5, 0.0, 0.2, 0.1])
    truth_bins = np.zeros((5, 200), dtype=bool)
    truth_bins[:, 90:110] = True
    bins_good = np.where(truth_bins, 1.0, 0.0)
    good = interpret.recovery_scores(truth_marks, bins_good, truth_marks, truth_bins)
    assert good["mark_spearman"] == pytest.approx(1.0)
    assert good["bin_auroc"] == pytest.approx(1.0)
    assert good["mark_auroc"] == pytest.approx(1.0) and good["top_mark_hit"] == 1.0
    flat = interpret.recovery_scores(np.full(5, 0.2), np.ones((5, 200)), truth_marks, truth_bins)
    assert flat["bin_auroc"] == pytest.approx(0.5)
    assert np.isnan(flat["mark_spearman"])
    wrong = interpret.recovery_scores(np.array([0, 0, 1.0, 0, 0]), bins_good, truth_marks, truth_bins)
    assert wrong["top_mark_hit"] == 0.0


class _LinearDiff(nn.Module):
    """diff = sum(w * (x_b - x_a)): the attribution of each input is known in closed form."""

    def __init__(self, weights: torch.Tensor) -> None:
        super().__init__()
        self.w = nn.Parameter(weights)

    def forward(self, x_a: torch.Tensor, x_b: torch.Tensor) -> SimpleNamespace:
        return SimpleNamespace(diff=((x_b - x_a) * self.w).sum(dim=(1, 2)))


@pytest.mark.parametrize("method", ["grad_x_input", "integrated_gradients"])
def test_gradient_attribution_of_a_linear_model(method: str) -> None:
    rng = np.random.default_rng(3)
    w = torch.zeros(5, 200)
    w[1, 95:105] = 1.0  # only H3K4me3 near the TSS matters
    model = _LinearDiff(w)
    x_a = rng.poisson(3, (6, 5, 200)).astype(np.float32)
    x_b = rng.poisson(3, (6, 5, 200)).astype(np.float32)
    attr = interpret.gradient_attribution(model, x_a, x_b, method=method, batch_size=4, steps=4)
    expected = np.abs(w.numpy() * x_a) + np.abs(w.numpy() * x_b)
    assert attr.shape == (6, 5, 200)
    assert np.allclose(attr, expected, atol=1e-4)
    marks = interpret.attribution_marks(attr)
    assert np.allclose(marks[:, 1], 1.0)
    bins = interpret.attribution_bins(attr)
    assert np.allclose(np.nansum(bins, axis=2)[:, 1], 1.0)
    with pytest.raises(ValueError, match="unknown attribution"):
        interpret.gradient_attribution(model, x_a, x_b, method="saliency")
