"""Smoke test of benchmarks/throughput.py: every code path runs; nothing is timed or asserted on speed."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from deepdiff.models import ModelConfig
from tests.conftest import ROOT

TINY = ModelConfig(n_bins=6, bin_hidden=4, row_hidden=4)


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("throughput", ROOT / "benchmarks" / "throughput.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_measure_and_tables(bench: ModuleType) -> None:
    results = [
        bench.measure(variant, impl, 2, mode, config=TINY, repeats=1, min_seconds=0.0, threads=1)
        for variant in ("raw", "aux_siamese")
        for mode in ("train", "infer")
        for impl in ("fast", "reference")
    ]
    assert all(r["genes_per_s"] > 0 and r["peak_mb"] > 0 for r in results)
    rows = bench.summarise(results, {1: bench.matmul_flops(1, size=64, min_seconds=0.0)})
    assert all(r["pct_peak"] > 0 for r in rows)  # finite: the peak of 1 thread was measured
    assert {r["x_reference"] for r in rows if r["impl"] == "reference"} == {1.0}
    assert all(r["threads"] == 1 and r["x_reference_cpu"] > 0 for r in rows)
    markdown = bench.format_markdown(rows, "# header")
    assert markdown.count("| raw |") == 2 and "aux_siamese" in markdown
    assert bench.format_csv(rows).splitlines()[0].startswith("variant,batch,threads,impl,mode")


def test_rows_per_variant(bench: ModuleType) -> None:
    assert bench.level_one_rows("raw") == 15
    assert bench.level_one_rows("raw_aux_siamese") == 25
    assert bench.level_one_rows("aux_siamese") == 10
