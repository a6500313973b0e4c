"""The cell folder's file names: one role per file, ``CELL.ROLE.csv``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deepdiff.data.layout import (
    CELL_FILE_PATTERN,
    FILE_ROLES,
    MARK_FILE_ROLES,
    ROLES,
    cell_file,
    cell_of,
    cell_paths,
    cells_in,
)


def test_names_and_roles() -> None:
    assert cell_file("E003", "train") == "E003.train.csv"
    assert cell_file("Cell1", "expr") == "Cell1.expr.csv"
    assert FILE_ROLES == ("train", "valid", "test", "expr")
    assert MARK_FILE_ROLES == ("all", "train", "valid", "test")
    assert set(ROLES) == {*FILE_ROLES, *MARK_FILE_ROLES}
    with pytest.raises(ValueError, match="unknown cell file role 'tss'"):
        cell_file("E003", "tss")


def test_every_cell_file_matches_the_pattern_and_nothing_else() -> None:
    assert all(re.fullmatch(CELL_FILE_PATTERN, cell_file("K562", role)) for role in ROLES)
    assert not any(re.fullmatch(CELL_FILE_PATTERN, n) for n in ("K562.bed", "tss.bed", "a/K562.all.csv"))


def test_paths_and_cells_of_a_folder(tmp_path: Path) -> None:
    paths = cell_paths(tmp_path, "A")
    assert list(paths) == list(FILE_ROLES) and paths["expr"] == tmp_path / "A.expr.csv"
    for name in ("A.train.csv", "B.expr.csv", "C.all.csv", "notes.csv"):
        (tmp_path / name).write_text("")
    assert cells_in(tmp_path, "expr") == ["B"] and cells_in(tmp_path) == ["A", "B", "C", "notes"]
    assert cell_of("E003.valid.csv") == "E003"
