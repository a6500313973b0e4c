"""``deepdiff prepare``: the REMC format for your own cells, from BAM or bigWig files and an annotation.

Examples
--------
deepdiff prepare --samples samples.tsv --annotation gencode.v44.annotation.gtf.gz --expression counts.tsv --out my_cells/
deepdiff prepare --samples samples.tsv --annotation tss.bed --split none --out to_predict/ --jobs 2
deepdiff train --pair K562-HepG2 --variant raw_c --data local --data-dir my_cells/
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``prepare`` subcommand."""
    from deepdiff.prepare.rules import DEFAULT_GENE_TYPES, DEFAULT_MIN_MAPQ, RULES, SPLIT_CHOICES

    p = subparsers.add_parser(
        "prepare",
        help="build the REMC format for your own cells from BAM or bigWig files and an annotation",
        description=(
            "Bin the five histone marks of one or more cells around every gene's TSS and write them in "
            "the REMC format that --data local (training) and `deepdiff predict` read.\n\n" + RULES
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1],
    )
    p.add_argument("--samples", required=True, metavar="SHEET", help="sample sheet: cell, mark, path (TSV)")
    p.add_argument(
        "--annotation", required=True, metavar="GTF_OR_BED", help="GTF (.gtf, .gtf.gz) or BED of TSSs"
    )
    p.add_argument(
        "--expression", metavar="TABLE", help="expression table: gene id, then one column per cell"
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (new or empty, see --force)")
    p.add_argument(
        "--split",
        default="paper",
        choices=SPLIT_CHOICES,
        help="paper: CELL.{train,valid,test}.csv; none: one CELL.all.csv (prediction only) (default: %(default)s)",
    )
    p.add_argument(
        "--gene-types",
        default=",".join(DEFAULT_GENE_TYPES),
        help="GTF gene types to keep, comma-separated, or 'all' (default: %(default)s)",
    )
    p.add_argument(
        "--min-mapq",
        type=int,
        default=DEFAULT_MIN_MAPQ,
        help="BAM reads of lower mapping quality do not count (default: %(default)s)",
    )
    p.add_argument("--jobs", type=int, default=1, help="signal files binned in parallel (default: 1)")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace --out if it is an earlier output of prepare (never the inputs or other files)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Prepare the cells and print what was kept and left out."""
    from deepdiff.prepare.build import PrepareConfig, prepare

    types = (
        None
        if args.gene_types.strip() == "all"
        else tuple(t.strip() for t in args.gene_types.split(",") if t.strip())
    )
    config = PrepareConfig(split=args.split, gene_types=types or None, min_mapq=args.min_mapq, jobs=args.jobs)
    report = prepare(
        args.samples,
        args.annotation,
        args.out,
        expression=args.expression,
        config=config,
        progress=not args.no_progress,
        overwrite=args.force,
    )
    print(report.summary())
    return 0
