"""Contexts and evidence: results are compared only within one data source and one budget.

A *context* is one data source and label (real full REMC, the real sample, simulated) with one
training profile. Nothing is ever pooled across contexts, and every table says which context it
comes from; :class:`Evidence` records what an evaluation rests on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from deepdiff.constants import SUBSET_MARK
from deepdiff.errors import DataError

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData

#: Sources that are the real, full data (the authors' REMC files, or the user's own copy of them).
FULL_SOURCES: tuple[str, ...] = ("remc", "local")


@dataclass(frozen=True)
class Context:
    """One data source and budget: results are compared only within a context.

    ``data_label`` is the data family (:func:`data_family`), the same for every pair.
    """

    source: str
    data_label: str
    profile: str

    @property
    def is_real(self) -> bool:
        return self.source != "simulated"

    @property
    def is_full_data(self) -> bool:
        """The real full data (all genes of the authors' splits): not a random subset of it."""
        return self.source in FULL_SOURCES and SUBSET_MARK not in self.data_label

    def __str__(self) -> str:
        return f"{self.data_label}, profile {self.profile}"


def data_family(source: str, label: str, pair: str) -> str:
    """The part of a data label that is the same for every pair of one dataset.

    Labels of simulated pairs name the pair their calibration came from (``"simulated (seed 0,
    1500 genes, calibrated to E003-E004)"``); the family drops that, so the pairs of one simulated
    dataset form one context. Other labels are returned with the pair's name, if any, generalised.
    """
    if source == "simulated":
        return re.sub(r",\s*calibrated to .*\)$", ")", label)
    return label.replace(str(pair), "<pair>") if pair else label


def data_families(results: pd.DataFrame) -> pd.Series:
    """:func:`data_family` of every row of a :func:`deepdiff.results.store.collect_results` table."""
    return pd.Series(
        [
            data_family(s, lab, p)
            for s, lab, p in zip(results["source"], results["data_label"], results["pair"], strict=True)
        ],
        index=results.index,
        dtype=object,
    )


def contexts(results: pd.DataFrame) -> list[Context]:
    """The contexts present in a :func:`deepdiff.results.store.collect_results` table, best evidence first.

    Order: real full data before the real sample before simulated data; the ``paper`` profile
    before others; then more pairs, then more runs.
    """
    if results.empty:
        return []
    found = []
    keyed = results.assign(_family=data_families(results))
    for (source, label, profile), group in keyed.groupby(["source", "_family", "profile"], sort=True):
        found.append((Context(str(source), str(label), str(profile)), group["pair"].nunique(), len(group)))
    found.sort(key=lambda t: (*_context_rank(t[0]), -t[1], -t[2], str(t[0])))
    return [c for c, _, _ in found]


def _context_rank(context: Context) -> tuple[int, int]:
    data_rank = 0 if context.is_full_data else (1 if context.is_real else 2)
    return data_rank, 0 if context.profile == "paper" else 1


def in_context(results: pd.DataFrame, context: Context) -> pd.DataFrame:
    """The rows of ``results`` that belong to ``context``."""
    mask = (
        (results["source"] == context.source)
        & (data_families(results) == context.data_label)
        & (results["profile"] == context.profile)
    )
    return results[mask]


@dataclass(frozen=True)
class Evidence:
    """What an evaluation rests on: a context, the pairs used and the seeds per method."""

    context: Context
    pairs: tuple[str, ...]
    min_seeds: int
    max_seeds: int

    @property
    def seeds_text(self) -> str:
        if self.min_seeds == self.max_seeds:
            return f"{self.min_seeds} seed{'s' if self.min_seeds != 1 else ''}"
        return f"{self.min_seeds}-{self.max_seeds} seeds"

    @property
    def data_text(self) -> str:
        return f"{self.context.data_label}; {len(self.pairs)} pair{'s' if len(self.pairs) != 1 else ''}"

    @property
    def budget_text(self) -> str:
        return f"profile {self.context.profile}, {self.seeds_text}"

    def covers(self, required_pairs: Sequence[str]) -> bool:
        """Real full data, the paper's budget and every required pair."""
        return (
            self.context.is_full_data
            and self.context.profile == "paper"
            and set(required_pairs) <= set(self.pairs)
        )

    def __str__(self) -> str:
        return f"{self.data_text}; {self.budget_text}"


def context_of(data: PairData, profile: str) -> Context:
    """The context of runs on ``data`` with ``profile``."""
    return Context(data.source, data_family(data.source, data.label, str(data.pair)), profile)


def choose_context(results: pd.DataFrame, data: PairData, profile: str) -> Context:
    """The context of ``data`` and ``profile`` when it has runs, else the best context that has.

    Raises
    ------
    DataError
        When there are no runs at all.
    """
    found = contexts(results)
    if not found:
        raise DataError("no complete runs in the results directory: run the grid first (see the workflow)")
    mine = context_of(data, profile)
    return mine if mine in found else found[0]
