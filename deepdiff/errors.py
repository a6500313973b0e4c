"""Exceptions with messages meant for users: what, where, and what to do."""

from __future__ import annotations

from collections.abc import Collection


class DeepDiffError(Exception):
    """Base class of every error this package raises on purpose."""


class DataError(DeepDiffError, ValueError):
    """Bad input data: the message names the file, line or gene and the fix."""


class DownloadError(DeepDiffError, OSError):
    """A download failed or could not be verified; the message says how to fetch by hand."""


class ConfigError(DeepDiffError, ValueError):
    """An unknown variant, pair, profile, device or method."""


def check_choice(
    value: str, choices: Collection[str], what: str, *, setting: str | None = None, where: str | None = None
) -> str:
    """``value`` when it is one of ``choices``; otherwise a :class:`ConfigError` that lists them.

    Parameters
    ----------
    value : str
    choices : collection of str
        The allowed values, in the order the message lists them.
    what : str
        What the value is (``"profile"``, ``"data source"``).
    setting : str, optional
        The name the user gave it under (``"grid setting profile"``, ``"parameter data"``): the
        message then reads ``SETTING='value' is unknown`` rather than ``unknown WHAT 'value'``.
    where : str, optional
        The file or entry the value was read from, put first.

    Raises
    ------
    ConfigError
        ``[WHERE: ]unknown WHAT 'value'; choose one of a, b, c``.
    """
    if value in choices:
        return value
    prefix = f"{where}: " if where else ""
    problem = f"{setting}={value!r} is unknown" if setting else f"unknown {what} {value!r}"
    raise ConfigError(f"{prefix}{problem}; choose one of {', '.join(choices)}")
