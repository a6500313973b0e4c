"""Regenerate ``deepdiff/simulate/calibration.json`` from the real data in ``../shared/data``.

Reads the authors' real sample (``remc-sample/``: Cell1 = E123, Cell2 = E003, 600 genes each) and
the expression files of all nine cells (``remc-expression/E*.expr.csv``), fits the simulator
(:mod:`deepdiff.simulate.fit_expression`, :mod:`deepdiff.simulate.fit_marks`) and writes small
summary statistics and parameters, never the data. Takes about 15-25 minutes on one core.

Usage::

    .venv/bin/python scripts/calibrate_simulator.py [--data-dir ../shared/data] [--out PATH]
        [--reuse-marks PATH [--refit-marks CELL:MARK ...]]

``--reuse-marks`` takes the (slow) mark models and gene effects from an existing calibration
file and refits only the expression part (a minute or two). With ``--refit-marks`` (e.g.
``E123:H3K36me3 E003:H3K36me3``) the listed one-mark models are fitted again and so are the
correlations between the two cells of each listed mark; everything else, the loading shared
between marks included, is kept from that file (a few minutes per mark). After a change to a
mark's planted kernel, refit that mark in both sample cells.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
import time
from pathlib import Path

import numpy as np

from deepdiff._util.io import atomic_write_json
from deepdiff.constants import CELLS, MARKS, N_MARKS, PAPER_PAIRS, REMC_COMMIT, SAMPLE_CELLS, SPLITS
from deepdiff.data.layout import EXPRESSION_ROLE, cell_file
from deepdiff.data.manifest import git_blob_sha1
from deepdiff.data.remc_format import read_expression, read_split
from deepdiff.errors import DataError
from deepdiff.simulate.calibration import (
    DEFAULT,
    MARK_PARAMETERS,
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
    fit_cross_cell,
    fit_gene_effects,
    fit_one_mark,
    mean_mark_model,
    stack_marks,
)
from deepdiff.simulate.stats import lfc_summary, log_expression, mark_summary, normal_scores

ROOT = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def read_all_expression(folder: Path) -> dict[str, np.ndarray]:
    """Expression counts of the nine cells, checked to list the same genes in the same order."""
    values, genes = {}, None
    for cell in CELLS:
        path = folder / cell_file(cell, EXPRESSION_ROLE)
        expr = read_expression(path)
        if genes is None:
            genes, first = expr.genes, path
        elif len(expr.genes) != len(genes) or (expr.genes != genes).any():
            raise DataError(f"{path}: genes differ from {first}")
        values[cell] = expr.values
    return values


def read_sample_cell(folder: Path, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts (600, 5, 200), expression (600,) and gene ids of one sample cell, splits concatenated."""
    parts = [read_split(folder / cell_file(name, split)) for split in SPLITS]
    genes = np.concatenate([p.genes for p in parts])
    counts = np.concatenate([p.counts for p in parts]).astype(np.float64)
    expr_path = folder / cell_file(name, EXPRESSION_ROLE)
    expr = read_expression(expr_path)
    return counts, expr.lookup(genes, expr_path=expr_path, split_path=folder), genes


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


