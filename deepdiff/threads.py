"""Scoped limits on the CPU threads of torch and of the BLAS/OpenMP libraries."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

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


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the system says, else the CPU count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


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
