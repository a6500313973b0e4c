"""Check a built book as a reader would, in headless Chromium.

Usage::

    python scripts/book_check.py [book/_build/html] [--screenshots book/_build/screenshots]

It opens every page of the table of contents in a browser cut off the network and checks that it
renders (a title and some text), that every image loaded (``naturalWidth > 0`` after loading), that
every notebook chapter shows at least one figure, that no page shows a Python traceback, an error cell
or a reStructuredText error, that the reproduction status page names every result of the paper, and
that every internal link and anchor of every HTML file resolves. As a reader would, it also checks
that the landing page shows the verdict; that no formula is left as raw TeX (MathJax must come with
the book); that every figure is numbered, captioned and has alt text in words, and is shown wide
enough for its smallest text to stay readable; that no table cell is cut off ("…"); that no page
shows a folder of the machine that built it; and that the status page and the results chapter count
the runs of a context alike. It saves screenshots of the introduction, of the first figure of a
notebook chapter and of the two widest figures. Exit status 1 when a check fails, 2 when Chromium is
missing.
"""

from __future__ import annotations

import argparse
import re
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
#: Log lines of the build's machinery that must not reach a page.
NOISE_MARKERS: tuple[str, ...] = ("Kernel is running over TCP without encryption",)
#: The results chapter, whose run counts must equal the status page's.
RESULTS_PAGE = "notebooks/05_results"
#: What the landing page must say first (from :func:`deepdiff.report.status.verdict_summary`).
VERDICT_MARKER = "results have a verdict from runs on the real, full data"
#: TeX that MathJax did not typeset, as it would show in a page's text.
RAW_TEX = re.compile(
    r"\\[()\[\]]|\$\$|\\(?:frac|mathrm|log|sum|alpha|beta|lvert|rvert|big|top|le|ge|times)\b"
)
#: Alt text that is a file name or a hash, not words.
MACHINE_ALT = re.compile(r"^(?:[0-9a-f]{8,}|.*\.(?:png|jpe?g|svg|gif))$", re.IGNORECASE)
#: The smallest size, in CSS pixels, at which a figure's text counts as readable.
MIN_TEXT_PX = 9.0

# Runs inside each page: loads every image eagerly, waits for it, then reports what a reader sees.
_PAGE_PROBE = """
(async () => {
  const images = Array.from(document.images);
  for (const img of images) { if (img.loading === 'lazy') img.loading = 'eager'; }
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done); setTimeout(done, 15000);
  })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await Promise.race([MathJax.startup.promise, new Promise(done => setTimeout(done, 15000))]);
  }
  const main = document.querySelector('main') || document.body;
  const heading = main.querySelector('h1');
  // Text a reader sees outside code and typeset math (where raw TeX would show).
  const prose = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest('pre, code, .highlight, mjx-container, script, style')) continue;
    if (!parent.getClientRects().length) continue;
    prose.push(walker.currentNode.textContent);
  }
  const tables = Array.from(main.querySelectorAll('table')).map(t => ({
    header: Array.from(t.querySelectorAll('thead th')).map(c => c.innerText.trim()),
    rows: Array.from(t.querySelectorAll('tbody tr')).map(r =>
      Array.from(r.querySelectorAll('th, td')).map(c => c.innerText.trim())),
  }));
  const problems = Array.from(document.querySelectorAll(
    '.output.traceback, .output.error, div.system-message, .problematic'
  )).map(e => e.className + ': ' + e.innerText.slice(0, 300));
  return {
    title: heading ? heading.innerText.trim() : '',
    text: main.innerText,
    all_text: main.textContent,
    prose: prose.join(' '),
    math: main.querySelectorAll('.math').length,
    math_unrendered: Array.from(main.querySelectorAll('.math'))
      .filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
    tables: tables,
    images: images.map(img => {
      const figure = img.closest('figure');
      const caption = figure ? figure.querySelector('figcaption') : null;
      const number = caption ? caption.querySelector('.caption-number') : null;
      return {
        src: img.currentSrc || img.src,
        width: img.naturalWidth,
        rendered: img.getBoundingClientRect().width,
        in_article: img.closest('article') !== null,
        height: img.getBoundingClientRect().height,
        natural_height: img.naturalHeight,
        alt: img.getAttribute('alt') || '',
        caption: caption ? caption.innerText.trim() : '',
        number: number ? number.innerText.trim() : '',
        output: img.closest('.cell_output') !== null,
      };
    }),
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
    #: Every figure: page, source, natural and rendered size (CSS pixels), smallest text size.
    figures: list[dict] = field(default_factory=list)

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


# -- what a reader meets ---------------------------------------------------------------------------


def readable_scale() -> float:
    """The least ratio of rendered to natural width at which a figure's smallest text is readable.

    The figures are drawn at :data:`deepdiff.report.plots.FIGURE_DPI` with no text smaller than
    :data:`deepdiff.report.plots.SMALLEST_FONT_PT` (their ``_finish`` refuses smaller), so their smallest
    text is ``SMALLEST_FONT_PT * FIGURE_DPI / 72`` pixels in the PNG; shown scaled, it must keep
    :data:`MIN_TEXT_PX`.
    """
    from deepdiff.report.plots import FIGURE_DPI, SMALLEST_FONT_PT

    return MIN_TEXT_PX / (SMALLEST_FONT_PT * FIGURE_DPI / 72)


def smallest_text_px(image: dict) -> float:
    """The size in CSS pixels of a figure's smallest text as shown (0 when the figure is not shown)."""
    from deepdiff.report.plots import FIGURE_DPI, SMALLEST_FONT_PT

    if image["width"] <= 0 or image["rendered"] <= 0:
        return 0.0
    return SMALLEST_FONT_PT * FIGURE_DPI / 72 * image["rendered"] / image["width"]


