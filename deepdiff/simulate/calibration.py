"""Calibration targets of the simulator: small summary statistics of the real data.

``calibration.json`` (next to this module) is written by ``scripts/calibrate_simulator.py`` from
``../shared/data`` (the authors' real sample and the expression files of all nine cells). It holds
no copy of the data, only

* per cell, 201 quantiles of ``log2(expression + 1)`` over all 19,795 genes;
* per unordered pair of the nine cells, the latent change model fitted to that pair's real
  log fold changes, with the real LFC spread it reproduces;
* per cell with real marks (E123 = sample Cell1, E003 = sample Cell2), the mark model: per-mark
  log background profile over the 200 bins, the planted signal's amplitude and response to
  activity, gene-level, positional and read-sharing noise, sparse bumps; and the real per-mark
  count summaries with the fit's report (real against simulated statistics);
* correlations of the noise between marks and between the two cells (from the real pair);
* a ``default`` entry for each: cells without real data use the mean of the known ones, pairs
  with an unknown cell use the median change model of the ten paper pairs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from deepdiff.constants import MARKS, N_BINS
from deepdiff.data.pair import Pair
from deepdiff.errors import DataError

#: Key of the fallback entries.
DEFAULT = "default"
CALIBRATION_FILE = "calibration.json"
#: Bump when the structure of calibration.json changes.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class MarkModel:
    """How one cell's marks are generated (arrays in :data:`deepdiff.constants.MARKS` order).

    See :mod:`deepdiff.simulate.marks` for the model these parameters belong to.

    Attributes
    ----------
    source : str
        Where the numbers come from, e.g. ``"E123 (real sample Cell1)"``.
    log_baseline : ndarray, shape (5, 200)
        Log mean background count per mark and bin (the mean count where the planted signal is
        off), averaged over gene effects.
    sign : ndarray, shape (5,)
        +1 where the signal grows with activity, -1 where it shrinks, 0 where nothing is planted.
    amplitude, steepness, threshold, slope : ndarray, shape (5,)
        Reads the planted signal adds at its kernel's peak, times the response
        ``exp(sign * slope * activity) / (1 + exp(-sign * steepness * (activity - threshold)))``
        (see :mod:`deepdiff.simulate.mechanism`).
    gene_sd : ndarray, shape (5,)
        Standard deviation of a gene's log-scale offset (constant over its 200 bins).
    kernel_sd : ndarray, shape (5,)
        Standard deviation of a gene's extra log-scale offset shaped like the mark's planted
        kernel (peak heights and domain strengths vary between genes beyond their activity).
    field_sd, field_phi : ndarray, shape (5,)
        Standard deviation and lag-1 correlation of the AR(1) log-scale field along the bins.
    bump_rate, bump_height : ndarray, shape (5,)
        Mean number of sparse extra peaks per gene and the log of their median height (counts).
    overlap : ndarray, shape (5,)
        Share of reads counted in two neighbouring bins.
    """

    source: str
    log_baseline: np.ndarray
    sign: np.ndarray
    amplitude: np.ndarray
    steepness: np.ndarray
    threshold: np.ndarray
    slope: np.ndarray
    gene_sd: np.ndarray
    kernel_sd: np.ndarray
    field_sd: np.ndarray
    field_phi: np.ndarray
    bump_rate: np.ndarray
    bump_height: np.ndarray
    overlap: np.ndarray

    def __post_init__(self) -> None:
        k = self.amplitude.shape
        if len(k) != 1 or self.log_baseline.shape != (k[0], N_BINS):
            raise DataError(f"mark model {self.source}: log_baseline must have shape (marks, 200)")
        for name in MARK_PARAMETERS:
            if getattr(self, name).shape != k:
                raise DataError(f"mark model {self.source}: {name} must have shape {k}")

    @property
    def n_marks(self) -> int:
        """Number of marks described (5 for a cell; 1 while fitting one mark)."""
        return int(self.amplitude.size)

    def mark(self, m: int) -> MarkModel:
        """The model of mark ``m`` alone (arrays of length 1)."""
        return MarkModel(
            source=self.source,
            log_baseline=self.log_baseline[m : m + 1],
            **{k: getattr(self, k)[m : m + 1] for k in MARK_PARAMETERS},
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (rounded to 5 significant digits)."""
        return {
            "source": self.source,
            "log_baseline": _round(self.log_baseline),
            **{k: _round(getattr(self, k)) for k in MARK_PARAMETERS},
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> MarkModel:
        """Inverse of :meth:`to_json`."""
        return cls(
            source=str(obj["source"]),
            log_baseline=np.asarray(obj["log_baseline"], dtype=np.float64),
            **{k: np.asarray(obj[k], dtype=np.float64) for k in MARK_PARAMETERS},
        )


#: The per-mark scalar parameters of :class:`MarkModel`, in a fixed order.
MARK_PARAMETERS: tuple[str, ...] = (
    "sign",
    "amplitude",
    "steepness",
    "threshold",
    "slope",
    "gene_sd",
    "kernel_sd",
    "field_sd",
    "field_phi",
    "bump_rate",
    "bump_height",
    "overlap",
)


@dataclass(frozen=True)
class GeneEffects:
    """Correlations of the gene-level offsets and fields (estimated on the one real pair E123/E003).

    Attributes
    ----------
    mark_loading : float
        Correlation of a gene's offsets between two marks of the same cell (one shared factor).
    cross_cell_corr : ndarray, shape (5,)
        Per mark, correlation of a gene's offset between the two cells of a pair.
    kernel_cross_cell_corr : ndarray, shape (5,)
        Per mark, correlation of the kernel-shaped offset between the two cells.
    field_cross_cell_corr : ndarray, shape (5,)
        Per mark, correlation of the positional field between the two cells (same locus), and
        the share of sparse bumps found at the same place in both cells.
    """

    mark_loading: float
    cross_cell_corr: np.ndarray
    kernel_cross_cell_corr: np.ndarray
    field_cross_cell_corr: np.ndarray

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "mark_loading": round(float(self.mark_loading), 5),
            **{k: _round(getattr(self, k)) for k in _CORRELATIONS},
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> GeneEffects:
        """Inverse of :meth:`to_json`."""
        return cls(
            mark_loading=float(obj["mark_loading"]),
            **{k: np.asarray(obj[k], dtype=np.float64) for k in _CORRELATIONS},
        )


#: The per-mark correlation arrays of :class:`GeneEffects`.
_CORRELATIONS: tuple[str, ...] = ("cross_cell_corr", "kernel_cross_cell_corr", "field_cross_cell_corr")


@dataclass(frozen=True)
class PairChange:
    """Latent change model of one pair: ``change = scale * exp(tail * h) * g``, ``h, g ~ N(0, 1)``.

    Attributes
    ----------
    scale, tail : float
        Fitted so that the simulated LFC has the real ``std`` and ``frac_de``.
    source : str
        The pair it was fitted to, or how the default was formed.
    real : dict
        The real LFC summary of that pair (:func:`deepdiff.simulate.stats.lfc_summary`); empty
        for the default.
    """

    scale: float
    tail: float
    source: str
    real: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "scale": round(self.scale, 6),
            "tail": round(self.tail, 6),
            "source": self.source,
            "real": {k: round(float(v), 5) for k, v in self.real.items()},
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PairChange:
        """Inverse of :meth:`to_json`."""
        return cls(
            scale=float(obj["scale"]),
            tail=float(obj["tail"]),
            source=str(obj["source"]),
            real={k: float(v) for k, v in obj.get("real", {}).items()},
        )


@dataclass(frozen=True)
class Calibration:
    """Everything the simulator reads from ``calibration.json``.

    Attributes
    ----------
    expression : mapping
        Cell (or ``"default"``) -> 201 quantiles of ``log2(expr + 1)`` at
        :data:`deepdiff.simulate.mechanism.EXPRESSION_LEVELS`.
    changes : mapping
        Unordered pair key ``"A-B"`` with ``A < B`` (or ``"default"``) -> :class:`PairChange`.
    marks : mapping
        Cell (or ``"default"``) -> :class:`MarkModel`.
    gene_effects : GeneEffects
    real_marks : mapping
        Cell -> real per-mark count summaries (:func:`deepdiff.simulate.stats.mark_summary`
        as lists), for reports and tests.
    provenance : mapping
        Source files, commit and the script that wrote the file.
    """

    expression: Mapping[str, np.ndarray]
    changes: Mapping[str, PairChange]
    marks: Mapping[str, MarkModel]
    gene_effects: GeneEffects
    real_marks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def expression_quantiles(self, cell: str) -> tuple[np.ndarray, str]:
        """The log-expression quantiles of ``cell`` and the key used (the cell or ``"default"``)."""
        key = cell if cell in self.expression else DEFAULT
        return self.expression[key], key

    def mark_model(self, cell: str) -> MarkModel:
        """The mark model of ``cell``, or the default for cells without real marks."""
        return self.marks.get(cell, self.marks[DEFAULT])

    def change(self, pair: str | Pair) -> PairChange:
        """The change model of ``pair`` (order does not matter), or the default."""
        return self.changes.get(pair_key(pair), self.changes[DEFAULT])

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "format_version": FORMAT_VERSION,
            "marks_order": list(MARKS),
            "expression_levels": "numpy.linspace(0, 1, 201)",
            "expression": {k: _round(v) for k, v in sorted(self.expression.items())},
            "changes": {k: v.to_json() for k, v in sorted(self.changes.items())},
            "marks": {k: v.to_json() for k, v in sorted(self.marks.items())},
            "gene_effects": self.gene_effects.to_json(),
            "real_marks": dict(self.real_marks),
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], where: str = "calibration") -> Calibration:
        """Inverse of :meth:`to_json`; a malformed object is a :class:`DataError` naming ``where``."""
        try:
            if obj["format_version"] != FORMAT_VERSION or list(obj["marks_order"]) != list(MARKS):
                raise DataError(
                    f"{where}: format_version {obj.get('format_version')} / marks order not supported "
                    f"(expected version {FORMAT_VERSION}); run scripts/calibrate_simulator.py"
                )
            cal = cls(
                expression={k: np.asarray(v, dtype=np.float64) for k, v in obj["expression"].items()},
                changes={k: PairChange.from_json(v) for k, v in obj["changes"].items()},
                marks={k: MarkModel.from_json(v) for k, v in obj["marks"].items()},
                gene_effects=GeneEffects.from_json(obj["gene_effects"]),
                real_marks=obj.get("real_marks", {}),
                provenance=obj.get("provenance", {}),
            )
        except (KeyError, TypeError, ValueError) as err:
            if isinstance(err, DataError):
                raise
            raise DataError(
                f"{where}: malformed simulator calibration ({type(err).__name__}: {err}); "
                "regenerate it with scripts/calibrate_simulator.py"
            ) from err
        for table in ("expression", "changes", "marks"):
            if DEFAULT not in getattr(cal, table):
                raise DataError(f"{where}: the {table!r} table has no {DEFAULT!r} entry")
        return cal


