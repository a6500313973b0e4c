"""A prediction directory, written atomically (a reader sees all of it or none of it).

``predictions.csv``
    :attr:`deepdiff.apply.predict.Predictions.table`: ``gene``, ``symbol``, ``lfc_pred`` (and
    ``lfc_true`` when the expression is known), and the per-cell predictions of methods that make
    them.
``attention.npz`` (unless left out)
    The attention maps, in the layout of a run's ``attention.npz`` (:mod:`deepdiff.results.store`),
    stored without compression: a genome's maps (float16) hardly compress, and deflating them
    took 5 s for 20,000 genes x 15 rows (softmax maps of random scores) to save 8%.
``prediction.json``
    Which model (run directory, method, training pair, data and budget) was applied to which cells
    (pair, label, checksum, genes), the metrics when the expression is known, versions and time.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from deepdiff._util.io import OutputFolder, atomic_directory, check_new_directory
from deepdiff.apply.predict import Predictions
from deepdiff.results.store import (
    ATTENTION_FILE,
    PREDICTIONS_FILE,
    attention_arrays,
    canonical_json,
    code_version,
)

#: The description of a prediction directory.
SUMMARY_FILE = "prediction.json"
#: What ``deepdiff predict`` writes: all that its ``--force`` may replace.
PREDICT_OUTPUT = OutputFolder(
    "predict", SUMMARY_FILE, "|".join(map(re.escape, (PREDICTIONS_FILE, ATTENTION_FILE, SUMMARY_FILE)))
)


def check_prediction_folder(
    out_dir: str | os.PathLike[str],
    overwrite: bool,
    inputs: dict[str, str | os.PathLike[str] | None] | None = None,
) -> Path:
    """``out_dir``, absolute, when predictions may be written there (see
    :func:`deepdiff._util.io.check_new_directory`): ``overwrite`` replaces only an earlier prediction
    folder, never the model's run or the cells (``inputs``: option -> path)."""
    return check_new_directory(out_dir, overwrite, writes=PREDICT_OUTPUT, inputs=inputs)


def write_predictions(
    out_dir: str | os.PathLike[str],
    predictions: Predictions,
    *,
    overwrite: bool = False,
    inputs: dict[str, str | os.PathLike[str] | None] | None = None,
) -> Path:
    """Write ``predictions`` into the directory ``out_dir`` in one atomic step.

    Raises
    ------
    DataError
        When ``out_dir`` exists and is not empty, unless ``overwrite`` and it is an earlier
        prediction folder (it is then replaced); see :func:`check_prediction_folder`.
    """
    out = check_prediction_folder(out_dir, overwrite, inputs)
    summary = {
        **predictions.provenance,
        "metrics": predictions.metrics,
        "n_genes": len(predictions.table),
        "columns": list(predictions.table.columns),
        "code_version": code_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    text = json.dumps(json.loads(canonical_json(summary)), indent=2, sort_keys=True) + "\n"
    with atomic_directory(out) as tmp:
        predictions.table.to_csv(tmp / PREDICTIONS_FILE, index=False)
        if predictions.attention is not None:
            np.savez(tmp / ATTENTION_FILE, **attention_arrays(predictions.attention))
        (tmp / SUMMARY_FILE).write_text(text, encoding="utf-8")
    return out
