"""The shared result format: one directory per run, written atomically, and the result cache.

Every DeepDiff run and every baseline run writes one directory
``<results_dir>/<pair>/<method>/seed<seed>-<key[:12]>`` holding

``metrics.json``
    What was run on which data with which budget, and how well it did; see :data:`REQUIRED_KEYS`
    and :func:`write_result` for the fields.
``predictions.csv``
    One row per test gene: ``gene``, ``lfc_true``, ``lfc_pred`` and, where the method predicts
    each cell's expression, ``log_expr_a_true``, ``log_expr_a_pred``, ``log_expr_b_true``,
    ``log_expr_b_pred``; where it classifies each cell's expression (``aux_cls``, ``raw_aux_cls``),
    ``above_median_a_true`` (1 above the cell's training median, -1 not), ``above_median_a_prob``
    (the predicted probability of 1), and the same for cell B.
``attention.npz`` (optional)
    Attention of the test genes: ``genes``, ``row_attention`` (n, rows), ``bin_attention``
    (n, bin_rows, 200; stored as float16 to keep result folders small, about three significant
    digits), ``row_names``, ``bin_row_names``.
``model.pt`` and ``model.json`` (runs of the training loop)
    The selected weights of the run's networks and what rebuilds them; see
    :mod:`deepdiff.training.saved`.

The cache key (:func:`cache_key`) is the SHA-256 of the canonical JSON of the kind, the method,
the full configuration and the data checksum, so a run with the same configuration on the same
data is found again (:func:`find_result`) and not repeated.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import subprocess
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deepdiff import __version__
from deepdiff._util.io import atomic_directory
from deepdiff.constants import RESULT_KINDS
from deepdiff.errors import DataError

METRICS_FILE = "metrics.json"
PREDICTIONS_FILE = "predictions.csv"
ATTENTION_FILE = "attention.npz"
#: The saved model of a run trained by the training loop (:mod:`deepdiff.training.saved`).
MODEL_FILE = "model.pt"
MODEL_META_FILE = "model.json"

#: Fields every ``metrics.json`` must have; :func:`write_result` fills the others with defaults.
REQUIRED_KEYS: tuple[str, ...] = (
    "kind",
    "method",
    "pair",
    "data",
    "profile",
    "seed",
    "config",
    "test",
    "valid",
    "key",
)
SPLIT_METRIC_KEYS: tuple[str, ...] = ("pearson", "spearman", "mse", "n")
PREDICTION_COLUMNS: tuple[str, ...] = ("gene", "lfc_true", "lfc_pred")
OPTIONAL_PREDICTION_COLUMNS: tuple[str, ...] = (
    "log_expr_a_true",
    "log_expr_a_pred",
    "log_expr_b_true",
    "log_expr_b_pred",
    "above_median_a_true",
    "above_median_a_prob",
    "above_median_b_true",
    "above_median_b_prob",
)
ATTENTION_KEYS: tuple[str, ...] = ("genes", "row_attention", "bin_attention", "row_names", "bin_row_names")
#: Columns of :func:`collect_results`, in order.
COLLECT_COLUMNS: tuple[str, ...] = (
    "kind",
    "method",
    "pair",
    "source",
    "data_label",
    "profile",
    "seed",
    "test_pearson",
    "test_spearman",
    "test_mse",
    "valid_pearson",
    "data_checksum",
    "created",
    "path",
)


def _jsonable(obj: Any) -> Any:
    """Plain JSON types for dataclasses, numpy scalars and arrays, paths, tuples and sets."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _jsonable(dataclasses.asdict(obj))
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(_jsonable(v) for v in obj)
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    return str(obj)


def canonical_json(obj: Any) -> str:
    """Key-sorted, whitespace-free JSON of ``obj``: equal configurations give equal text."""
    return json.dumps(_jsonable(obj), sort_keys=True, separators=(",", ":"), allow_nan=False)


