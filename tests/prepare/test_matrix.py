"""deepTools computeMatrix reference-point output as input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from deepdiff.errors import DataError
from deepdiff.prepare.matrix import read_matrix
from deepdiff.prepare.synthetic import SyntheticGenome
from tests.prepare.conftest import random_counts, small_genome, windows_of


def write_matrix(
    path: Path,
    genome: SyntheticGenome,
    counts: dict[str, np.ndarray],
    average: str = "mean",
    **header: object,
) -> Path:
    """A computeMatrix-style matrix: one sample per entry of ``counts``, values per bin (mean per base)."""
    genes = genome.genes
    labels = list(counts)
    n = len(labels)
    head = {
        "upstream": [10_000] * n,
        "downstream": [10_000] * n,
        "body": [0] * n,
        "bin size": [100] * n,
        "ref point": ["TSS"] * n,
        "bin avg type": average,
        "sample_labels": labels,
        "sample_boundaries": [200 * i for i in range(n + 1)],
        "group_labels": ["genes"],
        "group_boundaries": [0, len(genes)],
        **header,
    }
    rows = []
    for i in range(len(genes)):
        strand = "+" if genes.strands[i] > 0 else "-"
        values = np.concatenate([c[i] / (100.0 if average == "mean" else 1.0) for c in counts.values()])
        text = "\t".join("nan" if v == 0 else repr(float(v)) for v in values)
        rows.append(
            f"{genes.chroms[i]}\t{genes.tss[i]}\t{genes.tss[i] + 1}\t{genes.ids[i]}.4\t0\t{strand}\t{text}\n"
        )
    with gzip.open(path, "wt") as handle:
        handle.write("@" + json.dumps(head) + "\n" + "".join(rows))
    return path


def test_matrix_values_become_bin_sums_matched_by_gene_id(tmp_path: Path) -> None:
    genome = small_genome(6)
    a, b = random_counts(6, seed=4), random_counts(6, seed=5)
    path = write_matrix(tmp_path / "m.mat.gz", genome, {"A_K4me3": a, "B_K4me3": b})
    windows = windows_of(genome.genes)
    counts, found = read_matrix(path, windows, label="B_K4me3")
    assert found.all()
    np.testing.assert_array_equal(counts, b)
    summed = write_matrix(tmp_path / "s.mat.gz", genome, {"A": a}, average="sum")
    np.testing.assert_array_equal(read_matrix(summed, windows)[0], a)
    # Genes the matrix does not hold are marked, not invented.
    fewer = write_matrix(tmp_path / "f.mat.gz", small_genome(4), {"A": a[:4]})
    _, found = read_matrix(fewer, windows)
    assert found.tolist() == [True] * 4 + [False] * 2


@pytest.mark.parametrize(
    ("header", "label", "message"),
    [
        ({"upstream": [20_000]}, None, r"upstream = 20000, expected 10000.*computeMatrix reference-point"),
        ({"bin size": [10]}, None, r"bin size = 10, expected 100"),
        ({"ref point": ["center"]}, None, r"ref point = 'center', expected 'TSS'"),
        ({"bin avg type": "max"}, None, r"bins averaged by 'max'"),
        ({}, "C", r"has no sample 'C'; its samples are A"),
    ],
)
def test_other_layouts_are_refused(tmp_path: Path, header: dict, label: str | None, message: str) -> None:
    genome = small_genome(2)
    path = write_matrix(tmp_path / "m.mat.gz", genome, {"A": random_counts(2)}, **header)
    with pytest.raises(DataError, match=message):
        read_matrix(path, windows_of(genome.genes), label)


def test_several_samples_need_a_label_and_duplicates_are_refused(tmp_path: Path) -> None:
    genome = small_genome(2)
    c = random_counts(2)
    path = write_matrix(tmp_path / "m.mat.gz", genome, {"A": c, "B": c})
    with pytest.raises(DataError, match=r"holds 2 samples \(A, B\); add a column sample_label"):
        read_matrix(path, windows_of(genome.genes))
    text = gzip.decompress(path.read_bytes()).decode().splitlines()
    dup = tmp_path / "dup.mat"
    dup.write_text("\n".join([text[0], text[1], text[1]]) + "\n")
    with pytest.raises(DataError, match=r"lines 2 and 3: region ENSG00000000000 appears twice"):
        read_matrix(dup, windows_of(genome.genes), "A")
    empty = tmp_path / "empty.mat"
    empty.write_text(text[0] + "\n")
    with pytest.raises(DataError, match=r"holds a header but no regions"):
        read_matrix(empty, windows_of(genome.genes), "A")
