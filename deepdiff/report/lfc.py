"""The real log fold changes of the paper's pairs, from the best source available.

The expression files of all nine cells are small; they are read from a local folder, downloaded
and verified, or, offline, replaced by the summaries the simulator's calibration stored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deepdiff._util.paths import default_expression_dir
from deepdiff.constants import DE_THRESHOLD, PAPER_PAIRS
from deepdiff.data.layout import EXPRESSION_ROLE, cell_file
from deepdiff.data.pair import Pair
from deepdiff.errors import DataError, DeepDiffError
from deepdiff.sources.real import fetch_expression_files


@dataclass(frozen=True)
class PairLFCs:
    """The real LFCs of several pairs, or only their stored summaries.

    Attributes
    ----------
    lfc : dict
        Pair -> LFC of every gene with expression in both cells (empty when only summaries exist).
    summary : DataFrame
        One row per pair: ``genes``, ``std``, ``de_fraction`` (``|LFC| >= 2``), ``n_de``,
        ``n_beyond_8`` (``|LFC| > 8``), quantiles where known.
    label : str
        Where they come from, for titles.
    source : str
        ``"files"``, ``"download"`` or ``"calibration"``.
    """

    lfc: Mapping[str, np.ndarray]
    summary: pd.DataFrame
    label: str
    source: str


def _summarise(lfc: Mapping[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for pair, values in lfc.items():
        rows.append(
            {
                "pair": pair,
                "genes": int(values.size),
                "std": float(values.std()),
                "de_fraction": float(np.mean(np.abs(values) >= DE_THRESHOLD)),
                "n_de": int(np.sum(np.abs(values) >= DE_THRESHOLD)),
                "n_up_8": int(np.sum(values > 8)),
                "n_down_8": int(np.sum(values < -8)),
                "q0.01": float(np.quantile(values, 0.01)),
                "q0.5": float(np.median(values)),
                "q0.99": float(np.quantile(values, 0.99)),
            }
        )
    return pd.DataFrame(rows).set_index("pair")


def lfc_from_expression_files(
    files: Mapping[str, str | os.PathLike[str]], pairs: Sequence[str]
) -> dict[str, np.ndarray]:
    """LFC ``log2((b + 1) / (a + 1))`` of every pair from ``{cell: path to CELL.expr.csv}``.

    Only genes present in both cells' files are used.
    """
    from deepdiff.data.cache import load_expression

    expr = {cell: load_expression(path).value for cell, path in files.items()}
    out = {}
    for pair in pairs:
        p = Pair.parse(pair)
        a, b = expr[p.cell_a], expr[p.cell_b]
        sa = pd.Series(a.values, index=a.genes)
        sb = pd.Series(b.values, index=b.genes)
        common = sa.index.intersection(sb.index)
        out[str(p)] = (
            np.log2(sb.loc[common].to_numpy() + 1.0) - np.log2(sa.loc[common].to_numpy() + 1.0)
        ).astype(np.float64)
    return out


def real_pair_lfcs(
    expression_dir: str | os.PathLike[str] | None = None,
    pairs: Sequence[str] = PAPER_PAIRS,
    *,
    allow_download: bool = True,
    progress: bool = False,
) -> PairLFCs:
    """The real LFC distribution of each pair, from the best source available.

    1. ``expression_dir`` (default: ``../shared/data/remc-expression`` beside a source checkout)
       holding ``CELL.expr.csv`` for every cell;
    2. else the expression files downloaded from the authors' repository (verified, cached) when
       it is reachable;
    3. else the summaries stored in the simulator's calibration (computed from the same real
       files when the calibration was made) — no per-gene values.
    """
    cells = sorted({c for p in pairs for c in (Pair.parse(p).cell_a, Pair.parse(p).cell_b)})
    folder = Path(expression_dir) if expression_dir is not None else default_expression_dir()
    if folder is not None:
        files = {c: folder / cell_file(c, EXPRESSION_ROLE) for c in cells}
        lacking = [str(p) for p in files.values() if not p.is_file()]
        if lacking:
            raise DataError(
                f"expression_dir {folder} lacks {', '.join(lacking)}; it must hold CELL.expr.csv for {', '.join(cells)}"
            )
        lfc = lfc_from_expression_files(files, pairs)
        return PairLFCs(lfc, _summarise(lfc), f"real REMC expression files ({folder.name}/)", "files")
    if allow_download:
        try:
            files = fetch_expression_files(cells, progress=progress)
        except DeepDiffError:
            files = None
        if files is not None:
            lfc = lfc_from_expression_files(files, pairs)
            return PairLFCs(
                lfc, _summarise(lfc), "real REMC expression files (downloaded, verified)", "download"
            )
    return PairLFCs({}, _calibration_summary(pairs), _CALIBRATION_LABEL, "calibration")


_CALIBRATION_LABEL = (
    "SUMMARIES ONLY: the simulator's embedded calibration (computed from the real REMC expression files); "
    "the expression files themselves were not found and could not be downloaded"
)


def _calibration_summary(pairs: Sequence[str]) -> pd.DataFrame:
    from deepdiff.simulate.calibration import default_calibration

    cal = default_calibration()
    rows = []
    for pair in pairs:
        change = cal.change(pair)
        real = dict(change.real)
        # The calibration is keyed by the unordered pair; flip the quantiles when our order differs.
        p = Pair.parse(pair)
        flip = "-".join(sorted((p.cell_a, p.cell_b))) != str(p)
        row: dict[str, Any] = {"pair": pair, "calibrated_from": change.source}
        row["std"] = real.get("std", np.nan)
        row["de_fraction"] = real.get("frac_de", np.nan)
        for q in ("q0.01", "q0.5", "q0.99"):
            other = {"q0.01": "q0.99", "q0.5": "q0.5", "q0.99": "q0.01"}[q]
            value = real.get(other if flip else q, np.nan)
            row[q] = -value if flip and np.isfinite(value) else value
        rows.append(row)
    return pd.DataFrame(rows).set_index("pair")


def lfc_spread(
    simulated: Mapping[str, np.ndarray], real_summary: pd.DataFrame, real_source: str
) -> pd.DataFrame:
    """The spread of simulated LFCs beside the real pairs' (SD and share of genes with ``|LFC| >= 2``).

    Parameters
    ----------
    simulated : mapping
        Name -> simulated LFC values.
    real_summary : DataFrame
        Rows of :attr:`PairLFCs.summary` to show beside them.
    real_source : str
        Where the real summaries come from (:attr:`PairLFCs.source`).
    """
    rows = [
        {
            "": name,
            "LFC SD": float(np.std(v)),
            f"|LFC| ≥ {DE_THRESHOLD:g}": float(np.mean(np.abs(v) >= DE_THRESHOLD)),
        }
        for name, v in simulated.items()
    ]
    rows += [
        {
            "": f"real {pair} (from {real_source})",
            "LFC SD": r["std"],
            f"|LFC| ≥ {DE_THRESHOLD:g}": r["de_fraction"],
        }
        for pair, r in real_summary.iterrows()
    ]
    return pd.DataFrame(rows).set_index("")
