# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,mystnb,-all
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. What the attention says, and how far to trust it
#
# DeepDiff has two attention layers: over the 200 bins of each mark (Level I) and over the marks (Level II).
# The paper {cite}`sekhon2018deepdiff` (Section 4.4, Figure 5) averages the Level II attention of the pair
# GM12878 (E116) / K562 (E123) over strongly up-regulated (LFC > 8) and down-regulated (LFC < −8) test genes
# and reads three statements from it:
#
# 1. for up-regulated genes, H3K4me1 and H3K4me3 get the highest weights;
# 2. for down-regulated genes, H3K27me3 gets the second-highest weight, higher than for up-regulated genes;
# 3. H3K9me3 gets low weights in both groups.
#
# This notebook computes the same summary for a trained variant, checks the three statements with bootstrap
# intervals, shows where along the TSS the bin attention looks, and — on simulated data, where the mechanism is
# planted and known — measures how well attention recovers it, beside a gradient attribution. That last part
# is the point: attention weights are a property of the model, not necessarily of the biology.

# %% tags=["parameters"]
pair = "E123-E116"  # Figure 5's pair (K562 - GM12878); LFC > 0 means up in GM12878 (E116)
variant = "aux_siamese"  # the paper does not say which variant produced Figure 5
data = "auto"  # auto, remc, sample, simulated, local
profile = "book"  # book (this book's offline budget), quick or paper (the authors')
seed = 0
device = "auto"
results_dir = None  # None: deepdiff._util.paths.default_results_dir()
n_genes = None  # simulated data: genes to simulate (None: the notebooks' default)
up = 8.0  # the paper's thresholds on the LFC
down = -8.0
min_genes = 10  # when fewer genes pass a threshold, take the most extreme ones (stated below)
attribution = "integrated_gradients"  # or grad_x_input
n_attribution_genes = 100  # test genes scored by the gradient attribution (it is slow on a CPU)

# %%
from deepdiff.report.notebook import validate_params

params = validate_params(
    pair=pair, variant=variant, data=data, profile=profile, seed=seed, device=device, results_dir=results_dir
)
print(params.describe())

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from deepdiff import interpret, methods
from deepdiff.report import claims, paper, plots
from deepdiff.report.figure5 import evaluate_figure5
from deepdiff.report.notebook import data_banner, load_data, show_html

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", None)  # every cell in full: long rules and commands wrap
plots.show_inline()

# %%
pair_data = load_data(params, n_genes=n_genes)
show_html(data_banner(pair_data, requested=data))
if params.pair != paper.FIGURE5_PAIR:
    display(
        Markdown(f"**Note:** Figure 5 of the paper is for {paper.FIGURE5_PAIR}; this run uses {params.pair}.")
    )

# %% [markdown]
# ## The trained model and its attention on the test genes

# %%
options = methods.RunOptions(results_dir=params.results_dir, device=params.device, progress=False)
run = methods.run_method(pair_data, params.variant, profile=params.profile, seed=params.seed, options=options)
print(run.summary())
att = run.attention()
mark_att = interpret.mark_attention(att["row_attention"], att["row_names"], genes=att["genes"])
lfc = run.predictions.set_index("gene")["lfc_true"].loc[mark_att.index]
print(f"rows of the Level II attention: {', '.join(map(str, att['row_names']))}")
prov = plots.provenance(
    pair_data.label, params.profile, f"1 (seed {params.seed})", f"{methods.label(params.variant)}"
)

# %% [markdown]
# Each mark's attention is the sum over its rows (e.g. the mark in cell A and in cell B), normalised so that
# the five marks sum to one per gene: the uniform level is 1/5.

# %%
selection = interpret.select_regulated(lfc.to_numpy(), up=up, down=down, min_genes=min_genes)
print("genes:", selection.rule)
summary = interpret.group_mark_attention(mark_att, selection, n_boot=1000, seed=params.seed)
print(f"Figure 5 (ours): mean mark-level attention per group of genes, {prov}")
display(summary.pivot(index="mark", columns="group", values="mean").loc[list(mark_att.columns)])

