"""What the grid's jobs cost: measured per-unit costs, in one place, and the estimates built on them.

``costs.json`` (beside this module, read by :func:`measured`) holds, per profile and method, the measured cost of one run on a full-size pair
(10,000 / 2,360 / 6,100 genes) with 2 CPU threads: seconds per epoch of the methods trained by the
training loop, the fixed seconds of a run outside its epochs (for the other baselines: the whole
run), and the peak memory of the job's processes. Each entry names where it was measured
(:class:`Provenance`: machine, date, command). From them:

* :func:`job_seconds` and :func:`job_mem_mb` — one job's expected time and memory (the
  workflow's ``runtime`` and ``mem_mb`` resources, and the shards' balance);
* :func:`makespan` — the wall time of jobs on parallel slots;

:mod:`deepdiff.grid.estimate` builds the estimate of a whole grid on them.

Scaling rules (estimates, not measurements): a run's fixed cost is proportional to the genes of
its pair (SVR fits grow faster, so their estimate is low on larger pairs), an epoch's to the
training and validation genes it reads (the ``quick`` profile caps them: its epochs cost about the
same on any pair of more than 2,000 genes); ``epochs`` replaces the profile's maximum number of
epochs; thread counts other than 2 are not modelled (the small networks gain little from more CPU
threads); memory is the full-size pair's at any size.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from deepdiff import methods
from deepdiff.constants import FULL_SPLIT_SIZES, SAMPLE_SPLIT_SIZE, check_profile
from deepdiff.errors import ConfigError

if TYPE_CHECKING:
    from deepdiff.training.config import TrainConfig


class GridSettings(Protocol):
    """What a cost depends on, of a :class:`deepdiff.grid.settings.GridConfig` (costs sit below the grid)."""

    @property
    def data(self) -> str: ...
    @property
    def profile(self) -> str: ...
    @property
    def genes(self) -> int | None: ...
    @property
    def epochs(self) -> int | None: ...
    @property
    def gpus(self) -> int: ...


class JobMethod(Protocol):
    """What a cost depends on, of a :class:`deepdiff.grid.jobs.Job`: its method."""

    @property
    def method(self) -> str: ...


#: Genes of the pair every cost was measured on (the paper's pairs: 10,000 / 2,360 / 6,100).
REFERENCE_GENES: int = sum(FULL_SPLIT_SIZES.values())
#: Genes of the authors' real sample.
SAMPLE_GENES: int = SAMPLE_SPLIT_SIZE * len(FULL_SPLIT_SIZES)
#: CPU threads of every measured job.
REFERENCE_THREADS: int = 2
#: ASSUMPTION, not a measurement (no GPU was available): one epoch on one GPU takes 1/10 of its
#: time on 2 CPU cores. The paper's batch of 10 genes leaves a GPU mostly idle, so more would be
#: optimistic. Fixed costs (data, test predictions) and the other baselines stay on the CPU.
ASSUMED_GPU_SPEEDUP: float = 10.0
#: Memory asked per job: the measured peak times this margin, rounded up to 256 MB.
MEMORY_MARGIN: float = 1.3
#: SLURM ``runtime`` asked per job: the estimate times this margin, plus 10 minutes.
RUNTIME_MARGIN: float = 2.0


@dataclass(frozen=True)
class Provenance:
    """Where and how a cost was measured."""

    source: str
    machine: str
    date: str
    command: str
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.source}, {self.date}, {self.machine}: `{self.command}`"
        return text + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class UnitCost:
    """The measured cost of one run of a method on a full-size pair with 2 threads.

    Attributes
    ----------
    epoch_s : float
        Wall seconds per epoch (training on the training genes and scoring the validation genes, as
        many of them as the profile reads); 0 for methods without a training loop.
    fixed_s : float
        Wall seconds of a run outside its epochs (predicting the test genes, writing the result);
        the whole run for methods without a training loop.
    cpu_share : float
        CPU seconds of the run per wall second (at most the 2 threads): on a machine shared with
        other work it is below 2, and ``cpu_share / 2`` of the wall time is what an idle machine
        with perfect use of both threads would take, the lower bound of
        :func:`deepdiff.grid.estimate.estimate`.
    peak_mb : int
        Peak resident memory of the job's processes (with worker processes), MB.
    provenance : Provenance
    """

    epoch_s: float
    fixed_s: float
    cpu_share: float
    peak_mb: int
    provenance: Provenance


#: The packaged file of measured costs (beside this module), and the fields of one of its rows: the
#: columns of ``benchmarks/grid_costs.py`` and the key of the row's provenance.
COSTS_FILE: str = "costs.json"
_ROW_FIELDS: tuple[str, ...] = ("epoch_s", "fixed_s", "cpu_s", "run_s", "peak_mb", "provenance")
_PROVENANCE_FIELDS: frozenset[str] = frozenset(f.name for f in dataclasses.fields(Provenance))
#: Profiles whose costs are derived in code, not measured (:func:`book_costs`).
DERIVED_PROFILES: tuple[str, ...] = ("book",)


def _training_config(profile: str) -> TrainConfig:
    """:func:`deepdiff.training.config.training_config`, imported on first use: the package
    ``deepdiff.training`` imports torch, which estimating a grid does not need."""
    from deepdiff.training.config import training_config

    return training_config(profile)


def costs_path() -> Path:
    """The packaged ``costs.json``."""
    return Path(str(resources.files("deepdiff.grid").joinpath(COSTS_FILE)))


def _cost(row: Mapping[str, Any], provenance: Provenance) -> UnitCost:
    """A cost from one benchmark row: the run's CPU and wall seconds give its CPU share."""
    return UnitCost(
        float(row["epoch_s"]),
        float(row["fixed_s"]),
        min(float(REFERENCE_THREADS), row["cpu_s"] / row["run_s"]),
        int(row["peak_mb"]),
        provenance,
    )


