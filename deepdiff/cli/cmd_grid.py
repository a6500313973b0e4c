"""``deepdiff grid``: the jobs of a grid, and what running them will cost.

Examples
--------
deepdiff grid plan --config workflow/config.yaml
deepdiff grid plan --set profile=quick --set data=simulated --set seeds=[0] --set shard=1/4
deepdiff grid estimate --config workflow/config.yaml
deepdiff grid estimate --config workflow/config.yaml --cores 2 64 256 --shards 60 --max-shard-hours 5.5
"""

from __future__ import annotations

import argparse
import json
import sys

from deepdiff.cli.common import add_grid_arguments, grid_of
from deepdiff.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``grid`` subcommand with ``plan`` and ``estimate``."""
    p = subparsers.add_parser(
        "grid",
        help="the jobs of a grid (the paper's by default) and their estimated cost",
        description="List the jobs of a grid (what workflow/Snakefile runs) or estimate its wall time. "
        "The grid is the paper's unless --config or --set say otherwise.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1],
    )
    sub = p.add_subparsers(title="actions", dest="action", metavar="ACTION", required=True)

    plan = sub.add_parser("plan", help="list the jobs: kind, id and command line")
    add_grid_arguments(plan)
    plan.add_argument("--json", action="store_true", help="a JSON list instead of lines")
    plan.set_defaults(func=run_plan)

    estimate = sub.add_parser(
        "estimate",
        help="expected wall time on a few cores, a cluster and one GPU, from measured per-unit costs",
        description="Estimate the wall time of a grid from the measured cost of each method's run "
        "(deepdiff.grid.costs, which says where each number was measured), without running anything.",
    )
    add_grid_arguments(estimate)
    estimate.add_argument(
        "--cores",
        type=int,
        nargs="+",
        default=[2, 16, 64, 256],
        help="CPU cores to estimate for (each job uses the grid's threads) (default: %(default)s)",
    )
    estimate.add_argument("--shards", type=int, help="also split the jobs into this many shards")
    estimate.add_argument(
        "--shard-cores",
        type=int,
        default=4,
        help="cores of the machine that runs one shard (default: %(default)s, a hosted runner)",
    )
    estimate.add_argument(
        "--max-shard-hours",
        type=float,
        help="exit with status 1 when a shard's estimate exceeds this (e.g. 5.5 for a 6 h job limit)",
    )
    estimate.add_argument("--json", action="store_true", help="print the estimate as JSON")
    estimate.set_defaults(func=run_estimate)


def run_plan(args: argparse.Namespace) -> int:
    """Print the jobs."""
    from deepdiff.grid.jobs import plan_jobs

    grid = grid_of(args)
    jobs = plan_jobs(grid)
    if args.json:
        records = [
            {"id": j.id, "kind": j.kind, "pair": j.pair, "method": j.method, "seed": j.seed}
            | {"command": j.command(grid)}
            for j in jobs
        ]
        print(json.dumps(records, indent=2))
        return 0
    print(f"# {grid.describe()}: {len(jobs)} jobs")
    for job in jobs:
        print(f"{job.kind:<8} {job.id:<45} {job.command(grid)}")
    return 0


def run_estimate(args: argparse.Namespace) -> int:
    """Print the estimate; status 1 when a shard is over ``--max-shard-hours``."""
    from deepdiff.grid.estimate import estimate, format_estimate

    grid = grid_of(args)
    if args.max_shard_hours is not None and not args.shards:
        raise ConfigError("--max-shard-hours checks shards: give --shards N too")
    result = estimate(grid, cores=args.cores, shards=args.shards, shard_cores=args.shard_cores)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_estimate(result))
    if args.max_shard_hours is not None:
        worst = max(result["shards"]["hours"])
        if worst > args.max_shard_hours:
            print(
                f"the longest shard is estimated at {worst:.1f} h, over {args.max_shard_hours:g} h: "
                "use more shards (a single job longer than the limit cannot fit in any shard)",
                file=sys.stderr,
            )
            return 1
    return 0
