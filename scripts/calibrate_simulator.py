"""Regenerate ``deepdiff/simulate/calibration.json`` from the real data in ``../shared/data``.

Reads the authors' real sample (``remc-sample/``: Cell1 = E123, Cell2 = E003, 600 genes each) and
the expression files of all nine cells (``remc-expression/E*.expr.csv``), fits the simulator
(:mod:`deepdiff.simulate.fit_expression`, :mod:`deepdiff.simulate.fit_marks`) and writes small
summary statistics and parameters, never the data. Takes about 15-25 minutes on one core.

Usage::

    .venv/bin/python scripts/calibrate_simulator.py [--data-dir ../shared/data] [--out PATH]
        [--reuse-marks PATH]

``--reuse-marks`` takes the (slow) mark models and gene effects from an existing calibration
file and refits only the expression part (a minute or two).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import sys
import time
from pathlib import Path

import numpy as np

from deepdiff.constants import CELLS, MARKS, N_MARKS, PAPER_PAIRS, REMC_COMMIT, SAMPLE_CELLS, SPLITS
from deepdiff.data.remc_format import read_expression, read_split
from deepdiff.errors import DataError
from deepdiff.io import atomic_write_json
from deepdiff.simulate.calibration import (
    DEFAULT,
    Calibration,
    GeneEffects,
    MarkModel,
    PairChange,
    calibration_path,
    pair_key,
    read_calibration,
)
from deepdiff.simulate.fit_expression import expression_quantiles, fit_pair_change
from deepdiff.simulate.fit_marks import (
    STATISTICS,
    fit_gene_effects,
    fit_one_mark,
    mean_mark_model,
    stack_marks,
)
from deepdiff.simulate.stats import lfc_summary, log_expression, mark_summary, normal_scores

ROOT = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def git_blob_sha1(path: Path) -> str:
    """The git blob SHA-1 of a file (as in remc-manifest.tsv)."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob " + str(len(data)).encode() + b"\0" + data).hexdigest()


def read_all_expression(folder: Path) -> dict[str, np.ndarray]:
    """Expression counts of the nine cells, checked to list the same genes in the same order."""
    values, genes = {}, None
    for cell in CELLS:
        expr = read_expression(folder / f"{cell}.expr.csv")
        if genes is None:
            genes = expr.genes
        elif len(expr.genes) != len(genes) or (expr.genes != genes).any():
            raise DataError(f"{folder / f'{cell}.expr.csv'}: genes differ from {folder / 'E003.expr.csv'}")
        values[cell] = expr.values
    return values


