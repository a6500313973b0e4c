"""``deepdiff models``: the seven DeepDiff variants and AttentiveChrome, with parameter counts.

Examples
--------
deepdiff models
deepdiff models --kernel
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``models`` subcommand."""
    p = subparsers.add_parser(
        "models",
        help="list the DeepDiff variants and AttentiveChrome with their parameter counts",
        description="List the seven DeepDiff variants (and the AttentiveChrome baseline): name, "
        "paper name, inputs, parameter count at the authors' sizes, and what each is.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1],
    )
    p.add_argument(
        "--kernel",
        action="store_true",
        help="also say which recurrence backend runs here (the compiled kernel or PyTorch)",
    )
    p.set_defaults(func=run)


def model_table() -> list[tuple[str, str, str, str, str]]:
    """Rows (name, paper name, inputs, parameters, description) of every model."""
    from deepdiff.models import VARIANTS, AttentiveChrome, build_model, count_parameters

    rows = [
        (s.name, s.paper_name, s.inputs, f"{count_parameters(build_model(s.name)):,}", s.description)
        for s in VARIANTS.values()
    ]
    rows.append(
        (
            "attentivechrome",
            "AttentiveChrome",
            "X_A or X_B (5 rows, one cell)",
            f"{count_parameters(AttentiveChrome()):,}",
            "single-cell regression baseline (per cell); difference of the two predictions",
        )
    )
    return rows


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    header = ("name", "paper name", "inputs", "parameters", "description")
    rows = [header, *model_table()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
    for i, row in enumerate(rows):
        cells = [row[j].rjust(widths[j]) if j == 3 else row[j].ljust(widths[j]) for j in range(len(widths))]
        print("  ".join([*cells, row[-1]]).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in [*widths, len(header[-1])]))
    if args.kernel:
        import torch

        from deepdiff.models import ModelConfig
        from deepdiff.models.kernels import native
        from deepdiff.models.kernels.recurrent import resolve_backend

        config = ModelConfig()
        print()
        for size in sorted({config.bin_hidden, config.row_hidden}):
            backend = resolve_backend(None, size, torch.zeros(1))
            reason = native.unavailable_reason(size) if backend == "torch" else ""
            print(f"recurrence (hidden {size}): {backend}" + (f" ({reason})" if reason else ""))
    return 0
