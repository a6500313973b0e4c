"""The small pieces of prepare: chromosome names, the split, the window, the expression table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import FULL_SPLIT_SIZES
from deepdiff.errors import DataError
from deepdiff.prepare.chroms import chromosome_map
from deepdiff.prepare.expression import read_expression_table
from deepdiff.prepare.split import assign_splits
from deepdiff.prepare.windows import fits
from tests.prepare.conftest import small_genome


def test_chromosome_names_are_matched_with_or_without_chr() -> None:
    available = {"1": 100, "2": 200, "MT": 16_569}
    assert chromosome_map(["chr1", "chr2", "chrM", "chrUn_gl000220"], available, Path("x.bam")) == {
        "chr1": "1",
        "chr2": "2",
        "chrM": "MT",
    }
    assert chromosome_map(["1"], {"chr1": 5}, Path("x.bw")) == {"1": "chr1"}
    with pytest.raises(
        DataError,
        match=r"x.bam: none of the annotation's chromosomes \(chr1, .*scaffold_1.*same genome assembly",
    ):
        chromosome_map(["chr1", "chr2"], {"scaffold_1": 10}, Path("x.bam"))


def test_split_is_by_gene_id_in_the_paper_proportions() -> None:
    genes = np.array([f"ENSG{i:011d}" for i in range(18_460)])
    splits = assign_splits(genes)
    sizes = {s: int((splits == s).sum()) for s in FULL_SPLIT_SIZES}
    for name, expected in FULL_SPLIT_SIZES.items():
        assert abs(sizes[name] - expected) < 4 * np.sqrt(expected), sizes  # within sampling noise
    # A gene's split depends on its id alone: other genes, their order, do not matter.
    np.testing.assert_array_equal(assign_splits(genes[::-1][:500]), splits[::-1][:500])


def test_windows_must_fit_inside_the_chromosome() -> None:
    genome = small_genome(3)
    lengths = dict(genome.lengths)
    assert fits(genome.genes, lengths).all()
    (chrom,) = set(genome.genes.chroms)
    last = int(np.argmax(genome.genes.tss))
    lengths[chrom] = int(genome.genes.tss[last]) + 9_000  # the last TSS is 9 kb from the end
    assert fits(genome.genes, lengths).tolist() == [i != last for i in range(3)]


def test_expression_table(tmp_path: Path) -> None:
    path = tmp_path / "expr.tsv"
    path.write_text("gene_id\tA\tB\tnotes\nENSG00000000001.2\t10\t0.5\tx\nENSG00000000002\t0\t3\ty\n")
    table = read_expression_table(path, ["A", "B", "C"])
    assert list(table.values) == ["A", "B"]  # C has no column: it gets no expression file
    assert table.lookup("B", np.array(["ENSG00000000002", "ENSG00000000001"])).tolist() == [3.0, 0.5]
    csv = tmp_path / "expr.csv"
    csv.write_text("gene,A\nG1,1\nG1,2\n")
    with pytest.raises(DataError, match=r"lines 2 and 3: gene G1 is listed twice"):
        read_expression_table(csv, ["A"])
    csv.write_text("gene,A\nG1,1\nG2,-2\n")
    with pytest.raises(
        DataError, match=r"line 3, gene G2: expression '-2' of cell A is not a non-negative number"
    ):
        read_expression_table(csv, ["A"])
    csv.write_text("gene,A\nG1,1\nG2,\n")
    with pytest.raises(DataError, match=r"line 3, gene G2: expression '' of cell A"):
        read_expression_table(csv, ["A"])
    with pytest.raises(DataError, match=r"no column is named after a cell of the sample sheet \(X\)"):
        read_expression_table(csv, ["X"])


def test_the_expression_table_names_its_real_lines_and_reads_every_character(tmp_path: Path) -> None:
    """Comment lines count; '#' inside a cell is not a comment; a misspelt cell column is named."""
    path = tmp_path / "expr.tsv"
    path.write_text("# counts\ngene\tA\tB\n# genes\nG1\t1\t2\nG2\t1#2\t3\n")
    with pytest.raises(DataError, match=r"expr.tsv, line 5, gene G2: expression '1#2' of cell A"):
        read_expression_table(path, ["A", "B"])
    path.write_text("gene\tA\tCELLB\nG1\t1\t2\n")
    with pytest.raises(
        DataError, match=r"column CELLB is not a cell of the sample sheet.*did you mean CELL_B"
    ):
        read_expression_table(path, ["A", "CELL_B"])
    path.write_text("# counts\ngene\tA\tnotes\nG1\t1\tfine\nG2\t4\t\n")  # other columns: ignored
    table = read_expression_table(path, ["A", "CELL_B"])
    assert list(table.values) == ["A"] and table.values["A"].tolist() == [1.0, 4.0]
