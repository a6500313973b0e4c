"""The workflow run for real on a tiny grid: complete, resumed after a kill, on local cells, in shards.

The tiny grid: 2 pairs x 2 variants x 1 seed, plus one baseline, simulated (300 genes), quick
profile with 2 epochs (4 in the kill test, so that a job can be caught halfway). Each test runs
the real ``snakemake`` and ``deepdiff`` commands in a folder of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from deepdiff.cli import main
from deepdiff.grid.files import GRID_MISSING_FILE, GRID_RUNS_FILE, REPORT_NOTEBOOK
from deepdiff.grid.jobs import plan_jobs
from deepdiff.grid.settings import load_grid
from deepdiff.report.figure5 import attention_runs
from deepdiff.report.paper import FIGURE5_PAIR
from deepdiff.report.runs import RUN_COUNT_MEANING
from deepdiff.report.status import provenance_text, status_table
from deepdiff.results.bundle import merge, unpack
from deepdiff.results.store import collect_results, load_result
from tests.conftest import ROOT
from tests.grid.test_settings import job_counts, snakemake

pytestmark = pytest.mark.slow

TINY = [
    f"pairs=[E003-E004,{FIGURE5_PAIR}]",
    "variants=[raw_d,raw_c]",
    "baselines=[ridge]",
    "seeds=[0]",
    "data=simulated",
    "genes=300",
    "profile=quick",
    "epochs=2",
    "threads=1",
]
NOTHING = "Nothing to be done"


def run_grid(cwd: Path, *config: str, target: str = "aggregate") -> subprocess.CompletedProcess[str]:
    out = snakemake("--cores", "2", target, "--config", *config, cwd=cwd, timeout=1200)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    return out


def read_table(results: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        pd.read_csv(results / GRID_RUNS_FILE, sep="\t"),
        pd.read_csv(results / GRID_MISSING_FILE, sep="\t"),
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny grid, run once to its aggregate table and results notebook; its working folder."""
    cwd = tmp_path_factory.mktemp("tiny")
    run_grid(cwd, *TINY, target="notebooks")
    return cwd


