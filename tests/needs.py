"""What a test needs from the machine, and the rule when it is missing: skip here, fail in CI.

A developer's clone may lack the real data beside it (``../shared``), a browser or a tool; the
tests that need them are skipped there, with the reason. A continuous-integration run
(``CI`` set to a true value, as ``.ci/run`` and GitHub Actions do) promises to test everything,
so there the same test fails instead of skipping silently.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True on a continuous-integration runner (``CI`` set to ``1``, ``true`` or ``yes``)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Stop the test because something it needs is missing: a failure in CI, a skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)  # also at the top of a module or conftest
