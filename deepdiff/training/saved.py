"""Saved models: a run's selected weights, and what is needed to rebuild them.

Every run trained by the training loop (the DeepDiff variants and AttentiveChrome-diff)
keeps, in its result directory, written with the rest of it in one atomic step:

``model.pt``
    The state_dicts of the run's networks and nothing else:
    ``{"format_version": 1, "networks": [state_dict, ...]}``, read with
    ``torch.load(..., weights_only=True)`` (no pickled code). One network for a DeepDiff
    variant; two for AttentiveChrome-diff (cell A's, then cell B's).
``model.json``
    What rebuilds them: the format version, the method, the model sizes, each network's
    architecture and output offsets (and, with classification auxiliary heads, the thresholds of
    their labels), the pair, profile and seed it was trained with, the data
    (source, label, checksum), the package, code and torch versions, and the size and SHA-256 of
    ``model.pt``.

:func:`load_model` rebuilds the networks. It refuses, with a :class:`~deepdiff.errors.DataError`
naming the file, a missing or truncated file, a ``model.pt`` that is not the one ``model.json``
describes (changed, or copied from another run), a format version this package does not read, and
weights that do not fit the described model. Baselines other than AttentiveChrome-diff keep no
model (refitting an SVR or a forest is cheap next to keeping it; see the README).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from deepdiff import __version__
from deepdiff.constants import BIN_SIZE_BP, MARKS, N_BINS
from deepdiff.errors import DataError
from deepdiff.models import AttentiveChrome, DeepDiff, ModelConfig, build_model, get_variant
from deepdiff.results.store import MODEL_FILE, MODEL_META_FILE, canonical_json, code_version
from deepdiff.runs.method import ATTENTIVECHROME_DIFF
from deepdiff.training.tasks import PairTask, SingleCellTask, Task

#: Files a saved model consists of.
MODEL_FILES: tuple[str, ...] = (MODEL_FILE, MODEL_META_FILE)
#: Names the format in ``model.json``.
FORMAT_NAME = "deepdiff-saved-model"
#: Bumped when the layout of ``model.pt`` or ``model.json`` changes; other versions are refused.
FORMAT_VERSION = 1
_ARCHITECTURES = ("deepdiff", "attentivechrome")


# ----------------------------------------------------------------------------- writing


def _describe(model: nn.Module, task: Task) -> dict[str, Any]:
    """How to rebuild one trained network: its architecture and what its task adds to the outputs."""
    if isinstance(model, DeepDiff) and isinstance(task, PairTask):
        out: dict[str, Any] = {
            "architecture": "deepdiff",
            "variant": model.spec.name,
            "offsets": {k: float(v) for k, v in task.offsets.items()},
        }
        if task.classifies:  # the thresholds that define its labels, for truths on new cells
            out["aux_thresholds"] = {k: float(v) for k, v in task.aux_thresholds.items()}
        return out
    if isinstance(model, AttentiveChrome) and isinstance(task, SingleCellTask):
        return {"architecture": "attentivechrome", "cell": task.cell, "offset": float(task.offset)}
    raise TypeError(f"cannot save a {type(model).__name__} trained on a {type(task).__name__}")


def has_saved_model(run_dir: str | os.PathLike[str]) -> bool:
    """Whether the result directory ``run_dir`` keeps a saved model (both of :data:`MODEL_FILES`)."""
    return all((Path(run_dir) / name).is_file() for name in MODEL_FILES)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def saved_model_files(
    metrics: Mapping[str, Any], networks: Sequence[tuple[nn.Module, Task]], model_config: ModelConfig
) -> dict[str, bytes]:
    """The bytes of ``model.pt`` and ``model.json`` for a run's trained networks.

    Parameters
    ----------
    metrics : mapping
        The run's ``metrics.json`` fields (method, kind, pair, profile, seed, key, data, config).
    networks : sequence of (model, task)
        The trained networks with their selected weights, in the run's order.
    model_config : ModelConfig
        The sizes they were built with.
    """
    buffer = io.BytesIO()
    state = [{k: v.detach().cpu() for k, v in model.state_dict().items()} for model, _ in networks]
    torch.save({"format_version": FORMAT_VERSION, "networks": state}, buffer)
    weights = buffer.getvalue()
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "method": metrics["method"],
        "kind": metrics["kind"],
        "pair": metrics["pair"],
        "profile": metrics["profile"],
        "seed": metrics["seed"],
        "key": metrics["key"],
        "data": {k: metrics["data"][k] for k in ("source", "label", "checksum")},
        "train": metrics["config"].get("train", {}),
        "model_config": {
            "n_marks": model_config.n_marks,
            "n_bins": model_config.n_bins,
            "bin_hidden": model_config.bin_hidden,
            "row_hidden": model_config.row_hidden,
        },
        "networks": [_describe(model, task) for model, task in networks],
        "n_params": sum(p.numel() for model, _ in networks for p in model.parameters()),
        "marks": list(MARKS),
        "bin_size_bp": BIN_SIZE_BP,
        "package_version": __version__,
        "code_version": code_version(),
        "torch_version": torch.__version__,
        "weights": {"file": MODEL_FILE, "bytes": len(weights), "sha256": _sha256(weights)},
    }
    text = json.dumps(json.loads(canonical_json(meta)), indent=2, sort_keys=True) + "\n"
    return {MODEL_FILE: weights, MODEL_META_FILE: text.encode("utf-8")}


# ----------------------------------------------------------------------------- loading


@dataclass(frozen=True, eq=False)
class SavedNetwork:
    """One rebuilt network with the task that turns its outputs into predictions."""

    module: nn.Module
    task: PairTask | SingleCellTask


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A run's trained model, rebuilt from its result directory by :func:`load_model`.

    Attributes
    ----------
    path : Path
        The run's result directory.
    method : str
        A DeepDiff variant or ``attentivechrome_diff``.
    networks : tuple of SavedNetwork
        In evaluation mode on ``device``.
    meta : dict
        The contents of ``model.json``.
    device : torch.device
    """

    path: Path
    method: str
    networks: tuple[SavedNetwork, ...]
    meta: dict[str, Any]
    device: torch.device

    @property
    def model_config(self) -> ModelConfig:
        return ModelConfig(**self.meta["model_config"])

    def summary(self) -> str:
        """One line: method, what it was trained on, with which budget."""
        m = self.meta
        return (
            f"{m['method']} trained on {m['pair']} [{m['data']['label']}], profile {m['profile']}, "
            f"seed {m['seed']} ({m['n_params']:,} parameters; {self.path})"
        )


