"""Every baseline finds a planted signal, finds nothing where nothing is planted, and the
best-bin SVR picks a planted bin.

The hand-made pair (:func:`tests.baselines.conftest.hand_pair`) plants one H3K4me3 peak at the TSS
that drives the LFC (best possible test PCC about 0.95). With 200 test genes a PCC has a
standard error of about 0.07 under no association, so the threshold 0.5 is seven standard errors
above chance, and the null bound 0.3 about four; the baselines reach 0.67 (ReliefF + forest) to
0.90 (CNN) on this pair, so the thresholds are not tuned to the edge.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.data.containers import PairData
from deepdiff.methods import METHODS
from deepdiff.methods.by_name import run_baseline
from tests.baselines.conftest import HAND_PEAK_BINS, hand_pair

OWN_METHODS = [m for m, spec in METHODS.items() if spec.kind == "baseline" and not spec.training_loop]
SIZES = (300, 120, 200)
SIGNAL_PCC = 0.5
NULL_PCC = 0.3


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One results directory for the module, so a run needed by two tests is cached, not repeated."""
    return tmp_path_factory.mktemp("recovery")


@pytest.fixture(scope="module")
def planted() -> PairData:
    return hand_pair(SIZES, seed=11)


@pytest.fixture(scope="module")
def unplanted() -> PairData:
    return hand_pair(SIZES, seed=11, coupled=False)


@pytest.mark.parametrize("method", OWN_METHODS)
def test_recovers_the_planted_signal(planted: PairData, results: Path, method: str) -> None:
    result = run_baseline(planted, method, results_dir=results, progress=False, device="cpu")
    assert result.test_pearson > SIGNAL_PCC, result.summary()


@pytest.mark.parametrize("method", OWN_METHODS)
def test_finds_nothing_when_nothing_is_planted(unplanted: PairData, results: Path, method: str) -> None:
    result = run_baseline(unplanted, method, results_dir=results, progress=False, device="cpu")
    assert abs(result.test_pearson) < NULL_PCC, result.summary()


def test_best_bin_svr_picks_a_planted_bin(planted: PairData, results: Path) -> None:
    result = run_baseline(planted, "svr1", results_dir=results, progress=False)
    chosen = result.metrics["selected"]["bin"]
    assert chosen in HAND_PEAK_BINS, f"bin {chosen} is outside the planted peak {HAND_PEAK_BINS}"
    # The screen itself ranks the planted bins first: its five best bins all lie in the peak.
    screen = result.metrics["search"]["screen"]["valid_pearson"]
    best = sorted(range(len(screen)), key=lambda b: -max(v for v in screen[b] if v is not None))[:5]
    assert all(b + 1 in HAND_PEAK_BINS for b in best), best


def test_relieff_ranks_planted_features_first(planted: PairData, results: Path) -> None:
    result = run_baseline(planted, "relief_rf", results_dir=results, progress=False)
    top = [row["feature"] for row in result.metrics["search"]["relieff_top"][:10]]
    for name in top:
        _, mark, bin_label = name.split(":")
        assert mark == "H3K4me3" and int(bin_label) in HAND_PEAK_BINS, top


@pytest.mark.parametrize("method", ["ridge", "hgb"])
def test_signal_of_the_project_simulator(
    sim_pair: PairData, null_pair: PairData, results: Path, method: str
) -> None:
    """On the calibrated simulator the planted signal is spread thinly over marks and bins.

    With about 660 test genes a PCC has a standard error of about 0.04 under no association:
    0.2 is five standard errors above chance, 0.15 bounds the null at about four.
    """
    found = run_baseline(sim_pair, method, results_dir=results, progress=False)
    assert found.test_pearson > 0.2, found.summary()
    null = run_baseline(null_pair, method, results_dir=results, progress=False)
    assert abs(null.test_pearson) < 0.15, null.summary()
