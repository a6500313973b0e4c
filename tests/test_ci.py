"""CI: ``.ci/run`` runs ``make test`` with ``CI=1`` and refuses to run without ../shared; with ``CI``
set, a test whose needs are missing fails instead of skipping.

The script is run from a copy of the project's layout with a stand-in ``make`` on ``PATH`` that
records how it was called.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.needs import unavailable

FAKE_MAKE = """#!/usr/bin/env bash
echo "make $* CI=${CI:-} MPLBACKEND=${MPLBACKEND:-}" >> "$MAKE_LOG"
"""


def _run_ci(tmp_path: Path, with_shared: bool) -> tuple[subprocess.CompletedProcess[str], str]:
    clone = tmp_path / "clone"
    (clone / ".ci").mkdir(parents=True)
    shutil.copy2(ROOT / ".ci" / "run", clone / ".ci" / "run")
    if with_shared:
        (tmp_path / "shared" / "data" / "remc-sample").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").write_text(FAKE_MAKE)
    (bin_dir / "make").chmod(0o755)
    log = tmp_path / "make.log"
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "DEEPDIFF_SHARED_DATA", "MPLBACKEND")}
    env |= {"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", "MAKE_LOG": str(log)}
    proc = subprocess.run(
        ["bash", str(clone / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )
    return proc, log.read_text() if log.exists() else ""


def test_ci_runs_make_test_with_ci_set(tmp_path: Path) -> None:
    proc, calls = _run_ci(tmp_path, with_shared=True)
    assert proc.returncode == 0, proc.stderr
    assert calls == "make test CI=1 MPLBACKEND=Agg\n"


def test_ci_fails_without_the_shared_data(tmp_path: Path) -> None:
    proc, calls = _run_ci(tmp_path, with_shared=False)
    assert proc.returncode == 1
    assert "CI needs the real reference data at ../shared/data" in proc.stderr
    assert calls == ""  # the tests did not even start


@pytest.mark.parametrize("ci", ["1", "true", "YES"])
def test_a_missing_need_fails_in_ci(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(
        pytest.fail.Exception, match=r"^no browser \(CI is set, so this fails instead of skipping\)$"
    ):
        unavailable("no browser")


@pytest.mark.parametrize("ci", [None, "", "0", "false"])
def test_a_missing_need_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"^no browser$"):
        unavailable("no browser")


def test_the_hosted_workflow_has_no_finding_of_high_severity() -> None:
    """zizmor (offline: no GitHub API) finds no template injection, persisted credentials, unpinned
    action or other finding of high severity in the workflows of .github/workflows."""
    import json

    zizmor = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    if not Path(zizmor).is_file():
        unavailable("zizmor is not installed (pip install -e '.[dev]' with requirements/constraints.txt)")
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    done = subprocess.run(
        [zizmor, "--offline", "--format", "json", "--min-severity", "high", *map(str, workflows)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode in (0, 14), done.stderr  # 14: findings of high severity, listed below
    findings = json.loads(done.stdout or "[]")
    described = [
        f"{f.get('ident')}: line {f['locations'][0]['concrete']['location']['start_point']['row'] + 1}"
        for f in findings
    ]
    assert not findings, "\n".join(described)
