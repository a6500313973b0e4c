"""Figures of the notebooks and the book, each labelled with its data source, budget and seeds.

Every function returns a :class:`matplotlib.figure.Figure` and takes a ``provenance`` string
(:func:`provenance`), printed under the title, so that no figure can be read without knowing
whether it shows real full REMC data, the real sample or simulated data, under which profile and
with how many seeds. The paper's own numbers, where shown, are marked as the paper's.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.text import Text

from deepdiff import methods
from deepdiff.constants import DE_THRESHOLD, MARKS, N_MARKS, PAPER_PAIRS
from deepdiff.report import paper

#: Resolution of the figures' PNGs (pixels per inch), see :func:`show_inline`.
FIGURE_DPI = 110
#: The smallest text of any figure, in points: at :data:`FIGURE_DPI`, 12 px in the PNG, so that a figure
#: at most :data:`MAX_WIDTH_IN` wide keeps its text readable (over 9 px) at the book's content width.
SMALLEST_FONT_PT = 8.0
#: The widest figure, in inches: 825 px at FIGURE_DPI, shown in the book's content column of about 670 px
#: (sphinx-book-theme in a 1280 px window) at about 0.8 of its size.
MAX_WIDTH_IN = 7.5

#: Colours of the two cells and of the paper's numbers, fixed across figures.
CELL_COLOURS = ("#1b6ca8", "#c0392b")
PAPER_COLOUR = "#7f7f7f"


def provenance(
    data_label: str, profile: str | None = None, n_seeds: int | str | None = None, extra: str = ""
) -> str:
    """One line for a figure: ``"data: simulated (seed 0) | profile: quick | seeds: 1"``."""
    parts = [f"data: {data_label}"]
    if profile is not None:
        parts.append(f"profile: {profile}")
    if n_seeds is not None:
        parts.append(f"seeds: {n_seeds}")
    if extra:
        parts.append(extra)
    return " | ".join(parts)


def smallest_font(fig: Figure) -> float:
    """The size in points of the smallest visible text of ``fig`` (labels, ticks, legends, titles)."""
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes, default=SMALLEST_FONT_PT)


def check_readable(fig: Figure) -> Figure:
    """``fig`` unchanged, or a ValueError when its text is smaller or it is wider than the book shows readably."""
    small = smallest_font(fig)
    if small < SMALLEST_FONT_PT:
        raise ValueError(
            f"figure text of {small:g} pt, under the {SMALLEST_FONT_PT:g} pt the book can show readably"
        )
    if fig.get_figwidth() > MAX_WIDTH_IN + 1e-6:
        raise ValueError(
            f"figure {fig.get_figwidth():g} in wide, over the {MAX_WIDTH_IN:g} in the book shows readably"
        )
    return fig


def _wrap(text: str, width_in: float, fontsize: float, bold: bool = False) -> str:
    """``text`` broken into lines that fit ``width_in`` inches at ``fontsize`` points (an average
    character is about 0.55 of the size, 0.62 in bold), so that a long title or provenance never
    widens the figure beyond the page."""
    chars = max(20, int(width_in * 72 / (fontsize * (0.62 if bold else 0.55))))
    return textwrap.fill(text, chars, break_long_words=False, break_on_hyphens=False)


def _finish(fig: Figure, title: str, prov: str) -> Figure:
    """Title, provenance line under it (each wrapped to the figure's width), and a tight layout below
    both (a band in inches per line); the figure is then checked to be readable at the book's width
    (:func:`check_readable`)."""
    height, width = fig.get_figheight(), fig.get_figwidth()
    title, prov = _wrap(title, width, 12, bold=True), _wrap(prov, width, 8.5)
    prov_top = 0.06 + 0.28 * (title.count("\n") + 1)
    band = prov_top + 0.14 * (prov.count("\n") + 1)
    fig.suptitle(title, fontsize=12, fontweight="bold", y=1 - 0.06 / height, va="top")
    fig.text(
        0.5, 1 - prov_top / height, prov, ha="center", va="top", fontsize=8.5, color="#444444", style="italic"
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - band / height))
    return check_readable(fig)


def plot_gene(
    x_a: np.ndarray, x_b: np.ndarray, gene: str, cells: tuple[str, str], lfc: float, prov: str
) -> Figure:
    """The five marks of one gene around its TSS in the two cells.

    Parameters
    ----------
    x_a, x_b : ndarray, shape (5, 200)
        Read counts per mark and bin.
    gene : str
    cells : (str, str)
        Names of cell A and cell B.
    lfc : float
        The gene's LFC (B vs A).
    """
    from deepdiff.interpret import bin_positions

    pos = bin_positions() / 1000.0
    fig = Figure(figsize=(MAX_WIDTH_IN, 8.5))
    axes = fig.subplots(N_MARKS, 1, sharex=True)
    for m, ax in enumerate(axes):
        ax.plot(pos, x_a[m], color=CELL_COLOURS[0], lw=1.2, label=cells[0])
        ax.plot(pos, x_b[m], color=CELL_COLOURS[1], lw=1.2, label=cells[1], alpha=0.85)
        ax.axvline(0, color="k", lw=0.6, ls=":")
        ax.set_ylabel(f"{MARKS[m]}\n(reads/bin)", fontsize=9)
    axes[0].legend(loc="upper right", fontsize=8, ncol=2)
    axes[-1].set_xlabel("position relative to the TSS (kb; 100-bp bins)")
    return _finish(fig, f"Gene {gene}: histone marks around the TSS (LFC {lfc:+.2f})", prov)


def plot_gene_attention(attention: Mapping[str, np.ndarray], gene: str, prov: str, title: str) -> Figure:
    """One gene's attention: each row's Level I attention over the bins, and the Level II attention of the rows.

    Parameters
    ----------
    attention : mapping
        Attention maps in the layout of ``attention.npz`` (:mod:`deepdiff.results.store`).
    gene : str
        A gene of ``attention["genes"]``.
    """
    from deepdiff.interpret import bin_positions

    genes = np.asarray(attention["genes"]).astype(str)
    if gene not in genes:
        raise KeyError(f"gene {gene!r} has no attention here")
    i = int(np.flatnonzero(genes == gene)[0])
    bins = np.asarray(attention["bin_attention"][i], dtype=np.float64)
    rows = np.asarray(attention["row_attention"][i], dtype=np.float64)
    bin_rows = [str(n) for n in attention["bin_row_names"]]
    row_names = [str(n) for n in attention["row_names"]]
    fig = Figure(figsize=(MAX_WIDTH_IN, 0.45 * max(len(bin_rows), len(row_names)) + 2.2))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    pos = bin_positions() / 1000.0
    image = left.imshow(
        bins, aspect="auto", cmap="viridis", extent=(pos[0] - 0.05, pos[-1] + 0.05, len(bin_rows) - 0.5, -0.5)
    )
    fig.colorbar(image, ax=left, label="bin attention (rows sum to 1)", pad=0.01)
    left.set_yticks(range(len(bin_rows)), bin_rows, fontsize=8)
    left.axvline(0, color="w", lw=0.6, ls=":")
    left.set_xlabel("position relative to the TSS (kb; 100-bp bins, upstream left)")
    left.set_title("Level I: where along each row", fontsize=10)
    right.barh(range(len(row_names)), rows, color="#1b6ca8")
    right.axvline(1.0 / len(row_names), color="k", lw=0.7, ls=":", label=f"uniform (1/{len(row_names)})")
    right.set_yticks(range(len(row_names)), row_names, fontsize=8)
    right.invert_yaxis()
    right.set_xlabel("row attention")
    right.set_title("Level II: which rows", fontsize=10)
    right.legend(fontsize=8, loc="lower right")
    return _finish(fig, title, prov)


def plot_lfc_distributions(
    lfc: Mapping[str, np.ndarray], prov: str, threshold: float = DE_THRESHOLD
) -> Figure:
    """Distribution of the LFC of every pair, with the ±threshold of "differentially expressed"."""
    frame = pd.concat(
        [pd.DataFrame({"pair": p, "lfc": np.asarray(v)}) for p, v in lfc.items()], ignore_index=True
    )
    fig = Figure(figsize=(MAX_WIDTH_IN - 0.5, 4.6))  # and the threshold label right of the axes
    ax = fig.subplots()
    sns.violinplot(
        data=frame,
        x="pair",
        y="lfc",
        ax=ax,
        inner="quartile",
        cut=0,
        density_norm="width",
        color="#9ecae1",
        linewidth=0.8,
    )
    for t in (-threshold, threshold):
        ax.axhline(t, color="#c0392b", lw=0.9, ls="--")
    ax.text(
        1.0,
        threshold,
        f" |LFC| = {threshold:g}",
        color="#c0392b",
        fontsize=8,
        va="bottom",
        transform=ax.get_yaxis_transform(),
    )
    ax.set_xlabel("pair A-B")
    ax.set_ylabel("LFC = log2((expr_B + 1) / (expr_A + 1))")
    ax.tick_params(axis="x", rotation=30)
    return _finish(fig, "Log fold change of expression per pair", prov)


def plot_learning_curves(history: Sequence[Mapping[str, float]], prov: str, title: str) -> Figure:
    """Training loss and validation PCC per epoch; the selected epoch is marked.

    ``history`` is the ``history`` list of ``metrics.json``: one dict per epoch with at least
    ``epoch`` and any of ``train_loss``/``loss`` and ``valid_pearson``.
    """
    h = pd.DataFrame(list(history))
    fig = Figure(figsize=(MAX_WIDTH_IN, 3.8))
    ax1, ax2 = fig.subplots(1, 2)
    if h.empty:
        for ax in (ax1, ax2):
            ax.text(
                0.5, 0.5, "no per-epoch history recorded", ha="center", va="center", transform=ax.transAxes
            )
        return _finish(fig, title, prov)
    epoch = h["epoch"] if "epoch" in h else pd.Series(np.arange(1, len(h) + 1))
    loss_cols = [c for c in h.columns if "loss" in c and pd.api.types.is_numeric_dtype(h[c])]
    for c in loss_cols:
        ax1.plot(epoch, h[c], marker="o", ms=3, label=c)
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("loss (MSE-based, training objective)")
    ax1.set_title("training loss")
    if loss_cols:
        ax1.legend(fontsize=8)
    pcc_cols = [c for c in h.columns if "pearson" in c and pd.api.types.is_numeric_dtype(h[c])]
    for c in pcc_cols:
        ax2.plot(epoch, h[c], marker="o", ms=3, label=c)
    if "valid_pearson" in h and h["valid_pearson"].notna().any():
        best = int(h["valid_pearson"].idxmax())
        ax2.axvline(epoch.iloc[best], color="k", ls=":", lw=0.8, label=f"selected epoch {epoch.iloc[best]}")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("Pearson correlation (LFC)")
    ax2.set_title("validation PCC (model selection)")
    if pcc_cols:
        ax2.legend(fontsize=8)
    return _finish(fig, title, prov)


def plot_scores_by_genes(scores: pd.DataFrame, prov: str, title: str) -> Figure:
    """Test PCC against the number of training genes, one line per method
    (:func:`deepdiff.report.learnability.scores_by_training_genes`)."""
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    for method, rows in scores.groupby("method", sort=False):
        rows = rows.sort_values("training genes")
        ax.plot(rows["training genes"], rows["test PCC"], marker="o", label=method)
    ax.set_xscale("log")
    ticks = sorted(scores["training genes"].unique())
    ax.set_xticks(ticks, [f"{t:,}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("training genes (log scale)")
    ax.set_ylabel("test PCC (LFC)")
    ax.axhline(0, color="grey", lw=0.6)
    ax.legend(fontsize=9)
    return _finish(fig, title, prov)


def plot_pred_vs_true(predictions: pd.DataFrame, prov: str, title: str, pcc_text: str = "") -> Figure:
    """Predicted vs true LFC of the test genes (hexbin for many genes, scatter for few)."""
    y, p = predictions["lfc_true"].to_numpy(), predictions["lfc_pred"].to_numpy()
    fig = Figure(figsize=(5.6, 5.2))
    ax = fig.subplots()
    if len(y) > 1500:
        hb = ax.hexbin(y, p, gridsize=45, bins="log", cmap="viridis", mincnt=1)
        fig.colorbar(hb, ax=ax, label="genes (log scale)")
    else:
        ax.scatter(y, p, s=9, alpha=0.6, color="#1b6ca8", edgecolor="none", label=f"{len(y)} test genes")
        ax.legend(loc="upper left", fontsize=8)
    lim = [float(np.nanmin([y.min(), p.min()])), float(np.nanmax([y.max(), p.max()]))]
    ax.plot(lim, lim, color="k", lw=0.7, ls="--")
    ax.set_xlabel("true LFC (log2 fold change)")
    ax.set_ylabel("predicted LFC (log2 fold change)")
    if pcc_text:
        ax.text(
            0.97,
            0.03,
            pcc_text,
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
        )
    return _finish(fig, title, prov)


def plot_method_comparison(
    table: pd.DataFrame, prov: str, title: str, highlight: str | None = None
) -> Figure:
    """Test PCC with 95% intervals per method (one pair).

    ``table`` has ``method``, ``pcc``, ``low``, ``high``. Colours: DeepDiff variants, the paper's
    baselines, and baselines beyond the paper; ``highlight`` marks one method.
    """
    from matplotlib.patches import Patch

    t = table.sort_values("pcc", ascending=True).reset_index(drop=True)
    categories = {
        "DeepDiff variant": "#1b6ca8",
        "the paper's baseline": "#7f7f7f",
        "baseline beyond the paper": "#d9b779",
    }

    def category(method: str) -> str:
        if method in methods.PAPER_VARIANTS:
            return "DeepDiff variant"
        return "the paper's baseline" if method in methods.PAPER_BASELINES else "baseline beyond the paper"

    cats = [category(m) for m in t["method"]]
    colours = ["#c0392b" if m == highlight else categories[c] for m, c in zip(t["method"], cats, strict=True)]
    fig = Figure(figsize=(MAX_WIDTH_IN, 0.45 * len(t) + 1.8))
    ax = fig.subplots()
    err = np.vstack([t["pcc"] - t["low"], t["high"] - t["pcc"]])
    ax.barh(
        [methods.label(m) for m in t["method"]],
        t["pcc"],
        color=colours,
        xerr=np.nan_to_num(err),
        capsize=3,
    )
    ax.set_xlabel("test Pearson correlation of predicted vs true LFC (95% bootstrap CI)")
    ax.axvline(0, color="k", lw=0.6)
    handles = [Patch(color=categories[c], label=c) for c in categories if c in cats]
    if highlight:
        handles.insert(0, Patch(color="#c0392b", label=f"{methods.label(highlight)} (this run)"))
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    return _finish(fig, title, prov)


def plot_figure4(fig4: pd.DataFrame, prov: str) -> Figure:
    """Our Figure 4: test PCC per pair for the paper's variants and baselines (mean over seeds, 95% CI).

    Methods beyond the paper are left out, as in the paper's figure.
    """
    shown = [m for m in (*methods.PAPER_VARIANTS, *methods.PAPER_BASELINES) if m in set(fig4["method"])]
    pairs = [p for p in PAPER_PAIRS if p in set(fig4["pair"])] + sorted(set(fig4["pair"]) - set(PAPER_PAIRS))
    palette = sns.color_palette("tab10", len(methods.PAPER_VARIANTS)) + sns.color_palette("Greys", 6)[2:]
    colour = {m: palette[i % len(palette)] for i, m in enumerate(shown)}
    # the legend sits right of the axes, so the axes keep to 7 in of the book's width
    fig = Figure(figsize=(min(MAX_WIDTH_IN - 2.0, max(6.5, 1.3 * len(pairs) + 3)), 4.8))
    ax = fig.subplots()
    width = 0.8 / max(1, len(shown))
    for i, m in enumerate(shown):
        sub = fig4[fig4["method"] == m].set_index("pair").reindex(pairs)
        x = np.arange(len(pairs)) - 0.4 + (i + 0.5) * width
        err = np.vstack([sub["pcc"] - sub["low"], sub["high"] - sub["pcc"]])
        marker = "o" if m in methods.PAPER_VARIANTS else "s"
        ax.errorbar(
            x,
            sub["pcc"],
            yerr=np.nan_to_num(err),
            fmt=marker,
            ms=4.5,
            color=colour[m],
            capsize=1.5,
            lw=0.8,
            label=methods.label(m),
        )
    ax.set_xticks(np.arange(len(pairs)), pairs, rotation=30)
    ax.set_xlabel("cell-type pair")
    ax.set_ylabel("test PCC (LFC), 95% CI")
    ax.legend(fontsize=8, ncol=1, bbox_to_anchor=(1.01, 1), loc="upper left")
    ax.grid(axis="y", lw=0.4, alpha=0.6)
    return _finish(
        fig, "Figure 4 (ours): PCC per pair, DeepDiff variants (circles) and baselines (squares)", prov
    )


def plot_table1(t1: pd.DataFrame, prov: str) -> Figure:
    """Relative PCC (%) of each variant vs two-layer SVR and AttentiveChrome: ours (CI) and the paper's."""
    fig = Figure(figsize=(MAX_WIDTH_IN, 4.4))
    axes = fig.subplots(1, 2, sharey=True)
    order = [methods.label(v) for v in methods.PAPER_VARIANTS]
    for ax, base in zip(axes, paper.TABLE1_BASELINES, strict=True):
        sub = t1[(t1["baseline"] == base) & (t1["statistic"] == "mean")].set_index("label").reindex(order)
        y = np.arange(len(order))
        ax.barh(
            y + 0.2,
            sub["paper"],
            height=0.38,
            color=PAPER_COLOUR,
            label=f"paper ({paper.PAPER_SHORT}, Table 1)",
        )
        err = np.vstack([sub["ours"] - sub["low"], sub["high"] - sub["ours"]])
        ax.barh(
            y - 0.2,
            sub["ours"],
            height=0.38,
            color="#1b6ca8",
            xerr=np.nan_to_num(err),
            capsize=2,
            label="ours (95% CI)",
        )
        ax.axvline(100, color="k", lw=0.8, ls="--")
        ax.set_yticks(y, order)
        ax.set_xlabel(f"mean relative PCC vs {methods.label(base)} (%)\n100 = as good as the baseline")
        ax.set_title(f"vs {methods.label(base)}")
    axes[0].invert_yaxis()
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8.5, loc="lower center", ncol=2, frameon=False)
    _finish(fig, "Table 1: relative PCC of DeepDiff variants, ours beside the paper's", prov)
    fig.subplots_adjust(bottom=0.22)
    return fig


