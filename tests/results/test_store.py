"""The shared result format and cache."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from deepdiff.errors import DataError
from deepdiff.results.store import (
    COLLECT_COLUMNS,
    cache_key,
    collect_results,
    find_result,
    load_result,
    result_path,
    split_metrics,
    write_result,
)


def _metrics(key: str, *, method: str = "raw_d", seed: int = 0, pcc: float = 0.5) -> dict:
    return {
        "kind": "deepdiff",
        "method": method,
        "pair": "E003-E004",
        "data": {"source": "simulated", "label": "simulated (seed 0)", "checksum": "abc"},
        "profile": "quick",
        "seed": seed,
        "config": {"lr": 1e-4},
        "test": {"pearson": pcc, "spearman": 0.4, "mse": 1.0, "n": 3},
        "valid": {"pearson": 0.6, "spearman": None, "mse": 1.0, "n": 2},
        "key": key,
    }


def _predictions() -> pd.DataFrame:
    return pd.DataFrame(
        {"gene": ["ENSG01", "ENSG02", "ENSG03"], "lfc_true": [0.5, -1.0, 2.0], "lfc_pred": [0.1, -0.2, 1.0]}
    )


def test_cache_key_is_canonical_and_sensitive() -> None:
    k = cache_key("deepdiff", "raw_d", {"a": 1, "b": [1, 2], "c": {"x": 1.5}}, "sum")
    assert len(k) == 64 and int(k, 16) >= 0
    assert k == cache_key("deepdiff", "raw_d", {"c": {"x": 1.5}, "b": (1, 2), "a": 1}, "sum")
    assert k != cache_key("deepdiff", "raw_d", {"a": 1, "b": [1, 2], "c": {"x": 1.51}}, "sum")
    assert k != cache_key("deepdiff", "raw_d", {"a": 1, "b": [1, 2], "c": {"x": 1.5}}, "other")
    assert k != cache_key("deepdiff", "raw_c", {"a": 1, "b": [1, 2], "c": {"x": 1.5}}, "sum")
    assert k != cache_key("baseline", "raw_d", {"a": 1, "b": [1, 2], "c": {"x": 1.5}}, "sum")
    assert cache_key("baseline", "svr", {"C": np.float64(1.0), "n": np.int64(3)}, "s") == cache_key(
        "baseline", "svr", {"C": 1.0, "n": 3}, "s"
    )


def test_result_path_layout(tmp_path: Path) -> None:
    key = "0123456789abcdef" * 4
    assert (
        result_path(tmp_path, "E003-E004", "raw", 2, key)
        == tmp_path / "E003-E004" / "raw" / "seed2-0123456789ab"
    )


def test_write_find_load_roundtrip(tmp_path: Path) -> None:
    key = cache_key("deepdiff", "raw_d", {"lr": 1e-4}, "abc")
    path = result_path(tmp_path, "E003-E004", "raw_d", 0, key)
    assert find_result(tmp_path, "E003-E004", "raw_d", 0, key) is None
    attention = {
        "genes": np.array(["ENSG01", "ENSG02", "ENSG03"]),
        "row_attention": np.full((3, 5), 0.2, dtype=np.float32),
        "bin_attention": np.full((3, 5, 200), 1 / 200, dtype=np.float32),
        "row_names": np.array(["H3K4me1", "H3K4me3", "H3K9me3", "H3K27me3", "H3K36me3"]),
        "bin_row_names": np.array(["d1", "d2", "d3", "d4", "d5"]),
    }
    write_result(path, metrics=_metrics(key), predictions=_predictions(), attention=attention)
    assert find_result(tmp_path, "E003-E004", "raw_d", 0, key) == path
    # A different key with the same 12-character prefix is not a hit.
    assert find_result(tmp_path, "E003-E004", "raw_d", 0, key[:12] + "0" * 52) is None
    run = load_result(path)
    assert run.metrics["key"] == key
    assert run.metrics["history"] == [] and "created" in run.metrics and "code_version" in run.metrics
    pd.testing.assert_frame_equal(run.predictions, _predictions())
    att = run.attention()
    assert att is not None and att["bin_attention"].shape == (3, 5, 200)
    assert att["bin_attention"].dtype == np.float16
    np.testing.assert_allclose(att["bin_attention"].sum(axis=-1), 1.0, rtol=1e-3)
    assert list(att["row_names"]) == list(attention["row_names"])
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")], "temporary directory left behind"


def test_write_result_validates(tmp_path: Path) -> None:
    bad = _metrics("k")
    del bad["pair"]
    with pytest.raises(ValueError, match="pair"):
        write_result(tmp_path / "x", metrics=bad, predictions=_predictions())
    with pytest.raises(ValueError, match="lfc_pred"):
        write_result(
            tmp_path / "x", metrics=_metrics("k"), predictions=_predictions().drop(columns="lfc_pred")
        )
    with pytest.raises(ValueError, match="split_metrics"):
        write_result(
            tmp_path / "x", metrics={**_metrics("k"), "test": {"pearson": 1.0}}, predictions=_predictions()
        )
    for files in ({"metrics.json": b"{}"}, {"../model.pt": b""}):
        with pytest.raises(ValueError, match="extra result files"):
            write_result(tmp_path / "x", metrics=_metrics("k"), predictions=_predictions(), files=files)
    assert not (tmp_path / "x").exists()


def test_extra_files_are_written_with_the_result(tmp_path: Path) -> None:
    path = write_result(
        tmp_path / "x", metrics=_metrics("k"), predictions=_predictions(), files={"model.pt": b"weights"}
    )
    assert (path / "model.pt").read_bytes() == b"weights"


def test_incomplete_or_corrupt_directory_is_not_a_hit(tmp_path: Path) -> None:
    key = "f" * 64
    path = result_path(tmp_path, "E003-E004", "raw_d", 0, key)
    path.mkdir(parents=True)
    (path / "predictions.csv").write_text("gene,lfc_true,lfc_pred\n")
    assert find_result(tmp_path, "E003-E004", "raw_d", 0, key) is None
    (path / "metrics.json").write_text("{not json")
    assert find_result(tmp_path, "E003-E004", "raw_d", 0, key) is None
    with pytest.raises(DataError, match="not valid JSON"):
        load_result(path)
    with pytest.raises(DataError, match="missing"):
        load_result(tmp_path / "nowhere")


def test_collect_results(tmp_path: Path) -> None:
    assert list(collect_results(tmp_path).columns) == list(COLLECT_COLUMNS)
    assert collect_results(tmp_path / "absent").empty
    for method, seed, pcc in [("raw_d", 1, 0.3), ("raw_c", 0, 0.7), ("raw_d", 0, 0.4)]:
        key = cache_key("deepdiff", method, {"seed": seed}, "abc")
        write_result(
            result_path(tmp_path, "E003-E004", method, seed, key),
            metrics=_metrics(key, method=method, seed=seed, pcc=pcc),
            predictions=_predictions(),
        )
    (tmp_path / "E003-E004" / "raw_d" / ".partial").mkdir()
    (tmp_path / "E003-E004" / "raw_d" / ".partial" / "metrics.json").write_text("{}")
    table = collect_results(tmp_path)
    assert list(table["method"]) == ["raw_c", "raw_d", "raw_d"]
    assert list(table["seed"]) == [0, 0, 1]
    assert list(table["test_pearson"]) == [0.7, 0.4, 0.3]
    assert table["valid_pearson"].tolist() == [0.6] * 3
    assert set(table["data_label"]) == {"simulated (seed 0)"}


class _Listing:
    """What ``os.scandir`` returns, read in full before the caller sees it."""

    def __init__(self, entries: list[os.DirEntry[str]]) -> None:
        self._entries = iter(entries)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __iter__(self) -> _Listing:
        return self

    def __next__(self) -> os.DirEntry[str]:
        return next(self._entries)

    def close(self) -> None:
        pass


def test_collect_results_while_writers_come_and_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writers create and delete hidden temporary directories (and a user may delete a run) while
    the results are collected: a directory listed, then gone, is passed over, and hidden ones are
    never entered."""
    method_dir = tmp_path / "E003-E004" / "raw_d"
    key = cache_key("deepdiff", "raw_d", {"seed": 0}, "abc")
    write_result(
        result_path(tmp_path, "E003-E004", "raw_d", 0, key), metrics=_metrics(key), predictions=_predictions()
    )
    # A complete result inside a writer's temporary directory: not a result yet.
    write_result(method_dir / ".seed0-x.tmp", metrics=_metrics(key, seed=7), predictions=_predictions())
    vanishing = [method_dir / ".seed1-y.tmp", method_dir / "seed2-deleted"]
    for folder in vanishing:
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "metrics.json").write_text("{}")
    real_scandir = os.scandir
    scanned: list[Path] = []

    def scandir(path: str | os.PathLike[str] = ".") -> _Listing:
        scanned.append(Path(path))
        with real_scandir(path) as listing:
            entries = list(listing)
        if Path(path) == method_dir:  # listed, then removed before the walk gets to them
            for folder in vanishing:  # by hand: shutil.rmtree would list them through this function
                (folder / "sub" / "metrics.json").unlink()
                (folder / "sub").rmdir()
                folder.rmdir()
        return _Listing(entries)

    monkeypatch.setattr(os, "scandir", scandir)
    table = collect_results(tmp_path)
    monkeypatch.undo()
    assert method_dir in scanned
    assert list(table["seed"]) == [0]
    assert not [p for p in scanned if any(part.startswith(".") for part in p.relative_to(tmp_path).parts)]


