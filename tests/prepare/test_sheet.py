"""The sample sheet: every cell with its five marks, each file there, of a known kind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from deepdiff.constants import MARKS
from deepdiff.errors import DataError
from deepdiff.prepare.sheet import read_sample_sheet


def _files(
    tmp_path: Path, cells: tuple[str, ...] = ("A", "B"), ext: str = ".bam"
) -> dict[str, dict[str, str]]:
    out = {}
    for cell in cells:
        out[cell] = {}
        for mark in MARKS:
            path = tmp_path / f"{cell}_{mark}{ext}"
            path.write_bytes(b"x")
            out[cell][mark] = path.name
    return out


def _sheet(tmp_path: Path, rows: list[str], header: str = "cell\tmark\tpath") -> Path:
    path = tmp_path / "samples.tsv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _rows(files: dict[str, dict[str, str]]) -> list[str]:
    return [f"{c}\t{m}\t{p}" for c, marks in files.items() for m, p in marks.items()]


def test_reads_cells_marks_kinds_and_relative_paths(tmp_path: Path) -> None:
    files = _files(tmp_path)
    rows = _rows(files)
    rows[0] = rows[0].replace("\tH3K4me1\t", "\th3k4ME1\t")  # marks match without regard to case
    sheet = read_sample_sheet(_sheet(tmp_path, rows[::-1]))
    assert sheet.cells == ("B", "A")
    assert [s.mark for s in sheet.samples[:5]] == list(MARKS)
    assert sheet.sample("A", "H3K4me1").path == tmp_path / "A_H3K4me1.bam"
    assert {s.kind for s in sheet.samples} == {"bam"}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda rows: rows[:-1], r"cell B has no file for H3K36me3"),
        (lambda rows: [*rows, rows[0]], r"line 12: H3K4me1 of cell A is given twice \(also on line 2\)"),
        (lambda rows: [rows[0].replace("H3K4me1", "H3K27ac"), *rows[1:]], r"line 2: unknown mark 'H3K27ac'"),
        (lambda rows: [rows[0].replace("A\t", "A-1\t", 1), *rows[1:]], r"cell name 'A-1' is not allowed"),
        (lambda rows: [rows[0].replace(".bam", ".sam"), *rows[1:]], r"cannot tell the kind of A_H3K4me1.sam"),
        (lambda rows: [rows[0].replace("A_H3K4me1", "gone"), *rows[1:]], r"gone.bam does not exist"),
        (lambda rows: [], r"header but no rows"),
    ],
)
def test_bad_sheets_are_refused_with_line_and_fix(
    tmp_path: Path, edit: Callable[[list[str]], list[str]], message: str
) -> None:
    rows = _rows(_files(tmp_path))
    with pytest.raises(DataError, match=message):
        read_sample_sheet(_sheet(tmp_path, edit(rows)))


def test_empty_file_and_missing_column(tmp_path: Path) -> None:
    files = _files(tmp_path)
    (tmp_path / "A_H3K4me1.bam").write_bytes(b"")
    with pytest.raises(DataError, match=r"A_H3K4me1.bam is empty \(0 bytes\)"):
        read_sample_sheet(_sheet(tmp_path, _rows(files)))
    with pytest.raises(DataError, match=r"missing path"):
        read_sample_sheet(_sheet(tmp_path, ["A\tH3K4me1"], header="cell\tmark\tfile"))


def test_line_numbers_count_comment_and_blank_lines(tmp_path: Path) -> None:
    rows = _rows(_files(tmp_path))
    rows[2] = rows[2].replace("H3K", "H9K")  # an unknown mark, on the file's line 7 below
    path = tmp_path / "samples.tsv"
    path.write_text("# my cells\ncell\tmark\tpath\n\n# first cell\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"samples.tsv, line 7: unknown mark"):
        read_sample_sheet(path)
