"""What the book's tests share: the Chromium they drive, and the rule when it is missing."""

from __future__ import annotations

import os

import pytest

from scripts.chromium import find_chromium


def in_ci() -> bool:
    """True on a continuous-integration runner (``CI`` set to a true value, as GitHub Actions does)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_or_skip() -> str:
    """The Chromium executable; a missing one fails the test in CI and skips it elsewhere."""
    path = find_chromium()
    if path is None:
        reason = (
            "headless Chromium is needed to check the book as a reader would, and none was found "
            "(install it: `apt-get install chromium`, which `make test` does where it can; or set CHROMIUM)"
        )
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return path
