"""Genes and TSSs from a GTF (streamed, gzip or not) or a BED of TSSs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from deepdiff.errors import DataError
from deepdiff.prepare.annotation import gene_id, read_annotation


def _gtf_line(chrom: str, feature: str, start: int, end: int, strand: str, attributes: str) -> str:
    return f"{chrom}\tHAVANA\t{feature}\t{start}\t{end}\t.\t{strand}\t.\t{attributes}\n"


GENCODE = (
    "##format: gtf\n"
    + _gtf_line(
        "chr1",
        "gene",
        11869,
        14409,
        "+",
        'gene_id "ENSG00000223972.5"; gene_type "protein_coding"; gene_name "DDX11L1";',
    )
    + _gtf_line(
        "chr1",
        "transcript",
        12010,
        13670,
        "+",
        'gene_id "ENSG00000223972.5"; transcript_id "T1"; gene_type "protein_coding";',
    )
    + _gtf_line("chr1", "exon", 11869, 12227, "+", 'gene_id "ENSG00000223972.5"; transcript_id "T1";')
    + _gtf_line(
        "chr1",
        "gene",
        14404,
        29570,
        "-",
        'gene_id "ENSG00000227232.5"; gene_type "protein_coding"; gene_name "WASH7P";',
    )
    + _gtf_line(
        "chr1",
        "gene",
        30366,
        30503,
        "+",
        'gene_id "ENSG00000284332.1"; gene_type "miRNA"; gene_name "MIR1302-2";',
    )
    + _gtf_line(
        "chrY",
        "gene",
        2000,
        5000,
        "+",
        'gene_id "ENSG00000182378.14_PAR_Y"; gene_type "protein_coding"; gene_name "PLCXD1";',
    )
)


def test_gencode_gtf_gives_gene_5_prime_ends_without_versions(tmp_path: Path) -> None:
    path = tmp_path / "genes.gtf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(GENCODE)
    notes = read_annotation(path)
    genes = notes.genes
    assert list(genes.ids) == ["ENSG00000223972", "ENSG00000227232"]
    assert list(genes.symbols) == ["DDX11L1", "WASH7P"]
    # 0-based TSS: start - 1 on +, end - 1 on - (the gene's 5' end, its most upstream TSS).
    assert list(genes.tss) == [11868, 29569] and list(genes.strands) == [1, -1]
    assert notes.left_out == {"other gene types": 1, "PAR_Y copies": 1} and notes.typed
    every = read_annotation(path, gene_types=None).genes
    assert "ENSG00000284332" in every.ids and "ENSG00000182378" not in every.ids


def test_gtf_without_gene_records_takes_the_most_upstream_transcript_start(tmp_path: Path) -> None:
    text = (
        _gtf_line("1", "transcript", 1000, 5000, "+", 'gene_id "G1"; transcript_id "a";')
        + _gtf_line("1", "transcript", 900, 3000, "+", 'gene_id "G1"; transcript_id "b";')
        + _gtf_line("1", "transcript", 7000, 9000, "-", 'gene_id "G2"; transcript_id "c";')
        + _gtf_line("1", "transcript", 7500, 9500, "-", 'gene_id "G2"; transcript_id "d";')
    )
    path = tmp_path / "ucsc.gtf"
    path.write_text(text)
    genes = read_annotation(path).genes
    assert list(genes.ids) == ["G1", "G2"] and list(genes.tss) == [899, 9499]
    assert not read_annotation(path).typed  # no gene types: every gene is kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GENCODE
            + _gtf_line(
                "chr2", "gene", 1, 9, "+", 'gene_id "ENSG00000223972.7"; gene_type "protein_coding";'
            ),
            r"line 8: gene ENSG00000223972 is listed twice \(also on line 2\)",
        ),
        (_gtf_line("chr1", "gene", 1, 9, ".", 'gene_id "G1";'), r"line 1: strand '\.'; expected \+ or -"),
        (
            _gtf_line("chr1", "gene", 1, 9, "+", 'gene_id "RNA_1";'),
            r"gene id 'RNA_1'.*cannot be written in the REMC format",
        ),
        ("chr1\tgene\t1\t9\n", r"line 1: found 4 tab-separated fields"),
        (
            "#!a header\n" + _gtf_line("chr1", "gene", 900, 100, "+", 'gene_id "G1";'),
            r"line 2: start 900 and end 100; need 1 <= start <= end",
        ),
        ("##only a comment\n", r"no gene found"),
    ],
)
def test_bad_gtf(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.gtf"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        read_annotation(path)


def test_bed_of_tsses_and_of_whole_genes(tmp_path: Path) -> None:
    path = tmp_path / "tss.bed"
    path.write_text(
        "track name=tss\n"
        "chr1\t1000\t1001\tENSG00000000001.3\t0\t+\tONE\n"
        "chr1\t5000\t9000\tENSG00000000002\t0\t-\n"
    )
    genes = read_annotation(path).genes
    assert list(genes.ids) == ["ENSG00000000001", "ENSG00000000002"]
    assert list(genes.tss) == [1000, 8999] and list(genes.symbols) == ["ONE", ""]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("chr1\t1000\t1001\tG1\t0\t.\n", r"strand '\.'"),
        ("chr1\t1000\t1001\tG1\n", r"found 4 tab-separated fields, need at least 6"),
        ("chr1\t1000\t900\tG1\t0\t+\n", r"need 0 <= start < end"),
        ("chr1\tx\t1001\tG1\t0\t+\n", r"start 'x' is not a whole number"),
        (
            "chr1\t10\t11\tG1\t0\t+\nchr2\t10\t11\tG1\t0\t-\n",
            r"line 2: gene G1 is listed twice \(also on line 1\)",
        ),
    ],
)
def test_bad_bed(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.bed"
    path.write_text(line)
    with pytest.raises(DataError, match=message):
        read_annotation(path)


def test_names_and_ids(tmp_path: Path) -> None:
    assert gene_id("ENSG00000141510.18") == ("ENSG00000141510", False)
    assert gene_id("ENSMUSG00000000001.5") == ("ENSMUSG00000000001", False)
    assert gene_id("ENSG00000182378.14_PAR_Y") == ("ENSG00000182378", True)
    assert gene_id("MYGENE.2") == ("MYGENE.2", False)  # only Ensembl-style ids lose a version
    with pytest.raises(DataError, match="cannot tell a GTF from a BED"):
        read_annotation(tmp_path / "genes.txt")
