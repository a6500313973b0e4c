"""The side-by-side learnability table, finding the real sample, and scores against training genes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deepdiff import methods
from deepdiff.errors import DataError
from deepdiff.report.learnability import (
    find_sample,
    learnability_table,
    run_seeds,
    sample_twin,
    scores_by_training_genes,
)
from deepdiff.simulate import split_sizes
from deepdiff.simulate.learnability import TOLERANCE
from deepdiff.sources.real import load_sample_folder


def test_the_table_says_where_the_real_sample_is_missing() -> None:
    sim = {"ridge": [0.6, 0.7], "hgb": [0.5, 0.5]}
    table = learnability_table(None, sim)
    assert list(table["real sample: test PCC"]) == ["missing", "missing"]
    assert table["simulated twins: test PCC"].iloc[0].startswith("0.650 (sd 0.050, 2 data seeds)")


def test_the_table_computes_gaps_and_verdicts() -> None:
    table = learnability_table({"ridge": [0.6], "hgb": [0.4, 0.6]}, {"ridge": [0.7, 0.7], "hgb": [0.52]})
    assert list(table.index) == [methods.label("ridge"), methods.label("hgb")]
    assert list(table["gap (sim − real)"]) == ["+0.100", "+0.020"]
    assert list(table[f"within {TOLERANCE:g}"]) == ["no", "yes"]
    assert table["real sample: test PCC"].iloc[1] == "0.500 (2 runs)"


def test_unseeded_methods_run_once() -> None:
    assert run_seeds("ridge", [0, 1, 2]) == [0]
    assert run_seeds("raw_c", [0, 1, 2]) == [0, 1, 2]


def test_the_twin_has_the_samples_split_sizes() -> None:
    twin = sample_twin(0)
    assert [len(twin.split(s)) for s in ("train", "valid", "test")] == [200, 200, 200]
    assert str(twin.pair) == "E123-E003" and twin.source == "simulated"


def test_a_sample_folder_is_read_like_the_downloaded_sample(
    synthetic_sample_dir: Path, tmp_path: Path
) -> None:
    data, where = find_sample(synthetic_sample_dir, cache_dir=tmp_path)
    assert data is not None and where == "the folder given as sample_dir"
    assert data.source == "sample" and str(data.pair) == "E123-E003"
    # Swapped cells: the same files, the other sign of the LFC.
    swapped = load_sample_folder(synthetic_sample_dir, "E003-E123", cache_dir=tmp_path)
    assert (swapped.test.lfc == -data.test.lfc).all()


def test_a_folder_without_the_sample_is_refused_by_name(synthetic_sample_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "partial"
    shutil.copytree(synthetic_sample_dir, folder)
    (folder / "Cell2.valid.csv").unlink()
    with pytest.raises(DataError, match=r"not a copy of the authors' sample: missing Cell2\.valid\.csv"):
        load_sample_folder(folder, cache_dir=tmp_path)
    with pytest.raises(DataError, match="E123-E003 or E003-E123"):
        load_sample_folder(folder, "E003-E004", cache_dir=tmp_path)


def test_without_a_sample_anywhere_it_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("deepdiff.report.learnability.shared_data_dir", lambda: None)
    data, why = find_sample(cache_dir=tmp_path)
    assert data is None and "deepdiff data fetch --pair E123-E003 --data sample" in why


def test_scores_by_training_genes(tmp_path: Path) -> None:
    options = methods.RunOptions(results_dir=tmp_path, device="cpu", progress=False)
    scores = scores_by_training_genes("E003-E004", [60, 120], ["ridge"], profile="quick", options=options)
    assert list(scores["genes"]) == [60, 120]
    assert list(scores["training genes"]) == [split_sizes(n)["train"] for n in (60, 120)]
    assert scores["test PCC"].between(-1, 1).all()
