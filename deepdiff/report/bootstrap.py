"""Test PCC of every method of a pair on shared bootstrap resamples, and per context.

Within a context, every comparison uses the test genes common to the methods compared, and
uncertainty comes from a two-level bootstrap: genes are resampled with replacement (the same
draw for every method of a pair, so shared gene-to-gene variation cancels) and, where a method
has several seeds, seeds are resampled too. The resampling itself is
:mod:`deepdiff.results.statistics`'s engine.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from deepdiff.errors import DataError
from deepdiff.report.context import Context, Evidence, in_context
from deepdiff.results.statistics import resample_counts, weighted_pearson
from deepdiff.results.store import load_result

#: Two runs used the same data when their true LFCs agree this closely on their common genes.
SAME_DATA_ATOL = 1e-3


@dataclass(frozen=True)
class PairBootstrap:
    """Test PCC of each method of one pair: observed and bootstrap replicates.

    Attributes
    ----------
    pair : str
    methods : tuple of str
    pcc : ndarray, shape (n_methods, n_boot + 1)
        Column 0 is the observed PCC (mean over seeds); the others are replicates.
    n_genes : int
        Test genes shared by all methods.
    n_seeds : dict
        Seeds per method.
    excluded : tuple of str
        Result directories of this pair left out because their data differ from the others'
        (see :func:`bootstrap_context`).
    """

    pair: str
    methods: tuple[str, ...]
    pcc: np.ndarray
    n_genes: int
    n_seeds: dict[str, int] = field(default_factory=dict)

    excluded: tuple[str, ...] = ()

    def get(self, method: str) -> np.ndarray:
        """Observed and replicate PCCs of ``method`` (shape ``(n_boot + 1,)``)."""
        return self.pcc[self.methods.index(method)]

    def has(self, methods: Sequence[str]) -> bool:
        return set(methods) <= set(self.methods)


def bootstrap_pair(
    pair: str,
    predictions: Mapping[str, Sequence[pd.DataFrame]],
    n_boot: int = 1000,
    seed: int = 0,
) -> PairBootstrap:
    """Observed and bootstrap test PCCs of several methods of one pair, on shared resamples.

    Parameters
    ----------
    pair : str
    predictions : mapping
        Method -> one ``predictions.csv`` table per seed (columns ``gene``, ``lfc_true``,
        ``lfc_pred``).
    n_boot : int
        Bootstrap replicates; genes (and, with several seeds, seeds) are resampled.
    seed : int
        Seed of the resampling.

    Raises
    ------
    DataError
        When the methods share no test genes, or disagree on a gene's true LFC (they were run on
        different data and must not be compared).
    """
    if not predictions:
        raise ValueError("no methods to bootstrap")
    methods = tuple(predictions)
    tables = {m: [t.set_index(t["gene"].astype(str)) for t in tabs] for m, tabs in predictions.items()}
    common: pd.Index | None = None
    for tabs in tables.values():
        for t in tabs:
            common = t.index if common is None else common.intersection(t.index)
    if common is None or len(common) < 3:
        raise DataError(
            f"pair {pair}: the methods {', '.join(methods)} share {0 if common is None else len(common)} "
            "test genes; they were run on different data and cannot be compared"
        )
    common = common.sort_values()
    first = next(iter(tables.values()))[0]
    y = first.loc[common, "lfc_true"].to_numpy(np.float64)
    rng = np.random.default_rng(seed)
    # Row 0 (all ones) is the observed data; then the replicates, drawn in one chunk.
    weights = np.vstack([np.ones((1, len(common))), *resample_counts(len(common), n_boot, rng, None)])
    out = np.empty((len(methods), n_boot + 1))
    for i, method in enumerate(methods):
        per_seed = []
        for t in tables[method]:
            y_m = t.loc[common, "lfc_true"].to_numpy(np.float64)
            if not np.allclose(y_m, y, atol=SAME_DATA_ATOL):
                raise DataError(
                    f"pair {pair}: {method} has different true LFCs than the other methods on the same genes; "
                    "its run used different data (compare runs of one data source only)"
                )
            per_seed.append(weighted_pearson(weights, y, t.loc[common, "lfc_pred"].to_numpy(np.float64)))
        r = np.vstack(per_seed)  # (k seeds, n_boot + 1)
        out[i, 0] = np.nanmean(r[:, 0])
        if len(per_seed) == 1:
            out[i, 1:] = r[0, 1:]
        else:
            pick = rng.integers(0, len(per_seed), size=(n_boot, len(per_seed)))
            out[i, 1:] = np.nanmean(r[pick, np.arange(1, n_boot + 1)[:, None]], axis=1)
    n_seeds = {m: len(tables[m]) for m in methods}
    return PairBootstrap(pair=pair, methods=methods, pcc=out, n_genes=len(common), n_seeds=n_seeds)


def _load_predictions(paths: Sequence[str]) -> list[pd.DataFrame]:
    return [load_result(p).predictions for p in paths]


def same_data_groups(tables: Sequence[pd.DataFrame]) -> list[list[int]]:
    """Indices of prediction tables grouped by the data they were computed on, largest group first.

    Runs of one pair, one source and one label normally share their data; a run made before the
    data changed (e.g. an earlier simulator) does not, and is recognised by its true LFCs.
    """
    groups: list[list[int]] = []
    truths = [t.set_index(t["gene"].astype(str))["lfc_true"] for t in tables]
    for i, truth in enumerate(truths):
        for group in groups:
            ref = truths[group[0]]
            common = truth.index.intersection(ref.index)
            if len(common) >= 3 and np.allclose(truth.loc[common], ref.loc[common], atol=SAME_DATA_ATOL):
                group.append(i)
                break
        else:
            groups.append([i])
    return sorted(groups, key=len, reverse=True)


def bootstrap_context(
    results: pd.DataFrame,
    context: Context,
    n_boot: int = 1000,
    seed: int = 0,
    loader: Callable[[Sequence[str]], list[pd.DataFrame]] = _load_predictions,
) -> dict[str, PairBootstrap]:
    """:func:`bootstrap_pair` for every pair of ``context`` (all methods and seeds found).

    Within a pair, only the runs on the same data are compared: when some runs' true LFCs differ
    (stale runs from an earlier version of the data under the same label), the largest group of
    agreeing runs is kept and the others are listed in :attr:`PairBootstrap.excluded`, with a
    warning.
    """
    rows = in_context(results, context)
    out: dict[str, PairBootstrap] = {}
    for pair, group in rows.groupby("pair", sort=True):
        group = group.sort_values(["method", "seed"])
        paths = list(group["path"])
        tables = loader(paths)
        keep = set(same_data_groups(tables)[0])
        excluded = tuple(p for i, p in enumerate(paths) if i not in keep)
        if excluded:
            warnings.warn(
                f"pair {pair} ({context}): {len(excluded)} run(s) left out because their data differ from the "
                f"other {len(keep)} runs' (stale results of an earlier data version): {', '.join(excluded)}",
                stacklevel=2,
            )
        preds: dict[str, list[pd.DataFrame]] = {}
        for i, method in enumerate(group["method"]):
            if i in keep:
                preds.setdefault(str(method), []).append(tables[i])
        boot = bootstrap_pair(str(pair), preds, n_boot=n_boot, seed=seed)
        out[str(pair)] = dataclasses.replace(boot, excluded=excluded)
    return out


def evidence_of(context: Context, boots: Mapping[str, PairBootstrap], methods: Sequence[str]) -> Evidence:
    """The evidence behind an evaluation of ``methods`` on the pairs of ``boots``."""
    seeds = [boots[p].n_seeds[m] for p in boots for m in methods if m in boots[p].n_seeds]
    return Evidence(
        context=context,
        pairs=tuple(sorted(boots)),
        min_seeds=min(seeds) if seeds else 0,
        max_seeds=max(seeds) if seeds else 0,
    )
