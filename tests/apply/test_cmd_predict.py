"""``deepdiff predict``: the output folder, an existing output kept, a tampered model refused by name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepdiff.cli import main
from deepdiff.data.layout import EXPRESSION_ROLE, cell_file
from deepdiff.results.store import MODEL_FILE, RunResult
from tests.apply.test_cells import write_cell
from tests.processes import run_deepdiff


@pytest.fixture
def other_cells(tmp_path: Path) -> Path:
    """Two cells with other names than the training pair's, one file each, no expression."""
    genes = [f"ENSG{i:011d}" for i in range(25)]
    folder = tmp_path / "cells"
    folder.mkdir()
    write_cell(folder, "K562", genes, seed=3)
    write_cell(folder, "HepG2", genes, seed=4)
    return folder


def test_the_command_line(
    runs: dict[str, RunResult], other_cells: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pred"
    args = [
        "predict",
        "--model",
        str(runs["raw_aux_siamese"].path),
        "--pair",
        "K562-HepG2",
        "--data-dir",
        str(other_cells),
        "--no-progress",
    ]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "raw_aux_siamese trained on E003-E004" in printed and str(out) in printed
    table = pd.read_csv(out / "predictions.csv")
    assert len(table) == 25 and "lfc_pred" in table
    summary = json.loads((out / "prediction.json").read_text())
    assert summary["cells"]["pair"] == "K562-HepG2" and summary["model"]["method"] == "raw_aux_siamese"
    assert summary["metrics"] is None and summary["cells"]["expression_known"] is False
    with np.load(out / "attention.npz") as att:
        assert att["row_attention"].shape[0] == 25
    assert main([*args, "--out", str(out)]) == 2  # an existing output is kept
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--out", str(out), "--force", "--no-attention"]) == 0
    assert not (out / "attention.npz").exists()


def test_a_tampered_model_is_refused_by_the_command_line_with_its_path(
    runs: dict[str, RunResult], other_cells: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = Path(shutil.copytree(runs["raw_c"].path, tmp_path / "run"))
    weights = run_dir / MODEL_FILE
    weights.write_bytes(weights.read_bytes()[:-100])
    code = main(
        [
            "predict",
            "--model",
            str(run_dir),
            "--pair",
            "K562-HepG2",
            "--data-dir",
            str(other_cells),
            "--out",
            str(tmp_path / "p"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert str(weights) in err and "truncated" in err
    assert not (tmp_path / "p").exists()


@pytest.mark.slow
def test_force_replaces_only_what_predict_wrote_in_real_processes(
    runs: dict[str, RunResult], other_cells: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--force`` never deletes the model's run, the cells, or a folder predict did not write."""
    run_dir = Path(shutil.copytree(runs["raw_c"].path, tmp_path / "run"))
    before = {p.name: p.read_bytes() for p in run_dir.iterdir()}
    cells_before = sorted(p.name for p in other_cells.iterdir())
    args = ["predict", "--model", run_dir, "--pair", "K562-HepG2", "--data-dir", other_cells, "--no-progress"]
    (tmp_path / "a-file").write_text("mine")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    cases = {
        run_dir: "the --model run",
        other_cells: "the --data-dir",
        tmp_path / "a-file": "is a file",
        mine: "notes.txt, which predict did not write",
        Path("."): "holds the --model run",  # the working folder: the test's tmp_path
    }
    monkeypatch.chdir(tmp_path)
    for out, message in cases.items():
        done = run_deepdiff(*args, "--out", out, "--force")
        assert done.returncode == 2 and message in done.stderr, (out, done.stderr)
        assert "Traceback" not in done.stderr
    assert {p.name: p.read_bytes() for p in run_dir.iterdir()} == before
    assert sorted(p.name for p in other_cells.iterdir()) == cells_before
    assert (tmp_path / "a-file").read_text() == "mine" and (mine / "notes.txt").read_text() == "mine"
    pred = tmp_path / "pred"
    assert run_deepdiff(*args, "--out", pred).returncode == 0
    again = run_deepdiff(*args, "--out", pred, "--force", "--no-attention")  # its own output: replaced
    assert again.returncode == 0, again.stderr
    assert not (pred / "attention.npz").exists() and (pred / "predictions.csv").is_file()


def test_expression_of_one_gene_is_a_warning_not_a_silent_nan(
    runs: dict[str, RunResult], other_cells: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from deepdiff.simulate.export import expression_csv

    for cell in ("K562", "HepG2"):
        (other_cells / cell_file(cell, EXPRESSION_ROLE)).write_bytes(
            expression_csv(["ENSG00000000000"], np.array([5.0]))
        )
    args = [
        "predict",
        "--model",
        str(runs["raw_c"].path),
        "--pair",
        "K562-HepG2",
        "--data-dir",
        str(other_cells),
    ]
    with pytest.warns(UserWarning, match=r"the PCC is undefined: 1 gene\(s\) have a known expression"):
        assert main([*args, "--out", str(tmp_path / "p"), "--no-progress"]) == 0
    assert "warning: the PCC is undefined" in capsys.readouterr().out
