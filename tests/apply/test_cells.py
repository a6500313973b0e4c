"""Cells to predict: any of a cell's REMC files, genes matched between the cells, expression optional."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff.apply.cells import load_cells
from deepdiff.data.layout import cell_file
from deepdiff.errors import DataError
from deepdiff.simulate.export import expression_csv, split_csv


def write_cell(folder: Path, cell: str, genes: list[str], role: str = "all", seed: int = 0) -> np.ndarray:
    """A REMC split file of random counts; returns the counts."""
    counts = np.random.default_rng(seed).poisson(2, size=(len(genes), 5, 200)).astype(np.uint16)
    (folder / cell_file(cell, role)).write_bytes(split_csv(genes, [f"S{g}" for g in genes], counts))
    return counts


def test_one_file_per_cell_no_expression(tmp_path: Path) -> None:
    genes = [f"ENSG{i:011d}" for i in range(12)]
    x = write_cell(tmp_path, "K562", genes, seed=1)
    y = write_cell(tmp_path, "HepG2", genes[::-1], seed=2)  # another order: matched by id
    cells = load_cells("K562-HepG2", tmp_path, progress=False)
    assert list(cells.genes) == genes and not cells.has_expression
    np.testing.assert_array_equal(cells.x_a, x)
    np.testing.assert_array_equal(cells.x_b, y[::-1])
    assert cells.symbols[0] == f"S{genes[0]}" and cells.label.startswith("own cells: ")
    split = cells.as_split()
    assert np.isnan(split.lfc).all()


def test_split_files_genes_in_one_cell_only_and_expression(tmp_path: Path) -> None:
    genes = [f"G{i}" for i in range(10)]
    write_cell(tmp_path, "A", genes[:6], role="train")
    write_cell(tmp_path, "A", genes[6:], role="test")
    write_cell(tmp_path, "B", genes[2:], role="valid")  # G0 and G1 only in A
    (tmp_path / "A.expr.csv").write_bytes(expression_csv(genes, np.arange(10.0)))
    (tmp_path / "B.expr.csv").write_bytes(expression_csv(genes[3:], np.ones(7)))  # no value for G2
    cells = load_cells("A-B", tmp_path, progress=False)
    assert list(cells.genes) == genes[2:] and cells.meta["only_in"] == {"A": 2, "B": 0}
    assert cells.has_expression and np.isnan(cells.expr_b[0]) and cells.expr_a[1] == 3.0
    assert cells.meta["file_sha1"].keys() == {
        "A.train.csv",
        "A.test.csv",
        "B.valid.csv",
        "A.expr.csv",
        "B.expr.csv",
    }


def test_bad_directories(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_cells("A-B", tmp_path / "nowhere")
    write_cell(tmp_path, "A", ["G1", "G2"])
    with pytest.raises(DataError, match=r"cell 'B' has no mark file.*B.all.csv.*Cells with files there: A"):
        load_cells("A-B", tmp_path, progress=False)
    write_cell(tmp_path, "A", ["G2"], role="test")
    write_cell(tmp_path, "B", ["G1"])
    with pytest.raises(DataError, match=r"A.test.csv: gene G2 is also in .*A.all.csv"):
        load_cells("A-B", tmp_path, progress=False)
    (tmp_path / "A.test.csv").unlink()
    write_cell(tmp_path, "B", ["G7"])
    with pytest.raises(DataError, match="no gene in common"):
        load_cells("A-B", tmp_path, progress=False)


def test_a_folder_read_for_training_and_for_prediction_has_one_checksum(tmp_path: Path) -> None:
    from deepdiff.sources.loading import load_pair

    genes = [f"G{i}" for i in range(9)]
    for cell, seed in (("A", 1), ("B", 2)):
        for i, role in enumerate(("train", "valid", "test")):
            write_cell(tmp_path, cell, genes[3 * i : 3 * i + 3], role=role, seed=seed + 10 * i)
        (tmp_path / cell_file(cell, "expr")).write_bytes(expression_csv(genes, np.arange(9.0) * seed))
    cells = load_cells("A-B", tmp_path, progress=False)
    data = load_pair("A-B", "local", data_dir=tmp_path, progress=False)
    assert cells.checksum == data.checksum and cells.meta["file_sha1"] == data.meta["file_sha1"]
    np.testing.assert_array_equal(
        cells.x_b, np.concatenate([data.split(s).x_b for s in ("train", "valid", "test")])
    )
    np.testing.assert_array_equal(cells.expr_b, np.arange(9.0) * 2)
