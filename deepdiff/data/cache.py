"""Where cached data lives, and a binary cache of parsed split files.

Layout under the cache directory::

    downloads/<commit>/data/...             verified copies of the authors' files
    parsed/split-v<reader>-<sha1>.npz       parsed arrays of one split file

A parsed entry is keyed by the git blob SHA-1 of the source file's bytes (and the reader version),
so an edited file is parsed again and two copies of the same file share one entry. Entries are
written atomically; an unreadable entry is ignored and rewritten.
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from deepdiff._util.io import atomic_write_bytes
from deepdiff._util.paths import APP_NAME
from deepdiff.constants import N_BINS, N_MARKS
from deepdiff.data.containers import CellSplit
from deepdiff.data.manifest import git_blob_sha1
from deepdiff.data.remc_format import READER_VERSION, Expression, parse_expression, parse_split, read_bytes

#: Environment variable that moves the cache (the ``cache_dir`` argument wins over it).
CACHE_ENV = "DEEPDIFF_CACHE_DIR"

T = TypeVar("T")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A parsed file with the git blob SHA-1 of its bytes."""

    value: T
    checksum: str


@dataclass(frozen=True)
class CacheSummary:
    """What the cache holds.

    Attributes
    ----------
    root : Path
    downloads : list of (str, int)
        Downloaded files (path relative to ``root/downloads``) and their sizes in bytes.
    parsed_entries : int
    parsed_bytes : int
    """

    root: Path
    downloads: list[tuple[str, int]]
    parsed_entries: int
    parsed_bytes: int


def default_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``cache_dir`` if given, else ``$DEEPDIFF_CACHE_DIR``, else the per-user cache."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs  # only needed for the default location

    return Path(platformdirs.user_cache_dir(APP_NAME))


def parsed_path(cache_dir: str | os.PathLike[str], checksum: str) -> Path:
    """Where the parsed arrays of a split file with git blob SHA-1 ``checksum`` are kept."""
    return Path(cache_dir) / "parsed" / f"split-v{READER_VERSION}-{checksum}.npz"


def save_split(path: str | os.PathLike[str], split: CellSplit) -> Path:
    """Write ``split`` as an uncompressed ``.npz`` atomically (no pickles)."""
    buffer = io.BytesIO()
    np.savez(buffer, genes=split.genes, symbols=split.symbols, counts=split.counts)
    return atomic_write_bytes(path, buffer.getvalue())


def read_cached_split(path: str | os.PathLike[str]) -> CellSplit | None:
    """The split stored at ``path``, or None if it is missing, unreadable or inconsistent."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            genes, symbols, counts = stored["genes"], stored["symbols"], stored["counts"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    n = len(genes)
    if counts.shape != (n, N_MARKS, N_BINS) or symbols.shape != (n,) or counts.dtype.kind != "u":
        return None
    return CellSplit(genes=genes, symbols=symbols, counts=counts)


def load_split(
    path: str | os.PathLike[str], *, cache_dir: str | os.PathLike[str] | None = None, use_cache: bool = True
) -> Loaded[CellSplit]:
    """Read one split file through the binary cache.

    Parameters
    ----------
    path : path-like
        The CSV split file; its bytes are always read and hashed, so the cache cannot go stale.
    cache_dir : path-like, optional
        See :func:`default_cache_dir`.
    use_cache : bool
        False parses the file and neither reads nor writes the cache.

    Returns
    -------
    Loaded[CellSplit]
    """
    data = read_bytes(path)
    checksum = git_blob_sha1(data)
    if not use_cache:
        return Loaded(parse_split(data, path), checksum)
    target = parsed_path(default_cache_dir(cache_dir), checksum)
    cached = read_cached_split(target)
    if cached is not None:
        return Loaded(cached, checksum)
    split = parse_split(data, path)
    try:
        save_split(target, split)
    except OSError as err:  # a read-only cache slows later loads but must not stop this one
        warnings.warn(f"could not write the data cache {target}: {err}", RuntimeWarning, stacklevel=2)
    return Loaded(split, checksum)


def load_expression(path: str | os.PathLike[str]) -> Loaded[Expression]:
    """Read one expression file (small: parsed every time) with its git blob SHA-1."""
    data = read_bytes(path)
    return Loaded(parse_expression(data, path), git_blob_sha1(data))


def describe_cache(cache_dir: str | os.PathLike[str] | None = None) -> CacheSummary:
    """List what the cache holds (downloads and parsed entries); a missing cache is empty."""
    root = default_cache_dir(cache_dir)
    downloads_root = root / "downloads"
    downloads = sorted(
        (p.relative_to(downloads_root).as_posix(), p.stat().st_size)
        for p in (downloads_root.rglob("*") if downloads_root.is_dir() else [])
        if p.is_file() and not p.name.startswith(".")
    )
    parsed = list((root / "parsed").glob("*.npz")) if (root / "parsed").is_dir() else []
    return CacheSummary(
        root=root,
        downloads=downloads,
        parsed_entries=len(parsed),
        parsed_bytes=sum(p.stat().st_size for p in parsed),
    )