def test_the_tiny_grid_completes_and_a_second_run_does_nothing(tiny: Path) -> None:
    report = json.loads((tiny / "results" / REPORT_NOTEBOOK).read_text())
    outputs = [o for c in report["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = "".join("".join(o.get("text", "")) for o in outputs)
    assert (
        "reduced grid: 2 pair(s) (E003-E004, E123-E116) × 2 variants" in text
    )  # the grid's, not the defaults
    assert "results directory: " in text and RUN_COUNT_MEANING in text
    # the runs-by-context table the notebook displays counts the grid's six runs in its one context
    shown = "".join(
        "".join(o.get("data", {}).get("text/plain", ""))
        for o in outputs
        if o["output_type"] == "display_data"
    )
    assert re.search(r"profile quick\s+6\s", shown), shown[:2000]
    runs, missing = read_table(tiny / "results")
    assert len(runs) == 6 and missing.empty
    assert set(runs["method"]) == {"raw_d", "raw_c", "ridge"} and (runs["data"] == "simulated").all()
    assert (runs["profile"] == "quick").all() and runs["test_pearson_low"].notna().all()
    assert all((tiny / "results" / d / "metrics.json").is_file() for d in runs["run_dir"])
    again = run_grid(tiny, *TINY, target="notebooks")
    assert NOTHING in again.stdout + again.stderr
    assert "grid table (`grid_runs.tsv`" in provenance_text(tiny / "results")
    assert "6 of 6 jobs have a run" in provenance_text(tiny / "results")


def test_a_killed_job_is_the_only_one_run_again(tmp_path: Path) -> None:
    config = [c if not c.startswith("epochs=") else "epochs=4" for c in TINY]
    results = tmp_path / "results"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    exe = Path(sys.executable).parent / "snakemake"
    snakefile = str(ROOT / "workflow" / "Snakefile")
    proc = subprocess.Popen(
        [
            str(exe),
            "-s",
            snakefile,
            "--directory",
            str(tmp_path),
            "--cores",
            "1",
            "aggregate",
            "--config",
            *config,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    # Wait until one job is done and a training job is halfway (its per-epoch checkpoint exists).
    deadline = time.monotonic() + 900
    checkpoint = None
    while time.monotonic() < deadline and proc.poll() is None:
        done = list(results.glob(".grid/*/*/*/*.done"))
        checkpoint = next(iter(results.glob("*/*/.seed0-*.ckpt")), None)
        if done and checkpoint is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None and checkpoint is not None, "no training job was caught halfway"
    # Kill Snakemake and every job it started, at once (as a crash or a cluster's kill would).
    started = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGKILL)
    for child in started:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    proc.wait()
    psutil.wait_procs(started, timeout=30)
    before = {p: p.stat().st_mtime_ns for p in results.glob(".grid/*/*/*/*.done")}
    pair, method = checkpoint.parent.parent.name, checkpoint.parent.name
    killed = results / f".grid/train/{pair}/{method}/seed0.done"
    assert killed not in before
    assert collect_results(results).query("pair == @pair and method == @method").empty  # nothing trusted

    assert snakemake("--unlock", "--config", *config, cwd=tmp_path).returncode == 0
    out = run_grid(tmp_path, *config)
    counts = job_counts(out.stdout + out.stderr)
    assert counts.get("train", 0) + counts.get("baseline", 0) == 6 - len(before)
    assert {p: p.stat().st_mtime_ns for p in before} == before  # the finished jobs were not run again
    run = load_result(collect_results(results).query("pair == @pair and method == @method")["path"].item())
    assert run.metrics["selected"]["resumed_from_epoch"] >= 1  # continued from its checkpoint
    runs, missing = read_table(results)
    assert len(runs) == 6 and missing.empty


def test_the_tiny_grid_on_a_users_own_cells(tmp_path: Path) -> None:
    cells = tmp_path / "cells"
    for pair, seed in (("CellA-CellB", "1"), ("CellC-CellD", "2")):
        assert (
            main(
                ["simulate", "--pair", pair, "--genes", "300", "--seed", seed, "--out", str(cells), "--quiet"]
            )
            == 0
        )
    config = [c for c in TINY if not c.startswith(("pairs=", "data=", "genes="))]
    config += ["pairs=[CellA-CellB,CellC-CellD]", "data=local", f"data_dir={cells}"]
    run_grid(tmp_path, *config)
    runs, missing = read_table(tmp_path / "results")
    assert len(runs) == 6 and missing.empty and (runs["data"] == "local").all()
    assert set(runs["pair"]) == {"CellA-CellB", "CellC-CellD"}
    assert NOTHING in (lambda o: o.stdout + o.stderr)(run_grid(tmp_path, *config))


def test_shards_packed_and_merged_give_the_unsharded_status_page(tiny: Path, tmp_path: Path) -> None:
    bundles = []
    for i in (1, 2):
        shard = tmp_path / f"shard{i}"
        run_grid(shard, *TINY, f"shard={i}/2", target="all")
        (bundle,) = (shard / "results" / ".grid").glob(f"results-shard-{i}-of-2.tar.gz")
        bundles.append(bundle)
    grid = load_grid(None, [*TINY, "shard=1/2"])
    assert 0 < len(plan_jobs(grid)) < 6
    merged = merge(bundles, tmp_path / "grid.tar.gz", keep_attention=attention_runs)
    assert len(merged.runs) == 6
    unpack(merged.path, tmp_path / "published")
    pd.testing.assert_frame_equal(
        status_table(tmp_path / "published", n_boot=50), status_table(tiny / "results", n_boot=50)
    )
    assert "merged from 2 bundle(s)" in provenance_text(tmp_path / "published")
