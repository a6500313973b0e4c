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
# # 1. The data
#
# DeepDiff {cite}`sekhon2018deepdiff` uses the processed Roadmap Epigenomics (REMC) data {cite}`roadmap2015` that
# its authors published with their code {cite}`deepdiffchrome`: for each of nine cell types and each gene, the
# read counts of five core histone marks in 200 bins of 100 bp around the transcription start site (TSS), and an
# expression count. A *pair* `A-B` of cell types gives each gene a target, the log fold change
# `LFC = log2((expr_B + 1) / (expr_A + 1))`. Genes are split 10,000 / 2,360 / 6,100 into training, validation and
# test, the same genes for every pair.
#
# This notebook gets the data and checks them, shows what one gene looks like, and how strongly expression
# changes in each of the paper's ten pairs — which sets how hard each pair is. When the real data cannot be
# reached, the project falls back to *simulated* data with a planted, known mechanism; the last section shows that
# mechanism and how the simulator was calibrated against the real data.

# %% tags=["parameters"]
pair = "E003-E004"  # cell A - cell B; LFC > 0 means up in B
data = "auto"  # auto, remc, sample, simulated, local
profile = "book"  # not used here (the learnability check uses its own, recorded profile); kept for symmetry
seed = 0
device = "auto"
results_dir = None  # None: deepdiff._util.paths.default_results_dir()
n_genes = None  # simulated data: genes to simulate (None: the notebooks' default)
expression_dir = None  # folder of real E*.expr.csv (None: ../shared/data/remc-expression if present)
sample_dir = None  # a copy of the authors' sample (Cell1.*, Cell2.*); None: download cache or ../shared/data

# %%
from deepdiff.report.notebook import validate_params

params = validate_params(
    pair=pair, data=data, profile=profile, seed=seed, device=device, results_dir=results_dir
)
print(params.describe())

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from deepdiff import methods
from deepdiff.constants import CELLS, DE_THRESHOLD, PAPER_PAIRS, SPLITS
from deepdiff.report import plots
from deepdiff.report.data_checks import mark_calibration_table, split_table
from deepdiff.report.learnability import find_sample, learnability_table, method_pccs, twin_pccs
from deepdiff.report.lfc import lfc_spread, real_pair_lfcs
from deepdiff.report.notebook import data_banner, load_data, show_html
from deepdiff.simulate.learnability import LEARNABILITY_PROFILE, TOLERANCE, default_learnability

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", None)  # every cell in full: long rules and commands wrap
plots.show_inline()

# %% [markdown]
# ## Getting the data
#
# Real files are downloaded from the authors' repository at a pinned commit and verified against their git
# checksums before use; parsed arrays are cached. The box says which data this run uses.

# %%
pair_data = load_data(params, n_genes=n_genes)
show_html(data_banner(pair_data, requested=data))
prov = plots.provenance(pair_data.label, None, None, f"pair {params.pair}")
print(f"cell A = {pair_data.pair.cell_a}: {CELLS.get(pair_data.pair.cell_a, '?')}")
print(f"cell B = {pair_data.pair.cell_b}: {CELLS.get(pair_data.pair.cell_b, '?')}")

# %% [markdown]
# ### The splits
#
# The checks below must hold for any data source: no gene in two splits, every array of shape
# genes × 5 marks × 200 bins, non-negative integer counts.

# %%
display(split_table(pair_data))

# %% [markdown]
# ## What a gene looks like
#
# The gene of the training split with the largest absolute LFC: its five marks around the TSS in the two cells.

# %% mystnb={"figure": {"caption": "The five histone marks of one gene around its TSS in the two cells: read counts per 100 bp bin, \u00b110 kb, for the training gene with the largest |LFC|. The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-data-gene"}, "image": {"alt": "Five stacked line plots, one per histone mark, each with the read counts of cell A and cell B along the 200 bins around the TSS"}}
train = pair_data.train
lfc_train = train.lfc
g = int(np.argmax(np.abs(lfc_train)))
plots.plot_gene(
    train.x_a[g],
    train.x_b[g],
    str(train.genes[g]),
    (pair_data.pair.cell_a, pair_data.pair.cell_b),
    float(lfc_train[g]),
    prov,
)

# %% [markdown]
# On average over genes, the marks of the genes that go up, go down or stay (cell B):

# %% mystnb={"figure": {"caption": "Mean read counts of each mark in cell B around the TSS, for genes whose expression goes up, goes down or stays between the two cells (training genes). The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-data-mark-profiles"}, "image": {"alt": "Five small line plots, one per histone mark, each with three curves: the mean mark profile of up-regulated, down-regulated and unchanged genes"}}
groups = {
    f"up (LFC ≥ {DE_THRESHOLD:g})": np.flatnonzero(lfc_train >= DE_THRESHOLD),
    f"down (LFC ≤ −{DE_THRESHOLD:g})": np.flatnonzero(lfc_train <= -DE_THRESHOLD),
    "unchanged (|LFC| < 0.5)": np.flatnonzero(np.abs(lfc_train) < 0.5),
}
plots.plot_mark_profiles(
    train.x_b, groups, prov, f"Mean marks of cell {pair_data.pair.cell_b} by change of expression"
)

# %% [markdown]
# ## How much expression changes in the ten pairs
#
# From the real expression files of the nine cells (all 19,795 genes each). A gene counts as *differentially
# expressed* when |LFC| ≥ 2 (the threshold of the paper's Siamese loss); Figure 5 uses |LFC| > 8.

