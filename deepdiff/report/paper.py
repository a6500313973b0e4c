"""The paper's numbers and claims, as data with citations.

Everything here is read off Sekhon, Singh & Qi (2018) by hand (see ``/book`` and the paper text);
nothing here is computed. The rest of :mod:`deepdiff.report` compares our results with these. The
names of the paper's variants and baselines are those of :mod:`deepdiff.methods`.

The claims are small frozen records: what the paper says (verbatim quote and where), which
methods it compares, and the rule by which we decide whether it holds on our results. Each rule
is stated in words in :attr:`Claim.evaluation`, so the book can print it beside the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

from deepdiff import methods
from deepdiff.constants import PAPER_PAIRS
from deepdiff.methods import APPENDIX_VARIANTS, ATTENTIVECHROME_DIFF, PAPER_BASELINES, PAPER_VARIANTS

#: How to cite the paper in figure captions and tables.
PAPER_CITATION: Final[str] = (
    "Sekhon, Singh & Qi, DeepDiff, Bioinformatics 34(17):i891–i900 (2018), doi:10.1093/bioinformatics/bty612"
)
PAPER_SHORT: Final[str] = "Sekhon et al. 2018"

#: Baselines that are not deep models ("SVR and Random Forest" in Section 4.3).
SHALLOW_BASELINES: Final[tuple[str, ...]] = ("svr1", "svr2", "relief_rf")
#: The two "best performing baselines" Table 1 compares against.
TABLE1_BASELINES: Final[tuple[str, ...]] = ("svr2", ATTENTIVECHROME_DIFF)

#: Figure 5's pair as written on the x-axis of Figure 4 (E123 = K562, E116 = GM12878).
FIGURE5_PAIR: Final[str] = "E123-E116"
#: Figure 5's thresholds on the LFC defining strongly up- and down-regulated test genes.
FIGURE5_UP: Final[float] = 8.0
FIGURE5_DOWN: Final[float] = -8.0
#: Pairs of Appendix Figure 2 / Table 3: "six cell-type pairs"; the text does not name them (the
#: figure's axis labels are not in the paper's text), so a grid runs the appendix's variants on all ten.
APPENDIX_AUX_CLASSIFICATION_N_PAIRS: Final[int] = 6
#: The one baseline Table 3 compares against: "comparing Aux and Raw+Aux models to two-layer SVR".
TABLE3_BASELINES: Final[tuple[str, ...]] = ("svr2",)


@dataclass(frozen=True)
class Citation:
    """Where in the paper a number or sentence is.

    Attributes
    ----------
    where : str
        Section, table or figure, e.g. ``"Section 4.3"``.
    quote : str
        The paper's words (verbatim, whitespace normalised).
    """

    where: str
    quote: str

    def __str__(self) -> str:
        return f'{PAPER_SHORT}, {self.where}: "{self.quote}"'


# --------------------------------------------------------------------------------------------
# Table 1
# --------------------------------------------------------------------------------------------

TABLE1_CITATION: Final[Citation] = Citation(
    where="Table 1 (Section 4.3)",
    quote=(
        "Mean and Median of the relative performance (%) with respect to Pearson Correlation "
        "Coefficient(PCC) when comparing DeepDiff models to the best-performing baselines: two-layer "
        "SVR and AttentiveChrome across all ten cell-type pairs."
    ),
)

#: Table 1 rows: variant -> (vs two-layer SVR mean, median, vs AttentiveChrome mean, median), in %.
_TABLE1: Final[dict[str, tuple[float, float, float, float]]] = {
    "raw_d": (153.72, 156.81, 108.90, 102.14),
    "raw_c": (163.59, 166.64, 115.75, 107.64),
    "raw": (162.94, 166.55, 115.26, 107.71),
    "aux": (157.64, 166.58, 111.20, 106.13),
    "raw_aux": (162.23, 164.73, 114.61, 106.62),
    "aux_siamese": (161.85, 168.90, 114.19, 107.87),
    "raw_aux_siamese": (161.95, 166.07, 114.44, 107.56),
}


def table1() -> pd.DataFrame:
    """The paper's Table 1 in long form.

    Returns
    -------
    DataFrame
        Columns ``variant`` (library name), ``label`` (paper's name), ``baseline`` (``svr2`` or
        ``attentivechrome``), ``statistic`` (``mean`` or ``median`` over the ten pairs) and
        ``relative_pcc`` (%, 100 × PCC(variant) / PCC(baseline)), 28 rows.
    """
    rows = []
    for variant, (svr_mean, svr_median, ac_mean, ac_median) in _TABLE1.items():
        for baseline, stat, value in (
            ("svr2", "mean", svr_mean),
            ("svr2", "median", svr_median),
            (ATTENTIVECHROME_DIFF, "mean", ac_mean),
            (ATTENTIVECHROME_DIFF, "median", ac_median),
        ):
            rows.append(
                {
                    "variant": variant,
                    "label": methods.label(variant),
                    "baseline": baseline,
                    "statistic": stat,
                    "relative_pcc": value,
                }
            )
    return pd.DataFrame(rows)


def table1_wide() -> pd.DataFrame:
    """Table 1 laid out as in the paper: one row per variant (paper's labels), four columns."""
    long = table1()
    wide = long.pivot_table(
        index="label", columns=["baseline", "statistic"], values="relative_pcc", sort=False
    )
    wide.columns = [f"vs {methods.label(b)} {s}" for b, s in wide.columns]
    wide.index.name = "variant (Sekhon et al. 2018, Table 1)"
    return wide


# --------------------------------------------------------------------------------------------
# Appendix Section 1.6: Figure 2 and Table 3
# --------------------------------------------------------------------------------------------

TABLE3_CITATION: Final[Citation] = Citation(
    where="Appendix Section 1.6, Table 3",
    quote=(
        "Table 3 shows the relative performance (%) with respect to Pearson Correlation Coefficient(PCC) "
        "when comparing Aux and Raw+Aux models to two-layer SVR."
    ),
)
FIGURE2_CITATION: Final[Citation] = Citation(
    where="Appendix Figure 2",
    quote=(
        "Cell-Specific Auxiliary as classification: Pearson correlation (PCC) for DeepDiff main task and "
        "multi-tasking with Cell-Specific Auxiliary as classification for six cell-type pairs. The text "
        "label for each cell-type pair is the best performing DeepDiff variation."
    ),
)
#: Table 3's numbers are not in the paper's text (the table is not in the extracted text at all; only
#: the sentence citing it), so the paper's column of our Table 3 is empty. Said beside every Table 3 value.
TABLE3_PAPER_NOTE: Final[str] = (
    "the paper's Table 3 numbers are not in its text (only the sentence citing the table), nor which six "
    "pairs it used; nothing to compare ours with"
)
#: What differs from the paper in our Appendix Section 1.6 runs (for the book and the status page).
APPENDIX_NOTES: Final[tuple[str, ...]] = (
    "Labels: 1 when a gene's expression count is above the cell's median over the run's training genes, -1 "
    "otherwise. The paper thresholds at 'the cell type specific median of the rpkm gene expression' (following "
    "AttentiveChrome) without saying over which genes; the authors' released data hold counts, not RPKM.",
    "The differential target stays the log fold change of the counts, as in every other run here; the paper "
    "uses the log fold change of RPKM in this experiment.",
    f"The paper ran {APPENDIX_AUX_CLASSIFICATION_N_PAIRS} pairs without naming them; the grid runs all ten.",
)


def table3() -> pd.DataFrame:
    """The paper's Table 3 in the long form of :func:`table1`, its numbers unknown (NaN).

    Rows: Aux and Raw+Aux with classification auxiliary tasks (``aux_cls``, ``raw_aux_cls``) against
    the two-layer SVR, mean and median over the pairs (4 rows). ``relative_pcc`` is NaN: the numbers
    are not in the paper's text (:data:`TABLE3_PAPER_NOTE`).
    """
    rows = [
        {
            "variant": variant,
            "label": methods.label(variant),
            "baseline": baseline,
            "statistic": stat,
            "relative_pcc": float("nan"),
        }
        for variant in APPENDIX_VARIANTS
        for baseline in TABLE3_BASELINES
        for stat in ("mean", "median")
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------

ClaimKind = Literal["beats", "worst", "best", "relative_above", "attention", "best_pair", "wilcoxon"]


@dataclass(frozen=True)
class Claim:
    """One textual claim of the paper and how we test it.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"fig4.raw_c_beats_raw_d"``.
    figure : str
        ``"Figure 4"``, ``"Figure 5"`` or ``"Appendix Figure 2"``.
    statement : str
        The claim in one short sentence.
    citation : Citation
    kind : str
        How it is evaluated (see :mod:`deepdiff.report.claims`):

        ``beats``
            Group ``a`` has a higher test PCC than group ``b`` in at least ``min_fraction`` of
            the pairs. A group of several methods is summarised per pair by ``a_stat`` /
            ``b_stat`` (``median``, ``max`` or ``min`` of their PCCs).
        ``worst`` / ``best``
            Method ``a[0]`` has the lowest / highest test PCC among the seven variants in at
            least ``min_fraction`` of the pairs.
        ``relative_above``
            For every method of ``a``, the mean over pairs of 100 × PCC / PCC(``b[0]``)
            exceeds 100 %.
        ``attention``
            A statement about Figure 5's mark-level attention; ``detail`` names which.
        ``best_pair``
            Pair ``detail`` ranks in the top ``min_fraction`` of the pairs (at least the first) by
            the highest test PCC of the methods ``a`` on each pair.
        ``wilcoxon``
            For every method of ``a``: a one-sided paired Wilcoxon signed-rank test over the pairs
            of its test PCC against the best (``b_stat``) of the methods ``b`` on each pair gives
            p < 0.05. Undecided (not refuted) when a non-significant result rests on fewer pairs
            than the paper's ten.
    a, b : tuple of str
        Methods (library names) compared.
    min_fraction : float
        Fraction of pairs needed. Counted claims ("in 7 out of the 10") use the paper's count;
        uncounted ones ("outperform") need a strict majority of pairs and a positive mean
        difference.
    counted : bool
        True when the paper gives a count of pairs.
    a_stat, b_stat : str
        Per-pair summary of a group of methods.
    detail : str
        For ``attention`` claims: ``up_k4``, ``down_k27`` or ``k9_low``; for ``best_pair`` the pair.
    evaluation : str
        The rule above in words, for the book.
    """

    id: str
    figure: str
    statement: str
    citation: Citation
    kind: ClaimKind
    evaluation: str
    a: tuple[str, ...] = ()
    b: tuple[str, ...] = ()
    min_fraction: float = 0.5
    counted: bool = False
    a_stat: str = "median"
    b_stat: str = "max"
    detail: str = ""

    @property
    def paper_count(self) -> str:
        """The paper's count as text (``"7/10"``) for counted claims, else ``"—"``."""
        if not self.counted:
            return "—"
        return f"{round(self.min_fraction * len(PAPER_PAIRS))}/{len(PAPER_PAIRS)}"


_S43 = "Section 4.3, Figure 4"
_S44 = "Section 4.4, Figure 5"

FIGURE4_CLAIMS: Final[tuple[Claim, ...]] = (
    Claim(
        id="fig4.deep_beats_shallow",
        figure="Figure 4",
        statement="Deep models (DeepDiff variants, AttentiveChrome) beat the SVR and random-forest baselines.",
        citation=Citation(
            _S43,
            "The deep learning based models outperform both the SVR as well as Random Forest baselines.",
        ),
        kind="beats",
        a=(*PAPER_VARIANTS, ATTENTIVECHROME_DIFF),
        b=SHALLOW_BASELINES,
        a_stat="median",
        b_stat="max",
        min_fraction=0.5,
        evaluation=(
            "Per pair: median test PCC of the 7 variants and AttentiveChrome vs the best of single-layer "
            "SVR, two-layer SVR and ReliefF+RF. Holds when the deep median is higher in a strict majority "
            "of pairs and higher on average (the paper gives no count)."
        ),
    ),
    Claim(
        id="fig4.svr2_beats_svr1",
        figure="Figure 4",
        statement="The two-layer SVR beats the single-layer SVR.",
        citation=Citation(_S43, "The two-layer SVR model performs better than one layer SVR."),
        kind="beats",
        a=("svr2",),
        b=("svr1",),
        min_fraction=0.5,
        evaluation=(
            "Per pair: test PCC of two-layer vs single-layer SVR. Holds when two-layer is higher in a "
            "strict majority of pairs and higher on average (the paper gives no count)."
        ),
    ),
    Claim(
        id="fig4.deepdiff_beats_attentivechrome",
        figure="Figure 4",
        statement="Every DeepDiff variant beats AttentiveChrome on average (Table 1: all mean relative PCC > 100 %).",
        citation=Citation(
            _S43,
            "When comparing DeepDiff variations to the AttentiveChrome baseline, DeepDiff also outperforms, "
            "indicating the need for modeling differential gene expression prediction.",
        ),
        kind="relative_above",
        a=PAPER_VARIANTS,
        b=(ATTENTIVECHROME_DIFF,),
        evaluation=(
            "For each variant, the mean over pairs of 100 × PCC(variant) / PCC(AttentiveChrome). Holds when "
            "all seven exceed 100 % (as in Table 1)."
        ),
    ),
    Claim(
        id="fig4.raw_d_worst",
        figure="Figure 4",
        statement="Raw:d is the worst DeepDiff variant in 9 of the 10 pairs.",
        citation=Citation(
            _S43,
            "Among the DeepDiff variations, the Raw:d model performs the worst in 9 out of the 10 cases.",
        ),
        kind="worst",
        a=("raw_d",),
        b=PAPER_VARIANTS,
        min_fraction=0.9,
        counted=True,
        evaluation="Per pair: is Raw:d the lowest test PCC of the 7 variants? Holds when it is in ≥ 90 % of pairs.",
    ),
    Claim(
        id="fig4.raw_c_beats_raw_d",
        figure="Figure 4",
        statement="Raw:c beats Raw:d in all 10 pairs.",
        citation=Citation(
            _S43,
            "using all HM features, instead of only the difference, is clearly helpful, as indicated by the "
            "higher PCC of Raw:c in comparison to Raw:d across all 10 cases.",
        ),
        kind="beats",
        a=("raw_c",),
        b=("raw_d",),
        min_fraction=1.0,
        counted=True,
        evaluation="Per pair: test PCC of Raw:c vs Raw:d. Holds when Raw:c is higher in every pair.",
    ),
    Claim(
        id="fig4.raw_aux_beats_aux",
        figure="Figure 4",
        statement="Raw+Aux beats Aux in 7 of the 10 pairs.",
        citation=Citation(
            _S43,
            "Combining Aux and Raw features gives better performance than only Aux and Raw in 7 and 6 out of "
            "the 10 cell type pairs, respectively.",
        ),
        kind="beats",
        a=("raw_aux",),
        b=("aux",),
        min_fraction=0.7,
        counted=True,
        evaluation="Per pair: test PCC of Raw+Aux vs Aux. Holds when Raw+Aux is higher in ≥ 70 % of pairs.",
    ),
    Claim(
        id="fig4.raw_aux_beats_raw",
        figure="Figure 4",
        statement="Raw+Aux beats Raw in 6 of the 10 pairs.",
        citation=Citation(
            _S43,
            "Combining Aux and Raw features gives better performance than only Aux and Raw in 7 and 6 out of "
            "the 10 cell type pairs, respectively.",
        ),
        kind="beats",
        a=("raw_aux",),
        b=("raw",),
        min_fraction=0.6,
        counted=True,
        evaluation="Per pair: test PCC of Raw+Aux vs Raw. Holds when Raw+Aux is higher in ≥ 60 % of pairs.",
    ),
    Claim(
        id="fig4.aux_siamese_best",
        figure="Figure 4",
        statement="Aux+Siamese is the best DeepDiff variant in 5 of the 10 pairs.",
        citation=Citation(_S43, "Aux+Siamese is the best performing model in 5 out of the 10 cases."),
        kind="best",
        a=("aux_siamese",),
        b=PAPER_VARIANTS,
        min_fraction=0.5,
        counted=True,
        evaluation="Per pair: is Aux+Siamese the highest test PCC of the 7 variants? Holds when it is in ≥ 50 % of pairs.",
    ),
    Claim(
        id="fig4.siamese_helps",
        figure="Figure 4",
        statement="Adding the Siamese contrastive loss improves prediction (Aux+Siamese beats Aux).",
        citation=Citation(
            _S43,
            "This shows that adding the Siamese-based contrastive loss improves the prediction performance.",
        ),
        kind="beats",
        a=("aux_siamese",),
        b=("aux",),
        min_fraction=0.5,
        evaluation=(
            "Per pair: test PCC of Aux+Siamese vs Aux (the only difference is the contrastive loss and "
            "shared Level I weights). Holds when Aux+Siamese is higher in a strict majority of pairs and "
            "higher on average (the paper gives no count)."
        ),
    ),
)

FIGURE5_CLAIMS: Final[tuple[Claim, ...]] = (
    Claim(
        id="fig5.up_k4",
        figure="Figure 5",
        statement="For strongly up-regulated genes, H3K4me1 and H3K4me3 get the highest mark-level attention.",
        citation=Citation(
            _S44,
            "We observe that for the top upregulated genes, H3K4me1 (enhancer associated) and H3K4me3 "
            "(promoter associated) get the highest weights (i.e. contributing more importance).",
        ),
        kind="attention",
        detail="up_k4",
        evaluation=(
            "Mean Level II attention per mark over up-regulated test genes (LFC > 8). Holds when H3K4me1 "
            "and H3K4me3 are the two highest marks; the bootstrap over genes gives how often that ranking "
            "is seen."
        ),
    ),
    Claim(
        id="fig5.down_k27",
        figure="Figure 5",
        statement=(
            "For strongly down-regulated genes, H3K27me3 gets the second-highest attention, higher than "
            "for up-regulated genes."
        ),
        citation=Citation(
            _S44,
            "For top down-regulated genes (Figure 5), H3K27me3 (Polycomb Repression associated) gets a "
            "comparatively higher weight (the second highest attention weight).",
        ),
        kind="attention",
        detail="down_k27",
        evaluation=(
            "Mean Level II attention per mark over down-regulated test genes (LFC < -8). Holds when H3K27me3 "
            "ranks second there and its mean is higher than over up-regulated genes (bootstrap CI of the "
            "difference reported)."
        ),
    ),
    Claim(
        id="fig5.k9_low",
        figure="Figure 5",
        statement="H3K9me3 gets low attention for both up- and down-regulated genes.",
        citation=Citation(
            _S44,
            "Figure 5 shows that H3K9me3 (heterochromatin linked) gets low attention weights for both "
            "up-regulated and down-regulated genes.",
        ),
        kind="attention",
        detail="k9_low",
        evaluation=(
            "Holds when the mean H3K9me3 attention is below the uniform level (1/5 of the mark-level "
            "attention) in both groups."
        ),
    ),
)

#: Notes on Figure 5 that the book prints beside the verdicts.
FIGURE5_NOTES: Final[tuple[str, ...]] = (
    "The paper does not say which variant produced Figure 5 ('one of the best performing' cases); we use "
    "the variant with the best validation PCC on the pair among those that were run.",
    "The sign of the LFC is ambiguous: Figure 4 writes the pair E123-E116 (LFC > 0 means up in E116, "
    "GM12878, with the authors' convention), while the text relates up-regulation to the cancer condition "
    "(K562). We evaluate the pair as run and state its direction.",
    "Figure 5 plots raw attention weights on a 0-0.7 axis without saying how rows of the two cells are "
    "combined; we sum each mark's rows and normalise the five marks to sum to one.",
)

#: The significance level of the ``wilcoxon`` claims.
WILCOXON_ALPHA: Final[float] = 0.05

#: Claims about test PCCs made outside Section 4.3: the abstract's, and Section 4.4's choice of pair.
OTHER_CLAIMS: Final[tuple[Claim, ...]] = (
    Claim(
        id="abstract.significantly_outperforms",
        figure="Abstract",
        statement="DeepDiff significantly outperforms the state-of-the-art baselines.",
        citation=Citation(
            "Abstract",
            "Using data from Roadmap Epigenomics Project (REMC) for ten different pairs of cell types, we show "
            "that DeepDiff significantly outperforms the state-of-the-art baselines for differential gene "
            "expression prediction.",
        ),
        kind="wilcoxon",
        a=PAPER_VARIANTS,
        b=PAPER_BASELINES,
        b_stat="max",
        evaluation=(
            "For each of the 7 variants: a one-sided paired Wilcoxon signed-rank test (scipy.stats.wilcoxon, "
            "alternative 'greater', exact) over the pairs, of the variant's test PCC against the best test PCC "
            "of the paper's four baselines (single-layer SVR, two-layer SVR, ReliefF+RF, AttentiveChrome) on "
            f"each pair. Holds when every variant's p < {WILCOXON_ALPHA}; does not hold when one is not, on all "
            "ten pairs; undecided when a non-significant test rests on fewer than ten pairs (with n pairs the "
            "smallest possible p is 2^-n, so fewer than 5 can never be significant)."
        ),
    ),
    Claim(
        id="sec44.e116_e123_best_pair",
        figure="Section 4.4",
        statement="E116/E123 (GM12878 vs K562) is one of the best-performing pairs.",
        citation=Citation(
            "Section 4.4",
            "Finally, we analyze the attention weights of Level II Embedding for one of the best performing "
            "case: cell type pair E116 and E123.",
        ),
        kind="best_pair",
        a=PAPER_VARIANTS,
        detail=FIGURE5_PAIR,
        min_fraction=0.3,
        evaluation=(
            f"Per pair: the highest test PCC of the 7 variants. Holds when {FIGURE5_PAIR} ranks in the top 30 % "
            "of the pairs run (the top 3 of the paper's ten; at least the first). The paper gives no rank."
        ),
    ),
)

ALL_CLAIMS: Final[tuple[Claim, ...]] = FIGURE4_CLAIMS + OTHER_CLAIMS + FIGURE5_CLAIMS


def claim(claim_id: str) -> Claim:
    """Look a claim up by id; raise ``KeyError`` naming the known ids."""
    for c in ALL_CLAIMS:
        if c.id == claim_id:
            return c
    raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(c.id for c in ALL_CLAIMS)}")


def claims_table() -> pd.DataFrame:
    """Every claim as a table: id, figure, statement, paper's count, quote, where, evaluation rule."""
    return pd.DataFrame(
        [
            {
                "id": c.id,
                "figure": c.figure,
                "statement": c.statement,
                "paper_count": c.paper_count,
                "quote": c.citation.quote,
                "where": c.citation.where,
                "evaluation": c.evaluation,
            }
            for c in ALL_CLAIMS
        ]
    )
