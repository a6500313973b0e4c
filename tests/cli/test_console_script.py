"""End to end through the installed ``deepdiff`` command, on synthetic data written by ``deepdiff simulate``.

The module's fixtures build what a user builds, in order: a simulated pair on disk (``simulated``),
then a results directory with a trained variant and a baseline (``results``). A test of a further
command takes them as they are, e.g. ``deepdiff predict`` with the model of ``results`` on the
genes of ``simulated``. Every error path a user meets is checked with its message.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from deepdiff import methods
from deepdiff._util.paths import display_path
from deepdiff.constants import REMC_COMMIT
from deepdiff.methods import RunOptions
from deepdiff.results.store import collect_results, load_result
from deepdiff.sources.loading import load_pair
from deepdiff.training import runner
from tests.cli.console import deepdiff

pytestmark = pytest.mark.slow

PAIR = "E003-E004"
GENES = 90
FILES = [f"{cell}.{role}.csv" for cell in ("E003", "E004") for role in ("train", "valid", "test", "expr")]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``deepdiff simulate``: a pair in the authors' file format."""
    out = tmp_path_factory.mktemp("simulated")
    ran = deepdiff("simulate", "--pair", PAIR, "--genes", GENES, "--seed", 2, "--out", out, "--quiet")
    assert ran.code == 0, ran.err
    assert f"simulated (seed 2, {GENES} genes, calibrated to {PAIR})" in ran.out
    assert ran.out.rstrip().endswith(f"  {PAIR}.provenance.json") and "wrote 9 files" in ran.out
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, f"{PAIR}.provenance.json"])
    return out


def _split_sizes(folder: Path) -> dict[str, int]:
    """Genes per split, as the simulator's provenance file records them."""
    return json.loads((folder / f"{PAIR}.provenance.json").read_text())["genes"]


def _data_args(folder: Path) -> list[str | Path]:
    return ["--pair", PAIR, "--data", "local", "--data-dir", folder, "--no-progress"]


