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

from deepdiff.cli.common import add_data_arguments, load_data, pair_of, report_run


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``baseline`` subcommand."""
    from deepdiff.methods import EXTRA_BASELINES, PAPER_BASELINES

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
            f"the paper's: {', '.join(PAPER_BASELINES)}; beyond it: {', '.join(EXTRA_BASELINES)}; "
            "a comma-separated list, 'paper' (the paper's four) or 'all'"
        ),
    )
    add_data_arguments(p)
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


def run(args: argparse.Namespace) -> int:
    """Validate the cheap arguments first (methods, profile, jobs, pair), then load data and run."""
    from deepdiff import methods
    from deepdiff.baselines.run import resolve_jobs

    baselines = methods.names(kind="baseline")
    chosen = methods.select(
        args.method, baselines, {"paper": methods.PAPER_BASELINES, "all": baselines}, what="baseline method"
    )
    for name in chosen:
        methods.METHODS[name].profile_config(args.profile)
    jobs = resolve_jobs(args.n_jobs)
    data = load_data(args, pair_of(args))
    print(data.summary())
    options = methods.RunOptions(
        results_dir=args.out,
        device=args.device,
        threads=jobs,
        progress=not args.no_progress,
        force=args.force,
    )
    for name in chosen:
        print(
            report_run(methods.run_method(data, name, profile=args.profile, seed=args.seed, options=options))
        )
    return 0
