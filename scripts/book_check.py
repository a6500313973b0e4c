"""Check a built book as a reader would, in headless Chromium.

Usage::

    python scripts/book_check.py [book/_build/html] [--screenshots book/_build/screenshots]

It opens every page of the table of contents and checks that it renders (a title and some text),
that every image loaded (``naturalWidth > 0`` after loading), that every notebook chapter shows at
least one figure, that no page shows a Python traceback, an error cell or a reStructuredText error,
that the reproduction status page names every result of the paper, and that every internal link
and anchor of every HTML file resolves. It saves screenshots of the introduction and of the first
figure of a notebook chapter. Exit status 1 when a check fails, 2 when Chromium is missing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

try:  # imported as scripts.book_check (tests) or run as scripts/book_check.py
    from scripts.chromium import Browser, BrowserError, Page, find_chromium
except ImportError:
    from chromium import Browser, BrowserError, Page, find_chromium  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
TOC = ROOT / "_toc.yml"
#: Chapters whose pages are executed notebooks and must show figures.
NOTEBOOK_PREFIX = "notebooks/"
#: The page that lists every result of the paper.
STATUS_PAGE = "status"
#: Folders of the HTML output that hold theme templates and sources, not pages.
SKIPPED_FOLDERS: tuple[str, ...] = ("_static", "_sources")
TRACEBACK_MARKERS: tuple[str, ...] = ("Traceback (most recent call last)",)

# Runs inside each page: loads every image eagerly, waits for it, then reports what a reader sees.
_PAGE_PROBE = """
(async () => {
  const images = Array.from(document.images);
  for (const img of images) { if (img.loading === 'lazy') img.loading = 'eager'; }
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done); setTimeout(done, 15000);
  })));
  const main = document.querySelector('main') || document.body;
  const heading = main.querySelector('h1');
  const problems = Array.from(document.querySelectorAll(
    '.output.traceback, .output.error, div.system-message, .problematic'
  )).map(e => e.className + ': ' + e.innerText.slice(0, 300));
  return {
    title: heading ? heading.innerText.trim() : '',
    text: main.innerText,
    images: images.map(img => ({
      src: img.currentSrc || img.src,
      width: img.naturalWidth,
      output: img.closest('.cell_output') !== null,
    })),
    problems: problems,
  };
})()
"""


@dataclass
class Report:
    """What the checks found: failures, and what was looked at."""

    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    images: int = 0
    links: int = 0
    screenshots: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.problems

    def summary(self) -> str:
        """One line: what was checked and how many problems were found."""
        return (
            f"checked {len(self.pages)} pages, {self.images} images, {self.links} internal links; "
            f"{len(self.problems)} problem(s)"
        )


# -- table of contents -------------------------------------------------------------------------


def toc_documents(toc: Path = TOC) -> list[str]:
    """The document names of a Jupyter Book 1 table of contents, root first, in reading order."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    docs = [str(data["root"])]

    def walk(entries: Iterable[dict]) -> Iterator[str]:
        for entry in entries:
            if "file" in entry:
                yield str(entry["file"])
            for key in ("chapters", "sections", "parts"):
                yield from walk(entry.get(key, []))

    docs.extend(walk(data.get("parts", [])))
    docs.extend(walk(data.get("chapters", [])))
    return [doc.removesuffix(".md").removesuffix(".ipynb") for doc in docs]


# -- internal links ----------------------------------------------------------------------------


