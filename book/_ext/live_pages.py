"""Sphinx extension: pages that summarise the results directory are re-read on every build.

Sphinx re-reads a page only when its source changed; the reproduction status page must also
follow the results that appeared since the last build, so it is marked outdated every time
(with ``mystnb: execution_mode: force`` in its front matter it is then executed again).
The pages are named by the config value ``live_pages`` (document names, e.g. ``["status"]``).
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


def setup(app: Sphinx) -> dict[str, Any]:
    """Register ``live_pages`` and the hook."""
    app.add_config_value("live_pages", [], "env", types=[list])
    app.connect("env-get-outdated", _always_outdated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
