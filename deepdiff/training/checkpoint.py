"""Per-epoch checkpoints: model, optimiser, random states and history, written atomically."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import torch

from deepdiff._util.io import atomic_write_bytes
from deepdiff.errors import DataError

#: Bumped when the checkpoint layout changes; an older checkpoint is then not resumed.
CHECKPOINT_FORMAT = 1


def save_checkpoint(path: str | os.PathLike[str], state: dict[str, Any]) -> Path:
    """Write ``state`` (tensors, numbers, strings, lists, dicts) to ``path`` atomically."""
    buffer = io.BytesIO()
    torch.save({"format": CHECKPOINT_FORMAT, **state}, buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The state saved at ``path``, or None if there is none (or it has an older format).

    Raises
    ------
    DataError
        If the file exists but cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several unrelated types for a damaged file
        raise DataError(f"cannot read checkpoint {path} ({err}); delete it to start the run afresh") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        return None
    return state


def rng_state(generator: torch.Generator, device: torch.device) -> dict[str, Any]:
    """The random states a run depends on: its shuffling generator and torch's global RNGs."""
    state: dict[str, Any] = {"shuffle": generator.get_state(), "torch": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def restore_rng_state(state: dict[str, Any], generator: torch.Generator, device: torch.device) -> None:
    """Put back the states captured by :func:`rng_state`."""
    generator.set_state(state["shuffle"])
    torch.set_rng_state(state["torch"])
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)