# %% mystnb={"figure": {"caption": "Our Figure 5: mean mark-level (Level II) attention of the up- and down-regulated genes, per mark; the dashed line is uniform attention (1/5). The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-attention-marks"}, "image": {"alt": "Grouped bar chart of the mean attention given to each of the five marks, one bar per group of genes, with a dashed line at one fifth"}}
plots.plot_mark_attention(
    summary,
    prov,
    f"Figure 5 (ours): mark-level attention, {params.pair} ({pair_data.pair.direction.split(';')[0]})",
)

# %% [markdown]
# ## The three statements of Figure 5
#
# The paper's Figure 5 gives its values only as a plot; we check its three statements on this run.

# %%
_, f5_claims, rule = evaluate_figure5(
    mark_att, lfc, up=up, down=down, min_genes=min_genes, n_boot=1000, seed=params.seed
)
print(f"data: {pair_data.label}; profile {params.profile}; 1 seed; {rule}")
display(claims.claims_frame(f5_claims)[["claim", "ours", "verdict", "how evaluated", "source in paper"]])
display(Markdown("\n".join(f"* {note}" for note in paper.FIGURE5_NOTES)))

# %% [markdown]
# ## Where along the TSS: bin-level attention
#
# Mean Level I attention per mark (rows of the same mark averaged), for the up- and down-regulated genes and all
# test genes. A flat line at 1/200 would mean that the model looks at every bin alike.

# %% mystnb={"figure": {"caption": "Mean bin-level (Level I) attention of each mark around the TSS, one panel per group of genes (up-regulated, down-regulated, all), smoothed over 5 bins; the dotted line is uniform attention (1/200). The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-attention-bins"}, "image": {"alt": "Three stacked line plots, one per group of genes, each with one attention curve per mark along the positions around the TSS"}}
groups = {"up": selection.up, "down": selection.down, "all": np.arange(len(mark_att))}
profiles = interpret.bin_profiles(att["bin_attention"], att["bin_row_names"], groups=groups)
plots.plot_bin_profiles(profiles, prov, f"Bin-level attention around the TSS, {params.pair}")

# %% [markdown]
# ## How far can attention be trusted? (simulated data only)
#
# On simulated data we know which marks carry the signal (`mark_importance`, the share of information about a
# gene's activity in each mark) and which bins (`informative bins`). We ask whether the model's attention ranks
# them right, and compare with a gradient attribution of the same model: integrated gradients (or
# gradient × input) of the predicted LFC with respect to every input count.
#
# * *mark Spearman*: rank correlation between mean mark attention (or attribution) and planted importance;
# * *mark AUROC*: do the planted marks score above the uninformative ones (H3K9me3 carries nothing by design);
# * *bin AUROC*: within the planted marks, do the planted bins score above the others;
# * *top mark hit*: is the highest-scoring mark a planted one.

# %%
if pair_data.truth is None:
    display(
        Markdown(
            "**Real data: the true mechanism is unknown, so recovery cannot be measured here.** "
            "Run this notebook with `data='simulated'` to see how well attention recovers a planted mechanism."
        )
    )

# %%
if pair_data.truth is not None:
    print(pair_data.truth.describe())
    recovery = interpret.attention_recovery(
        run,
        pair_data,
        attribution=attribution,
        n_genes=n_attribution_genes,
        seed=params.seed,
        device=params.device,
    )
    print(recovery.check)
    extra = f"{recovery.n_attributed} genes for {attribution}" if recovery.n_attributed else "no attribution"
    prov = plots.provenance(pair_data.label, params.profile, f"1 (seed {params.seed})", extra)
    title = f"Recovery of the planted mechanism: {methods.label(params.variant)} on {params.pair}"
    display(recovery.scores)

# %% mystnb={"figure": {"caption": "How well attention and gradient attribution recover the mechanism planted in the simulated pair (simulated data only, where the truth is known). The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-attention-recovery"}, "image": {"alt": "Grouped bar chart of recovery scores, one group per metric, one bar per explanation method"}}
if pair_data.truth is not None:
    display(plots.plot_recovery(recovery.long(), prov, title))

# %%
if pair_data.truth is not None:
    display(recovery.marks)

# %% [markdown]
# Reading the numbers: an AUROC of 0.5 is chance. Where attention recovers the planted marks and bins about as
# well as the gradient attribution does, it can be read as a summary of what the model uses; where it does
# markedly worse, the attention weights reflect the model's internal routing more than the inputs that drive
# its prediction, and statements like those of Figure 5 should be read with that caution.
