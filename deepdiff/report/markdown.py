"""Text from outside (a bundle's manifest, a run's metrics, a user's file) made safe for Markdown pages.

The book's pages are Markdown read by MyST, which passes raw HTML through: a label such as
``<img src=x onerror=...>`` from a downloaded bundle would run in every reader's browser. Every
such string goes through :func:`text` (shown as written, nothing interpreted) or :func:`code`
(an inline code span) before it enters a page.
"""

from __future__ import annotations

import re

#: Characters with a meaning inside a line of Markdown or MyST (HTML, links, code, emphasis, roles,
#: math, tables), escaped with "\\"; those that matter only at a line's start never are there.
_SPECIAL = re.compile(r"([\\`*_{}\[\]|~$<>&\"])")


def text(value: object) -> str:
    """``value`` as literal Markdown text: every Markdown character escaped, and no HTML."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return (
        escaped.replace("\\<", "&lt;").replace("\\>", "&gt;").replace("\\&", "&amp;").replace('\\"', "&quot;")
    )


def code(value: object) -> str:
    """``value`` as an inline code span (its content is shown as is, never interpreted as HTML).

    The fence is one backtick longer than the longest run of backticks inside, as CommonMark asks;
    line breaks become spaces (a code span is one line).
    """
    content = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") or not content else ""
    return f"{fence}{pad}{content}{pad}{fence}"
