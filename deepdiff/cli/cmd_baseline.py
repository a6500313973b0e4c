"""``deepdiff baseline``: fit a baseline on a pair (train), select on validation, score the test genes.

Examples
--------
deepdiff baseline --method svr2 --pair E003-E004 --data remc --profile paper --n-jobs 2
deepdiff baseline --method relief_rf,ridge --pair E123-E003 --data sample
deepdiff baseline --method paper --pair E003-E004 --data simulated --genes 3000
deepdiff baseline --method ridge --pair K562-HepG2 --data local --data-dir my_data/
"""

from __future__ import annotations

import argparse

DATA_SOURCES = ("remc", "sample", "local", "simulated", "auto")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``baseline`` subcommand."""
    from deepdiff.baselines.registry import EXTRA_METHODS, PAPER_METHODS

    p = subparsers.add_parser(
        "baseline",
        help="run the paper's baselines (SVRs, ReliefF + random forest, AttentiveChrome) and others",
        description=(
            "Fit a baseline on the training genes of a pair, choose its hyper-parameters by the "
            "validation Pearson correlation, and score the test genes. Writes one result directory "
            "per run under --out (metrics.json, predictions.csv); a run whose configuration and "
            "data already have a complete result is not repeated."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1],
    )
    p.add_argument(
        "--method",
        required=True,
        help=(
            f"the paper's: {', '.join(PAPER_METHODS)}; beyond it: {', '.join(EXTRA_METHODS)}; "
            "a comma-separated list, 'paper' (the paper's four) or 'all'"
        ),
    )
    p.add_argument(
        "--pair",
        help="cells A-B, e.g. E003-E004 (target: log2((expr_B+1)/(expr_A+1))); default E123-E003 with --data sample",
    )
    p.add_argument("--data", default="auto", choices=DATA_SOURCES, help="data source (default: %(default)s)")
    p.add_argument("--data-dir", help="with --data local: folder with CELL.{train,valid,test,expr}.csv")
    p.add_argument(
        "--genes",
        type=int,
        help="simulated: number of genes to simulate; real data: a random subset of about N genes",
    )
    p.add_argument("--data-seed", type=int, default=0, help="seed of the simulation or subset (default: 0)")
    p.add_argument(
        "--profile",
        default="quick",
        help="quick (small grids and samples) or paper (the paper's grids, all genes) (default: %(default)s)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of subsamples, folds, forests (default: 0)")
    p.add_argument("--out", default=None, help="results directory (default: results/ of the project)")
    p.add_argument(
        "--n-jobs", type=int, default=1, help="parallel processes/threads, -1 for all cores (default: 1)"
    )
    p.add_argument(
        "--device", default="auto", help="torch device of cnn/attentivechrome_diff (default: %(default)s)"
    )
    p.add_argument("--force", action="store_true", help="run even if a cached result exists")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _methods(text: str) -> list[str]:
    from deepdiff.baselines.registry import METHODS, PAPER_METHODS, get_method
    from deepdiff.errors import ConfigError

    names = [m.strip() for m in text.split(",") if m.strip()]
    if names == ["paper"]:
        return list(PAPER_METHODS)
    if names == ["all"]:
        return list(METHODS)
    if not names:
        raise ConfigError(f"no method given; choose from {', '.join(METHODS)}, paper or all")
    for name in names:
        get_method(name)  # ConfigError listing the valid names
    return names


def run(args: argparse.Namespace) -> int:
    """Validate the cheap arguments first (methods, profile, jobs, pair), then load data and run."""
    from deepdiff.baselines.registry import ATTENTIVECHROME_DIFF, get_method
    from deepdiff.baselines.run import resolve_jobs, run_baseline
    from deepdiff.constants import SAMPLE_PAIR
    from deepdiff.data.pair import Pair
    from deepdiff.data.sources import load_pair
    from deepdiff.errors import ConfigError
    from deepdiff.training.config import training_config

    methods = _methods(args.method)
    for name in methods:
        if name == ATTENTIVECHROME_DIFF:
            training_config(args.profile)
        else:
            get_method(name).config(args.profile)
    resolve_jobs(args.n_jobs)
    if args.pair is None:
        if args.data != "sample":
            raise ConfigError("--pair is required (e.g. --pair E003-E004), except with --data sample")
        args.pair = SAMPLE_PAIR
    data = load_pair(
        Pair.parse(args.pair),
        source=args.data,
        data_dir=args.data_dir,
        n_genes=args.genes,
        seed=args.data_seed,
        progress=not args.no_progress,
    )
    print(data.summary())
    for name in methods:
        result = run_baseline(
            data,
            name,
            profile=args.profile,
            seed=args.seed,
            results_dir=args.out,
            n_jobs=args.n_jobs,
            progress=not args.no_progress,
            device=args.device,
            force=args.force,
        )
        note = "reused cached result" if result.reused else f"{result.metrics['wall_time_s']:.1f} s"
        print(f"{result.summary()} [{note}]\n  -> {result.path}")
    return 0
