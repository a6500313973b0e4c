"""From the outputs of a run's networks to the predictions table and the attention maps.

Shared by training runs (their test genes, :mod:`deepdiff.training.runner`) and by saved models
applied to new cells (:mod:`deepdiff.apply.predict`), so both give the same columns. A run has
either one DeepDiff network (a :class:`~deepdiff.training.tasks.PairTask`: its difference head
and, in the auxiliary variants, one head per cell) or AttentiveChrome-diff's two single-cell
networks (:class:`~deepdiff.training.tasks.SingleCellTask` for cell ``a`` and cell ``b``),
whose difference is the LFC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from torch import nn

from deepdiff.data.containers import SplitData
from deepdiff.training.tasks import PAIR_CLASS_TARGETS, PAIR_OUTPUT_TARGETS, PairTask, SingleCellTask, Task

#: The targets a table may hold, in column order; each gives ``<target>_true`` and ``<target>_pred``.
TARGETS: tuple[str, ...] = ("lfc", "log_expr_a", "log_expr_b")
#: The ±1 labels a table may hold (classification auxiliary tasks), after the targets; each gives
#: ``<label>_true`` (1: expression above the cell's training median, -1: not) and ``<label>_prob``
#: (the predicted probability of label 1).
LABELS: tuple[str, ...] = tuple(PAIR_CLASS_TARGETS.values())
_CELLS = ("a", "b")


@dataclass(frozen=True)
class NetworkOutput:
    """One network of a run, with what it predicted for a set of genes.

    Attributes
    ----------
    task : Task
    model : nn.Module
        Gives the attention rows' names (``row_names``, ``bin_row_names``).
    outputs : mapping
        :attr:`deepdiff.training.loop.Prediction.outputs`.
    """

    task: Task
    model: nn.Module
    outputs: Mapping[str, np.ndarray]


def _cell_outputs(parts: Sequence[NetworkOutput]) -> dict[str, NetworkOutput]:
    """The single-cell networks of AttentiveChrome-diff by cell (``a``, ``b``)."""
    cells = {p.task.cell: p for p in parts if isinstance(p.task, SingleCellTask)}
    if len(parts) != len(_CELLS) or sorted(cells) != list(_CELLS):
        raise ValueError("expected one PairTask network, or two SingleCellTask networks for cells a and b")
    return cells


def predicted(parts: Sequence[NetworkOutput]) -> dict[str, np.ndarray]:
    """Predicted targets by name (``lfc`` and, where a method predicts them, ``log_expr_a/b``), and
    predicted probabilities of label 1 by label name (``above_median_a/b``, classification heads)."""
    if len(parts) == 1 and isinstance(parts[0].task, PairTask):
        out = parts[0].outputs
        names = {**PAIR_OUTPUT_TARGETS, **PAIR_CLASS_TARGETS}
        return {target: out[name] for name, target in names.items() if name in out}
    cells = _cell_outputs(parts)
    a, b = cells["a"].outputs["expr"], cells["b"].outputs["expr"]
    return {"lfc": b - a, "log_expr_a": a, "log_expr_b": b}


def split_truth(split: SplitData) -> dict[str, np.ndarray]:
    """The true targets of a split, by name (see :data:`TARGETS`)."""
    return {"lfc": split.lfc, "log_expr_a": split.log_expr_a, "log_expr_b": split.log_expr_b}


def truth_of(parts: Sequence[NetworkOutput], split: SplitData) -> dict[str, np.ndarray]:
    """:func:`split_truth`, and the ±1 labels of a network with classification heads (its thresholds)."""
    truth = split_truth(split)
    for part in parts:
        if isinstance(part.task, PairTask) and part.task.classifies:
            truth |= part.task.aux_labels(split)
    return truth


def predictions_table(
    genes: np.ndarray, predictions: Mapping[str, np.ndarray], truth: Mapping[str, np.ndarray] | None
) -> pd.DataFrame:
    """``gene``, then ``<target>_true`` (when ``truth`` is given) and ``<target>_pred`` per predicted
    target, then ``<label>_true`` (when known) and ``<label>_prob`` per predicted label (:data:`LABELS`).

    The layout of a run's ``predictions.csv`` (:mod:`deepdiff.results.store`).
    """
    columns: dict[str, np.ndarray] = {"gene": np.asarray(genes)}
    for target in TARGETS:
        if target in predictions:
            if truth is not None:
                columns[f"{target}_true"] = np.asarray(truth[target])
            columns[f"{target}_pred"] = np.asarray(predictions[target])
    for label in LABELS:
        if label in predictions:
            if truth is not None and label in truth:
                columns[f"{label}_true"] = np.asarray(truth[label])
            columns[f"{label}_prob"] = np.asarray(predictions[label])
    return pd.DataFrame(columns)


def attention_maps(
    parts: Sequence[NetworkOutput], genes: np.ndarray, cells: tuple[str, str]
) -> dict[str, np.ndarray]:
    """The attention of every network, in the layout of a run's ``attention.npz``.

    A DeepDiff network's rows keep their names (``A:H3K4me1``, ``A-B:H3K4me1``, ...); the two
    single-cell networks' rows are concatenated, cell A's first, named ``<cell>:<mark>`` with
    the pair's cell names ``cells``.
    """
    if len(parts) == 1 and isinstance(parts[0].task, PairTask):
        ordered = [(parts[0], "")]
    else:
        by_cell = _cell_outputs(parts)
        ordered = [(by_cell[side], f"{name}:") for side, name in zip(_CELLS, cells, strict=True)]
    return {
        "genes": np.asarray(genes),
        "row_attention": np.concatenate([p.outputs["row_attention"] for p, _ in ordered], axis=1),
        "bin_attention": np.concatenate([p.outputs["bin_attention"] for p, _ in ordered], axis=1),
        "row_names": np.asarray([f"{prefix}{n}" for p, prefix in ordered for n in p.model.row_names]),
        "bin_row_names": np.asarray([f"{prefix}{n}" for p, prefix in ordered for n in p.model.bin_row_names]),
    }
