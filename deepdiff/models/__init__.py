"""The seven DeepDiff variants and AttentiveChrome.

>>> from deepdiff.models import build_model, count_parameters
>>> count_parameters(build_model("raw_d"))
55681
"""

from deepdiff.models.attentivechrome import AttentiveChrome
from deepdiff.models.config import ModelConfig
from deepdiff.models.kernels.recurrent import set_backend
from deepdiff.models.outputs import ModelOutput, SingleCellOutput
from deepdiff.models.params import count_parameters, init_uniform_
from deepdiff.models.variants import VARIANTS, DeepDiff, VariantSpec, build_model, get_variant

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
