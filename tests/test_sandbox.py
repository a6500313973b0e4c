"""The suite writes nothing outside its temporary folders: not into the user's cache, nor their home.

A part of the suite that compiles the recurrence kernel (at collection), downloads, parses and
caches data, and runs the command line is run again in a child whose home, XDG folders and
temporary folder are empty folders of this test, without any of the variables the suite's sandbox
sets (``tests/conftest.py``): afterwards the home must still be empty, and the sandbox gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SANDBOXED_ENV

pytestmark = pytest.mark.slow

SUBSET = [
    "tests/models/kernels/test_recurrent.py",
    "tests/data/test_cache.py",
    "tests/data/test_cmd_data.py",
]
XDG = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR")


def test_tests_leave_the_users_cache_and_home_untouched(tmp_path: Path) -> None:
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in SANDBOXED_ENV and k not in XDG}
    env |= {name: str(home / f".{name.lower()}") for name in XDG}
    env |= {"HOME": str(home), "TMPDIR": str(temp), "CI": ""}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(temp / "basetemp")]
    proc = subprocess.run(
        [sys.executable, *args, "-k", "not real", *SUBSET],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and " skipped" not in proc.stdout, proc.stdout[-2000:]
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
    assert sorted(p.name for p in temp.iterdir()) == ["basetemp"]  # the sandbox was removed
