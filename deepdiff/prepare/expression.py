"""The expression table: a gene id column and one count column per cell.

A header line names the columns: the first holds gene ids (Ensembl versions are removed, as in the
annotation), every other column named after a cell of the sample sheet holds that cell's
expression counts (non-negative numbers; other columns are ignored). Tab-separated, or
comma-separated when the name ends in ``.csv`` (``.gz`` allowed). A cell without a column gets no
expression file (it can be predicted, not trained on). A gene listed twice, a missing,
non-numeric or negative value is an error naming the line and the cell.
"""

from __future__ import annotations

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


def read_expression_table(path: str | os.PathLike[str], cells: Sequence[str]) -> ExpressionTable:
    """Read the table and keep the columns named after ``cells``.

    Raises
    ------
    DataError
        No column named after a cell, a duplicate gene, a missing, non-numeric or negative value.
    """
    path = Path(path).expanduser()
    sep = "," if path.name.lower().removesuffix(".gz").endswith(".csv") else "\t"
    try:
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, comment="#")
    except FileNotFoundError:
        raise DataError(f"expression table {path} not found") from None
    except (ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"cannot read the expression table {path} ({err})") from None
    columns = [str(c).strip() for c in frame.columns]
    frame.columns = columns
    present = [c for c in cells if c in columns[1:]]
    if not present:
        raise DataError(
            f"{path}: no column is named after a cell of the sample sheet ({', '.join(cells)}); its columns are "
            f"{', '.join(columns)}. The first column holds gene ids, then one column per cell, named as in the sheet."
        )
    ids = [gene_id(g)[0] for g in frame[columns[0]]]
    genes = pd.Index(ids)
    if genes.has_duplicates:
        gene = genes[genes.duplicated()][0]
        lines = [i + 2 for i, g in enumerate(ids) if g == gene][:2]
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
                f"{path}, line {row + 2}, gene {ids[row]}: expression {frame[cell].iloc[row]!r} of cell {cell} is "
                "not a non-negative number; give a count (or TPM/FPKM) for every gene and cell"
            )
        values[cell] = numbers
    return ExpressionTable(path=path, genes=genes, values=values)
