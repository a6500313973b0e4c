"""The registry agrees with the paper's list of baselines and every method has both profiles."""

from __future__ import annotations

import pytest

from deepdiff.baselines.registry import (
    ATTENTIVECHROME_DIFF,
    EXTRA_METHODS,
    METHODS,
    PAPER_METHODS,
    get_method,
)
from deepdiff.errors import ConfigError
from deepdiff.paper import BASELINE_LABELS, PAPER_BASELINES


def test_paper_methods_are_the_papers_baselines() -> None:
    assert PAPER_METHODS == PAPER_BASELINES
    assert {m: METHODS[m].label for m in PAPER_METHODS} == BASELINE_LABELS
    assert set(EXTRA_METHODS) == {"ridge", "hgb", "cnn"}
    assert not any(METHODS[m].paper for m in EXTRA_METHODS)


@pytest.mark.parametrize("name", [m for m in METHODS if m != ATTENTIVECHROME_DIFF])
def test_every_method_has_quick_and_paper_profiles_and_a_fit(name: str) -> None:
    spec = get_method(name)
    assert {"quick", "paper"} <= set(spec.profiles())
    assert spec.config("quick") != spec.config("paper")
    assert callable(spec.fit_function())
    assert isinstance(spec.config("paper").to_dict(), dict)


def test_paper_profiles_use_the_papers_grids() -> None:
    svr1 = get_method("svr1").config("paper")
    svr2 = get_method("svr2").config("paper")
    rf = get_method("relief_rf").config("paper")
    assert svr1.c_grid == svr2.c_grid == svr2.c_grid_second == (0.1, 1.0, 10.0, 100.0)
    assert rf.n_features_grid == (50, 70, 100) and rf.n_trees_grid == (10, 50, 100, 150, 200)
    assert rf.relief_instances is None


def test_unknown_method() -> None:
    with pytest.raises(ConfigError, match="unknown baseline method 'svr3'"):
        get_method("svr3")
    with pytest.raises(ConfigError, match=r"trained by deepdiff\.training"):
        get_method(ATTENTIVECHROME_DIFF).config("quick")