# %%
real = real_pair_lfcs(expression_dir, PAPER_PAIRS)
display(Markdown(f"**Source:** {real.label}"))
display(real.summary)

# %% mystnb={"figure": {"caption": "Distribution of the log fold change of expression in each of the paper's ten pairs (violins with quartiles), from the real expression files of the nine REMC cells (all genes); the dashed lines mark |LFC| = 2, the threshold of differential expression.", "name": "fig-data-lfc"}, "image": {"alt": "Ten violin plots side by side, one per cell pair, of the log2 fold change of expression, with dashed lines at plus and minus 2"}}
if real.lfc:
    display(
        plots.plot_lfc_distributions(real.lfc, plots.provenance(real.label, extra="10 pairs of the paper"))
    )

# %% [markdown]
# Pairs of related cells (H1 and its derived cells, the two CD4 T-cell types) change few genes; pairs that cross
# lineages (K562 or GM12878 against H1) change many. A pair whose LFC barely varies is hard to predict
# in terms of correlation, whatever the model.

# %% [markdown]
# ## Simulated data: the planted mechanism and its calibration
#
# Only when this run uses simulated data. The simulator draws marks from a known rule — which marks follow a
# gene's activity, in which bins and in which direction — and expression changes calibrated to the real pair.

# %% mystnb={"figure": {"caption": "The mechanism planted in the simulated pair: for each mark, the weight with which the simulator links its counts in each bin around the TSS to expression. Shown only for simulated data. The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-data-planted"}, "image": {"alt": "Line plot of the planted weight of each of the five marks along the positions around the TSS"}}
truth = pair_data.truth
if truth is None:
    display(Markdown("This run uses real data; nothing was planted."))
else:
    print(truth.describe())
    display(
        plots.plot_planted(truth.bin_weights, prov, f"Planted mechanism of the simulated pair {params.pair}")
    )

# %% [markdown]
# Calibration: the simulated LFC of this pair beside the real LFC of the same pair (quantiles), and the simulated
# marks beside the real sample's (per-mark summaries stored with the simulator).

# %% mystnb={"figure": {"caption": "Quantiles of the simulated log fold change against those of the real pair it is calibrated to (real expression files); points on the diagonal mean the same distribution. Shown only for simulated data.", "name": "fig-data-lfc-quantiles"}, "image": {"alt": "Quantile-quantile plot of the simulated against the real log fold change of the pair, with the diagonal"}}
sim_lfc = np.concatenate([pair_data.split(s).lfc for s in SPLITS]) if truth is not None else None
if sim_lfc is not None and params.pair in real.lfc:
    labels = ("real expression files", "simulated")
    display(plots.plot_lfc_quantiles(real.lfc[params.pair], sim_lfc, labels, prov, f"LFC of {params.pair}"))

# %%
if sim_lfc is not None:
    display(lfc_spread({"simulated": sim_lfc}, real.summary.loc[[params.pair]], real.source))
    display(mark_calibration_table(pair_data))

# %% [markdown]
# ## How learnable: the simulated data beside the real data they imitate
#
# Matching the real data's marginal statistics is not enough: what every result of the paper is about is how
# much of the LFC the marks explain. So the simulator's link from marks to expression is fitted to a second
# target (`scripts/calibrate_learnability.py`): its *twin* of the authors' real sample — the simulated E123-E003
# with the sample's 200 training, 200 validation and 200 test genes — must be as learnable as the sample, the
# same test PCC (within the tolerance below, averaged over data seeds) for ridge regression, gradient boosting
# and DeepDiff Raw:c, every run with the profile named below. The table is computed here, from runs (cached in
# the results directory); the real sample's column needs the authors' sample on this machine (downloaded, or a
# copy the build is pointed at with `sample_dir`) and says "missing" otherwise.

# %%
record = default_learnability()
options = methods.RunOptions(results_dir=params.results_dir, device=params.device, progress=False)
sample, sample_from = find_sample(sample_dir)
real_pccs = None if sample is None else method_pccs(sample, seeds=record.real_seeds, options=options)
twins = twin_pccs(record.data_seeds, options=options)
settings = ", ".join(f"{k} = {v:g}" for k, v in record.settings.items())
display(
    Markdown(
        f"**Real sample:** {'read from ' + sample_from if sample is not None else sample_from}. "
        f"**Simulated twins:** data seeds {', '.join(map(str, record.data_seeds))}, run seed {record.run_seed}. "
        f"**Budget:** profile `{LEARNABILITY_PROFILE}`; real-sample runs with seeds "
        f"{', '.join(map(str, record.real_seeds))} (ridge draws nothing at random: one run). "
        f"**Fitted link:** {settings}. **Tolerance:** {TOLERANCE:g}."
    )
)
display(learnability_table(real_pccs, twins))

# %% [markdown]
# The learnability record stored with the simulator (`deepdiff/simulate/learnability.json`) holds the same
# comparison as measured when the link was fitted, every candidate setting tried beside it; a test reruns it where
# the real sample is present. How far Raw:c trails or leads ridge with these 200 training genes, on each side
# (chapter 3 shows the same comparison against the number of training genes on the book's pair):

# %%
for side, pccs in (("real sample", real_pccs), ("simulated twins", twins)):
    if pccs is not None:
        print(f"{side}: Raw:c − ridge = {np.mean(pccs['raw_c']) - np.mean(pccs['ridge']):+.3f} (test PCC)")
