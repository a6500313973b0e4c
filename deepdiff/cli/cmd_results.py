"""``deepdiff results``: a grid's table of runs, its report notebook, and results bundles.

Examples
--------
deepdiff results aggregate --config workflow/config.yaml
deepdiff results aggregate --set profile=quick --set data=simulated --set seeds=[0]
deepdiff results pack results/ grid.tar.gz --label "paper grid, cluster X"
deepdiff results unpack grid.tar.gz results/
deepdiff results unpack https://example.org/grid.tar.gz results/ --sha256 HEX
deepdiff results merge all.tar.gz shard-1.tar.gz shard-2.tar.gz
deepdiff results notebook notebooks/05_results.ipynb results/grid_report.ipynb --config workflow/config.yaml
"""

from __future__ import annotations

import argparse
from functools import partial

from deepdiff.cli.common import add_grid_arguments, grid_of, has_grid


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``results`` subcommand: ``aggregate``, ``pack``, ``unpack``, ``merge``, ``notebook``."""
    p = subparsers.add_parser(
        "results",
        help="a grid's table of runs, its report notebook, and results bundles (pack, unpack, merge)",
        description="Summarise a grid's runs, run its report notebook, or move results between machines "
        "as bundles: metrics and predictions of every run (and the attention Figure 5 needs), with a "
        "manifest of SHA-256 checksums.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1],
    )
    sub = p.add_subparsers(title="actions", dest="action", metavar="ACTION", required=True)

    agg = sub.add_parser(
        "aggregate",
        help="write the grid's runs (grid_runs.tsv) and its missing runs (grid_missing.tsv)",
        description="Write, into the grid's results directory and atomically, a tidy table of exactly "
        "the grid's runs (pair, method, seed, data, profile, test PCC with its bootstrap interval, run "
        "directory), the jobs without a run with their commands, and grid.json (the grid and the "
        "counts). The grid's data are loaded to match runs by data checksum.",
    )
    add_grid_arguments(agg)
    agg.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default: %(default)s)")
    agg.add_argument("--level", type=float, default=0.95, help="interval coverage (default: %(default)s)")
    agg.set_defaults(func=run_aggregate)

    pack = sub.add_parser(
        "pack",
        help="pack every complete run of a results directory into a bundle",
        description="Write a bundle (.tar.gz) of every complete run under DIR: metrics.json and "
        "predictions.csv, attention.npz only where the book's Figure 5 reads it, nothing else; with a "
        "manifest of SHA-256 checksums. With a grid (--config/--set) the grid is recorded, and a "
        "shard keeps the attention a merge of all shards may need.",
    )
    pack.add_argument("results_dir", metavar="DIR")
    pack.add_argument("out", metavar="OUT.tar.gz")
    pack.add_argument("--label", help="free text recorded in the manifest (where, when, by whom)")
    add_grid_arguments(pack)
    pack.set_defaults(func=run_pack)

    unpack = sub.add_parser(
        "unpack",
        help="check a bundle (path or URL) and add its runs to a results directory",
        description="Check every file of a bundle against its manifest, then move its runs into DIR "
        "(one rename each; a complete run already there is kept, whatever the bundle holds under its "
        "name). A bundle with an altered, missing or unlisted file, a run whose metrics.json does not "
        "describe it, or a manifest, file or download over its size limit (DEEPDIFF_BUNDLE_MAX_MANIFEST_MB, "
        "DEEPDIFF_BUNDLE_MAX_FILE_MB, DEEPDIFF_BUNDLE_MAX_MB) is refused, naming the file, and DIR is "
        "left unchanged. A plain http:// URL needs --sha256.",
    )
    unpack.add_argument("bundle", metavar="BUNDLE", help="a bundle's path, or an http(s) URL")
    unpack.add_argument("results_dir", metavar="DIR")
    unpack.add_argument(
        "--sha256", help="the bundle's expected SHA-256 (printed by pack and merge; required for http://)"
    )
    unpack.set_defaults(func=run_unpack)

    merge = sub.add_parser(
        "merge",
        help="merge bundles (e.g. the shards of a grid) into one",
        description="Check every bundle and write one with the union of their runs (a run in several "
        "is taken from the first), the attention the merged runs' Figure 5 reads, and the parents "
        "listed in its manifest.",
    )
    merge.add_argument("out", metavar="OUT.tar.gz")
    merge.add_argument("bundles", metavar="BUNDLE", nargs="+")
    merge.add_argument("--label", help="free text recorded in the manifest")
    merge.set_defaults(func=run_merge)

    nb = sub.add_parser(
        "notebook",
        help="run the results notebook (05_results) on a grid's runs with papermill",
        description="Execute NOTEBOOK (notebooks/05_results.ipynb) with the grid's pairs, methods, "
        "seeds, data and profile, reporting only (run_missing=False), and write it to OUT atomically.",
    )
    nb.add_argument("notebook", metavar="NOTEBOOK")
    nb.add_argument("out", metavar="OUT.ipynb")
    add_grid_arguments(nb)
    nb.set_defaults(func=run_notebook)


def run_aggregate(args: argparse.Namespace) -> int:
    """Write the tables; print the counts."""
    from deepdiff.errors import ConfigError
    from deepdiff.grid.aggregate import aggregate_grid
    from deepdiff.grid.files import GRID_MISSING_FILE, GRID_RUNS_FILE

    if args.n_boot < 1 or not 0.0 < args.level < 1.0:
        raise ConfigError("--n-boot must be positive and --level between 0 and 1")
    grid = grid_of(args)
    summary = aggregate_grid(grid, n_boot=args.n_boot, level=args.level)
    print(f"{grid.describe()}: {summary['found']} of {summary['jobs']} jobs have a run")
    print(f"  -> {grid.results_dir}/{GRID_RUNS_FILE}, {grid.results_dir}/{GRID_MISSING_FILE}")
    return 0


def run_pack(args: argparse.Namespace) -> int:
    """Pack; print the bundle's summary and checksum."""
    from deepdiff.grid.aggregate import grid_runs
    from deepdiff.report.figure5 import attention_runs
    from deepdiff.report.paper import FIGURE5_PAIR
    from deepdiff.results.bundle import pack

    grid = grid_of(args) if has_grid(args) else None
    pairs: tuple[str, ...] = ()
    if grid is not None and grid.shard is not None:
        pairs = (FIGURE5_PAIR,) if FIGURE5_PAIR in grid.pairs else grid.pairs
    info = pack(
        args.results_dir,
        args.out,
        label=args.label,
        grid=grid.to_mapping() if grid is not None else None,
        attention_pairs=pairs,
        choose_runs=partial(grid_runs, grid) if grid is not None else None,
        keep_attention=attention_runs,
    )
    print(info.describe())
    print(f"  -> {info.path}")
    return 0


def run_unpack(args: argparse.Namespace) -> int:
    """Unpack; print what was added."""
    from deepdiff.results.bundle import unpack

    print(unpack(args.bundle, args.results_dir, sha256=args.sha256).describe())
    return 0


def run_merge(args: argparse.Namespace) -> int:
    """Merge; print the merged bundle's summary."""
    from deepdiff.report.figure5 import attention_runs
    from deepdiff.results.bundle import merge

    info = merge(args.bundles, args.out, label=args.label, keep_attention=attention_runs)
    print(info.describe())
    print(f"  -> {info.path}")
    return 0


def run_notebook(args: argparse.Namespace) -> int:
    """Execute the notebook with the grid's parameters."""
    from deepdiff.grid.running import run_results_notebook

    out = run_results_notebook(grid_of(args), args.notebook, args.out)
    print(f"executed {args.notebook} on the grid's runs -> {out}")
    return 0
