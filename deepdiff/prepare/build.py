"""``prepare``: the REMC format for your own cells, from a sample sheet, an annotation and expression.

The steps, each in its own module: read the sample sheet (:mod:`~deepdiff.prepare.sheet`), the
genes and their TSS (:mod:`~deepdiff.prepare.annotation`) and the expression table
(:mod:`~deepdiff.prepare.expression`); check every signal file and match its chromosome names
(:mod:`~deepdiff.prepare.chroms`) before any long work; bin every file, in parallel
(:mod:`~deepdiff.prepare.bam`, :mod:`~deepdiff.prepare.bigwig`, :mod:`~deepdiff.prepare.matrix`),
with a progress bar; split the genes (:mod:`~deepdiff.prepare.split`); write everything at once
(:mod:`~deepdiff.prepare.writer`).

Which genes are kept: the annotation's genes of the chosen types (default protein-coding), less
GENCODE's ``_PAR_Y`` copies, less (with an expression table) the genes it does not list, less the
genes on a chromosome that some signal file lacks, less the genes whose TSS lies within 10 kb of a
chromosome end (their window would leave the chromosome), less (with deepTools matrices) the genes
a matrix does not hold. Every cell keeps the same genes. How many genes each rule left out is in
the report and in ``prepare.json``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from deepdiff import __version__
from deepdiff._util.paths import display_path
from deepdiff.constants import BIN_SIZE_BP, MARKS, N_BINS, SPLITS
from deepdiff.errors import ConfigError, DataError
from deepdiff.prepare.annotation import Annotation, Genes, read_annotation
from deepdiff.prepare.chroms import chromosome_map
from deepdiff.prepare.expression import ExpressionTable, read_expression_table
from deepdiff.prepare.rules import DEFAULT_GENE_TYPES, DEFAULT_MIN_MAPQ, EXCLUDED_FLAGS, SPLIT_CHOICES
from deepdiff.prepare.sheet import Sample, SampleSheet, read_sample_sheet
from deepdiff.prepare.signal import SignalTask, chromosome_lengths, fill
from deepdiff.prepare.split import CUTS, assign_splits
from deepdiff.prepare.windows import HALF_WINDOW_BP, Windows, fits, window_starts
from deepdiff.prepare.writer import check_out_dir, write_prepared


@dataclass(frozen=True)
class PrepareConfig:
    """How to prepare.

    Attributes
    ----------
    split : {"paper", "none"}
        ``paper``: ``C.train/valid/test.csv`` by gene id in the paper's proportions; ``none``: one
        ``C.all.csv`` per cell (enough to predict, not to train).
    gene_types : tuple of str or None
        GTF gene types to keep; None keeps all.
    min_mapq : int
        BAM reads of lower mapping quality do not count.
    jobs : int
        Signal files binned at the same time (processes).
    """

    split: str = "paper"
    gene_types: tuple[str, ...] | None = DEFAULT_GENE_TYPES
    min_mapq: int = DEFAULT_MIN_MAPQ
    jobs: int = 1

    def __post_init__(self) -> None:
        if self.split not in SPLIT_CHOICES:
            raise ConfigError(f"split must be one of {', '.join(SPLIT_CHOICES)}, got {self.split!r}")
        if isinstance(self.jobs, bool) or not isinstance(self.jobs, int) or self.jobs < 1:
            raise ConfigError(f"jobs must be a positive whole number, got {self.jobs!r}")
        if (
            isinstance(self.min_mapq, bool)
            or not isinstance(self.min_mapq, int)
            or not 0 <= self.min_mapq <= 255
        ):
            raise ConfigError(f"min_mapq must be a whole number from 0 to 255, got {self.min_mapq!r}")


@dataclass(frozen=True)
class PrepareReport:
    """What :func:`prepare` wrote.

    Attributes
    ----------
    out_dir : Path
    cells : tuple of str
    n_genes : int
        Genes kept (the same in every cell).
    splits : dict
        Genes per file role (``train``/``valid``/``test``, or ``all``).
    left_out : dict
        Reason -> genes (or records) left out for it.
    with_expression : tuple of str
        Cells with an expression file.
    files : list of str
    seconds : float
    """

    out_dir: Path
    cells: tuple[str, ...]
    n_genes: int
    splits: dict[str, int]
    left_out: dict[str, int]
    with_expression: tuple[str, ...]
    files: list[str] = field(repr=False)
    seconds: float = 0.0

    def summary(self) -> str:
        """A few lines for the command line and the notebook."""
        sizes = " / ".join(f"{role} {n:,}" for role, n in self.splits.items())
        dropped = "; ".join(f"{reason}: {n:,}" for reason, n in self.left_out.items() if n) or "none"
        expr = ", ".join(self.with_expression) or "none (these cells can be predicted, not trained on)"
        return (
            f"prepared {len(self.cells)} cells ({', '.join(self.cells)}), {self.n_genes:,} genes ({sizes}) "
            f"in {self.seconds:.1f} s -> {display_path(self.out_dir)}\n"
            f"  left out: {dropped}\n  expression: {expr}"
        )


def _signal_lengths(
    samples: Sequence[Sample], chroms: np.ndarray
) -> dict[Path, tuple[dict[str, str], dict[str, int]]]:
    """For each BAM and bigWig: annotation chromosome -> file chromosome, and the lengths by annotation name.

    Raises
    ------
    DataError
        From checking a file, or when two files disagree on a chromosome's length.
    """
    out: dict[Path, tuple[dict[str, str], dict[str, int]]] = {}
    first: dict[str, tuple[int, Path]] = {}
    for sample in samples:
        if sample.path in out:
            continue
        lengths = chromosome_lengths(sample)
        if lengths is None:
            continue
        mapping = chromosome_map(chroms.tolist(), lengths, sample.path)
        by_name = {ours: lengths[theirs] for ours, theirs in mapping.items()}
        for name, length in by_name.items():
            seen = first.setdefault(name, (length, sample.path))
            if seen[0] != length:
                raise DataError(
                    f"{sample.path} gives {name} a length of {length:,} bp, {seen[1]} {seen[0]:,} bp: the signal "
                    "files come from different genome assemblies; align all of them to the annotation's assembly"
                )
        out[sample.path] = (mapping, by_name)
    return out


def _keep(left_out: dict[str, int], reason: str, genes: Genes, mask: np.ndarray) -> Genes:
    left_out[reason] = left_out.get(reason, 0) + int((~mask).sum())
    return genes.subset(mask)


def _windows(genes: Genes, mapping: dict[str, str] | None) -> Windows:
    chroms = genes.chroms if mapping is None else np.asarray([mapping[c] for c in genes.chroms], dtype=str)
    return Windows(ids=genes.ids, chroms=chroms, starts=window_starts(genes), strands=genes.strands)


def _run(tasks: Sequence[SignalTask], jobs: int) -> Iterator[tuple[int, tuple[np.ndarray, np.ndarray]]]:
    """``(task index, fill(task))`` as tasks finish, in ``jobs`` processes (or in this one)."""
    if jobs == 1 or len(tasks) == 1:
        for i, task in enumerate(tasks):
            yield i, fill(task)
        return
    import multiprocessing

    # spawn: a fresh interpreter per worker, safe whatever threads the caller runs (torch, Jupyter).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
        futures = {pool.submit(fill, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _rules(config: PrepareConfig) -> dict[str, Any]:
    """The rules of this preparation, for ``prepare.json``."""
    return {
        "window": f"+/- {HALF_WINDOW_BP:,} bp around the TSS, {N_BINS} bins of {BIN_SIZE_BP} bp, bin 1 upstream",
        "bam": (
            f"reads overlapping a bin by >= 1 base; excluded flags {EXCLUDED_FLAGS:#x} (unmapped, secondary, "
            f"QC fail, duplicate, supplementary), second mates, mapping quality < {config.min_mapq}"
        ),
        "bigwig": "per-base signal summed over the bin, missing = 0, rounded",
        "split": "sha256(gene id) in [0, 1) cut at " + ", ".join(f"{c:.6f}" for c in CUTS)
        if config.split == "paper"
        else "none",
        "config": asdict(config),
    }


def _kept_genes(
    genes: Genes, left_out: dict[str, int], table: ExpressionTable | None, samples: Sequence[Sample]
) -> tuple[Genes, dict[Path, tuple[dict[str, str], dict[str, int]]]]:
    """The genes the expression table lists, on every signal file's chromosomes, whose window fits.

    Also returns each signal file's chromosome names and lengths (:func:`_signal_lengths`);
    ``left_out`` counts the genes each rule drops.
    """
    if table is not None:
        genes = _keep(left_out, "not in the expression table", genes, table.genes.get_indexer(genes.ids) >= 0)
    signal = _signal_lengths(samples, genes.chroms)
    for mapping, _ in signal.values():
        genes = _keep(
            left_out, "chromosome missing from a signal file", genes, np.isin(genes.chroms, list(mapping))
        )
    for _, lengths in signal.values():
        genes = _keep(
            left_out,
            f"TSS within {HALF_WINDOW_BP // 1000} kb of a chromosome end",
            genes,
            fits(genes, lengths),
        )
    if len(genes) == 0:
        raise DataError(
            f"no gene is left to prepare (left out: {left_out}); check the annotation and the signal files"
        )
    return genes, signal


def _bin_signal(
    samples: Sequence[Sample],
    genes: Genes,
    signal: dict[Path, tuple[dict[str, str], dict[str, int]]],
    config: PrepareConfig,
    progress: bool,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``fill`` of every sample's windows, in the sample sheet's order, with a progress bar over the files."""
    from tqdm.auto import tqdm

    tasks = [
        SignalTask(s, _windows(genes, signal[s.path][0] if s.path in signal else None), config.min_mapq)
        for s in samples
    ]
    results: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(tasks)
    with tqdm(total=len(tasks), desc="binning signal files", unit="file", disable=not progress) as bar:
        for i, result in _run(tasks, config.jobs):
            results[i] = result
            bar.update()
    return [r for r in results if r is not None]


