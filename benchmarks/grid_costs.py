"""Benchmark: the per-unit costs behind the grid's time estimate (``deepdiff grid estimate``).

For every method named, one run on a full-size simulated pair (E003-E004, 10,000 / 2,360 / 6,100
genes, as the paper's pairs; nothing is downloaded) with the given profile (default ``paper``) and
thread count (default 2), each in a fresh process so that its peak memory is its own:

* methods with a training loop (the seven DeepDiff variants, AttentiveChrome-diff): ``--epochs``
  epochs (default 1) of the profile's training; reported are the seconds per epoch (training on
  every training gene plus scoring the validation genes, from the run's history) and the fixed
  cost of a run outside its epochs (loading the data, predicting the test genes with attention,
  writing the result);
* other baselines: the whole fit, selection and prediction (the time of a run).

Every row also has the CPU seconds of the run (this process and its worker processes; the
simulation before it not counted), the peak resident memory of the process and its workers, and
the load average before and after: other work on the machine slows the wall time, so the wall
time is an upper bound and CPU time / threads the bound on an idle machine with perfect use of
its threads. The measured numbers, with this run's date, machine and command, go into
``deepdiff/grid/costs.json``: ``grid_costs.json`` holds them in that file's form (its ``costs`` rows
and one ``provenance`` record, whose load averages and note are to be filled in), to be merged by hand.

    python benchmarks/grid_costs.py [--methods raw_d,raw_c,...] [--profile paper] [--threads 2]
                                    [--epochs 1] [--genes N] [--out benchmarks/out]

Writes ``grid_costs.csv``, ``grid_costs.md`` and ``grid_costs.json`` under ``--out`` and prints the
table and the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent / "out"
#: What a run's child process prints before its JSON record, so that the record is found in its output.
MARKER = "GRID-COST-RECORD "


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _stop_workers() -> None:
    """Shut joblib's reusable worker processes down, so that their CPU time reaches ``os.times``."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


class TreeMemory:
    """Peak resident memory of this process and its children (worker processes), sampled in a thread.

    ``ru_maxrss`` counts one process; the baselines fit in parallel worker processes, whose memory
    the job's allocation must hold too.
    """

    def __init__(self, interval: float = 0.5) -> None:
        import threading

        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def default_methods() -> tuple[str, ...]:
    """The seven variants and every baseline of the paper (the default grid's methods)."""
    from deepdiff.methods import PAPER_BASELINES, PAPER_VARIANTS

    return (*PAPER_VARIANTS, *PAPER_BASELINES)


