"""Gradient attribution of a trained model's predictions, and the trained model behind a result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from deepdiff.errors import DataError
from deepdiff.results.store import MODEL_FILE

if TYPE_CHECKING:
    from torch import nn

    from deepdiff.data.containers import PairData
    from deepdiff.results.store import RunResult


def gradient_attribution(
    model: nn.Module,
    x_a: np.ndarray,
    x_b: np.ndarray,
    method: str = "grad_x_input",
    steps: int = 16,
    batch_size: int = 64,
    device: str = "cpu",
) -> np.ndarray:
    """Attribution of the predicted LFC to every input count, summed over the two cells.

    Parameters
    ----------
    model : torch.nn.Module
        A DeepDiff variant: ``model(x_a, x_b).diff`` is the predicted LFC.
    x_a, x_b : ndarray, shape (n, 5, 200)
        Read counts (as fed to the model).
    method : {"grad_x_input", "integrated_gradients"}
        Gradient × input, or integrated gradients from an all-zero baseline with ``steps``
        Riemann steps (midpoint rule).
    batch_size : int
    device : str

    Returns
    -------
    ndarray, shape (n, 5, 200)
        ``|attribution(x_a)| + |attribution(x_b)|`` per mark and bin (magnitudes: a mark can
        drive the LFC either way).
    """
    import torch

    if method not in ("grad_x_input", "integrated_gradients"):
        raise ValueError(
            f"unknown attribution method {method!r}; use 'grad_x_input' or 'integrated_gradients'"
        )
    was_training = model.training
    model.eval()
    dev = torch.device(device)
    alphas = (
        torch.tensor([1.0])
        if method == "grad_x_input"
        else (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    )
    out = np.zeros(np.shape(x_a), dtype=np.float32)
    try:
        # cuDNN's LSTM backward needs training mode; eval mode elsewhere keeps dropout off.
        with torch.backends.cudnn.flags(enabled=False):
            for start in range(0, len(x_a), batch_size):
                a = torch.as_tensor(np.asarray(x_a[start : start + batch_size], dtype=np.float32), device=dev)
                b = torch.as_tensor(np.asarray(x_b[start : start + batch_size], dtype=np.float32), device=dev)
                grad_a = torch.zeros_like(a)
                grad_b = torch.zeros_like(b)
                for alpha in alphas:
                    sa = (alpha * a).requires_grad_(True)
                    sb = (alpha * b).requires_grad_(True)
                    diff = model(sa, sb).diff
                    ga, gb = torch.autograd.grad(diff.sum(), (sa, sb))
                    grad_a += ga
                    grad_b += gb
                attr = (grad_a / len(alphas) * a).abs() + (grad_b / len(alphas) * b).abs()
                out[start : start + len(a)] = attr.detach().cpu().numpy()
    finally:
        model.train(was_training)
    return out


def attribution_marks(attr: np.ndarray) -> np.ndarray:
    """Per gene, each mark's share of the total attribution magnitude: (n, 5), rows sum to one."""
    per_mark = np.asarray(attr, dtype=np.float64).sum(axis=2)
    total = per_mark.sum(axis=1, keepdims=True)
    return np.divide(per_mark, total, out=np.full_like(per_mark, np.nan), where=total > 0)


def attribution_bins(attr: np.ndarray) -> np.ndarray:
    """Per gene and mark, each bin's share of that mark's attribution: (n, 5, 200)."""
    a = np.asarray(attr, dtype=np.float64)
    total = a.sum(axis=2, keepdims=True)
    return np.divide(a, total, out=np.full_like(a, np.nan), where=total > 0)


#: The weights file of a result directory (see :mod:`deepdiff.training.saved`).
WEIGHTS_FILE = MODEL_FILE


def _why_no_weights(run_dir: Path) -> str:
    """Why a run's directory holds no saved model, in words for the page that retrains it."""
    from deepdiff.results.bundle import unpacked_from

    record = unpacked_from(run_dir)
    if record is not None:
        return (
            f"this copy of the run was unpacked from the results bundle {record.get('source', '?')}, and "
            "bundles carry metrics and predictions, not weights"
        )
    return "the run was written before runs kept their saved model"


