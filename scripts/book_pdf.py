"""Print the book to one PDF: build it as a single HTML page, then print that with headless Chromium.

Usage::

    python scripts/book_pdf.py [--output book/_build/pdf/deepdiff-book.pdf] [--no-build]

The single-page build shares the execution cache of the HTML build (``book/_build/.jupyter_cache``),
so after ``make book`` no notebook runs again. Exit status 1 when the build fails, 2 when Chromium
is missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

try:  # imported as scripts.book_pdf (tests) or run as scripts/book_pdf.py
    from scripts.chromium import Browser, BrowserError, find_chromium
except ImportError:
    from chromium import Browser, BrowserError, find_chromium  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
DEFAULT_OUTPUT = BOOK / "_build" / "pdf" / "deepdiff-book.pdf"

# MathJax 3 typesets after the load event; wait for it when it loaded (it is served with the book,
# _static/mathjax, so the page is printed with the network cut off).
_WAIT_FOR_MATH = """
(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; return true; }
  return false;
})()
"""


def jupyter_book() -> str:
    """The ``jupyter-book`` executable beside this Python, or the one on ``PATH``."""
    beside = Path(sys.executable).with_name("jupyter-book")
    found = str(beside) if beside.is_file() else shutil.which("jupyter-book")
    if found is None:
        raise FileNotFoundError("jupyter-book not found: run `make setup` (it is in the book extra)")
    return found


def single_page(book: Path = BOOK) -> Path:
    """Where the single-page build puts the book: a page named after the root of the toc.

    (Its ``index.html`` only redirects there.)
    """
    root = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))["root"]
    return book / "_build" / "singlehtml" / f"{Path(str(root)).with_suffix('')}.html"


def build_singlehtml(book: Path = BOOK) -> Path:
    """Build the book as one HTML page and return the path of that page."""
    subprocess.run([jupyter_book(), "build", str(book), "--builder", "singlehtml"], check=True)
    page = single_page(book)
    if not page.is_file():
        raise FileNotFoundError(f"the single-page build did not write {page}")
    return page


def print_pdf(page: Path, output: Path) -> Path:
    """Print the HTML ``page`` to the PDF ``output`` with headless Chromium, offline."""
    with Browser(offline=True) as browser:
        tab = browser.open(page.resolve().as_uri(), width=1200, height=1600)
        tab.evaluate(_WAIT_FOR_MATH)
        return tab.print_pdf(output)


def main(argv: list[str] | None = None) -> int:
    """Command line: build (unless ``--no-build``) and print; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--no-build", action="store_true", help="print the existing single-page build")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("Chromium not found: install it (Debian/Ubuntu: apt-get install chromium)", file=sys.stderr)
        return 2
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        page = single_page() if args.no_build else build_singlehtml()
        if not page.is_file():
            print(f"no single-page build at {page}: run without --no-build", file=sys.stderr)
            return 1
        output = print_pdf(page, args.output)
    except subprocess.CalledProcessError as err:
        print(f"book build failed (exit status {err.returncode})", file=sys.stderr)
        return 1
    except BrowserError as err:
        print(f"printing failed: {err}", file=sys.stderr)
        return 2
    size_kib = output.stat().st_size / 1024
    print(f"The PDF of the book is at {output} ({size_kib:,.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
