"""What each DeepDiff variant is made of, as data (no torch): the specs and their lookup.

The seven variants of the paper's Table 1, then the two of its Appendix Section 1.6 (Figure 2,
Table 3): Aux and Raw+Aux with the per-cell auxiliary tasks as classification.

:mod:`deepdiff.models.variants` builds a model from a spec; :mod:`deepdiff.methods` lists each
variant as a method. Kept free of torch so that listing the variants (``deepdiff --help``) is fast.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from deepdiff.errors import ConfigError

#: The raw rows a variant may build from the two cells' inputs.
RAW_INPUTS = ("A", "B", "A-B")
#: How the per-cell auxiliary heads are trained: the paper's regression (main text), or its
#: classification (Appendix Section 1.6).
AUX_TASKS = ("regression", "classification")


@dataclass(frozen=True)
class VariantSpec:
    """What a DeepDiff variant is made of.

    Attributes
    ----------
    name : str
        Registry key (the authors' ``--model_name``).
    paper_name : str
        Name in the paper (Table 1, Figure 4).
    inputs : str
        The inputs, in words.
    description : str
        One line on the architecture.
    has_aux : bool
        Per-cell branch with auxiliary heads.
    siamese : bool
        The per-cell branch's Level I is shared by both cells; contrastive embeddings returned.
    raw_inputs : tuple of str
        Raw rows, in order, each five marks: ``"A"``, ``"B"``, ``"A-B"``.
    aux_task : {"regression", "classification"}
        What the auxiliary heads learn: ``regression``, each cell's ``log2(expr + 1)`` (MSE);
        ``classification``, a softmax over two classes, the cell's expression above its median
        (label 1) or not (label -1), trained by negative log-likelihood (Appendix Section 1.6; the
        median is taken over the run's training genes, see
        :func:`deepdiff.training.tasks.aux_medians`).
    """

    name: str
    paper_name: str
    inputs: str
    description: str
    has_aux: bool
    siamese: bool
    raw_inputs: tuple[str, ...] = ()
    aux_task: str = "regression"

    def __post_init__(self) -> None:
        unknown = [r for r in self.raw_inputs if r not in RAW_INPUTS]
        if unknown:
            raise ConfigError(f"variant {self.name}: unknown raw inputs {unknown}; use {RAW_INPUTS}")
        if self.siamese and not self.has_aux:
            raise ConfigError(f"variant {self.name}: a Siamese variant needs the per-cell branch")
        if not self.raw_inputs and not self.has_aux:
            raise ConfigError(f"variant {self.name}: needs raw inputs or the per-cell branch")
        if self.aux_task not in AUX_TASKS:
            raise ConfigError(
                f"variant {self.name}: unknown auxiliary task {self.aux_task!r}; use {AUX_TASKS}"
            )
        if self.aux_task == "classification" and not self.has_aux:
            raise ConfigError(f"variant {self.name}: classification auxiliary tasks need the per-cell branch")

    @property
    def aux_classification(self) -> bool:
        """The auxiliary heads are classifiers (Appendix Section 1.6)."""
        return self.has_aux and self.aux_task == "classification"


def aux_classification(base: VariantSpec) -> VariantSpec:
    """``base`` with its auxiliary tasks as classification: name ``<base>_cls``, label ``<paper name> (classification)``."""
    if not base.has_aux:
        raise ConfigError(f"variant {base.name} has no auxiliary tasks to turn into classification")
    return dataclasses.replace(
        base,
        name=f"{base.name}_cls",
        paper_name=f"{base.paper_name} (classification)",
        description=f"{base.description}; auxiliary tasks as classification (above / not above the cell's median)",
        aux_task="classification",
    )


_RAW_ALL = ("A", "B", "A-B")
#: The seven variants of the paper's Table 1, in its order.
_TABLE1_SPECS: tuple[VariantSpec, ...] = (
    VariantSpec(
        "raw_d", "Raw:d", "X_A - X_B (5 rows)",
        "Level I per row of the difference, Level II over 5 rows, linear head",
        has_aux=False, siamese=False, raw_inputs=("A-B",),
    ),
    VariantSpec(
        "raw_c", "Raw:c", "[X_A, X_B] (10 rows)",
        "Level I per row of both cells, Level II over 10 rows, linear head",
        has_aux=False, siamese=False, raw_inputs=("A", "B"),
    ),
    VariantSpec(
        "raw", "Raw", "[X_A, X_B, X_A - X_B] (15 rows)",
        "Level I per row of both cells and their difference, Level II over 15 rows, linear head",
        has_aux=False, siamese=False, raw_inputs=_RAW_ALL,
    ),
    VariantSpec(
        "aux", "Aux", "X_A, X_B (5 rows each)",
        "per-cell Level I and Level II with auxiliary heads; MLP on both cells' embeddings",
        has_aux=True, siamese=False,
    ),
    VariantSpec(
        "raw_aux", "Raw+Aux", "[X_A, X_B, X_A - X_B] + X_A, X_B",
        "Raw's 15 rows plus per-cell rows; Level II over 25 rows; per-cell auxiliary heads",
        has_aux=True, siamese=False, raw_inputs=_RAW_ALL,
    ),
    VariantSpec(
        "aux_siamese", "Aux+Siamese", "X_A, X_B (5 rows each)",
        "Aux with one Level I shared by both cells and a contrastive loss on its embeddings",
        has_aux=True, siamese=True,
    ),
    VariantSpec(
        "raw_aux_siamese", "Raw+Aux+Siamese", "[X_A, X_B, X_A - X_B] + X_A, X_B",
        "Raw+Aux with the per-cell Level I shared by both cells and a contrastive loss",
        has_aux=True, siamese=True, raw_inputs=_RAW_ALL,
    ),
)  # fmt: skip
#: Every variant by name: Table 1's seven, then Appendix Section 1.6's Aux and Raw+Aux with
#: classification auxiliary tasks (``aux_cls``, ``raw_aux_cls``).
VARIANTS: dict[str, VariantSpec] = {
    spec.name: spec
    for spec in (
        *_TABLE1_SPECS,
        *(aux_classification(spec) for spec in _TABLE1_SPECS if spec.name in ("aux", "raw_aux")),
    )
}


def get_variant(name: str) -> VariantSpec:
    """The spec of a variant, or a ConfigError listing the valid names."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise ConfigError(f"unknown DeepDiff variant {name!r}; choose one of {', '.join(VARIANTS)}") from None
