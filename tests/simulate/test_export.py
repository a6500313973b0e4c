"""write_remc_directory: the authors' file format, read back identically by the data layer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import N_BINS, SPLITS
from deepdiff.data import remc_format
from deepdiff.data.containers import PairData
from deepdiff.errors import DataError
from deepdiff.simulate import simulate_pair, write_remc_directory
from deepdiff.simulate.export import expression_csv, split_csv
from deepdiff.sources.loading import load_pair


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[PairData, Path, list[Path]]:
    data = simulate_pair("E003-E004", n_genes=45, seed=4)
    out = tmp_path_factory.mktemp("remc")
    return data, out, write_remc_directory(data, out)


def test_files_and_names(written: tuple[PairData, Path, list[Path]]) -> None:
    _, out, paths = written
    expected = [f"{c}.{r}.csv" for c in ("E003", "E004") for r in (*SPLITS, "expr")] + [
        "E003-E004.provenance.json"
    ]
    assert [p.name for p in paths] == expected
    assert all(p.parent == out and p.is_file() for p in paths)
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))


def test_split_file_format(written: tuple[PairData, Path, list[Path]]) -> None:
    data, out, _ = written
    lines = (out / "E004.valid.csv").read_text().splitlines()
    part = data.valid
    assert len(lines) == len(part) * N_BINS
    first = lines[0].split(",")
    assert first[0] == f"{part.genes[0]}_SIM{int(part.genes[0][7:])}_1"
    assert [int(v) for v in first[1:]] == part.x_b[0, :, 0].tolist()
    bins = [int(line.split(",")[0].rsplit("_", 1)[1]) for line in lines]
    assert bins == list(range(1, N_BINS + 1)) * len(part)
    assert lines[N_BINS - 1].split(",")[0].endswith("_200")


def test_expression_file_format(written: tuple[PairData, Path, list[Path]]) -> None:
    data, out, _ = written
    rows = [line.split(",") for line in (out / "E003.expr.csv").read_text().splitlines()]
    genes = np.concatenate([data.split(s).genes for s in SPLITS])
    values = np.concatenate([data.split(s).expr_a for s in SPLITS])
    assert [r[0] for r in rows] == genes.tolist()
    assert all(r[1].isdigit() for r in rows)  # integer-looking counts, no ".0"
    assert [float(r[1]) for r in rows] == values.tolist()
    meta = json.loads((out / "E003-E004.provenance.json").read_text())
    assert meta["checksum"] == data.checksum and meta["label"] == data.label


def test_round_trip_through_the_data_layer(written: tuple[PairData, Path, list[Path]]) -> None:
    data, out, _ = written
    back = load_pair("E003-E004", source="local", data_dir=out, progress=False)
    for split in SPLITS:
        a, b = data.split(split), back.split(split)
        assert a.genes.tolist() == b.genes.tolist()
        for name in ("x_a", "x_b", "expr_a", "expr_b"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        np.testing.assert_array_equal(a.lfc, b.lfc)


def test_round_trip_through_the_format_reader(written: tuple[PairData, Path, list[Path]]) -> None:
    data, out, _ = written
    parsed = remc_format.read_split(out / "E003.test.csv")
    assert parsed.genes.tolist() == data.test.genes.tolist()
    np.testing.assert_array_equal(parsed.counts, data.test.x_a)
    assert parsed.symbols[0] == f"SIM{int(data.test.genes[0][7:])}"


def test_bad_ids_and_values_are_refused() -> None:
    counts = np.zeros((1, 5, N_BINS), dtype=np.uint16)
    with pytest.raises(DataError, match="may not contain"):
        split_csv(["ENSG_1"], ["A"], counts)
    with pytest.raises(DataError, match="non-negative"):
        expression_csv(["G1"], np.array([-1.0]))
    assert expression_csv(["G1", "G2"], np.array([3.0, 2.5])) == b"G1,3\nG2,2.5\n"
