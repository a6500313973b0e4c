"""What the grid's jobs cost: measured per-unit costs, in one place, and the estimates built on them.

:data:`MEASURED` holds, per profile and method, the measured cost of one run on a full-size pair
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
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from deepdiff import methods
from deepdiff.constants import FULL_SPLIT_SIZES, SAMPLE_SPLIT_SIZE
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


_BENCH = Provenance(
    source="benchmarks/grid_costs.py",
    machine="x86_64 (AVX2), 2 CPUs, nothing else running (load average 0.9-2.5 with the benchmark's 2 threads)",
    date="2026-11-30",
    command="python benchmarks/grid_costs.py --methods raw_d,raw_c,raw,aux,raw_aux,aux_siamese,raw_aux_siamese,"
    "attentivechrome_diff --profile paper --threads 2 --epochs 1",
    note="one epoch of the paper's budget per method, remeasured after the recurrence's gate activations were sped up",
)
_BASELINES_PAGE = Provenance(
    source="book/baselines.md (benchmarks/baselines.py)",
    machine="x86_64, 2 CPUs, shared with a test run during the first method",
    date="2026-11-25",
    command="python benchmarks/baselines.py --profile paper --n-jobs 2",
    note="wall time measured; peak memory NOT measured at this budget: 2,000 MB assumed",
)
_QUICK = Provenance(
    source="benchmarks/grid_costs.py",
    machine=_BENCH.machine,
    date="2026-11-30",
    command="python benchmarks/grid_costs.py --profile quick --threads 2 --epochs 6 "
    "(and --methods ridge,hgb,cnn)",
    note="whole runs of the quick profile on a full-size pair (the DeepDiff variants and AttentiveChrome-diff "
    "remeasured after the recurrence's gate activations were sped up)",
)


_CLS_BENCH = Provenance(
    source="benchmarks/grid_costs.py",
    machine="x86_64, 2 CPUs, shared with other work (load average 1.4-5.5 during the runs)",
    date="2026-12-07",
    command="python benchmarks/grid_costs.py --methods aux_cls,raw_aux_cls --profile paper --threads 2 --epochs 1",
    note="one epoch of the paper's budget; the machine was busy, so the wall times are well above those of aux "
    "and raw_aux (their CPU seconds are close): an upper bound",
)
_CLS_QUICK = Provenance(
    source="benchmarks/grid_costs.py",
    machine=_CLS_BENCH.machine.replace("1.4-5.5", "4.7-5.0"),
    date="2026-12-07",
    command="python benchmarks/grid_costs.py --methods aux_cls,raw_aux_cls --profile quick --threads 2 --epochs 6",
    note="whole runs of the quick profile on a full-size pair, on a busy machine: an upper bound",
)


def _cost(
    epoch_s: float, fixed_s: float, cpu_s: float, run_s: float, peak_mb: int, provenance: Provenance
) -> UnitCost:
    """A cost from one benchmark row: the run's CPU and wall seconds give its CPU share."""
    return UnitCost(
        float(epoch_s), float(fixed_s), min(float(REFERENCE_THREADS), cpu_s / run_s), int(peak_mb), provenance
    )


@cache
def book_costs() -> Mapping[str, UnitCost]:
    """The book profile's costs, derived from quick's (not measured): the book profile is quick with
    more genes per epoch on a full-size pair (its epoch is longer in proportion) and, for the CNN, five
    times the epochs (an upper bound: its patience stops it earlier)."""
    from deepdiff.training.config import training_config

    ratio = _epoch_genes(FULL_SPLIT_SIZES["train"], FULL_SPLIT_SIZES["valid"], training_config("book")) / (
        _epoch_genes(FULL_SPLIT_SIZES["train"], FULL_SPLIT_SIZES["valid"], training_config("quick"))
    )
    note = (
        f"derived from this quick measurement: epoch seconds times {ratio:.2f} (genes read per epoch), the "
        "CNN's run times 5 (epochs); not measured"
    )
    out = {}
    for name, cost in MEASURED["quick"].items():
        if name == "cnn":
            cost = dataclasses.replace(cost, fixed_s=cost.fixed_s * 5)
        elif cost.epoch_s:
            cost = dataclasses.replace(cost, epoch_s=cost.epoch_s * ratio)
        out[name] = dataclasses.replace(cost, provenance=dataclasses.replace(cost.provenance, note=note))
    return MappingProxyType(out)


