"""The appendix's variants (aux_cls, raw_aux_cls): trained, written, saved and loaded like every variant,
with labels from each cell's training median and the probabilities of their heads in the predictions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from deepdiff import methods
from deepdiff.cli import main
from deepdiff.results.store import RunResult
from deepdiff.training.loop import predict
from deepdiff.training.predictions import NetworkOutput, predicted
from deepdiff.training.saved import load_model
from deepdiff.training.tasks import PairTask
from tests.conftest import SampleFiles
from tests.training.standins import tiny_pair, train_tiny


@pytest.fixture(scope="module")
def cls_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    from deepdiff._util.threads import limited_threads

    root = tmp_path_factory.mktemp("cls")
    with limited_threads(1):
        return {m: train_tiny(root, m) for m in methods.APPENDIX_VARIANTS}


def test_the_registry_lists_them_apart_from_table_1() -> None:
    assert methods.APPENDIX_VARIANTS == ("aux_cls", "raw_aux_cls")
    assert not set(methods.APPENDIX_VARIANTS) & set(methods.PAPER_VARIANTS)
    assert methods.ALL_VARIANTS == (*methods.PAPER_VARIANTS, *methods.APPENDIX_VARIANTS)
    assert [methods.label(m) for m in methods.APPENDIX_VARIANTS] == [
        "Aux (classification)",
        "Raw+Aux (classification)",
    ]
    for name in methods.APPENDIX_VARIANTS:
        m = methods.METHODS[name]
        assert m.paper and m.appendix and m.training_loop and m.kind == "deepdiff"


@pytest.mark.parametrize("variant", ["aux_cls", "raw_aux_cls"])
def test_a_run_trains_with_labels_from_the_training_median(
    cls_runs: dict[str, RunResult], variant: str
) -> None:
    run = cls_runs[variant]
    pair = tiny_pair(60, 30, 30)
    history = run.metrics["history"]
    assert len(history) == 2 and all(np.isfinite(h["train_aux_a"]) and h["train_aux_a"] > 0 for h in history)
    selected = run.metrics["selected"]
    medians = {"a": float(np.median(pair.train.expr_a)), "b": float(np.median(pair.train.expr_b))}
    assert selected["aux_thresholds"] == pytest.approx(medians)
    assert set(selected["output_offsets"]) == {"diff"}
    table = run.predictions
    assert "log_expr_a_pred" not in table
    assert {
        "above_median_a_true",
        "above_median_a_prob",
        "above_median_b_true",
        "above_median_b_prob",
    } <= set(table)
    for cell in ("a", "b"):
        expected = np.where(getattr(pair.test, f"expr_{cell}") > medians[cell], 1, -1)
        np.testing.assert_array_equal(table[f"above_median_{cell}_true"], expected)
        prob = table[f"above_median_{cell}_prob"].to_numpy()
        assert ((prob > 0) & (prob < 1)).all()


@pytest.mark.parametrize("variant", ["aux_cls", "raw_aux_cls"])
def test_a_saved_run_loads_and_predicts_what_it_stored(cls_runs: dict[str, RunResult], variant: str) -> None:
    run = cls_runs[variant]
    model = load_model(run.path)
    (network,) = model.networks
    assert isinstance(network.task, PairTask) and network.task.classifies
    assert dict(network.task.aux_thresholds) == pytest.approx(run.metrics["selected"]["aux_thresholds"])
    assert model.meta["method"] == variant and model.meta["n_params"] == run.metrics["n_params"]
    test = tiny_pair(60, 30, 30).test
    out = predict(network.module, network.task, test, device=torch.device("cpu")).outputs
    got = predicted([NetworkOutput(network.task, network.module, out)])
    stored = run.predictions
    np.testing.assert_allclose(got["lfc"], stored["lfc_pred"], rtol=1e-5, atol=1e-6)
    for cell in ("a", "b"):
        np.testing.assert_allclose(
            got[f"above_median_{cell}"], stored[f"above_median_{cell}_prob"], rtol=1e-5, atol=1e-6
        )


def test_the_cli_trains_an_appendix_variant(
    sample_files: SampleFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results"
    argv = ["train", "--pair", "Cell1-Cell2", "--data", "local", "--data-dir", str(sample_files.directory)]
    argv += ["--genes", "60", "--variant", "aux_cls", "--epochs", "1", "--device", "cpu"]
    argv += ["--threads", "1", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    assert "aux_cls on Cell1-Cell2" in capsys.readouterr().out
    (run_dir,) = (out / "Cell1-Cell2" / "aux_cls").iterdir()
    assert load_model(run_dir).method == "aux_cls"
