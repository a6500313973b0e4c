"""Data: REMC file format, verified downloads, caches and the data sources."""

from deepdiff.data.containers import CellSplit, PairData, SplitData
from deepdiff.data.pair import Pair

__all__ = ["CellSplit", "Pair", "PairData", "SplitData"]
