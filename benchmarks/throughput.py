"""Benchmark: training and inference throughput of every DeepDiff variant, fast vs reference.

For each variant and batch size (10, 64, 256) it measures, on full-shape simulated inputs
(Poisson counts with mean 3 per bin, 5 marks x 200 bins per cell; nothing is downloaded):

* training genes/s: one step = forward, the authors' loss (MSE on the difference, plus the two
  auxiliary MSEs, plus 4.0 x contrastive with margin 2 for Siamese variants), backward,
  gradient-norm clipping at 1.0 and an Adam step;
* inference genes/s (forward under ``torch.inference_mode``);
* peak resident memory of a fresh process doing only that configuration (``ru_maxrss``);

for the fast models (:mod:`deepdiff.models`) and for the straightforward one-``nn.LSTM``-per-row
implementation (:mod:`deepdiff.models.reference`) in the same run, each configuration in its
own subprocess. Fast and reference of one configuration run back to back, so the ratio is
measured under the same machine load; each figure is the best of several repeats. The share of
the CPU's FLOP peak uses ~10 MFLOP per Level I row per gene for a training step (150 MFLOP for
``raw``'s 15 rows) and a third of that for inference; the peak is that of a large float32 matrix
product (2048 x 2048) with the same number of threads, measured in the same run.

    python benchmarks/throughput.py [--quick] [--variants raw,raw_aux_siamese] [--batches 10,64,256]

Writes ``benchmarks/out/throughput.md`` and ``.csv`` and prints the table.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import torch

from deepdiff._util.io import atomic_write_text
from deepdiff.models import VARIANTS, ModelConfig, build_model, init_uniform_
from deepdiff.models.config import DEFAULT_CONFIG
from deepdiff.models.kernels.recurrent import resolve_backend
from deepdiff.models.reference import reference_model
from deepdiff.training.losses import deepdiff_loss

OUT_DIR = Path(__file__).resolve().parent / "out"
#: Side of the square float32 matrix product whose speed is the "peak" of the "% peak" columns.
PEAK_MATRIX = 2048
#: Training FLOP per gene per Level I row (150 MFLOP for the 15 rows of ``raw``).
TRAIN_FLOP_PER_ROW = 10e6
IMPLEMENTATIONS = ("fast", "reference")


def level_one_rows(variant: str, config: ModelConfig = DEFAULT_CONFIG) -> int:
    """Level I rows a gene passes through (Siamese rows count once per cell)."""
    spec = VARIANTS[variant]
    return config.n_marks * (len(spec.raw_inputs) + 2 * spec.has_aux)


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def _best_rate(step: Callable[[], None], batch: int, repeats: int, min_seconds: float) -> tuple[float, float]:
    """Best genes/s of wall-clock and of process CPU time over ``repeats`` timings.

    Each timing runs whole steps for at least ``min_seconds``. The first (warm-up) step is
    timed too and counts when it alone takes ``min_seconds`` or more; a configuration whose
    step takes over ``10 * min_seconds`` stops after it (bounds the slow reference runs).
    CPU time is what a single-threaded run would take on an idle core, so with one thread
    it is robust to other processes sharing the machine.
    """
    best_wall = best_cpu = 0.0
    for i in range(repeats + 1):
        n, start, start_cpu = 0, time.perf_counter(), time.process_time()
        while True:
            step()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        if i > 0 or n == 1:  # a short warm-up (several steps) is discarded
            best_wall = max(best_wall, n * batch / elapsed)
            best_cpu = max(best_cpu, n * batch / max(time.process_time() - start_cpu, 1e-9))
        if i == 0 and elapsed > 10 * min_seconds:
            break
    return best_wall, best_cpu


def measure(
    variant: str,
    impl: str,
    batch: int,
    mode: str,
    *,
    config: ModelConfig = DEFAULT_CONFIG,
    repeats: int = 3,
    min_seconds: float = 0.5,
    threads: int = 2,
) -> dict[str, float | int | str]:
    """Throughput (genes/s) and peak memory (MB) of one configuration, in this process.

    Parameters
    ----------
    variant : str
        A DeepDiff variant.
    impl : {"fast", "reference"}
    batch : int
    mode : {"train", "infer"}
    config : ModelConfig
        Model sizes (the authors' by default).
    repeats, min_seconds : int, float
        Best of ``repeats`` timings of at least ``min_seconds`` each.
    threads : int
        ``torch.set_num_threads``.
    """
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    fast = build_model(variant, config)
    init_uniform_(fast)
    model = fast if impl == "fast" else reference_model(fast)
    gen = torch.Generator().manual_seed(1)
    shape = (batch, config.n_marks, config.n_bins)
    x_a, x_b = torch.poisson(torch.full(shape, 3.0), gen), torch.poisson(torch.full(shape, 3.0), gen)
    lfc = torch.randn(batch, generator=gen) * 2
    log_a = torch.rand(batch, generator=gen) * 8
    spec = VARIANTS[variant]

    if mode == "infer":
        model.eval()

        def step() -> None:
            with torch.inference_mode():
                model(x_a, x_b)

    elif mode == "train":
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)

        def step() -> None:
            opt.zero_grad()
            loss, _ = deepdiff_loss(
                model(x_a, x_b), lfc, log_a, log_a + lfc, has_aux=spec.has_aux, siamese=spec.siamese
            )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

    else:
        raise ValueError(f"mode must be train or infer, got {mode!r}")
    rate, cpu_rate = _best_rate(step, batch, repeats, min_seconds)
    return {
        "variant": variant,
        "impl": impl,
        "batch": batch,
        "mode": mode,
        "threads": threads,
        "genes_per_s": rate,
        "genes_per_cpu_s": cpu_rate,
        "peak_mb": _peak_mb(),
    }


def _run_child(
    variant: str, impl: str, batch: int, mode: str, threads: int, args: argparse.Namespace
) -> dict:
    """One configuration in a fresh process, so its peak memory is its own."""
    cmd = [sys.executable, __file__, "--child", variant, impl, str(batch), mode]
    cmd += [
        "--repeats",
        str(args.repeats),
        "--min-seconds",
        str(args.min_seconds),
        "--threads",
        str(threads),
    ]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=args.timeout)
    except subprocess.TimeoutExpired:  # recorded as missing, not fatal: the table says so
        nan = float("nan")
        base = {"variant": variant, "impl": impl, "batch": batch, "mode": mode, "threads": threads}
        return {**base, "genes_per_s": nan, "genes_per_cpu_s": nan, "peak_mb": nan}
    if result.returncode != 0:
        raise RuntimeError(f"benchmark of {variant}/{impl}/{batch}/{mode} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def matmul_flops(threads: int, size: int = PEAK_MATRIX, min_seconds: float = 1.0) -> float:
    """FLOP/s of a float32 ``size`` x ``size`` matrix product with ``threads`` torch threads (best of 3)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        gen = torch.Generator().manual_seed(0)
        a, b = torch.randn(size, size, generator=gen), torch.randn(size, size, generator=gen)
        a @ b  # warm-up
        best = 0.0
        for _ in range(3):
            n, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < min_seconds or n == 0:
                a @ b
                n += 1
            best = max(best, 2 * size**3 * n / elapsed)
        return best
    finally:
        torch.set_num_threads(previous)


def summarise(results: list[dict], peaks: dict[int, float] | None = None) -> list[dict]:
    """One row per configuration with % of peak and the ratios to the reference (wall and CPU).

    ``peaks`` maps a thread count to the peak FLOP/s measured with it (:func:`matmul_flops`);
    where it is missing, "% peak" is NaN.
    """
    peaks = peaks or {}

    def key(r: dict) -> tuple:
        return r["variant"], r["batch"], r["mode"], r["threads"]

    ref = {key(r): r for r in results if r["impl"] == "reference"}
    rows = []
    for r in results:
        per_gene = TRAIN_FLOP_PER_ROW * level_one_rows(r["variant"]) / (1 if r["mode"] == "train" else 3)
        base = ref.get(key(r))
        nan = float("nan")
        rows.append(
            {
                **r,
                "pct_peak": 100 * r["genes_per_s"] * per_gene / peaks.get(r["threads"], nan),
                "x_reference": r["genes_per_s"] / base["genes_per_s"] if base else nan,
                "x_reference_cpu": r["genes_per_cpu_s"] / base["genes_per_cpu_s"] if base else nan,
            }
        )
    return rows


def format_markdown(rows: list[dict], header: str) -> str:
    """The table as markdown, training and inference side by side."""
    key = {(r["variant"], r["batch"], r["impl"], r["threads"], r["mode"]): r for r in rows}
    lines = [
        header,
        "",
        "| variant | batch | threads | impl | train genes/s | x ref | genes/CPU-s | x ref (CPU) | % peak "
        "| train peak MB | infer genes/s | x ref | genes/CPU-s | x ref (CPU) | % peak | infer peak MB |",
        "|---|---:|---:|---|" + "---:|" * 12,
    ]
    configs = dict.fromkeys((r["variant"], r["batch"], r["impl"], r["threads"]) for r in rows)
    for variant, batch, impl, threads in configs:
        cells = [variant, str(batch), str(threads), impl]
        for mode in ("train", "infer"):
            r = key.get((variant, batch, impl, threads, mode))
            if r is None:
                cells += ["-"] * 6
                continue
            cells += [
                f"{r['genes_per_s']:,.0f}",
                f"{r['x_reference']:.2f}",
                f"{r['genes_per_cpu_s']:,.0f}",
                f"{r['x_reference_cpu']:.2f}",
                f"{r['pct_peak']:.1f}",
                f"{r['peak_mb']:,.0f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def format_csv(rows: list[dict]) -> str:
    """The rows as CSV."""
    buffer = io.StringIO()
    fields = ["variant", "batch", "threads", "impl", "mode", "genes_per_s", "x_reference", "genes_per_cpu_s"]
    fields += ["x_reference_cpu", "pct_peak", "peak_mb"]
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``--child``, one configuration) and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated (default: all seven)")
    parser.add_argument(
        "--batches", default="10,64,256", help="comma-separated batch sizes (default: %(default)s)"
    )
    parser.add_argument("--impls", default=",".join(IMPLEMENTATIONS), help="fast,reference (default: both)")
    parser.add_argument(
        "--repeats", type=int, default=3, help="best of this many timings (default: %(default)s)"
    )
    parser.add_argument(
        "--min-seconds", type=float, default=1.0, help="length of one timing (default: %(default)s)"
    )
    parser.add_argument(
        "--threads", default="2", help="torch threads, comma-separated (default: %(default)s)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: raw and raw_aux_siamese, batches 10 and 64, short timings",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="seconds per configuration before it is skipped (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: benchmarks/out)")
    parser.add_argument(
        "--child", nargs=4, metavar=("VARIANT", "IMPL", "BATCH", "MODE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        variant, impl, batch, mode = args.child
        result = measure(
            variant,
            impl,
            int(batch),
            mode,
            repeats=args.repeats,
            min_seconds=args.min_seconds,
            threads=int(args.threads),
        )
        print(json.dumps(result))
        return 0
    if args.quick:
        args.variants, args.batches, args.repeats, args.min_seconds = "raw,raw_aux_siamese", "10,64", 2, 0.3
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {', '.join(VARIANTS)}")
    batches = [int(b) for b in args.batches.split(",") if b]
    impls = [i for i in args.impls.split(",") if i]
    thread_counts = [int(t) for t in args.threads.split(",") if t]

    results = []
    for threads in thread_counts:
        for variant in variants:
            for batch in batches:
                for mode in ("train", "infer"):
                    for impl in impls:
                        r = _run_child(variant, impl, batch, mode, threads, args)
                        print(f"{variant:16s} batch {batch:4d} threads {threads} {mode:5s} {impl:9s} "
                              f"{r['genes_per_s']:8,.0f} genes/s {r['genes_per_cpu_s']:8,.0f} genes/CPU-s "
                              f"peak {r['peak_mb']:6,.0f} MB", flush=True)  # fmt: skip
                        results.append(r)
    peaks = {threads: matmul_flops(threads) for threads in thread_counts}
    rows = summarise(results, peaks)
    backend = resolve_backend(None, ModelConfig().bin_hidden, torch.zeros(1))
    peak_text = ", ".join(
        f"{peaks[t] / 1e9:.0f} GFLOP/s with {t} thread{'s' * (t > 1)}" for t in thread_counts
    )
    header = (
        "# Throughput of the DeepDiff variants (simulated Poisson(3) counts, full shape 2 x 5 x 200)\n\n"
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {platform.processor() or platform.machine()}, "
        f"torch threads {args.threads}, torch {torch.__version__}, recurrence backend: {backend}; "
        f"best of {args.repeats} timings of >= {args.min_seconds} s; peak MB = max RSS of a fresh process "
        f"doing one configuration; % peak = share of the float32 {PEAK_MATRIX} x {PEAK_MATRIX} matrix "
        f"product's speed measured in this run ({peak_text}) at ~{TRAIN_FLOP_PER_ROW / 1e6:.0f} MFLOP per "
        "Level I row per gene per training step (a third for inference); x ref = ratio to the "
        "one-nn.LSTM-per-row reference measured in the same run, back to back; genes/CPU-s = genes per "
        "second of process CPU time (with one thread: the speed on an idle core, robust to other processes)."
    )
    markdown = format_markdown(rows, header)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out / "throughput.md", markdown)
    atomic_write_text(args.out / "throughput.csv", format_csv(rows))
    print()
    print(markdown)
    print(f"written: {args.out / 'throughput.md'}, {args.out / 'throughput.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
