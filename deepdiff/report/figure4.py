"""The data of our Figure 4: test PCC per pair and method in one context, with intervals."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from deepdiff import methods
from deepdiff.report.bootstrap import PairBootstrap
from deepdiff.report.context import Context, in_context
from deepdiff.results.statistics import percentile_ci


def figure4_data(
    results: pd.DataFrame,
    context: Context,
    boots: Mapping[str, PairBootstrap] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Test PCC per pair and method in one context (the data of Figure 4).

    Returns
    -------
    DataFrame
        ``pair``, ``method``, ``label`` (paper's name), ``kind``, ``pcc`` (mean over seeds),
        ``pcc_sd`` (over seeds), ``n_seeds``, ``low``/``high`` (bootstrap interval, genes and seeds
        resampled, when ``boots`` is given), ``data_label``, ``profile``.
    """
    rows = in_context(results, context)
    if rows.empty:
        return pd.DataFrame(
            columns=["pair", "method", "label", "kind", "pcc", "pcc_sd", "n_seeds", "low", "high"]
        )
    agg = (
        rows.groupby(["pair", "method", "kind"], sort=True)["test_pearson"]
        .agg(pcc="mean", pcc_sd="std", n_seeds="count")
        .reset_index()
    )
    agg["label"] = agg["method"].map(methods.label)
    lows, highs = [], []
    for r in agg.itertuples():
        if boots is not None and r.pair in boots and r.method in boots[r.pair].methods:
            low, high = percentile_ci(boots[r.pair].get(r.method)[1:], level)
        else:
            low = high = math.nan
        lows.append(low)
        highs.append(high)
    agg["low"], agg["high"] = lows, highs
    agg["data_label"], agg["profile"] = context.data_label, context.profile
    return agg[
        [
            "pair",
            "method",
            "label",
            "kind",
            "pcc",
            "pcc_sd",
            "n_seeds",
            "low",
            "high",
            "data_label",
            "profile",
        ]
    ]


#: Appendix Figure 2's methods as we show them: the classification variants beside their regression
#: counterparts and Table 3's baseline (the figure's own list is only in its plot).
FIGURE2_METHODS: tuple[str, ...] = (*methods.APPENDIX_VARIANTS, "aux", "raw_aux", "svr2")


def figure2_data(
    results: pd.DataFrame,
    context: Context,
    boots: Mapping[str, PairBootstrap] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """The data of Appendix Figure 2 in one context: :func:`figure4_data` of :data:`FIGURE2_METHODS`,
    with ``best`` marking each pair's best DeepDiff variant among them (the figure's text label)."""
    data = figure4_data(results, context, boots, level)
    data = data[data["method"].isin(FIGURE2_METHODS)].reset_index(drop=True)
    deep = data[data["kind"] == "deepdiff"]
    best = deep.loc[deep.groupby("pair")["pcc"].idxmax()] if not deep.empty else deep
    data["best"] = data.index.isin(best.index)
    return data
