"""The reader's-eye checks of the built book, on small hand-made pages."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from deepdiff import methods
from deepdiff.report import paper
from scripts.book_check import (
    VERDICT_MARKER,
    check_book,
    check_cut_off,
    check_figures,
    check_links,
    check_machine_paths,
    check_math,
    check_page,
    check_run_counts,
    check_sidebar,
    check_status_text,
    machine_paths,
    readable_scale,
    run_counts,
    status_expectations,
    toc_documents,
)
from scripts.chromium import Browser
from tests.book.helpers import chromium_or_skip
from tests.conftest import ROOT


def _png(width: int = 4, height: int = 3) -> bytes:
    """A valid grey PNG, written with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _page(title: str, body: str) -> str:
    filler = "<p>" + "Words a reader reads. " * 20 + "</p>"
    return f"<html><body><main><h1 id='top'>{title}</h1>{filler}{body}</main></body></html>"


def test_toc_documents_reads_parts_chapters_and_sections(tmp_path: Path) -> None:
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: A\n    chapters:\n      - file: a.md\n"
        "        sections:\n          - file: a/b\n      - file: notebooks/c.ipynb\n",
        encoding="utf-8",
    )
    assert toc_documents(toc) == ["intro", "a", "a/b", "notebooks/c"]
    assert toc_documents(ROOT / "_toc.yml")[0] == "intro"


def test_check_links_finds_missing_files_and_anchors_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "a.html").write_text(
        '<a id="here" href="#here">self</a><a href="sub/b.html#there">ok</a>'
        '<a href="sub/b.html#nowhere">bad anchor</a><a href="gone.html">missing</a>'
        '<a href="https://example.org/x.html">external</a><a href="mailto:a@b.c">mail</a>'
        '<img src="sub/pic.png"><script src="_static/x.js"></script>',
        encoding="utf-8",
    )
    (tmp_path / "sub" / "b.html").write_text(
        '<p id="there"></p><a href="../a.html#here">back</a>', encoding="utf-8"
    )
    (tmp_path / "sub" / "pic.png").write_bytes(_png())
    (tmp_path / "_static" / "x.js").write_text("", encoding="utf-8")
    (tmp_path / "_static" / "template.html").write_text('<a href="{{ pathto(x) }}">', encoding="utf-8")

    problems, checked = check_links(tmp_path)
    assert checked == 7
    assert problems == [
        "a.html: link to a missing anchor: sub/b.html#nowhere",
        "a.html: link to a missing file: gone.html",
    ]


def test_check_sidebar_finds_pages_beyond_the_table_of_contents(tmp_path: Path) -> None:
    def page(*links: str) -> str:
        items = "".join(f'<li><a class="reference internal" href="{link}">x</a></li>' for link in links)
        return (
            '<html><body><a href="elsewhere.html">top</a><div class="bd-sidebar-primary"><nav><ul>'
            f"{items}</ul><br></nav></div><a href='api/deepdiff.x.html'>body</a></body></html>"
        )

    (tmp_path / "intro.html").write_text(page("#", "quickstart.html", "api.html"))
    assert check_sidebar(tmp_path, ["intro", "quickstart", "api"]) == []
    (tmp_path / "intro.html").write_text(
        page("quickstart.html", "api.html", "_autosummary/deepdiff._util.io.html")
    )
    (problem,) = check_sidebar(tmp_path, ["intro", "quickstart", "api"])
    assert "1 page(s)" in problem and "_autosummary/deepdiff._util.io" in problem


def test_status_expectations_cover_every_result_of_the_paper() -> None:
    expected = status_expectations()
    claims = paper.ALL_CLAIMS
    n_tables = len(methods.PAPER_VARIANTS) + len(methods.APPENDIX_VARIANTS)
    assert len(expected) == n_tables + 3 + len(claims)
    text = " ".join(
        [
            *(f"Table 1: {methods.label(v)} relative PCC" for v in methods.PAPER_VARIANTS),
            *(f"Appendix Table 3: {methods.label(v)} relative PCC" for v in methods.APPENDIX_VARIANTS),
            "Figure 4: all",
            "Figure 5: x",
            "Appendix Figure 2: y",
        ]
        + [f"{c.figure}: {c.statement}" for c in claims]
    )
    assert check_status_text(text, expected) == []
    missing = check_status_text(text.replace("Table 1: Raw:c relative", ""), expected)
    assert len(missing) == 1 and "Raw:c" in missing[0]


@pytest.fixture(scope="module")
def browser() -> Browser:
    chromium_or_skip()
    with Browser() as running:
        yield running


def test_page_probe_reports_broken_images_errors_and_missing_figures(
    tmp_path: Path, browser: Browser
) -> None:
    (tmp_path / "ok.png").write_bytes(_png())
    (tmp_path / "notebooks").mkdir()
    good = tmp_path / "good.html"
    good.write_text(_page("Fine", '<div class="cell_output"><img src="ok.png"></div>'), encoding="utf-8")
    bad = tmp_path / "notebooks" / "bad.html"
    bad.write_text(
        _page(
            "Broken",
            '<img src="missing.png"><div class="cell_output"><div class="output traceback">'
            "Traceback (most recent call last):\n  ValueError: boom</div></div>",
        ),
        encoding="utf-8",
    )
    page = browser.open(good.as_uri())
    problems, found = check_page(page, "good")
    page.close()
    assert problems == []
    assert found["images"][0]["width"] == 4

    page = browser.open(bad.as_uri())
    problems, _ = check_page(page, "notebooks/bad")
    page.close()
    text = "\n".join(problems)
    assert "broken image" in text and "missing.png" in text
    assert "without any figure" in text
    assert "shows an error" in text and "Python traceback" in text