def pair_key(pair: str | Pair) -> str:
    """Order-free key of a pair: the two cells sorted, joined by ``-``."""
    pair = Pair.parse(pair)
    return "-".join(sorted((pair.cell_a, pair.cell_b)))


def _round(values: np.ndarray) -> list[Any]:
    """Nested lists of floats with 5 significant digits (keeps the file small and diff-able)."""
    return np.vectorize(lambda v: float(f"{v:.5g}"), otypes=[object])(np.asarray(values)).tolist()


def packaged_file(name: str) -> Path:
    """A file shipped beside the simulator's modules (``calibration.json``, ``learnability.json``)."""
    return Path(str(resources.files("deepdiff.simulate").joinpath(name)))


def read_json_file(path: str | Path, what: str, script: str) -> Any:
    """The JSON content of one of the simulator's fitted files; errors name the file and the script that writes it."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: {what} not found; run {script}") from None
    except (OSError, json.JSONDecodeError) as err:
        raise DataError(f"{path}: cannot read the {what} ({err})") from err


def calibration_path() -> Path:
    """The embedded ``calibration.json``."""
    return packaged_file(CALIBRATION_FILE)


def read_calibration(path: str | Path) -> Calibration:
    """Read a calibration file; errors name the file and say how to regenerate it."""
    obj = read_json_file(path, "simulator calibration", "scripts/calibrate_simulator.py")
    return Calibration.from_json(obj, where=str(path))


@cache
def default_calibration() -> Calibration:
    """The embedded calibration (read once; the object is immutable)."""
    return read_calibration(calibration_path())
