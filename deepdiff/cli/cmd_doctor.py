"""``deepdiff doctor``: check torch, the device, the data cache, versions and the name clash."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``doctor`` subcommand."""
    p = subparsers.add_parser(
        "doctor",
        help="check the installation: torch, device, data cache, versions, name clash",
        description=(
            "Check that this installation can run: torch and the device it would train on, the data "
            "cache (where it is and what it holds), versions of the key packages, the clash with the "
            "unrelated PyPI package 'deepdiff', and whether the data server answers. Exits with status "
            "1 when a check fails, and says how to fix it."
        ),
    )
    p.add_argument(
        "--cache-dir", help="data cache to inspect (default: $DEEPDIFF_CACHE_DIR or the per-user cache)"
    )
    p.add_argument("--no-network", action="store_true", help="skip the check of the data server")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run every check, print the report, return 1 if any failed."""
    from deepdiff.cli.doctor import exit_status, format_report, run_checks

    checks = run_checks(cache_dir=args.cache_dir, network=not args.no_network)
    print(format_report(checks))
    return exit_status(checks)