def plot_mark_attention(summary: pd.DataFrame, prov: str, title: str) -> Figure:
    """Figure 5 style: mean mark-level attention of up- and down-regulated genes, with 95% CIs."""
    fig = Figure(figsize=(7, 4.4))  # and the legend above the axes
    ax = fig.subplots()
    groups = [g for g in ("up", "down") if g in set(summary["group"])]
    colours = {"up": "#222222", "down": "#a0a0a0"}
    x = np.arange(N_MARKS)
    for i, g in enumerate(groups):
        sub = summary[summary["group"] == g].set_index("mark").reindex(MARKS)
        err = np.vstack([sub["mean"] - sub["low"], sub["high"] - sub["mean"]])
        n = int(sub["n_genes"].iloc[0])
        ax.bar(
            x - 0.2 + 0.4 * i,
            sub["mean"],
            width=0.38,
            color=colours[g],
            yerr=np.nan_to_num(err),
            capsize=3,
            label=f"{g}-regulated ({n} genes)",
        )
    ax.axhline(1.0 / N_MARKS, color="#c0392b", lw=0.8, ls="--", label="uniform (1/5)")
    ax.set_xticks(x, MARKS)
    ax.set_xlabel("histone mark")
    ax.set_ylabel("mean mark-level attention (share, 95% CI)")
    top = float(np.nanmax(summary["high"].to_numpy(dtype=float), initial=1.0 / N_MARKS))
    ax.set_ylim(0, 1.3 * top)
    ax.legend(fontsize=8, loc="upper center", ncol=3)
    return _finish(fig, title, prov)


