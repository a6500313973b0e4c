"""Benchmark smoke tests run single-threaded (small tensors; robust on a shared machine)."""

from __future__ import annotations

from tests.models.conftest import _one_thread

__all__ = ["_one_thread"]
