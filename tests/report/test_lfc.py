"""The real log fold changes of the paper's pairs, from the expression files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import PAPER_PAIRS
from deepdiff.errors import DataError
from deepdiff.report.lfc import lfc_spread, real_pair_lfcs


def test_real_pair_lfcs_from_the_expression_files(expression_dir: Path) -> None:
    real = real_pair_lfcs(expression_dir, PAPER_PAIRS, allow_download=False)
    assert real.source == "files" and set(real.lfc) == set(PAPER_PAIRS)
    assert (real.summary["genes"] > 15_000).all()
    # Cross-lineage pairs change more genes than closely related ones.
    assert real.summary.loc["E123-E003", "de_fraction"] > real.summary.loc["E037-E038", "de_fraction"]
    # The sign follows the pair's order.
    flipped = real_pair_lfcs(expression_dir, ["E003-E123"], allow_download=False)
    assert np.allclose(np.sort(-flipped.lfc["E003-E123"]), np.sort(real.lfc["E123-E003"]))


def test_pair_lfcs_from_hand_made_expression_files(tmp_path: Path) -> None:
    """The same code path on files written here: every clone runs it."""
    (tmp_path / "E003.expr.csv").write_text("ENSG01,0\nENSG02,3\nENSG03,255\nENSG09,7\n")
    (tmp_path / "E004.expr.csv").write_text("ENSG03,0\nENSG01,15\nENSG02,3\n")
    got = real_pair_lfcs(tmp_path, ["E003-E004", "E004-E003"], allow_download=False)
    assert got.source == "files" and got.label == f"real REMC expression files ({tmp_path.name}/)"
    # Genes in both files only (ENSG09 is not in E004), in E003's order: log2(16/1), log2(4/4), log2(1/256).
    np.testing.assert_allclose(got.lfc["E003-E004"], [4.0, 0.0, -8.0])
    np.testing.assert_allclose(np.sort(got.lfc["E004-E003"]), [-4.0, 0.0, 8.0])
    row = got.summary.loc["E003-E004"]
    assert (row["genes"], row["n_de"], row["n_up_8"], row["n_down_8"]) == (3, 2, 0, 0)
    assert row["de_fraction"] == pytest.approx(2 / 3) and row["std"] == pytest.approx(
        np.std([4.0, 0.0, -8.0])
    )


def test_real_pair_lfcs_reports_a_folder_without_the_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="lacks"):
        real_pair_lfcs(tmp_path, ["E003-E004"], allow_download=False)


def test_lfc_spread_puts_simulated_beside_real(expression_dir: Path) -> None:
    real = real_pair_lfcs(expression_dir, ["E003-E004"], allow_download=False)
    simulated = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
    table = lfc_spread({"simulated": simulated}, real.summary, real.source)
    assert list(table.index) == ["simulated", "real E003-E004 (from files)"]
    assert table.loc["simulated", "LFC SD"] == pytest.approx(simulated.std())
    assert table.loc["simulated", "|LFC| ≥ 2"] == pytest.approx(0.4)
    assert table.iloc[1]["LFC SD"] == pytest.approx(real.lfc["E003-E004"].std())
