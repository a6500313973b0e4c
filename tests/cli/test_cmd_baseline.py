"""``deepdiff baseline``: argument errors are clear, and a run writes a result directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.cli import main
from deepdiff.results.store import collect_results, load_result
from tests.conftest import SampleFiles


def test_unknown_method_exits_2_with_the_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        ["baseline", "--method", "svr9", "--pair", "E003-E004", "--data", "simulated", "--out", str(tmp_path)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown baseline method 'svr9'" in err and "relief_rf" in err


def test_unknown_profile_fails_before_loading_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["baseline", "--method", "paper", "--pair", "E003-E004", "--data", "remc", "--profile", "x"])
    assert code == 2
    assert "unknown profile 'x'" in capsys.readouterr().err


def test_pair_is_required_except_for_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "--method", "ridge", "--data", "simulated"]) == 2
    assert "--pair is required" in capsys.readouterr().err


def test_local_sample(sample_files: SampleFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The sample (Cell1 = E123, Cell2 = E003), synthetic and real, read as a local folder."""
    argv = ["baseline", "--method", "ridge,hgb", "--pair", "Cell1-Cell2", "--data", "local"]
    argv += ["--data-dir", str(sample_files.directory), "--out", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    assert capsys.readouterr().out.count("reused cached result") == 0
    table = collect_results(tmp_path)
    assert sorted(table["method"]) == ["hgb", "ridge"]
    assert set(table["source"]) == {"local"} and set(table["pair"]) == {"Cell1-Cell2"}
    for path in table["path"]:
        metrics = load_result(path).metrics
        assert metrics["data"]["n_genes"]["test"] == sample_files.genes["test"]
        assert metrics["test"]["n"] == sample_files.genes["test"]
    assert main(argv) == 0
    assert capsys.readouterr().out.count("reused cached result") == 2
