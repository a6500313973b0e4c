"""The full grid of the paper: its job list, its settings, shards, and Snakemake dry runs of the workflow."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deepdiff import methods
from deepdiff.constants import PAPER_PAIRS
from deepdiff.errors import ConfigError
from deepdiff.grid.jobs import all_jobs, plan_jobs, shard_jobs
from deepdiff.grid.running import notebook_parameters
from deepdiff.grid.settings import BOOK_GRID, GridConfig, kind_methods, load_grid
from deepdiff.methods import ALL_VARIANTS, APPENDIX_VARIANTS, PAPER_BASELINES, PAPER_VARIANTS
from tests.conftest import ROOT

#: The default grid: 10 pairs x 3 seeds x (7 + 2 variants + 4 baselines, all seeded) = 390 runs, plus
#: 10 fetch jobs, aggregate, notebooks, book and all (workflow/README.md states the count).
DEFAULT_RUNS = 390
DEFAULT_WORKFLOW_JOBS = 404


def test_default_grid_is_the_papers() -> None:
    jobs = plan_jobs(GridConfig())
    n_variants = len(PAPER_VARIANTS) + len(APPENDIX_VARIANTS)
    assert len(jobs) == len(PAPER_PAIRS) * 3 * (n_variants + len(PAPER_BASELINES)) == DEFAULT_RUNS
    assert {j.pair for j in jobs} == set(PAPER_PAIRS)
    trained = {*PAPER_VARIANTS, *APPENDIX_VARIANTS, "attentivechrome_diff"}
    assert {j.method for j in jobs if j.kind == "train"} == trained
    assert {j.method for j in jobs if j.kind == "baseline"} == {"svr1", "svr2", "relief_rf"}
    assert len({j.id for j in jobs}) == len(jobs)


def test_the_config_file_is_the_default_grid_and_every_setting_but_the_methods() -> None:
    """The methods come from the registry (GridConfig's defaults); the file shows how to set them."""
    path = ROOT / "workflow" / "config.yaml"
    text = yaml.safe_load(path.read_text())
    assert set(text) == set(GridConfig.__dataclass_fields__) - {"variants", "baselines"}
    assert load_grid(path) == GridConfig()
    assert "#   variants: [" in path.read_text() and "#   baselines: [" in path.read_text()


def test_a_method_independent_of_its_seed_runs_once() -> None:
    grid = GridConfig(pairs=("E003-E004",), variants=("raw",), baselines=("ridge", "svr1"), seeds=(4, 5))
    jobs = [(j.method, j.seed) for j in plan_jobs(grid)]
    assert jobs == [("raw", 4), ("ridge", 4), ("svr1", 4), ("raw", 5), ("svr1", 5)]
    assert [m for m, spec in methods.METHODS.items() if not spec.seeded] == ["ridge"]


def test_job_command_lines() -> None:
    grid = GridConfig(
        pairs=("E003-E004",), seeds=(1,), data="simulated", profile="quick", genes=300, epochs=2
    )
    jobs = {j.method: j for j in plan_jobs(grid)}
    train = jobs["raw_c"].argv(grid, threads=3)
    assert train[:4] == ["deepdiff", "train", "--variant", "raw_c"]
    assert train[train.index("--threads") + 1] == "3"
    assert train[train.index("--epochs") + 1] == "2"
    assert train[train.index("--seed") + 1] == "1"
    assert train[train.index("--genes") + 1] == "300"
    assert train[train.index("--data") + 1] == "simulated"
    # AttentiveChrome-diff is trained by the training loop: the train rule, with --epochs and threads.
    assert jobs["attentivechrome_diff"].kind == "train"
    baseline = jobs["svr2"].argv(grid, threads=3)
    assert baseline[:4] == ["deepdiff", "baseline", "--method", "svr2"]
    assert baseline[baseline.index("--n-jobs") + 1] == "3" and "--epochs" not in baseline
    local = GridConfig(pairs=("A1-B1",), data="local", data_dir="/d", variants=("raw",), baselines=())
    argv = plan_jobs(local)[0].argv(local)
    assert argv[argv.index("--data-dir") + 1] == "/d"


def test_markers_of_different_rules_cannot_collide() -> None:
    jobs = all_jobs(GridConfig(baselines=("svr1", "ridge"), seeds=(0,)))
    markers = {j.marker for j in jobs}
    assert len(markers) == len(jobs)
    assert all(j.marker.startswith(f".grid/{j.kind}/{j.pair}/{j.method}/") for j in jobs)
    assert {j.marker.split("/")[1] for j in jobs} == {"train", "baseline"}
    assert set(kind_methods("train")).isdisjoint(kind_methods("baseline"))
    assert set(kind_methods("train")) | set(kind_methods("baseline")) == set(methods.METHODS)


def test_settings_as_snakemake_passes_them() -> None:
    # Snakemake's --config passes list items and null as text.
    grid = GridConfig.from_mapping(
        {
            "seeds": ["0", "2"],
            "baselines": [],
            "genes": "300",
            "data_dir": "null",
            "shard": "",
            "pairs": "all",
        }
    )
    assert grid.seeds == (0, 2) and grid.baselines == () and grid.genes == 300
    assert grid.data_dir is None and grid.shard is None and grid.pairs == PAPER_PAIRS
    assert GridConfig.from_mapping(grid.to_mapping()) == grid
    assert load_grid(None, [o for o in grid.cli_options() if o != "--set"]) == grid


def test_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown variants"):
        GridConfig(variants=("raw_x",))
    with pytest.raises(ConfigError, match="unknown grid settings"):
        GridConfig.from_mapping({"pairz": ["E003-E004"]})
    with pytest.raises(ConfigError, match="malformed pair"):
        GridConfig(pairs=("E003E004",))
    with pytest.raises(ConfigError, match="needs data_dir"):
        GridConfig(data="local")
    with pytest.raises(ConfigError, match="only used with data: local"):
        GridConfig(data="remc", data_dir="/x")
    with pytest.raises(ConfigError, match="no method"):
        GridConfig(variants=(), baselines=())
    with pytest.raises(
        ConfigError, match="grid setting profile='quik' is unknown; choose one of paper, quick"
    ):
        GridConfig(profile="quik")
    with pytest.raises(ConfigError, match="device='gpu'; choose one of auto, cpu"):
        GridConfig(device="gpu")
    assert GridConfig(device="cuda:1").device == "cuda:1"
    with pytest.raises(ConfigError, match="i/N"):
        GridConfig(shard="3")
    with pytest.raises(ConfigError, match="between 1 and N"):
        GridConfig(shard="4/3")
    with pytest.raises(ConfigError, match="not a whole number"):
        GridConfig.from_mapping({"seeds": ["zero"]})
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        load_grid(None, ["seeds"])
    with pytest.raises(ConfigError, match="twice"):
        plan_jobs(GridConfig(seeds=(0, 0)))


def test_shards_split_the_jobs_into_balanced_independent_parts() -> None:
    from deepdiff.grid.costs import job_seconds

    grid = GridConfig(seeds=(0,))
    jobs = all_jobs(grid)
    shards = shard_jobs(jobs, grid, 7)
    flat = [j for shard in shards for j in shard]
    assert sorted(j.id for j in flat) == sorted(j.id for j in jobs)  # each job once
    assert shard_jobs(jobs, grid, 7) == shards  # the same split in every shard's process
    loads = [sum(job_seconds(j, grid) for j in shard) for shard in shards]
    longest = max(job_seconds(j, grid) for j in jobs)
    assert max(loads) - min(loads) <= longest
    for i in range(1, 8):
        assert plan_jobs(GridConfig(seeds=(0,), shard=f"{i}/7")) == shards[i - 1]
    assert GridConfig(shard="2/7").targets() == [".grid/results-shard-2-of-7.tar.gz"]


def test_notebook_parameters_are_the_grids() -> None:
    grid = GridConfig(pairs=("E003-E004", "E123-E116"), data="simulated", profile="quick", seeds=(0,))
    params = notebook_parameters(grid)
    assert params["pair"] == "E003-E004" and params["extra_pairs"] == ["E123-E116"]
    assert params["run_missing"] is False and params["n_genes"] == 18_460
    assert params["variants"] == list(ALL_VARIANTS) and params["seeds"] == [0]
    assert Path(params["results_dir"]).is_absolute()


# --------------------------------------------------------------------------------------------- dry runs


def snakemake(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the venv's snakemake on workflow/Snakefile in ``cwd``, with this checkout importable."""
    exe = shutil.which("snakemake", path=str(Path(sys.executable).parent)) or shutil.which("snakemake")
    if exe is None:
        pytest.fail("snakemake is not installed; it is part of the dev extra (make setup)")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    return subprocess.run(
        [exe, "-s", str(ROOT / "workflow" / "Snakefile"), "--directory", str(cwd), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def job_counts(stdout: str) -> dict[str, int]:
    """Snakemake's job statistics table (rule -> count)."""
    table = stdout.split("Job stats:", 1)[-1]
    return {
        r: int(n)
        for r, n in re.findall(r"^(\w+)\s+(\d+)$", table, flags=re.MULTILINE)
        if r != "total" and r not in ("job", "count")
    }


def test_default_dry_run_plans_every_job_without_a_traceback(tmp_path: Path) -> None:
    out = snakemake("-n", "--cores", "2", "--strict-dag-evaluation", "functions", cwd=tmp_path)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text[-3000:]
    assert "Traceback" not in text and "Exception" not in text
    counts = job_counts(out.stdout)
    assert counts == {
        "fetch": 10,
        "train": 300,
        "baseline": 90,
        "aggregate": 1,
        "notebooks": 1,
        "book": 1,
        "all": 1,
    }
    assert sum(counts.values()) == DEFAULT_WORKFLOW_JOBS


@pytest.mark.parametrize(
    "config",
    [
        ["data=simulated", "profile=quick", "seeds=[0]"],
        ["data=sample", "pairs=[E123-E003]", "baselines=[]"],
        ["data=local", "data_dir=cells", "pairs=[K562-HepG2]", "variants=[raw]", "baselines=[ridge]"],
        ["data=auto", "seeds=[0]", "shard=2/5"],
    ],
    ids=["simulated", "sample", "local", "auto-shard"],
)
def test_every_data_source_plans(tmp_path: Path, config: list[str]) -> None:
    out = snakemake(
        "-n", "--cores", "2", "--strict-dag-evaluation", "functions", "--config", *config, cwd=tmp_path
    )
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    grid = load_grid(None, config)
    counts = job_counts(out.stdout)
    assert counts.get("train", 0) + counts.get("baseline", 0) == len(plan_jobs(grid))
    if grid.shard:
        assert counts.get("pack") == 1 and "book" not in counts
    else:
        assert counts["book"] == 1 and counts["fetch"] == len(grid.pairs)


def test_slurm_profile_parses_and_plans(tmp_path: Path) -> None:
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        pytest.fail("snakemake-executor-plugin-slurm is not installed; it is part of the workflow extra")
    out = snakemake(
        "-n",
        "--profile",
        str(ROOT / "workflow" / "profiles" / "slurm"),
        "--config",
        "seeds=[0]",
        "gpus=1",
        cwd=tmp_path,
    )
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    assert "slurm_account=your_account" in out.stdout
    train = re.findall(r"rule train:.*?resources: ([^\n]*)", out.stdout, flags=re.DOTALL)
    assert train and all("gpu=1" in r and "mem_mb=" in r and "runtime=" in r for r in train)
    baseline = re.findall(r"rule baseline:.*?resources: ([^\n]*)", out.stdout, flags=re.DOTALL)
    assert baseline and all("gpu=0" in r for r in baseline)


@pytest.mark.slow
def test_run_grid_in_two_processes_gives_the_runs_of_one(tmp_path: Path) -> None:
    from deepdiff.grid.running import run_grid
    from deepdiff.results.store import load_result
    from tests.training.standins import tiny_pair

    data = {"E003-E004": tiny_pair()}
    runs = {}
    for workers in (1, 2):
        grid = GridConfig(
            pairs=("E003-E004",),
            variants=("raw_d",),
            baselines=("ridge",),
            seeds=(0, 1),
            data="simulated",
            profile="quick",
            epochs=1,
            device="cpu",
            results_dir=str(tmp_path / f"workers{workers}"),
        )
        table = run_grid(grid, data, workers=workers)
        assert list(table["method"]) == [j.method for j in plan_jobs(grid)]  # the jobs' order, however run
        assert not table["cached"].any()
        runs[workers] = {
            p.relative_to(tmp_path / f"workers{workers}"): load_result(p.parent).metrics["test"]
            for p in (tmp_path / f"workers{workers}").rglob("metrics.json")
        }
        again = run_grid(grid, data, workers=workers)
        assert again["cached"].all()
    assert len(runs[1]) == 3
    assert runs[1] == runs[2]


def test_the_quick_grid_is_the_books_reduced_grid() -> None:
    """workflow/grids/quick.yaml is BOOK_GRID on the notebooks' simulated data; Table 1's seven variants only
    (the appendix's are in the paper's grid)."""
    from deepdiff.report.notebook import SIMULATED_GENES

    merged = {
        **yaml.safe_load((ROOT / "workflow" / "config.yaml").read_text()),
        **yaml.safe_load((ROOT / "workflow" / "grids" / "quick.yaml").read_text()),
    }
    quick = GridConfig.from_mapping(merged)
    assert quick == dataclasses.replace(BOOK_GRID, genes=SIMULATED_GENES)
    assert quick.variants == PAPER_VARIANTS
    assert len(plan_jobs(quick)) == len(quick.pairs) * (len(PAPER_VARIANTS) + len(PAPER_BASELINES))
    assert set(APPENDIX_VARIANTS) <= set(GridConfig().variants)
