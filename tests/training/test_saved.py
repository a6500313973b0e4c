"""Saved models: every training-loop run keeps its weights; load_model rebuilds them or refuses clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from deepdiff import methods
from deepdiff.errors import DataError
from deepdiff.results.store import MODEL_FILE, MODEL_META_FILE, RunResult
from deepdiff.training.loop import predict
from deepdiff.training.predictions import NetworkOutput, predicted
from deepdiff.training.saved import FORMAT_VERSION, load_model
from tests.training.standins import SMALL_MODEL as SMALL
from tests.training.standins import tiny_pair


@pytest.mark.parametrize("method", ["raw_aux_siamese", "raw_c", "attentivechrome_diff"])
def test_a_saved_model_predicts_what_the_run_stored(runs: dict[str, RunResult], method: str) -> None:
    run = runs[method]
    assert {MODEL_FILE, MODEL_META_FILE} <= {p.name for p in run.path.iterdir()}
    model = load_model(run.path)
    meta = model.meta
    assert (meta["method"], meta["pair"], meta["format_version"]) == (method, "E003-E004", FORMAT_VERSION)
    assert meta["data"]["checksum"] == run.metrics["data"]["checksum"] == "standin-0"
    assert meta["model_config"]["bin_hidden"] == SMALL.bin_hidden and meta["package_version"]
    assert len(model.networks) == (2 if method == "attentivechrome_diff" else 1)
    assert meta["n_params"] == run.metrics["n_params"]
    test = tiny_pair(60, 30, 30).test
    parts = [
        NetworkOutput(n.task, n.module, predict(n.module, n.task, test, device=torch.device("cpu")).outputs)
        for n in model.networks
    ]
    got = predicted(parts)
    stored = run.predictions
    np.testing.assert_allclose(got["lfc"], stored["lfc_pred"], rtol=1e-5, atol=1e-6)
    if "log_expr_a_pred" in stored:
        np.testing.assert_allclose(got["log_expr_a"], stored["log_expr_a_pred"], rtol=1e-5, atol=1e-6)
    # The output offsets of the quick profile travel with the weights.
    offsets = meta["networks"][0].get("offsets") or {"x": meta["networks"][0]["offset"]}
    assert all(v != 0.0 for v in offsets.values())


def _copy(run: RunResult, tmp_path: Path) -> Path:
    return Path(shutil.copytree(run.path, tmp_path / "run"))


def test_a_truncated_or_foreign_model_pt_is_refused_with_its_path(
    runs: dict[str, RunResult], tmp_path: Path
) -> None:
    path = _copy(runs["raw_c"], tmp_path)
    weights = path / MODEL_FILE
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=rf"{weights}.*truncated"):
        load_model(path)
    # Another run's weights (a different variant): same name, not this run's file.
    shutil.copy(runs["raw_aux_siamese"].path / MODEL_FILE, weights)
    with pytest.raises(DataError, match=rf"{weights}.*(changed|truncated).*copied from another run"):
        load_model(path)
    weights.unlink()
    with pytest.raises(DataError, match=rf"{weights} is missing"):
        load_model(path)


def _edit_meta(path: Path, **changes: object) -> None:
    meta_file = path / MODEL_META_FILE
    meta = json.loads(meta_file.read_text())
    meta.update(changes)
    meta_file.write_text(json.dumps(meta))


def test_a_config_that_does_not_fit_the_weights_is_refused(
    runs: dict[str, RunResult], tmp_path: Path
) -> None:
    path = _copy(runs["raw_aux_siamese"], tmp_path)
    meta = json.loads((path / MODEL_META_FILE).read_text())
    _edit_meta(path, model_config={**meta["model_config"], "bin_hidden": 8})
    with pytest.raises(DataError, match=rf"{path / MODEL_FILE} does not fit the model.*bin_hidden 8"):
        load_model(path)
    # The right sizes but another variant: its layers do not match either.
    offsets = {"diff": meta["networks"][0]["offsets"]["diff"]}  # raw_d regresses no cell
    networks = [{**meta["networks"][0], "variant": "raw_d", "offsets": offsets}]
    _edit_meta(path, model_config=meta["model_config"], networks=networks, method="raw_d")
    with pytest.raises(DataError, match="does not fit the model"):
        load_model(path)
    # offsets of outputs the variant does not have: refused before any weight is read
    _edit_meta(path, networks=[{**meta["networks"][0], "variant": "raw_d"}])
    with pytest.raises(
        DataError, match=r"does not describe a model.*offsets for outputs this task does not regress"
    ):
        load_model(path)


def test_an_incompatible_format_version_is_refused(runs: dict[str, RunResult], tmp_path: Path) -> None:
    path = _copy(runs["raw_c"], tmp_path)
    _edit_meta(path, format_version=FORMAT_VERSION + 1)
    with pytest.raises(DataError, match=rf"{path / MODEL_META_FILE}.*format version {FORMAT_VERSION + 1}"):
        load_model(path)
    (path / MODEL_META_FILE).write_text("{not json")
    with pytest.raises(DataError, match=rf"{path / MODEL_META_FILE} is not valid JSON"):
        load_model(path)


def test_runs_without_a_saved_model_say_so(runs: dict[str, RunResult], tmp_path: Path) -> None:
    path = _copy(runs["raw_c"], tmp_path)
    for name in (MODEL_FILE, MODEL_META_FILE):
        (path / name).unlink()
    with pytest.raises(DataError, match=r"keeps no saved model.*--force"):
        load_model(path)
    with pytest.raises(DataError, match="not a result directory"):
        load_model(tmp_path)
    with pytest.raises(DataError, match="not a directory"):
        load_model(tmp_path / "nowhere")


def test_trained_model_loads_instead_of_retraining(
    runs: dict[str, RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    import deepdiff.training
    from deepdiff import interpret

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained_model retrained although the run saved its model")

    monkeypatch.setattr(deepdiff.training, "fit", no_training)
    model, check = interpret.trained_model(runs["raw_aux_siamese"], tiny_pair(60, 30, 30))
    assert "weights loaded from model.pt" in check and not model.training


def test_trained_model_retrains_a_run_written_before_models_were_saved(
    runs: dict[str, RunResult], tmp_path: Path
) -> None:
    from deepdiff import interpret
    from deepdiff.results.store import load_result

    path = _copy(runs["raw_aux_siamese"], tmp_path)
    for name in (MODEL_FILE, MODEL_META_FILE):
        (path / name).unlink()
    _, check = interpret.trained_model(load_result(path), tiny_pair(60, 30, 30))
    assert "retrained in memory" in check


def test_sizes_and_fields_of_model_json_are_checked_before_anything_is_built(
    runs: dict[str, RunResult], tmp_path: Path
) -> None:
    path = _copy(runs["raw_aux_siamese"], tmp_path)
    meta = json.loads((path / MODEL_META_FILE).read_text())
    meta_file = path / MODEL_META_FILE
    _edit_meta(path, model_config={**meta["model_config"], "bin_hidden": 200_000})  # terabytes if built
    with pytest.raises(DataError, match=rf"{meta_file}.*bin_hidden 200000.*{MODEL_FILE} holds only"):
        load_model(path)
    _edit_meta(path, model_config={**meta["model_config"], "n_bins": 10**9})
    with pytest.raises(DataError, match=rf"{meta_file}.*n_bins"):
        load_model(path)
    _edit_meta(path, model_config=meta["model_config"], weights="x")
    with pytest.raises(DataError, match=rf"{meta_file}.*weights"):
        load_model(path)
    _edit_meta(path, weights=meta["weights"], networks="x")
    with pytest.raises(DataError, match=rf"{meta_file}.*networks"):
        load_model(path)


def test_a_method_that_does_not_match_the_networks_is_refused(
    runs: dict[str, RunResult], tmp_path: Path
) -> None:
    path = _copy(runs["raw_aux_siamese"], tmp_path)
    _edit_meta(path, method="raw_c")  # the weights fit, the label would be false
    with pytest.raises(DataError, match=r"method raw_c.*raw_aux_siamese"):
        load_model(path)
    path = _copy(runs["attentivechrome_diff"], tmp_path / "ac")
    _edit_meta(path, method="raw_c")
    with pytest.raises(DataError, match=r"method raw_c.*attentivechrome"):
        load_model(path)


def test_a_run_unpacked_without_its_weights_is_trained_again_where_they_are_needed(tmp_path: Path) -> None:
    """A bundle leaves model.pt out: a caller that needs the weights gets the run trained again in a
    fresh results directory, not a run that cannot be loaded (the book's own-data page)."""
    from deepdiff.methods import RunOptions
    from deepdiff.results.bundle import pack, unpack
    from deepdiff.training.runner import train
    from tests.training.standins import FAST_BUDGET, tiny_pair

    data = tiny_pair(60, 30, 30)

    def run(results: Path, **options: object) -> RunResult:
        opts = RunOptions(device="cpu", results_dir=results, progress=False, **options)
        return train(data, methods.get("raw_c"), options=opts, overrides=FAST_BUDGET, model_config=SMALL)

    first = run(tmp_path / "cluster")
    info = pack(tmp_path / "cluster", tmp_path / "b.tar.gz")
    fresh = tmp_path / "fresh"
    unpack(info.path, fresh)
    restored = run(fresh)
    assert restored.reused  # metrics and predictions are all most pages need
    from deepdiff import interpret

    _, check = interpret.trained_model(restored, data)  # Figure 5's page retrains, and says why
    assert f"unpacked from the results bundle {info.path}" in check
    again = run(fresh, saved_model=True)
    assert not again.reused and again.path == fresh / first.path.relative_to(tmp_path / "cluster")
    assert load_model(again.path).method == "raw_c"
    assert run(fresh, saved_model=True).reused  # now complete: found again
