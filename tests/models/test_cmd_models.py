"""``deepdiff models`` prints every variant with the authors' parameter counts."""

from __future__ import annotations

import pytest

from deepdiff.cli import main


def test_models_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--kernel"]) == 0
    out = capsys.readouterr().out
    for name, count in [("raw_d", "55,681"), ("raw_aux_siamese", "212,163"), ("attentivechrome", "55,681")]:
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert count in line
    assert "Raw+Aux+Siamese" in out
    assert "recurrence (hidden 32):" in out