def plot_bin_profiles(profiles: pd.DataFrame, prov: str, title: str, smooth: int = 5) -> Figure:
    """Mean bin-level attention per mark around the TSS, one panel per group of genes."""
    groups = list(dict.fromkeys(profiles["group"]))
    # one panel under the other: side by side they would be shrunk below readable at the book's width
    fig = Figure(figsize=(MAX_WIDTH_IN, 2.6 * len(groups) + 1.0))
    axes = fig.subplots(len(groups), 1, sharex=True, sharey=True, squeeze=False)[:, 0]
    palette = dict(zip(MARKS, sns.color_palette("colorblind", N_MARKS), strict=True))
    for ax, g in zip(axes, groups, strict=True):
        sub = profiles[profiles["group"] == g]
        for mark, rows in sub.groupby("mark", sort=False):
            prof = rows.groupby("bin")["attention"].mean()
            if smooth > 1:
                prof = prof.rolling(smooth, center=True, min_periods=1).mean()
            pos = rows.groupby("bin")["position_bp"].first() / 1000.0
            ax.plot(pos, prof, color=palette[str(mark)], lw=1.3, label=str(mark))
        ax.axhline(1.0 / 200, color="k", lw=0.7, ls=":", label="uniform (1/200)")
        ax.axvline(0, color="k", lw=0.5)
        ax.set_title(f"{g} genes")
        ax.set_ylabel("mean bin attention")
    axes[-1].set_xlabel(f"position relative to the TSS (kb); rolling mean of {smooth} bins")
    axes[0].legend(fontsize=8, loc="upper right", ncol=2)
    return _finish(fig, title, prov)


