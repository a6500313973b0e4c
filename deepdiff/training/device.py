"""Choosing the torch device: detected automatically, or named by the user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from deepdiff._util.threads import check_threads, limited_threads
from deepdiff.constants import DEVICE_CHOICES
from deepdiff.errors import ConfigError


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str | torch.device = "auto") -> torch.device:
    """The device to train on.

    Parameters
    ----------
    name : str or torch.device
        ``"auto"`` picks CUDA, then Apple MPS, then the CPU; otherwise ``"cpu"``, ``"cuda"``,
        ``"cuda:N"`` or ``"mps"``.

    Raises
    ------
    ConfigError
        If the name is not a device or the device is not available on this machine.
    """
    if isinstance(name, torch.device):
        name = str(name)
    text = str(name).strip().lower()
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(text)
    except (RuntimeError, ValueError):
        raise ConfigError(f"unknown device {name!r}; choose one of {', '.join(DEVICE_CHOICES)}") from None
    if device.type == "cpu":
        return device
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(
                f"device {name!r} requested but CUDA is not available here; use --device cpu or auto"
            )
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ConfigError(
                f"device {name!r} requested but only {torch.cuda.device_count()} CUDA device(s) exist"
            )
        return device
    if device.type == "mps":
        if not _mps_available():
            raise ConfigError(
                f"device {name!r} requested but Apple MPS is not available here; use cpu or auto"
            )
        return device
    raise ConfigError(f"unsupported device {name!r}; choose one of {', '.join(DEVICE_CHOICES)}")


#: Torch CPU threads for training and prediction when none is asked for. The models' matrix
#: products are small (hidden size 32, batch 10), so intra-op threads gain little, and they stall
#: badly when the cores are shared: raw_aux, quick profile, 1,500 simulated genes on a 2-core
#: machine with another job running took 28 s with 1 thread and 51 s with 2.
DEFAULT_CPU_THREADS = 1


@contextmanager
def cpu_threads(device: torch.device, threads: int | None = None) -> Iterator[None]:
    """Run the block with ``threads`` CPU threads (:func:`deepdiff._util.threads.limited_threads`).

    Parameters
    ----------
    device : torch.device
        On a GPU the thread count is left alone unless ``threads`` is given.
    threads : int, optional
        Threads to use (default :data:`DEFAULT_CPU_THREADS` on the CPU).

    Raises
    ------
    ConfigError
        If ``threads`` is not a positive whole number.
    """
    threads = check_threads(threads)
    if threads is None and device.type == "cpu":
        threads = DEFAULT_CPU_THREADS
    if threads is None:
        yield
        return
    with limited_threads(threads):
        yield
