"""The expression table: a gene id column and one count column per cell.

A header line names the columns: the first holds gene ids (Ensembl versions are removed, as in the
annotation), every other column named after a cell of the sample sheet holds that cell's
expression counts (non-negative numbers; other columns are ignored). Tab-separated, or
comma-separated when the name ends in ``.csv`` (``.gz`` allowed). A cell without a column gets no
expression file (it can be predicted, not trained on). A gene listed twice, a missing,
non-numeric or negative value is an error naming the line and the cell.
"""

from __future__ import annotations

import difflib
import gzip
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deepdiff.errors import DataError
from deepdiff.prepare.annotation import gene_id


@dataclass(frozen=True)
class ExpressionTable:
    """Expression of some cells.

    Attributes
    ----------
    path : Path
    genes : pandas.Index of str
        Gene ids, unique.
    values : dict of str to ndarray
        Cell -> counts (float64) in the order of ``genes``.
    """

    path: Path
    genes: pd.Index
    values: dict[str, np.ndarray]

    def lookup(self, cell: str, genes: np.ndarray) -> np.ndarray:
        """Counts of ``genes`` in ``cell`` (all of them must be in the table)."""
        return self.values[cell][self.genes.get_indexer(genes)]


def _read(path: Path, sep: str) -> tuple[list[int], pd.DataFrame]:
    """The table without its comment lines (whole lines starting with ``#``; a ``#`` inside a value is
    part of it) and blank lines, and the file's line number of each line kept (the header first)."""
    try:
        with (gzip.open if path.name.lower().endswith(".gz") else open)(
            path, "rt", encoding="utf-8-sig"
        ) as handle:
            kept = [
                (n, line)
                for n, line in enumerate(handle, start=1)
                if line.strip() and not line.startswith("#")
            ]
    except FileNotFoundError:
        raise DataError(f"expression table {path} not found") from None
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read the expression table {path} ({err})") from None
    try:
        frame = pd.read_csv(
            io.StringIO("".join(line for _, line in kept)), sep=sep, dtype=str, keep_default_na=False
        )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"cannot read the expression table {path} ({err})") from None
    return [n for n, _ in kept], frame


def _check_misspelt(path: Path, columns: Sequence[str], absent: Sequence[str]) -> None:
    """DataError for a column whose name is close to a cell that has no column: a misspelling would
    otherwise leave that cell without expression, silently."""
    for column in columns:
        close = difflib.get_close_matches(column, absent, n=1, cutoff=0.8)
        if close:
            raise DataError(
                f"{path}: column {column} is not a cell of the sample sheet; did you mean {close[0]}? Name each "
                "cell's column as in the sheet (a column of another name is ignored, and its cell gets no expression)"
            )


def read_expression_table(path: str | os.PathLike[str], cells: Sequence[str]) -> ExpressionTable:
    """Read the table and keep the columns named after ``cells``.

    Raises
    ------
    DataError
        No column named after a cell, a column named almost as a cell without one (a misspelling),
        a duplicate gene, a missing, non-numeric or negative value; lines are the file's own,
        comment lines (starting with ``#``) counted.
    """
    path = Path(path).expanduser()
    sep = "," if path.name.lower().removesuffix(".gz").endswith(".csv") else "\t"
    line_of, frame = _read(path, sep)
    columns = [str(c).strip() for c in frame.columns]
    frame.columns = columns
    present = [c for c in cells if c in columns[1:]]
    if not present:
        raise DataError(
            f"{path}: no column is named after a cell of the sample sheet ({', '.join(cells)}); its columns are "
            f"{', '.join(columns)}. The first column holds gene ids, then one column per cell, named as in the sheet."
        )
    _check_misspelt(path, columns[1:], [c for c in cells if c not in present])
    ids = [gene_id(g)[0] for g in frame[columns[0]]]
    genes = pd.Index(ids)
    if genes.has_duplicates:
        gene = genes[genes.duplicated()][0]
        lines = [line_of[i + 1] for i, g in enumerate(ids) if g == gene][:2]
        raise DataError(
            f"{path}, lines {lines[0]} and {lines[1]}: gene {gene} is listed twice; one row per gene"
        )
    values = {}
    for cell in present:
        numbers = pd.to_numeric(frame[cell].str.strip(), errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(numbers) | (numbers < 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{path}, line {line_of[row + 1]}, gene {ids[row]}: expression {frame[cell].iloc[row]!r} of cell {cell} is "
                "not a non-negative number; give a count (or TPM/FPKM) for every gene and cell"
            )
        values[cell] = numbers
    return ExpressionTable(path=path, genes=genes, values=values)
