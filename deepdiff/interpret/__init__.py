"""Reading attention, and how far it can be trusted.

:mod:`~deepdiff.interpret.attention` summarises both attention levels for groups of genes (Figure
5 of the paper); :mod:`~deepdiff.interpret.attribution` attributes a trained model's predictions
to its inputs by gradients; :mod:`~deepdiff.interpret.recovery` measures, on simulated data whose
mechanism is planted and known, how well attention and attribution recover it.
"""

from deepdiff.interpret.attention import (
    GROUPS,
    Selection,
    bin_positions,
    bin_profiles,
    group_mark_attention,
    mark_attention,
    mark_bin_profile,
    row_marks,
    select_regulated,
)
from deepdiff.interpret.attribution import (
    WEIGHTS_FILE,
    attribution_bins,
    attribution_marks,
    gradient_attribution,
    trained_model,
)
from deepdiff.interpret.recovery import attention_recovery, auroc, recovery_scores, spearman

__all__ = [
    "GROUPS",
    "WEIGHTS_FILE",
    "Selection",
    "attention_recovery",
    "attribution_bins",
    "attribution_marks",
    "auroc",
    "bin_positions",
    "bin_profiles",
    "gradient_attribution",
    "group_mark_attention",
    "mark_attention",
    "mark_bin_profile",
    "recovery_scores",
    "row_marks",
    "select_regulated",
    "spearman",
    "trained_model",
]