def read_sample_cell(folder: Path, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts (600, 5, 200), expression (600,) and gene ids of one sample cell, splits concatenated."""
    parts = [read_split(folder / f"{name}.{split}.csv") for split in SPLITS]
    genes = np.concatenate([p.genes for p in parts])
    counts = np.concatenate([p.counts for p in parts]).astype(np.float64)
    expr = read_expression(folder / f"{name}.expr.csv")
    return counts, expr.lookup(genes, expr_path=folder / f"{name}.expr.csv", split_path=folder), genes


def fit_expression_tables(expression: dict[str, np.ndarray]) -> tuple[dict, dict]:
    """Per-cell quantiles and per-pair change models (all 36 unordered pairs of the nine cells)."""
    quantiles = {cell: expression_quantiles(v) for cell, v in expression.items()}
    quantiles[DEFAULT] = np.mean([quantiles[c] for c in CELLS], axis=0)
    changes = {}
    for a, b in itertools.combinations(sorted(CELLS), 2):
        real = lfc_summary(expression[a], expression[b])
        scale, tail = fit_pair_change(quantiles[a], quantiles[b], real["std"], real["frac_de"])
        changes[pair_key(f"{a}-{b}")] = PairChange(
            scale=scale, tail=tail, source=pair_key(f"{a}-{b}"), real=real
        )
        log(
            f"change {a}-{b}: LFC std {real['std']:.3f}, |LFC|>=2 {real['frac_de']:.3f} -> scale {scale:.3f}, tail {tail:.3f}"
        )
    paper = [changes[pair_key(p)] for p in PAPER_PAIRS]
    changes[DEFAULT] = PairChange(
        scale=float(np.median([c.scale for c in paper])),
        tail=float(np.median([c.tail for c in paper])),
        source="default (median of the ten paper pairs)",
    )
    return quantiles, changes


def fit_marks(sample_dir: Path) -> tuple[dict[str, MarkModel], GeneEffects, dict, dict]:
    """Mark models of the two sample cells (and their mean), gene effects, real summaries, report."""
    names = dict(SAMPLE_CELLS)  # E123 -> Cell1, E003 -> Cell2
    cells = list(names)
    data = {cell: read_sample_cell(sample_dir, names[cell]) for cell in cells}
    if (data[cells[0]][2] != data[cells[1]][2]).any():
        raise DataError(f"{sample_dir}: the two sample cells list different genes")
    models, reliabilities, real_marks, fit_report = {}, {}, {}, {}
    for cell in cells:
        counts, expr, _ = data[cell]
        z = normal_scores(log_expression(expr))
        source = f"{cell} (real sample {names[cell]}, 600 genes)"
        fits = []
        for m in range(N_MARKS):
            fit = fit_one_mark(counts[:, m], z, m, source)
            fits.append(fit)
            gap = (fit.simulated - fit.target.values) / fit.target.se
            log(f"marks {cell} {MARKS[m]}: worst |sim - real| = {np.abs(gap).max():.1f} bootstrap SE")
        models[cell] = stack_marks(fits, source)
        reliabilities[cell] = np.array([f.level_reliability for f in fits])
        summary = mark_summary(counts)
        real_marks[cell] = {k: np.round(v, 5).tolist() for k, v in summary.items()}
        fit_report[cell] = {
            MARKS[m]: {
                "statistics": list(STATISTICS[: len(f.target.values)]),
                "real": np.round(f.target.values, 5).tolist(),
                "bootstrap_se": np.round(f.target.se, 5).tolist(),
                "simulated": np.round(f.simulated, 5).tolist(),
            }
            for m, f in enumerate(fits)
        }
    models[DEFAULT] = mean_mark_model([models[c] for c in cells], f"default (mean of {' and '.join(cells)})")

    log("correlations between the two cells of the real pair")
    z_pair = tuple(normal_scores(log_expression(data[c][1])) for c in cells)
    effects, cross_report = fit_gene_effects(
        (data[cells[0]][0], data[cells[1]][0]),
        z_pair,
        (models[cells[0]], models[cells[1]]),
        (reliabilities[cells[0]], reliabilities[cells[1]]),
        progress=log,
    )
    fit_report["cross_cell"] = cross_report

    return models, effects, real_marks, fit_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=calibration_path())
    parser.add_argument(
        "--reuse-marks", type=Path, default=None, help="keep the mark models of this calibration"
    )
    args = parser.parse_args(argv)
    started = time.time()
    sample_dir, expression_dir = args.data_dir / "remc-sample", args.data_dir / "remc-expression"
    if not sample_dir.is_dir() or not expression_dir.is_dir():
        print(
            f"error: expected {sample_dir} and {expression_dir} (see ../shared/data/README.md)",
            file=sys.stderr,
        )
        return 2

    log(f"expression of {len(CELLS)} cells from {expression_dir}")
    quantiles, changes = fit_expression_tables(read_all_expression(expression_dir))

    if args.reuse_marks is not None:
        previous = read_calibration(args.reuse_marks)
        models, effects, real_marks = dict(previous.marks), previous.gene_effects, dict(previous.real_marks)
        fit_report = {k: v for k, v in previous.provenance.get("fit_report", {}).items()}
        reused = {"marks_from": str(args.reuse_marks), "marks_created": previous.provenance.get("created")}
        log(f"mark models and gene effects reused from {args.reuse_marks}")
    else:
        models, effects, real_marks, fit_report = fit_marks(sample_dir)
        reused = {}

    inputs = sorted([*sample_dir.glob("*.csv"), *expression_dir.glob("*.csv")])
    calibration = Calibration(
        expression=quantiles,
        changes=changes,
        marks=models,
        gene_effects=effects,
        real_marks=real_marks,
        provenance={
            "written_by": "scripts/calibrate_simulator.py",
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "runtime_s": round(time.time() - started, 1),
            "remc_commit": REMC_COMMIT,
            "inputs": {str(p.relative_to(args.data_dir)): git_blob_sha1(p) for p in inputs},
            "sample_cells": dict(SAMPLE_CELLS),
            "fit_report": fit_report,
            **reused,
        },
    )
    atomic_write_json(args.out, calibration.to_json())
    log(f"wrote {args.out} in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
