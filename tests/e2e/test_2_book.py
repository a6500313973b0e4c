"""The book, built as ``make book`` builds it but warning-free, then read in headless Chromium.

Runs after ``test_1_notebooks.py`` and shares its results directory (see ``conftest.py``), so the
notebooks find their quick-profile runs instead of training again. The build goes to a temporary
folder; the screenshots go to ``book/_build/screenshots/`` to be kept as build artifacts.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.book_check import check_book, toc_documents
from tests.book.helpers import chromium_or_skip
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

BOOK = ROOT / "book"
SCREENSHOTS = BOOK / "_build" / "screenshots"
#: The build may take this long (the notebooks run; training is found in the shared results).
BUILD_TIMEOUT_S = 1500


def _jupyter_book() -> str:
    exe = Path(sys.executable).with_name("jupyter-book")
    if not exe.is_file():
        pytest.fail(f"jupyter-book not found beside {sys.executable}: run `make setup`")
    return str(exe)


def test_book_builds_without_warnings_and_reads_well(
    tmp_path: Path, e2e_env: dict[str, str], record_property: pytest.RecordProperty
) -> None:
    chromium_or_skip()  # before the long build: without a browser the check cannot be done
    out = tmp_path / "book"
    start = time.monotonic()
    build = subprocess.run(
        [_jupyter_book(), "build", str(BOOK), "--path-output", str(out), "-W", "--keep-going"],
        cwd=ROOT,
        env=e2e_env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    build_s = time.monotonic() - start
    log = build.stdout + build.stderr
    assert build.returncode == 0, f"the book build failed or warned (-W):\n{log[-8000:]}"

    html = out / "_build" / "html"
    report = check_book(html, screenshots=SCREENSHOTS)
    total_s = time.monotonic() - start
    record_property("book_build_s", round(build_s, 1))
    record_property("book_check_s", round(total_s - build_s, 1))
    print(f"book: built in {build_s:.0f} s, checked in {total_s - build_s:.0f} s; {report.summary()}")

    assert report.ok, "a reader would see problems:\n" + "\n".join(report.problems)
    assert report.pages == toc_documents(), "every page of the table of contents must have been opened"
    assert {shot.name for shot in report.screenshots} == {
        "intro.png",
        "figure.png",
        "widest-figure-1.png",
        "widest-figure-2.png",
    }
    for shot in report.screenshots:
        assert shot.stat().st_size > 10_000, f"{shot} looks empty"
