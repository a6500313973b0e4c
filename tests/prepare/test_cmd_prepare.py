"""``deepdiff prepare``: the command prints what it kept and refuses bad input with exit status 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deepdiff.cli import main
from deepdiff.prepare.synthetic import SyntheticFiles
from tests.prepare.conftest import N_GENES
from tests.processes import run_deepdiff


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


@pytest.mark.slow
def test_force_replaces_only_what_prepare_wrote_in_real_processes(
    synthetic: SyntheticFiles, tmp_path: Path
) -> None:
    """``--force`` never deletes the inputs sitting in ``--out``, nor a folder prepare did not write."""
    inputs = tmp_path / "inputs"
    shutil.copytree(synthetic.sheet.parent, inputs)
    sheet, gtf = inputs / synthetic.sheet.name, inputs / synthetic.gtf.name
    before = sorted(p.relative_to(inputs) for p in inputs.rglob("*"))
    args = ["prepare", "--samples", sheet, "--annotation", gtf, "--no-progress"]
    for out, message in {
        inputs: "the --samples sheet",
        tmp_path / "inputs" / synthetic.gtf.name: "is a file",
    }.items():
        done = run_deepdiff(*args, "--out", out, "--force")
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert sorted(p.relative_to(inputs) for p in inputs.rglob("*")) == before
    out = tmp_path / "out"
    assert run_deepdiff(*args, "--out", out).returncode == 0
    (out / "my-notes.txt").write_text("mine")
    done = run_deepdiff(*args, "--out", out, "--force")
    assert done.returncode == 2 and "my-notes.txt, which prepare did not write" in done.stderr, done.stderr
    (out / "my-notes.txt").unlink()
    assert run_deepdiff(*args, "--out", out, "--force", "--split", "none").returncode == 0
    assert sorted(p.name for p in out.glob("*.all.csv"))