def test_split_metrics_matches_scipy() -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=100)
    p = y + rng.normal(size=100)
    m = split_metrics(y, p)
    assert m["n"] == 100
    assert m["pearson"] == pytest.approx(stats.pearsonr(y, p).statistic)
    assert m["spearman"] == pytest.approx(stats.spearmanr(y, p).statistic)
    assert m["mse"] == pytest.approx(np.mean((y - p) ** 2))
    json.dumps(m)
    const = split_metrics(y, np.zeros_like(y))
    assert const["pearson"] is None and const["spearman"] is None
    assert const["mse"] == pytest.approx(np.mean(y**2))


def test_a_writer_with_more_files_replaces_a_complete_run_that_lacks_them(tmp_path: Path) -> None:
    """A run unpacked from a bundle (no model) must not win over the same run trained here with its model."""
    path = tmp_path / "run"
    write_result(path, metrics=_metrics("k"), predictions=_predictions())
    write_result(
        path, metrics=_metrics("k"), predictions=_predictions(), files={"model.pt": b"w"}, replace=False
    )
    assert (path / "model.pt").read_bytes() == b"w"
    write_result(path, metrics=_metrics("k"), predictions=_predictions(), replace=False)
    assert (path / "model.pt").read_bytes() == b"w"  # the run already there has all this writer's files


