"""The installed ``deepdiff`` command, run as a user runs it: the console script, in a subprocess.

The script is the one installed beside the interpreter that runs the tests (``.venv/bin/deepdiff``
after ``make setup``), so these tests also check the installation's entry point, not only
:func:`deepdiff.cli.main`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

#: A guard against a hung command (a whole training run on the test data takes seconds).
COMMAND_TIMEOUT_S = 600


def console_script() -> Path:
    """``deepdiff`` beside ``sys.executable``; a missing one fails (the installation is broken)."""
    script = Path(sys.executable).with_name("deepdiff")
    if not script.is_file():
        pytest.fail(f"the console script {script} is missing: install the project (make setup)")
    return script


@dataclass(frozen=True)
class Ran:
    """A finished command: exit status and what it printed."""

    code: int
    out: str
    err: str


def deepdiff(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> Ran:
    """Run ``deepdiff ARGS...`` (in the test's environment, plus ``env``) and return what happened."""
    full_env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    proc = subprocess.run(
        [str(console_script()), *map(str, args)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    return Ran(proc.returncode, proc.stdout, proc.stderr)
