"""``deepdiff predict``: apply a trained model to two cells of your own (REMC format, no split needed).

Examples
--------
deepdiff predict --model results/E003-E004/raw_c/seed0-1a2b3c4d5e6f --pair K562-HepG2 --data-dir my_cells/ --out pred/
deepdiff predict --model RUN_DIR --pair A-B --data-dir prepared/ --out pred/ --threads 1 --no-attention
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``predict`` subcommand."""
    p = subparsers.add_parser(
        "predict",
        help="apply a trained model (a run directory) to two cells of your own",
        description=(
            "Load the saved model of a training run (model.pt and model.json in its result directory) "
            "and predict every gene of two cells read from --data-dir: CELL.all.csv or any of "
            "CELL.{train,valid,test}.csv per cell (REMC format, e.g. written by `deepdiff prepare`), "
            "genes matched between the cells by id. With CELL.expr.csv for both cells the true LFC is "
            "known and the predictions are scored like a test split (Pearson with a bootstrap 95% CI, "
            "Spearman, MSE). Writes OUT/predictions.csv (gene, symbol, predicted LFC, per-cell "
            "predictions where the method makes them, true values when known), OUT/attention.npz and "
            "OUT/prediction.json (which model, which cells, metrics), all at once."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples\n--------\n", 1)[1],
    )
    p.add_argument(
        "--model", required=True, metavar="RUN_DIR", help="result directory of a `deepdiff train` run"
    )
    p.add_argument(
        "--pair", required=True, help="cells A-B to predict (LFC = log2((expr_B+1)/(expr_A+1)), > 0: up in B)"
    )
    p.add_argument("--data-dir", required=True, metavar="DIR", help="folder with the two cells' files")
    p.add_argument("--out", required=True, metavar="OUT", help="output folder (new or empty, see --force)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default: %(default)s)")
    p.add_argument("--threads", type=int, help="torch CPU threads (default: every CPU this process may use)")
    p.add_argument(
        "--batch-size", type=int, default=200, help="genes per forward pass (default: %(default)s)"
    )
    p.add_argument("--no-attention", action="store_true", help="do not keep the attention maps")
    p.add_argument(
        "--n-boot", type=int, default=1000, help="bootstrap resamples of the CI (default: %(default)s)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace --out if it is an earlier output of predict (never the model's run, the cells or other files)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the cheap things first (pair, threads, output folder, model), then read and predict."""
    from deepdiff._util.threads import check_threads
    from deepdiff.apply.cells import load_cells
    from deepdiff.apply.output import check_prediction_folder, write_predictions
    from deepdiff.apply.predict import apply_model
    from deepdiff.data.pair import Pair
    from deepdiff.errors import ConfigError
    from deepdiff.training.saved import load_model

    pair = Pair.parse(args.pair)
    check_threads(args.threads, "--threads")
    for name in ("batch_size", "n_boot"):
        if getattr(args, name) < 1:
            raise ConfigError(f"--{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
    inputs = {"--model run": args.model, "--data-dir": args.data_dir}
    check_prediction_folder(args.out, args.force, inputs)
    model = load_model(args.model, device=args.device)
    print(model.summary())
    cells = load_cells(pair, args.data_dir, progress=not args.no_progress)
    print(cells.summary())
    predictions = apply_model(
        model,
        cells,
        attention=not args.no_attention,
        batch_size=args.batch_size,
        threads=args.threads,
        progress=not args.no_progress,
        n_boot=args.n_boot,
    )
    out = write_predictions(args.out, predictions, overwrite=args.force, inputs=inputs)
    print(predictions.summary())
    print(f"  {predictions.provenance['seconds']:.1f} s -> {out}")
    return 0
