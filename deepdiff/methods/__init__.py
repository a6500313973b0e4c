"""Every method the project can run, by name, and the one way each is fitted.

- :mod:`.method`: one method (:class:`~deepdiff.runs.method.Method`), its run options and the fitter protocol;
- :mod:`.registry`: the methods (DeepDiff's variants and every baseline), their labels and budgets;
- :mod:`.fitters`: the fitter of each family of methods, loaded on first use;
- :mod:`.run`: the run template every fitter follows (plan, reuse a cached run, write the result).

The registry's names are re-exported here: ``from deepdiff import methods; methods.METHODS``.
"""

from deepdiff.methods.registry import (
    ALL_VARIANTS,
    APPENDIX_VARIANTS,
    EXTRA_BASELINES,
    METHODS,
    PAPER_BASELINES,
    PAPER_VARIANTS,
    get,
    label,
    names,
    run_method,
    select,
)
from deepdiff.runs.method import ATTENTIVECHROME_DIFF, Fitter, Kind, Method, RunOptions

__all__ = [
    "ALL_VARIANTS",
    "APPENDIX_VARIANTS",
    "ATTENTIVECHROME_DIFF",
    "EXTRA_BASELINES",
    "METHODS",
    "PAPER_BASELINES",
    "PAPER_VARIANTS",
    "Fitter",
    "Kind",
    "Method",
    "RunOptions",
    "get",
    "label",
    "names",
    "run_method",
    "select",
]
