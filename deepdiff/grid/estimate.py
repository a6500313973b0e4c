"""The expected wall time of a whole grid, from the measured costs of :mod:`deepdiff.grid.costs`.

On 2 cores, on N cluster cores, and on one GPU (an estimate from an *assumed* speed-up,
:data:`~deepdiff.grid.costs.ASSUMED_GPU_SPEEDUP`: no GPU was measured), and the hours of each shard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from deepdiff import methods
from deepdiff.grid.costs import (
    ASSUMED_GPU_SPEEDUP,
    REFERENCE_THREADS,
    job_mem_mb,
    job_seconds,
    makespan,
    unit_cost,
)
from deepdiff.grid.jobs import all_jobs, plan_jobs, shard_jobs
from deepdiff.grid.settings import GridConfig


def _bounds(seconds: Sequence[tuple[float, float]], slots: int) -> dict[str, float]:
    """Makespans (hours) of (idle, measured) job times on ``slots`` slots."""
    return {
        "idle": makespan([s[0] for s in seconds], slots) / 3600,
        "measured": makespan([s[1] for s in seconds], slots) / 3600,
    }


def estimate(
    grid: GridConfig, *, cores: Sequence[int] = (2,), shards: int | None = None, shard_cores: int = 4
) -> dict[str, Any]:
    """The expected wall time of a grid's jobs, from the measured costs
    (:func:`~deepdiff.grid.costs.measured`), as a range.

    Every figure has two bounds: ``idle`` (an idle machine that uses both threads of every job
    fully: the measured times scaled by their CPU share) and ``measured`` (the wall times as
    measured on a machine shared with other work).

    Parameters
    ----------
    grid : GridConfig
    cores : sequence of int
        Machines (or clusters) to estimate for: each runs ``cores // grid.threads`` jobs at once.
    shards : int, optional
        Also split the jobs into this many shards (:func:`deepdiff.grid.jobs.shard_jobs`), each run on
        a machine with ``shard_cores`` cores.
    shard_cores : int

    Returns
    -------
    dict
        ``grid`` (in words), ``jobs`` (count by rule), ``threads_per_job``, ``job_hours`` and
        ``longest_job_hours`` (bounds), ``cores`` (cores -> bounds), ``gpu`` (bounds with one GPU
        for the training jobs and the other baselines on 2 cores: an estimate from
        :data:`ASSUMED_GPU_SPEEDUP`), ``per_method`` (bounds of one run), ``mem_mb``,
        ``provenance`` (of every cost used) and, with ``shards``, ``shards`` (``count``,
        ``cores``, ``index``, ``hours`` per shard as measured, ``runner_hours``).
    """
    jobs = plan_jobs(grid)
    both = [(job_seconds(j, grid, idle=True), job_seconds(j, grid)) for j in jobs]
    gpu_train = [
        (job_seconds(j, grid, gpu=True, idle=True), job_seconds(j, grid, gpu=True))
        for j in jobs
        if j.kind == "train"
    ]
    cpu_rest = [b for j, b in zip(jobs, both, strict=True) if j.kind != "train"]
    rest = _bounds(cpu_rest, max(1, REFERENCE_THREADS // grid.threads))
    used = sorted({j.method for j in jobs}, key=list(methods.METHODS).index)
    first = {m: next(j for j in jobs if j.method == m) for m in used}
    out: dict[str, Any] = {
        "grid": grid.describe(),
        "jobs": {kind: sum(j.kind == kind for j in jobs) for kind in ("train", "baseline")},
        "threads_per_job": grid.threads,
        "job_hours": {"idle": sum(b[0] for b in both) / 3600, "measured": sum(b[1] for b in both) / 3600},
        "longest_job_hours": {
            "idle": max((b[0] for b in both), default=0.0) / 3600,
            "measured": max((b[1] for b in both), default=0.0) / 3600,
        },
        "cores": {str(c): _bounds(both, max(1, c // grid.threads)) for c in cores},
        "gpu": {
            "idle": max(sum(b[0] for b in gpu_train) / 3600, rest["idle"]),
            "measured": max(sum(b[1] for b in gpu_train) / 3600, rest["measured"]),
        },
        "assumed_gpu_speedup": ASSUMED_GPU_SPEEDUP,
        "per_method": {
            m: {"idle": job_seconds(j, grid, idle=True) / 3600, "measured": job_seconds(j, grid) / 3600}
            for m, j in first.items()
        },
        "mem_mb": {m: job_mem_mb(j, grid) for m, j in first.items()},
        "provenance": {m: str(unit_cost(m, grid.profile).provenance) for m in used},
    }
    if shards:
        split = shard_jobs(all_jobs(grid), grid, shards)
        per_machine = max(1, shard_cores // grid.threads)
        hours = [makespan([job_seconds(j, grid) for j in s], per_machine) / 3600 for s in split]
        out["shards"] = {
            "count": shards,
            "cores": shard_cores,
            "index": [f"{i}/{shards}" for i in range(1, shards + 1)],
            "hours": hours,
            "runner_hours": sum(hours),
        }
    return out


def _hours(h: float) -> str:
    """Hours in the unit that suits them: seconds under a minute, minutes under an hour, then hours."""
    seconds = h * 3600
    if seconds < 0.5:
        return "0 s" if seconds <= 0 else "< 1 s"
    if seconds < 59.5:
        return f"{seconds:.0f} s"
    if h < 1:
        return f"{h * 60:.0f} min"
    return f"{h:.1f} h" if h < 48 else f"{h:.0f} h ({h / 24:.1f} days)"


def _range(bounds: Mapping[str, float]) -> str:
    return f"{_hours(bounds['idle'])} to {_hours(bounds['measured'])}"


def format_estimate(result: Mapping[str, Any]) -> str:
    """:func:`estimate` as text."""
    lines = [
        f"grid: {result['grid']}",
        f"jobs: {result['jobs']['train']} train, {result['jobs']['baseline']} baseline, "
        f"{result['threads_per_job']} threads each; {_range(result['job_hours'])} of job time in all; "
        f"the longest job {_range(result['longest_job_hours'])}",
        "expected wall time, from an idle machine (CPU time) to a shared one (wall time as measured):",
    ]
    lines += [f"  on {c:>5} cores: {_range(b)}" for c, b in result["cores"].items()]
    lines.append(
        f"  on one GPU, ESTIMATE (epochs assumed {result['assumed_gpu_speedup']:g}x faster than on 2 CPU "
        f"cores, not measured; other baselines on 2 cores): {_range(result['gpu'])}"
    )
    lines.append("one run of each method, and the memory asked per job:")
    for method, bounds in result["per_method"].items():
        lines.append(f"  {method:<22} {_range(bounds):>28}  {result['mem_mb'][method]:>6} MB")
    if "shards" in result:
        sh = result["shards"]
        lines.append(
            f"{sh['count']} shards on {sh['cores']}-core machines (as measured): longest "
            f"{_hours(max(sh['hours']))}, shortest {_hours(min(sh['hours']))}; "
            f"{sh['runner_hours']:.0f} runner-hours in all"
        )
    lines.append("measured where:")
    covered: dict[str, list[str]] = {}
    for method, where in result["provenance"].items():
        covered.setdefault(where, []).append(method)
    for where, names in covered.items():
        lines.append(f"  {', '.join(names)}: {where}")
    return "\n".join(lines)
