"""Benchmark: wall time of each baseline on one full-size simulated pair, on two cores.

A full-size pair has 10,000 / 2,360 / 6,100 genes (train / valid / test), as in the paper; it is
simulated (``simulate_pair(n_genes=None)``), so nothing is downloaded. Every baseline runs with
the given profile (default ``paper``: the paper's grids on all genes) and ``n_jobs`` workers, into
a temporary results directory (no cache hits). Targets on two cores: each of the paper's
baselines under 30 minutes, all of them together under one hour.

AttentiveChrome-diff is trained by :mod:`deepdiff.training` (its cost is that of training two
neural networks; see ``benchmarks/throughput.py``) and is only timed here when named with
``--methods``.

    python benchmarks/baselines.py [--methods svr1,svr2,relief_rf,ridge,hgb,cnn] [--genes N]
                                   [--profile paper] [--n-jobs 2] [--out benchmarks/out]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from deepdiff.baselines import METHODS, run_baseline
from deepdiff.baselines.registry import ATTENTIVECHROME_DIFF

#: Seconds each of the paper's baselines may take on two cores, and all of them together.
TARGET_EACH_S = 30 * 60
TARGET_ALL_S = 60 * 60
DEFAULT_METHODS = tuple(m for m in METHODS if m != ATTENTIVECHROME_DIFF)


def _short(selected: dict) -> str:
    """The chosen hyper-parameters, without long lists."""
    items = [
        f"{k}={v}" for k, v in selected.items() if not isinstance(v, (list, dict)) and k != "valid_pearson"
    ]
    return ", ".join(items)


def _markdown(table: pd.DataFrame) -> str:
    """A pipe table (without the optional ``tabulate`` dependency of ``DataFrame.to_markdown``)."""
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS))
    parser.add_argument("--genes", type=int, default=None, help="simulated genes (default: full size)")
    parser.add_argument("--profile", default="paper")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="write baselines.csv and baselines.md here")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]

    from deepdiff.simulate import simulate_pair

    tic = time.perf_counter()
    data = simulate_pair("E003-E004", n_genes=args.genes, seed=args.seed)
    simulate_s = time.perf_counter() - tic
    print(f"{data.summary()} (simulated in {simulate_s:.1f} s)")
    print(f"profile {args.profile}, n_jobs {args.n_jobs}, {os.cpu_count()} CPUs")

    rows = []
    with tempfile.TemporaryDirectory(prefix="deepdiff-bench-") as tmp:
        for method in methods:
            load_before = os.getloadavg()[0]
            tic = time.perf_counter()
            result = run_baseline(
                data,
                method,
                profile=args.profile,
                seed=args.seed,
                results_dir=tmp,
                n_jobs=args.n_jobs,
                progress=not args.no_progress,
                device="cpu",
            )
            wall = time.perf_counter() - tic
            m = result.metrics
            stages = {k: round(v, 1) for k, v in m.get("timings", {}).items() if k.endswith("_s")}
            rows.append(
                {
                    "method": method,
                    "paper": METHODS[method].paper,
                    "wall_s": round(wall, 1),
                    "test_pearson": m["test"]["pearson"],
                    "valid_pearson": m["valid"]["pearson"],
                    "selected": _short(m.get("selected", {})),
                    "stages_s": stages,
                    "load_before": round(load_before, 1),
                    "load_after": round(os.getloadavg()[0], 1),
                }
            )
            print(f"{method:<22} {wall:>8.1f} s  test PCC {m['test']['pearson']:.3f}  {stages}", flush=True)

    table = pd.DataFrame(rows)
    paper = table[table["paper"]]
    each_ok = bool((paper["wall_s"] < TARGET_EACH_S).all())
    all_ok = float(paper["wall_s"].sum()) < TARGET_ALL_S
    header = (
        f"Baselines on one simulated pair ({data.label}; train/valid/test "
        f"{len(data.train):,}/{len(data.valid):,}/{len(data.test):,} genes), profile {args.profile}, "
        f"n_jobs {args.n_jobs} on {os.cpu_count()} CPUs; load average is the 1-minute value before/after "
        "each run (other work on the machine slows wall time)."
    )
    print()
    print(header)
    print(table.drop(columns=["stages_s"]).to_string(index=False))
    print(
        f"paper's baselines: each < {TARGET_EACH_S / 60:.0f} min: {'yes' if each_ok else 'NO'}; "
        f"together {paper['wall_s'].sum() / 60:.1f} min < {TARGET_ALL_S / 60:.0f} min: {'yes' if all_ok else 'NO'}"
    )
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "baselines.csv", index=False)
        (args.out / "baselines.md").write_text(header + "\n\n" + _markdown(table) + "\n")
    return 0 if each_ok and all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
