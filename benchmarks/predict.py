"""Benchmark: ``deepdiff predict`` on a whole genome (20,000 genes) with N CPU threads.

For each variant asked, a model at the authors' sizes is trained for one epoch on 300 simulated genes
(a forward pass costs the same whatever the weights) and saved as every run is. Two cells of
``--genes`` genes are written in the REMC format (one ``CELL.all.csv`` each, counts drawn like real
ones, no expression); then the command ``deepdiff predict`` is run on them in this process,
``--threads`` torch threads, attention kept. Reported per variant: wall and CPU seconds of the
whole command (loading the model, reading and parsing both cells, predicting, writing the output
folder) and of the prediction alone. Run it under ``taskset -c 0,1`` for the 2-core figure.

    python benchmarks/predict.py [--genes 20000] [--variants raw_c,raw_aux_siamese] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from deepdiff.constants import N_BINS, N_MARKS


def write_cells(folder: Path, n_genes: int, seed: int = 0) -> None:
    """Two cells, CELL1 and CELL2, with overdispersed counts like the REMC files'."""
    from deepdiff.data.layout import ALL_ROLE, cell_file
    from deepdiff.simulate.export import split_csv

    rng = np.random.default_rng(seed)
    genes = [f"ENSG{i:011d}" for i in range(n_genes)]
    means = np.array([2.0, 1.5, 1.0, 1.2, 2.5])[None, :, None]
    for cell in ("CELL1", "CELL2"):
        counts = rng.negative_binomial(1, 1.0 / (1.0 + means), size=(n_genes, N_MARKS, N_BINS)).astype(
            np.uint16
        )
        (folder / cell_file(cell, ALL_ROLE)).write_bytes(
            split_csv(genes, [f"G{i}" for i in range(n_genes)], counts)
        )


def trained_run(variant: str, results: Path) -> Path:
    """A saved run of ``variant`` at the authors' sizes (one epoch on 300 simulated genes)."""
    from deepdiff.methods import RunOptions, run_method
    from deepdiff.simulate import simulate_pair

    data = simulate_pair("E003-E004", n_genes=300, seed=0)
    options = RunOptions(device="cpu", results_dir=results, progress=False)
    return run_method(data, variant, profile="quick", options=options, overrides={"max_epochs": 1}).path


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def main(argv: list[str] | None = None) -> int:
    from deepdiff.apply.cells import load_cells
    from deepdiff.apply.predict import apply_model
    from deepdiff.cli import main as cli

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--genes", type=int, default=20_000)
    parser.add_argument("--variants", default="raw_d,raw_c,raw_aux_siamese")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="deepdiff-predict-bench-"))
    os.environ.setdefault(
        "DEEPDIFF_CACHE_DIR", str(work / "cache")
    )  # the first parse is timed, not a cached one
    rows = []
    try:
        write_cells(work, args.genes)
        for variant in args.variants.split(","):
            run = trained_run(variant, work / "results")
            shutil.rmtree(work / "cache" / "parsed", ignore_errors=True)
            out = work / f"pred-{variant}"
            wall, cpu = time.perf_counter(), cpu_seconds()
            command = ["predict", "--model", str(run), "--pair", "CELL1-CELL2", "--data-dir", str(work)]
            cli([*command, "--out", str(out), "--threads", str(args.threads), "--force"])
            whole = (time.perf_counter() - wall, cpu_seconds() - cpu)
            cells = load_cells("CELL1-CELL2", work, progress=False)
            wall, cpu = time.perf_counter(), cpu_seconds()
            apply_model(run, cells, threads=args.threads, progress=False)
            alone = (time.perf_counter() - wall, cpu_seconds() - cpu)
            rows.append((variant, *whole, *alone))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.genes:,} genes, {args.threads} torch threads, attention kept\n")
    print("| variant | command wall s | command CPU s | prediction wall s | prediction CPU s |")
    print("|---|---|---|---|---|")
    for variant, w1, c1, w2, c2 in rows:
        print(f"| {variant} | {w1:.1f} | {c1:.1f} | {w2:.1f} | {c2:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
