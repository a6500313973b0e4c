"""``deepdiff data fetch`` and ``deepdiff data info``, on the synthetic sample and the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.cli import main
from deepdiff.constants import REMC_COMMIT
from tests.conftest import SampleFiles
from tests.data.conftest import RemcServer


def test_info_on_a_local_pair(sample_files: SampleFiles, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "data",
            "info",
            "--pair",
            "Cell1-Cell2",
            "--data",
            "local",
            "--data-dir",
            str(sample_files.directory),
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Cell1-Cell2  [local: " in out
    assert "LFC = log2((expr_Cell2 + 1) / (expr_Cell1 + 1))" in out
    for split in ("train", "valid", "test"):
        assert f"  {split:<6} {sample_files.genes[split]:>7}  uint16" in out


def test_fetch_sample_from_the_local_server(
    remc_server: RemcServer, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["data", "fetch", "--data", "sample", "--base-url", remc_server.base_url, "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "E123-E003  [real sample (authors' E123/E003, 200 genes per split)]" in out
    downloads = cache_dir / "downloads" / REMC_COMMIT / "data"
    assert sorted(p.name for p in downloads.iterdir()) == sorted(
        f"Cell{i}.{r}.csv" for i in (1, 2) for r in ("train", "valid", "test", "expr")
    )
    assert len(list((cache_dir / "parsed").glob("*.npz"))) == 6


def test_print_urls_needs_no_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["data", "fetch", "--pair", "E003-E004", "--print-urls", "--cache-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    urls = [line for line in out.splitlines() if line.startswith("https://")]
    assert len(urls) == 8
    assert urls[0] == (
        f"https://raw.githubusercontent.com/QData/DeepDiffChrome/{REMC_COMMIT}/data/ProcessedData/E003.train.csv"
    )
    assert str(tmp_path / "downloads" / REMC_COMMIT / "data" / "ProcessedData" / "E004.expr.csv") in out
    assert not (tmp_path / "downloads").exists()


def test_fetch_offline_says_how_to_fetch_by_hand(
    closed_port: int, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = f"http://127.0.0.1:{closed_port}"
    argv = ["data", "fetch", "--pair", "E003-E004", "--data", "remc", "--base-url", base, "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("deepdiff data: error: cannot connect to get ") and "offline?" in err
    assert "To fetch the files by hand" in err and "--data local --data-dir FOLDER" in err
    assert f"{base}/{REMC_COMMIT}/data/ProcessedData/E004.expr.csv" in err
    assert not (cache_dir / "downloads").exists() or not any((cache_dir / "downloads").rglob("*.csv"))


def test_errors_are_reported_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", "--data", "remc"]) == 2
    assert "--pair is required" in capsys.readouterr().err
    assert main(["data", "info", "--pair", "E003-E004", "--data", "sample", "--no-progress"]) == 2
    assert "not in the authors' sample" in capsys.readouterr().err