#: Profile -> method -> measured cost of one run (see :class:`UnitCost` and each provenance); the book
#: profile's are derived from quick's (:func:`book_costs`).
MEASURED: Mapping[str, Mapping[str, UnitCost]] = MappingProxyType(
    {
        "paper": MappingProxyType(
            {
                "raw_d": _cost(37.2, 13.5, 77.4, 50.7, 666, _BENCH),
                "raw_c": _cost(50.7, 15.9, 117.8, 66.6, 843, _BENCH),
                "raw": _cost(67.0, 21.9, 160.0, 88.8, 942, _BENCH),
                "aux": _cost(56.7, 17.1, 126.2, 73.8, 823, _BENCH),
                "raw_aux": _cost(107.2, 30.5, 256.7, 137.6, 1175, _BENCH),
                "aux_siamese": _cost(56.2, 16.5, 130.8, 72.7, 801, _BENCH),
                "raw_aux_siamese": _cost(108.9, 30.5, 262.4, 139.4, 1192, _BENCH),
                "aux_cls": _cost(142.1, 35.9, 114.8, 177.9, 800, _CLS_BENCH),
                "raw_aux_cls": _cost(440.6, 39.7, 278.1, 480.3, 1190, _CLS_BENCH),
                "attentivechrome_diff": _cost(66.1, 17.3, 145.0, 83.4, 793, _BENCH),
                "svr1": _cost(0, 15.0 * 60, 15.1 * 60, 15.0 * 60, 2000, _BASELINES_PAGE),
                "svr2": _cost(0, 18.0 * 60, 26.9 * 60, 18.0 * 60, 2000, _BASELINES_PAGE),
                "relief_rf": _cost(0, 3.2 * 60, 6.1 * 60, 3.2 * 60, 2000, _BASELINES_PAGE),
                "ridge": _cost(0, 1, 3, 1, 2000, _BASELINES_PAGE),
                "hgb": _cost(0, 14, 26, 14, 2000, _BASELINES_PAGE),
                "cnn": _cost(0, 42, 82, 42, 2000, _BASELINES_PAGE),
            }
        ),
        "quick": MappingProxyType(
            {
                "raw_d": _cost(1.9, 9.2, 32.3, 20.4, 727, _QUICK),
                "raw_c": _cost(2.8, 13.7, 50.5, 30.3, 910, _QUICK),
                "raw": _cost(3.6, 17.7, 68.1, 39.5, 1120, _QUICK),
                "aux": _cost(2.8, 13.4, 51.3, 30.4, 915, _QUICK),
                "raw_aux": _cost(5.9, 25.0, 108.0, 60.4, 1348, _QUICK),
                "aux_siamese": _cost(2.9, 13.8, 53.3, 31.4, 915, _QUICK),
                "raw_aux_siamese": _cost(6.0, 24.7, 108.9, 60.6, 1349, _QUICK),
                "aux_cls": _cost(4.3, 8.9, 32.6, 34.6, 882, _CLS_QUICK),
                "raw_aux_cls": _cost(14.5, 24.5, 87.2, 111.5, 1394, _CLS_QUICK),
                "attentivechrome_diff": _cost(3.6, 13.6, 58.0, 34.9, 909, _QUICK),
                "svr1": _cost(0, 46.1, 76.5, 46.1, 1567, _QUICK),
                "svr2": _cost(0, 870.3, 1700.2, 870.3, 1765, _QUICK),
                "relief_rf": _cost(0, 44.3, 82.1, 44.3, 803, _QUICK),
                "ridge": _cost(0, 4.8, 5, 4.8, 486, _QUICK),
                "hgb": _cost(0, 3.7, 4.3, 3.7, 465, _QUICK),
                "cnn": _cost(0, 16.3, 27.7, 16.3, 617, _QUICK),
            }
        ),
    }
)


def unit_cost(method: str, profile: str) -> UnitCost:
    """The measured cost of ``method`` under ``profile``; a ConfigError when none was measured."""
    try:
        return (book_costs() if profile == "book" else MEASURED[profile])[method]
    except KeyError:
        measured = ", ".join(f"{p}: {', '.join(m)}" for p, m in MEASURED.items())
        raise ConfigError(
            f"no measured cost of {method!r} with profile {profile!r} (measured: {measured}); "
            "run benchmarks/grid_costs.py and add it to deepdiff.grid.costs.MEASURED"
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
    from deepdiff.training.config import training_config

    config = training_config(grid.profile)
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
        from deepdiff.training.config import training_config

        epochs = grid.epochs if grid.epochs is not None else training_config(grid.profile).max_epochs
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
