"""bigWig: the signal summed per bin, on both strands; bad bigWig files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyBigWig
import pytest

from deepdiff.errors import DataError
from deepdiff.prepare.bigwig import bigwig_chromosomes, sum_bigwig
from deepdiff.prepare.synthetic import genome_bins, write_bigwig
from tests.prepare.conftest import random_counts, small_genome, windows_of


def test_signal_summed_per_bin_comes_back_on_both_strands(tmp_path: Path) -> None:
    genome = small_genome(8)
    counts = random_counts(8, seed=1)
    path = write_bigwig(tmp_path / "x.bw", genome.lengths, *genome_bins(genome, counts))
    np.testing.assert_array_equal(sum_bigwig(path, windows_of(genome.genes)), counts)


def test_any_resolution_sums_the_per_base_signal(tmp_path: Path) -> None:
    genome = small_genome(1, seed=2)  # a + gene
    (chrom,) = genome.genes.chroms
    start = int(genome.genes.tss[0]) - 10_000
    path = tmp_path / "x.bw"
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(genome.lengths.items()))
    # bin 1: 1.5 on 40 bases = 60; bin 2: one base of 7.4 and bases without data; bin 3: 0.25 on 100 bases.
    bw.addEntries(
        [chrom, chrom, chrom],
        [start, start + 150, start + 200],
        ends=[start + 40, start + 151, start + 300],
        values=[1.5, 7.4, 0.25],
    )
    bw.close()
    counts = sum_bigwig(path, windows_of(genome.genes))
    assert counts[0, :4].tolist() == [60, 7, 25, 0] and counts.sum() == 92


def _bigwig(path: Path, value: float | None) -> Path:
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader([("chr1", 100_000)])
    if value is not None:
        bw.addEntries(["chr1"], [20_000], ends=[20_100], values=[value])
    bw.close()
    return path


def test_bad_bigwig_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"empty.bw holds no data"):
        bigwig_chromosomes(_bigwig(tmp_path / "empty.bw", None))
    negative = _bigwig(tmp_path / "neg.bw", -1.5)
    genome = small_genome(1, seed=2)
    windows = windows_of(genome.genes)
    windows = type(windows)(windows.ids, np.array(["chr1"]), np.array([15_000]), windows.strands)
    with pytest.raises(DataError, match=r"neg.bw: negative value -1.5 at chr1:20001.*not log ratios"):
        sum_bigwig(negative, windows)
    text = tmp_path / "x.bw"
    text.write_text("chr1\t0\t10\t1.0\n")
    with pytest.raises(DataError, match=r"x.bw is not a readable bigWig file"):
        bigwig_chromosomes(text)
