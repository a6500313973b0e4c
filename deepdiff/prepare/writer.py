"""The prepared directory, written in one atomic step (a reader sees all of it or none of it).

Per cell ``C``: ``C.train.csv``, ``C.valid.csv``, ``C.test.csv`` (or ``C.all.csv`` without a
split) in the REMC format, written by :func:`deepdiff.simulate.export.split_csv`, and
``C.expr.csv`` when the cell's expression is known; ``tss.bed`` with the kept genes' TSS (chrom,
tss, tss + 1, gene id, 0, strand, symbol), which ``deepdiff prepare --annotation`` and deepTools
``computeMatrix`` can read; ``prepare.json`` with the inputs, the rules and what was left out.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from deepdiff._util.io import OutputFolder, atomic_directory, check_new_directory
from deepdiff.constants import SPLITS
from deepdiff.data.layout import ALL_ROLE, CELL_FILE_PATTERN, EXPRESSION_ROLE, cell_file
from deepdiff.prepare.annotation import Genes
from deepdiff.simulate.export import expression_csv, split_csv

#: The provenance file of a prepared directory.
PROVENANCE_FILE = "prepare.json"
TSS_FILE = "tss.bed"
#: What ``deepdiff prepare`` writes: all that its ``--force`` may replace.
PREPARE_OUTPUT = OutputFolder(
    "prepare",
    PROVENANCE_FILE,
    rf"{CELL_FILE_PATTERN}|{re.escape(TSS_FILE)}|{re.escape(PROVENANCE_FILE)}",
)


def check_out_dir(
    out_dir: Path, overwrite: bool, inputs: Mapping[str, str | os.PathLike[str] | None] | None = None
) -> Path:
    """``out_dir``, absolute; a DataError when it holds something and may not be replaced, or is or
    holds one of ``inputs`` (option -> path). ``overwrite`` replaces only an earlier output of prepare."""
    return check_new_directory(
        out_dir,
        overwrite,
        " (prepare all the cells you want to compare in one run: they then share their genes)",
        writes=PREPARE_OUTPUT,
        inputs=inputs,
    )


def tss_bed(genes: Genes) -> str:
    """The BED text of the genes' TSSs."""
    strand = np.where(genes.strands > 0, "+", "-")
    rows = zip(genes.chroms, genes.tss.tolist(), genes.ids, strand, genes.symbols, strict=True)
    return "".join(f"{c}\t{t}\t{t + 1}\t{g}\t0\t{s}\t{sym}\n" for c, t, g, s, sym in rows)


def write_prepared(
    out_dir: Path,
    genes: Genes,
    counts: Mapping[str, np.ndarray],
    splits: np.ndarray | None,
    expression: Mapping[str, np.ndarray],
    provenance: Mapping[str, Any],
    overwrite: bool = False,
    inputs: Mapping[str, str | os.PathLike[str] | None] | None = None,
) -> list[str]:
    """Write the directory; returns the names of the files written.

    Parameters
    ----------
    genes : Genes
        The kept genes, in file order.
    counts : mapping
        Cell -> (genes, 5, 200) counts.
    splits : ndarray of str or None
        Each gene's split; None writes one ``C.all.csv`` per cell.
    expression : mapping
        Cell -> expression counts of the genes (cells without expression are absent).
    """
    out_dir = check_out_dir(out_dir, overwrite, inputs)
    parts = (
        {ALL_ROLE: np.arange(len(genes))}
        if splits is None
        else {s: np.flatnonzero(splits == s) for s in SPLITS}
    )
    written: list[str] = []
    with atomic_directory(out_dir) as tmp:
        for cell, x in counts.items():
            for role, index in parts.items():
                name = cell_file(cell, role)
                (tmp / name).write_bytes(split_csv(genes.ids[index], genes.symbols[index], x[index]))
                written.append(name)
            if cell in expression:
                name = cell_file(cell, EXPRESSION_ROLE)
                (tmp / name).write_bytes(expression_csv(genes.ids, expression[cell]))
                written.append(name)
        (tmp / TSS_FILE).write_text(tss_bed(genes), encoding="utf-8")
        text = json.dumps(provenance, indent=2, sort_keys=True, default=str) + "\n"
        (tmp / PROVENANCE_FILE).write_text(text, encoding="utf-8")
    return [*written, TSS_FILE, PROVENANCE_FILE]
