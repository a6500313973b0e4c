"""The grid's cost model (deepdiff.grid.costs) and its estimate (deepdiff.grid.estimate): every method of every profile measured, with provenance, and the arithmetic."""

from __future__ import annotations

import json
import re

import pytest

from deepdiff import methods
from deepdiff.errors import ConfigError
from deepdiff.grid.costs import (
    ASSUMED_GPU_SPEEDUP,
    REFERENCE_THREADS,
    costs_path,
    job_mem_mb,
    job_runtime_min,
    job_seconds,
    makespan,
    measured,
    parse_costs,
    unit_cost,
)
from deepdiff.grid.estimate import estimate, format_estimate
from deepdiff.grid.jobs import plan_jobs
from deepdiff.grid.settings import GridConfig, load_grid


def test_every_method_has_a_measured_cost_in_every_profile() -> None:
    assert set(measured()) == {"paper", "quick"}
    for profile, costs in measured().items():
        assert set(costs) == set(methods.METHODS), profile
        for name, cost in costs.items():
            assert cost.fixed_s > 0 and cost.peak_mb > 0, (profile, name)
            assert (cost.epoch_s > 0) == methods.METHODS[name].training_loop, (profile, name)
            assert 0 < cost.cpu_share <= REFERENCE_THREADS
            where = str(cost.provenance)
            assert cost.provenance.date and cost.provenance.machine and "python benchmarks/" in where
    with pytest.raises(ConfigError, match="no measured cost"):
        unit_cost("raw", "fast")


def _costs_file() -> dict:
    return json.loads(costs_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o: o["costs"].update(fast={}), r"unknown profile 'fast'; choose one of paper, quick"),
        (
            lambda o: o["costs"].update(book={}),
            r"profile 'book' is derived in deepdiff.grid.costs, not measured",
        ),
        (
            lambda o: o["costs"]["paper"].update(svr3=o["costs"]["paper"]["svr1"]),
            r"paper svr3: unknown method",
        ),
        (
            lambda o: o["costs"]["quick"]["raw"].pop("peak_mb"),
            r"quick raw: expected the keys.*missing \['peak_mb'\]",
        ),
        (lambda o: o["costs"]["quick"]["raw"].update(run_s=0), r"quick raw: run_s must be a positive number"),
        (
            lambda o: o["costs"]["quick"]["raw"].update(epoch_s="3"),
            r"quick raw: epoch_s must be a non-negative number, got .3.",
        ),
        (
            lambda o: o["costs"]["quick"]["raw"].update(provenance="lab"),
            r"quick raw: unknown provenance .lab.; choose one of bench",
        ),
        (lambda o: o["provenance"]["bench"].pop("date"), r"provenance 'bench'.*missing \['date'\]"),
        (lambda o: o.update(extra=1), r"expected the keys.*unknown \['extra'\]"),
    ],
)
def test_a_bad_costs_file_is_refused_naming_the_file_and_the_entry(change, message) -> None:
    obj = _costs_file()
    assert parse_costs(obj, "costs.json") == measured()
    change(obj)
    with pytest.raises(ConfigError, match=r"^costs\.json: " + message):
        parse_costs(obj, "costs.json")


def test_job_time_follows_epochs_genes_and_the_gpu_assumption() -> None:
    grid = GridConfig(pairs=("E003-E004",), variants=("raw",), baselines=("svr1",), seeds=(0,))
    raw, svr1 = plan_jobs(grid)
    cost = unit_cost("raw", "paper")
    assert job_seconds(raw, grid) == pytest.approx(cost.fixed_s + 90 * cost.epoch_s)
    assert job_seconds(raw, grid, gpu=True) == pytest.approx(
        cost.fixed_s + 90 * cost.epoch_s / ASSUMED_GPU_SPEEDUP
    )
    assert job_seconds(raw, grid, idle=True) == pytest.approx(job_seconds(raw, grid) * cost.cpu_share / 2)
    fewer = GridConfig(pairs=("E003-E004",), variants=("raw",), seeds=(0,), epochs=3, genes=1846)
    assert job_seconds(plan_jobs(fewer)[0], fewer) == pytest.approx((cost.fixed_s + 3 * cost.epoch_s) / 10)
    assert job_seconds(svr1, grid, gpu=True) == job_seconds(svr1, grid)  # baselines stay on the CPU
    assert job_mem_mb(raw, grid) >= 1024 and job_mem_mb(raw, grid) % 256 == 0
    assert job_runtime_min(raw, grid) > job_seconds(raw, grid) / 60
    on_gpu = GridConfig(pairs=("E003-E004",), variants=("raw",), seeds=(0,), gpus=1)
    assert job_runtime_min(raw, on_gpu) == job_runtime_min(raw, grid)  # the GPU's speed is not measured


