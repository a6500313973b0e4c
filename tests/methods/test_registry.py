"""The method registry: one entry per method, the paper's labels, profiles, fitters, selection."""

from __future__ import annotations

import pytest

from deepdiff import methods
from deepdiff.constants import PROFILE_NAMES
from deepdiff.errors import ConfigError
from deepdiff.methods.parallel import MethodCall, run_methods
from deepdiff.models import VARIANTS


def test_every_variant_and_baseline_is_one_entry() -> None:
    assert methods.ALL_VARIANTS == tuple(VARIANTS)
    assert methods.PAPER_VARIANTS == tuple(VARIANTS)[:7]  # Table 1's, in its order
    assert methods.APPENDIX_VARIANTS == ("aux_cls", "raw_aux_cls")  # Appendix Section 1.6's
    assert methods.PAPER_BASELINES == ("svr1", "svr2", "relief_rf", "attentivechrome_diff")
    assert set(methods.EXTRA_BASELINES) == {"ridge", "hgb", "cnn"}
    assert list(methods.METHODS) == [
        *methods.PAPER_VARIANTS,
        *methods.APPENDIX_VARIANTS,
        *methods.PAPER_BASELINES[:3],
        "attentivechrome_diff",
        "ridge",
        "hgb",
        "cnn",
    ]
    assert not any(methods.METHODS[m].paper for m in methods.EXTRA_BASELINES)


def test_labels_are_the_papers_names() -> None:
    assert methods.label("raw_aux_siamese") == "Raw+Aux+Siamese"
    assert methods.label("raw_d") == "Raw:d"
    assert methods.label("svr2") == "two-layer SVR"
    assert methods.label("attentivechrome_diff") == "AttentiveChrome"
    assert methods.label("ridge") == "ridge regression"  # a baseline beyond the paper
    assert methods.label("xgboost") == "xgboost"
    assert {m: methods.label(m) for m in methods.ALL_VARIANTS} == {
        n: s.paper_name for n, s in VARIANTS.items()
    }
    assert methods.label("aux_cls") == "Aux (classification)"


@pytest.mark.parametrize("name", list(methods.METHODS))
def test_every_method_has_quick_and_paper_profiles_and_a_fitter(name: str) -> None:
    method = methods.METHODS[name]
    assert tuple(method.profiles()) == PROFILE_NAMES  # the names the grid checks against
    assert method.profile_config("quick") != method.profile_config("paper")
    assert callable(method.fitter) and callable(method.algorithm())
    assert isinstance(method.profile_config("paper").to_dict(), dict)
    assert method.training_loop == (method.kind == "deepdiff" or name == "attentivechrome_diff")


def test_paper_profiles_use_the_papers_grids() -> None:
    svr1 = methods.METHODS["svr1"].profile_config("paper")
    svr2 = methods.METHODS["svr2"].profile_config("paper")
    rf = methods.METHODS["relief_rf"].profile_config("paper")
    assert svr1.c_grid == svr2.c_grid == svr2.c_grid_second == (0.1, 1.0, 10.0, 100.0)
    assert rf.n_features_grid == (50, 70, 100) and rf.n_trees_grid == (10, 50, 100, 150, 200)
    assert rf.relief_instances is None


def test_unknown_names_and_profiles_list_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown method 'svr3'; choose one of raw_d, .*svr1, svr2"):
        methods.get("svr3")
    with pytest.raises(ConfigError, match=r"unknown baseline method 'raw_c'; choose one of svr1"):
        methods.get("raw_c", methods.names(kind="baseline"), what="baseline method")
    with pytest.raises(ConfigError, match=r"unknown profile 'huge'; choose one of paper, quick"):
        methods.METHODS["raw_c"].profile_config("huge")


def test_select_expands_groups_and_refuses_unknown_or_empty_lists() -> None:
    groups = {"all": methods.PAPER_VARIANTS}
    assert methods.select("all", methods.PAPER_VARIANTS, groups) == list(methods.PAPER_VARIANTS)
    assert methods.select("raw_c, raw_d,raw_c", methods.PAPER_VARIANTS) == ["raw_c", "raw_d"]
    assert methods.select(None, ("a", "b")) == ["a", "b"]
    assert methods.select(["raw"], methods.PAPER_VARIANTS) == ["raw"]
    with pytest.raises(ConfigError, match=r"unknown variant 'raw_x'; choose one of raw_d"):
        methods.select("raw,raw_x", methods.PAPER_VARIANTS, what="variant")
    with pytest.raises(ConfigError, match="no variant given"):
        methods.select(" , ", methods.PAPER_VARIANTS, what="variant")


def test_training_settings_are_refused_by_methods_without_a_training_loop() -> None:
    with pytest.raises(ConfigError, match="ridge takes no training settings"):
        methods.METHODS["ridge"].fit(None, overrides={"max_epochs": 2})  # type: ignore[arg-type]


def test_listing_the_methods_loads_neither_torch_nor_sklearn() -> None:
    import subprocess
    import sys

    code = "import sys, deepdiff.methods as m; m.names(); print('torch' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.slow
def test_seeded_says_whether_a_result_depends_on_the_seed(tmp_path) -> None:
    """The registry's ``seeded`` (what the grid runs once or per seed) against what the fits do.

    A seed may change what a method tries without changing what it ends with (the single-layer
    SVR screens bins on a seeded subsample, then refits the best on every gene): the validation
    scores of its search are compared with the predictions.
    """
    from deepdiff.results.store import canonical_json
    from deepdiff.simulate import simulate_pair

    data = simulate_pair("E003-E004", n_genes=1200, seed=0, progress=False)
    assert len(data.train) > 500  # more than the quick SVR screen's subsample, so the seed matters there
    options = methods.RunOptions(results_dir=tmp_path, progress=False)
    names = ("ridge", "svr1", "svr2", "relief_rf", "hgb")
    done = run_methods([MethodCall(data, name, "quick", s) for name in names for s in (0, 1)], options)
    for n, name in enumerate(names):
        a, b = done[2 * n].run, done[2 * n + 1].run
        same = a.predictions["lfc_pred"].equals(b.predictions["lfc_pred"]) and canonical_json(
            a.metrics["search"]
        ) == canonical_json(b.metrics["search"])
        assert same != methods.METHODS[name].seeded, name
