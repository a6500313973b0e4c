"""The files a grid writes, relative to its results directory: the workflow's markers and the aggregate's tables.

Each rule of the workflow writes into a folder of its own (``.grid/fetch``, ``.grid/train``, ``.grid/baseline``), so
no rule's output can match another's.
"""

#: A pair's data are ready (``fetch``).
FETCH_MARKER = ".grid/fetch/{pair}.done"
#: A job finished: its run is complete in the result cache (``train``, ``baseline``).
JOB_MARKER = ".grid/{kind}/{pair}/{method}/seed{seed}.done"
#: The results notebook executed on the grid's runs (``notebooks``).
REPORT_NOTEBOOK = "grid_report.ipynb"
#: The book was built from the grid's results (``book``).
BOOK_MARKER = ".grid/book.done"
#: What :func:`deepdiff.grid.aggregate.aggregate_grid` writes: the grid's runs, the jobs without a run, and a summary.
GRID_RUNS_FILE = "grid_runs.tsv"
GRID_MISSING_FILE = "grid_missing.tsv"
GRID_SUMMARY_FILE = "grid.json"