@pytest.fixture(scope="module")
def results(simulated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``deepdiff train`` and ``deepdiff baseline`` on the simulated pair: a results directory."""
    out = tmp_path_factory.mktemp("results")
    train = ["train", "--variant", "raw_d", *_data_args(simulated), "--epochs", 2, "--patience", 1]
    ran = deepdiff(*train, "--device", "cpu", "--out", out)
    assert ran.code == 0, ran.err
    assert f"raw_d on {PAIR}" in ran.out and "reused cached result" not in ran.out
    assert "resuming" not in ran.err
    ran = deepdiff("baseline", "--method", "ridge", *_data_args(simulated), "--out", out)
    assert ran.code == 0, ran.err
    assert f"ridge on {PAIR}" in ran.out
    return out


def test_simulated_files_read_back_as_local_data(simulated: Path) -> None:
    ran = deepdiff("data", "info", *_data_args(simulated))
    assert ran.code == 0, ran.err
    # the data label names the folder as a page may show it (deepdiff._util.paths.display_path), not the machine's path
    assert ran.out.startswith(f"{PAIR}  [local: {display_path(simulated)}]  source=local")
    sizes = _split_sizes(simulated)
    assert sum(sizes.values()) == GENES
    for split, n in sizes.items():
        assert f"  {split:<6} {n:>7}  uint16" in ran.out


def test_train_and_baseline_write_results_and_reuse_them(results: Path, simulated: Path) -> None:
    table = collect_results(results)
    assert sorted(table["method"]) == ["raw_d", "ridge"]
    assert set(table["source"]) == {"local"} and set(table["pair"]) == {PAIR}
    raw_d = load_result(table.loc[table["method"] == "raw_d", "path"].item()).metrics
    assert raw_d["config"]["train"]["max_epochs"] == 2 and raw_d["config"]["train"]["patience"] == 1
    assert raw_d["device"] == "cpu" and raw_d["test"]["n"] == _split_sizes(simulated)["test"]
    assert len(raw_d["history"]) in (1, 2)  # patience 1 may stop after the first epoch
    train = ["train", "--variant", "raw_d", *_data_args(simulated), "--epochs", 2, "--patience", 1]
    for again in (
        deepdiff(*train, "--out", results),
        deepdiff("baseline", "--method", "ridge", *_data_args(simulated), "--out", results),
    ):
        assert again.code == 0, again.err
        assert again.out.count("reused cached result") == 1
    assert len(collect_results(results)) == 2


def test_evaluate_lists_every_run_with_its_interval(results: Path, simulated: Path) -> None:
    table = collect_results(results)
    stored = {
        m: load_result(p).metrics["test"]["pearson"]
        for m, p in zip(table["method"], table["path"], strict=True)
    }
    ran = deepdiff("evaluate", results, "--n-boot", 200, "--level", 0.9)
    assert ran.code == 0, ran.err
    header, *rows = ran.out.splitlines()
    assert header.split() == [
        "kind",
        "method",
        "pair",
        "data",
        "profile",
        "seed",
        "n",
        "test",
        "PCC",
        "90%",
        "CI",
    ]
    assert len(rows) == 2
    for row in rows:
        method = row.split()[1]
        assert re.search(rf" {stored[method]:.3f} +\[-?\d\.\d{{3}}, -?\d\.\d{{3}}\]$", row), row
        assert f" {PAIR} local: " in row
    ran = deepdiff("evaluate", results, "--json", "--n-boot", 200, "--level", 0.9)
    assert ran.code == 0, ran.err
    runs = {r["method"]: r for r in json.loads(ran.out)}
    assert set(runs) == {"raw_d", "ridge"}
    for method, run in runs.items():
        assert (run["kind"], run["n_test"], run["profile"]) == (
            "deepdiff" if method == "raw_d" else "baseline",
            _split_sizes(simulated)["test"],
            "quick",
        )
        assert run["test_pearson"] == pytest.approx(stored[method])
        assert -1 < run["test_pearson_low"] < run["test_pearson"] < run["test_pearson_high"] < 1


def test_predict_applies_the_trained_model_to_the_cells(
    results: Path, simulated: Path, tmp_path: Path
) -> None:
    import pandas as pd

    table = collect_results(results)
    run_dir = Path(table.loc[table["method"] == "raw_d", "path"].item())
    out = tmp_path / "pred"
    args = ["predict", "--model", run_dir, "--pair", PAIR, "--data-dir", simulated, "--no-progress"]
    ran = deepdiff(*args, "--out", out, "--device", "cpu", "--n-boot", 200)
    assert ran.code == 0, ran.err
    assert sorted(p.name for p in out.iterdir()) == ["attention.npz", "prediction.json", "predictions.csv"]
    predicted = pd.read_csv(out / "predictions.csv").set_index("gene")
    assert len(predicted) == GENES  # every gene of the three split files
    stored = load_result(run_dir).predictions.set_index("gene")
    test = predicted.loc[stored.index]
    assert test["lfc_pred"].to_numpy() == pytest.approx(stored["lfc_pred"].to_numpy(), abs=1e-5)
    assert test["lfc_true"].to_numpy() == pytest.approx(stored["lfc_true"].to_numpy(), abs=1e-6)
    summary = json.loads((out / "prediction.json").read_text())
    assert summary["n_genes"] == GENES and "pearson" in json.dumps(summary["metrics"])
    again = deepdiff(*args, "--out", out)
    assert again.code != 0 and str(out) in again.err and "--force" in again.err
    missing = deepdiff(*args[:2], tmp_path / "nothing", *args[3:], "--out", tmp_path / "p2")
    assert missing.code != 0 and "nothing" in missing.err and not (tmp_path / "p2").exists()


class _Interrupt(Exception):
    pass


def test_restarted_training_says_where_it_resumes(simulated: Path, tmp_path: Path) -> None:
    """A run interrupted after its first epoch (here in-process), restarted with the command."""
    out = tmp_path / "results"

    def interrupt(record: dict) -> None:
        raise _Interrupt

    data = load_pair(PAIR, "local", data_dir=simulated, progress=False)
    options = RunOptions(results_dir=out, device="cpu", progress=False)
    with pytest.raises(_Interrupt):
        runner.train(
            data, methods.get("raw_d"), options=options, overrides={"max_epochs": 2}, on_epoch_end=interrupt
        )
    (checkpoint,) = out.rglob(".*.ckpt")
    ran = deepdiff("train", "--variant", "raw_d", *_data_args(simulated), "--epochs", 2, "--out", out)
    assert ran.code == 0, ran.err
    # Said once; other lines on stderr may be a library's warnings.
    resuming = f"resuming raw_d {PAIR} at epoch 2 of 2 (1 epoch done, checkpoint {checkpoint})"
    assert ran.err.splitlines().count(resuming) == 1, ran.err
    (path,) = collect_results(out)["path"]
    selected = load_result(path).metrics["selected"]
    assert (selected["resumed_from_epoch"], selected["epochs_run"]) == (1, 2)
    assert not checkpoint.exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: What a user may get wrong: the command (``OUT``: a fresh folder), extra environment, and the
#: first line of what the command answers, with exit status 2.
ERRORS: dict[str, tuple[list[str], dict[str, str], str]] = {
    "threads": (
        ["train", "--pair", PAIR, "--data", "simulated", "--threads", "0", "--out", "OUT"],
        {},
        "deepdiff train: error: --threads must be a positive whole number, got 0",
    ),
    "patience": (
        ["train", "--pair", PAIR, "--data", "simulated", "--patience", "0", "--out", "OUT"],
        {},
        "deepdiff train: error: training setting patience must be a positive integer or None, got 0",
    ),
    "kernel backend": (
        ["train", "--pair", PAIR, "--data", "simulated", "--out", "OUT"],
        {"DEEPDIFF_KERNELS": "fast"},
        "deepdiff train: error: DEEPDIFF_KERNELS='fast' is not a backend; choose one of auto, native, torch",
    ),
    "train local without a folder": (
        ["train", "--pair", PAIR, "--data", "local", "--out", "OUT"],
        {},
        "deepdiff train: error: --data local needs --data-dir DIR, the folder with "
        "CELL.{train,valid,test,expr}.csv",
    ),
    "baseline local without a folder": (
        ["baseline", "--method", "ridge", "--pair", PAIR, "--data", "local", "--out", "OUT"],
        {},
        "deepdiff baseline: error: --data local needs --data-dir DIR, the folder with "
        "CELL.{train,valid,test,expr}.csv",
    ),
    "bootstrap resamples": (
        ["evaluate", "OUT", "--n-boot", "0"],
        {},
        "deepdiff evaluate: error: --n-boot must be positive, got 0",
    ),
    "interval level": (
        ["evaluate", "OUT", "--level", "1.5"],
        {},
        "deepdiff evaluate: error: --level must be between 0 and 1, got 1.5",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_paths_say_what_is_wrong(case: str, tmp_path: Path) -> None:
    args, env, message = ERRORS[case]
    ran = deepdiff(*(str(tmp_path) if a == "OUT" else a for a in args), env=env)
    assert (ran.code, ran.err.splitlines()[:1]) == (2, [message]), ran.err
    assert not any(tmp_path.iterdir())  # nothing written


def test_offline_data_fetch_says_how_to_fetch_by_hand(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    cache = tmp_path / "cache"
    ran = deepdiff(
        "data", "fetch", "--pair", PAIR, "--data", "remc", "--base-url", base, "--cache-dir", cache
    )
    assert ran.code == 2
    assert ran.err.startswith(f"deepdiff data: error: cannot connect to get {base}/{REMC_COMMIT}/data/")
    assert "is this machine offline?" in ran.err and "To fetch the files by hand" in ran.err
    for role in ("train", "valid", "test", "expr"):
        assert f"{base}/{REMC_COMMIT}/data/ProcessedData/E004.{role}.csv" in ran.err
    assert "--data local --data-dir FOLDER" in ran.err
    assert not list(cache.rglob("*.csv"))
