"""Cell pairs, written ``A-B``; the target is the change from A to B."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deepdiff.errors import DataError

#: A cell's name, and a pair ``A-B`` of them (for file-name patterns, e.g. the workflow's).
CELL_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.]*"
PAIR_PATTERN = rf"{CELL_PATTERN}-{CELL_PATTERN}"
_PAIR_RE = re.compile(rf"^({CELL_PATTERN})-({CELL_PATTERN})$")


@dataclass(frozen=True)
class Pair:
    """Two cells; ``lfc = log2((expr_B + 1) / (expr_A + 1))`` (positive: up in B).

    This is the authors' ``--cell_1 A --cell_2 B``.
    """

    cell_a: str
    cell_b: str

    @classmethod
    def parse(cls, text: str | Pair) -> Pair:
        """Parse ``"E003-E004"``; raise :class:`DataError` on anything else."""
        if isinstance(text, Pair):
            return text
        match = _PAIR_RE.match(str(text).strip())
        if match is None:
            raise DataError(
                f"malformed pair {text!r}: expected two cell names joined by '-', "
                "cell A first, e.g. 'E003-E004' (LFC = log2((expr_B+1)/(expr_A+1)))"
            )
        a, b = match.groups()
        if a == b:
            raise DataError(f"malformed pair {text!r}: the two cells must differ")
        return cls(a, b)

    def __str__(self) -> str:
        return f"{self.cell_a}-{self.cell_b}"

    @property
    def direction(self) -> str:
        """A one-line statement of the sign convention, for labels and logs."""
        return (
            f"LFC = log2((expr_{self.cell_b} + 1) / (expr_{self.cell_a} + 1)); > 0 means up in {self.cell_b}"
        )
