"""One signal file of the sample sheet, whatever its kind: its chromosomes, and its bins per window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdiff.prepare.bam import bam_chromosomes, count_bam
from deepdiff.prepare.bigwig import bigwig_chromosomes, sum_bigwig
from deepdiff.prepare.matrix import read_matrix
from deepdiff.prepare.sheet import Sample
from deepdiff.prepare.windows import Windows


def chromosome_lengths(sample: Sample) -> dict[str, int] | None:
    """Chromosome lengths of a BAM or bigWig (checking the file); None for a deepTools matrix."""
    if sample.kind == "bam":
        return bam_chromosomes(sample.path)
    if sample.kind == "bigwig":
        return bigwig_chromosomes(sample.path)
    return None


@dataclass(frozen=True)
class SignalTask:
    """One file to bin: the sample, its windows (in the file's chromosome names) and the BAM rule."""

    sample: Sample
    windows: Windows
    min_mapq: int


def fill(task: SignalTask) -> tuple[np.ndarray, np.ndarray]:
    """The bins of every window, (windows, 200) uint32, and which windows the file covers.

    BAM and bigWig files cover every window they are given (genes on other chromosomes or too near
    an end were left out before); a deepTools matrix covers the genes it lists.
    """
    sample, windows = task.sample, task.windows
    if sample.kind == "bam":
        return count_bam(sample.path, windows, task.min_mapq), np.ones(len(windows), dtype=bool)
    if sample.kind == "bigwig":
        return sum_bigwig(sample.path, windows), np.ones(len(windows), dtype=bool)
    return read_matrix(sample.path, windows, sample.label)
