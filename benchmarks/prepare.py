"""Benchmark: ``prepare`` on a whole genome: 20,000 genes x 5 marks x 2 cells, from BAM and from bigWig.

The inputs are synthetic but of realistic size, written into a work folder first (not timed as
part of prepare; kept with ``--keep``):

* an annotation: a GTF of GENCODE's size (``--genes`` protein-coding genes among three times as
  many genes, with 1-7 transcripts of 11 exons each: about 2.9 million lines for 20,000 genes), the
  genes' TSSs spread over the 24 main chromosomes of hg38 (3.09 Gb) in proportion to their length;
* BAM files, one per mark and cell: ``--reads`` single-end 36 bp reads each (default 5 million),
  with sequences, a share ``--in-windows`` of them inside the genes' +/- 10 kb windows (marks are
  enriched near genes), the rest anywhere; sorted and indexed;
* bigWig files: fixed-step 10 bp entries over the whole genome (309 million entries per file),
  values with noise (two decimals), no zoom levels (prepare does not read them). Writing one
  takes minutes, so each cell gets one file that its five marks share (``--distinct-bigwigs``
  writes ten); prepare opens and reads it five times, once per mark, as it would five files
  (apart from the operating system's file cache).

Reported: seconds (wall and CPU of this process and its workers) to read the GTF, and to prepare
the BAM cells and the bigWig cells with ``--jobs`` processes. Run it on 2 cores with ``taskset -c
0,1`` for the 2-core figure.

    python benchmarks/prepare.py [--genes 20000] [--reads 5000000] [--jobs 2] [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from deepdiff.constants import MARKS
from deepdiff.prepare.annotation import Genes, read_annotation
from deepdiff.prepare.build import PrepareConfig, prepare
from deepdiff.prepare.synthetic import READ_LENGTH, write_bam
from deepdiff.prepare.windows import HALF_WINDOW_BP, WINDOW_BP, window_starts

#: The 24 main chromosomes of GRCh38 and their lengths.
HG38: dict[str, int] = {
    "chr1": 248_956_422, "chr2": 242_193_529, "chr3": 198_295_559, "chr4": 190_214_555,
    "chr5": 181_538_259, "chr6": 170_805_979, "chr7": 159_345_973, "chr8": 145_138_636,
    "chr9": 138_394_717, "chr10": 133_797_422, "chr11": 135_086_622, "chr12": 133_275_309,
    "chr13": 114_364_328, "chr14": 107_043_718, "chr15": 101_991_189, "chr16": 90_338_345,
    "chr17": 83_257_441, "chr18": 80_373_285, "chr19": 58_617_616, "chr20": 64_444_167,
    "chr21": 46_709_983, "chr22": 50_818_468, "chrX": 156_040_895, "chrY": 57_227_415,
}  # fmt: skip
CELLS = ("CELL1", "CELL2")


def layout_genes(n: int, lengths: dict[str, int], seed: int = 0) -> Genes:
    """``n`` genes at random places (at least 10 kb from the chromosome ends), random strands."""
    rng = np.random.default_rng(seed)
    names = list(lengths)
    size = np.array([lengths[c] for c in names], dtype=np.float64)
    chrom = rng.choice(len(names), size=n, p=size / size.sum())
    margin = HALF_WINDOW_BP + 1
    tss = (margin + rng.random(n) * (size[chrom] - 2 * margin)).astype(np.int64)
    return Genes(
        ids=np.array([f"ENSG{i:011d}" for i in range(n)]),
        symbols=np.array([f"GENE{i}" for i in range(n)]),
        chroms=np.asarray(names)[chrom],
        tss=tss,
        strands=np.where(rng.random(n) < 0.5, 1, -1).astype(np.int8),
        lines=np.arange(n, dtype=np.int64),
    )


def write_gtf(path: Path, genes: Genes, seed: int = 0) -> Path:
    """A GENCODE-sized GTF: the genes (protein-coding), twice as many other genes, transcripts and exons."""
    rng = np.random.default_rng(seed)
    with path.open("w") as out:
        out.write("##description: synthetic annotation of GENCODE's size\n")
        for k in range(3 * len(genes)):
            i = k % len(genes)
            kind = "protein_coding" if k < len(genes) else "lncRNA"
            gid = genes.ids[i] if k < len(genes) else f"ENSG{k:011d}"
            sign = "+" if genes.strands[i] > 0 else "-"
            start = int(genes.tss[i]) + 1 if k < len(genes) else int(genes.tss[i]) + 50_001
            start = start if sign == "+" or k >= len(genes) else start - 30_000
            end = start + 30_000
            attrs = f'gene_id "{gid}.3"; gene_type "{kind}"; gene_name "{genes.symbols[i]}";'
            out.write(f"{genes.chroms[i]}\tHAVANA\tgene\t{start}\t{end}\t.\t{sign}\t.\t{attrs}\n")
            for t in range(int(rng.integers(1, 8))):
                tattrs = f'{attrs} transcript_id "ENST{k:09d}{t}.1";'
                out.write(f"{genes.chroms[i]}\tHAVANA\ttranscript\t{start}\t{end}\t.\t{sign}\t.\t{tattrs}\n")
                for e in range(11):
                    exon = start + 2_700 * e
                    out.write(
                        f"{genes.chroms[i]}\tHAVANA\texon\t{exon}\t{exon + 200}\t.\t{sign}\t.\t{tattrs}\n"
                    )
    return path


def write_reads(
    path: Path, genes: Genes, lengths: dict[str, int], n: int, in_windows: float, seed: int
) -> Path:
    """A BAM of ``n`` reads, a share ``in_windows`` of them inside the genes' windows."""
    rng = np.random.default_rng(seed)
    near = int(n * in_windows)
    gene = rng.integers(0, len(genes), size=near)
    near_starts = window_starts(genes)[gene] + rng.integers(0, WINDOW_BP - READ_LENGTH, size=near)
    names = list(lengths)
    size = np.array([lengths[c] for c in names], dtype=np.float64)
    chrom = rng.choice(len(names), size=n - near, p=size / size.sum())
    far_starts = (rng.random(n - near) * (size[chrom] - READ_LENGTH)).astype(np.int64)
    chroms = np.concatenate([genes.chroms[gene], np.asarray(names)[chrom]])
    starts = np.concatenate([near_starts, far_starts])
    return write_bam(path, lengths, chroms, starts, reverse=rng.random(n) < 0.5, sequence=True, seed=seed)


