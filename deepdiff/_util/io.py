"""Atomic writes: a reader never sees a half-written file or result directory."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~creation_mask())  # mkstemp's 0600 would hide results from a shared group
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Text version of :func:`atomic_write_bytes` (UTF-8)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as indented, key-sorted JSON, atomically."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


@contextmanager
def atomic_directory(
    path: str | os.PathLike[str], *, keep_existing: Callable[[Path], bool] | None = None
) -> Iterator[Path]:
    """Yield a fresh temporary sibling directory; on success it becomes ``path``, whole.

    Safe with concurrent writers of the same ``path`` (two processes computing the same result):
    each writes its own uniquely named temporary directory, and one ``rename`` puts a complete one
    in place, so ``path`` never holds a mix of two writers' files and no writer fails because
    another wrote first. A directory already at ``path`` when this one is complete is kept (this
    one is discarded) when ``keep_existing(path)`` says so; otherwise it is replaced: moved aside
    under a unique name, this one renamed in, the old one deleted. Should another writer's
    directory land in between, that one is kept. A reader sees a complete directory, or, for the
    instant of a replacement, none.

    Parameters
    ----------
    path : path-like
    keep_existing : callable, optional
        Called with ``path`` when something is there at commit time; True keeps it. Writers of a
        result pass "it is a complete result of the same run", so that when two of them compute
        the same run, the first to finish wins and nobody's reader sees it replaced.

    On an exception the temporary directory is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        tmp.chmod(0o777 & ~creation_mask())  # as mkdir would make it, not mkdtemp's 0700
        yield tmp
        commit_directory(tmp, path, keep_existing)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@dataclass(frozen=True)
class OutputFolder:
    """What a command writes into its output folder: all that ``--force`` may replace.

    Attributes
    ----------
    command : str
        The command, for messages (``predict``).
    marker : str
        A file every output of the command holds (its provenance file).
    names : str
        A regular expression every name the command writes there matches (whole).
    """

    command: str
    marker: str
    names: str

    def owns(self, entry: Path) -> bool:
        """Whether ``entry`` (in an output folder) is a plain file this command writes."""
        return entry.is_file() and not entry.is_symlink() and re.fullmatch(self.names, entry.name) is not None


def check_new_directory(
    path: str | os.PathLike[str],
    overwrite: bool,
    hint: str = "",
    *,
    writes: OutputFolder | None = None,
    inputs: Mapping[str, str | os.PathLike[str] | None] | None = None,
) -> Path:
    """The output folder ``path``, absolute, checked before any long work: a DataError when it may not
    be written.

    For outputs written with :func:`atomic_directory`. Refused: a ``path`` that is a file; one that
    is, or holds, any of ``inputs`` (option -> path); one that holds something, unless
    ``overwrite``, and then, with ``writes``, unless it is an earlier output of the same command
    (its marker file and nothing but files the command writes): ``--force`` replaces what the
    command wrote, never anything else.
    """
    from deepdiff.errors import DataError

    out = Path(path).expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise DataError(f"--out {path} is a file, not a folder; choose another --out{hint}")
    resolved = out.resolve()
    for option, given in (inputs or {}).items():
        if given is None:
            continue
        held = Path(given).expanduser().resolve()
        if held == resolved or resolved in held.parents:
            raise DataError(
                f"--out {path} {'is' if held == resolved else 'holds'} the {option} ({given}), which "
                f"writing there{' with --force' if overwrite else ''} would delete; choose another --out{hint}"
            )
    if not out.exists() or not any(out.iterdir()):
        return out
    if not overwrite:
        raise DataError(
            f"{path} already exists and is not empty; choose another --out or pass --force to replace it{hint}"
        )
    if writes is not None:
        foreign = sorted(e.name for e in out.iterdir() if not writes.owns(e))
        if foreign or not (out / writes.marker).is_file():
            what = (
                f"holds {foreign[0]}, which {writes.command} did not write"
                if foreign
                else (f"has no {writes.marker}: {writes.command} did not write it")
            )
            raise DataError(
                f"--out {path} {what}; --force replaces only an earlier output of {writes.command}, never "
                f"anything else. Choose another --out{hint}"
            )
    return out


def commit_directory(tmp: Path, path: Path, keep_existing: Callable[[Path], bool] | None = None) -> None:
    """Rename the complete directory ``tmp`` (a sibling of ``path``) to ``path``, as
    :func:`atomic_directory` does on success: safe with concurrent writers, an existing directory
    kept when ``keep_existing(path)`` says so, else replaced; on an exception ``path`` is as it was."""
    if _rename_unless_taken(tmp, path):
        return
    if keep_existing is not None and keep_existing(path):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    # Replace: move the old directory aside under a unique name (concurrent writers never collide
    # there), put this one in its place, delete the old one.
    aside: Path | None = path.with_name(f".{path.name}.{uuid.uuid4().hex}.old")
    try:
        os.rename(path, aside)
    except FileNotFoundError:  # another writer moved it aside first
        aside = None
    try:
        if not _rename_unless_taken(tmp, path):  # another writer's directory landed first: keep it
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        if aside is not None and not _restore(aside, path):
            shutil.rmtree(aside, ignore_errors=True)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _restore(aside: Path, path: Path) -> bool:
    """Put the directory moved aside back at ``path``; False when that is not possible."""
    try:
        return _rename_unless_taken(aside, path)
    except OSError:
        return False


def creation_mask() -> int:
    """The process's file mode creation mask (umask), read without changing it where the system allows.

    Files made by ``tempfile`` are private (0600, 0700); chmod them to ``0o666 & ~creation_mask()``
    (``0o777`` for directories) before they become results, as ``open``/``mkdir`` would make them.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, then put it back
    os.umask(mask)
    return mask


def _rename_unless_taken(source: Path, target: Path) -> bool:
    """``os.rename(source, target)``; False, changing nothing, when ``target`` is a non-empty directory.

    POSIX ``rename`` replaces an empty directory and refuses a non-empty one (``ENOTEMPTY``, or
    ``EEXIST`` on some systems).
    """
    try:
        os.rename(source, target)
    except OSError as err:
        if err.errno in (errno.ENOTEMPTY, errno.EEXIST):
            return False
        raise
    return True
