"""Printing the book to PDF with headless Chromium."""

from __future__ import annotations

from pathlib import Path

from scripts.book_pdf import BOOK, print_pdf, single_page
from tests.book.helpers import chromium_or_skip


def test_single_page_is_named_after_the_root_of_the_toc() -> None:
    assert single_page() == BOOK / "_build" / "singlehtml" / "intro.html"


def test_print_pdf_writes_a_pdf(tmp_path: Path) -> None:
    chromium_or_skip()
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>DeepDiff</h1>" + "<p>text</p>" * 50 + "</body></html>", encoding="utf-8")
    pdf = print_pdf(page, tmp_path / "out" / "book.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 2000
