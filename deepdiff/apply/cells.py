"""Cells to predict: two cells' marks in the REMC format, with no split and no expression needed.

A directory holds, for each cell ``C``, the marks of its genes in one or more REMC split files
(:mod:`deepdiff.data.remc_format`) and, optionally, its expression (names as in
:mod:`deepdiff.data.layout`; read by :func:`deepdiff.data.cell_reader.read_cell`):

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
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deepdiff._util.paths import display_path
from deepdiff.constants import SPLITS
from deepdiff.data.cache import default_cache_dir
from deepdiff.data.cell_reader import CellRead, data_checksum, read_cell
from deepdiff.data.containers import PairData, SplitData
from deepdiff.data.layout import (
    ALL_ROLE,
    EXPRESSION_ROLE,
    MARK_FILE_ROLES,
    ROLES,
    cell_file,
    cell_of,
    cell_paths,
    cells_in,
)
from deepdiff.data.pair import Pair
from deepdiff.errors import DataError


@dataclass(frozen=True)
class CellsToPredict:
    """Two cells' marks for the same genes, and their expression when known.

    Attributes
    ----------
    pair : Pair
        Cell A and cell B; predictions are changes from A to B.
    split : SplitData
        The genes, both cells' read counts and their expression (NaN where unknown), as the
        models take them.
    symbols : ndarray of str, shape (n,)
    has_expression : bool
        True when both cells' expression is known (the true LFC can be compared).
    label : str
        Where the cells come from, for every output.
    checksum : str
        SHA-256 over the files read (as :func:`deepdiff.data.cell_reader.data_checksum`).
    meta : dict
        Files, genes only in one cell, and the like.
    """

    pair: Pair
    split: SplitData
    symbols: np.ndarray
    has_expression: bool
    label: str
    checksum: str
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.split)

    @property
    def genes(self) -> np.ndarray:
        """Gene ids, shape (n,)."""
        return self.split.genes

    @property
    def x_a(self) -> np.ndarray:
        """Read counts of cell A, shape (n, 5, 200)."""
        return self.split.x_a

    @property
    def x_b(self) -> np.ndarray:
        """Read counts of cell B, shape (n, 5, 200)."""
        return self.split.x_b

    @property
    def expr_a(self) -> np.ndarray | None:
        """Expression of cell A (NaN for a gene its file lacks); None when unknown."""
        return self.split.expr_a if self.has_expression else None

    @property
    def expr_b(self) -> np.ndarray | None:
        """Expression of cell B (NaN for a gene its file lacks); None when unknown."""
        return self.split.expr_b if self.has_expression else None

    def as_split(self) -> SplitData:
        """The genes as a :class:`SplitData` (expression NaN where unknown), as the models take them."""
        return self.split

    def subset(self, index: np.ndarray | slice) -> CellsToPredict:
        """The genes at ``index``."""
        return dataclasses.replace(self, split=self.split.subset(index), symbols=self.symbols[index])

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
        split=part,
        symbols=np.asarray(names, dtype=str),
        has_expression=True,
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
    found = {role: path for role, path in cell_paths(data_dir, cell, ROLES).items() if path.is_file()}
    if not any(role in found for role in MARK_FILE_ROLES):
        raise DataError(
            f"cell {cell!r} has no mark file in {data_dir}: expected {cell_file(cell, ALL_ROLE)} or any of "
            f"{', '.join(cell_file(cell, s) for s in SPLITS)} (REMC format; `deepdiff prepare` writes them). "
            f"Cells with files there: {', '.join(cells_in(data_dir)) or 'none'}."
        )
    return found


def _marks_of(read: CellRead, files: dict[str, Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Genes, symbols and counts of every mark file of one cell, concatenated in reading order.

    Raises
    ------
    DataError
        When a gene is listed in two of the cell's files.
    """
    first: dict[str, Path] = {}
    for role, part in read.marks.items():
        for gene in part.genes:
            if gene in first:
                raise DataError(
                    f"{files[role]}: gene {gene} is also in {first[gene]}; a gene may be listed once "
                    f"per cell. Keep either {cell_file(cell_of(files[role].name), ALL_ROLE)} or the split files."
                )
            first[str(gene)] = files[role]
    parts = list(read.marks.values())
    dtype = np.result_type(*(p.counts.dtype for p in parts))
    counts = np.concatenate([p.counts.astype(dtype) for p in parts])
    return np.concatenate([p.genes for p in parts]), np.concatenate([p.symbols for p in parts]), counts


