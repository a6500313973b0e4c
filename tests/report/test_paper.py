"""The paper's numbers and claims as data: complete, consistent with the library, and cited."""

from __future__ import annotations

import re

import pytest

from deepdiff import methods
from deepdiff.constants import PAPER_PAIRS
from deepdiff.report import paper


def test_table1_has_every_variant_and_both_baselines() -> None:
    t = paper.table1()
    assert len(t) == 7 * 2 * 2
    assert set(t["variant"]) == set(methods.PAPER_VARIANTS)
    assert set(t["baseline"]) == set(paper.TABLE1_BASELINES)
    # Spot checks against the paper's Table 1 (Section 4.3 quotes Raw+Aux vs two-layer SVR, 162.23 %).
    row = t[(t["variant"] == "raw_aux") & (t["baseline"] == "svr2") & (t["statistic"] == "mean")]
    assert row["relative_pcc"].item() == pytest.approx(162.23)
    row = t[
        (t["variant"] == "aux_siamese")
        & (t["baseline"] == "attentivechrome_diff")
        & (t["statistic"] == "median")
    ]
    assert row["relative_pcc"].item() == pytest.approx(107.87)
    # Every DeepDiff variant beats both baselines in the paper.
    assert (t["relative_pcc"] > 100).all()


def test_table1_wide_is_laid_out_as_in_the_paper() -> None:
    wide = paper.table1_wide()
    assert list(wide.index) == [methods.label(v) for v in methods.PAPER_VARIANTS]
    assert wide.shape == (7, 4)
    assert "Sekhon" in wide.index.name


def test_the_papers_groups_of_baselines_are_the_papers_baselines() -> None:
    assert set(paper.SHALLOW_BASELINES) | {methods.ATTENTIVECHROME_DIFF} == set(methods.PAPER_BASELINES)
    assert set(paper.TABLE1_BASELINES) <= set(methods.PAPER_BASELINES)


def test_claims_are_unique_and_reference_known_methods() -> None:
    ids = [c.id for c in paper.ALL_CLAIMS]
    assert len(ids) == len(set(ids))
    known = set(methods.PAPER_VARIANTS) | set(methods.PAPER_BASELINES)
    for c in paper.FIGURE4_CLAIMS:
        assert c.a and c.b, c.id
        assert set(c.a) | set(c.b) <= known, c.id
        assert 0 < c.min_fraction <= 1
        assert c.evaluation and c.citation.quote
    assert {c.detail for c in paper.FIGURE5_CLAIMS} == {"up_k4", "down_k27", "k9_low"}


@pytest.mark.parametrize(
    ("claim_id", "count"),
    [
        ("fig4.raw_d_worst", "9/10"),
        ("fig4.raw_c_beats_raw_d", "10/10"),
        ("fig4.raw_aux_beats_aux", "7/10"),
        ("fig4.raw_aux_beats_raw", "6/10"),
        ("fig4.aux_siamese_best", "5/10"),
        ("fig4.svr2_beats_svr1", "—"),
    ],
)
def test_counted_claims_carry_the_papers_counts(claim_id: str, count: str) -> None:
    assert paper.claim(claim_id).paper_count == count


def test_unknown_claim_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"fig4\.raw_d_worst"):
        paper.claim("fig9.nothing")


def test_claims_table_has_a_row_per_claim() -> None:
    table = paper.claims_table()
    assert len(table) == len(paper.ALL_CLAIMS)
    assert {"statement", "quote", "where", "evaluation"} <= set(table.columns)


def test_figure5_pair_is_one_of_the_papers_pairs() -> None:
    assert paper.FIGURE5_PAIR in PAPER_PAIRS
    assert paper.FIGURE5_UP == -paper.FIGURE5_DOWN == 8.0


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def test_quotes_are_verbatim_in_the_paper_text(paper_text: str) -> None:
    """Every quote occurs in the paper (ignoring whitespace, punctuation and PDF hyphenation)."""
    text = _normalise(paper_text)
    quotes = [c.citation.quote for c in paper.ALL_CLAIMS]
    for quote in [*quotes, paper.TABLE1_CITATION.quote, paper.FIGURE2_CITATION.quote]:
        assert _normalise(quote) in text, quote
    # The appendix's two-column text is interleaved line by line in the PDF extraction.
    assert _normalise(paper.TABLE3_CITATION.quote)[:40] in text, paper.TABLE3_CITATION.quote


def test_table3_numbers_and_pairs_are_not_in_the_paper_text(paper_text: str) -> None:
    """What paper.table3 records: Table 3 is cited once and never printed; Figure 2's six pairs are not named."""
    assert paper_text.count("Table 3") == 1  # the citing sentence, no caption "Table 3." with numbers
    assert "Table 3." not in paper_text
    caption = " ".join(
        paper_text.split("Fig. 2. Cell-Specific Auxiliary", 1)[1].split("REMC Id", 1)[0].split()
    )
    assert "six cell-type pairs" in caption and not re.search(r"E\d{3}", caption)
    t3 = paper.table3()
    assert len(t3) == 4 and t3["relative_pcc"].isna().all() and set(t3["baseline"]) == {"svr2"}
    assert list(dict.fromkeys(t3["variant"])) == list(methods.APPENDIX_VARIANTS)
    assert paper.APPENDIX_AUX_CLASSIFICATION_N_PAIRS == 6
