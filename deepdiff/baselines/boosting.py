"""Histogram gradient boosting on pooled bins (a baseline beyond the paper).

scikit-learn's ``HistGradientBoostingRegressor`` on the features of
:mod:`deepdiff.baselines.linear` (cell A, cell B and ``B - A`` in ``log2(1 + count)``, 1 kb or
2 kb bins). The number of boosting iterations is set by the estimator's own early stopping on a
random tenth of the *training* genes (seeded); the bin size, learning rate and tree size are
chosen on the validation Pearson correlation.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from deepdiff.baselines.base import FittedBaseline, RunContext, best_index, budgets, finite_or_none, score
from deepdiff.baselines.features import FeatureSpec, flat_features
from deepdiff.baselines.linear import BLOCKS
from deepdiff.data.containers import SplitData


@dataclass(frozen=True)
class BoostingConfig:
    """Gradient boosting.

    Attributes
    ----------
    pools : tuple of int
        Bin pooling factors tried.
    learning_rates : tuple of float
    max_leaf_nodes : tuple of int
    max_iter : int
        Upper limit of boosting iterations (early stopping usually ends sooner).
    n_iter_no_change : int
        Early-stopping patience, in iterations.
    """

    pools: tuple[int, ...] = (10, 20)
    learning_rates: tuple[float, ...] = (0.05, 0.1)
    max_leaf_nodes: tuple[int, ...] = (15, 31)
    max_iter: int = 1000
    n_iter_no_change: int = 20

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "blocks": list(BLOCKS), "features": "log2(1 + pooled count)"}


PROFILES: Mapping[str, BoostingConfig] = budgets(
    paper=BoostingConfig(),
    quick=BoostingConfig(pools=(20,), learning_rates=(0.1,), max_leaf_nodes=(15,), max_iter=200),
)


def fit(train: SplitData, valid: SplitData, config: BoostingConfig, ctx: RunContext) -> FittedBaseline:
    """Choose the bin size, learning rate and tree size on validation."""
    from tqdm.auto import tqdm

    tic = time.perf_counter()
    y_train, y_valid = train.lfc.astype(np.float64), valid.lfc.astype(np.float64)
    grid = list(itertools.product(config.pools, config.learning_rates, config.max_leaf_nodes))
    table: list[dict[str, Any]] = []
    fits: list[tuple[FeatureSpec, HistGradientBoostingRegressor, np.ndarray]] = []
    features: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for pool, lr, leaves in tqdm(grid, desc="gradient boosting", disable=not ctx.progress, leave=False):
        spec = FeatureSpec(blocks=BLOCKS, pool=pool)
        if pool not in features:
            features[pool] = (flat_features(train, spec), flat_features(valid, spec))
        x_train, x_valid = features[pool]
        model = HistGradientBoostingRegressor(
            learning_rate=lr,
            max_leaf_nodes=leaves,
            max_iter=config.max_iter,
            early_stopping=True,
            n_iter_no_change=config.n_iter_no_change,
            validation_fraction=0.1,
            random_state=ctx.seed,
        ).fit(x_train, y_train)
        pred = model.predict(x_valid)
        table.append(
            {
                "pool": pool,
                "learning_rate": lr,
                "max_leaf_nodes": leaves,
                "n_iter": int(model.n_iter_),
                "valid_pearson": finite_or_none(score(y_valid, pred)),
            }
        )
        fits.append((spec, model, pred))
    i = best_index([score(y_valid, f[2]) for f in fits])
    spec, model, valid_pred = fits[i]

    def predictor(split: SplitData) -> np.ndarray:
        return model.predict(flat_features(split, spec))

    return FittedBaseline(
        predictor=predictor,
        selected={**table[i], "bin_bp": spec.pool * 100},
        valid_pred=valid_pred,
        search={"grid": table},
        timings={"fit_s": time.perf_counter() - tic},
    )
