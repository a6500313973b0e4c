"""``deepdiff data``: fetch a pair's files into the cache, or summarise a pair.

Examples
--------
deepdiff data fetch --pair E003-E004 --data remc
deepdiff data fetch --pair E003-E004 --data remc --print-urls     # fetch by hand elsewhere
deepdiff data fetch --pair K562-HepG2 --data local --data-dir my_data/   # check the files
deepdiff data fetch --pair E003-E004 --data simulated             # nothing to fetch
deepdiff data info --pair E123-E003 --data sample
deepdiff data info --pair K562-HepG2 --data local --data-dir my_data/
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deepdiff.cli.common import add_data_arguments, load_data, pair_of
from deepdiff.constants import DE_THRESHOLD, REMC_COMMIT, REMC_REPO, SPLITS

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData

_BY_HAND = f"""
Fetching by hand: the files are
  https://raw.githubusercontent.com/{REMC_REPO}/{REMC_COMMIT}/data/ProcessedData/CELL.{{train,valid,test,expr}}.csv
  (full data; CELL = E003, E004, E005, E006, E007, E037, E038, E116, E123) and
  https://raw.githubusercontent.com/{REMC_REPO}/{REMC_COMMIT}/data/Cell{{1,2}}.{{train,valid,test,expr}}.csv
  (the sample: Cell1 = E123, Cell2 = E003). `--print-urls` lists a pair's files and where to put them in the
cache; alternatively put them in one folder and use --data local --data-dir FOLDER.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``data`` subcommand with ``fetch`` and ``info``."""
    p = subparsers.add_parser(
        "data",
        help="fetch the REMC data of a pair into the cache, or summarise a pair",
        description="Fetch the authors' REMC files of a pair (verified, cached), or summarise a pair's data.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1] + _BY_HAND,
    )
    sub = p.add_subparsers(title="actions", dest="action", metavar="ACTION", required=True)

    fetch = sub.add_parser(
        "fetch",
        help="download and verify a pair's files, and parse them into the cache",
        description="Make a pair's data ready before the jobs that read it run (the workflow's fetch "
        "step). remc and sample: download the eight files of a pair (two cells x train/valid/test/expr), "
        "verify them by git blob SHA-1, and parse them into the binary cache. local: read and check the "
        "pair's files in --data-dir (and cache them parsed). simulated: nothing to fetch (each run "
        "simulates its pair); succeeds at once. auto: remc when reachable, else simulated.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_BY_HAND,
    )
    add_data_arguments(fetch, default="remc")
    fetch.add_argument("--print-urls", action="store_true", help="only print the URLs and cache paths")
    _common(fetch)
    fetch.set_defaults(func=run_fetch)

    info = sub.add_parser(
        "info",
        help="load a pair and print its summary: sizes, LFC statistics, direction, provenance",
        description="Load a pair from any source and print its summary.",
    )
    add_data_arguments(info)
    _common(info)
    info.set_defaults(func=run_info)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache-dir", help="data cache (default: $DEEPDIFF_CACHE_DIR or the per-user cache)")
    p.add_argument("--base-url", help="server of the authors' files (default: $DEEPDIFF_REMC_URL or GitHub)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch (or list) the files of a pair."""
    from deepdiff.data.cache import default_cache_dir
    from deepdiff.data.download import download_path, file_url
    from deepdiff.data.manifest import cell_entries
    from deepdiff.errors import ConfigError
    from deepdiff.sources.real import REMOTE_SOURCES

    pair = pair_of(args)
    if args.print_urls and args.data not in REMOTE_SOURCES:
        raise ConfigError(f"--print-urls lists downloads: only with --data {' or '.join(REMOTE_SOURCES)}")
    if args.data == "simulated":
        genes = "the paper's 18,460" if args.genes is None else f"{args.genes:,}"
        print(
            f"{pair}: simulated data need no download; each run simulates the pair itself "
            f"({genes} genes, data seed {args.data_seed})"
        )
        return 0
    if args.print_urls:
        root = default_cache_dir(args.cache_dir)
        for cell in (pair.cell_a, pair.cell_b):
            for entry in cell_entries(cell, args.data).values():
                print(
                    f"{file_url(entry.path, base_url=args.base_url)}\n  -> {download_path(root, entry.path)}"
                )
                print(f"     git blob SHA-1 {entry.sha1}")
        return 0
    data = load_data(args, pair)
    print(describe_pair(data))
    if data.source in REMOTE_SOURCES:
        print(f"cached under {default_cache_dir(args.cache_dir)}")
    return 0


def run_info(args: argparse.Namespace) -> int:
    """Load a pair and print its summary."""

    print(describe_pair(load_data(args)))
    return 0


def describe_pair(data: PairData) -> str:
    """A readable summary: provenance, direction, and per split the sizes and LFC statistics."""
    import numpy as np

    lines = [
        f"{data.pair}  [{data.label}]  source={data.source}",
        f"  {data.pair.direction}",
        f"  checksum {data.checksum}",
        f"  {'split':<6} {'genes':>7}  {'counts':<17} {'LFC mean':>8} {'sd':>6} {'min':>7} {'max':>7}"
        f" {f'|LFC|>={DE_THRESHOLD:g}':>9} {'up in ' + data.pair.cell_b:>12}",
    ]
    for name in SPLITS:
        split = data.split(name)
        lfc = split.lfc.astype(np.float64)
        counts = f"{split.x_a.dtype}, max {int(max(split.x_a.max(initial=0), split.x_b.max(initial=0)))}"
        if len(split) == 0:
            lines.append(f"  {name:<6} {0:>7}")
            continue
        lines.append(
            f"  {name:<6} {len(split):>7,}  {counts:<17} {lfc.mean():>8.3f} {lfc.std():>6.3f} {lfc.min():>7.2f}"
            f" {lfc.max():>7.2f} {np.mean(np.abs(lfc) >= DE_THRESHOLD):>9.1%} {np.mean(lfc > 0):>12.1%}"
        )
    return "\n".join(lines)