def _wait_for(pattern: str, folder: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not list(folder.glob(pattern)):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"no {pattern} under {folder}"
        time.sleep(0.005)


@pytest.mark.slow
def test_train_racing_unpack_of_the_same_run_keeps_the_trained_weights(tmp_path: Path) -> None:
    """Real processes: a bundle of the run lands while ``train`` is fitting it; the weights are kept."""
    from deepdiff.training.saved import load_model
    from tests.processes import deepdiff_command, run_deepdiff

    train = ["train", "--pair", "E003-E004", "--data", "simulated", "--genes", "120", "--variant", "raw_d"]
    train += ["--epochs", "3", "--device", "cpu", "--threads", "1", "--no-progress"]
    elsewhere = run_deepdiff(*train, "--out", tmp_path / "elsewhere")
    assert elsewhere.returncode == 0, elsewhere.stderr
    packed = run_deepdiff("results", "pack", tmp_path / "elsewhere", tmp_path / "b.tar.gz")
    assert packed.returncode == 0, packed.stderr

    here = tmp_path / "here"
    command, env = deepdiff_command(*train, "--out", here)
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for("E003-E004/raw_d/.seed0-*.ckpt", here, proc)  # fitting: an epoch is done
        os.kill(proc.pid, signal.SIGSTOP)
        unpacked = run_deepdiff("results", "unpack", tmp_path / "b.tar.gz", here)
        os.kill(proc.pid, signal.SIGCONT)
        assert unpacked.returncode == 0 and "1 run(s) added" in unpacked.stdout, unpacked.stderr
        _out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    (run,) = collect_results(here)["path"]
    assert load_model(run).summary()  # the trained weights are there: predict can use the run
