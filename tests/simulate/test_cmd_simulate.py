"""``deepdiff simulate`` writes a pair in the REMC format and reports errors cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.cli import main


def test_simulate_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sim"
    rc = main(
        ["simulate", "--pair", "E003-E004", "--genes", "30", "--seed", "1", "--out", str(out), "--quiet"]
    )
    assert rc == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"{c}.{r}.csv" for c in ("E003", "E004") for r in ("train", "valid", "test", "expr")]
        + ["E003-E004.provenance.json"]
    )
    text = capsys.readouterr().out
    assert "simulated (seed 1, 30 genes, calibrated to E003-E004)" in text and "wrote 9 files" in text


def test_simulate_is_reproducible(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert (
            main(["simulate", "--genes", "20", "--seed", "7", "--out", str(tmp_path / name), "--quiet"]) == 0
        )
    for path in (tmp_path / "one").iterdir():
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes()


def test_bad_input_is_an_error_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--genes", "3", "--out", str(tmp_path), "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "deepdiff simulate: error: n_genes must be a whole number >= 9 (3 genes per split), or None for "
        "the full 18,460; got 3\n"
    )
    assert main(["simulate", "--pair", "E003", "--out", str(tmp_path), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith(
        "deepdiff simulate: error: malformed pair 'E003': expected two cell names joined by '-'"
    )
    assert not any(tmp_path.iterdir())  # nothing written
