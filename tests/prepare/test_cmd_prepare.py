"""``deepdiff prepare``: the command prints what it kept and refuses bad input with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.cli import main
from deepdiff.prepare.synthetic import SyntheticFiles
from tests.prepare.conftest import N_GENES


def test_the_command_line(
    synthetic: SyntheticFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["prepare", "--samples", str(synthetic.sheet), "--annotation", str(synthetic.gtf), "--no-progress"]
    assert main([*args, "--out", str(tmp_path / "out"), "--expression", str(synthetic.expression)]) == 0
    assert f"prepared 4 cells (CELLA, CELLB, CELLC, CELLD), {N_GENES} genes" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--out", str(tmp_path / "x"), "--jobs", "0"]) == 2
    assert "jobs must be a positive whole number" in capsys.readouterr().err


def test_help_states_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["prepare", "--help"])
    text = capsys.readouterr().out
    for rule in (
        "bedtools multicov",
        "+/- 10 kb",
        "+/- 20 kb would need 400 bins",
        "10,000 / 2,360 / 6,100",
        "_PAR_Y",
    ):
        assert rule in " ".join(text.split()), rule
