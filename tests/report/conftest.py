"""Synthetic result directories with planted outcomes, for the report tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepdiff.constants import MARKS, PAPER_PAIRS
from deepdiff.methods import ALL_VARIANTS
from deepdiff.report.context import Context, contexts
from deepdiff.results.store import cache_key, result_path, split_metrics, write_result

#: Correlation of each method's predictions with the truth in the synthetic results.
DEFAULT_R: dict[str, float] = {
    "raw_d": 0.40,
    "raw_c": 0.62,
    "raw": 0.60,
    "aux": 0.58,
    "raw_aux": 0.66,
    "aux_siamese": 0.75,
    "raw_aux_siamese": 0.64,
    "svr1": 0.25,
    "svr2": 0.33,
    "relief_rf": 0.30,
    "attentivechrome_diff": 0.35,
}


def write_runs(
    root: Path,
    pairs: tuple[str, ...] = PAPER_PAIRS[:3],
    seeds: tuple[int, ...] = (0,),
    source: str = "simulated",
    label: str = "simulated (unit test)",
    profile: str = "quick",
    strengths: Mapping[str, float] | None = None,
    n: int = 400,
    seed: int = 0,
    attention: bool = False,
    only: bool = False,
) -> None:
    """Results whose test PCC is close to ``strengths`` (predictions = r * truth + noise); with
    ``only``, the methods of ``strengths`` alone, else those of :data:`DEFAULT_R` too."""
    rng = np.random.default_rng(seed)
    r_of = dict(strengths or {}) if only else {**DEFAULT_R, **(strengths or {})}
    for pair in pairs:
        genes = np.array([f"ENSG{i:06d}" for i in range(n)])
        y = rng.normal(0.0, 3.0, n)
        z = (y - y.mean()) / y.std()
        for method, r in r_of.items():
            kind = "deepdiff" if method in ALL_VARIANTS else "baseline"
            for s in seeds:
                pred = r * z + np.sqrt(1 - r**2) * rng.normal(size=n)
                key = cache_key(kind, method, {"seed": s, "profile": profile}, f"{label}/{pair}")
                metrics = {
                    "kind": kind,
                    "method": method,
                    "pair": pair,
                    "data": {"source": source, "label": label, "checksum": f"{label}/{pair}"},
                    "profile": profile,
                    "seed": s,
                    "config": {},
                    "test": split_metrics(y, pred),
                    "valid": split_metrics(y, pred),
                    "key": key,
                }
                att = None
                if attention and kind == "deepdiff":
                    att = planted_attention(genes, y, rng)
                write_result(
                    result_path(root, pair, method, s, key),
                    metrics=metrics,
                    predictions=pd.DataFrame({"gene": genes, "lfc_true": y, "lfc_pred": pred}),
                    attention=att,
                )


def planted_attention(genes: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Mark attention as in the paper's Figure 5: K4 marks high when up, K27 second when down."""
    n = len(genes)
    up = np.array([0.30, 0.35, 0.05, 0.15, 0.15])
    down = np.array([0.12, 0.40, 0.05, 0.30, 0.13])
    base = np.where((y > 0)[:, None], up, down)
    per_mark = base * rng.uniform(0.9, 1.1, size=(n, 5))
    rows = np.concatenate([per_mark, per_mark], axis=1) / 2  # A and B rows
    rows /= rows.sum(axis=1, keepdims=True)
    names = np.array([f"{cell}:{m}" for cell in "AB" for m in MARKS])
    return {
        "genes": genes,
        "row_attention": rows,
        "bin_attention": np.full((n, 10, 200), 1 / 200),
        "row_names": names,
        "bin_row_names": names,
    }


@pytest.fixture
def sim_results(tmp_path: Path) -> Path:
    write_runs(tmp_path, seeds=(0, 1))
    return tmp_path


def only_context(results: pd.DataFrame) -> Context:
    (ctx,) = contexts(results)
    return ctx
