"""The ``deepdiff`` command line: ``deepdiff --help`` lists the subcommands.

Each subcommand lives in its own module ``deepdiff/cli/cmd_<name>.py`` exposing
``register(subparsers)``; modules are discovered, so adding a command touches one file.
Heavy imports (torch, sklearn) happen inside the command functions, which keeps
``--help`` fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from deepdiff import __version__
from deepdiff.errors import DeepDiffError


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every discovered subcommand."""
    parser = argparse.ArgumentParser(
        prog="deepdiff",
        description=(
            "DeepDiff, reproduced: predict the differential expression of genes between two "
            "cell types from five histone marks (Sekhon, Singh & Qi, Bioinformatics 2018)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deepdiff`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except DeepDiffError as err:
        print(f"deepdiff {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"deepdiff {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