def check_figures(doc: str, images: list[dict]) -> list[str]:
    """Figures of the page without a number, a caption or alt text in words, or shown too small to read."""
    problems = []
    for image in images:
        if not image.get("in_article", True):
            continue  # the theme's own icons
        name = image["src"].rsplit("/", 1)[-1]
        if not image["number"]:
            problems.append(f"{doc}: figure {name} has no number")
        if len(image["caption"].replace(image["number"], "").split()) < 5:
            problems.append(f"{doc}: figure {name} has no caption saying what it shows")
        alt = image["alt"].strip()
        if len(alt.split()) < 3 or MACHINE_ALT.match(alt):
            problems.append(f"{doc}: figure {name} has no alt text in words (alt={alt!r})")
        shown = smallest_text_px(image)
        if image["rendered"] > 0 and shown < MIN_TEXT_PX:
            problems.append(
                f"{doc}: figure {name} is shown at {image['rendered']:.0f} of its {image['width']} px: its smallest "
                f"text is {shown:.1f} px, under {MIN_TEXT_PX:g} px"
            )
    return problems


def check_math(doc: str, found: dict) -> list[str]:
    """Formulas MathJax did not typeset, and raw TeX in the text a reader sees."""
    problems = []
    if found["math_unrendered"]:
        problems.append(
            f"{doc}: {len(found['math_unrendered'])} of {found['math']} formulas not typeset "
            f"(MathJax missing?), e.g. {found['math_unrendered'][0]!r}"
        )
    raw = RAW_TEX.search(found["prose"])
    if raw:
        start = max(raw.start() - 40, 0)
        problems.append(f"{doc}: raw TeX in the text: {found['prose'][start : raw.end() + 40]!r}")
    return problems


def check_cut_off(doc: str, tables: list[dict]) -> list[str]:
    """Table cells whose text was cut ("…" or "..." at its end)."""
    cut = [cell for table in tables for row in table["rows"] for cell in row if cell.endswith(("…", "..."))]
    if not cut:
        return []
    return [f"{doc}: {len(cut)} table cell(s) cut off, e.g. {cut[0][-80:]!r}"]


def machine_paths() -> tuple[str, ...]:
    """Folders of the machine that built the book, which no page should show: the project's root, the
    results directory and the Python environment."""
    from deepdiff._util.paths import default_results_dir

    found = {str(ROOT), str(default_results_dir()), str(Path(sys.prefix).resolve()), sys.prefix}
    return tuple(sorted(p for p in found if len(p) > 4))


def check_machine_paths(doc: str, text: str, forbidden: Iterable[str]) -> list[str]:
    """Each folder of ``forbidden`` that the page's text (hidden parts included) shows."""
    return [f"{doc}: shows the build machine's folder {path}" for path in forbidden if path in text]


def run_counts(tables: list[dict]) -> dict[str, str]:
    """Runs per context, from the page's tables with ``context`` and ``runs`` columns."""
    counts = {}
    for table in tables:
        header = table["header"]
        if "context" not in header or "runs" not in header:
            continue
        i, j = header.index("context"), header.index("runs")
        for row in table["rows"]:
            if len(row) == len(header):
                counts[row[i]] = row[j]
    return counts


def check_run_counts(found: dict[str, dict[str, str]]) -> list[str]:
    """Contexts that the status page and the results chapter count differently, or that one lacks."""
    status, results = found.get(STATUS_PAGE), found.get(RESULTS_PAGE)
    if status is None or results is None:
        return []
    problems = []
    if not status or not results:
        problems.append(f"no table of runs per context on {STATUS_PAGE if not status else RESULTS_PAGE}")
    for context, n in results.items():
        if status.get(context) != n:
            problems.append(
                f"{RESULTS_PAGE} counts {n} runs in {context!r}, {STATUS_PAGE} {status.get(context, 'none')}"
            )
    return problems


# -- pages in the browser ----------------------------------------------------------------------------


