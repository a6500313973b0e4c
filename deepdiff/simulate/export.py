"""Write a pair in the authors' REMC file format, so that ``source="local"`` reads it back.

Files, in ``out_dir``: ``{cell}.{train,valid,test}.csv`` (no header; 200 rows per gene, bins 1..200,
``ENSGID_SYMBOL_BIN`` then the five counts in :data:`deepdiff.constants.MARKS` order) and
``{cell}.expr.csv`` (``ENSGID,count`` for every gene of the three splits), for cell A and cell B,
plus ``{A}-{B}.provenance.json`` with the data's label, checksum and settings. One pair per
folder: another pair sharing a cell would overwrite that cell's files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from deepdiff._util.io import atomic_write_bytes, atomic_write_text
from deepdiff.constants import N_BINS, SPLITS
from deepdiff.data.containers import PairData
from deepdiff.data.layout import EXPRESSION_ROLE, cell_file
from deepdiff.errors import DataError
from deepdiff.simulate.generator import gene_symbol

_BIN_LABELS = [str(j) for j in range(1, N_BINS + 1)]


def split_csv(genes: Iterable[str], symbols: Iterable[str], counts: np.ndarray) -> bytes:
    """The bytes of one split file for genes (n,), symbols (n,) and counts (n, marks, 200)."""
    counts = np.asarray(counts)
    if counts.ndim != 3 or counts.shape[2] != N_BINS:
        raise DataError(f"counts have shape {counts.shape}, expected (genes, marks, {N_BINS})")
    genes, symbols = [str(g) for g in genes], [str(s) for s in symbols]
    for gene, symbol in zip(genes, symbols, strict=True):
        if "_" in gene or "," in gene or "," in symbol:
            raise DataError(
                f"gene {gene!r} / symbol {symbol!r}: ids may not contain ',' and gene ids not '_'"
            )
    # Counts become strings by table lookup, rows by one join: ~4x faster than formatting rows.
    table = np.array([str(v) for v in range(int(counts.max(initial=0)) + 1)], dtype=object)
    rows = counts.transpose(0, 2, 1).reshape(-1, counts.shape[1])
    columns = [table[rows[:, k]] for k in range(rows.shape[1])]
    ids = [f"{g}_{s}_{b}" for g, s in zip(genes, symbols, strict=True) for b in _BIN_LABELS]
    return ("\n".join(map(",".join, zip(ids, *columns, strict=True))) + "\n").encode("ascii")


def expression_csv(genes: Iterable[str], values: np.ndarray) -> bytes:
    """The bytes of one expression file; whole numbers are written without a decimal point."""
    values = np.asarray(values, dtype=np.float64)
    if (values < 0).any() or not np.isfinite(values).all():
        raise DataError("expression values must be finite and non-negative")
    text = [
        f"{g},{int(v)}" if float(v).is_integer() else f"{g},{v!r}"
        for g, v in zip(genes, values.tolist(), strict=True)
    ]
    return ("\n".join(text) + "\n").encode("ascii")


def _symbols(data: PairData, genes: np.ndarray) -> list[str]:
    table = data.meta.get("symbols")
    if isinstance(table, dict):
        return [str(table.get(g, "")) for g in genes]
    return [gene_symbol(str(g)) for g in genes]


def write_remc_directory(data: PairData, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``data`` as REMC-format CSV files in ``out_dir`` (each file atomically).

    Gene symbols come from ``data.meta["symbols"]`` (a dict gene -> symbol) when present,
    else from the simulated gene id (``ENSGSIM00000042`` -> ``SIM42``), else are empty.

    Returns
    -------
    list of Path
        The eight CSV files (cell A's three splits and expression, then cell B's), then the
        ``{pair}.provenance.json`` file.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for cell, x_name, e_name in ((data.pair.cell_a, "x_a", "expr_a"), (data.pair.cell_b, "x_b", "expr_b")):
        for split in SPLITS:
            part = data.split(split)
            body = split_csv(part.genes, _symbols(data, part.genes), getattr(part, x_name))
            written.append(atomic_write_bytes(out / cell_file(cell, split), body))
        genes = np.concatenate([data.split(s).genes for s in SPLITS])
        values = np.concatenate([getattr(data.split(s), e_name) for s in SPLITS])
        written.append(
            atomic_write_bytes(out / cell_file(cell, EXPRESSION_ROLE), expression_csv(genes, values))
        )
    provenance = {
        "pair": str(data.pair),
        "source": data.source,
        "label": data.label,
        "checksum": data.checksum,
        "genes": {s: len(data.split(s)) for s in SPLITS},
        "meta": data.meta,
    }
    text = json.dumps(provenance, indent=2, sort_keys=True, default=str) + "\n"
    written.append(atomic_write_text(out / f"{data.pair}.provenance.json", text))
    return written
