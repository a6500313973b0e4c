"""What the book's tests share: the Chromium they drive, and the rule when it is missing."""

from __future__ import annotations

from scripts.chromium import find_chromium
from tests.needs import unavailable


def chromium_or_skip() -> str:
    """The Chromium executable; a missing one fails the test in CI and skips it elsewhere."""
    path = find_chromium()
    if path is None:
        unavailable(
            "headless Chromium is needed to check the book as a reader would, and none was found "
            "(install it: `apt-get install chromium`, which `make test` does where it can; or set CHROMIUM)"
        )
    return path