def test_check_book_opens_every_page_and_takes_screenshots(tmp_path: Path, browser: Browser) -> None:
    html = tmp_path / "html"
    (html / "notebooks").mkdir(parents=True)
    (html / "fig.png").write_bytes(_png(300, 200))
    (html / "intro.html").write_text(
        _page("Intro", f'<p>0 of 25 {VERDICT_MARKER}.</p><a href="notebooks/one.html#top">one</a>'),
        encoding="utf-8",
    )
    (html / "notebooks" / "one.html").write_text(
        _page("One", '<div class="cell_output"><img src="../fig.png"></div>'), encoding="utf-8"
    )
    (html / "status.html").write_text(
        _page("Status", "<table><tr><td>Figure 4: ok</td></tr></table>"), encoding="utf-8"
    )
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: notebooks/one\n  - file: status\n",
        encoding="utf-8",
    )

    shots = tmp_path / "shots"
    report = check_book(
        html,
        screenshots=shots,
        toc=toc,
        expected_status={"Figure 4": ("Figure 4:",), "Figure 5": ("Figure 5:",)},
        browser=browser,
    )
    assert report.pages == ["intro", "notebooks/one", "status"]
    assert report.problems == ["status: does not list Figure 5 (looked for 'Figure 5:')"]
    assert sorted(p.name for p in report.screenshots) == ["figure.png", "intro.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in report.screenshots)


def _figure(**overrides: object) -> dict:
    image = {
        "src": "file:///b/_images/abc.png",
        "width": 800,
        "rendered": 800.0,
        "in_article": True,
        "alt": "Line plot of attention along the bins",
        "caption": "Fig. 1 Mean attention per bin of each mark, simulated data.",
        "number": "Fig. 1",
    }
    return image | overrides


def test_figures_need_a_number_a_caption_words_for_alt_and_readable_text() -> None:
    assert check_figures("p", [_figure()]) == []
    assert check_figures("p", [_figure(in_article=False, alt="")]) == [], "the theme's icons are not figures"
    found = "\n".join(
        check_figures(
            "p",
            [_figure(number="", caption="", alt="0f3a9c1d2e4b5a6c7d8e.png", width=1705, rendered=800.0)],
        )
    )
    assert "no number" in found and "no caption" in found and "no alt text in words" in found
    assert "smallest text" in found and "under 9 px" in found
    assert 0.5 < readable_scale() < 1
    at_limit = _figure(width=1000, rendered=1000 * readable_scale() + 0.5)
    assert check_figures("p", [at_limit]) == []


def test_raw_tex_and_untypeset_formulas_are_found() -> None:
    clean = {"prose": "y = log2 of a ratio", "math": 2, "math_unrendered": []}
    assert check_math("p", clean) == []
    raw = {"prose": r"the target \(y = \frac{a}{b}\) here", "math": 2, "math_unrendered": [r"\(y\)"]}
    found = check_math("p", raw)
    assert len(found) == 2 and "not typeset" in found[0] and "raw TeX" in found[1]
    assert check_math("p", clean | {"prose": "$$ y $$"})


def test_cut_cells_paths_and_run_counts_are_found() -> None:
    tables = [{"header": ["", "rule"], "rows": [["0", "compares every pair of ..."], ["1", "full text."]]}]
    assert "1 table cell(s) cut off" in check_cut_off("p", tables)[0]
    assert check_cut_off("p", [{"header": [], "rows": [["whole"]]}]) == []
    assert check_machine_paths("p", "runs in /home/me/proj/results", ["/home/me/proj"])
    assert check_machine_paths("p", "runs in results", ["/home/me/proj"]) == []
    assert str(ROOT) in machine_paths()
    table = {"header": ["", "context", "runs"], "rows": [["0", "simulated, profile book", "25"]]}
    counts = run_counts([table])
    assert counts == {"simulated, profile book": "25"}
    same = {"status": counts, "notebooks/05_results": counts}
    assert check_run_counts(same) == []
    differ = {"status": {"simulated, profile book": "26"}, "notebooks/05_results": counts}
    assert "counts 25 runs" in check_run_counts(differ)[0]
    assert check_run_counts({"status": {}, "notebooks/05_results": counts})


def test_a_page_with_a_good_and_a_bad_figure_math_and_paths(tmp_path: Path, browser: Browser) -> None:
    (tmp_path / "wide.png").write_bytes(_png(1705, 300))
    good = (
        '<figure><img src="wide.png" alt="Three line plots of attention one under the other" style="width:1705px">'
        '<figcaption><span class="caption-number">Fig. 1 </span>Attention per bin, simulated data.</figcaption></figure>'
    )
    bad = '<figure><img src="wide.png" alt="d41d8cd98f00b204e9800998ecf8427e" style="width:600px"></figure>'
    body = (
        f"<article>{good}{bad}</article><p>Formula <span class='math'>\\(y = \\frac{{a}}{{b}}\\)</span></p>"
        "<p>results in /build/machine/results</p><pre>[IPKernelApp] WARNING | Kernel is running over TCP without encryption.</pre>"
    )
    path = tmp_path / "page.html"
    path.write_text(_page("Page", body), encoding="utf-8")
    page = browser.open(path.as_uri())
    try:
        problems, found = check_page(page, "page", forbidden=["/build/machine"])
    finally:
        page.close()
    text = "\n".join(problems)
    assert "no number" in text and "no alt text in words" in text and "under 9 px" in text
    assert "not typeset" in text and "raw TeX" in text
    assert "shows the build machine's folder /build/machine" in text
    assert "shows the build's log line" in text
    assert found["images"][0]["number"].startswith("Fig. 1")
