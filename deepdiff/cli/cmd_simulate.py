"""``deepdiff simulate``: write a simulated pair in the authors' REMC file format."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``simulate`` subcommand."""
    parser = subparsers.add_parser(
        "simulate",
        help="simulate a pair of cells calibrated to real data and write REMC-format CSVs",
        description=(
            "Simulate a pair of cells with a planted link from histone marks to expression, "
            "calibrated to the real data of that pair, and write {cell}.{train,valid,test}.csv and "
            "{cell}.expr.csv (read them back with source='local')."
        ),
    )
    parser.add_argument("--pair", default="E003-E004", help="cells A-B (default E003-E004)")
    parser.add_argument(
        "--genes",
        type=int,
        default=None,
        help="genes in all (default: the paper's 18,460 = 10,000/2,360/6,100)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (one pair per folder)")
    parser.add_argument(
        "--explained-fraction",
        type=float,
        default=None,
        help="share of genes whose marks follow their change",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Simulate, write, and print what was written."""
    import dataclasses

    from deepdiff.simulate import SimulationConfig, simulate_pair, write_remc_directory

    config = SimulationConfig()
    if args.explained_fraction is not None:
        config = dataclasses.replace(config, explained_fraction=args.explained_fraction)
    data = simulate_pair(
        args.pair, n_genes=args.genes, seed=args.seed, config=config, progress=not args.quiet
    )
    paths = write_remc_directory(data, args.out)
    print(data.summary())
    print(data.truth.describe())
    print(f"wrote {len(paths)} files to {args.out}:")
    for path in paths:
        print(f"  {path.name}")
    return 0
