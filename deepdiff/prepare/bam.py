"""Read counts per bin from a BAM file (pysam), vectorised.

Which reads count
    Mapped, primary alignments (not secondary, not supplementary) that pass quality control, are
    not flagged as duplicates and have a mapping quality of at least ``min_mapq`` (default
    :data:`DEFAULT_MIN_MAPQ`); of a read pair only the first mate counts, so a fragment counts
    once. Duplicates are not found here: mark them first (``samtools markdup`` or Picard).
Where a read counts
    In every bin its alignment overlaps by at least one base, from its leftmost to its rightmost
    aligned base: the rule of ``bedtools multicov`` (whose defaults also skip duplicates and reads
    failing quality control), which the authors used to count the REMC reads (their README). A
    read crossing a bin boundary counts in both bins.
Why
    The models take raw counts, as the authors' did; counting as they did keeps a model trained on
    the REMC data meaningful on new cells. Duplicates and multi-mapping reads (mapping quality 0 or
    1 from bwa and bowtie2) would add reads that say nothing about the chromatin at that place;
    the REMC reads were uniquely mapped.

The file must be sorted by coordinate and indexed (``samtools sort`` then ``samtools index``):
only the reads overlapping the gene windows are read, through the index. Per chromosome, the
starts and ends of the reads that count are sorted once, and the count of every bin of every
window is two binary searches (reads starting before the bin's end minus reads ending before
its start).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from deepdiff.constants import BIN_SIZE_BP, N_BINS
from deepdiff.errors import DataError
from deepdiff.prepare.extras import require
from deepdiff.prepare.rules import DEFAULT_MIN_MAPQ, EXCLUDED_FLAGS
from deepdiff.prepare.windows import WINDOW_BP, Windows, orient

if TYPE_CHECKING:  # pysam is an optional dependency (the prepare extra)
    import pysam

_PAIRED, _SECOND_MATE = 0x1, 0x80
_FIX_SORT = "Sort and index it: samtools sort -o sorted.bam in.bam && samtools index sorted.bam"


def open_bam(path: Path) -> pysam.AlignmentFile:
    """The BAM at ``path``, checked: a BAM, sorted by coordinate, indexed, with mapped reads.

    Raises
    ------
    DataError
        Naming the file and the fix.
    """
    pysam = require("pysam")
    try:
        bam = pysam.AlignmentFile(str(path), "rb")
    except (ValueError, OSError) as err:
        raise DataError(f"{path} is not a readable BAM file ({err})") from None
    order = bam.header.to_dict().get("HD", {}).get("SO")
    if order not in (None, "coordinate"):
        bam.close()
        raise DataError(f"{path} is sorted by {order}, not by coordinate (@HD SO:{order}). {_FIX_SORT}")
    if not bam.has_index():
        bam.close()
        raise DataError(f"{path} has no index ({path.name}.bai or .csi beside it). {_FIX_SORT}")
    if bam.nreferences == 0 or bam.mapped == 0:
        bam.close()
        raise DataError(f"{path} holds no mapped reads: the file is empty or failed upstream; make it again")
    return bam


def bam_chromosomes(path: Path) -> dict[str, int]:
    """Chromosome lengths of a BAM's header (after checking the file with :func:`open_bam`)."""
    with open_bam(path) as bam:
        return dict(zip(bam.references, bam.lengths, strict=True))


def _regions(starts: np.ndarray) -> list[tuple[int, int]]:
    """Sorted window starts -> merged, disjoint regions covering the windows."""
    regions: list[tuple[int, int]] = []
    for start in starts.tolist():
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], start + WINDOW_BP)
        else:
            regions.append((start, start + WINDOW_BP))
    return regions


def _read_spans(
    bam: pysam.AlignmentFile, chrom: str, regions: list[tuple[int, int]], min_mapq: int
) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (sorted, separately) of the reads that count, over the regions of one chromosome."""
    columns: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
    add_start, add_end, add_flag, add_mapq = (c.append for c in columns)  # bound once: the loop is hot
    fetched_until = -1
    for low, high in regions:
        for read in bam.fetch(chrom, low, high):
            start = read.reference_start
            if start >= fetched_until:  # a read fetched for the previous region starts before its end
                add_start(start)
                add_end(read.reference_end or start)  # None for an unmapped read placed beside its mate
                add_flag(read.flag)
                add_mapq(read.mapping_quality)
        fetched_until = high
    starts, ends, flags, mapq = (np.asarray(c, dtype=np.int64) for c in columns)
    keep = (flags & EXCLUDED_FLAGS) == 0
    keep &= ~(((flags & _PAIRED) != 0) & ((flags & _SECOND_MATE) != 0))
    keep &= mapq >= min_mapq
    keep &= ends > starts
    return np.sort(starts[keep]), np.sort(ends[keep])


def bin_counts(starts: np.ndarray, ends: np.ndarray, window_starts: np.ndarray) -> np.ndarray:
    """Reads overlapping each bin of each window: (windows, 200) in genome order.

    ``starts`` and ``ends`` are the reads' 0-based starts and exclusive ends, each sorted.
    """
    low = window_starts[:, None] + BIN_SIZE_BP * np.arange(N_BINS, dtype=np.int64)[None, :]
    before_end = np.searchsorted(starts, low + BIN_SIZE_BP, side="left")
    ended = np.searchsorted(ends, low, side="right")
    return (before_end - ended).astype(np.uint32)


def count_bam(path: Path, windows: Windows, min_mapq: int = DEFAULT_MIN_MAPQ) -> np.ndarray:
    """Read counts of every window: (windows, 200) uint32, bin 1 = 10 kb upstream."""
    counts = np.zeros((len(windows), N_BINS), dtype=np.uint32)
    with open_bam(path) as bam:
        for chrom, index in windows.by_chromosome().items():
            starts, ends = _read_spans(bam, chrom, _regions(windows.starts[index]), min_mapq)
            counts[index] = bin_counts(starts, ends, windows.starts[index])
    return orient(counts, windows.strands)
