"""Sphinx extension: forget API pages of modules that no longer exist.

``sphinx.ext.autosummary`` writes one page per module into ``_autosummary/`` and never deletes
one, so a renamed or removed module would leave a page whose import fails (a warning, an error
under ``-W``). Before autosummary runs, the pages of modules that cannot be found are removed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where ``book/api.md`` asks autosummary to write its pages (``:toctree: _autosummary``).
STUB_DIR = "_autosummary"


def module_exists(name: str) -> bool:
    """True when the module ``name`` can be found (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package is missing or broken
        return False


def stale_stubs(folder: Path) -> list[Path]:
    """The ``<module>.rst`` pages in ``folder`` whose module cannot be found."""
    if not folder.is_dir():
        return []
    return [page for page in sorted(folder.glob("*.rst")) if not module_exists(page.stem)]


def _prune(app: Sphinx) -> None:
    for page in stale_stubs(Path(app.srcdir) / STUB_DIR):
        logger.info(f"[api_stubs] removing the page of a module that no longer exists: {page.name}")
        page.unlink()


def setup(app: Sphinx) -> dict[str, Any]:
    """Run before autosummary generates its pages (its handler has the default priority 500)."""
    app.connect("builder-inited", _prune, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
