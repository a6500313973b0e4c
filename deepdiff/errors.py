"""Exceptions with messages meant for users: what, where, and what to do."""

from __future__ import annotations


class DeepDiffError(Exception):
    """Base class of every error this package raises on purpose."""


class DataError(DeepDiffError, ValueError):
    """Bad input data: the message names the file, line or gene and the fix."""


class DownloadError(DeepDiffError, OSError):
    """A download failed or could not be verified; the message says how to fetch by hand."""


class ConfigError(DeepDiffError, ValueError):
    """An unknown variant, pair, profile, device or method."""
