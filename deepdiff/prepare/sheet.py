"""The sample sheet: which signal file holds which mark of which cell.

A tab-separated file with a header line and the columns ``cell``, ``mark`` and ``path`` (the
sample-sheet convention of genomics pipelines), one row per mark and cell; an optional
``sample_label`` column picks one sample of a deepTools matrix that holds several::

    cell    mark      path
    K562    H3K4me1   bam/K562_H3K4me1.bam
    K562    H3K4me3   bigwig/K562_H3K4me3.bw
    ...

Relative paths are relative to the sheet's folder. The file's kind comes from its extension
(:data:`KINDS`). Mark names are matched without regard to case (``h3k4me3`` is ``H3K4me3``).
Every cell needs all five marks, each once.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from deepdiff.constants import MARKS
from deepdiff.errors import DataError

#: Signal file kinds by file-name ending (lower case): BAM, bigWig, deepTools matrix.
KINDS: Mapping[str, str] = {
    ".bam": "bam",
    ".bw": "bigwig",
    ".bigwig": "bigwig",
    ".mat.gz": "matrix",
    ".matrix.gz": "matrix",
    ".mat": "matrix",
    ".matrix": "matrix",
}
REQUIRED_COLUMNS: tuple[str, ...] = ("cell", "mark", "path")
LABEL_COLUMN = "sample_label"
#: Cell names: as in a pair ``A-B`` (no ``-``), and safe in file names.
_CELL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.]*$")
_MARKS = {m.lower(): m for m in MARKS}


@dataclass(frozen=True)
class Sample:
    """One row of the sheet.

    Attributes
    ----------
    cell, mark : str
        The cell name and the mark (canonical spelling of :data:`deepdiff.constants.MARKS`).
    path : Path
    kind : {"bam", "bigwig", "matrix"}
    label : str or None
        The sample of a deepTools matrix (``sample_label``), when given.
    line : int
        Its line in the sheet (for messages).
    """

    cell: str
    mark: str
    path: Path
    kind: str
    label: str | None
    line: int


@dataclass(frozen=True)
class SampleSheet:
    """The validated sheet: every cell with its five marks.

    Attributes
    ----------
    path : Path
    cells : tuple of str
        In order of first appearance.
    samples : tuple of Sample
        Ordered by cell, then mark in :data:`~deepdiff.constants.MARKS` order.
    """

    path: Path
    cells: tuple[str, ...]
    samples: tuple[Sample, ...]

    def sample(self, cell: str, mark: str) -> Sample:
        return next(s for s in self.samples if s.cell == cell and s.mark == mark)


def file_kind(path: Path) -> str | None:
    """``bam``, ``bigwig`` or ``matrix`` from the file name's ending, or None."""
    name = path.name.lower()
    return next((kind for ending, kind in KINDS.items() if name.endswith(ending)), None)


def _fail(path: Path, line: int | None, problem: str, fix: str) -> DataError:
    where = f"{path}, line {line}" if line is not None else str(path)
    return DataError(f"{where}: {problem}. {fix}")


def _row(sheet: Path, line: int, row: Mapping[str, str | None]) -> Sample:
    cell, mark_text, path_text = ((row.get(c) or "").strip() for c in REQUIRED_COLUMNS)
    if not _CELL.match(cell):
        raise _fail(
            sheet,
            line,
            f"cell name {cell!r} is not allowed",
            "Use letters, digits, '_' and '.' (no '-': pairs are written A-B), starting with a letter or digit.",
        )
    mark = _MARKS.get(mark_text.lower())
    if mark is None:
        raise _fail(sheet, line, f"unknown mark {mark_text!r}", f"The marks are {', '.join(MARKS)}.")
    if not path_text:
        raise _fail(
            sheet, line, "the path is empty", "Give the BAM, bigWig or deepTools matrix of this mark."
        )
    path = Path(path_text).expanduser()
    path = path if path.is_absolute() else sheet.parent / path
    kind = file_kind(path)
    if kind is None:
        raise _fail(
            sheet,
            line,
            f"cannot tell the kind of {path.name} from its name",
            f"Signal files must end in {', '.join(KINDS)} (BAM, bigWig or deepTools computeMatrix output).",
        )
    if not path.is_file():
        raise _fail(
            sheet,
            line,
            f"{path} does not exist",
            "Fix the path (relative paths start at the sheet's folder).",
        )
    if path.stat().st_size == 0:
        raise _fail(
            sheet, line, f"{path} is empty (0 bytes)", "The file was not written completely; make it again."
        )
    label = (row.get(LABEL_COLUMN) or "").strip() or None
    return Sample(cell=cell, mark=mark, path=path, kind=kind, label=label, line=line)


def read_sample_sheet(path: str | os.PathLike[str]) -> SampleSheet:
    """Read and check a sample sheet.

    Raises
    ------
    DataError
        Naming the sheet and line: a missing column, an unknown mark, a bad cell name, a file that
        is missing, empty or of unknown kind, a mark given twice for a cell, or a mark missing for
        a cell.
    """
    sheet = Path(path).expanduser()
    try:
        text = sheet.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"sample sheet {sheet} not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read the sample sheet {sheet} ({err})") from None
    kept = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    numbers, lines = [n for n, _ in kept], [line for _, line in kept]  # messages name the file's own lines
    if not lines:
        raise _fail(
            sheet,
            None,
            "the sheet is empty",
            "Write a header line cell<TAB>mark<TAB>path and one row per file.",
        )
    reader = csv.DictReader(lines, delimiter="\t")
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise _fail(
            sheet,
            numbers[0],
            f"the header has columns {columns}, missing {', '.join(missing)}",
            "The sheet is tab-separated with a header line naming the columns cell, mark and path.",
        )
    reader.fieldnames = columns
    samples: dict[tuple[str, str], Sample] = {}
    for row in reader:
        line = numbers[reader.line_num - 1]
        sample = _row(sheet, line, row)
        key = (sample.cell, sample.mark)
        if key in samples:
            raise _fail(
                sheet,
                line,
                f"{sample.mark} of cell {sample.cell} is given twice (also on line {samples[key].line})",
                "Give one file per mark and cell (merge replicates into one BAM first).",
            )
        samples[key] = sample
    if not samples:
        raise _fail(sheet, None, "the sheet has a header but no rows", "Add one row per mark and cell.")
    cells = tuple(dict.fromkeys(cell for cell, _ in samples))
    for cell in cells:
        absent = [m for m in MARKS if (cell, m) not in samples]
        if absent:
            raise _fail(
                sheet,
                None,
                f"cell {cell} has no file for {', '.join(absent)}",
                f"DeepDiff reads all five marks ({', '.join(MARKS)}) of every cell; add the missing rows.",
            )
    ordered = tuple(samples[(cell, mark)] for cell in cells for mark in MARKS)
    return SampleSheet(path=sheet, cells=cells, samples=ordered)