def _read_meta(path: Path) -> dict[str, Any]:
    meta_file = path / MODEL_META_FILE
    if not path.is_dir():
        raise DataError(f"{path} is not a directory; give the result directory of a trained run")
    if not meta_file.is_file():
        if not (path / "metrics.json").is_file():
            raise DataError(
                f"{meta_file} is missing and {path} is not a result directory (no metrics.json); give the "
                "directory a `deepdiff train` run wrote, e.g. results/E003-E004/raw_c/seed0-1a2b3c4d5e6f"
            )
        raise DataError(
            f"{meta_file} is missing: this run keeps no saved model. Baselines other than "
            "attentivechrome_diff keep none, and runs written before models were saved have none; "
            "train the run again with --force (or RunOptions(force=True)) to save its weights."
        )
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataError(
            f"{meta_file} is not valid JSON ({err}); the file is damaged: train the run again"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise DataError(f"{meta_file} does not describe a saved DeepDiff model (no format {FORMAT_NAME!r})")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise DataError(
            f"{meta_file} has saved-model format version {version!r}, written by deepdiff-repro "
            f"{meta.get('package_version', '?')}; this version ({__version__}) reads format {FORMAT_VERSION} "
            "only. Load it with the version that wrote it, or train the run again."
        )
    return meta


def _check_fields(meta_file: Path, meta: Mapping[str, Any]) -> None:
    """The fields of ``model.json`` that are read, of the types they must have (a DataError naming the
    first that is not): nothing is built or allocated from a file before this."""
    expected: dict[str, type | tuple[type, ...]] = {
        "method": str,
        "model_config": dict,
        "networks": list,
        "weights": dict,
        "pair": str,
        "profile": str,
        "seed": int,
        "n_params": int,
        "data": dict,
    }
    for name, kind in expected.items():
        if not isinstance(meta.get(name), kind):
            raise DataError(
                f"{meta_file}: {name} is {meta.get(name)!r}, not what a saved model records; the file is "
                "damaged or was not written by deepdiff train: train the run again"
            )
    if not all(isinstance(d, dict) for d in meta["networks"]) or not isinstance(
        meta["weights"].get("bytes"), int
    ):
        raise DataError(
            f"{meta_file}: networks or weights are not what a saved model records; train the run again"
        )


def _check_sizes(meta_file: Path, meta: Mapping[str, Any]) -> None:
    """The model sizes of ``model.json`` bounded before the model is built: the marks and bins of the
    data, and hidden sizes whose recurrent weights alone (at least 8 h^2 float32 values) fit in the
    recorded size of ``model.pt``."""
    sizes = meta["model_config"]
    if sizes.get("n_marks") != len(MARKS) or sizes.get("n_bins") != N_BINS:
        raise DataError(
            f"{meta_file}: the model reads n_marks {sizes.get('n_marks')!r} and n_bins {sizes.get('n_bins')!r}, "
            f"not the {len(MARKS)} marks of {N_BINS} bins of the data; the file was changed: train the run again"
        )
    size = meta["weights"]["bytes"]
    for name in ("bin_hidden", "row_hidden"):
        hidden = sizes.get(name)
        if not isinstance(hidden, int) or isinstance(hidden, bool) or hidden < 1:
            raise DataError(
                f"{meta_file}: {name} {hidden!r} is not a positive whole number; train the run again"
            )
        if 32 * hidden * hidden > size:
            raise DataError(
                f"{meta_file}: {name} {hidden} needs at least {32 * hidden * hidden:,} bytes of weights, but "
                f"{MODEL_FILE} holds only {size:,}; the file was changed: train the run again"
            )


def _check_method(meta_file: Path, meta: Mapping[str, Any]) -> None:
    """The run's method is the one its networks implement: the label predictions go out under."""
    method, networks = meta["method"], meta["networks"]
    built = [
        str(d.get("variant") if d.get("architecture") == "deepdiff" else d.get("architecture"))
        for d in networks
    ]
    if method == ATTENTIVECHROME_DIFF:
        fits = len(networks) == 2 and all(d.get("architecture") == "attentivechrome" for d in networks)
    else:
        fits = len(networks) == 1 and networks[0].get("architecture") == "deepdiff" and built[0] == method
    if not fits:
        raise DataError(
            f"{meta_file}: method {method} does not match its networks ({', '.join(built) or 'none'}); "
            "predictions would carry a false label. The file was changed: train the run again"
        )


def _read_weights(path: Path, meta: Mapping[str, Any]) -> list[dict[str, torch.Tensor]]:
    weights_file = path / MODEL_FILE
    if not weights_file.is_file():
        raise DataError(
            f"{weights_file} is missing although {MODEL_META_FILE} describes it; train the run again"
        )
    data = weights_file.read_bytes()
    expected = meta["weights"]
    if len(data) != expected.get("bytes") or _sha256(data) != expected.get("sha256"):
        what = "is truncated" if len(data) < int(expected.get("bytes") or 0) else "was changed"
        raise DataError(
            f"{weights_file} {what}: its size ({len(data):,} bytes) or SHA-256 differs from what "
            f"{MODEL_META_FILE} recorded ({expected.get('bytes')} bytes). It is not the file this run "
            "wrote (damaged, or copied from another run); train the run again."
        )
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several unrelated types for a damaged file
        raise DataError(f"cannot read {weights_file} ({err}); train the run again") from None
    n = len(meta.get("networks", []))
    if (
        not isinstance(state, dict)
        or state.get("format_version") != meta["format_version"]
        or not isinstance(state.get("networks"), list)
        or len(state["networks"]) != n
    ):
        raise DataError(
            f"{weights_file} does not hold the {n} network(s) of format version {FORMAT_VERSION} that "
            f"{MODEL_META_FILE} describes; train the run again"
        )
    return state["networks"]


def _rebuild(description: Mapping[str, Any], config: ModelConfig) -> SavedNetwork:
    architecture = description.get("architecture")
    if architecture == "deepdiff":
        spec = get_variant(str(description["variant"]))
        offsets = {str(k): float(v) for k, v in description.get("offsets", {}).items()}
        thresholds = {str(k): float(v) for k, v in description.get("aux_thresholds", {}).items()}
        task = PairTask(
            has_aux=spec.has_aux,
            siamese=spec.siamese,
            offsets=offsets,
            aux_task=spec.aux_task,
            aux_thresholds=thresholds,
        )
        return SavedNetwork(build_model(spec.name, config), task)
    if architecture == "attentivechrome":
        return SavedNetwork(
            AttentiveChrome(config), SingleCellTask(str(description["cell"]), float(description["offset"]))
        )
    raise DataError(f"unknown architecture {architecture!r}; expected one of {', '.join(_ARCHITECTURES)}")


def load_model(run_dir: str | os.PathLike[str], device: str | torch.device = "cpu") -> TrainedModel:
    """Rebuild the trained model of a run from its result directory.

    Parameters
    ----------
    run_dir : path-like
        A result directory written by :func:`deepdiff.training.runner.train` (``deepdiff
        train``), holding ``model.json`` and ``model.pt``.
    device : str or torch.device
        Where the networks live (``auto``, ``cpu``, ``cuda``, ...).

    Returns
    -------
    TrainedModel

    Raises
    ------
    DataError
        Naming the file: no saved model, a missing, truncated or changed ``model.pt``, a format
        version this package does not read, fields of ``model.json`` of the wrong type, sizes that
        do not fit the data or the recorded size of ``model.pt`` (checked before anything is built),
        a method its networks do not implement, or weights that do not fit the described model.
    """
    from deepdiff.training.device import resolve_device

    path = Path(run_dir).expanduser()
    meta = _read_meta(path)
    meta_file, weights_file = path / MODEL_META_FILE, path / MODEL_FILE
    _check_fields(meta_file, meta)
    _check_sizes(meta_file, meta)
    _check_method(meta_file, meta)
    states = _read_weights(path, meta)
    try:
        config = ModelConfig(**meta["model_config"])
        networks = [_rebuild(d, config) for d in meta["networks"]]
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(f"{meta_file} does not describe a model this package can build ({err})") from None
    if config.n_marks != len(MARKS) or meta.get("marks") != list(MARKS):
        raise DataError(f"{meta_file}: the model reads marks {meta.get('marks')}, not {', '.join(MARKS)}")
    for network, state in zip(networks, states, strict=True):
        try:
            network.module.load_state_dict(state, strict=True)
        except RuntimeError as err:
            detail = str(err).splitlines()[1].strip() if len(str(err).splitlines()) > 1 else str(err)
            raise DataError(
                f"{weights_file} does not fit the model {MODEL_META_FILE} describes ({meta['method']}, "
                f"bin_hidden {config.bin_hidden}, row_hidden {config.row_hidden}): {detail}. The two files "
                "do not belong together; train the run again."
            ) from None
    dev = resolve_device(device)
    for network in networks:
        network.module.to(dev).eval()
    return TrainedModel(
        path=path, method=str(meta["method"]), networks=tuple(networks), meta=meta, device=dev
    )
