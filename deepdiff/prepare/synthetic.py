"""Synthetic signal files with known bin counts: BAM and bigWig files, an annotation, a sample sheet.

For tests, benchmarks and the notebook ``06_your_data``: a small genome on which every gene's
window is known, reads (or signal) placed so that :func:`deepdiff.prepare.prepare` must give back
exactly the counts they were made from, on both strands.

* :func:`synthetic_genome`: genes laid out along a few chromosomes, 25 kb apart, random strands,
  their windows aligned to the 100 bp grid.
* :func:`place_reads`: reads lying inside the bins they must count in (``count`` reads per bin).
* :func:`write_bam`: a coordinate-sorted, indexed BAM, written record by record as numpy arrays
  (the BAM layout of the SAM specification, section 4.2) and compressed by pysam's BGZF writer,
  so that millions of reads take seconds.
* :func:`write_bigwig`: a fixed-step bigWig at 10 bp resolution whose per-base signal sums to the
  count of each bin.
* :func:`write_synthetic_files`: all of it for several cells (each cell's marks as BAM or bigWig),
  with a GTF, a BED of TSSs, an expression table and a sample sheet.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deepdiff.constants import BIN_SIZE_BP, MARKS, N_BINS
from deepdiff.data.containers import PairData
from deepdiff.data.layout import MARK_FILE_ROLES, cell_paths
from deepdiff.prepare.annotation import Genes
from deepdiff.prepare.extras import require
from deepdiff.prepare.windows import HALF_WINDOW_BP, window_starts

#: Distance between neighbouring TSSs of the synthetic genome (windows never overlap).
GENE_SPACING_BP = 25_000
#: Length of the synthetic reads.
READ_LENGTH = 36
_FIRST_TSS = HALF_WINDOW_BP + 5_000
_NAME_WIDTH = 12  # read names "r" + 11 digits, then the NUL byte
_FORMATS = ("bam", "bigwig")


@dataclass(frozen=True)
class SyntheticGenome:
    """Chromosome lengths and genes with their TSS."""

    lengths: dict[str, int]
    genes: Genes


def synthetic_genome(
    ids: Sequence[str], symbols: Sequence[str] | None = None, *, genes_per_chrom: int = 400, seed: int = 0
) -> SyntheticGenome:
    """Genes on chromosomes ``chr1``, ``chr2``, ... with windows on the 100 bp grid.

    A ``+`` gene's TSS is a multiple of 100 and a ``-`` gene's is 99 more, so that both windows
    start on the grid (:func:`deepdiff.prepare.windows.window_starts`).
    """
    n = len(ids)
    rng = np.random.default_rng(seed)
    slot = np.arange(n) % genes_per_chrom
    chrom_no = np.arange(n) // genes_per_chrom + 1
    strands = np.where(rng.random(n) < 0.5, 1, -1).astype(np.int8)
    tss = _FIRST_TSS + GENE_SPACING_BP * slot + np.where(strands > 0, 0, BIN_SIZE_BP - 1)
    chroms = np.char.add("chr", chrom_no.astype(str))
    lengths = {
        f"chr{c}": int(_FIRST_TSS + GENE_SPACING_BP * (np.sum(chrom_no == c) - 1) + _FIRST_TSS)
        for c in np.unique(chrom_no)
    }
    genes = Genes(
        ids=np.asarray(ids, dtype=str),
        symbols=np.asarray(symbols if symbols is not None else [""] * n, dtype=str),
        chroms=chroms,
        tss=tss.astype(np.int64),
        strands=strands,
        lines=np.arange(1, n + 1, dtype=np.int64),
    )
    return SyntheticGenome(lengths=lengths, genes=genes)


def genome_bins(genome: SyntheticGenome, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every bin of every gene on the genome: chromosome name, start (0-based) and count.

    ``counts`` (genes, 200) are in the gene's order (bin 1 upstream), as prepare writes them.
    """
    genes = genome.genes
    genome_order = np.where(genes.strands[:, None] > 0, counts, counts[:, ::-1])
    starts = window_starts(genes)[:, None] + BIN_SIZE_BP * np.arange(N_BINS)[None, :]
    chroms = np.repeat(genes.chroms, N_BINS)
    return chroms, starts.ravel(), genome_order.ravel().astype(np.int64)


