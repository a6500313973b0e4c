"""``deepdiff train``: train DeepDiff variants (or AttentiveChrome-diff) on a pair, cached.

Examples
--------
deepdiff train --pair E003-E004 --variant raw_aux_siamese --data remc --profile paper --seed 0
deepdiff train --pair E123-E003 --variant all --data sample --profile quick
deepdiff train --pair K562-HepG2 --variant raw_c --data local --data-dir my_data/
deepdiff train --pair E003-E004 --variant raw --data simulated --genes 2000 --epochs 3
"""

from __future__ import annotations

import argparse
from typing import Any

DATA_SOURCES = ("remc", "sample", "local", "simulated", "auto")
ATTENTIVECHROME_DIFF = "attentivechrome_diff"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train`` subcommand."""
    p = subparsers.add_parser(
        "train",
        help="train DeepDiff variants on a pair of cells (results are cached)",
        description=(
            "Train one or more DeepDiff variants on a pair of cells and write one result directory "
            "per run under --out (metrics.json, predictions.csv, attention.npz of the test genes). "
            "A run whose configuration and data already have a complete result is not repeated."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1],
    )
    p.add_argument(
        "--pair",
        help="cells A-B, e.g. E003-E004 (target: log2((expr_B+1)/(expr_A+1))); default E123-E003 with --data sample",
    )
    p.add_argument(
        "--variant",
        default="raw_aux_siamese",
        help=(
            "raw_d, raw_c, raw, aux, raw_aux, aux_siamese, raw_aux_siamese, attentivechrome_diff "
            "(the baseline), a comma-separated list, or 'all' for the seven variants "
            "(default: %(default)s)"
        ),
    )
    p.add_argument("--data", default="auto", choices=DATA_SOURCES, help="data source (default: %(default)s)")
    p.add_argument("--data-dir", help="with --data local: folder with CELL.{train,valid,test,expr}.csv")
    p.add_argument(
        "--genes",
        type=int,
        help="simulated: number of genes to simulate; real data: train on a random subset of about N genes",
    )
    p.add_argument("--data-seed", type=int, default=0, help="seed of the simulation or subset (default: 0)")
    p.add_argument(
        "--profile", default="quick", help="training budget: quick or paper (default: %(default)s)"
    )
    p.add_argument("--seed", type=int, default=0, help="run seed: initialisation and shuffling (default: 0)")
    p.add_argument("--out", default=None, help="results directory (default: results/ of the project)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default: %(default)s)")
    p.add_argument("--epochs", type=int, help="override the profile's maximum number of epochs")
    p.add_argument("--patience", type=int, help="stop after N epochs without a better validation PCC")
    p.add_argument(
        "--threads",
        type=int,
        help="torch CPU threads (default: 1 on the CPU, where the small models gain nothing from more)",
    )
    p.add_argument("--force", action="store_true", help="train even if a cached result exists")
    p.add_argument("--no-resume", action="store_true", help="ignore the checkpoint of an interrupted run")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _variants(text: str) -> list[str]:
    from deepdiff.models import VARIANTS
    from deepdiff.training.runner import variant_spec

    names = [v.strip() for v in text.split(",") if v.strip()]
    if names == ["all"]:
        return list(VARIANTS)
    for name in names:
        if name != ATTENTIVECHROME_DIFF:
            variant_spec(name)  # ConfigError listing the valid names
    if not names:
        from deepdiff.errors import ConfigError

        raise ConfigError(
            f"no variant given; choose from {', '.join(VARIANTS)}, {ATTENTIVECHROME_DIFF} or all"
        )
    return names


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.epochs is not None:
        out["max_epochs"] = args.epochs
    if args.patience is not None:
        out["patience"] = args.patience
    return out


def run(args: argparse.Namespace) -> int:
    """Validate everything cheap first (variant, profile, device, pair), then load data and train."""

    from deepdiff.constants import SAMPLE_PAIR
    from deepdiff.data.pair import Pair
    from deepdiff.data.sources import load_pair
    from deepdiff.errors import ConfigError
    from deepdiff.threads import check_threads
    from deepdiff.training.config import training_config
    from deepdiff.training.device import resolve_device
    from deepdiff.training.runner import train_attentivechrome_diff, train_variant

    variants = _variants(args.variant)
    overrides = _overrides(args)
    training_config(args.profile, overrides)
    resolve_device(args.device)
    check_threads(args.threads, "--threads")
    if args.pair is None:
        if args.data != "sample":
            raise ConfigError("--pair is required (e.g. --pair E003-E004), except with --data sample")
        args.pair = SAMPLE_PAIR
    pair = Pair.parse(args.pair)
    data = load_pair(
        pair,
        source=args.data,
        data_dir=args.data_dir,
        n_genes=args.genes,
        seed=args.data_seed,
        progress=not args.no_progress,
    )
    print(data.summary())
    common = {
        "profile": args.profile,
        "seed": args.seed,
        "device": args.device,
        "results_dir": args.out,
        "overrides": overrides,
        "progress": not args.no_progress,
        "resume": not args.no_resume,
        "force": args.force,
        "threads": args.threads,
    }
    for variant in variants:
        if variant == ATTENTIVECHROME_DIFF:
            result = train_attentivechrome_diff(data, **common)
        else:
            result = train_variant(data, variant, **common)
        note = "reused cached result" if result.reused else f"{result.metrics['wall_time_s']:.1f} s"
        print(f"{result.summary()} [{note}]\n  -> {result.path}")
    return 0
