"""``deepdiff results`` (aggregate, pack, unpack, merge), ``deepdiff grid`` and ``deepdiff data fetch`` of every source."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepdiff.cli import main
from deepdiff.grid.files import GRID_MISSING_FILE, GRID_RUNS_FILE, GRID_SUMMARY_FILE
from deepdiff.grid.jobs import plan_jobs
from deepdiff.grid.settings import load_grid
from deepdiff.results.store import cache_key, result_path, split_metrics, write_result
from deepdiff.simulate import simulate_pair
from tests.report.conftest import write_runs

TINY = ["pairs=[E003-E004]", "variants=[raw]", "baselines=[ridge]", "seeds=[0,1]", "data=simulated"]
TINY += ["genes=60", "profile=quick"]


def _sets(*items: str) -> list[str]:
    return [arg for item in items for arg in ("--set", item)]


def _runs_on_the_grids_data(root: Path) -> None:
    """Runs of raw (seed 0) and ridge on the tiny grid's data, and a raw run on other data."""
    data = simulate_pair("E003-E004", n_genes=60, seed=0)
    rng = np.random.default_rng(0)
    for method, kind, checksum in (
        ("raw", "deepdiff", data.checksum),
        ("ridge", "baseline", data.checksum),
        ("raw", "deepdiff", "other data"),
    ):
        y = data.test.lfc.astype(float)
        pred = y + rng.normal(size=len(y))
        key = cache_key(kind, method, {"seed": 0}, checksum)
        metrics = {
            "kind": kind,
            "method": method,
            "pair": "E003-E004",
            "data": {"source": "simulated", "label": data.label, "checksum": checksum},
            "profile": "quick",
            "seed": 0,
            "config": {},
            "test": split_metrics(y, pred),
            "valid": split_metrics(y, pred),
            "key": key,
        }
        frame = pd.DataFrame({"gene": data.test.genes, "lfc_true": y, "lfc_pred": pred})
        write_result(result_path(root, "E003-E004", method, 0, key), metrics=metrics, predictions=frame)


def test_aggregate_writes_the_grids_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _runs_on_the_grids_data(tmp_path)
    code = main(["results", "aggregate", *_sets(*TINY, f"results_dir={tmp_path}"), "--n-boot", "20"])
    assert code == 0
    assert "2 of 3 jobs have a run" in capsys.readouterr().out
    runs = pd.read_csv(tmp_path / GRID_RUNS_FILE, sep="\t")
    missing = pd.read_csv(tmp_path / GRID_MISSING_FILE, sep="\t")
    assert (
        sorted(runs["method"]) == ["raw", "ridge"] and (runs["candidates"] == 1).all()
    )  # not the other data
    assert missing[["method", "seed"]].values.tolist() == [["raw", 1]]
    assert missing["command"].item().startswith("deepdiff train --variant raw --device auto --threads 2")
    summary = json.loads((tmp_path / GRID_SUMMARY_FILE).read_text())
    assert summary["jobs"] == 3 and summary["found"] == 2 and summary["grid"]["genes"] == 60


#: The grid of the runs written under b/ (a grid's bundle holds only the grid's runs).
GRID_B = ("pairs=[E123-E116]", "seeds=[0]", "data=simulated", "profile=quick")


def test_pack_unpack_merge_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_runs(tmp_path / "a", pairs=("E003-E004",), n=40)
    write_runs(tmp_path / "b", pairs=("E123-E116",), n=40)
    assert main(["results", "pack", str(tmp_path / "a"), str(tmp_path / "a.tar.gz"), "--label", "A"]) == 0
    assert (
        main(
            ["results", "pack", str(tmp_path / "b"), str(tmp_path / "b.tar.gz"), *_sets(*GRID_B, "shard=1/1")]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "11 runs" in out and "sha256" in out
    assert (
        main(
            [
                "results",
                "merge",
                str(tmp_path / "ab.tar.gz"),
                str(tmp_path / "a.tar.gz"),
                str(tmp_path / "b.tar.gz"),
            ]
        )
        == 0
    )
    assert main(["results", "unpack", str(tmp_path / "ab.tar.gz"), str(tmp_path / "c")]) == 0
    assert "22 run(s) added" in capsys.readouterr().out
    (tmp_path / "bad.tar.gz").write_bytes(b"x")
    assert main(["results", "unpack", str(tmp_path / "bad.tar.gz"), str(tmp_path / "d")]) == 2
    assert "not a readable results bundle" in capsys.readouterr().err


def test_grid_plan_and_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grid", "plan", *_sets(*TINY), "--json"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert [(j["method"], j["seed"]) for j in jobs] == [("raw", 0), ("ridge", 0), ("raw", 1)]
    assert main(["grid", "estimate", "--shards", "3", "--json"]) == 0
    estimate = json.loads(capsys.readouterr().out)
    assert estimate["jobs"] == {"train": 300, "baseline": 90}
    assert set(estimate["cores"]) == {"2", "16", "64", "256"} and len(estimate["shards"]["hours"]) == 3
    assert main(["grid", "estimate", "--cores", "2", "--shards", "2", "--max-shard-hours", "0.01"]) == 1
    captured = capsys.readouterr()
    assert "ESTIMATE" in captured.out and "over 0.01 h" in captured.err
    assert main(["grid", "estimate", *_sets(*TINY), "--cores", "2"]) == 0
    text = capsys.readouterr().out
    assert "on     2 cores: " in text and " min" not in text  # seconds, not "0 min to 0 min"
    assert text.count("benchmarks/grid_costs.py, 2026-11-30") == 1 and "  raw, ridge: " in text
    assert main(["grid", "estimate", "--max-shard-hours", "4"]) == 2
    assert "give --shards N too" in capsys.readouterr().err
    assert main(["grid", "plan", "--set", "seeds=[]"]) == 2
    assert "at least one seed" in capsys.readouterr().err


def test_fetch_works_for_every_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--pair", "E003-E004", "--data", "simulated", "--genes", "300"]) == 0
    assert "need no download" in capsys.readouterr().out
    cells = tmp_path / "cells"
    assert main(["simulate", "--pair", "CellA-CellB", "--genes", "60", "--out", str(cells), "--quiet"]) == 0
    capsys.readouterr()
    args = ["data", "fetch", "--data", "local", "--data-dir", str(cells), "--no-progress"]
    assert main([*args, "--pair", "CellA-CellB"]) == 0
    assert "CellA-CellB  [local: " in capsys.readouterr().out
    assert main([*args, "--pair", "CellA-CellX"]) == 2
    assert "cell 'CellX' has no files" in capsys.readouterr().err
    assert main(["data", "fetch", "--pair", "E003-E004", "--data", "simulated", "--print-urls"]) == 2
    assert len(plan_jobs(load_grid(None, TINY))) == 3
