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
# # 6. Your own cells: from BAM or bigWig files to predictions
#
# The notebooks before this one replay the paper on the authors' processed REMC files. This one uses DeepDiff
# {cite}`sekhon2018deepdiff` as a tool on new data, end to end:
#
# 1. **prepare**: bin the five histone marks of each cell around every gene's TSS, from BAM or bigWig files
#    and an annotation, into the REMC format (200 bins of 100 bp, ±10 kb; the rules are on the page
#    [Your own cells](../own_data.md));
# 2. **train** a DeepDiff variant on one pair of cells (here with the `book` profile, a different method
#    from the paper's, for speed);
# 3. **predict** another pair of cells with the saved model, with no split and, if need be, no expression;
# 4. read the **attention** of one gene.
#
# By default the notebook makes its own small synthetic files: the marks of simulated cells written as BAM files (one cell of each pair) and bigWig files (the other), a GTF annotation and an expression
# table, so that it runs anywhere. To run it on your files, set the papermill parameters `data="local"`,
# `samples`, `annotation`, `expression` and `data_dir`, and name your cells in `pair` and `predict_pair`.

# %% tags=["parameters"]
pair = "E123-E003"  # the pair to train on (cells of the sample sheet; LFC > 0 means up in the second)
predict_pair = "E116-E005"  # the pair to predict with the trained model
variant = "raw_c"  # a DeepDiff variant
data = "simulated"  # simulated: synthetic BAM/bigWig files of simulated cells, made here; local: your files
profile = "book"  # book (this book's offline budget), quick or paper (the authors')
seed = 0
device = "auto"
results_dir = None  # None: deepdiff._util.paths.default_results_dir()
samples = None  # data="local": your sample sheet (TSV with columns cell, mark, path)
annotation = None  # data="local": your GTF or BED of TSSs
expression = None  # data="local": your expression table (gene id, then one count column per cell)
data_dir = None  # where prepared files and predictions go (required with data="local")
n_genes = 800  # data="simulated": genes of the simulated cells
gene = None  # the gene whose attention is shown (None: the one with the largest predicted |LFC|)

# %%
from deepdiff.report.notebook import own_data_inputs, validate_params

common = dict(pair=pair, data=data, profile=profile, seed=seed, device=device, results_dir=results_dir)
params = validate_params(**common, variant=variant, data_dir=data_dir)
files = dict(samples=samples, annotation=annotation, expression=expression, data_dir=data_dir)
inputs = own_data_inputs(params, predict_pair=predict_pair, **files, n_genes=n_genes)
print(params.describe(), inputs.describe(), sep="\n")

# %%
import pandas as pd
from IPython.display import Markdown, display

import deepdiff
from deepdiff import methods
from deepdiff._util.paths import display_path
from deepdiff.apply.output import write_predictions
from deepdiff.apply.predict import apply_model
from deepdiff.prepare.build import prepare
from deepdiff.report import plots
from deepdiff.report.notebook import data_banner, show_html

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", None)  # every cell in full: long rules and commands wrap
plots.show_inline()

# %% [markdown]
# ## The signal files
#
# A sample sheet names one file per mark and cell (`cell`, `mark`, `path`); BAM and bigWig files are told apart
# by their extension. The synthetic files place reads (BAM) or signal (bigWig) so that every bin of every gene
# holds a known count, on genes of both strands.

# %%
sheet, annotation_file, expression_file, synthetic = inputs.signal_files()
display(pd.read_csv(sheet, sep="\t").head(10))

# %% [markdown]
# ## Prepare
#
# `prepare` (or `deepdiff prepare --samples ... --annotation ... --expression ... --out ...`) writes every cell
# of the sheet in the REMC format, with the same genes in every cell, split into training, validation and test
# genes by gene id in the paper's proportions, and says which genes it left out and why.

