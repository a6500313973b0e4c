"""Sphinx extension: pages that summarise the results directory are re-read on every build, last.

Sphinx re-reads a page only when its source changed; the reproduction status page and the verdict
of the landing page must also follow the results that appeared since the last build, so they are
marked outdated every time (with ``mystnb: execution_mode: force`` in their front matter they are
then executed again), and read after every other page, so that they see the runs the chapters
just made. The pages are named by the config value ``live_pages`` (document names, e.g. ``["status"]``).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def _always_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """The live pages that exist and are not already being re-read."""
    return [
        doc
        for doc in app.config.live_pages
        if doc in env.found_docs and doc not in added and doc not in changed
    ]


def _read_last(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Move the live pages to the end of the reading order (in place, as Sphinx asks)."""
    live = [doc for doc in app.config.live_pages if doc in docnames]
    docnames[:] = [doc for doc in docnames if doc not in live] + live


def setup(app: Sphinx) -> dict[str, Any]:
    """Register ``live_pages`` and the hooks."""
    app.add_config_value("live_pages", [], "env", types=[list])
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-before-read-docs", _read_last)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
