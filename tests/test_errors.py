"""The one check of a choice (deepdiff.errors.check_choice) and the checks of a profile and a data source built on it."""

from __future__ import annotations

import pytest

from deepdiff.constants import DATA_SOURCES, PROFILE_NAMES, check_data_source, check_profile
from deepdiff.errors import ConfigError, check_choice


def test_a_choice_passes_through_and_a_bad_one_is_refused_with_the_choices() -> None:
    assert check_choice("b", ("a", "b"), "letter") == "b"
    with pytest.raises(ConfigError, match=r"^unknown letter 'c'; choose one of a, b$"):
        check_choice("c", ("a", "b"), "letter")
    with pytest.raises(ConfigError, match=r"^--set letter='c' is unknown; choose one of a, b$"):
        check_choice("c", ("a", "b"), "letter", setting="--set letter")
    with pytest.raises(ConfigError, match=r"^file.json: unknown letter 'c'; choose one of a, b$"):
        check_choice("c", ("a", "b"), "letter", where="file.json")


def test_every_profile_and_data_source_is_checked_against_its_one_list() -> None:
    assert [check_profile(p) for p in PROFILE_NAMES] == list(PROFILE_NAMES)
    assert [check_data_source(s) for s in DATA_SOURCES] == list(DATA_SOURCES)
    with pytest.raises(ConfigError, match=r"^unknown profile 'huge'; choose one of paper, quick, book$"):
        check_profile("huge")
    with pytest.raises(
        ConfigError, match=r"^parameter data='web' is unknown; choose one of remc, sample, local"
    ):
        check_data_source("web", setting="parameter data")
