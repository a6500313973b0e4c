"""Cells to predict: two cells' marks in the REMC format, with no split and no expression needed.

A directory holds, for each cell ``C``, the marks of its genes in one or more REMC split files
(:mod:`deepdiff.data.remc_format`) and, optionally, its expression:

``C.all.csv``                               every gene in one file (``deepdiff prepare --split none``)
``C.train.csv``, ``C.valid.csv``, ``C.test.csv``  a training split (any of them; all present are read)
``C.expr.csv``                              optional: ``ENSGID,count`` (then metrics can be computed)

The genes of all of a cell's files are read in that order (a gene listed in two files is an
error). The two cells are aligned by gene id: the genes both cells have are kept, in cell A's
order, and how many were only in one cell is recorded (``meta["only_in"]``). When both cells have
an expression file, the true LFC is known for the genes both files list; otherwise it is not.
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deepdiff._util.paths import display_path
from deepdiff.constants import SPLITS
from deepdiff.data.cache import default_cache_dir, load_expression, load_split
from deepdiff.data.containers import PairData, SplitData
from deepdiff.data.pair import Pair
from deepdiff.data.sources import data_checksum
from deepdiff.errors import DataError

#: The single file holding every gene of a cell.
ALL_ROLE = "all"
#: The mark files a cell may have, in reading order.
MARK_ROLES: tuple[str, ...] = (ALL_ROLE, *SPLITS)
EXPRESSION_ROLE = "expr"


@dataclass(frozen=True)
class CellsToPredict:
    """Two cells' marks for the same genes, and their expression when known.

    Attributes
    ----------
    pair : Pair
        Cell A and cell B; predictions are changes from A to B.
    genes, symbols : ndarray of str, shape (n,)
    x_a, x_b : ndarray, shape (n, 5, 200)
        Read counts (integers).
    expr_a, expr_b : ndarray of float64, shape (n,), or None
        Expression counts; NaN for a gene missing from an expression file; None when unknown.
    label : str
        Where the cells come from, for every output.
    checksum : str
        SHA-256 over the files read (as :func:`deepdiff.data.sources.data_checksum`).
    meta : dict
        Files, genes only in one cell, and the like.
    """

    pair: Pair
    genes: np.ndarray
    symbols: np.ndarray
    x_a: np.ndarray
    x_b: np.ndarray
    expr_a: np.ndarray | None
    expr_b: np.ndarray | None
    label: str
    checksum: str
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.genes)

    @property
    def has_expression(self) -> bool:
        """True when both cells' expression is known (the true LFC can be compared)."""
        return self.expr_a is not None and self.expr_b is not None

    def as_split(self) -> SplitData:
        """The genes as a :class:`SplitData` (expression NaN where unknown), as the models take them."""
        nan = np.full(len(self.genes), np.nan)
        return SplitData(
            genes=self.genes,
            x_a=self.x_a,
            x_b=self.x_b,
            expr_a=nan if self.expr_a is None else self.expr_a,
            expr_b=nan if self.expr_b is None else self.expr_b,
        )

    def subset(self, index: np.ndarray | slice) -> CellsToPredict:
        """The genes at ``index``."""

        def part(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[index]

        return dataclasses.replace(
            self,
            genes=self.genes[index],
            symbols=self.symbols[index],
            x_a=self.x_a[index],
            x_b=self.x_b[index],
            expr_a=part(self.expr_a),
            expr_b=part(self.expr_b),
        )

    def summary(self) -> str:
        """One line: pair, provenance, genes, and whether the expression is known."""
        known = "expression known" if self.has_expression else "no expression (LFC unknown)"
        return f"{self.pair} [{self.label}]: {len(self):,} genes, {known}; {self.pair.direction}"


def cells_from_pair(data: PairData, split: str = "test") -> CellsToPredict:
    """One split of a loaded pair (default: its test genes) as cells to predict."""
    part = data.split(split)
    symbols = data.meta.get("symbols")
    names = [str(symbols.get(g, "")) for g in part.genes] if isinstance(symbols, dict) else [""] * len(part)
    return CellsToPredict(
        pair=data.pair,
        genes=part.genes,
        symbols=np.asarray(names, dtype=str),
        x_a=part.x_a,
        x_b=part.x_b,
        expr_a=part.expr_a,
        expr_b=part.expr_b,
        label=f"{data.label}, {split} split",
        checksum=data.checksum,
        meta={"split": split, "source": data.source},
    )


def cell_files(data_dir: Path, cell: str) -> dict[str, Path]:
    """The files of ``cell`` present in ``data_dir``, by role (``all``, ``train``, ..., ``expr``).

    Raises
    ------
    DataError
        When the cell has no mark file, naming what the directory holds.
    """
    found = {role: data_dir / f"{cell}.{role}.csv" for role in (*MARK_ROLES, EXPRESSION_ROLE)}
    found = {role: path for role, path in found.items() if path.is_file()}
    if not any(role in found for role in MARK_ROLES):
        cells = sorted({p.name.split(".")[0] for p in data_dir.glob("*.csv")})
        raise DataError(
            f"cell {cell!r} has no mark file in {data_dir}: expected {cell}.all.csv or any of "
            f"{', '.join(f'{cell}.{s}.csv' for s in SPLITS)} (REMC format; `deepdiff prepare` writes them). "
            f"Cells with files there: {', '.join(cells) or 'none'}."
        )
    return found


def _read_cell(
    files: dict[str, Path], cache_dir: Path, side: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, str]]:
    """Genes, symbols and counts of every mark file of one cell, concatenated, and each file's
    SHA-1 (keyed ``side.role.csv``)."""
    genes, symbols, counts = [], [], []
    checksums: dict[str, str] = {}
    first: dict[str, Path] = {}
    for role in MARK_ROLES:
        if role not in files:
            continue
        loaded = load_split(files[role], cache_dir=cache_dir)
        checksums[f"{side}.{role}.csv"] = loaded.checksum
        for gene in loaded.value.genes:
            if gene in first:
                raise DataError(
                    f"{files[role]}: gene {gene} is also in {first[gene]}; a gene may be listed once "
                    f"per cell. Keep either {files[role].name.split('.')[0]}.all.csv or the split files."
                )
            first[str(gene)] = files[role]
        genes.append(loaded.value.genes)
        symbols.append(loaded.value.symbols)
        counts.append(loaded.value.counts)
    dtype = np.result_type(*(c.dtype for c in counts))
    counts_all = np.concatenate([c.astype(dtype) for c in counts])
    return np.concatenate(genes), np.concatenate(symbols), counts_all, checksums


