"""The DeepDiff variants (Table 1's seven, Appendix Section 1.6's two) and AttentiveChrome.

>>> from deepdiff.models import build_model, count_parameters
>>> count_parameters(build_model("raw_d"))
55681

Names are imported on first use, so that the variants' specs (:mod:`deepdiff.models.spec`) can
be read without loading torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deepdiff.models.attentivechrome import AttentiveChrome
    from deepdiff.models.config import ModelConfig
    from deepdiff.models.kernels.recurrent import set_backend
    from deepdiff.models.outputs import ModelOutput, SingleCellOutput
    from deepdiff.models.params import count_parameters, init_uniform_
    from deepdiff.models.spec import VARIANTS, VariantSpec, get_variant
    from deepdiff.models.variants import DeepDiff, build_model

_EXPORTS = {
    "AttentiveChrome": "deepdiff.models.attentivechrome",
    "ModelConfig": "deepdiff.models.config",
    "ModelOutput": "deepdiff.models.outputs",
    "SingleCellOutput": "deepdiff.models.outputs",
    "count_parameters": "deepdiff.models.params",
    "init_uniform_": "deepdiff.models.params",
    "set_backend": "deepdiff.models.kernels.recurrent",
    "VARIANTS": "deepdiff.models.spec",
    "VariantSpec": "deepdiff.models.spec",
    "get_variant": "deepdiff.models.spec",
    "DeepDiff": "deepdiff.models.variants",
    "build_model": "deepdiff.models.variants",
}

__all__ = [
    "VARIANTS",
    "AttentiveChrome",
    "DeepDiff",
    "ModelConfig",
    "ModelOutput",
    "SingleCellOutput",
    "VariantSpec",
    "build_model",
    "count_parameters",
    "get_variant",
    "init_uniform_",
    "set_backend",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
