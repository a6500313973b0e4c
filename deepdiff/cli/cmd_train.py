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

from deepdiff.cli.common import add_data_arguments, load_data, pair_of, report_run


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train`` subcommand."""
    from deepdiff.methods import APPENDIX_VARIANTS, PAPER_VARIANTS, names

    trained_baselines = names(training_loop=True, kind="baseline")
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
        "--variant",
        default="raw_aux_siamese",
        help=(
            f"{', '.join(PAPER_VARIANTS)}, {', '.join(APPENDIX_VARIANTS)} (auxiliary tasks as "
            f"classification, the paper's Appendix Section 1.6), {', '.join(trained_baselines)} (the "
            "baseline), a comma-separated list, or 'all' for Table 1's seven variants (default: %(default)s)"
        ),
    )
    add_data_arguments(p)
    p.add_argument(
        "--profile",
        default="quick",
        help="training budget: quick (a small, different setting for laptops and CI) or paper "
        "(the authors') (default: %(default)s)",
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


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.epochs is not None:
        out["max_epochs"] = args.epochs
    if args.patience is not None:
        out["patience"] = args.patience
    return out


def run(args: argparse.Namespace) -> int:
    """Validate everything cheap first (variant, profile, device, threads, recurrence backend, pair),
    then load data and train."""
    from deepdiff import methods
    from deepdiff._util.threads import check_threads
    from deepdiff.models.kernels.native import backend_from_env
    from deepdiff.training.config import training_config
    from deepdiff.training.device import resolve_device

    chosen = methods.select(
        args.variant,
        methods.names(training_loop=True),
        {"all": methods.PAPER_VARIANTS},
        what="variant",
    )
    overrides = _overrides(args)
    training_config(args.profile, overrides)
    resolve_device(args.device)
    check_threads(args.threads, "--threads")
    backend_from_env()
    data = load_data(args, pair_of(args))
    print(data.summary())
    options = methods.RunOptions(
        results_dir=args.out,
        device=args.device,
        threads=args.threads,
        progress=not args.no_progress,
        force=args.force,
        resume=not args.no_resume,
    )
    for name in chosen:
        result = methods.run_method(
            data, name, profile=args.profile, seed=args.seed, options=options, overrides=overrides
        )
        print(report_run(result))
    return 0