def _expression_of(read: CellRead, genes: np.ndarray) -> np.ndarray:
    """The cell's expression of ``genes``, NaN for a gene its file lacks."""
    assert read.expression is not None  # read only when both cells have an expression file
    position = pd.Index(read.expression.genes).get_indexer(genes)
    values = np.full(len(genes), np.nan)
    values[position >= 0] = read.expression.values[position[position >= 0]]
    return values


def _read_both(
    to_read: Mapping[str, Mapping[str, Path]], pair: Pair, cache: Path, progress: bool
) -> dict[str, CellRead]:
    """:func:`read_cell` of cells A and B, side -> what was read."""
    from tqdm.auto import tqdm

    # The two cells are parsed at once: the parser releases the GIL, so this halves the wait on
    # two cores (a genome's cell is some 140 MB of text).
    with tqdm(total=2, desc=f"reading {pair}", unit="cell", disable=not progress) as bar:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {
                side: pool.submit(read_cell, to_read[side], side, cache_dir=cache) for side in ("A", "B")
            }
            for _ in as_completed(futures.values()):
                bar.update()
        return {side: future.result() for side, future in futures.items()}


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
    pair = Pair.parse(pair)
    root = Path(data_dir).expanduser()
    if not root.is_dir():
        raise DataError(f"data directory {root} does not exist")
    files = {side: cell_files(root, cell) for side, cell in (("A", pair.cell_a), ("B", pair.cell_b))}
    # The expression is read only when both cells have it: one alone gives no LFC.
    with_expression = all(EXPRESSION_ROLE in files[side] for side in files)
    to_read = {
        side: {role: p for role, p in found.items() if with_expression or role != EXPRESSION_ROLE}
        for side, found in files.items()
    }
    read = _read_both(to_read, pair, default_cache_dir(cache_dir), progress)
    (genes_a, symbols, x_a), (genes_b, _, x_b) = (_marks_of(read[side], files[side]) for side in ("A", "B"))
    index_b = pd.Index(genes_b).get_indexer(genes_a)
    keep = np.flatnonzero(index_b >= 0)
    if keep.size == 0:
        raise DataError(
            f"cells {pair.cell_a} and {pair.cell_b} in {root} have no gene in common (e.g. {genes_a[0]} "
            f"vs {genes_b[0]}); prepare both cells with the same annotation"
        )
    only_in = {pair.cell_a: int(len(genes_a) - keep.size), pair.cell_b: int(len(genes_b) - keep.size)}
    genes = genes_a[keep]
    nan = np.full(len(genes), np.nan)
    checksums = {**read["A"].checksums, **read["B"].checksums}
    return CellsToPredict(
        pair=pair,
        split=SplitData(
            genes=genes,
            x_a=x_a[keep],
            x_b=x_b[index_b[keep]],
            expr_a=_expression_of(read["A"], genes) if with_expression else nan,
            expr_b=_expression_of(read["B"], genes) if with_expression else nan,
        ),
        symbols=symbols[keep],
        has_expression=with_expression,
        label=f"own cells: {display_path(root)}",  # the full path is in meta
        checksum=data_checksum(checksums),
        meta={
            "data_dir": str(root.resolve()),
            "files": {cell_file(side, role): str(p) for side in files for role, p in files[side].items()},
            "file_sha1": checksums,
            "only_in": only_in,
        },
    )