def _check_keys(where: str, found: Iterable[str], expected: Iterable[str]) -> None:
    """A ConfigError naming ``where`` when ``found`` lacks or adds keys to ``expected``."""
    found, expected = set(found), set(expected)
    if found != expected:
        raise ConfigError(
            f"{where}: expected the keys {sorted(expected)}; missing {sorted(expected - found)}, "
            f"unknown {sorted(found - expected)}"
        )


def parse_costs(obj: Any, where: str) -> Mapping[str, Mapping[str, UnitCost]]:
    """Profile -> method -> :class:`UnitCost` from the content of a costs file, checked.

    Parameters
    ----------
    obj
        The parsed JSON.
    where : str
        The file's name, for the errors.

    Raises
    ------
    ConfigError
        Naming the file and the entry: an unknown profile or method, a missing or unknown field, a
        value that is not a non-negative number (a positive one for the run's seconds and memory),
        or an unknown provenance.
    """
    if not isinstance(obj, dict):
        raise ConfigError(f"{where}: expected a JSON object")
    _check_keys(where, obj, ("comment", "provenance", "costs"))
    if not isinstance(obj["provenance"], dict) or not isinstance(obj["costs"], dict):
        raise ConfigError(f"{where}: 'provenance' and 'costs' must be JSON objects")
    provenances = {}
    for key, record in obj["provenance"].items():
        if not isinstance(record, dict):
            raise ConfigError(f"{where}: provenance {key!r} must be a JSON object")
        _check_keys(f"{where}: provenance {key!r}", record, _PROVENANCE_FIELDS)
        if not all(isinstance(v, str) for v in record.values()):
            raise ConfigError(f"{where}: provenance {key!r}: every field must be a string")
        provenances[key] = Provenance(**record)
    measured: dict[str, Mapping[str, UnitCost]] = {}
    for profile, rows in obj["costs"].items():
        if profile in DERIVED_PROFILES:
            raise ConfigError(f"{where}: profile {profile!r} is derived in deepdiff.grid.costs, not measured")
        check_profile(profile, where=where)
        if not isinstance(rows, dict):
            raise ConfigError(f"{where}: costs of {profile!r} must be a JSON object")
        costs = {}
        for method, row in rows.items():
            at = f"{where}: {profile} {method}"
            if method not in methods.METHODS:
                raise ConfigError(
                    f"{at}: unknown method {method!r}; choose one of {', '.join(methods.METHODS)}"
                )
            if not isinstance(row, dict):
                raise ConfigError(f"{at}: expected a JSON object")
            _check_keys(at, row, _ROW_FIELDS)
            for name in _ROW_FIELDS[:-1]:
                value = row[name]
                positive = name in ("run_s", "peak_mb")
                if (
                    isinstance(value, bool)
                    or not isinstance(value, (int, float))
                    or not (value > 0 if positive else value >= 0)
                ):
                    raise ConfigError(
                        f"{at}: {name} must be a {'positive' if positive else 'non-negative'} number, got {value!r}"
                    )
            if row["provenance"] not in provenances:
                raise ConfigError(
                    f"{at}: unknown provenance {row['provenance']!r}; choose one of {', '.join(provenances)}"
                )
            costs[method] = _cost(row, provenances[row["provenance"]])
        measured[profile] = MappingProxyType(costs)
    return MappingProxyType(measured)


@cache
def measured() -> Mapping[str, Mapping[str, UnitCost]]:
    """Profile -> method -> measured cost of one run, from the packaged :data:`COSTS_FILE` (see
    :class:`UnitCost` and each provenance); the book profile's are derived from quick's
    (:func:`book_costs`)."""
    path = costs_path()
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the measured costs ({err})") from err
    return parse_costs(obj, str(path))