def check_page(page: Page, doc: str, forbidden: Iterable[str] = ()) -> tuple[list[str], dict]:
    """Problems a reader would see on the loaded page of document ``doc``, and the probe's findings.

    ``forbidden``: folders of the build machine that the page must not show.
    """
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
    for marker in NOISE_MARKERS:
        if marker in found["all_text"]:
            problems.append(f"{doc}: shows the build's log line {marker!r}")
    problems += check_figures(doc, found["images"])
    problems += check_math(doc, found)
    problems += check_cut_off(doc, found["tables"])
    problems += check_machine_paths(doc, found["all_text"], forbidden)
    return problems, found


def check_book(
    html_dir: Path,
    screenshots: Path | None = None,
    toc: Path = TOC,
    expected_status: dict[str, tuple[str, ...]] | None = None,
    browser: Browser | None = None,
    forbidden: Iterable[str] | None = None,
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
        A running browser to reuse; one is started (and closed) otherwise, cut off the network.
    forbidden : iterable of str, optional
        Folders of the build machine no page may show (default: :func:`machine_paths`).
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
    browser = browser or Browser(offline=True).__enter__()
    forbidden = machine_paths() if forbidden is None else tuple(forbidden)
    counts: dict[str, dict[str, str]] = {}
    try:
        figure_shot_taken = False
        for doc in docs:
            path = html_dir / f"{doc}.html"
            if not path.is_file():
                report.problems.append(f"{doc}: page not built ({path} missing)")
                continue
            page = browser.open(path.as_uri())
            try:
                problems, found = check_page(page, doc, forbidden)
                report.problems.extend(problems)
                report.pages.append(doc)
                report.images += len(found["images"])
                counts[doc] = run_counts(found["tables"])
                report.figures += [
                    {
                        "page": doc,
                        "src": img["src"].rsplit("/", 1)[-1],
                        "natural": (img["width"], img["natural_height"]),
                        "rendered": (round(img["rendered"]), round(img["height"])),
                        "text_px": round(smallest_text_px(img), 1),
                    }
                    for img in found["images"]
                    if img.get("in_article", True)
                ]
                if doc == docs[0] and VERDICT_MARKER not in " ".join(found["text"].split()):
                    report.problems.append(f"{doc}: the landing page does not show the verdict summary")
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
        report.problems.extend(check_run_counts(counts))
        if screenshots is not None:
            report.screenshots += _widest_figures(browser, html_dir, report.figures, screenshots)
    finally:
        if own_browser:
            browser.close()
    return report


def _widest_figures(
    browser: Browser, html_dir: Path, figures: list[dict], folder: Path, n: int = 2
) -> list[Path]:
    """Screenshots of the ``n`` figures widest in their PNG, each scrolled into the middle of the window."""
    shots = []
    widest = sorted(figures, key=lambda f: -f["natural"][0])[:n]
    for i, figure in enumerate(widest, start=1):
        page = browser.open((html_dir / f"{figure['page']}.html").as_uri())
        try:
            page.evaluate(
                "(() => { const img = Array.from(document.images).find(i => i.src.endsWith("
                + repr("/" + figure["src"])
                + ")); if (img) img.scrollIntoView({block: 'center'}); })()"
            )
            shots.append(page.screenshot(folder / f"widest-figure-{i}.png"))
        finally:
            page.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    """Command line: check a built book, print what was found, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", type=Path, default=ROOT / "book" / "_build" / "html")
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for intro.png and figure.png")
    parser.add_argument("--toc", type=Path, default=TOC)
    parser.add_argument(
        "--forbid",
        action="append",
        default=[],
        metavar="PATH",
        help="a folder of the machine that built the book, beyond this project's root, its results "
        "directory and its Python environment, that no page may show (repeatable)",
    )
    args = parser.parse_args(argv)
    if not (args.html_dir / "index.html").is_file():
        print(f"no built book at {args.html_dir}: run `make book` first", file=sys.stderr)
        return 1
    if find_chromium() is None:
        print("Chromium not found: install it (Debian/Ubuntu: apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        forbidden = (*machine_paths(), *args.forbid)
        report = check_book(args.html_dir, screenshots=args.screenshots, toc=args.toc, forbidden=forbidden)
    except BrowserError as err:
        print(f"book check: {err}", file=sys.stderr)
        return 2
    print(report.summary())
    for shot in report.screenshots:
        print(f"screenshot: {shot}")
    for figure in sorted(report.figures, key=lambda f: -f["natural"][0])[:2]:
        print(
            f"widest figure: {figure['page']} {figure['src']}: {figure['natural'][0]}x{figure['natural'][1]} px, "
            f"shown at {figure['rendered'][0]}x{figure['rendered'][1]}, smallest text {figure['text_px']} px"
        )
    for problem in report.problems:
        print(f"  - {problem}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
