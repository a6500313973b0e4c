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
# # 2. Baselines
#
# The paper {cite}`sekhon2018deepdiff` (Section 4.2) compares DeepDiff with four baselines:
#
# | baseline | what it does |
# |---|---|
# | single-layer SVR | an RBF support-vector regression on the single best bin (chosen by validation PCC) |
# | two-layer SVR | one RBF SVR per bin, then an RBF SVR over their predictions |
# | ReliefF + random forest | RReliefF keeps 50, 70 or 100 features, then a random forest of 10–200 trees |
# | AttentiveChrome {cite}`singh2017attentivechrome` | one attention LSTM per cell for `log2(expr + 1)`; LFC = B − A |
#
# We add three baselines the paper did not have — ridge regression, gradient boosting and a DeepChrome-style
# 1-D CNN {cite}`singh2016deepchrome` — and report them *beside*, never inside, the paper's comparisons.
# Every baseline is fitted on the training genes, chooses its hyper-parameters by the validation PCC and
# predicts the test genes once.

# %% tags=["parameters"]
pair = "E003-E004"  # cell A - cell B; LFC > 0 means up in B
data = "auto"  # auto, remc, sample, simulated, local
profile = "book"  # book (this book's offline budget), quick or paper (the baselines' grids and samples)
seed = 0
device = "auto"  # for the neural baselines (AttentiveChrome, CNN)
results_dir = None  # None: deepdiff._util.paths.default_results_dir()
methods = None  # None: the paper's four baselines and the three extra ones
n_genes = None  # simulated data: genes to simulate (None: the notebooks' default)

# %%
from deepdiff.methods import METHODS, names
from deepdiff.report.notebook import validate_methods, validate_params

params = validate_params(
    pair=pair, data=data, profile=profile, seed=seed, device=device, results_dir=results_dir
)
methods = validate_methods(methods, names(kind="baseline"), "methods")
print(params.describe())
print("baselines:", ", ".join(methods))

# %%
import pandas as pd
from IPython.display import display

from deepdiff.methods import RunOptions
from deepdiff.methods.parallel import MethodCall, run_methods
from deepdiff.report import plots
from deepdiff.report.notebook import data_banner, load_data, show_html
from deepdiff.report.runs import comparison_table, run_summary

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", None)  # every cell in full: long rules and commands wrap
plots.show_inline()

# %%
pair_data = load_data(params, n_genes=n_genes)
show_html(data_banner(pair_data, requested=data))

# %% [markdown]
# ## Fit, select, test
#
# Each result is cached: rerunning the notebook reads the results back (column `cached`).

# %%
options = RunOptions(results_dir=params.results_dir, device=params.device, progress=False)
# Each baseline runs in a process of its own, on every core at once; a result does not depend on where it ran.
done = run_methods([MethodCall(pair_data, m, params.profile, params.seed) for m in methods], options)
runs = {m: timed.run for m, timed in zip(methods, done, strict=True)}
for run in runs.values():
    print(run.summary())

# %%
table = run_summary(list(runs.values()), n_boot=1000, seed=params.seed)
table["in the paper"] = [METHODS[m].paper for m in table["method"]]
display(
    table[
        ["label", "in the paper", "test PCC", "95% CI", "valid PCC", "selected", "seconds", "cached"]
    ].set_index("label")
)

# %% mystnb={"figure": {"caption": "Test Pearson correlation (PCC) of each baseline on the chapter's pair, with its 95% bootstrap interval; colours separate the paper's baselines from those beyond the paper. The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-baselines-pcc"}, "image": {"alt": "Horizontal bar chart of the test PCC of each baseline method with interval whiskers"}}
prov = plots.provenance(pair_data.label, params.profile, f"1 (seed {params.seed})", f"pair {params.pair}")
plots.plot_method_comparison(table.rename(columns={"test PCC": "pcc"}), prov, f"Baselines on {params.pair}")

# %% [markdown]
# ## The paper's statements about baselines, on this pair
#
# Section 4.3 states that the two-layer SVR beats the single-layer SVR, and that the deep models beat the SVR
# and random-forest baselines. On one pair this is only an example; chapter 5 counts pairs. The paired bootstrap
# resamples the test genes once for both methods.

# %%
compared = [("svr2", "svr1"), ("attentivechrome_diff", "svr2"), ("attentivechrome_diff", "relief_rf")]
print(f"data: {pair_data.label}; profile {params.profile}; seed {params.seed}")
display(comparison_table([(runs[a], runs[b]) for a, b in compared if a in runs and b in runs], n_boot=1000))