@cache
def book_costs() -> Mapping[str, UnitCost]:
    """The book profile's costs, derived from quick's (not measured): the book profile is quick with
    more genes per epoch on a full-size pair (its epoch is longer in proportion) and, for the CNN, five
    times the epochs (an upper bound: its patience stops it earlier)."""
    ratio = _epoch_genes(FULL_SPLIT_SIZES["train"], FULL_SPLIT_SIZES["valid"], _training_config("book")) / (
        _epoch_genes(FULL_SPLIT_SIZES["train"], FULL_SPLIT_SIZES["valid"], _training_config("quick"))
    )
    note = (
        f"derived from this quick measurement: epoch seconds times {ratio:.2f} (genes read per epoch), the "
        "CNN's run times 5 (epochs); not measured"
    )
    out = {}
    for name, cost in measured()["quick"].items():
        if name == "cnn":
            cost = dataclasses.replace(cost, fixed_s=cost.fixed_s * 5)
        elif cost.epoch_s:
            cost = dataclasses.replace(cost, epoch_s=cost.epoch_s * ratio)
        out[name] = dataclasses.replace(cost, provenance=dataclasses.replace(cost.provenance, note=note))
    return MappingProxyType(out)


def unit_cost(method: str, profile: str) -> UnitCost:
    """The measured cost of ``method`` under ``profile``; a ConfigError when none was measured."""
    try:
        return (book_costs() if profile == "book" else measured()[profile])[method]
    except KeyError:
        listed = ", ".join(f"{p}: {', '.join(m)}" for p, m in measured().items())
        raise ConfigError(
            f"no measured cost of {method!r} with profile {profile!r} (measured: {listed}); "
            f"run benchmarks/grid_costs.py and add it to {costs_path()}"
        ) from None


def data_scale(grid: GridSettings) -> float:
    """The genes of the grid's pairs relative to :data:`REFERENCE_GENES` (a user's own cells: 1)."""
    if grid.genes is not None:
        return grid.genes / REFERENCE_GENES
    return SAMPLE_GENES / REFERENCE_GENES if grid.data == "sample" else 1.0


def _epoch_genes(train: float, valid: float, config: TrainConfig) -> float:
    """Genes an epoch reads: the training and validation genes, capped as the profile caps them."""
    if config.max_train_genes is not None:
        train = min(train, config.max_train_genes)
    if config.max_valid_genes is not None:
        valid = min(valid, config.max_valid_genes)
    return train + valid


def epoch_scale(grid: GridSettings) -> float:
    """An epoch's genes on the grid's pairs relative to the measured epoch's.

    Linear in the pair's genes, except where the profile caps the genes of an epoch (``quick``
    trains on at most 500 genes and validates on 250 whatever the pair's size).
    """
    config = _training_config(grid.profile)
    if grid.genes is None and grid.data == "sample":
        train = valid = float(SAMPLE_SPLIT_SIZE)
    else:  # the paper's proportions at the grid's size
        train, valid = (FULL_SPLIT_SIZES[split] * data_scale(grid) for split in ("train", "valid"))
    reference = _epoch_genes(FULL_SPLIT_SIZES["train"], FULL_SPLIT_SIZES["valid"], config)
    return _epoch_genes(train, valid, config) / reference


def job_seconds(job: JobMethod, grid: GridSettings, *, gpu: bool = False, idle: bool = False) -> float:
    """Expected seconds of one job with :data:`REFERENCE_THREADS` threads.

    Parameters
    ----------
    job, grid
    gpu : bool
        Its epochs on one GPU (:data:`ASSUMED_GPU_SPEEDUP`, an assumption).
    idle : bool
        On an idle machine: the measured wall time scaled by the run's CPU share (a lower bound;
        without it, the wall time as measured on a shared machine, an upper bound).
    """
    cost = unit_cost(job.method, grid.profile)
    epochs_s = 0.0
    if methods.METHODS[job.method].training_loop:
        epochs = grid.epochs if grid.epochs is not None else _training_config(grid.profile).max_epochs
        epochs_s = epochs * cost.epoch_s * epoch_scale(grid) / (ASSUMED_GPU_SPEEDUP if gpu else 1.0)
    share = cost.cpu_share / REFERENCE_THREADS if idle else 1.0
    return (cost.fixed_s * data_scale(grid) + epochs_s) * share


def job_mem_mb(job: JobMethod, grid: GridSettings) -> int:
    """Memory to ask for one job, MB: the measured peak with :data:`MEMORY_MARGIN`, at least 1 GB."""
    peak = unit_cost(job.method, grid.profile).peak_mb * MEMORY_MARGIN
    return max(1024, math.ceil(peak / 256.0) * 256)


def job_runtime_min(job: JobMethod, grid: GridSettings) -> int:
    """Minutes to ask a cluster for one job: the estimate with :data:`RUNTIME_MARGIN`, plus 10.

    A GPU job asks for its CPU time too: the GPU's speed-up is assumed, not measured, and a time
    limit set from it could kill every job of a grid.
    """
    return math.ceil(job_seconds(job, grid) * RUNTIME_MARGIN / 60.0) + 10


def makespan(seconds: Sequence[float], slots: int) -> float:
    """Wall time of jobs on ``slots`` parallel slots, longest first to the slot free first."""
    free = [0.0] * max(1, slots)
    for s in sorted(seconds, reverse=True):
        i = min(range(len(free)), key=free.__getitem__)
        free[i] += s
    return max(free) if seconds else 0.0