def measure(
    method: str, *, profile: str, threads: int, epochs: int, genes: int | None, seed: int = 0
) -> dict:
    """One run of ``method`` in this process: its timings, CPU seconds and peak memory.

    Parameters
    ----------
    method : str
        A method of :data:`deepdiff.methods.METHODS`.
    profile : str
    threads : int
        Torch threads (training) or parallel jobs (other baselines).
    epochs : int
        Epochs of methods with a training loop (ignored for the others).
    genes : int, optional
        Simulated genes in all (default: the paper's 18,460).
    """
    import resource

    from deepdiff import methods
    from deepdiff.simulate import simulate_pair

    spec = methods.get(method)
    tic = time.perf_counter()
    data = simulate_pair("E003-E004", n_genes=genes, seed=seed, progress=False)
    simulate_s = time.perf_counter() - tic
    cpu0 = _cpu_seconds()
    overrides = {"max_epochs": epochs} if spec.training_loop else None
    with tempfile.TemporaryDirectory(prefix="deepdiff-grid-cost-") as tmp:
        options = methods.RunOptions(results_dir=tmp, device="cpu", threads=threads, progress=False)
        with TreeMemory() as memory:
            tic = time.perf_counter()
            result = spec.fit(data, profile=profile, seed=seed, options=options, overrides=overrides)
            run_s = time.perf_counter() - tic
    _stop_workers()
    history = result.metrics.get("history") or []
    epoch_s = [float(r["seconds"]) for r in history if "seconds" in r]
    # AttentiveChrome-diff trains two networks: its history has one record per network and epoch.
    networks = max(1, len(epoch_s) // max(epochs, 1)) if spec.training_loop else 0
    per_epoch = sum(epoch_s) / epochs if spec.training_loop and epoch_s else float("nan")
    return {
        "method": method,
        "kind": spec.kind,
        "training_loop": spec.training_loop,
        "profile": profile,
        "threads": threads,
        "epochs": epochs if spec.training_loop else 0,
        "networks": networks,
        "genes": len(data.train) + len(data.valid) + len(data.test),
        "simulate_s": round(simulate_s, 1),
        "run_s": round(run_s, 1),
        "epoch_s": round(per_epoch, 1),
        "fixed_s": round(run_s - sum(epoch_s), 1) if spec.training_loop else round(run_s, 1),
        "cpu_s": round(_cpu_seconds() - cpu0, 1),
        "peak_mb": round(max(memory.peak / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)),
        "test_pearson": result.metrics["test"]["pearson"],
    }


def _run_child(method: str, args: argparse.Namespace) -> dict:
    """:func:`measure` in a fresh Python process (its own peak memory); its record."""
    here = str(Path(__file__).resolve().parent)
    call = (
        f"import json, sys; sys.path.insert(0, {here!r}); import grid_costs as g; "
        f"r = g.measure({method!r}, profile={args.profile!r}, threads={args.threads}, "
        f"epochs={args.epochs}, genes={args.genes!r}); print(g.MARKER + json.dumps(r))"
    )
    load_before = os.getloadavg()[0]
    out = subprocess.run([sys.executable, "-c", call], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{method} failed:\n{out.stderr[-3000:]}")
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith(MARKER))
    record: dict[str, Any] = json.loads(line[len(MARKER) :])
    return record | {"load_before": round(load_before, 1), "load_after": round(os.getloadavg()[0], 1)}


def _markdown(rows: list[dict], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


#: The fields of a row of ``deepdiff/grid/costs.json`` that a measurement gives.
COST_FIELDS = ("epoch_s", "fixed_s", "cpu_s", "run_s", "peak_mb")


def costs_entries(rows: list[dict], *, profile: str, key: str, provenance: dict[str, str]) -> dict:
    """The rows in the form of ``deepdiff/grid/costs.json``: one provenance record (under ``key``)
    and one cost row per method (0 seconds per epoch for methods without a training loop)."""
    costs = {
        r["method"]: {f: (r[f] if r["training_loop"] or f != "epoch_s" else 0) for f in COST_FIELDS}
        | {"provenance": key}
        for r in rows
    }
    return {"provenance": {key: provenance}, "costs": {profile: costs}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default=",".join(default_methods()))
    parser.add_argument("--profile", default="paper")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--genes", type=int, default=None, help="simulated genes (default: full size)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    chosen = [m.strip() for m in args.methods.split(",") if m.strip()]
    when = datetime.now(timezone.utc).isoformat(timespec="minutes")
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}"
    print(f"{when}; {machine}; profile {args.profile}, {args.threads} threads", flush=True)
    rows = []
    for method in chosen:
        record = _run_child(method, args)
        rows.append(record)
        print(json.dumps(record), flush=True)
    columns = [
        "method",
        "epochs",
        "networks",
        "epoch_s",
        "fixed_s",
        "run_s",
        "cpu_s",
        "peak_mb",
        "load_before",
        "load_after",
    ]
    command = "python benchmarks/grid_costs.py " + " ".join(argv if argv is not None else sys.argv[1:])
    header = (
        f"Grid costs measured {when} on {machine}: profile {args.profile}, {args.threads} threads, "
        f"full-size simulated pair (or --genes {args.genes}); command: {command}"
    )
    table = _markdown(rows, columns)
    print()
    print(header)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "grid_costs.md").write_text(header + "\n\n" + table + "\n", encoding="utf-8")
    keys = list(rows[0]) if rows else columns
    lines = [",".join(keys)] + [",".join(str(r[k]) for k in keys) for r in rows]
    (args.out / "grid_costs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    provenance = {
        "source": "benchmarks/grid_costs.py",
        "machine": machine,
        "date": when[:10],
        "command": command,
    }
    entries = costs_entries(
        rows, profile=args.profile, key=f"grid_costs_{when[:10]}", provenance=provenance | {"note": ""}
    )
    text = json.dumps(entries, indent=2)
    print()
    print(text)
    (args.out / "grid_costs.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
