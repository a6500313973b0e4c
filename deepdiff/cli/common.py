"""What several commands share, defined once: the data arguments, and how a finished run is reported."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deepdiff.constants import DATA_SOURCES, SAMPLE_PAIR

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData
    from deepdiff.data.pair import Pair
    from deepdiff.grid.settings import GridConfig
    from deepdiff.results.store import RunResult

#: How a command's help names the pair argument.
PAIR_HELP = (
    "cells A-B, e.g. E003-E004 (target: log2((expr_B+1)/(expr_A+1))); "
    f"default {SAMPLE_PAIR} with --data sample"
)


def add_data_arguments(
    parser: argparse.ArgumentParser, *, sources: tuple[str, ...] = DATA_SOURCES, default: str = "auto"
) -> None:
    """``--pair --data --data-dir --genes --data-seed`` (``--data-dir`` and ``--genes`` where they apply)."""
    parser.add_argument("--pair", help=PAIR_HELP)
    parser.add_argument("--data", default=default, choices=sources, help="data source (default: %(default)s)")
    if "local" in sources:
        parser.add_argument(
            "--data-dir", help="with --data local: folder with CELL.{train,valid,test,expr}.csv"
        )
    if "simulated" in sources:
        parser.add_argument(
            "--genes",
            type=int,
            help="simulated: number of genes to simulate; real data: a random subset of about N genes",
        )
        parser.add_argument(
            "--data-seed", type=int, default=0, help="seed of the simulation or subset (default: 0)"
        )


def pair_of(args: argparse.Namespace) -> Pair:
    """``--pair`` parsed; without it, the sample's pair with ``--data sample`` (else a ConfigError)."""
    from deepdiff.data.pair import Pair
    from deepdiff.errors import ConfigError

    if args.pair:
        return Pair.parse(args.pair)
    if args.data == "sample":
        return Pair.parse(SAMPLE_PAIR)
    raise ConfigError(
        f"--pair is required (e.g. --pair E003-E004), except with --data sample ({SAMPLE_PAIR})"
    )


def load_data(args: argparse.Namespace, pair: Pair | None = None) -> PairData:
    """The pair the data arguments name (or ``pair``), loaded from the source they name."""
    from deepdiff.errors import ConfigError
    from deepdiff.sources.loading import load_pair

    if args.data == "local" and not getattr(args, "data_dir", None):
        raise ConfigError(
            "--data local needs --data-dir DIR, the folder with CELL.{train,valid,test,expr}.csv"
        )
    return load_pair(
        pair_of(args) if pair is None else pair,
        args.data,
        data_dir=getattr(args, "data_dir", None),
        cache_dir=getattr(args, "cache_dir", None),
        base_url=getattr(args, "base_url", None),
        n_genes=getattr(args, "genes", None),
        seed=getattr(args, "data_seed", 0),
        progress=not args.no_progress,
    )


def report_run(result: RunResult) -> str:
    """Two lines on a finished run: what it is and how it did, and where its result directory is."""
    note = "reused cached result" if result.reused else f"{result.metrics['wall_time_s']:.1f} s"
    return f"{result.summary()} [{note}]\n  -> {result.path}"


def add_grid_arguments(parser: argparse.ArgumentParser) -> None:
    """``--config FILE`` and ``--set KEY=VALUE``: the grid of a command (default: the paper's grid)."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="grid settings in YAML, e.g. workflow/config.yaml (default: the paper's grid, the same)",
    )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="overrides",
        help="change one setting, values in YAML as Snakemake's --config: seeds=[0] baselines=[] "
        "profile=quick data=simulated genes=300 shard=2/10 (repeatable)",
    )


def grid_of(args: argparse.Namespace) -> GridConfig:
    """The grid named by ``--config`` and ``--set``."""
    from deepdiff.grid.settings import load_grid

    return load_grid(args.config, args.overrides)


def has_grid(args: argparse.Namespace) -> bool:
    """True when ``--config`` or ``--set`` was given."""
    return bool(args.config or args.overrides)
