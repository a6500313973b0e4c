"""The cell folder: what each of a cell's files is called.

A cell ``C`` has one file per role, named ``C.<role>.csv``:

========== =====================================================================================
role       file
========== =====================================================================================
``train``  the marks of the training genes (REMC split format, :mod:`deepdiff.data.remc_format`)
``valid``  the marks of the validation genes
``test``   the marks of the test genes
``all``    the marks of every gene, without a split (``deepdiff prepare --split none``)
``expr``   the expression: ``ENSGID,count`` per gene
========== =====================================================================================

Training reads the four :data:`FILE_ROLES`; prediction reads whichever :data:`MARK_FILE_ROLES`
a cell has, and its expression when known. The data checksum names each file it covers the same
way, with the side (``A``, ``B``) in place of the cell.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from deepdiff.constants import SPLITS

#: The single file holding every gene of a cell.
ALL_ROLE = "all"
#: A cell's expression file.
EXPRESSION_ROLE = "expr"
#: The four files of a cell with a training split: three splits and the expression table.
FILE_ROLES: tuple[str, ...] = (*SPLITS, EXPRESSION_ROLE)
#: The mark files a cell may have, in reading order.
MARK_FILE_ROLES: tuple[str, ...] = (ALL_ROLE, *SPLITS)
#: Every role a cell folder may hold.
ROLES: tuple[str, ...] = (*MARK_FILE_ROLES, EXPRESSION_ROLE)
#: A regular expression that every cell file's name matches (whole).
CELL_FILE_PATTERN = rf"[^/]+\.(?:{'|'.join(ROLES)})\.csv"


def cell_file(cell: str, role: str) -> str:
    """The name of ``cell``'s file for ``role``: ``{cell}.{role}.csv``.

    Raises
    ------
    ValueError
        For a role not in :data:`ROLES`.
    """
    if role not in ROLES:
        raise ValueError(f"unknown cell file role {role!r}; expected one of {', '.join(ROLES)}")
    return f"{cell}.{role}.csv"


def cell_paths(
    folder: str | os.PathLike[str], cell: str, roles: Iterable[str] = FILE_ROLES
) -> dict[str, Path]:
    """The paths of ``cell``'s files for ``roles`` in ``folder``, by role (present or not)."""
    return {role: Path(folder) / cell_file(cell, role) for role in roles}


def cell_of(name: str) -> str:
    """The cell a file name belongs to (the part before the first ``.``)."""
    return name.split(".")[0]


def cells_in(folder: str | os.PathLike[str], role: str | None = None) -> list[str]:
    """The cells with a file for ``role`` in ``folder`` (any ``*.csv`` when None), sorted."""
    pattern = "*.csv" if role is None else cell_file("*", role)
    return sorted({cell_of(p.name) for p in Path(folder).glob(pattern)})