def test_quick_epochs_cost_what_the_profile_caps() -> None:
    """quick trains on at most 500 genes and validates on 250: its epochs barely shrink with the pair."""
    cost = unit_cost("raw", "quick")
    full = GridConfig(pairs=("E003-E004",), variants=("raw",), baselines=(), seeds=(0,), profile="quick")
    small = GridConfig(
        pairs=("E003-E004",),
        variants=("raw",),
        baselines=(),
        seeds=(0,),
        profile="quick",
        data="simulated",
        genes=1846,
    )
    assert job_seconds(plan_jobs(full)[0], full) == pytest.approx(cost.fixed_s + 6 * cost.epoch_s)
    # 1,846 genes: 1,000 training genes (500 read), 236 validation genes (all read) of 750 read in full
    assert job_seconds(plan_jobs(small)[0], small) == pytest.approx(
        cost.fixed_s / 10 + 6 * cost.epoch_s * 736 / 750
    )


def test_makespan() -> None:
    assert makespan([], 3) == 0.0
    assert makespan([5.0, 4.0, 3.0, 3.0, 3.0], 2) == 10.0  # longest first: 5+3, 4+3+3
    assert makespan([1.0, 1.0, 1.0], 8) == 1.0


def test_estimate_of_the_default_grid() -> None:
    result = estimate(GridConfig(), cores=(2, 64), shards=10)
    assert result["jobs"] == {"train": 300, "baseline": 90}
    two, many = result["cores"]["2"], result["cores"]["64"]
    assert two["measured"] == pytest.approx(result["job_hours"]["measured"])  # one job at a time
    assert many["measured"] >= result["longest_job_hours"]["measured"]
    assert many["measured"] >= two["measured"] / 32 and two["idle"] <= two["measured"]
    assert len(result["shards"]["hours"]) == 10
    assert sum(result["shards"]["hours"]) == pytest.approx(result["shards"]["runner_hours"])
    text = format_estimate(result)
    assert "ESTIMATE" in text and "not measured" in text and "measured where" in text


def test_the_workflow_readme_states_the_current_estimate() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "workflow" / "README.md").read_text(encoding="utf-8")
    block = readme.split("## What the grid costs", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    result = estimate(GridConfig(), cores=(2, 16, 64, 256))
    current = format_estimate(result).split("\nmeasured where:")[0]
    assert block.strip() == current.strip(), "rerun deepdiff grid estimate and update workflow/README.md"


def test_short_jobs_print_in_seconds_and_each_provenance_once() -> None:
    small = GridConfig(
        pairs=("E003-E004",),
        variants=("raw_d", "raw"),
        baselines=("ridge",),
        seeds=(0,),
        profile="quick",
        data="simulated",
        genes=300,
    )
    text = format_estimate(estimate(small, cores=(2,)))
    assert " 0 min" not in text
    assert re.search(r"on     2 cores: \d+ s to \d+ s\n", text)
    assert re.search(r"  ridge +< 1 s to < 1 s ", text)
    where = text.split("measured where:\n", 1)[1].splitlines()
    assert len(where) == 1 and where[0].startswith(
        "  raw_d, raw, ridge: benchmarks/grid_costs.py, 2026-11-30"
    )
    result = estimate(GridConfig(), cores=(2,))
    where = format_estimate(result).split("measured where:\n", 1)[1].splitlines()
    assert len(where) == len(set(result["provenance"].values())) == 3
    assert sorted(m for line in where for m in line.split(":", 1)[0].strip().split(", ")) == sorted(
        result["provenance"]
    )


def test_the_workflow_readmes_small_example_states_its_current_estimate() -> None:
    """The "small, offline" Snakemake example is small: its stated job time is what the estimate gives."""
    from tests.conftest import ROOT

    readme = (ROOT / "workflow" / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if "# small, offline" in ln)
    settings = line.split("--config", 1)[1].split("#", 1)[0].split()
    grid = load_grid(None, settings)
    result = estimate(grid, cores=(2,))
    stated = f"jobs {format_estimate(result).split('on     2 cores: ', 1)[1].splitlines()[0]} on 2 cores"
    assert stated in line, f"rerun deepdiff grid estimate on {settings} and update workflow/README.md"
    assert result["cores"]["2"]["measured"] < 0.25  # hours
