"""Signal per bin from a bigWig file (pyBigWig): the signal summed over the bin's bases.

A bin's value is the sum of the track's per-base values over its 100 bases (its integral; bases
without data count as zero), rounded to a whole number, whatever the track's own resolution (a
10 bp fixed-step track gives ten entries of ten bases to a bin). For a track of read counts per
base (e.g. read 5' ends, ``bamCoverage --Offset 1 --binSize 1``) that is the number of reads that
start in the bin, which equals the BAM count of :mod:`deepdiff.prepare.bam` except for reads
crossing a bin boundary. A coverage track (reads extended over their length) gives about read
length x the count, and a normalised track (CPM, RPKM, fold change) other scales: DeepDiff takes
the values as they are, as it takes counts, so train and predict on tracks made the same way.
Negative values (log ratios) are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from deepdiff.constants import BIN_SIZE_BP, N_BINS
from deepdiff.errors import DataError
from deepdiff.prepare.extras import require
from deepdiff.prepare.windows import WINDOW_BP, Windows, orient

if TYPE_CHECKING:  # pyBigWig is an optional dependency (the prepare extra)
    import pyBigWig

_UINT32_MAX = int(np.iinfo(np.uint32).max)


def open_bigwig(path: Path) -> pyBigWig.bigWigFile:
    """The bigWig at ``path``, checked: a bigWig with data.

    Raises
    ------
    DataError
        When it is not a bigWig (e.g. a bigBed or a bedGraph) or holds no data.
    """
    pyBigWig = require("pyBigWig")
    try:
        bw = pyBigWig.open(str(path))
    except (RuntimeError, OSError):
        bw = None
    if bw is None or not bw.isBigWig():
        raise DataError(
            f"{path} is not a readable bigWig file (a bedGraph must be converted: bedGraphToBigWig)"
        )
    if not bw.chroms() or bw.header().get("nBasesCovered", 0) == 0:
        bw.close()
        raise DataError(f"{path} holds no data: the file is empty or failed upstream; make it again")
    return bw


def bigwig_chromosomes(path: Path) -> dict[str, int]:
    """Chromosome lengths of a bigWig (after checking it with :func:`open_bigwig`)."""
    bw = open_bigwig(path)
    try:
        return {str(k): int(v) for k, v in bw.chroms().items()}
    finally:
        bw.close()


def sum_bigwig(path: Path, windows: Windows) -> np.ndarray:
    """Signal summed per bin of every window, rounded: (windows, 200) uint32, bin 1 = 10 kb upstream.

    Raises
    ------
    DataError
        On a negative value, naming the file and the place.
    """
    counts = np.zeros((len(windows), N_BINS), dtype=np.uint32)
    bw = open_bigwig(path)
    try:
        for i, (chrom, start) in enumerate(
            zip(windows.chroms.tolist(), windows.starts.tolist(), strict=True)
        ):
            values = np.nan_to_num(bw.values(chrom, start, start + WINDOW_BP, numpy=True), nan=0.0)
            sums = values.reshape(N_BINS, BIN_SIZE_BP).sum(axis=1, dtype=np.float64)
            if values.min() < 0:
                where = start + int(np.argmin(values))
                raise DataError(
                    f"{path}: negative value {values.min():g} at {chrom}:{where + 1}; DeepDiff reads counts or "
                    "coverage (non-negative), not log ratios. Use a count, coverage or fold-change track."
                )
            if sums.max() > _UINT32_MAX:
                raise DataError(
                    f"{path}: a bin near {chrom}:{start + 1} sums to {sums.max():g}, too large for a count"
                )
            counts[i] = np.rint(sums)
    finally:
        bw.close()
    return orient(counts, windows.strands)
