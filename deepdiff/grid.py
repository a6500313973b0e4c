"""The full grid of the paper as a list of jobs: pairs x variants x seeds, plus the baselines.

The Snakemake workflow in ``workflow/`` turns each :class:`Job` into one ``deepdiff`` command, so
the grid is defined once, here, and is testable without a workflow engine. Each command is cached
by the result cache, so re-running the workflow repeats nothing that is complete.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deepdiff import methods
from deepdiff.constants import PAPER_PAIRS
from deepdiff.data.pair import Pair
from deepdiff.errors import ConfigError
from deepdiff.methods import PAPER_BASELINES, PAPER_VARIANTS, RunOptions

if TYPE_CHECKING:
    import pandas as pd

    from deepdiff.data.containers import PairData


@dataclass(frozen=True)
class GridConfig:
    """What to run. Defaults: the paper's grid on the real data with the paper's budget."""

    pairs: tuple[str, ...] = PAPER_PAIRS
    variants: tuple[str, ...] = PAPER_VARIANTS
    baselines: tuple[str, ...] = PAPER_BASELINES
    seeds: tuple[int, ...] = (0, 1, 2)
    data: str = "remc"
    profile: str = "paper"
    results_dir: str = "results"
    device: str = "auto"
    extra_args: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for pair in self.pairs:
            Pair.parse(pair)
        unknown = sorted(set(self.variants) - set(PAPER_VARIANTS))
        if unknown:
            raise ConfigError(f"unknown variants in the grid: {unknown}; choose from {list(PAPER_VARIANTS)}")
        baselines = methods.names(kind="baseline")
        unknown = sorted(set(self.baselines) - set(baselines))
        if unknown:
            raise ConfigError(f"unknown baselines in the grid: {unknown}; choose from {list(baselines)}")
        if not self.seeds:
            raise ConfigError("the grid needs at least one seed")

    def describe(self) -> str:
        """One line: the grid's size, data and budget."""
        return (
            f"{len(self.pairs)} pair(s) ({', '.join(self.pairs)}) × {len(self.variants)} variants × "
            f"{len(self.seeds)} seed(s), plus {len(self.baselines)} baselines; data {self.data}, "
            f"profile {self.profile}"
        )

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> GridConfig:
        """Build from a workflow config (YAML): lists become tuples; unknown keys are an error."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(config) - known)
        if unknown:
            raise ConfigError(f"unknown grid settings {unknown}; known: {sorted(known)}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
        if values.get("pairs") == ("all",):
            values["pairs"] = PAPER_PAIRS
        return cls(**values)


@dataclass(frozen=True)
class Job:
    """One run of the grid: a DeepDiff variant or a baseline on one pair with one seed."""

    method: str
    pair: str
    seed: int

    @property
    def kind(self) -> str:
        """The command that runs it: ``train`` for a DeepDiff variant, else ``baseline``."""
        return "train" if methods.METHODS[self.method].kind == "deepdiff" else "baseline"

    @property
    def id(self) -> str:
        """A file-name-safe identifier, unique within a grid."""
        return f"{self.pair}__{self.method}__seed{self.seed}"

    def argv(self, grid: GridConfig) -> list[str]:
        """The ``deepdiff`` command line of this job."""
        common = ["--pair", self.pair, "--data", grid.data, "--profile", grid.profile]
        common += ["--seed", str(self.seed), "--out", grid.results_dir, "--no-progress"]
        if self.kind == "train":
            head = ["deepdiff", "train", "--variant", self.method, "--device", grid.device]
        else:
            head = ["deepdiff", "baseline", "--method", self.method]
        return [*head, *common, *grid.extra_args]

    def command(self, grid: GridConfig) -> str:
        """:meth:`argv` as one shell-quoted string."""
        return shlex.join(self.argv(grid))


def plan_jobs(grid: GridConfig) -> list[Job]:
    """Every job of ``grid``: each variant for each seed, and each baseline for each seed.

    Baselines without randomness in their fit (the SVRs) are still run per seed so that every
    method has the same number of runs behind its error bars; the result cache makes repeats cheap.
    """
    jobs: list[Job] = []
    for pair in grid.pairs:
        for seed in grid.seeds:
            jobs += [Job(method, pair, seed) for method in (*grid.variants, *grid.baselines)]
    _check_unique(jobs)
    return jobs


def _check_unique(jobs: Iterable[Job]) -> None:
    seen: set[str] = set()
    for job in jobs:
        if job.id in seen:
            raise ConfigError(f"the grid lists {job.id} twice; remove the duplicate pair, method or seed")
        seen.add(job.id)


def run_grid(grid: GridConfig, data: Mapping[str, PairData], *, progress: bool = False) -> pd.DataFrame:
    """Run every job of ``grid`` in this process, each through the method registry (cached).

    Parameters
    ----------
    grid : GridConfig
    data : mapping
        Pair -> its loaded data (every pair of the grid).
    progress : bool
        Progress bars of each run.

    Returns
    -------
    DataFrame
        One row per job: ``pair``, ``method``, ``seed``, ``cached`` (found in the result cache),
        ``seconds``.
    """
    import pandas as pd

    options = RunOptions(results_dir=grid.results_dir, device=grid.device, progress=progress)
    rows = []
    for job in plan_jobs(grid):
        tic = time.perf_counter()
        run = methods.run_method(
            data[job.pair], job.method, profile=grid.profile, seed=job.seed, options=options
        )
        rows.append(
            {"pair": job.pair, "method": job.method, "seed": job.seed, "cached": run.reused}
            | {"seconds": time.perf_counter() - tic}
        )
    return pd.DataFrame(rows, columns=["pair", "method", "seed", "cached", "seconds"])