def refit_marks(
    sample_dir: Path, previous: Calibration, targets: list[tuple[str, int]]
) -> tuple[dict[str, MarkModel], GeneEffects, dict]:
    """Refit the one-mark models ``targets`` (cell, mark index) of ``previous`` and the cross-cell
    correlations of their marks; returns the mark models, gene effects and fit report."""
    names = dict(SAMPLE_CELLS)
    cells = list(names)
    data = {cell: read_sample_cell(sample_dir, names[cell]) for cell in cells}
    z = {cell: normal_scores(log_expression(data[cell][1])) for cell in cells}
    rows = {cell: [previous.marks[cell].mark(m) for m in range(N_MARKS)] for cell in cells}
    fit_report = {k: dict(v) for k, v in previous.provenance.get("fit_report", {}).items()}
    for cell, m in targets:
        source = previous.marks[cell].source
        fit = fit_one_mark(data[cell][0][:, m], z[cell], m, source)
        rows[cell][m] = fit.model
        gap = (fit.simulated - fit.target.values) / fit.target.se
        log(f"marks {cell} {MARKS[m]} refitted: worst |sim - real| = {np.abs(gap).max():.1f} bootstrap SE")
        fit_report.setdefault(cell, {})[MARKS[m]] = {
            "statistics": list(STATISTICS[: len(fit.target.values)]),
            "real": np.round(fit.target.values, 5).tolist(),
            "bootstrap_se": np.round(fit.target.se, 5).tolist(),
            "simulated": np.round(fit.simulated, 5).tolist(),
        }
    models = {
        cell: MarkModel(
            source=previous.marks[cell].source,
            log_baseline=np.concatenate([r.log_baseline for r in rows[cell]]),
            **{k: np.concatenate([getattr(r, k) for r in rows[cell]]) for k in MARK_PARAMETERS},
        )
        for cell in cells
    }
    models[DEFAULT] = mean_mark_model([models[c] for c in cells], f"default (mean of {' and '.join(cells)})")
    effects = previous.gene_effects
    corr = {
        "cross_cell_corr": effects.cross_cell_corr.copy(),
        "kernel_cross_cell_corr": effects.kernel_cross_cell_corr.copy(),
        "field_cross_cell_corr": effects.field_cross_cell_corr.copy(),
    }
    for m in sorted({m for _, m in targets}):
        rho, real, sim = fit_cross_cell(
            data[cells[0]][0][:, m],
            data[cells[1]][0][:, m],
            z[cells[0]],
            z[cells[1]],
            (models[cells[0]], models[cells[1]]),
            m,
        )
        log(
            f"cross-cell {MARKS[m]}: fitted {np.round(rho, 3)}, real {np.round(real, 3)}, sim {np.round(sim, 3)}"
        )
        for key, value in zip(corr, rho, strict=True):
            corr[key][m] = value
        fit_report.setdefault("cross_cell", {})[MARKS[m]] = {
            "fitted": rho.tolist(),
            "real": real.tolist(),
            "simulated": sim.tolist(),
        }
    return models, GeneEffects(mark_loading=effects.mark_loading, **corr), fit_report


def parse_targets(values: list[str]) -> list[tuple[str, int]]:
    """``CELL:MARK`` strings -> (cell, mark index), checked against the sample cells and marks."""
    out = []
    for value in values:
        cell, _, mark = value.partition(":")
        if cell not in dict(SAMPLE_CELLS) or mark not in MARKS:
            raise SystemExit(
                f"error: --refit-marks {value}: expected CELL:MARK with CELL in "
                f"{sorted(dict(SAMPLE_CELLS))} and MARK in {list(MARKS)}"
            )
        out.append((cell, MARKS.index(mark)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=calibration_path())
    parser.add_argument(
        "--reuse-marks", type=Path, default=None, help="keep the mark models of this calibration"
    )
    parser.add_argument(
        "--refit-marks",
        nargs="+",
        default=None,
        metavar="CELL:MARK",
        help="with --reuse-marks: refit these one-mark models and their marks' cross-cell correlations",
    )
    args = parser.parse_args(argv)
    if args.refit_marks and args.reuse_marks is None:
        parser.error("--refit-marks needs --reuse-marks")
    targets = parse_targets(args.refit_marks) if args.refit_marks else []
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
        # Keep the history: which earlier files the reused models themselves came from.
        earlier = {
            k: previous.provenance[k]
            for k in ("marks_from", "marks_created", "refitted")
            if k in previous.provenance
        }
        if earlier:
            reused["reused_provenance"] = earlier
        log(f"mark models and gene effects reused from {args.reuse_marks}")
        if targets:
            models, effects, fit_report = refit_marks(sample_dir, previous, targets)
            reused["refitted"] = [f"{cell}:{MARKS[m]}" for cell, m in targets]
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
            "arguments": list(sys.argv[1:] if argv is None else argv),
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "runtime_s": round(time.time() - started, 1),
            "remc_commit": REMC_COMMIT,
            "inputs": {str(p.relative_to(args.data_dir)): git_blob_sha1(p.read_bytes()) for p in inputs},
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
