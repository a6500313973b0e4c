"""The full grid of the paper: its job list, and a Snakemake dry run of the workflow."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deepdiff.constants import PAPER_PAIRS
from deepdiff.errors import ConfigError
from deepdiff.grid import GridConfig, plan_jobs
from deepdiff.methods import PAPER_BASELINES, PAPER_VARIANTS
from tests.conftest import ROOT


def test_default_grid_is_the_papers() -> None:
    jobs = plan_jobs(GridConfig())
    assert len(jobs) == len(PAPER_PAIRS) * 3 * (len(PAPER_VARIANTS) + len(PAPER_BASELINES))
    assert {j.pair for j in jobs} == set(PAPER_PAIRS)
    assert {j.method for j in jobs if j.kind == "train"} == set(PAPER_VARIANTS)
    assert len({j.id for j in jobs}) == len(jobs)


def test_job_command_line() -> None:
    grid = GridConfig(pairs=("E003-E004",), seeds=(1,), data="simulated", profile="quick")
    job = next(j for j in plan_jobs(grid) if j.method == "raw_c")
    argv = job.argv(grid)
    assert argv[:4] == ["deepdiff", "train", "--variant", "raw_c"]
    assert argv[argv.index("--seed") + 1] == "1"
    assert argv[argv.index("--data") + 1] == "simulated"


def test_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown variants"):
        GridConfig(variants=("raw_x",))
    with pytest.raises(ConfigError, match="unknown grid settings"):
        GridConfig.from_mapping({"pairz": ["E003-E004"]})
    with pytest.raises(ValueError, match="malformed pair"):
        GridConfig(pairs=("E003E004",))


def test_from_mapping_all_pairs() -> None:
    grid = GridConfig.from_mapping({"pairs": ["all"], "seeds": [0]})
    assert grid.pairs == PAPER_PAIRS and grid.seeds == (0,)


def test_snakemake_dry_run(tmp_path: Path) -> None:
    exe = shutil.which("snakemake", path=str(Path(sys.executable).parent)) or shutil.which("snakemake")
    if exe is None:
        pytest.fail("snakemake is not installed; it is part of the dev extra (make setup)")
    out = subprocess.run(
        [
            exe,
            "-s",
            "workflow/Snakefile",
            "-n",
            "--cores",
            "1",
            "--config",
            f"results_dir={tmp_path}",
            "seeds=[0]",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    counts = dict(re.findall(r"^(fetch|run|summary)\s+(\d+)$", out.stdout, flags=re.MULTILINE))
    n_methods = len(PAPER_VARIANTS) + len(PAPER_BASELINES)
    assert counts == {"fetch": "10", "run": str(len(PAPER_PAIRS) * n_methods), "summary": "1"}, out.stdout[
        -2000:
    ]
