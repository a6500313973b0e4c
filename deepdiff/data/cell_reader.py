"""Reading one cell's files (:mod:`deepdiff.data.layout`), with the checksums that name the data.

Both readers of a cell folder, the training data (:mod:`deepdiff.sources.real`) and the cells to
predict (:mod:`deepdiff.apply.cells`), parse it here, so the same bytes in the same roles give
the same data checksum: the SHA-256 over the sorted lines ``<side>.<role>.csv <git blob SHA-1>``
(:func:`data_checksum`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from deepdiff.data.cache import load_expression, load_split
from deepdiff.data.containers import CellSplit
from deepdiff.data.layout import EXPRESSION_ROLE, MARK_FILE_ROLES, cell_file
from deepdiff.data.remc_format import Expression


@dataclass(frozen=True)
class CellRead:
    """The parsed files of one cell.

    Attributes
    ----------
    marks : dict of str to CellSplit
        Mark file role -> its parsed contents, in :data:`~deepdiff.data.layout.MARK_FILE_ROLES` order.
    expression : Expression or None
        The parsed expression file; None when it was not read.
    checksums : dict of str to str
        ``<side>.<role>.csv`` -> the file's git blob SHA-1, for every file read.
    """

    marks: dict[str, CellSplit]
    expression: Expression | None
    checksums: dict[str, str]


def read_cell(
    paths: Mapping[str, Path],
    side: str,
    *,
    cache_dir: str | os.PathLike[str],
    on_file: Callable[[], object] | None = None,
) -> CellRead:
    """Parse the files of one cell: every role in ``paths``, the expression first.

    Parameters
    ----------
    paths : mapping
        Role -> path of each file to read.
    side : str
        ``"A"`` or ``"B"``: names the files in the checksums.
    cache_dir : path-like
        The parse cache of :func:`deepdiff.data.cache.load_split`.
    on_file : callable, optional
        Called after each file (a progress bar's update).

    Raises
    ------
    DataError
        A malformed file, with file, line and what was expected.
    """
    checksums: dict[str, str] = {}
    expression = None
    if EXPRESSION_ROLE in paths:
        loaded_expression = load_expression(paths[EXPRESSION_ROLE])
        expression = loaded_expression.value
        checksums[cell_file(side, EXPRESSION_ROLE)] = loaded_expression.checksum
        if on_file is not None:
            on_file()
    marks: dict[str, CellSplit] = {}
    for role in MARK_FILE_ROLES:
        if role in paths:
            loaded = load_split(paths[role], cache_dir=cache_dir)
            marks[role] = loaded.value
            checksums[cell_file(side, role)] = loaded.checksum
            if on_file is not None:
                on_file()
    return CellRead(marks=marks, expression=expression, checksums=checksums)


def data_checksum(file_checksums: Mapping[str, str]) -> str:
    """SHA-256 over the sorted lines ``<name> <checksum>``."""
    text = "".join(f"{name} {checksum}\n" for name, checksum in sorted(file_checksums.items()))
    return hashlib.sha256(text.encode()).hexdigest()
