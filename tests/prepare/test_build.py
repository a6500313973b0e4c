"""prepare end to end: the counts come back, every format gives the same table, bad input is refused."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepdiff import methods
from deepdiff.constants import MARKS, SPLITS
from deepdiff.data.cache import load_split
from deepdiff.data.layout import cell_file
from deepdiff.errors import DataError
from deepdiff.prepare.build import PrepareConfig, prepare
from deepdiff.prepare.synthetic import SyntheticFiles, genome_bins, write_bigwig
from deepdiff.prepare.writer import PROVENANCE_FILE, TSS_FILE
from tests.prepare.conftest import N_GENES, write_sheet
from tests.prepare.test_matrix import write_matrix


def _counts(
    out: Path, cell: str, ids: np.ndarray, roles: tuple[str, ...] = SPLITS
) -> tuple[np.ndarray, np.ndarray]:
    """Genes and counts of a prepared cell, in the order of ``ids``."""
    parts = [load_split(out / cell_file(cell, role), use_cache=False).value for role in roles]
    genes = np.concatenate([p.genes for p in parts])
    counts = np.concatenate([p.counts for p in parts])
    order = pd.Index(genes).get_indexer(ids)
    return genes, counts[order[order >= 0]]


@pytest.fixture(scope="module")
def prepared(synthetic: SyntheticFiles, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prepared") / "cells"
    report = prepare(synthetic.sheet, synthetic.gtf, out, expression=synthetic.expression, progress=False)
    assert report.n_genes == N_GENES and report.with_expression == ("CELLA", "CELLB", "CELLC", "CELLD")
    return out


def test_every_cell_gets_back_its_counts_in_the_paper_split(
    synthetic: SyntheticFiles, prepared: Path
) -> None:
    ids = synthetic.genome.genes.ids
    for cell, expected in synthetic.counts.items():
        genes, counts = _counts(prepared, cell, ids)
        assert sorted(genes) == sorted(ids)
        np.testing.assert_array_equal(counts, expected, err_msg=cell)
    meta = json.loads((prepared / PROVENANCE_FILE).read_text())
    assert meta["n_genes"] == N_GENES and sum(meta["splits"].values()) == N_GENES
    assert meta["rules"]["config"]["min_mapq"] == 10 and len(meta["samples"]) == 20
    assert (prepared / TSS_FILE).read_text().count("\n") == N_GENES


def test_prepared_cells_load_through_the_local_source_and_train(prepared: Path, tmp_path: Path) -> None:
    from deepdiff._util.threads import limited_threads
    from deepdiff.methods import RunOptions
    from deepdiff.sources.loading import load_pair
    from deepdiff.training.runner import train
    from tests.training.standins import FAST_BUDGET as FAST
    from tests.training.standins import SMALL_MODEL as SMALL

    data = load_pair("CELLA-CELLB", "local", data_dir=prepared, progress=False)
    assert sum(len(data.split(s)) for s in SPLITS) == N_GENES
    with limited_threads(1):
        run = train(
            data,
            methods.get("raw_c"),
            options=RunOptions(device="cpu", results_dir=tmp_path, progress=False),
            overrides={**FAST, "max_epochs": 1},
            model_config=SMALL,
        )
    assert run.metrics["data"]["source"] == "local" and np.isfinite(run.predictions["lfc_pred"]).all()


def test_a_bigwig_and_a_bam_of_the_same_signal_give_the_same_table(
    synthetic: SyntheticFiles, tmp_path: Path
) -> None:
    genome, counts = synthetic.genome, synthetic.counts["CELLA"]  # CELLA's marks are BAM files
    bams = {mark: synthetic.sheet.parent / f"CELLA_{mark}.bam" for mark in MARKS}
    bigwigs = {
        mark: write_bigwig(tmp_path / f"{mark}.bw", genome.lengths, *genome_bins(genome, counts[:, m]))
        for m, mark in enumerate(MARKS)
    }
    sheet = write_sheet(tmp_path / "s.tsv", {"X": bams, "Y": bigwigs})
    out = tmp_path / "out"
    prepare(sheet, synthetic.bed, out, config=PrepareConfig(split="none"), progress=False)
    assert (out / "X.all.csv").read_bytes() == (out / "Y.all.csv").read_bytes()
    assert not list(out.glob("*.expr.csv"))  # no expression table: no expression files
    # The BED of TSSs gives the same genes as the GTF they came from.
    _, got = _counts(out, "X", genome.genes.ids, roles=("all",))
    np.testing.assert_array_equal(got, counts)


def test_a_deeptools_matrix_gives_the_same_table(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    genome, counts = synthetic.genome, synthetic.counts["CELLB"]
    matrix = write_matrix(tmp_path / "m.mat.gz", genome, {mark: counts[:, m] for m, mark in enumerate(MARKS)})
    sheet = write_sheet(
        tmp_path / "s.tsv", {"M": dict.fromkeys(MARKS, matrix)}, label={("M", m): m for m in MARKS}
    )
    prepare(sheet, synthetic.gtf, tmp_path / "out", config=PrepareConfig(split="none"), progress=False)
    _, got = _counts(tmp_path / "out", "M", genome.genes.ids, roles=("all",))
    np.testing.assert_array_equal(got, counts)


def _bed(path: Path, synthetic: SyntheticFiles, edit: Callable[[list[str]], list[str]] | None = None) -> Path:
    lines = synthetic.bed.read_text().splitlines()
    path.write_text("\n".join(edit(lines) if edit else lines) + "\n")
    return path


def test_chromosome_names_without_chr_are_matched(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    bed = _bed(tmp_path / "nochr.bed", synthetic, lambda lines: [line.removeprefix("chr") for line in lines])
    out = tmp_path / "out"
    report = prepare(synthetic.sheet, bed, out, progress=False)
    assert report.n_genes == N_GENES
    assert (out / "CELLA.train.csv").read_bytes() == _prepared_bytes(synthetic, tmp_path)


def _prepared_bytes(synthetic: SyntheticFiles, tmp_path: Path) -> bytes:
    out = tmp_path / "reference"
    prepare(synthetic.sheet, synthetic.bed, out, progress=False)
    return (out / "CELLA.train.csv").read_bytes()


def test_genes_near_a_chromosome_end_or_without_expression_are_left_out_and_counted(
    synthetic: SyntheticFiles, tmp_path: Path
) -> None:
    def near_end(lines: list[str]) -> list[str]:
        return [*lines, "chr1\t5000\t5001\tENSGNEAR0001\t0\t+\tNEAR"]  # 5 kb from the start of chr1

    table = pd.read_csv(synthetic.expression, sep="\t")
    near = pd.DataFrame({"gene_id": ["ENSGNEAR0001"], **{c: [5.0] for c in table.columns[1:]}})
    pd.concat([table.iloc[2:], near]).to_csv(
        tmp_path / "expr.tsv", sep="\t", index=False
    )  # two genes lack one
    report = prepare(
        synthetic.sheet,
        _bed(tmp_path / "g.bed", synthetic, near_end),
        tmp_path / "out",
        expression=tmp_path / "expr.tsv",
        progress=False,
    )
    assert report.left_out["TSS within 10 kb of a chromosome end"] == 1
    assert report.left_out["not in the expression table"] == 2
    assert report.n_genes == N_GENES - 2
    assert "TSS within 10 kb of a chromosome end: 1" in report.summary()


def test_bad_inputs_stop_before_anything_is_written(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    import pyBigWig

    empty = tmp_path / "empty.bw"
    bw = pyBigWig.open(str(empty), "w")
    bw.addHeader(list(synthetic.genome.lengths.items()))
    bw.close()
    rows = synthetic.sheet.read_text().replace("CELLD_H3K36me3.bw", str(empty))
    sheet = tmp_path / "s.tsv"
    sheet.write_text(rows.replace("\tCELL", f"\t{synthetic.sheet.parent}/CELL"))
    out = tmp_path / "out"
    with pytest.raises(DataError, match=r"empty.bw holds no data"):
        prepare(sheet, synthetic.gtf, out, progress=False)
    assert not out.exists()
    # Another assembly: a chromosome of another length.
    other = tmp_path / "other.bw"
    bw = pyBigWig.open(str(other), "w")
    bw.addHeader([(c, n + 100) for c, n in synthetic.genome.lengths.items()])
    bw.addEntries(["chr1"], [0], ends=[10], values=[1.0])
    bw.close()
    sheet.write_text(
        rows.replace(str(empty), str(other)).replace("\tCELL", f"\t{synthetic.sheet.parent}/CELL")
    )
    with pytest.raises(DataError, match=r"other.bw gives chr1 a length of .* different genome assemblies"):
        prepare(sheet, synthetic.gtf, out, progress=False)
    assert not out.exists()


def test_a_failure_while_binning_leaves_nothing_half_written(
    synthetic: SyntheticFiles, tmp_path: Path
) -> None:
    import pyBigWig

    negative = tmp_path / "negative.bw"
    bw = pyBigWig.open(str(negative), "w")
    bw.addHeader(list(synthetic.genome.lengths.items()))
    tss = int(synthetic.genome.genes.tss[0])
    bw.addEntries([str(synthetic.genome.genes.chroms[0])], [tss], ends=[tss + 10], values=[-2.0])
    bw.close()
    text = synthetic.sheet.read_text().replace("\tCELL", f"\t{synthetic.sheet.parent}/CELL")
    sheet = tmp_path / "s.tsv"
    sheet.write_text(text.replace(f"{synthetic.sheet.parent}/CELLD_H3K36me3.bw", str(negative)))
    out = tmp_path / "out"
    with pytest.raises(DataError, match=r"negative value"):
        prepare(sheet, synthetic.gtf, out, progress=False)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "a temporary folder was left behind"


def test_an_existing_output_is_kept_unless_forced(
    synthetic: SyntheticFiles, prepared: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(prepared, out)
    with pytest.raises(DataError, match=r"already exists and is not empty.*--force"):
        prepare(synthetic.sheet, synthetic.gtf, out, progress=False)
    report = prepare(
        synthetic.sheet,
        synthetic.gtf,
        out,
        config=PrepareConfig(split="none"),
        progress=False,
        overwrite=True,
    )
    assert sorted(p.name for p in out.glob("*.csv")) == [f"CELL{c}.all.csv" for c in "ABCD"]
    assert report.splits == {"all": N_GENES}


def test_files_are_binned_in_parallel_processes_with_the_same_result(
    synthetic: SyntheticFiles, prepared: Path, tmp_path: Path
) -> None:
    prepare(
        synthetic.sheet,
        synthetic.gtf,
        tmp_path / "out",
        expression=synthetic.expression,
        config=PrepareConfig(jobs=2),
        progress=False,
    )
    for name in ("CELLA.train.csv", "CELLD.test.csv", "CELLB.expr.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (prepared / name).read_bytes()
