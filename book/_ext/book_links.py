"""Sphinx extension: the links of the landing page, made from the repository and base URL of ``_config.yml``.

A fork changes ``repository.url`` (and ``html.baseurl``, where its book is published) in ``_config.yml``;
every link the pages show is made here from those two values, so nothing else names the repository.
The MyST substitution ``{{ book_links }}`` is the published book, its PDF, the repository and where the
results bundles of the book's workflow are kept.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

#: The book's workflow (it keeps the merged results bundle of the paper's grid as an artifact).
WORKFLOW = ".github/workflows/book.yml"
#: The PDF the workflow puts beside the pages.
PDF_NAME = "deepdiff-book.pdf"


def book_links(repository_url: str, base_url: str) -> str:
    """The landing page's links as one line of Markdown (empty parts are left out)."""
    links = []
    if base_url:
        base = base_url if base_url.endswith("/") else base_url + "/"
        links += [f"[the published book]({base})", f"[its PDF]({base}{PDF_NAME})"]
    if repository_url:
        repo = repository_url.rstrip("/")
        links.append(f"[the repository]({repo})")
        links.append(
            f"[results bundles]({repo}/actions/workflows/{WORKFLOW.rsplit('/', 1)[-1]}) (the `grid-results` "
            "artifact of a run of the book's workflow; add one with `deepdiff results unpack`)"
        )
    return "Links: " + ", ".join(links) + "." if links else ""


def _add_substitutions(app: Sphinx, config: Config) -> None:
    options = config.html_theme_options or {}
    text = book_links(str(options.get("repository_url", "")), str(config.html_baseurl or ""))
    config.myst_substitutions = {**(config.myst_substitutions or {}), "book_links": text}


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hook (after jupyter-book has turned ``_config.yml`` into Sphinx's configuration)."""
    app.connect("config-inited", _add_substitutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
