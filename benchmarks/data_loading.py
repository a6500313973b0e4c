"""Benchmark: reading one full-size REMC split file, first load and cached load.

A full-size split has 10,000 genes x 200 bins = 2,000,000 rows (the authors' training split).
The file is generated in a temporary directory with realistic ids (``ENSG..._SYMBOL_BIN``) and
overdispersed counts; nothing is downloaded. Targets: first load < 3 s, cached load < 0.3 s.

    python benchmarks/data_loading.py [--genes 10000] [--repeats 3] [--careful]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from deepdiff.constants import N_BINS, N_MARKS
from deepdiff.data.cache import load_split
from deepdiff.data.remc_format import parse_split_careful, read_bytes

TARGETS = {"first load": 3.0, "cached load": 0.3, "first load, 1% symbols with _": 3.0}


def write_split_file(path: Path, n_genes: int, seed: int = 0, underscored: float = 0.0) -> Path:
    """A realistic split file: counts from a negative binomial per mark, some deep peaks.

    A fraction ``underscored`` of the genes get a symbol containing ``_`` (like ``Y_RNA``).
    """
    rng = np.random.default_rng(seed)
    ids = np.char.add(np.char.add("ENSG", np.char.zfill(np.arange(n_genes).astype(str), 11)), "_")
    stems = np.where(rng.random(n_genes) < underscored, "GENE_", "GENE")
    symbols = np.char.add(np.char.add(stems, np.arange(n_genes).astype(str)), "_")
    prefix = np.repeat(np.char.add(ids, symbols), N_BINS)
    bins = np.tile(np.arange(1, N_BINS + 1).astype(str), n_genes)
    means = np.array([2.0, 1.5, 1.0, 1.2, 2.5])
    counts = rng.negative_binomial(1, 1.0 / (1.0 + means), size=(n_genes * N_BINS, N_MARKS))
    peaks = rng.random(n_genes * N_BINS) < 0.001
    counts[peaks, 1] += rng.integers(50, 400, size=int(peaks.sum()))
    frame = pd.DataFrame(counts)
    frame.insert(0, "id", np.char.add(prefix, bins))
    frame.to_csv(path, header=False, index=False)
    return path


def _time(
    function: Callable[[], object], repeats: int, setup: Callable[[], None] | None = None
) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU time is what an idle machine would show as wall time)."""
    wall, cpu = [], []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genes", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--careful", action="store_true", help="also time the line-by-line reference reader")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="deepdiff-bench-") as tmp:
        root = Path(tmp)
        path = write_split_file(root / "E000.train.csv", args.genes)
        size_mb = path.stat().st_size / 1e6
        caches = iter(range(10**6))
        cache_dir = root / "cache"

        def fresh_cache() -> None:
            nonlocal cache_dir
            cache_dir = root / f"cache{next(caches)}"

        rows: list[tuple[str, tuple[float, float]]] = []
        rows.append(
            ("first load", _time(lambda: load_split(path, cache_dir=cache_dir), args.repeats, fresh_cache))
        )
        load_split(path, cache_dir=cache_dir)  # make sure the cache entry exists
        rows.append(("cached load", _time(lambda: load_split(path, cache_dir=cache_dir), args.repeats)))
        odd = write_split_file(root / "E001.train.csv", args.genes, underscored=0.01)
        rows.append(
            (
                "first load, 1% symbols with _",
                _time(lambda: load_split(odd, cache_dir=cache_dir), args.repeats, fresh_cache),
            )
        )
        if args.careful:
            data = read_bytes(path)
            rows.append(("careful reader (reference)", _time(lambda: parse_split_careful(data, path), 1)))
        split = load_split(path, cache_dir=cache_dir).value

    print(
        f"One split file: {args.genes:,} genes x {N_BINS} bins = {args.genes * N_BINS:,} rows, "
        f"{size_mb:.1f} MB; counts {split.counts.dtype}, shape {split.counts.shape}; "
        f"median of {args.repeats} runs (synthetic file in the REMC format)"
    )
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers when it exceeds them)"
    )
    print(f"{'step':<32} {'wall s':>8} {'cpu s':>8} {'target':>8}  ok (wall)")
    failed = False
    for name, (seconds, cpu) in rows:
        target = TARGETS.get(name)
        ok = "" if target is None else ("yes" if seconds < target else "NO")
        failed |= ok == "NO"
        target_text = f"< {target:g}" if target is not None else ""
        print(f"{name:<32} {seconds:>8.3f} {cpu:>8.3f} {target_text:>8}  {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
