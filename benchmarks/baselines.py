"""Benchmark: wall time of each baseline on one full-size simulated pair, on two cores.

A full-size pair has 10,000 / 2,360 / 6,100 genes (train / valid / test), as in the paper; it is
simulated (``simulate_pair(n_genes=None)``), so nothing is downloaded. Every baseline runs with
the given profile (default ``paper``: the paper's grids on all genes) and ``n_jobs`` workers, into
a temporary results directory (no cache hits). Targets on two cores: each of the paper's
baselines under 30 minutes, all of them together under one hour.

Wall time depends on what else runs on the machine, so CPU time is reported too: this process
and its worker processes (shut down after each method so that their time is counted).
``cpu_s / n_jobs`` is what the wall time would be on ``n_jobs`` idle cores with perfect parallel
use, a lower bound; the targets are checked on the wall time and, where the machine was busy
(load average above its CPU count), on that bound too.

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

from deepdiff.methods import METHODS
from deepdiff.methods.by_name import run_baseline

#: Seconds each of the paper's baselines may take on two cores, and all of them together.
TARGET_EACH_S = 30 * 60
TARGET_ALL_S = 60 * 60
DEFAULT_METHODS = tuple(
    m for m, spec in METHODS.items() if spec.kind == "baseline" and not spec.training_loop
)


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _stop_workers() -> None:
    """Shut joblib's reusable worker processes down, so their CPU time reaches ``os.times``."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


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
            cpu_before = _cpu_seconds()
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
            _stop_workers()
            cpu = _cpu_seconds() - cpu_before
            m = result.metrics
            stages = {k: round(v, 1) for k, v in m.get("timings", {}).items() if k.endswith("_s")}
            rows.append(
                {
                    "method": method,
                    "paper": METHODS[method].paper,
                    "wall_s": round(wall, 1),
                    "cpu_s": round(cpu, 1),
                    "cpu_per_job_s": round(cpu / args.n_jobs, 1),
                    "test_pearson": m["test"]["pearson"],
                    "valid_pearson": m["valid"]["pearson"],
                    "selected": _short(m.get("selected", {})),
                    "stages_s": stages,
                    "load_before": round(load_before, 1),
                    "load_after": round(os.getloadavg()[0], 1),
                }
            )
            print(
                f"{method:<22} {wall:>8.1f} s wall {cpu:>8.1f} s CPU  test PCC {m['test']['pearson']:.3f}  {stages}",
                flush=True,
            )

    table = pd.DataFrame(rows)
    paper = table[table["paper"]]
    each_ok = bool((paper["wall_s"] < TARGET_EACH_S).all())
    all_ok = float(paper["wall_s"].sum()) < TARGET_ALL_S
    busy = bool((table["load_after"] > (os.cpu_count() or 1)).any())
    each_bound_ok = bool((paper["cpu_per_job_s"] < TARGET_EACH_S).all())
    all_bound_ok = float(paper["cpu_per_job_s"].sum()) < TARGET_ALL_S
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
    verdict = (
        f"CPU time / n_jobs (idle-machine bound): each < {TARGET_EACH_S / 60:.0f} min: "
        f"{'yes' if each_bound_ok else 'NO'}; together {paper['cpu_per_job_s'].sum() / 60:.1f} min: "
        f"{'yes' if all_bound_ok else 'NO'}" + (" (the machine was busy: see load)" if busy else "")
    )
    print(verdict)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "baselines.csv", index=False)
        (args.out / "baselines.md").write_text(header + "\n\n" + _markdown(table) + "\n\n" + verdict + "\n")
    if busy:
        return 0 if each_bound_ok and all_bound_ok else 1
    return 0 if each_ok and all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