def place_reads(
    genome: SyntheticGenome, counts: np.ndarray, *, read_length: int = READ_LENGTH, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reads that count exactly ``counts``: each lies inside its bin, on a random strand.

    Returns
    -------
    (chroms, starts, reverse)
        Chromosome name, 0-based start and whether the read is on the reverse strand, per read.
    """
    rng = np.random.default_rng(seed)
    chroms, starts, n = genome_bins(genome, counts)
    total = int(n.sum())
    offset = rng.integers(0, BIN_SIZE_BP - read_length + 1, size=total)
    return np.repeat(chroms, n), np.repeat(starts, n) + offset, rng.random(total) < 0.5


def _reg2bin(begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The BAM index bin of each alignment (SAM specification, section 5.3), vectorised."""
    last = end - 1
    out = np.zeros(begin.shape, dtype=np.int64)
    done = np.zeros(begin.shape, dtype=bool)
    for shift, offset in ((14, 4681), (17, 585), (20, 73), (23, 9), (26, 1)):
        same = ~done & ((begin >> shift) == (last >> shift))
        out[same] = offset + (begin[same] >> shift)
        done |= same
    return out


def _read_names(n: int) -> np.ndarray:
    """``r0000000000``, ``r0000000001``, ...: fixed-width names built from digits (np.char is slow)."""
    width = _NAME_WIDTH - 2
    digits = (np.arange(n, dtype=np.int64)[:, None] // 10 ** np.arange(width - 1, -1, -1)) % 10
    names = np.empty((n, _NAME_WIDTH), dtype=np.uint8)
    names[:, 0] = ord("r")
    names[:, 1 : width + 1] = digits + ord("0")
    names[:, width + 1] = 0
    return names.view(f"S{_NAME_WIDTH}").ravel()


def _record_dtype(seq_bytes: int, qual_bytes: int) -> np.dtype:
    return np.dtype(
        [
            ("block_size", "<i4"),
            ("ref_id", "<i4"),
            ("pos", "<i4"),
            ("l_read_name", "u1"),
            ("mapq", "u1"),
            ("bin", "<u2"),
            ("n_cigar_op", "<u2"),
            ("flag", "<u2"),
            ("l_seq", "<i4"),
            ("next_ref_id", "<i4"),
            ("next_pos", "<i4"),
            ("tlen", "<i4"),
            ("read_name", f"S{_NAME_WIDTH}"),
            ("cigar", "<u4"),
            ("seq", f"V{seq_bytes}" if seq_bytes else "V0"),
            ("qual", f"V{qual_bytes}" if qual_bytes else "V0"),
        ]
    )


def write_bam(
    path: str | os.PathLike[str],
    lengths: Mapping[str, int],
    chroms: np.ndarray,
    starts: np.ndarray,
    *,
    reverse: np.ndarray | None = None,
    flags: np.ndarray | None = None,
    mapq: np.ndarray | int = 60,
    read_length: int = READ_LENGTH,
    sequence: bool = False,
    seed: int = 0,
    index: bool = True,
) -> Path:
    """A coordinate-sorted BAM of single-end reads of one length (and its index).

    Parameters
    ----------
    lengths : mapping
        Chromosome -> length, the header's order.
    chroms, starts : ndarray
        Chromosome name and 0-based leftmost position of each read.
    reverse : ndarray of bool, optional
        Reverse-strand reads (flag 16).
    flags : ndarray of int, optional
        Further SAM flags per read (e.g. 1024 for duplicates).
    mapq : int or ndarray
    sequence : bool
        Store random bases and a constant quality (a realistic file size); otherwise no sequence.
    index : bool
        Write ``path.bai`` (pysam).
    """
    pysam = require("pysam")
    path = Path(path)
    names = list(lengths)
    ref_id = pd.Index(names).get_indexer(np.asarray(chroms))
    if (ref_id < 0).any():
        raise ValueError("a read lies on a chromosome missing from lengths")
    starts = np.asarray(starts, dtype=np.int64)
    order = np.lexsort((starts, ref_id))
    n = len(order)
    flag = np.zeros(n, dtype=np.int64) if flags is None else np.asarray(flags, dtype=np.int64)
    if reverse is not None:
        flag = flag | np.where(np.asarray(reverse), 16, 0)
    seq_len = read_length if sequence else 0
    records = np.zeros(n, dtype=_record_dtype((seq_len + 1) // 2, seq_len))
    records["block_size"] = records.dtype.itemsize - 4
    records["ref_id"] = ref_id[order]
    records["pos"] = starts[order]
    records["l_read_name"] = _NAME_WIDTH
    records["mapq"] = np.broadcast_to(np.asarray(mapq), (n,))[order]
    records["bin"] = _reg2bin(starts[order], starts[order] + read_length)
    records["n_cigar_op"] = 1
    records["flag"] = flag[order]
    records["l_seq"] = seq_len
    records["next_ref_id"] = -1
    records["next_pos"] = -1
    records["read_name"] = _read_names(n)
    records["cigar"] = read_length << 4  # one M operation
    if sequence:
        rng = np.random.default_rng(seed)
        codes = np.array([1, 2, 4, 8], dtype=np.uint8)[rng.integers(0, 4, size=(n, 2 * ((seq_len + 1) // 2)))]
        packed = (codes[:, 0::2] << 4) | codes[:, 1::2]
        records["seq"] = np.ascontiguousarray(packed).view(records.dtype["seq"]).ravel()
        records["qual"] = np.full((n, seq_len), 30, dtype=np.uint8).view(records.dtype["qual"]).ravel()
    text = "@HD\tVN:1.6\tSO:coordinate\n" + "".join(
        f"@SQ\tSN:{c}\tLN:{length}\n" for c, length in lengths.items()
    )
    header = [b"BAM\x01", np.int32(len(text)).tobytes(), text.encode(), np.int32(len(names)).tobytes()]
    for c, length in lengths.items():
        header += [np.int32(len(c) + 1).tobytes(), c.encode() + b"\x00", np.int32(length).tobytes()]
    path.parent.mkdir(parents=True, exist_ok=True)
    with pysam.BGZFile(str(path), "wb") as out:
        out.write(b"".join(header))
        chunk = 1 << 20
        for low in range(0, n, chunk):
            out.write(records[low : low + chunk].tobytes())
    if index:
        pysam.index(str(path))
    return path


def write_bigwig(
    path: str | os.PathLike[str],
    lengths: Mapping[str, int],
    chroms: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    *,
    step: int = 10,
) -> Path:
    """A fixed-step bigWig (``step`` bp resolution) whose per-base signal sums to ``counts`` over each 100 bp bin.

    ``starts`` are bin starts on the 100 bp grid; every base of a bin carries ``count / 100``.
    Chromosomes are written whole (zeros between the bins), as a genome-wide coverage track is.
    """
    pyBigWig = require("pyBigWig")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(lengths.items()), maxZooms=0)
    chroms = np.asarray(chroms)
    per_bin = BIN_SIZE_BP // step
    try:
        for chrom, length in lengths.items():
            on = chroms == chrom
            grid = np.zeros(length // BIN_SIZE_BP, dtype=np.float64)
            np.add.at(grid, starts[on] // BIN_SIZE_BP, counts[on] / BIN_SIZE_BP)
            values = np.repeat(grid, per_bin)
            if values.size:
                bw.addEntries(chrom, 0, values=values, span=step, step=step)
    finally:
        bw.close()
    return path


def write_gtf(path: str | os.PathLike[str], genes: Genes) -> Path:
    """A GTF with one ``gene`` and one ``transcript`` record per gene (gene_type protein_coding)."""
    lines = []
    for gid, symbol, chrom, tss, strand in zip(
        genes.ids, genes.symbols, genes.chroms, genes.tss.tolist(), genes.strands.tolist(), strict=True
    ):
        start, end = (tss + 1, tss + 5_000) if strand > 0 else (tss - 4_999 + 1, tss + 1)
        attributes = f'gene_id "{gid}.1"; gene_type "protein_coding"; gene_name "{symbol}";'
        sign = "+" if strand > 0 else "-"
        for feature in ("gene", "transcript"):
            lines.append(f"{chrom}\tsynthetic\t{feature}\t{start}\t{end}\t.\t{sign}\t.\t{attributes}\n")
    path = Path(path)
    path.write_text("##description: synthetic genes\n" + "".join(lines), encoding="utf-8")
    return path


@dataclass(frozen=True)
class SyntheticFiles:
    """What :func:`write_synthetic_files` wrote, and the counts prepare must give back.

    Attributes
    ----------
    sheet, gtf, bed, expression : Path
    genome : SyntheticGenome
    counts : dict of str to ndarray
        Cell -> (genes, 5, 200) counts, genes in the genome's order.
    formats : dict of str to str
        Cell -> ``bam`` or ``bigwig``.
    """

    sheet: Path
    gtf: Path
    bed: Path
    expression: Path
    genome: SyntheticGenome
    counts: dict[str, np.ndarray]
    formats: dict[str, str]

    def matches(self, prepared: str | os.PathLike[str]) -> bool:
        """True when the prepared folder holds exactly these counts for every cell and gene."""
        from deepdiff.data.cache import load_split

        index = pd.Index(self.genome.genes.ids)
        for cell, expected in self.counts.items():
            files = cell_paths(prepared, cell, MARK_FILE_ROLES).values()
            parts = [load_split(f, use_cache=False).value for f in files if f.is_file()]
            genes = np.concatenate([part.genes for part in parts])
            counts = np.concatenate([part.counts for part in parts])
            if sorted(genes) != sorted(index) or not (counts == expected[index.get_indexer(genes)]).all():
                return False
        return True


def cells_of(pairs: Sequence[PairData]) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Genes (all splits) and, per cell, counts and expression of simulated pairs sharing their gene ids."""
    genes = np.concatenate([pairs[0].split(s).genes for s in ("train", "valid", "test")])
    counts: dict[str, np.ndarray] = {}
    expression: dict[str, np.ndarray] = {}
    for data in pairs:
        these = np.concatenate([data.split(s).genes for s in ("train", "valid", "test")])
        if set(these.tolist()) != set(genes.tolist()):
            raise ValueError("every pair must hold the same genes (simulate them with the same n_genes)")
        index = pd.Index(these).get_indexer(genes)
        for cell, x, e in ((data.pair.cell_a, "x_a", "expr_a"), (data.pair.cell_b, "x_b", "expr_b")):
            counts[cell] = np.concatenate([getattr(data.split(s), x) for s in ("train", "valid", "test")])[
                index
            ]
            expression[cell] = np.concatenate(
                [getattr(data.split(s), e) for s in ("train", "valid", "test")]
            )[index]
    return genes, counts, expression


def write_synthetic_files(
    pairs: Sequence[PairData],
    out_dir: str | os.PathLike[str],
    formats: Mapping[str, str] | None = None,
    *,
    seed: int = 0,
) -> SyntheticFiles:
    """Signal files of simulated cells, with the annotation, expression table and sample sheet.

    Parameters
    ----------
    pairs : sequence of PairData
        Simulated pairs (:func:`deepdiff.simulate.simulate_pair`) with the same gene ids; every
        cell of every pair gets its five marks.
    out_dir : path-like
    formats : mapping, optional
        Cell -> ``bam`` or ``bigwig`` (default: the first cell of each pair as BAM, the second as bigWig).
    seed : int
        Seeds the strands, the reads' positions and strands.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ids, counts, expression = cells_of(pairs)
    symbols = pairs[0].meta.get("symbols")
    from deepdiff.simulate.generator import gene_symbol

    names = [symbols.get(g, "") if isinstance(symbols, dict) else gene_symbol(str(g)) for g in ids]
    genome = synthetic_genome(ids, names, seed=seed)
    formats = dict(
        formats
        or {c: _FORMATS[i % 2] for data in pairs for i, c in enumerate((data.pair.cell_a, data.pair.cell_b))}
    )
    rows = []
    for c, (cell, x) in enumerate(counts.items()):
        for m, mark in enumerate(MARKS):
            name = f"{cell}_{mark}.{'bam' if formats[cell] == 'bam' else 'bw'}"
            if formats[cell] == "bam":
                read_chroms, starts, reverse = place_reads(genome, x[:, m, :], seed=seed + 10 * c + m)
                write_bam(out / name, genome.lengths, read_chroms, starts, reverse=reverse)
            else:
                write_bigwig(out / name, genome.lengths, *genome_bins(genome, x[:, m, :]))
            rows.append(f"{cell}\t{mark}\t{name}\n")
    sheet = out / "samples.tsv"
    sheet.write_text("cell\tmark\tpath\n" + "".join(rows), encoding="utf-8")
    table = pd.DataFrame({"gene_id": ids, **expression})
    table.to_csv(out / "expression.tsv", sep="\t", index=False)
    gtf = write_gtf(out / "genes.gtf", genome.genes)
    from deepdiff.prepare.writer import tss_bed

    bed = out / "tss.bed"
    bed.write_text(tss_bed(genome.genes), encoding="utf-8")
    return SyntheticFiles(sheet, gtf, bed, out / "expression.tsv", genome, counts, formats)


def example_files(
    pairs: Sequence[str], out_dir: str | os.PathLike[str], *, n_genes: int = 1000, seed: int = 0
) -> SyntheticFiles:
    """Synthetic files of simulated pairs (:func:`deepdiff.simulate.simulate_pair`, seeds ``seed``, ``seed + 1``, ...).

    Every pair has ``n_genes`` genes with the same ids; the first cell of each pair gets BAM files,
    the second bigWig files (:func:`write_synthetic_files`).
    """
    from deepdiff.simulate import simulate_pair

    simulated = [simulate_pair(pair, n_genes=n_genes, seed=seed + i) for i, pair in enumerate(pairs)]
    return write_synthetic_files(simulated, out_dir, seed=seed)
