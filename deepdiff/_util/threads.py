"""Scoped limits on the CPU threads of torch and of the BLAS/OpenMP libraries."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deepdiff.errors import ConfigError


def check_threads(threads: int | None, name: str = "threads") -> int | None:
    """``threads`` itself when it is None or a positive whole number.

    Raises
    ------
    ConfigError
        Naming ``name`` (e.g. ``--threads``), for anything else.
    """
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ConfigError(f"{name} must be a positive whole number, got {threads!r}")
    return threads


def usable_cpus(cgroup_root: str | os.PathLike[str] = "/sys/fs/cgroup") -> int:
    """CPUs this process may use: its affinity (else the CPU count), capped by a cgroup CPU quota.

    A container limited to 2 CPUs on a 64-core host (``docker --cpus 2``, a Kubernetes limit) sees
    64 CPUs in its affinity; the quota (cgroup v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``) says 2.
    """
    if hasattr(os, "sched_getaffinity"):
        cpus = max(1, len(os.sched_getaffinity(0)))
    else:
        cpus = max(1, os.cpu_count() or 1)
    quota = _cgroup_quota(Path(cgroup_root))
    return cpus if quota is None else max(1, min(cpus, math.ceil(quota)))


def _cgroup_quota(root: Path) -> float | None:
    """CPUs allowed by the cgroup's quota, or None (no quota, or not readable here)."""
    candidates = (("cpu.max", None), ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"))
    for quota_file, period_file in candidates:
        try:
            fields = (root / quota_file).read_text(encoding="ascii").split()
            if period_file is not None:
                fields.append((root / period_file).read_text(encoding="ascii").strip())
            quota, period = fields[0], float(fields[1])
        except (OSError, ValueError, IndexError):
            continue
        if quota == "max" or float(quota) <= 0 or period <= 0:
            return None
        return float(quota) / period
    return None


@contextmanager
def limited_threads(n: int) -> Iterator[None]:
    """Cap BLAS/OpenMP and torch threads at ``n`` inside the block (restored afterwards)."""
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield
    finally:
        torch.set_num_threads(before)