def trained_model(
    run: RunResult, data: PairData, device: str = "cpu", tolerance: float = 1e-3
) -> tuple[nn.Module, str]:
    """The trained DeepDiff model behind a result, for gradient attributions.

    The selected weights are loaded from the run's saved model (:func:`deepdiff.apply.load_model`,
    ``model.pt`` and ``model.json`` in the result directory); a run written before models were
    saved is repeated in memory with its recorded configuration and seed (the same public steps as
    :func:`deepdiff.training.runner.train`). Either way the model's test predictions are compared
    with the stored ones, and the returned text says how closely they agree, so that neither a
    non-deterministic repeat nor a mismatched file can pass unnoticed.

    Parameters
    ----------
    run : RunResult
        A DeepDiff result (kind ``deepdiff``).
    data : PairData
        The data it was trained on (checked by checksum).
    device : str
    tolerance : float
        Largest difference (LFC units) from the stored test predictions accepted as the same model.

    Returns
    -------
    (model, check)
        The model in evaluation mode on ``device``, and one line describing where the weights
        came from and the largest difference from the stored test predictions.

    Raises
    ------
    DataError
        When ``data`` is not the data of ``run``, the run is not a DeepDiff variant, its saved model
        cannot be loaded, or the model obtained does not reproduce the stored predictions within
        ``tolerance`` (it is then not the model whose attention was saved, and attributing it would
        compare different models).
    """
    from deepdiff.models import ModelConfig, build_model, init_uniform_
    from deepdiff.training import TrainConfig, fit, predict, resolve_device, seeded
    from deepdiff.training.runner import subsample, variant_task
    from deepdiff.training.saved import MODEL_FILES, load_model

    m = run.metrics
    if m.get("kind") != "deepdiff":
        raise DataError(f"{run.path} is a {m.get('kind')} result, not a DeepDiff variant")
    if m["data"]["checksum"] != data.checksum:
        raise DataError(
            f"{run.path} was trained on data {m['data']['label']!r} (checksum {m['data']['checksum'][:12]}), "
            f"not on {data.label!r} ({data.checksum[:12]}); load the run's data first"
        )
    config = TrainConfig(**m["config"]["train"])
    dev = resolve_device(device)
    if any((run.path / name).exists() for name in MODEL_FILES):
        (network,) = load_model(run.path, device=dev).networks
        model, task = network.module, network.task
        how = f"weights loaded from {WEIGHTS_FILE}"
    else:
        variant, seed = m["method"], int(m["seed"])
        train = subsample(data.train, config.max_train_genes, config.subsample_seed)
        valid = subsample(data.valid, config.max_valid_genes, config.subsample_seed)
        # The runner records the output offsets it used (training-target means) with the selection.
        offsets = (m.get("selected") or {}).get("output_offsets") or {}
        task = variant_task(variant, config, offsets, train)
        with seeded(seed, dev):
            model = build_model(variant, ModelConfig(**m["config"].get("model", {})))
            init_uniform_(model, config.init_range)
        result = fit(model, task, train, valid, config, seed=seed, device=dev, progress=False)
        model.load_state_dict(result.best_state)
        how = f"retrained in memory with the run's configuration and seed ({_why_no_weights(run.path)})"
    model.to(dev).eval()
    pred = predict(model, task, data.test, device=dev, batch_size=config.eval_batch_size).outputs["diff"]
    stored = run.predictions.set_index("gene").loc[np.asarray(data.test.genes).astype(str), "lfc_pred"]
    gap = float(np.max(np.abs(pred - stored.to_numpy()))) if len(pred) else 0.0
    check = f"model: {how}; largest difference from the stored test predictions: {gap:.2e} (LFC units)"
    if not gap <= tolerance:
        raise DataError(
            f"{check}, more than {tolerance:g}: this is not the model of {run.path}. Train the run again "
            "(force) so that it saves its weights, then attribute again"
        )
    return model, check
