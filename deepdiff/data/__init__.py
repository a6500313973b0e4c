"""Data: REMC file format, verified downloads, caches and the real data sources.

The entry point for every source, simulated ones included, is :func:`deepdiff.sources.loading.load_pair`.
Names other than the containers are imported on first use, so that importing the containers does
not import pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

from deepdiff.data.containers import CellSplit, PairData, SplitData
from deepdiff.data.pair import Pair

_LAZY = {
    "read_split": "deepdiff.data.remc_format",
    "read_expression": "deepdiff.data.remc_format",
    "Expression": "deepdiff.data.remc_format",
    "load_split": "deepdiff.data.cache",
    "default_cache_dir": "deepdiff.data.cache",
}

__all__ = ["CellSplit", "Pair", "PairData", "SplitData", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
