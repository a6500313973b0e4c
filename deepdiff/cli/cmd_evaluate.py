"""``deepdiff evaluate RESULTS_DIR``: every complete run found, with its test PCC and a 95% CI."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` subcommand."""
    p = subparsers.add_parser(
        "evaluate",
        help="table of every run in a results directory (test PCC with bootstrap CI)",
        description=(
            "List every complete run under RESULTS_DIR (DeepDiff variants and baselines): method, "
            "pair, data, profile, seed, and the test Pearson correlation with a percentile bootstrap "
            "confidence interval over test genes."
        ),
    )
    p.add_argument(
        "results_dir",
        metavar="RESULTS_DIR",
        nargs="?",
        default=None,
        help="folder written by `deepdiff train`/`baseline` (default: the project's results directory)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list of runs instead of a table")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default: %(default)s)")
    p.add_argument("--level", type=float, default=0.95, help="interval coverage (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: %(default)s)")
    p.set_defaults(func=run)


def _clean(value: Any) -> Any:
    if isinstance(value, (float, int)) and not isinstance(value, bool) and not math.isfinite(float(value)):
        return None
    return value


def run(args: argparse.Namespace) -> int:
    """Print the table (or JSON); an absent directory is an error, an empty one is reported."""
    import sys

    from deepdiff._util.paths import resolve_results_dir
    from deepdiff.errors import ConfigError, DataError
    from deepdiff.results.intervals import evaluate_results

    root = resolve_results_dir(args.results_dir)
    if not root.is_dir():
        raise DataError(
            f"results directory {root} does not exist; run `deepdiff train ... --out {root}` first"
        )
    if args.n_boot < 1:
        raise ConfigError(f"--n-boot must be positive, got {args.n_boot}")
    if not 0.0 < args.level < 1.0:
        raise ConfigError(f"--level must be between 0 and 1, got {args.level}")
    table = evaluate_results(root, n_boot=args.n_boot, level=args.level, seed=args.seed)
    if args.json:
        records = [{k: _clean(v) for k, v in row.items()} for row in table.to_dict(orient="records")]
        print(json.dumps(records, indent=2, default=lambda o: o.item() if hasattr(o, "item") else str(o)))
        return 0
    if table.empty:
        print(f"no complete results under {root}", file=sys.stderr)
        return 0
    pct = round(100 * args.level)
    show = table.assign(
        test_pcc=table["test_pearson"].map(lambda v: f"{v:.3f}" if math.isfinite(v) else "nan"),
        ci=[
            f"[{lo:.3f}, {hi:.3f}]" if math.isfinite(lo) else "-"
            for lo, hi in zip(table["test_pearson_low"], table["test_pearson_high"], strict=True)
        ],
    )[["kind", "method", "pair", "data_label", "profile", "seed", "n_test", "test_pcc", "ci"]]
    show = show.rename(
        columns={"data_label": "data", "n_test": "n", "test_pcc": "test PCC", "ci": f"{pct}% CI"}
    )
    print(show.to_string(index=False))
    return 0