def load_cells(
    pair: str | Pair,
    data_dir: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
) -> CellsToPredict:
    """Read two cells to predict from a directory (see the module docstring for the files).

    Parameters
    ----------
    pair : str or Pair
        ``"A-B"``; any cell names.
    data_dir : path-like
    cache_dir : path-like, optional
        The parse cache of :func:`deepdiff.data.cache.load_split`.
    progress : bool
        A progress bar over the files.

    Raises
    ------
    DataError
        A missing directory or cell, a malformed file (with file, line and gene), a gene listed
        twice for a cell, or no gene common to the two cells.
    """
    from tqdm.auto import tqdm

    pair = Pair.parse(pair)
    root = Path(data_dir).expanduser()
    if not root.is_dir():
        raise DataError(f"data directory {root} does not exist")
    files = {side: cell_files(root, cell) for side, cell in (("A", pair.cell_a), ("B", pair.cell_b))}
    cache = default_cache_dir(cache_dir)
    # The two cells are parsed at once: the parser releases the GIL, so this halves the wait on
    # two cores (a genome's cell is some 140 MB of text).
    with tqdm(total=2, desc=f"reading {pair}", unit="cell", disable=not progress) as bar:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {side: pool.submit(_read_cell, files[side], cache, side) for side in ("A", "B")}
            for _ in as_completed(futures.values()):
                bar.update()
        read = {side: future.result() for side, future in futures.items()}
    (genes_a, symbols, x_a, sums_a), (genes_b, _, x_b, sums_b) = read["A"], read["B"]
    checksums = {**sums_a, **sums_b}
    index_b = pd.Index(genes_b).get_indexer(genes_a)
    keep = np.flatnonzero(index_b >= 0)
    if keep.size == 0:
        raise DataError(
            f"cells {pair.cell_a} and {pair.cell_b} in {root} have no gene in common (e.g. {genes_a[0]} "
            f"vs {genes_b[0]}); prepare both cells with the same annotation"
        )
    only_in = {pair.cell_a: int(len(genes_a) - keep.size), pair.cell_b: int(len(genes_b) - keep.size)}
    genes = genes_a[keep]
    expression: dict[str, np.ndarray] = {}
    if all(EXPRESSION_ROLE in files[side] for side in ("A", "B")):
        for side in ("A", "B"):
            loaded = load_expression(files[side][EXPRESSION_ROLE])
            checksums[f"{side}.expr.csv"] = loaded.checksum
            position = pd.Index(loaded.value.genes).get_indexer(genes)
            values = np.full(len(genes), np.nan)
            values[position >= 0] = loaded.value.values[position[position >= 0]]
            expression[side] = values
    return CellsToPredict(
        pair=pair,
        genes=genes,
        symbols=symbols[keep],
        x_a=x_a[keep],
        x_b=x_b[index_b[keep]],
        expr_a=expression.get("A"),
        expr_b=expression.get("B"),
        label=f"own cells: {display_path(root)}",  # the full path is in meta
        checksum=data_checksum(checksums),
        meta={
            "data_dir": str(root.resolve()),
            "files": {f"{side}.{role}.csv": str(p) for side in files for role, p in files[side].items()},
            "file_sha1": checksums,
            "only_in": only_in,
        },
    )