def plot_recovery(table: pd.DataFrame, prov: str, title: str) -> Figure:
    """Recovery of the planted mechanism by attention and by gradient attribution.

    ``table`` has ``method`` (e.g. ``"attention"``, ``"grad_x_input"``), ``metric`` and ``value``.
    """
    fig = Figure(figsize=(6.5, 4.0))  # and the legend right of the axes
    ax = fig.subplots()
    sns.barplot(data=table, x="metric", y="value", hue="method", ax=ax, palette="Set2")
    ax.axhline(0.5, color="k", lw=0.7, ls=":", label="chance (AUROC)")
    ax.set_ylim(min(-0.1, float(table["value"].min()) - 0.05), 1.05)
    ax.set_xlabel("recovery metric (1 = perfect)")
    ax.set_ylabel("value")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _finish(fig, title, prov)


def plot_mark_profiles(x: np.ndarray, groups: Mapping[str, np.ndarray], prov: str, title: str) -> Figure:
    """Mean ``log2(count + 1)`` per mark and bin for groups of genes (one panel per mark).

    Parameters
    ----------
    x : ndarray, shape (n_genes, 5, 200)
        Read counts of one cell.
    groups : mapping
        Group name -> gene index array.
    """
    from deepdiff.interpret import bin_positions

    pos = bin_positions() / 1000.0
    fig = Figure(figsize=(MAX_WIDTH_IN, 3.6))
    axes = fig.subplots(1, N_MARKS, sharex=True)
    palette = sns.color_palette("Set1", max(3, len(groups)))
    for m, ax in enumerate(axes):
        for i, (name, idx) in enumerate(groups.items()):
            if len(idx) == 0:
                continue
            mean = np.log2(np.asarray(x[np.asarray(idx), m], dtype=np.float64) + 1.0).mean(axis=0)
            ax.plot(pos, mean, color=palette[i], lw=1.2, label=f"{name} ({len(idx)})")
        ax.set_title(MARKS[m], fontsize=10)
        ax.set_xlabel("kb from TSS")
        ax.axvline(0, color="k", lw=0.5, ls=":")
    axes[0].set_ylabel("mean log2(reads + 1) per bin")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8.5, loc="lower center", ncol=len(labels), frameon=False)
    _finish(fig, title, prov)
    fig.subplots_adjust(bottom=0.24)
    return fig


