"""The rules of ``prepare`` that the command line states, in one light module (no numpy, no pysam).

The modules that apply them (:mod:`~deepdiff.prepare.annotation`, :mod:`~deepdiff.prepare.bam`,
:mod:`~deepdiff.prepare.build`) import their defaults from here, and ``deepdiff prepare --help``
prints :data:`RULES`.
"""

from __future__ import annotations

from deepdiff.constants import BIN_SIZE_BP, FULL_SPLIT_SIZES, N_BINS

#: Gene types kept by default: protein-coding genes, as in the REMC expression tables (19,795 genes).
DEFAULT_GENE_TYPES: tuple[str, ...] = ("protein_coding",)
#: BAM reads of at least this mapping quality count (0 counts every read).
DEFAULT_MIN_MAPQ = 10
#: SAM flags of reads that never count: unmapped, secondary, QC-failed, duplicate, supplementary.
EXCLUDED_FLAGS = 0x4 | 0x100 | 0x200 | 0x400 | 0x800
#: ``split`` choices: the paper's three splits, or one file per cell.
SPLIT_CHOICES: tuple[str, ...] = ("paper", "none")
#: Half the window around the TSS.
HALF_WINDOW_BP = N_BINS * BIN_SIZE_BP // 2

_SIZES = " / ".join(f"{n:,}" for n in FULL_SPLIT_SIZES.values())
_KB = HALF_WINDOW_BP // 1000

#: The rules, as ``deepdiff prepare --help`` states them (the book's page "Your own cells" explains them).
RULES = f"""\
SHEET  tab-separated, header line, columns cell, mark, path (one file per mark and cell, all five marks
       for every cell; kind by extension: .bam, .bw/.bigwig, or a deepTools matrix .mat.gz; relative paths
       start at the sheet's folder; optional column sample_label picks a sample of a matrix).
ANNOTATION  a GTF (gene records; TSS = the gene's 5' end, its most upstream TSS; id = gene_id without
       version, symbol = gene_name; --gene-types filters gene_type/gene_biotype; GENCODE _PAR_Y copies
       left out) or a BED of TSSs (chrom start end gene_id score strand [symbol]; TSS = start on +,
       end - 1 on -).
TABLE  a header line, gene ids in the first column, one count column per cell named as in the sheet.

Window: {N_BINS} bins of {BIN_SIZE_BP} bp, +/- {_KB} kb around the TSS (the authors' files; the paper's
       +/- 10,000 bp; their README's +/- 20 kb would need 400 bins), bin 1 = {_KB} kb upstream on either strand.
BAM: a read counts in every bin it overlaps (bedtools multicov, as the authors counted); only mapped,
       primary, QC-passed, non-duplicate reads (flags {EXCLUDED_FLAGS:#x} excluded) of mapping quality
       >= --min-mapq, and of a read pair only the first mate. The BAM must be sorted by coordinate and indexed.
bigWig: the per-base signal summed over the bin (missing = 0), rounded; negative values refused.
Genes kept: of the chosen types, in the expression table (if given), on chromosomes every signal file
       has (chr1 and 1 are matched), with the TSS at least {_KB} kb from a chromosome end, in every
       deepTools matrix; the same genes in every cell, ordered by id.
Split (--split paper): by SHA-256 of the gene id, in the paper's proportions {_SIZES}: a gene lands
       in the same split in every cell and every run.
Output, written at once at the end: CELL.{{train,valid,test}}.csv (or CELL.all.csv), CELL.expr.csv for
       cells with expression, tss.bed, prepare.json (inputs, rules, genes left out and why).
"""
