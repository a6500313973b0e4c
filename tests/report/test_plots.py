"""Figures stay readable at the book's width: no text under SMALLEST_FONT_PT, no figure wider than MAX_WIDTH_IN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from deepdiff.constants import MARKS
from deepdiff.report import plots


def test_bin_profiles_stack_their_panels_within_the_book_width() -> None:
    rows = [
        {"group": g, "mark": m, "bin": b, "attention": 1 / 200, "position_bp": (b - 100) * 100}
        for g in ("up", "down", "unchanged")
        for m in MARKS
        for b in range(200)
    ]
    fig = plots.plot_bin_profiles(pd.DataFrame(rows), "data: test", "Bin-level attention")
    assert fig.get_figwidth() <= plots.MAX_WIDTH_IN
    assert len(fig.axes) == 3 and len({round(ax.get_position().x0, 3) for ax in fig.axes}) == 1, "stacked"
    assert plots.smallest_font(fig) >= plots.SMALLEST_FONT_PT


def test_figures_of_the_chapters_pass_the_readability_check() -> None:
    rng = np.random.default_rng(0)
    figures = [
        plots.plot_learning_curves(
            [{"epoch": e, "train_loss": 1 / e, "valid_pearson": 0.1 * e} for e in range(1, 6)],
            "data: test",
            "t",
        ),
        plots.plot_lfc_distributions(
            {"E003-E004": rng.normal(size=100), "E005-E006": rng.normal(size=100)}, "d"
        ),
        plots.plot_planted(rng.normal(size=(len(MARKS), 200)), "data: test", "planted"),
        plots.plot_method_comparison(
            pd.DataFrame(
                {"method": ["raw_c", "svr2"], "pcc": [0.5, 0.4], "low": [0.4, 0.3], "high": [0.6, 0.5]}
            ),
            "data: test",
            "methods",
            highlight="raw_c",
        ),
        plots.plot_recovery(
            pd.DataFrame(
                {"method": ["attention", "grad_x_input"], "metric": ["AUROC", "AUROC"], "value": [0.7, 0.8]}
            ),
            "data: test",
            "recovery",
        ),
    ]
    for fig in figures:
        assert plots.check_readable(fig) is fig
        assert fig.get_figwidth() <= plots.MAX_WIDTH_IN


def test_text_too_small_or_a_figure_too_wide_is_refused() -> None:
    small = Figure(figsize=(4, 3))
    small.text(0.5, 0.5, "tiny", fontsize=plots.SMALLEST_FONT_PT - 1)
    with pytest.raises(ValueError, match="under the"):
        plots.check_readable(small)
    with pytest.raises(ValueError, match="in wide"):
        plots.check_readable(Figure(figsize=(plots.MAX_WIDTH_IN + 1, 3)))


def test_a_long_title_and_provenance_wrap_instead_of_widening_the_figure(tmp_path) -> None:
    import struct

    prov = plots.provenance(
        "simulated (seed 0), as synthetic BAM/bigWig files, prepared (local: prepared)",
        "book",
        "1 (seed 0)",
        "raw_c trained on E123-E003, applied to E116-E005",
    )
    pred = pd.DataFrame({"lfc_true": np.linspace(-3, 3, 50), "lfc_pred": np.linspace(-2, 2, 50)})
    fig = plots.plot_pred_vs_true(
        pred, prov, "Raw:c trained on E123-E003, applied to E116-E005: every gene of the pair"
    )
    fig.savefig(tmp_path / "f.png", dpi=plots.FIGURE_DPI, bbox_inches="tight")
    width = struct.unpack(">II", (tmp_path / "f.png").read_bytes()[16:24])[0]
    assert width <= (fig.get_figwidth() + 0.3) * plots.FIGURE_DPI