def _in_matrices(genes: Genes, found: np.ndarray, left_out: dict[str, int]) -> Genes:
    """The genes every deepTools matrix holds (``found``: all of them for BAM and bigWig files)."""
    left_out["not in a deepTools matrix"] = int((~found).sum())
    genes = genes.subset(found)
    if len(genes) == 0:
        raise DataError(
            "no gene of the annotation is in the deepTools matrices; their region names must be gene ids"
        )
    return genes


def _cell_counts(
    cells: Sequence[str],
    results: Sequence[tuple[np.ndarray, np.ndarray]],
    found: np.ndarray,
    order: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per cell, its marks' counts (genes x marks x bins) of the ``found`` genes in ``order``."""
    counts = {}
    for c, cell in enumerate(cells):
        x = np.stack([results[c * len(MARKS) + m][0][found][order] for m in range(len(MARKS))], axis=1)
        counts[cell] = x
    return counts


def _splits(genes: Genes, split: str) -> tuple[np.ndarray | None, dict[str, int]]:
    """Each gene's split (None for ``split="none"``) and the genes per file role; none may be empty."""
    splits = assign_splits(genes.ids) if split == "paper" else None
    sizes = {s: int((splits == s).sum()) for s in SPLITS} if splits is not None else {"all": len(genes)}
    empty = [role for role, n in sizes.items() if n == 0]
    if empty:
        raise DataError(
            f"only {len(genes)} genes are kept, and the {', '.join(empty)} split would be empty; use more genes, "
            "or --split none to prepare cells for prediction only"
        )
    return splits, sizes


def _provenance(
    sheet: SampleSheet,
    notes: Annotation,
    table: ExpressionTable | None,
    expr: dict[str, np.ndarray],
    genes: Genes,
    sizes: dict[str, int],
    left_out: dict[str, int],
    counts: dict[str, np.ndarray],
    config: PrepareConfig,
) -> dict[str, Any]:
    """``prepare.json``: the inputs, what was kept and left out, the rules, each file's total count."""
    return {
        "package_version": __version__,
        "samples": [
            {
                "cell": s.cell,
                "mark": s.mark,
                "path": str(s.path.resolve()),
                "kind": s.kind,
                "bytes": s.path.stat().st_size,
            }
            for s in sheet.samples
        ],
        "sample_sheet": str(sheet.path.resolve()),
        "annotation": str(notes.path.resolve()),
        "annotation_has_gene_types": notes.typed,
        "expression": None if table is None else str(table.path.resolve()),
        "cells_with_expression": list(expr),
        "n_genes": len(genes),
        "splits": sizes,
        "left_out": left_out,
        "rules": _rules(config),
        "totals": {
            f"{s.cell}.{s.mark}": int(counts[s.cell][:, MARKS.index(s.mark)].sum()) for s in sheet.samples
        },
    }


def prepare(
    samples: str | os.PathLike[str],
    annotation: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    expression: str | os.PathLike[str] | None = None,
    config: PrepareConfig | None = None,
    progress: bool = True,
    overwrite: bool = False,
) -> PrepareReport:
    """Build the REMC format for every cell of a sample sheet.

    Parameters
    ----------
    samples : path-like
        The sample sheet (:mod:`deepdiff.prepare.sheet`).
    annotation : path-like
        A GTF (``.gtf``, ``.gtf.gz``) or a BED of TSSs (``.bed``).
    out_dir : path-like
        Written at once at the end; must be new or empty unless ``overwrite``.
    expression : path-like, optional
        The expression table (:mod:`deepdiff.prepare.expression`); without it no cell can be
        trained on, every cell can be predicted.
    config : PrepareConfig, optional
    progress : bool
        A progress bar over the signal files.
    overwrite : bool
        Replace an existing ``out_dir`` that an earlier run of prepare wrote (never one holding
        anything else, or the inputs).

    Returns
    -------
    PrepareReport

    Raises
    ------
    DataError
        Bad input, with the file, line or gene and what to do; nothing is written then.
    """
    config = config or PrepareConfig()
    tic = time.perf_counter()
    inputs = {"--samples sheet": samples, "--annotation": annotation, "--expression": expression}
    out = check_out_dir(Path(out_dir), overwrite, inputs)
    sheet = read_sample_sheet(samples)
    inputs |= {f"signal file of {s.cell} {s.mark}": s.path for s in sheet.samples}
    out = check_out_dir(out, overwrite, inputs)
    notes = read_annotation(annotation, config.gene_types)
    left_out = dict(notes.left_out)
    table = None if expression is None else read_expression_table(expression, sheet.cells)
    genes, signal = _kept_genes(notes.genes, left_out, table, sheet.samples)
    results = _bin_signal(sheet.samples, genes, signal, config, progress)
    found = np.logical_and.reduce([r[1] for r in results])
    genes = _in_matrices(genes, found, left_out)
    order = np.argsort(genes.ids, kind="stable")
    genes = genes.subset(order)
    counts = _cell_counts(sheet.cells, results, found, order)
    splits, sizes = _splits(genes, config.split)
    expr = {} if table is None else {cell: table.lookup(cell, genes.ids) for cell in table.values}
    provenance = _provenance(sheet, notes, table, expr, genes, sizes, left_out, counts, config)
    files = write_prepared(out, genes, counts, splits, expr, provenance, overwrite=overwrite, inputs=inputs)
    return PrepareReport(
        out_dir=out,
        cells=sheet.cells,
        n_genes=len(genes),
        splits=sizes,
        left_out=left_out,
        with_expression=tuple(expr),
        files=files,
        seconds=time.perf_counter() - tic,
    )
