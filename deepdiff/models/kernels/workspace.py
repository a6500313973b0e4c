"""Reusable work buffers for the compiled encoder.

A training step at batch 256 writes several hundred MB of hidden and cell states. Memory fresh
from the operating system is zeroed page by page on first touch, which cost about a fifth of
a step; keeping the buffers for the next step avoids it. A buffer goes back to the workspace
only when the autograd graph that saved it is freed, so it is never handed out while in use.
"""

from __future__ import annotations

import weakref

import torch
from torch import Tensor

from deepdiff.models.kernels import native


class Workspace:
    """A small pool of flat float buffers keyed by size, owned by one encoder.

    Parameters
    ----------
    max_free : int
        Most buffers kept idle between calls (older ones are released).
    """

    def __init__(self, max_free: int = 4) -> None:
        self.max_free = max_free
        self._free: list[Tensor] = []

    def empty(self, shape: tuple[int, ...], like: Tensor) -> Tensor:
        """An uninitialised tensor of ``shape`` (dtype and device of ``like``), reused if possible."""
        numel = 1
        for size in shape:
            numel *= size
        for i, flat in enumerate(self._free):
            if flat.numel() == numel and flat.dtype == like.dtype and flat.device == like.device:
                return self._free.pop(i).view(shape)
        return native.empty_huge((numel,), like).view(shape)

    def recycle(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (contiguous, no longer used) for later calls."""
        for t in tensors:
            if t is not None:
                self._free.append(t.view(-1))
        del self._free[: max(0, len(self._free) - self.max_free)]

    def recycle_when_freed(self, owner: object, *tensors: Tensor | None) -> None:
        """Recycle ``tensors`` once ``owner`` (e.g. an autograd context's token) is freed."""
        weakref.finalize(owner, self.recycle, *tensors)


def _token() -> object:
    """A weak-referenceable object whose lifetime marks a graph's."""
    return torch.empty(0)
