"""The ``deepdiff train`` and ``deepdiff evaluate`` commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deepdiff.cli import main
from deepdiff.results.store import load_result
from tests.conftest import SampleFiles


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--variant", "raw_x"], r"unknown variant 'raw_x'; choose one of raw_d, raw_c, raw, aux"),
        (["--profile", "huge"], r"unknown profile 'huge'; choose one of paper, quick"),
        (["--device", "gpu"], r"unknown device 'gpu'"),
        (["--epochs", "0"], r"max_epochs must be a positive integer"),
        (["--pair", "E003E004"], r"malformed pair 'E003E004'"),
        (["--threads", "0"], r"--threads must be a positive whole number, got 0"),
        (["--patience", "0"], r"training setting patience must be a positive integer or None, got 0"),
        (["--data", "local"], r"--data local needs --data-dir DIR, the folder with CELL"),
    ],
)
def test_train_errors_before_loading_data(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = ["train", "--pair", "E003-E004", "--data", "simulated", "--out", str(tmp_path), "--no-progress"]
    assert main([*base, *args]) == 2
    err = capsys.readouterr().err
    assert "deepdiff train: error:" in err
    assert re.search(message, err), err
    assert not any(tmp_path.iterdir())


def test_train_refuses_an_unknown_recurrence_backend_before_loading_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPDIFF_KERNELS", "fast")
    assert main(["train", "--pair", "E003-E004", "--data", "remc", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "deepdiff train: error: DEEPDIFF_KERNELS='fast' is not a backend; choose one of auto, native, torch\n"
    )
    assert not any(tmp_path.iterdir())


def test_train_needs_a_pair_except_for_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--data", "remc", "--no-progress"]) == 2
    assert "--pair is required" in capsys.readouterr().err


def test_evaluate_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "nothing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path)]) == 0
    assert "no complete results" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--n-boot", "0"], "--n-boot must be positive, got 0"),
        (["--level", "1.5"], "--level must be between 0 and 1, got 1.5"),
        (["--level", "0"], "--level must be between 0 and 1, got 0.0"),
    ],
)
def test_evaluate_bad_options(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(tmp_path), *args]) == 2
    assert capsys.readouterr().err == f"deepdiff evaluate: error: {message}\n"


def test_train_then_evaluate_on_the_sample(
    sample_files: SampleFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Train two methods on the sample read as a local folder (a subset of 120 genes), then evaluate."""
    out = tmp_path / "results"
    argv = ["train", "--pair", "Cell1-Cell2", "--data", "local", "--data-dir", str(sample_files.directory)]
    argv += ["--genes", "120", "--variant", "raw_d,attentivechrome_diff", "--epochs", "1", "--device", "cpu"]
    argv += ["--threads", "1", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "raw_d on Cell1-Cell2" in text and "attentivechrome_diff on Cell1-Cell2" in text
    assert text.count("reused cached result") == 0
    assert main(argv) == 0
    assert capsys.readouterr().out.count("reused cached result") == 2

    assert main(["evaluate", str(out), "--n-boot", "200"]) == 0
    table = capsys.readouterr().out
    assert "raw_d" in table and "attentivechrome_diff" in table and "95% CI" in table
    assert main(["evaluate", str(out), "--json", "--n-boot", "200", "--level", "0.8"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert {r["method"] for r in runs} == {"raw_d", "attentivechrome_diff"}
    total = sum(sample_files.genes.values())
    n_test = round(120 * sample_files.genes["test"] / total) if total > 120 else sample_files.genes["test"]
    for r in runs:
        assert (r["source"], r["profile"], r["seed"], r["n_test"]) == ("local", "quick", 0, n_test)
        stored = load_result(r["path"]).metrics["test"]["pearson"]
        assert r["test_pearson"] == pytest.approx(stored)  # a trained network's predictions vary
        assert -1 < r["test_pearson_low"] < r["test_pearson"] < r["test_pearson_high"] < 1
