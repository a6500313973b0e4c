"""The paper's baselines and a few beyond it, behind one interface.

The paper's (Section 4.2, Appendix 1.5): single-layer SVR on the best bin (``svr1``),
two-layer SVR (``svr2``), RReliefF feature selection + random forest (``relief_rf``) and
AttentiveChrome-diff (``attentivechrome_diff``, trained by :mod:`deepdiff.training`). Beyond
the paper, reported beside its Table 1: ridge regression (``ridge``), histogram gradient
boosting (``hgb``) and a DeepChrome-style 1-D CNN (``cnn``).

Each is one entry of :data:`deepdiff.methods.METHODS`. Every baseline is fitted on the training
split, selects its hyper-parameters by the validation Pearson correlation and predicts the test
split once; :func:`deepdiff.baselines.run.fit_baseline` writes the shared result directory (:mod:`deepdiff.results.store`).
Input representations: :mod:`deepdiff.baselines.features`.

Names are imported on first use, so that importing the package loads neither numpy,
scikit-learn nor torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FittedBaseline": "deepdiff.baselines.base",
    "RunContext": "deepdiff.baselines.base",
    "fit_baseline": "deepdiff.baselines.run",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
