"""simulate_pair: sizes, dtypes, determinism, provenance and the returned truth."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from deepdiff.constants import FULL_SPLIT_SIZES, MARKS, N_BINS, SPLITS
from deepdiff.data.containers import PairData
from deepdiff.errors import ConfigError, DataError
from deepdiff.simulate import SimulationConfig, SimulationTruth, gene_symbol, simulate_pair, split_sizes


def test_split_sizes_full_and_proportional() -> None:
    assert split_sizes(None) == FULL_SPLIT_SIZES
    sizes = split_sizes(1846)
    assert sizes == {"train": 1000, "valid": 236, "test": 610}
    tiny = split_sizes(9)
    assert sum(tiny.values()) == 9 and min(tiny.values()) >= 3


@pytest.mark.parametrize("bad", [0, 8, -5, 2.5, True, "100"])
def test_split_sizes_rejects_too_few_or_non_integer(bad: object) -> None:
    with pytest.raises(ConfigError, match="n_genes"):
        split_sizes(bad)  # type: ignore[arg-type]


def test_arrays_look_like_the_real_ones(small_pair: PairData) -> None:
    data = small_pair
    assert data.source == "simulated" and not data.is_real
    assert [len(data.split(s)) for s in SPLITS] == [325, 77, 198]
    for split in SPLITS:
        part = data.split(split)
        for x in (part.x_a, part.x_b):
            assert x.dtype == np.uint16 and x.shape == (len(part), len(MARKS), N_BINS)
        for e in (part.expr_a, part.expr_b):
            assert e.dtype == np.float64 and (e >= 0).all() and (e == np.round(e)).all()
        assert all(re.fullmatch(r"ENSGSIM\d{8}", g) for g in part.genes)
    genes = np.concatenate([data.split(s).genes for s in SPLITS])
    assert len(set(genes.tolist())) == len(genes)
    assert gene_symbol("ENSGSIM00000042") == "SIM42" and gene_symbol("ENSG00000130749") == ""


def test_label_and_checksum(small_pair: PairData) -> None:
    assert small_pair.label == "simulated (seed 0, 600 genes, calibrated to E003-E004)"
    assert re.fullmatch(r"[0-9a-f]{64}", small_pair.checksum)
    assert small_pair.meta["sizes"] == {"train": 325, "valid": 77, "test": 198}


def test_same_seed_same_bytes_other_seed_other_data(small_pair: PairData) -> None:
    again = simulate_pair("E003-E004", n_genes=600, seed=0)
    assert again.checksum == small_pair.checksum
    for split in SPLITS:
        a, b = small_pair.split(split), again.split(split)
        for name in ("x_a", "x_b", "expr_a", "expr_b"):
            assert getattr(a, name).tobytes() == getattr(b, name).tobytes()
    other = simulate_pair("E003-E004", n_genes=600, seed=1)
    assert other.checksum != small_pair.checksum
    assert not np.array_equal(other.train.x_a, small_pair.train.x_a)


def test_checksum_covers_config_pair_and_size() -> None:
    base = simulate_pair("E003-E004", n_genes=30, seed=3)
    harder = simulate_pair("E003-E004", n_genes=30, seed=3, config=SimulationConfig(explained_fraction=0.5))
    swapped = simulate_pair("E004-E003", n_genes=30, seed=3)
    bigger = simulate_pair("E003-E004", n_genes=31, seed=3)
    assert len({base.checksum, harder.checksum, swapped.checksum, bigger.checksum}) == 4


def test_unknown_cells_use_the_default_calibration() -> None:
    data = simulate_pair("CELLX-CELLY", n_genes=30, seed=0)
    assert "default calibration" in data.label
    assert data.truth.sources["change"].startswith("default")
    assert data.truth.sources["marks CELLX"].startswith("default")


def test_bad_arguments_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match="seed"):
        simulate_pair("E003-E004", n_genes=30, seed=-1)
    with pytest.raises(DataError, match="malformed pair"):
        simulate_pair("E003", n_genes=30)
    with pytest.raises(ConfigError, match="explained_fraction"):
        SimulationConfig(explained_fraction=1.5)


def test_truth_is_complete_and_aligned(small_pair: PairData) -> None:
    truth = small_pair.truth
    assert isinstance(truth, SimulationTruth)
    assert dataclasses.is_dataclass(truth)
    with pytest.raises(dataclasses.FrozenInstanceError):
        truth.seed = 5  # type: ignore[misc]
    assert dict(truth.informative_marks) == {"H3K4me1": 1, "H3K4me3": 1, "H3K27me3": -1, "H3K36me3": 1}
    assert truth.informative_bins["H3K9me3"] == []
    assert truth.bin_weights.shape == truth.bin_information.shape == (len(MARKS), N_BINS)
    assert np.isclose(truth.mark_importance.sum(), 1.0)
    assert truth.mark_importance[MARKS.index("H3K9me3")] == 0.0
    assert (truth.bin_weights[MARKS.index("H3K27me3")] <= 0).all()
    assert (truth.bin_weights[MARKS.index("H3K4me3")] >= 0).all()
    for split in SPLITS:
        n = len(small_pair.split(split))
        for table in (truth.explained, truth.activity_a, truth.activity_b, truth.oracle_lfc):
            assert table[split].shape == (n,)
        assert truth.explained[split].dtype == bool
    text = truth.describe()
    assert "E003-E004" in text and "H3K4me3" in text and "Oracle PCC" in text


def test_explained_fraction_and_oracle_follow_the_config() -> None:
    data = simulate_pair("E003-E004", n_genes=2000, seed=2)
    explained = np.concatenate([data.truth.explained[s] for s in SPLITS])
    # Binomial(2000, 0.8): sd 0.009, so 0.045 is five standard deviations.
    assert abs(explained.mean() - SimulationConfig().explained_fraction) < 0.045
    assert 0.5 < data.truth.oracle_pcc["test"] < 0.95
    none = simulate_pair("E003-E004", n_genes=2000, seed=2, config=SimulationConfig(explained_fraction=0.0))
    # Without explained genes the oracle keeps only what a gene's level says about its LFC (the
    # two cells' expression distributions differ), far below the default.
    assert none.truth.oracle_pcc["test"] < data.truth.oracle_pcc["test"] - 0.3
