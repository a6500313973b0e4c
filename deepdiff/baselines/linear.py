"""Ridge regression on pooled bins (a baseline beyond the paper).

Features: ``log2(1 + count)`` of cell A, cell B and their difference ``B - A``, the 100 bp bins
summed into 1 kb or 2 kb bins (chosen on validation), standardised on the training split
(:mod:`deepdiff.baselines.features`). The penalty ``alpha`` is chosen on the validation Pearson
correlation from a log-spaced grid. A linear model on the difference of log signals is the
simplest reading of "histone marks change, so expression changes"; it calibrates how much the
non-linear baselines add.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import Ridge

from deepdiff.baselines.base import FittedBaseline, RunContext, best_index, budgets, finite_or_none, score
from deepdiff.baselines.features import FeatureSpec, Standardizer, flat_features
from deepdiff.data.containers import SplitData

#: Feature blocks of the beyond-paper baselines.
BLOCKS: tuple[str, ...] = ("a", "b", "diff")


@dataclass(frozen=True)
class RidgeConfig:
    """Ridge regression.

    Attributes
    ----------
    pools : tuple of int
        Bin pooling factors tried (10 = 1 kb, 20 = 2 kb).
    alphas : tuple of float
        Penalties tried.
    """

    pools: tuple[int, ...] = (10, 20)
    alphas: tuple[float, ...] = tuple(float(a) for a in np.logspace(-2, 5, 15))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "blocks": list(BLOCKS), "features": "log2(1 + pooled count), standardised"}


PROFILES: Mapping[str, RidgeConfig] = budgets(
    paper=RidgeConfig(), quick=RidgeConfig(alphas=tuple(float(a) for a in np.logspace(-1, 4, 6)))
)


def fit(train: SplitData, valid: SplitData, config: RidgeConfig, ctx: RunContext) -> FittedBaseline:
    """Choose the bin size and the penalty on validation."""
    tic = time.perf_counter()
    y_train, y_valid = train.lfc.astype(np.float64), valid.lfc.astype(np.float64)
    table: list[dict[str, Any]] = []
    fits: list[tuple[FeatureSpec, Standardizer, Ridge, np.ndarray]] = []
    for pool in config.pools:
        spec = FeatureSpec(blocks=BLOCKS, pool=pool)
        x_train = flat_features(train, spec)
        scaler = Standardizer.fit(x_train)
        x_train = scaler.transform(x_train)
        x_valid = scaler.transform(flat_features(valid, spec))
        for alpha in config.alphas:
            model = Ridge(alpha=alpha).fit(x_train, y_train)
            pred = model.predict(x_valid)
            table.append(
                {"pool": pool, "alpha": alpha, "valid_pearson": finite_or_none(score(y_valid, pred))}
            )
            fits.append((spec, scaler, model, pred))
    i = best_index([score(y_valid, f[3]) for f in fits])
    spec, scaler, model, valid_pred = fits[i]

    def predictor(split: SplitData) -> np.ndarray:
        return model.predict(scaler.transform(flat_features(split, spec)))

    return FittedBaseline(
        predictor=predictor,
        selected={
            "pool": spec.pool,
            "bin_bp": spec.pool * 100,
            "alpha": table[i]["alpha"],
            "valid_pearson": table[i]["valid_pearson"],
        },
        valid_pred=valid_pred,
        search={"grid": table},
        timings={"fit_s": time.perf_counter() - tic},
    )
