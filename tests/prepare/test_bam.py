"""BAM counting: reads in known bins on both strands, which reads count, and bad BAM files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pysam
import pytest

from deepdiff.errors import DataError
from deepdiff.prepare.bam import bam_chromosomes, count_bam
from deepdiff.prepare.synthetic import place_reads, write_bam
from deepdiff.prepare.windows import window_starts
from tests.prepare.conftest import random_counts, small_genome, windows_of


def test_reads_placed_in_known_bins_come_back_on_both_strands(tmp_path: Path) -> None:
    genome = small_genome(8)
    assert set(genome.genes.strands.tolist()) == {-1, 1}
    counts = random_counts(8)
    chroms, starts, reverse = place_reads(genome, counts)
    path = write_bam(tmp_path / "x.bam", genome.lengths, chroms, starts, reverse=reverse, sequence=True)
    np.testing.assert_array_equal(count_bam(path, windows_of(genome.genes)), counts)


def test_bin_1_is_10_kb_upstream_and_the_tss_starts_bin_101(tmp_path: Path) -> None:
    genome = small_genome(2, seed=0)  # one gene on each strand
    genes = genome.genes
    plus, minus = (int(np.flatnonzero(genes.strands == s)[0]) for s in (1, -1))
    t_plus, t_minus = int(genes.tss[plus]), int(genes.tss[minus])
    # 36 bp reads: at each TSS (reading downstream), and at the far upstream end of each window.
    starts = np.array([t_plus, t_minus - 35, t_plus - 10_000, t_minus + 10_001 - 36])
    chroms = np.array([genes.chroms[plus], genes.chroms[minus]] * 2)
    counts = count_bam(write_bam(tmp_path / "x.bam", genome.lengths, chroms, starts), windows_of(genes))
    for gene in (plus, minus):
        assert np.flatnonzero(counts[gene]).tolist() == [0, 100], gene  # bins 1 and 101


def test_which_reads_count(tmp_path: Path) -> None:
    genome = small_genome(1, seed=0)
    genes = genome.genes
    start = int(window_starts(genes)[0]) + 5 * 100  # inside bin 6 (genome order)
    flags = [0, 16, 1024, 256, 512, 2048, 4, 1 | 64, 1 | 128, 0, 0]
    mapq = [60, 60, 60, 60, 60, 60, 60, 60, 60, 5, 60]
    starts = [start] * 10 + [start + 80]  # the last read crosses into the next bin
    path = write_bam(
        tmp_path / "x.bam",
        genome.lengths,
        np.repeat(genes.chroms, 11),
        np.array(starts),
        flags=np.array(flags),
        mapq=np.array(mapq),
    )
    counts = count_bam(path, windows_of(genes))
    bin6 = 5 if genes.strands[0] > 0 else 199 - 5
    nxt = bin6 + (1 if genes.strands[0] > 0 else -1)
    # Forward, reverse, first mate, and the crossing read; not duplicate, secondary, QC-failed,
    # supplementary, unmapped, second mate or mapping quality 5.
    assert counts[0, bin6] == 4 and counts[0, nxt] == 1 and counts.sum() == 5
    assert count_bam(path, windows_of(genes), min_mapq=0)[0, bin6] == 5


def _unsorted_bam(path: Path) -> Path:
    header = {"HD": {"VN": "1.6", "SO": "unsorted"}, "SQ": [{"SN": "chr1", "LN": 100_000}]}
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for pos in (5_000, 1_000):
            read = pysam.AlignedSegment(out.header)
            read.query_name, read.reference_id, read.reference_start = f"r{pos}", 0, pos
            read.cigarstring, read.mapping_quality = "36M", 60
            out.write(read)
    return path


def test_bad_bam_files_are_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"sorted by unsorted, not by coordinate.*samtools sort"):
        bam_chromosomes(_unsorted_bam(tmp_path / "unsorted.bam"))
    genome = small_genome(1)
    sorted_path = write_bam(
        tmp_path / "noindex.bam", genome.lengths, genome.genes.chroms, genome.genes.tss, index=False
    )
    with pytest.raises(DataError, match=r"noindex.bam has no index .*samtools index"):
        bam_chromosomes(sorted_path)
    empty = write_bam(
        tmp_path / "empty.bam", genome.lengths, np.array([], dtype=str), np.array([], dtype=np.int64)
    )
    with pytest.raises(DataError, match=r"empty.bam holds no mapped reads"):
        bam_chromosomes(empty)
    text = tmp_path / "text.bam"
    text.write_text("not a bam\n")
    with pytest.raises(DataError, match=r"text.bam is not a readable BAM file"):
        bam_chromosomes(text)
