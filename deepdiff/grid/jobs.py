"""A grid's jobs: one per pair, method and seed, each one ``deepdiff`` command; shards of them."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deepdiff import methods
from deepdiff.errors import ConfigError
from deepdiff.grid.costs import job_seconds
from deepdiff.grid.files import JOB_MARKER
from deepdiff.grid.settings import GridConfig, JobKind, parse_shard


@dataclass(frozen=True)
class Job:
    """One run of the grid: a DeepDiff variant or a baseline on one pair with one seed."""

    method: str
    pair: str
    seed: int

    @property
    def kind(self) -> JobKind:
        """The rule that runs it, from the method registry: ``train`` for the training loop's methods."""
        return "train" if methods.METHODS[self.method].training_loop else "baseline"

    @property
    def id(self) -> str:
        """A file-name-safe identifier, unique within a grid."""
        return f"{self.pair}__{self.method}__seed{self.seed}"

    @property
    def marker(self) -> str:
        """The workflow's record of this job, relative to the results directory (one folder per rule)."""
        return JOB_MARKER.format(kind=self.kind, pair=self.pair, method=self.method, seed=self.seed)

    def argv(self, grid: GridConfig, threads: int | None = None) -> list[str]:
        """The ``deepdiff`` command line of this job, with ``threads`` CPU threads (default: the grid's)."""
        threads = grid.threads if threads is None else int(threads)
        common = ["--pair", self.pair, *grid.data_options(), "--profile", grid.profile]
        common += ["--seed", str(self.seed), "--out", grid.results_dir, "--no-progress"]
        if self.kind == "train":
            head = ["deepdiff", "train", "--variant", self.method, "--device", grid.device]
            head += ["--threads", str(threads)]
            head += ["--epochs", str(grid.epochs)] if grid.epochs is not None else []
        else:
            head = ["deepdiff", "baseline", "--method", self.method, "--n-jobs", str(threads)]
        return [*head, *common, *grid.extra_args]

    def command(self, grid: GridConfig, threads: int | None = None) -> str:
        """:meth:`argv` as one shell-quoted string."""
        return shlex.join(self.argv(grid, threads))


def all_jobs(grid: GridConfig) -> list[Job]:
    """Every job of ``grid``, shards ignored: each method on each pair, per seed where it is seeded.

    A method whose result does not depend on the seed (``seeded=False`` in
    :data:`deepdiff.methods.METHODS`) runs once per pair, with the grid's first seed.
    """
    jobs: list[Job] = []
    for pair in grid.pairs:
        for i, seed in enumerate(grid.seeds):
            jobs += [
                Job(method, pair, seed) for method in grid.methods if i == 0 or methods.METHODS[method].seeded
            ]
    _check_unique(jobs)
    return jobs


def plan_jobs(grid: GridConfig) -> list[Job]:
    """The jobs of ``grid``: :func:`all_jobs`, or its shard when ``grid.shard`` is set."""
    jobs = all_jobs(grid)
    if grid.shard is None:
        return jobs
    index, count = parse_shard(grid.shard)
    return shard_jobs(jobs, grid, count)[index - 1]


def shard_jobs(jobs: Sequence[Job], grid: GridConfig, count: int) -> list[list[Job]]:
    """``jobs`` in ``count`` shards of about equal estimated time (longest first, to the least loaded).

    The split depends only on the jobs and the grid (deterministic), so every shard of a matrix
    computes the same split; shards need nothing from each other.
    """
    if count < 1:
        raise ConfigError(f"the number of shards must be positive, got {count}")
    cost = {job.id: job_seconds(job, grid) for job in jobs}
    shards: list[list[Job]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for job in sorted(jobs, key=lambda j: (-cost[j.id], j.id)):
        i = min(range(count), key=lambda k: (loads[k], k))
        shards[i].append(job)
        loads[i] += cost[job.id]
    order = {job.id: n for n, job in enumerate(jobs)}
    return [sorted(shard, key=lambda j: order[j.id]) for shard in shards]


def _check_unique(jobs: Iterable[Job]) -> None:
    seen: set[str] = set()
    for job in jobs:
        if job.id in seen:
            raise ConfigError(f"the grid lists {job.id} twice; remove the duplicate pair, method or seed")
        seen.add(job.id)