def plot_planted(bin_weights: np.ndarray, prov: str, title: str) -> Figure:
    """The simulator's planted coupling: change of each bin's log mean count per unit of activity."""
    from deepdiff.interpret import bin_positions

    pos = bin_positions() / 1000.0
    fig = Figure(figsize=(MAX_WIDTH_IN, 3.8))
    ax = fig.subplots()
    palette = sns.color_palette("colorblind", N_MARKS)
    for m in range(N_MARKS):
        ax.plot(pos, bin_weights[m], color=palette[m], lw=1.5, label=MARKS[m])
    ax.axhline(0, color="k", lw=0.6)
    ax.axvline(0, color="k", lw=0.5, ls=":")
    ax.set_xlabel("position relative to the TSS (kb)")
    ax.set_ylabel("planted weight (Δ log mean count per SD of activity)")
    ax.legend(fontsize=8, ncol=2)
    return _finish(fig, title, prov)


def plot_lfc_quantiles(
    reference: np.ndarray, other: np.ndarray, labels: tuple[str, str], prov: str, title: str
) -> Figure:
    """Quantile-quantile plot of two LFC distributions (e.g. real vs simulated), with the DE thresholds."""
    q = np.linspace(0.005, 0.995, 199)
    a, b = np.quantile(reference, q), np.quantile(other, q)
    fig = Figure(figsize=(5.4, 5.0))
    ax = fig.subplots()
    ax.plot(a, b, "o", ms=3, color="#1b6ca8", label="quantiles 0.5%-99.5%")
    lim = [float(min(a.min(), b.min())), float(max(a.max(), b.max()))]
    ax.plot(lim, lim, color="k", lw=0.7, ls="--", label="y = x")
    for t in (-DE_THRESHOLD, DE_THRESHOLD):
        ax.axvline(t, color="#c0392b", lw=0.6, ls=":")
        ax.axhline(t, color="#c0392b", lw=0.6, ls=":")
    ax.set_xlabel(f"LFC quantile, {labels[0]}")
    ax.set_ylabel(f"LFC quantile, {labels[1]}")
    ax.legend(fontsize=8)
    return _finish(fig, title, prov)


def show_inline(dpi: int = FIGURE_DPI) -> None:
    """Make IPython show every returned :class:`Figure` as a PNG, whatever the matplotlib backend.

    The figures here are built without pyplot (no global figure state), so IPython needs a PNG
    formatter for them; the inline backend registers one, but a non-interactive backend (``Agg``,
    as under papermill in CI) does not. Outside IPython this does nothing.
    """
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure
    except ImportError:  # pragma: no cover - IPython is part of the notebook extra
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight", dpi=dpi))
