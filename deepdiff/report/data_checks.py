"""Checks and summaries of a pair's data, for the data chapter: splits, and simulated vs real marks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from deepdiff.constants import DE_THRESHOLD, MARKS, SPLITS
from deepdiff.data.containers import PairData
from deepdiff.errors import DataError


def split_table(data: PairData) -> pd.DataFrame:
    """Per split: genes, genes shared with another split, count range, LFC spread and DE share.

    Raises
    ------
    DataError
        When a gene appears in two splits or counts are negative (the data would be unusable).
    """
    seen: dict[str, str] = {}
    rows = []
    for name in SPLITS:
        split = data.split(name)
        shared = 0
        for gene in np.asarray(split.genes).astype(str):
            if gene in seen:
                shared += 1
            seen.setdefault(gene, name)
        low = int(min(split.x_a.min(initial=0), split.x_b.min(initial=0)))
        if low < 0:
            raise DataError(f"{data.label}: negative read counts in the {name} split")
        lfc = split.lfc
        rows.append(
            {
                "split": name,
                "genes": len(split),
                "genes also in an earlier split": shared,
                "array shape (per cell)": "×".join(map(str, split.x_a.shape)),
                "count dtype": str(split.x_a.dtype),
                "max count": int(max(split.x_a.max(initial=0), split.x_b.max(initial=0))),
                "LFC SD": float(lfc.std()) if len(lfc) else np.nan,
                f"|LFC| ≥ {DE_THRESHOLD:g}": float(np.mean(np.abs(lfc) >= DE_THRESHOLD))
                if len(lfc)
                else np.nan,
            }
        )
    table = pd.DataFrame(rows).set_index("split")
    if table["genes also in an earlier split"].sum():
        raise DataError(f"{data.label}: genes appear in more than one split; the splits leak into each other")
    return table


def mark_calibration_table(data: PairData) -> pd.DataFrame:
    """Per cell and mark: simulated count summaries beside the real sample's (where that cell has real marks).

    The real summaries are those stored in the simulator's calibration, computed from the
    authors' real sample (E123 and E003); other cells are simulated from the mean of those two.
    """
    from deepdiff.simulate.calibration import default_calibration
    from deepdiff.simulate.stats import mark_summary

    cal = default_calibration()
    rows = []
    for side, cell in (("A", data.pair.cell_a), ("B", data.pair.cell_b)):
        x = np.concatenate([getattr(data.split(s), f"x_{side.lower()}") for s in SPLITS])
        sim = mark_summary(x)
        real = cal.real_marks.get(cell)
        for j, mark in enumerate(MARKS):
            row: dict[str, Any] = {
                "cell": f"{cell} ({side})",
                "mark": mark,
                "mean count: simulated": float(sim["mean"][j]),
                "mean count: real sample": float(real["mean"][j]) if real else np.nan,
                "zeros: simulated": float(sim["zero_fraction"][j]),
                "zeros: real sample": float(real["zero_fraction"][j]) if real else np.nan,
                "99% quantile: simulated": float(sim["q0.99"][j]),
                "99% quantile: real sample": float(real["q0.99"][j]) if real else np.nan,
                "real marks of this cell": "yes" if real else "no (mean model of E123 and E003)",
            }
            rows.append(row)
    return pd.DataFrame(rows).set_index(["cell", "mark"])