# %%
report = prepare(
    sheet, annotation_file, inputs.prepared_dir, expression=expression_file, progress=False, overwrite=True
)
print(report.summary())
if synthetic is not None:
    print(
        f"prepare gave back the counts the synthetic files were made from, every bin: {synthetic.matches(inputs.prepared_dir)}"
    )

# %% [markdown]
# ## Train on the first pair
#
# The prepared folder is read like any of your own cells (`--data local --data-dir`). The run is cached and
# keeps its selected weights (`model.pt`, `model.json`) in its result directory; a cached copy without them
# (unpacked from a results bundle, which carries no weights) is trained again (`saved_model=True`).

# %%
train_data = inputs.relabel(
    deepdiff.load_pair(params.pair, "local", data_dir=inputs.prepared_dir, progress=False)
)
show_html(data_banner(train_data, requested=params.data))
options = methods.RunOptions(
    results_dir=params.results_dir, device=params.device, progress=False, saved_model=True
)
run = methods.run_method(
    train_data, params.variant, profile=params.profile, seed=params.seed, options=options
)
print(run.summary())
print(
    f"saved model: {', '.join(p.name for p in sorted(run.path.glob('model.*')))} in {display_path(run.path)}"
)

# %% [markdown]
# ## Predict the second pair
#
# `deepdiff.load_model` rebuilds the trained network from the run directory, and `apply_model` (or
# `deepdiff predict --model RUN_DIR --pair A-B --data-dir DIR --out OUT`) predicts every gene of two cells, with
# other names than the training pair's; no split is needed (all files of a cell are read) and no expression:
# when it is known, as here, the predictions are scored like a test split.

# %%
model = deepdiff.load_model(run.path, device=params.device)
cells = inputs.relabel(deepdiff.load_cells(inputs.pairs[1], inputs.prepared_dir, progress=False))
result = apply_model(model, cells, progress=False)
write_predictions(inputs.predictions_dir, result, overwrite=True)
print(result.summary())
print(f"written to {display_path(inputs.predictions_dir)}")
display(result.table.head())

# %% mystnb={"figure": {"caption": "Predicted against measured log fold change of the genes of the predicted pair, with the model trained on the other pair. The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-own-pred"}, "image": {"alt": "Scatter plot of predicted against measured log fold change, with the diagonal"}}
prov = plots.provenance(
    cells.label,
    params.profile,
    f"1 (seed {params.seed})",
    f"{methods.label(params.variant)} trained on {params.pair}",
)
if result.metrics is not None:
    title = f"{methods.label(params.variant)} trained on {params.pair}, applied to {inputs.pairs[1]}"
    display(plots.plot_pred_vs_true(result.table, prov, title, pcc_text=result.pcc_text()))
else:
    display(
        Markdown("No expression for these cells: the true LFC is unknown, so the predictions are not scored.")
    )

# %% [markdown]
# ## The attention of one gene
#
# For one gene of the predicted pair: the Level I attention over the 200 bins of each input row (bin 1 is 10 kb
# upstream of the TSS on either strand) and the Level II attention over the rows. Attention is a property of the
# model; notebook 4 measures, on simulated data, how far it recovers a planted mechanism.

# %% mystnb={"figure": {"caption": "Attention of the trained model for one gene: where along each row (Level I, bins) and which rows (Level II, marks) it looked. The line under the title names the data and budget; an offline build uses simulated data.", "name": "fig-own-attention"}, "image": {"alt": "Two panels: a heat map of bin attention per row and a bar chart of attention per row"}}
table = result.table.set_index("gene")
shown = gene if gene is not None else str(table["lfc_pred"].abs().idxmax())
print(f"gene {shown} ({table.loc[shown, 'symbol']}): predicted LFC {table.loc[shown, 'lfc_pred']:+.2f}")
title = (
    f"Attention of gene {shown}, {inputs.pairs[1]} ({methods.label(params.variant)} trained on {params.pair})"
)
display(plots.plot_gene_attention(result.attention, shown, prov, title))