def write_genome_bigwig(path: Path, lengths: dict[str, int], seed: int, step: int = 10) -> Path:
    """Fixed-step ``step`` bp entries over every chromosome, noisy values with two decimals."""
    from deepdiff.prepare.extras import require

    pyBigWig = require("pyBigWig")
    rng = np.random.default_rng(seed)
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(lengths.items()), maxZooms=0)
    chunk = 2_000_000
    for chrom, length in lengths.items():
        entries = length // step
        for first in range(0, entries, chunk):
            values = np.round(rng.gamma(0.5, 1.0, size=min(chunk, entries - first)), 2)
            bw.addEntries(chrom, first * step, values=values, span=step, step=step)
    bw.close()
    return path


def timed(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """Result, wall seconds, CPU seconds (this process and its finished children)."""

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    wall, start = time.perf_counter(), cpu()
    result = function()
    return result, time.perf_counter() - wall, cpu() - start


def sheet(path: Path, files: dict[str, dict[str, Path]]) -> Path:
    rows = [f"{cell}\t{mark}\t{p}" for cell, marks in files.items() for mark, p in marks.items()]
    path.write_text("cell\tmark\tpath\n" + "\n".join(rows) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--genes", type=int, default=20_000)
    parser.add_argument("--reads", type=int, default=5_000_000, help="reads per BAM file (mark and cell)")
    parser.add_argument("--in-windows", type=float, default=0.4, help="share of reads inside gene windows")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--distinct-bigwigs", action="store_true", help="one bigWig per mark and cell")
    parser.add_argument("--chromosomes", type=int, default=len(HG38), help="use the first N chromosomes only")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the chromosomes (smoke tests)")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (its inputs are reused)")
    args = parser.parse_args(argv)
    lengths = {c: int(n * args.scale) // 100 * 100 for c, n in list(HG38.items())[: args.chromosomes]}
    work = args.work or Path(tempfile.mkdtemp(prefix="deepdiff-prepare-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    genes = layout_genes(args.genes, lengths)
    rows: list[tuple[str, float, float]] = []
    try:
        tic = time.perf_counter()
        gtf = work / "genes.gtf"
        if not gtf.is_file():
            write_gtf(gtf, genes)
        bams = {cell: {m: work / f"{cell}_{m}.bam" for m in MARKS} for cell in CELLS}
        for c, cell in enumerate(CELLS):
            for m, mark in enumerate(MARKS):
                if not bams[cell][mark].is_file():
                    write_reads(
                        bams[cell][mark], genes, lengths, args.reads, args.in_windows, seed=10 * c + m
                    )
        bigwigs: dict[str, dict[str, Path]] = {}
        for c, cell in enumerate(CELLS):
            names = {m: f"{cell}_{m}.bw" if args.distinct_bigwigs else f"{cell}.bw" for m in MARKS}
            bigwigs[cell] = {m: work / name for m, name in names.items()}
            for m, path in bigwigs[cell].items():
                if not path.is_file():
                    write_genome_bigwig(path, lengths, seed=100 + 10 * c + MARKS.index(m))
        print(f"inputs written in {time.perf_counter() - tic:.0f} s under {work}", file=sys.stderr)
        notes, wall, cpu = timed(lambda: read_annotation(gtf))
        rows.append(
            (
                f"read the GTF ({sum(1 for _ in gtf.open()):,} lines, {len(notes.genes):,} genes kept)",
                wall,
                cpu,
            )
        )
        config = PrepareConfig(jobs=args.jobs, split="none")
        for kind, files in (("BAM", bams), ("bigWig", bigwigs)):
            out = work / f"out-{kind}"
            samples = sheet(work / f"{kind}.tsv", files)
            report, wall, cpu = timed(
                lambda samples=samples, out=out: prepare(samples, gtf, out, config=config, overwrite=True)
            )
            rows.append((f"prepare from {kind}: {report.n_genes:,} genes x 5 marks x 2 cells", wall, cpu))
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    reads = f"{args.reads:,} reads per BAM ({args.in_windows:.0%} in gene windows)"
    print(
        f"\n{len(lengths)} chromosomes ({sum(lengths.values()) / 1e9:.2f} Gb), {args.genes:,} genes, {reads}, jobs {args.jobs}\n"
    )
    print("| step | wall s | CPU s |\n|---|---|---|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