def cache_key(kind: str, method: str, config: Mapping[str, Any], data_checksum: str) -> str:
    """SHA-256 (hex) identifying a run: kind, method, full configuration and data checksum.

    Parameters
    ----------
    kind : {"deepdiff", "baseline"}
    method : str
        Variant or baseline name.
    config : mapping
        The full configuration; include everything that changes the result (seed, budget,
        hyper-parameters). Key order does not matter.
    data_checksum : str
        :attr:`deepdiff.data.PairData.checksum`.
    """
    payload = {"kind": kind, "method": method, "config": config, "data": data_checksum}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def result_path(results_dir: str | os.PathLike[str], pair: str, method: str, seed: int, key: str) -> Path:
    """Where a run lives: ``<results_dir>/<pair>/<method>/seed<seed>-<key[:12]>``."""
    return Path(results_dir) / str(pair) / method / f"seed{int(seed)}-{key[:12]}"


def _read_metrics(path: Path) -> dict[str, Any]:
    metrics_file = path / METRICS_FILE
    try:
        return json.loads(metrics_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"{metrics_file} is missing: {path} is not a complete result directory (delete it and run again)"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataError(f"{metrics_file} is not valid JSON ({err}); delete {path} and run again") from None


def find_result(
    results_dir: str | os.PathLike[str], pair: str, method: str, seed: int, key: str
) -> Path | None:
    """The complete result directory of this run, or None (see :func:`is_complete`)."""
    path = result_path(results_dir, pair, method, seed, key)
    return path if is_complete(path, key) else None


def is_complete(path: str | os.PathLike[str], key: str) -> bool:
    """True when ``path`` holds ``metrics.json`` and ``predictions.csv`` and its stored key is ``key``.

    The directory name holds only the key's first 12 characters; the full key is checked here.
    """
    path = Path(path)
    if not (path / METRICS_FILE).is_file() or not (path / PREDICTIONS_FILE).is_file():
        return False
    try:
        metrics = _read_metrics(path)
    except DataError:
        return False
    return metrics.get("key") == key


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version, plus the git commit when running from a git checkout."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+g{sha}" if sha else __version__


def _check_split_metrics(name: str, value: Any) -> None:
    if not isinstance(value, Mapping) or not set(SPLIT_METRIC_KEYS) <= set(value):
        raise ValueError(
            f"metrics[{name!r}] must be a dict with keys {', '.join(SPLIT_METRIC_KEYS)} "
            f"(use deepdiff.results.store.split_metrics); got {value!r}"
        )


def check_metrics(metrics: Mapping[str, Any]) -> None:
    """ValueError naming the first field of ``metrics`` that a result's ``metrics.json`` cannot have:
    a missing required field, an unknown kind, data without its source, label and checksum, or
    test and valid splits without their metrics."""
    _complete_metrics(metrics)


def _complete_metrics(metrics: Mapping[str, Any]) -> dict[str, Any]:
    missing = [k for k in REQUIRED_KEYS if k not in metrics]
    if missing:
        raise ValueError(f"metrics lack required field(s) {', '.join(missing)}; see deepdiff.results.store")
    if metrics["kind"] not in RESULT_KINDS:
        raise ValueError(f"metrics['kind'] is {metrics['kind']!r}; expected one of {', '.join(RESULT_KINDS)}")
    data = metrics["data"]
    if not isinstance(data, Mapping) or not {"source", "label", "checksum"} <= set(data):
        raise ValueError(f"metrics['data'] must have source, label and checksum; got {data!r}")
    _check_split_metrics("test", metrics["test"])
    _check_split_metrics("valid", metrics["valid"])
    out = dict(metrics)
    out.setdefault("history", [])
    out.setdefault("selected", {})
    out.setdefault("code_version", code_version())
    out.setdefault("device", "cpu")
    out.setdefault("wall_time_s", None)
    out.setdefault("timings", {})
    out.setdefault("created", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return out


def attention_arrays(attention: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Attention maps as stored in ``attention.npz``: ``bin_attention`` as float16, names as str.

    Raises
    ------
    ValueError
        When an array of :data:`ATTENTION_KEYS` is missing.
    """
    missing = [k for k in ATTENTION_KEYS if k not in attention]
    if missing:
        raise ValueError(f"attention lacks array(s) {', '.join(missing)}")
    arrays = {k: np.asarray(v) for k, v in attention.items()}
    arrays["bin_attention"] = arrays["bin_attention"].astype(np.float16)
    for k in ("genes", "row_names", "bin_row_names"):
        arrays[k] = arrays[k].astype(str)
    return arrays


def write_result(
    path: str | os.PathLike[str],
    *,
    metrics: dict[str, Any],
    predictions: pd.DataFrame,
    attention: Mapping[str, np.ndarray] | None = None,
    files: Mapping[str, bytes] | None = None,
    replace: bool = True,
) -> Path:
    """Write one result directory atomically (a reader sees all of it or none of it).

    Parameters
    ----------
    path : path-like
        Usually :func:`result_path`; an existing directory there is replaced (see ``replace``).
    metrics : dict
        Must hold :data:`REQUIRED_KEYS`: ``kind``, ``method``, ``pair``, ``data`` (``source``,
        ``label``, ``checksum``), ``profile``, ``seed``, ``config``, ``test`` and ``valid``
        (from :func:`split_metrics`) and ``key`` (:func:`cache_key`). Missing optional fields get
        defaults: ``history`` [], ``selected`` {}, ``code_version`` (:func:`code_version`),
        ``device`` "cpu", ``wall_time_s`` None, ``timings`` {}, ``created`` (now, UTC).
    predictions : DataFrame
        One row per test gene with at least ``gene``, ``lfc_true``, ``lfc_pred``.
    attention : mapping, optional
        Arrays named as in :data:`ATTENTION_KEYS`; ``bin_attention`` is stored as float16.
    files : mapping, optional
        More files of the run, name -> bytes (e.g. the saved model of :mod:`deepdiff.training.saved`).
    replace : bool
        False keeps a complete result of the same key that is already there (another process
        finished the same run first) instead of replacing it, as long as it holds every one of
        ``files`` too (a copy unpacked from a results bundle has no saved model: it is replaced);
        see :func:`deepdiff._util.io.atomic_directory`.

    Returns
    -------
    Path
        The result directory.

    Raises
    ------
    ValueError
        On a missing field or column (a programming error of the caller).
    """
    full = _complete_metrics(metrics)
    missing_cols = [c for c in PREDICTION_COLUMNS if c not in predictions.columns]
    if missing_cols:
        raise ValueError(f"predictions lack column(s) {', '.join(missing_cols)}")
    if len(predictions) != full["test"]["n"]:
        raise ValueError(
            f"predictions have {len(predictions)} rows but metrics['test']['n'] is {full['test']['n']}"
        )
    arrays = None if attention is None else attention_arrays(attention)
    files = dict(files or {})
    clash = sorted(set(files) & {METRICS_FILE, PREDICTIONS_FILE, ATTENTION_FILE})
    if clash or any(Path(name).name != name for name in files):
        raise ValueError(
            f"extra result files must be plain names other than the standard files: {sorted(files)}"
        )
    text = json.dumps(_jsonable(full), indent=2, sort_keys=True, allow_nan=False) + "\n"
    key = str(full["key"])

    def same_run_whole(existing: Path) -> bool:
        # A copy of this run without this writer's files (a bundle's, without the saved model) is replaced.
        return is_complete(existing, key) and all((existing / name).is_file() for name in files)

    with atomic_directory(path, keep_existing=None if replace else same_run_whole) as tmp:
        (tmp / METRICS_FILE).write_text(text, encoding="utf-8")
        predictions.to_csv(tmp / PREDICTIONS_FILE, index=False)
        if arrays is not None:
            np.savez_compressed(tmp / ATTENTION_FILE, **arrays)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
    return Path(path)


@dataclass(frozen=True, eq=False)
class RunResult:
    """A complete result directory, loaded.

    Attributes
    ----------
    path : Path
    metrics : dict
        The contents of ``metrics.json``.
    predictions : DataFrame
        The contents of ``predictions.csv`` (``gene`` as str).
    reused : bool
        True when a training entry point found this result in the cache instead of running.
    """

    path: Path
    metrics: dict[str, Any]
    predictions: pd.DataFrame = field(repr=False)
    reused: bool = False

    def attention(self) -> dict[str, np.ndarray] | None:
        """The test genes' attention (``attention.npz``) as a dict of arrays, or None if not saved."""
        file = self.path / ATTENTION_FILE
        if not file.is_file():
            return None
        with np.load(file, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}

    @property
    def method(self) -> str:
        return str(self.metrics["method"])

    @property
    def test_pearson(self) -> float:
        """Test-split Pearson correlation of the predicted and true LFC (NaN if undefined)."""
        value = self.metrics["test"]["pearson"]
        return float("nan") if value is None else float(value)

    def summary(self) -> str:
        """One line: method, pair, data, budget, seed and test PCC."""
        m = self.metrics
        return (
            f"{m['method']} on {m['pair']} [{m['data']['label']}], profile {m['profile']}, "
            f"seed {m['seed']}: test PCC {self.test_pearson:.3f} (n={m['test']['n']})"
        )


def load_result(path: str | os.PathLike[str]) -> RunResult:
    """Load a result directory written by :func:`write_result`.

    Raises
    ------
    DataError
        If ``metrics.json`` or ``predictions.csv`` is missing or unreadable.
    """
    path = Path(path)
    metrics = _read_metrics(path)
    pred_file = path / PREDICTIONS_FILE
    if not pred_file.is_file():
        raise DataError(f"{pred_file} is missing: {path} is incomplete (delete it and run again)")
    try:
        predictions = pd.read_csv(pred_file, dtype={"gene": str})
    except OSError as err:  # replaced by another writer between the check and the read
        raise DataError(f"{pred_file} could not be read ({err}); run again") from err
    return RunResult(path=path, metrics=metrics, predictions=predictions)


def _metric(metrics: Mapping[str, Any], split: str, name: str) -> float:
    value = metrics.get(split, {}).get(name)
    return float("nan") if value is None else float(value)


def _run_directories(root: Path) -> list[Path]:
    """Directories under ``root`` holding a ``metrics.json``, sorted, hidden ones not entered.

    Concurrent writers create and delete hidden temporary directories while this walks: a
    directory that vanishes under the walk is passed over, not an error.
    """
    found = []
    for folder, subfolders, files in os.walk(root, onerror=lambda err: None):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        if METRICS_FILE in files:
            found.append(Path(folder))
    return sorted(found)


def collect_results(results_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """One row per complete run found under ``results_dir`` (any depth).

    Directories whose name starts with ``.`` (temporary directories, checkpoints) are skipped;
    an unreadable ``metrics.json`` is skipped with a warning.

    Returns
    -------
    DataFrame
        Columns :data:`COLLECT_COLUMNS`, sorted by kind, method, pair, data label, profile, seed.
    """
    root = Path(results_dir)
    rows = []
    for run_dir in _run_directories(root):
        if not (run_dir / PREDICTIONS_FILE).is_file():
            continue
        try:
            m = _read_metrics(run_dir)
            rows.append(
                {
                    "kind": m["kind"],
                    "method": m["method"],
                    "pair": m["pair"],
                    "source": m["data"]["source"],
                    "data_label": m["data"]["label"],
                    "profile": m["profile"],
                    "seed": int(m["seed"]),
                    "test_pearson": _metric(m, "test", "pearson"),
                    "test_spearman": _metric(m, "test", "spearman"),
                    "test_mse": _metric(m, "test", "mse"),
                    "valid_pearson": _metric(m, "valid", "pearson"),
                    "data_checksum": str(m["data"]["checksum"]),
                    "created": str(m.get("created", "")),
                    "path": str(run_dir),
                }
            )
        except (DataError, KeyError, TypeError, ValueError) as err:
            warnings.warn(f"skipping unreadable result {run_dir}: {err}", stacklevel=2)
    table = pd.DataFrame(rows, columns=list(COLLECT_COLUMNS))
    if table.empty:
        return table
    order = ["kind", "method", "pair", "data_label", "profile", "seed"]
    return table.sort_values(order, kind="stable").reset_index(drop=True)


def split_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float | int | None]:
    """Pearson, Spearman, MSE and count of one split.

    Correlations are None (NaN in tables) when undefined: fewer than two genes or a constant
    input. The values are plain Python numbers, ready for JSON.
    """
    from scipy.stats import spearmanr

    from deepdiff.results.statistics import pearson

    y = np.asarray(y_true, dtype=np.float64).ravel()
    p = np.asarray(y_pred, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"y_true has {y.size} values but y_pred has {p.size}")
    n = int(y.size)
    r = pearson(y, p)
    rho = float("nan")
    if n >= 2 and np.ptp(y) > 0 and np.ptp(p) > 0:
        rho = float(spearmanr(y, p).statistic)
    mse = float(np.mean((y - p) ** 2)) if n else float("nan")

    def clean(v: float) -> float | None:
        return None if not math.isfinite(v) else float(v)

    return {"pearson": clean(r), "spearman": clean(rho), "mse": clean(mse), "n": n}
