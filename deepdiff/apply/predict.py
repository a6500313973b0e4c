"""A trained model applied to two cells: predicted LFC, auxiliary predictions, attention, metrics.

:func:`apply_model` runs every network of a saved model (:func:`deepdiff.training.saved.load_model`)
over the genes, a chunk at a time with a progress bar, and combines their outputs exactly as the
run did for its test genes (:mod:`deepdiff.training.predictions`): the same columns, the same
attention layout. When both cells' expression is known it also scores the predictions as a run
scores its test split (:func:`deepdiff.results.store.split_metrics`, and a percentile bootstrap
interval of the Pearson correlation from :mod:`deepdiff.results.statistics`). :func:`predict` returns the
table only.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from deepdiff.apply.cells import CellsToPredict, cells_from_pair
from deepdiff.data.containers import PairData
from deepdiff.results.statistics import bootstrap_pearson_ci
from deepdiff.results.store import split_metrics
from deepdiff.training.device import DEFAULT_CPU_THREADS, cpu_threads
from deepdiff.training.predictions import (
    TARGETS,
    NetworkOutput,
    attention_maps,
    predicted,
    predictions_table,
    truth_of,
)
from deepdiff.training.saved import TrainedModel, load_model

#: Genes per chunk: the progress bar moves once per chunk, and attention is kept as float16 per chunk.
CHUNK_GENES = 1000


@dataclass(frozen=True)
class Predictions:
    """What :func:`apply_model` returns.

    Attributes
    ----------
    table : DataFrame
        One row per gene: ``gene``, ``symbol``, then ``lfc_true`` (when known) and ``lfc_pred``,
        and for methods with per-cell outputs ``log_expr_a_true/_pred``, ``log_expr_b_true/_pred``
        (the columns of a run's ``predictions.csv``, plus ``symbol``).
    attention : dict or None
        Attention maps in the layout of a run's ``attention.npz`` (``bin_attention`` float16).
    metrics : dict or None
        Per target (``lfc``, ``log_expr_a``, ``log_expr_b``): Pearson, Spearman, MSE and ``n`` over
        the genes whose truth is known, and for ``lfc`` the bootstrap interval ``pearson_ci``.
        None when the expression is unknown.
    provenance : dict
        The model (run directory, method, training pair and data, budget) and the cells (pair,
        label, checksum, genes), the device, threads and seconds.
    """

    table: pd.DataFrame
    attention: dict[str, np.ndarray] | None
    metrics: dict[str, Any] | None
    provenance: dict[str, Any]

    def summary(self) -> str:
        """Two lines: which model on which cells, and how well (when the expression is known)."""
        model, cells = self.provenance["model"], self.provenance["cells"]
        head = (
            f"{model['method']} (trained on {model['pair']} [{model['data_label']}], profile {model['profile']}, "
            f"seed {model['seed']}) applied to {cells['pair']} [{cells['label']}]: {cells['n_genes']:,} genes"
        )
        if self.metrics is None:
            return head + "\n  no expression given: the true LFC is unknown, nothing is scored"
        lfc = self.metrics["lfc"]
        text = head + f"\n  LFC: {self.pcc_text()}, Spearman {_fmt(lfc['spearman'])}, n={lfc['n']:,}"
        unscored = self.unscored()
        return text + (f"\n  warning: {unscored}" if unscored else "")

    def unscored(self) -> str:
        """Why the expression was given but the PCC is undefined ("" when it is defined or not asked)."""
        if self.metrics is None or self.metrics["lfc"]["pearson"] is not None:
            return ""
        lfc = self.metrics["lfc"]
        return (
            f"the PCC is undefined: {lfc['n']} gene(s) have a known expression in both cells "
            f"({lfc.get('n_unknown', 0):,} of the cells' genes have none), and a correlation needs at least "
            "2 genes whose true and predicted LFC vary. Check that the .expr.csv files list the cells' gene ids."
        )

    def pcc_text(self) -> str:
        """``PCC 0.512, 95% CI [0.47, 0.55]`` of the predicted LFC, or ``""`` when nothing is scored."""
        if self.metrics is None:
            return ""
        lfc = self.metrics["lfc"]
        low, high = lfc["pearson_ci"]
        ci = "" if low is None else f", {round(100 * self.metrics['ci_level'])}% CI [{low:.3f}, {high:.3f}]"
        return f"PCC {_fmt(lfc['pearson'])}{ci}"


def _fmt(value: float | None) -> str:
    return "nan" if value is None else f"{value:.3f}"


def prediction_metrics(
    table: pd.DataFrame, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> dict[str, Any]:
    """Test-style metrics of every predicted target whose truth the table holds (NaN truths skipped)."""
    out: dict[str, Any] = {"ci_level": level, "n_boot": n_boot}
    for target in TARGETS:
        if f"{target}_true" not in table or f"{target}_pred" not in table:
            continue
        y = table[f"{target}_true"].to_numpy(dtype=np.float64)
        p = table[f"{target}_pred"].to_numpy(dtype=np.float64)
        known = np.isfinite(y)
        scores: dict[str, Any] = dict(split_metrics(y[known], p[known]))
        if target == "lfc":
            ci = (float("nan"), float("nan"))
            if known.sum() >= 2 and scores["pearson"] is not None:
                ci = bootstrap_pearson_ci(y[known], p[known], n_boot=n_boot, level=level, seed=seed)
            scores["pearson_ci"] = [None if not np.isfinite(v) else float(v) for v in ci]
            scores["n_unknown"] = int((~known).sum())
        out[target] = scores
    return out


def _run_networks(
    model: TrainedModel, cells: CellsToPredict, attention: bool, batch_size: int, progress: bool
) -> list[dict[str, np.ndarray]]:
    """Every network's outputs over every gene, a chunk at a time (bin attention as float16)."""
    from tqdm.auto import tqdm

    from deepdiff.training.loop import predict as run_network

    split = cells.as_split()
    chunks: list[dict[str, list[np.ndarray]]] = [{} for _ in model.networks]
    with tqdm(total=len(split), desc=f"predicting {cells.pair}", unit="gene", disable=not progress) as bar:
        for start in range(0, len(split), CHUNK_GENES):
            part = split.subset(slice(start, start + CHUNK_GENES))
            for store, network in zip(chunks, model.networks, strict=True):
                out = run_network(
                    network.module,
                    network.task,
                    part,
                    device=model.device,
                    batch_size=batch_size,
                    attention=attention,
                )
                if attention:
                    out.outputs["bin_attention"] = out.outputs["bin_attention"].astype(np.float16)
                for key, value in out.outputs.items():
                    store.setdefault(key, []).append(value)
            bar.update(len(part))
    return [{key: np.concatenate(values) for key, values in store.items()} for store in chunks]


def apply_model(
    model: TrainedModel | str | os.PathLike[str],
    cells: CellsToPredict | PairData,
    *,
    attention: bool = True,
    batch_size: int = 200,
    threads: int | None = None,
    progress: bool = True,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Predictions:
    """Apply a trained model to two cells.

    Parameters
    ----------
    model : TrainedModel or path-like
        A model from :func:`~deepdiff.training.saved.load_model`, or a run directory to load it from.
    cells : CellsToPredict or PairData
        From :func:`~deepdiff.apply.cells.load_cells`; a :class:`PairData` gives its test split.
    attention : bool
        Also return the attention maps.
    batch_size : int
        Genes per forward pass.
    threads : int, optional
        Torch CPU threads on the CPU (default: every usable CPU; unlike training's small batches,
        a genome's forward passes use them all, the compiled kernel splitting its encoders
        between threads).
    progress : bool
    n_boot, level, seed : int, float, int
        The bootstrap interval of the LFC's Pearson correlation (when the expression is known).

    Returns
    -------
    Predictions
    """
    from deepdiff._util.threads import usable_cpus

    if not isinstance(model, TrainedModel):
        model = load_model(model)
    if threads is None and model.device.type == "cpu":
        threads = usable_cpus()
    if isinstance(cells, PairData):
        cells = cells_from_pair(cells)
    tic = time.perf_counter()
    with cpu_threads(model.device, threads):
        outputs = _run_networks(model, cells, attention, batch_size, progress)
    parts = [NetworkOutput(n.task, n.module, out) for n, out in zip(model.networks, outputs, strict=True)]
    truth = truth_of(parts, cells.as_split()) if cells.has_expression else None
    table = predictions_table(cells.genes, predicted(parts), truth)
    table.insert(1, "symbol", cells.symbols)
    maps = attention_maps(parts, cells.genes, (cells.pair.cell_a, cells.pair.cell_b)) if attention else None
    metrics = None if truth is None else prediction_metrics(table, n_boot=n_boot, level=level, seed=seed)
    result = Predictions(
        table=table,
        attention=maps,
        metrics=metrics,
        provenance=_provenance(model, cells, time.perf_counter() - tic, threads),
    )
    if result.unscored():
        warnings.warn(result.unscored(), stacklevel=2)
    return result


def _provenance(
    model: TrainedModel, cells: CellsToPredict, seconds: float, threads: int | None
) -> dict[str, Any]:
    m: Mapping[str, Any] = model.meta
    return {
        "model": {
            "run_dir": str(model.path.resolve()),
            "method": m["method"],
            "pair": m["pair"],
            "data_label": m["data"]["label"],
            "data_checksum": m["data"]["checksum"],
            "profile": m["profile"],
            "seed": m["seed"],
            "package_version": m["package_version"],
        },
        "cells": {
            "pair": str(cells.pair),
            "label": cells.label,
            "checksum": cells.checksum,
            "n_genes": len(cells),
            "expression_known": cells.has_expression,
            **{k: v for k, v in cells.meta.items() if k in ("only_in", "files", "split")},
        },
        "device": str(model.device),
        "threads": threads if threads is not None or model.device.type != "cpu" else DEFAULT_CPU_THREADS,
        "seconds": seconds,
    }


def predict(
    model: TrainedModel | str | os.PathLike[str], cells: CellsToPredict | PairData, **options: Any
) -> pd.DataFrame:
    """The predictions table of a trained model on two cells (see :func:`apply_model` for ``options``).

    >>> import deepdiff
    >>> model = deepdiff.load_model("results/E003-E004/raw_c/seed0-1a2b3c4d5e6f")  # doctest: +SKIP
    >>> table = deepdiff.predict(model, deepdiff.load_cells("K562-HepG2", "my_cells/"))  # doctest: +SKIP
    """
    return apply_model(model, cells, **{"attention": False, **options}).table