class _LinkParser(HTMLParser):
    """Collects the ids of a page and the local URLs it refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key) and (key == "id" or tag == "a"):
                self.ids.add(str(values[key]))
        attribute = {"a": "href", "link": "href", "img": "src", "script": "src"}.get(tag)
        if attribute and values.get(attribute):
            self.urls.append(str(values[attribute]))


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith(("//", "javascript:"))


def check_links(html_dir: Path) -> tuple[list[str], int]:
    """Broken internal links and anchors of every HTML file under ``html_dir``.

    Returns
    -------
    problems : list of str
        One line per link whose file is missing or whose ``#anchor`` is not an id of its target.
    checked : int
        How many local links were checked.
    """
    html_dir = html_dir.resolve()
    parsed: dict[Path, _LinkParser] = {}
    for path in sorted(html_dir.rglob("*.html")):
        if path.relative_to(html_dir).parts[0] in SKIPPED_FOLDERS:
            continue
        parser = _LinkParser()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parsed[path.resolve()] = parser

    problems: list[str] = []
    checked = 0
    for source, parser in parsed.items():
        for url in parser.urls:
            if not _is_local(url):
                continue
            parts = urlsplit(url)
            target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            where = source.relative_to(html_dir.resolve())
            if not target.exists():
                problems.append(f"{where}: link to a missing file: {url}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if fragment not in ids:
                    problems.append(f"{where}: link to a missing anchor: {url}")
    return problems, checked


# -- the sidebar --------------------------------------------------------------------------------


class _SidebarParser(HTMLParser):
    """Collects the pages the primary sidebar links to (sphinx-book-theme's ``bd-sidebar-primary``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 while inside the sidebar
        self.pages: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth:
            self.depth += tag not in _VOID
        elif "bd-sidebar-primary" in (values.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a" and values.get("href") and _is_local(str(values["href"])):
            page = urlsplit(str(values["href"])).path
            if page:
                self.pages.append(page.removesuffix(".html"))

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def check_sidebar(html_dir: Path, docs: list[str]) -> list[str]:
    """Pages the sidebar of the root page lists beyond the table of contents (the API's module pages)."""
    parser = _SidebarParser()
    parser.feed((html_dir / f"{docs[0]}.html").read_text(encoding="utf-8", errors="replace"))
    extra = sorted(set(parser.pages) - set(docs))
    if not extra:
        return []
    return [f"the sidebar lists {len(extra)} page(s) that are not in the table of contents, e.g. {extra[0]}"]


# -- what the status page must list ---------------------------------------------------------------


def status_expectations() -> dict[str, tuple[str, ...]]:
    """Each result of the paper and the texts, any one of which the status page must show for it.

    Built from :mod:`deepdiff.report.paper` (the paper's numbers and claims as data), so the check follows
    the list of results rather than a copy of it.
    """
    from deepdiff import methods
    from deepdiff.report import paper

    expected: dict[str, tuple[str, ...]] = {
        f"Table 1 row {label}": (f"Table 1: {label} ",)
        for label in map(methods.label, methods.PAPER_VARIANTS)
    }
    expected |= {
        f"Table 3 row {label}": (f"Appendix Table 3: {label} ",)
        for label in map(methods.label, methods.APPENDIX_VARIANTS)
    }
    expected["Figure 4"] = ("Figure 4:",)
    expected["Figure 5"] = ("Figure 5:",)
    expected["Appendix Figure 2"] = ("Appendix Figure 2:",)
    for claim in paper.ALL_CLAIMS:
        expected[f"claim {claim.id}"] = (claim.id, claim.statement)
    return expected


def check_status_text(text: str, expected: dict[str, tuple[str, ...]]) -> list[str]:
    """The results of ``expected`` of which the page text shows none of the accepted texts."""
    normalised = " ".join(text.split())
    return [
        f"{STATUS_PAGE}: does not list {name} (looked for {' or '.join(repr(t) for t in texts)})"
        for name, texts in expected.items()
        if not any(" ".join(t.split()) in normalised for t in texts)
    ]


# -- pages in the browser ----------------------------------------------------------------------------


def check_page(page: Page, doc: str) -> tuple[list[str], dict]:
    """Problems a reader would see on the loaded page of document ``doc``, and the probe's findings."""
    found = page.evaluate(_PAGE_PROBE)
    problems = []
    if not found["title"]:
        problems.append(f"{doc}: no title (h1) rendered")
    if len(found["text"].strip()) < 200:
        problems.append(f"{doc}: almost no text rendered ({len(found['text'].strip())} characters)")
    for image in found["images"]:
        if image["width"] <= 0:
            problems.append(f"{doc}: broken image {image['src']}")
    if doc.startswith(NOTEBOOK_PREFIX) and not any(
        img["output"] and img["width"] > 0 for img in found["images"]
    ):
        problems.append(f"{doc}: a notebook chapter without any figure")
    for text in found["problems"]:
        problems.append(f"{doc}: shows an error: {text}")
    for marker in TRACEBACK_MARKERS:
        if marker in found["text"]:
            problems.append(f"{doc}: shows a Python traceback")
    return problems, found


def check_book(
    html_dir: Path,
    screenshots: Path | None = None,
    toc: Path = TOC,
    expected_status: dict[str, tuple[str, ...]] | None = None,
    browser: Browser | None = None,
) -> Report:
    """Run every check on the book built into ``html_dir``.

    Parameters
    ----------
    html_dir : Path
        The HTML output (``book/_build/html``).
    screenshots : Path, optional
        Where to save ``intro.png`` and ``figure.png``; none are taken when omitted.
    toc : Path
        The table of contents whose pages are opened.
    expected_status : dict, optional
        Results the status page must list (default: :func:`status_expectations`).
    browser : Browser, optional
        A running browser to reuse; one is started (and closed) otherwise.
    """
    report = Report()
    html_dir = html_dir.resolve()
    link_problems, report.links = check_links(html_dir)
    report.problems.extend(link_problems)

    docs = toc_documents(toc)
    if (html_dir / f"{docs[0]}.html").is_file():
        report.problems.extend(check_sidebar(html_dir, docs))
    if expected_status is None and STATUS_PAGE in docs:
        expected_status = status_expectations()
    own_browser = browser is None
    browser = browser or Browser().__enter__()
    try:
        figure_shot_taken = False
        for doc in docs:
            path = html_dir / f"{doc}.html"
            if not path.is_file():
                report.problems.append(f"{doc}: page not built ({path} missing)")
                continue
            page = browser.open(path.as_uri())
            try:
                problems, found = check_page(page, doc)
                report.problems.extend(problems)
                report.pages.append(doc)
                report.images += len(found["images"])
                if doc == STATUS_PAGE and expected_status:
                    report.problems.extend(check_status_text(found["text"], expected_status))
                if screenshots is not None and doc == docs[0]:
                    report.screenshots.append(page.screenshot(screenshots / "intro.png"))
                if screenshots is not None and not figure_shot_taken and doc.startswith(NOTEBOOK_PREFIX):
                    if page.evaluate(
                        "(() => { const img = document.querySelector('.cell_output img');"
                        " if (!img) return false; img.scrollIntoView({block: 'center'}); return true; })()"
                    ):
                        report.screenshots.append(page.screenshot(screenshots / "figure.png"))
                        figure_shot_taken = True
            finally:
                page.close()
        if screenshots is not None and not figure_shot_taken:
            report.problems.append("no notebook chapter has a figure to take a screenshot of")
    finally:
        if own_browser:
            browser.close()
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: check a built book, print what was found, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", type=Path, default=ROOT / "book" / "_build" / "html")
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for intro.png and figure.png")
    parser.add_argument("--toc", type=Path, default=TOC)
    args = parser.parse_args(argv)
    if not (args.html_dir / "index.html").is_file():
        print(f"no built book at {args.html_dir}: run `make book` first", file=sys.stderr)
        return 1
    if find_chromium() is None:
        print("Chromium not found: install it (Debian/Ubuntu: apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        report = check_book(args.html_dir, screenshots=args.screenshots, toc=args.toc)
    except BrowserError as err:
        print(f"book check: {err}", file=sys.stderr)
        return 2
    print(report.summary())
    for shot in report.screenshots:
        print(f"screenshot: {shot}")
    for problem in report.problems:
        print(f"  - {problem}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
