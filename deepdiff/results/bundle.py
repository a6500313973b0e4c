"""Results bundles: a results directory's runs without the bulky files, with a manifest of checksums.

A grid run once (on a cluster, or in shards on hosted runners) is published as a bundle, and the
book is built from it without training anything again. A bundle is a gzip-compressed tar file::

    MANIFEST.json                           what is in it (see below); the first member
    <pair>/<method>/<seed-key>/metrics.json     every complete run
    <pair>/<method>/<seed-key>/predictions.csv
    <pair>/<method>/<seed-key>/attention.npz    only the runs the book's Figure 5 reads

Only the files named in :data:`RUN_FILES` go in (anything else in a run directory, such as saved
model weights, never does), and ``attention.npz`` only for the runs a :data:`AttentionChoice` keeps.
``MANIFEST.json`` holds the format and its version, when and by which code version the bundle
was packed, a free-text ``label``, the grid it holds (when packed for one), the parent bundles of
a merge, and the SHA-256 and size of every file. :func:`unpack` refuses a bundle in which a file
fails its checksum or size, is missing, is not listed, or is not a plain file inside a run
directory (naming the file), one whose manifest is not well formed, one with a run whose
``metrics.json`` does not describe that run (its fields, and the pair, method, seed and key its
folder is named by), and one over a size limit (:class:`BundleLimits`); nothing is unpacked
then. A plain ``http://`` bundle needs its SHA-256, and no download follows a redirect from
https to http. It unpacks into a temporary folder beside the results, checks everything, and only then
moves each run into place with one rename, so a reader never sees a half-unpacked run. Each
unpacked bundle leaves a record in ``<results>/.bundles/`` (read by :func:`bundle_records`) of
the runs it added, so that the status page can say where its runs came from.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, ClassVar

from deepdiff._util.io import atomic_write_json, commit_directory, creation_mask
from deepdiff.data.download import download_checked, file_sha256, sha256_check
from deepdiff.errors import ConfigError, DataError
from deepdiff.results.store import (
    ATTENTION_FILE,
    METRICS_FILE,
    PREDICTIONS_FILE,
    check_metrics,
    code_version,
    collect_results,
    is_complete,
    result_path,
)

if TYPE_CHECKING:
    import pandas as pd

#: Name of the manifest, the first member of every bundle.
MANIFEST = "MANIFEST.json"
#: ``format`` of the manifest, and the version this code writes and reads.
FORMAT = "deepdiff-results-bundle"
VERSION = 1
#: The files of a run that a bundle carries: always these two, and ``attention.npz`` where needed.
RUN_FILES: tuple[str, ...] = (METRICS_FILE, PREDICTIONS_FILE)
#: Where :func:`unpack` records the bundles it unpacked, inside the results directory.
RECORDS_DIR = ".bundles"
#: A run's path inside a bundle: pair / method / run folder, none of them hidden.
_RUN_PATH = re.compile(r"^[^./][^/]*/[^./][^/]*/[^./][^/]*$")
#: A file's checksum in the manifest: SHA-256, lowercase hex.
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: The manifest's descriptive fields and the types they must have when present.
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "created": (str,),
    "code_version": (str,),
    "label": (str,),
    "grid": (dict, type(None)),
    "parents": (list,),
}
#: What reading a damaged or truncated tar.gz raises (an error writing elsewhere is none of these).
_READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)
#: Bytes copied at a time when extracting: a member is never held in memory whole.
_CHUNK = 1 << 20
#: A bundle's own name when its URL ends in none (``/``, ``/..``): only a plain file name is used.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class BundleLimits:
    """The largest bundle this code reads, in MiB: its manifest, each file in it, and the whole.

    A bundle comes from outside: a small file may expand to a huge member, a huge manifest, or a
    download that never ends. Each limit is checked before the bytes are read (a member's and the
    manifest's sizes are in the tar headers and the manifest), with an error naming the limit and
    the environment variable that raises it.

    Attributes
    ----------
    manifest_mb : float
        ``MANIFEST.json`` (``$DEEPDIFF_BUNDLE_MAX_MANIFEST_MB``; a paper grid's is under 1 MiB).
    file_mb : float
        Each run's file (``$DEEPDIFF_BUNDLE_MAX_FILE_MB``; a genome's attention maps are a few MiB).
    total_mb : float
        The download, and the sum of the files unpacked (``$DEEPDIFF_BUNDLE_MAX_MB``).
    """

    manifest_mb: float = 16.0
    file_mb: float = 256.0
    total_mb: float = 8192.0

    #: Field -> environment variable that sets it.
    ENV: ClassVar[Mapping[str, str]] = {
        "manifest_mb": "DEEPDIFF_BUNDLE_MAX_MANIFEST_MB",
        "file_mb": "DEEPDIFF_BUNDLE_MAX_FILE_MB",
        "total_mb": "DEEPDIFF_BUNDLE_MAX_MB",
    }

    @classmethod
    def from_env(cls) -> BundleLimits:
        """The defaults, each replaced by its environment variable when that is set."""
        values: dict[str, float] = {}
        for field_name, var in cls.ENV.items():
            text = os.environ.get(var, "").strip()
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not value > 0:
                raise ConfigError(f"{var}={text!r} is not a positive number of MiB")
            values[field_name] = value
        return cls(**values)

    def bytes(self, field_name: str) -> int:
        return int(getattr(self, field_name) * 2**20)

    def over(self, field_name: str, what: str, size: int | str) -> str:
        """The message for ``what`` of ``size`` bytes, over the limit ``field_name``."""
        shown = f"{size / 2**20:.1f} MiB" if isinstance(size, int) else size
        return (
            f"{what} is {shown}, over the limit of {getattr(self, field_name):g} MiB for a results bundle; "
            f"if the bundle is trusted and really that large, raise the limit with {self.ENV[field_name]}=MiB"
        )


@dataclass(frozen=True)
class BundleInfo:
    """A bundle written or read: where, its SHA-256, and its manifest."""

    path: Path
    sha256: str
    manifest: dict[str, Any]

    @property
    def runs(self) -> list[str]:
        """Run directories, relative to a results directory."""
        return list(self.manifest["runs"])

    def describe(self) -> str:
        """One line: file, runs, size of the files, checksum, label."""
        size = sum(int(f["bytes"]) for f in self.manifest["files"].values())
        label = f" ({self.manifest['label']})" if self.manifest.get("label") else ""
        return (
            f"{self.path.name}: {len(self.runs)} runs, {len(self.manifest['files'])} files, "
            f"{size / 2**20:.1f} MiB unpacked; sha256 {self.sha256}{label}"
        )


# ----------------------------------------------------------------------------- what goes in


#: Which runs keep their ``attention.npz`` in a bundle: ``(results_dir, pairs) -> run directories``
#: (:func:`deepdiff.report.figure5.attention_runs`: the runs the book's Figure 5 reads).
AttentionChoice = Callable[[Path, Collection[str]], set[Path]]


#: Which runs of a results directory go in a bundle: ``collect_results`` rows -> the rows kept
#: (:func:`deepdiff.grid.aggregate.grid_runs`: the runs of one grid).
RunChoice = Callable[["pd.DataFrame"], "pd.DataFrame"]


def _run_files(
    results_dir: Path,
    attention_pairs: Collection[str],
    choose_runs: RunChoice | None = None,
    keep_attention: AttentionChoice | None = None,
) -> dict[str, Path]:
    """Bundle path -> file on disk, for every complete run under ``results_dir`` that ``choose_runs`` keeps."""
    root = results_dir.resolve()
    with_attention = keep_attention(root, attention_pairs) if keep_attention is not None else set()
    files: dict[str, Path] = {}
    results = collect_results(root)
    if choose_runs is not None:
        results = choose_runs(results)
    for path in results["path"]:
        run = Path(path).resolve()
        rel = run.relative_to(root).as_posix()
        if not _RUN_PATH.match(rel):
            continue  # not <pair>/<method>/<run>: not a result directory of this project's layout
        names = [*RUN_FILES, *((ATTENTION_FILE,) if run in with_attention else ())]
        for name in names:
            files[f"{rel}/{name}"] = run / name
    return files


# ----------------------------------------------------------------------------- writing


def _tar_member(tar: tarfile.TarFile, name: str, size: int, handle: io.BufferedIOBase) -> None:
    """One plain file, with fixed owner, mode and time (the same runs give the same members)."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = 0
    tar.addfile(info, handle)


def _write_bundle(out: Path, manifest: dict[str, Any], files: Mapping[str, Path]) -> Path:
    """Write the tar.gz through a temporary file and one rename: the manifest first, then the files."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~creation_mask())  # mkstemp's 0600 would hide the bundle from its readers
        with (
            os.fdopen(fd, "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz,
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            text = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
            _tar_member(tar, MANIFEST, len(text), io.BytesIO(text))
            for name in sorted(files):
                with open(files[name], "rb") as handle:
                    _tar_member(tar, name, int(manifest["files"][name]["bytes"]), handle)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return out


def _run_of(name: str) -> str:
    """The run directory a bundle file belongs to: its path without the file name."""
    return name.rsplit("/", 1)[0]


def _manifest(
    files: Mapping[str, Path],
    *,
    label: str | None,
    grid: Mapping[str, Any] | None,
    parents: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    runs = sorted({_run_of(name) for name in files})
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "label": label or "",
        "grid": dict(grid) if grid is not None else None,
        "parents": [dict(p) for p in parents],
        "runs": runs,
        "files": {
            name: {"sha256": file_sha256(path), "bytes": path.stat().st_size}
            for name, path in sorted(files.items())
        },
    }


def pack(
    results_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    label: str | None = None,
    grid: Mapping[str, Any] | None = None,
    attention_pairs: Collection[str] = (),
    choose_runs: RunChoice | None = None,
    keep_attention: AttentionChoice | None = None,
) -> BundleInfo:
    """Pack every complete run under ``results_dir`` into the bundle ``out`` (written atomically).

    Parameters
    ----------
    results_dir : path-like
    out : path-like
        The bundle (``.tar.gz``); replaced if it exists.
    label : str, optional
        Free text recorded in the manifest (e.g. where the runs were computed).
    grid : mapping, optional
        The grid the runs belong to (:meth:`deepdiff.grid.settings.GridConfig.to_mapping`), recorded in
        the manifest.
    choose_runs : callable, optional
        Which runs of ``results_dir`` go in (:data:`RunChoice`); None: every complete run. For a grid's
        bundle the command line passes :func:`deepdiff.grid.aggregate.grid_runs`, so that it holds the
        grid's runs (the jobs' pairs, methods and seeds, at its profile and on its data), not the other
        runs of ``results_dir`` (those of the book's own pages, say).
    attention_pairs : collection of str
        Passed to ``keep_attention``: pairs whose variants' attention is kept too (a shard's Figure 5 pair).
    keep_attention : callable, optional
        Which runs keep their ``attention.npz`` (:data:`AttentionChoice`; the command line passes
        :func:`deepdiff.report.figure5.attention_runs`). None: no run's attention is packed.

    Raises
    ------
    DataError
        When ``results_dir`` is not a directory or holds no complete run (of ``grid``).
    """
    root = Path(results_dir)
    if not root.is_dir():
        raise DataError(f"results directory {root} does not exist; nothing to pack")
    paths = _run_files(root, attention_pairs, choose_runs, keep_attention)
    if not paths and choose_runs is not None:
        raise DataError(
            f"{root} holds no run of the grid (its pairs, methods and seeds, profile and data); nothing to pack"
        )
    if not paths:
        raise DataError(f"{root} holds no complete run (metrics.json and predictions.csv); nothing to pack")
    manifest = _manifest(paths, label=label, grid=grid)
    path = _write_bundle(Path(out), manifest, paths)
    return BundleInfo(path, file_sha256(path), manifest)


# ----------------------------------------------------------------------------- reading and checking


def _check_file(name: str, entry: object, where: str) -> None:
    """A listed file: the canonical path of a run's file, with a checksum and a size."""
    allowed = {*RUN_FILES, ATTENTION_FILE}
    path = PurePosixPath(name)
    if str(path) != name:
        raise DataError(
            f"{where}: {MANIFEST} lists {name!r}, which is not written as {str(path)!r}; "
            "the bundle is refused (pack it again)"
        )
    if not _RUN_PATH.match(str(path.parent)) or path.name not in allowed or ".." in path.parts:
        raise DataError(
            f"{where}: {MANIFEST} lists {name!r}, which is not a run's "
            f"{', '.join(sorted(allowed))}; the bundle is refused"
        )
    if not isinstance(entry, dict) or not {"sha256", "bytes"} <= set(entry):
        raise DataError(f"{where}: {MANIFEST} has no checksum for {name}")
    sha256, size = entry["sha256"], entry["bytes"]
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise DataError(
            f"{where}: {MANIFEST} gives {name} the checksum {sha256!r}, not a SHA-256 "
            "(64 lowercase hex digits); the bundle is refused"
        )
    # bool is an int in Python, but never a size
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise DataError(
            f"{where}: {MANIFEST} gives {name} the size {size!r}, not a number of bytes; the bundle is refused"
        )


def _check_runs(runs: list[Any], files: Mapping[str, Any], where: str) -> None:
    """``runs``: each run once, exactly the runs the files belong to, each with its :data:`RUN_FILES`."""
    seen: set[str] = set()
    for run in runs:
        if not isinstance(run, str):
            raise DataError(f"{where}: {MANIFEST} lists the run {run!r}, not a path; the bundle is refused")
        if run in seen:
            raise DataError(f"{where}: {MANIFEST} lists the run {run} twice; the bundle is refused")
        seen.add(run)
    of_files = {_run_of(name) for name in files}
    unlisted, empty = sorted(of_files - seen), sorted(seen - of_files)
    if unlisted:
        raise DataError(
            f"{where}: {MANIFEST} lists files of the run {unlisted[0]}, which is not in its runs; "
            "the bundle is refused"
        )
    if empty:
        raise DataError(
            f"{where}: {MANIFEST} lists the run {empty[0]} without its files; the bundle is refused"
        )
    for run in runs:
        for name in RUN_FILES:
            if f"{run}/{name}" not in files:
                raise DataError(f"{where}: run {run} lacks {name} in {MANIFEST}; the bundle is refused")


def _check_manifest(manifest: object, where: str) -> dict[str, Any]:
    """``manifest`` if it is a well-formed manifest of this format; else a DataError naming the fault."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataError(f"{where}: {MANIFEST} is not a results bundle manifest (format {FORMAT!r})")
    if manifest.get("version") != VERSION:
        raise DataError(
            f"{where}: bundle format version {manifest.get('version')!r}; this code reads version {VERSION} "
            "(update deepdiff-repro, or pack the bundle again)"
        )
    files, runs = manifest.get("files"), manifest.get("runs")
    if not isinstance(files, dict) or not isinstance(runs, list):
        raise DataError(f"{where}: {MANIFEST} lacks its list of files and runs")
    for key, types in _FIELD_TYPES.items():
        if key in manifest and not isinstance(manifest[key], types):
            raise DataError(
                f"{where}: {MANIFEST} has {key} = {manifest[key]!r}, not of type "
                f"{' or '.join(t.__name__ for t in types)}; the bundle is refused"
            )
    if not all(isinstance(p, dict) for p in manifest.get("parents", [])):
        raise DataError(f"{where}: {MANIFEST} lists parents that are not objects; the bundle is refused")
    for name, entry in files.items():
        _check_file(name, entry, where)
    _check_runs(runs, files, where)
    return manifest


@contextmanager
def _open(bundle: Path) -> Iterator[tarfile.TarFile]:
    """``bundle`` open for reading; an unreadable or damaged bundle is a DataError naming it.

    Only errors of opening and of decoding the bundle are put down to it: an error raised while
    writing what is read (a full disk, say) passes through as it is.
    """
    try:
        tar = tarfile.open(bundle, mode="r:gz")
    except FileNotFoundError:
        raise DataError(f"bundle {bundle} does not exist") from None
    except (*_READ_ERRORS, OSError) as err:
        raise DataError(f"{bundle} is not a readable results bundle (.tar.gz): {err}") from None
    with tar:
        try:
            yield tar
        except _READ_ERRORS as err:
            raise DataError(f"{bundle} is not a readable results bundle (.tar.gz): {err}") from None


def read_manifest(bundle: str | os.PathLike[str], limits: BundleLimits | None = None) -> BundleInfo:
    """The manifest of a bundle, checked for form and against ``limits`` (not the files: see
    :func:`extract`). A manifest over its limit is refused before it is read."""
    path = Path(bundle)
    limits = limits or BundleLimits.from_env()
    with _open(path) as tar:
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise DataError(f"{path}: the first member is not {MANIFEST}; not a results bundle")
        if first.size > limits.bytes("manifest_mb"):
            raise DataError(f"{path}: " + limits.over("manifest_mb", MANIFEST, first.size))
        handle = tar.extractfile(first)
        assert handle is not None
        try:
            manifest = json.loads(handle.read(limits.bytes("manifest_mb")).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise DataError(f"{path}: {MANIFEST} is not valid JSON ({err})") from None
    manifest = _check_manifest(manifest, str(path))
    _check_sizes(manifest["files"], limits, str(path))
    return BundleInfo(path, file_sha256(path), manifest)


def _check_sizes(files: Mapping[str, Mapping[str, Any]], limits: BundleLimits, where: str) -> None:
    """Each listed file, and all of them together, within ``limits``."""
    for name, entry in files.items():
        if entry["bytes"] > limits.bytes("file_mb"):
            raise DataError(f"{where}: " + limits.over("file_mb", name, entry["bytes"]))
    total = sum(entry["bytes"] for entry in files.values())
    if total > limits.bytes("total_mb"):
        raise DataError(f"{where}: " + limits.over("total_mb", "the sum of its files", total))


def _check_run_metrics(folder: Path, run: str, where: str) -> None:
    """The unpacked ``metrics.json`` of ``run`` describes that run: every field a result has, and the
    pair, method, seed and key its folder is named by (see :func:`deepdiff.results.store.result_path`)."""
    name = f"{run}/{METRICS_FILE}"
    try:
        metrics = json.loads((folder / name).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataError(f"{where}: {name} is not valid JSON ({err}); the bundle is refused") from None
    if not isinstance(metrics, dict):
        raise DataError(f"{where}: {name} is not an object of a run's fields; the bundle is refused")
    try:
        check_metrics(metrics)
        key = metrics["key"]
        if not isinstance(key, str) or not _SHA256.fullmatch(key):
            raise ValueError(f"metrics['key'] is {key!r}, not a cache key (SHA-256)")
        expected = result_path("", metrics["pair"], metrics["method"], metrics["seed"], key).as_posix()
    except (ValueError, TypeError) as err:
        raise DataError(f"{where}: {name}: {err}; the bundle is refused") from None
    if expected != run:
        raise DataError(
            f"{where}: {name} describes the run {expected} (pair, method, seed and key), which does not "
            f"match its folder {run}; the bundle is refused"
        )


def extract(
    bundle: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    sha256: str | None = None,
    limits: BundleLimits | None = None,
) -> BundleInfo:
    """Extract a bundle into the empty folder ``dest``, checking every file against the manifest.

    Raises
    ------
    DataError
        Naming the file, when the bundle's own SHA-256 is not ``sha256``, or a member is not a
        plain file, is not listed, appears twice, has another size or checksum than listed, or
        a listed file is missing, or a run's ``metrics.json`` does not describe that run. A
        manifest or member over ``limits`` (:class:`BundleLimits`, from the environment by default),
        or a member whose size is not the listed one, is refused before it is read; the others are
        copied a chunk at a time, never held in memory whole. ``dest`` may then hold some files;
        the caller discards it.
    OSError
        When a file cannot be written in ``dest`` (a full disk, say), naming that file.
    """
    info = read_manifest(bundle, limits)
    where = str(info.path)
    if sha256 is not None and info.sha256 != sha256.lower():
        raise DataError(
            f"{where}: the bundle's SHA-256 is {info.sha256}, not the expected {sha256}; it was altered or is "
            "another bundle, and nothing was unpacked"
        )
    listed: dict[str, dict[str, Any]] = info.manifest["files"]
    seen: set[str] = set()
    root = Path(dest)
    with _open(info.path) as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            name = member.name
            if not member.isfile():
                raise DataError(f"{where}: member {name!r} is not a plain file; the bundle is refused")
            if name not in listed:
                raise DataError(f"{where}: {name} is not listed in {MANIFEST}; the bundle is refused")
            if name in seen:
                raise DataError(f"{where}: {name} appears twice; the bundle is refused")
            seen.add(name)
            expected = listed[name]
            if member.size != expected["bytes"]:  # refused before a byte of it is read
                raise DataError(
                    f"{where}: {name} holds {member.size} bytes, but the manifest says {expected['bytes']}: "
                    "the bundle was altered or damaged, and nothing was unpacked"
                )
            handle = tar.extractfile(member)
            assert handle is not None
            digest = _copy_member(handle, root / name)
            if digest != expected["sha256"]:
                raise DataError(
                    f"{where}: {name} fails its checksum (SHA-256 {digest}; the manifest says "
                    f"{expected['sha256']}): the bundle was altered or damaged, and nothing was unpacked"
                )
    missing = sorted(set(listed) - seen)
    if missing:
        raise DataError(f"{where}: {missing[0]} is listed in {MANIFEST} but missing from the bundle")
    for run in info.runs:
        _check_run_metrics(root, run, where)
    return info


# ----------------------------------------------------------------------------- unpacking


@contextmanager
def _naming(target: Path) -> Iterator[None]:
    """Name ``target`` in an error writing it (a full disk says only "No space left on device")."""
    try:
        yield
    except OSError as err:
        if err.filename is not None:
            raise
        raise OSError(err.errno, err.strerror or str(err), str(target)) from err


def _copy_member(handle: IO[bytes], target: Path) -> str:
    """Copy a bundle member to ``target`` a chunk at a time, hashing on the way; its SHA-256.

    Errors writing ``target`` name it; errors reading the member are left to :func:`_open`.
    """
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            with _naming(target):
                out.write(chunk)
        with _naming(target):
            out.flush()
    return digest.hexdigest()


@dataclass(frozen=True)
class UnpackReport:
    """What :func:`unpack` did: the bundle, the runs it added, those already present, and those
    whose folder holds another complete run (kept; the bundle's copy was not unpacked)."""

    bundle: BundleInfo
    added: tuple[str, ...]
    present: tuple[str, ...]
    conflicting: tuple[str, ...] = ()

    def describe(self) -> str:
        text = (
            f"{self.bundle.describe()}\n  {len(self.added)} run(s) added, {len(self.present)} already present"
        )
        if self.conflicting:
            text += (
                f"\n  {len(self.conflicting)} kept: another run of that name is already there, and the "
                f"bundle's copy was not unpacked (first: {self.conflicting[0]})"
            )
        return text


def _run_key(run: Path) -> str | None:
    try:
        return str(json.loads((run / METRICS_FILE).read_text(encoding="utf-8"))["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _move_run(src: Path, dest: Path) -> str:
    """Put the checked run ``src`` at ``dest``: ``"added"``, or ``"present"`` when ``dest`` already held
    that run, or ``"conflicting"`` when it held another complete run; both are kept.

    ``src`` is renamed to a uniquely named sibling of ``dest``, which
    :func:`deepdiff._util.io.commit_directory` renames into place: a reader sees the old run or the new
    one whole, never a mix, and unpacks running at once do not collide. A complete run at ``dest``
    (of any key: a bundle never replaces a run computed or trained here, with its saved model) is
    kept; only an incomplete one is replaced. Should another writer's run land at ``dest`` during
    the replacement, that one is kept. On an exception ``dest`` is as it was.
    """
    key = _run_key(src)
    outcome = "added"

    def complete_run(path: Path) -> bool:
        nonlocal outcome
        there = _run_key(path)
        if there is None or not is_complete(path, there):
            return False
        outcome = "present" if there == key else "conflicting"
        return True

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
    os.rename(src, tmp)  # commit_directory renames a sibling of its target
    try:
        commit_directory(tmp, dest, complete_run)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return outcome


def is_url(text: str | os.PathLike[str]) -> bool:
    """True for an ``http://`` or ``https://`` address."""
    return str(text).startswith(("http://", "https://"))


@contextmanager
def local_bundle(
    source: str | os.PathLike[str], sha256: str | None = None, limits: BundleLimits | None = None
) -> Iterator[Path]:
    """A bundle on disk: ``source`` itself, or downloaded from its URL into a temporary file.

    Downloads go through :mod:`deepdiff.data.download` (timeouts, retries, atomic rename, no
    redirect from https to plain http), checked against ``sha256`` when given, and stopped at the
    limit of :class:`BundleLimits`. A plain ``http://`` address needs ``sha256``.
    """
    if not is_url(source):
        yield Path(source)
        return

    if str(source).startswith("http://") and sha256 is None:
        raise ConfigError(
            f"{source}: a bundle over plain http is accepted only with its SHA-256 (--sha256, or "
            "DEEPDIFF_RESULTS_BUNDLE_SHA256), since anyone on the way could change it; use an https "
            "address, or give the checksum printed by `deepdiff results pack`"
        )
    limits = limits or BundleLimits.from_env()
    with tempfile.TemporaryDirectory(prefix="deepdiff-bundle-") as tmp:
        name = PurePosixPath(str(source).split("?", 1)[0].split("#", 1)[0]).name
        yield download_checked(
            str(source),
            Path(tmp) / (name if _SAFE_NAME.match(name) else "bundle.tar.gz"),
            sha256_check(sha256),
            manual=" Check the bundle's address (DEEPDIFF_RESULTS_BUNDLE), or download it by hand and give its path.",
            max_bytes=limits.bytes("total_mb"),
            too_large=lambda size: limits.over("total_mb", "the download", size),
        )


def unpack(
    source: str | os.PathLike[str], results_dir: str | os.PathLike[str], *, sha256: str | None = None
) -> UnpackReport:
    """Check a bundle (path or URL) and add its runs to ``results_dir``.

    Every file is checked before any run is moved into place; each run then arrives whole, with
    one rename, and a complete run already there (of the same cache key, or of another one: a
    bundle never replaces a run computed here) is kept (see :func:`_move_run`). A record of the bundle is written to ``<results_dir>/.bundles/``: its
    manifest (less the file list), source, SHA-256 and time of unpacking, the runs it added
    (``added``: over every unpacking of this bundle) and its runs that were there already
    (``present``), so that runs computed in place are not credited to it.

    Raises
    ------
    DataError
        For a bundle that fails a check (the file is named), or a ``results_dir`` (or a folder of
        its runs) that is a file; ``results_dir`` is then unchanged.
    ConfigError
        For a plain ``http://`` URL without ``sha256``.
    DownloadError
        When a URL cannot be downloaded, its SHA-256 is not ``sha256``, it redirects from https
        to http, or it sends more than the limit.
    """
    root = Path(results_dir)
    _check_folder(root, root)
    with local_bundle(source, sha256) as path:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".unpack-", suffix=".tmp"))
        try:
            info = extract(path, tmp, sha256)
            for run in info.runs:  # before any run moves: a folder in the way is named, not a traceback
                _check_folder(root, root / run)
            moved: dict[str, list[str]] = {"added": [], "present": [], "conflicting": []}
            for run in info.runs:
                moved[_move_run(tmp / run, root / run)].append(run)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    added, present, conflicting = moved["added"], moved["present"], moved["conflicting"]
    record_file = root / RECORDS_DIR / f"{info.sha256[:16]}.json"
    # Unpacked again, a bundle finds its own runs present: they stay credited to it.
    credited = (set(_read_record(record_file).get("added", [])) | set(added)) & set(info.runs)
    record = {
        **{k: v for k, v in info.manifest.items() if k != "files"},  # first: the fields below win
        "source": str(source),
        "sha256": info.sha256,
        "unpacked": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "added": sorted(credited),
        "present": sorted(set(info.runs) - credited),  # with the conflicting: not the bundle's here
    }
    atomic_write_json(record_file, record)
    return UnpackReport(info, tuple(added), tuple(present), tuple(conflicting))


def _check_folder(root: Path, path: Path) -> None:
    """DataError when ``path`` or a folder above it (up to ``root``) is a file: no run can go there."""
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            what = "a results directory" if part == root else "a folder of runs"
            raise DataError(f"{part} is a file, not {what}; move it away or unpack into another directory")
        if part == root:
            return


def _read_record(file: Path) -> dict[str, Any]:
    """A record :func:`unpack` wrote, or ``{}`` when there is none or it is unreadable."""
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    lists = ("runs", "added", "present")
    if not isinstance(record, dict) or not all(_is_str_list(record.get(k, [])) for k in lists):
        return {}
    return record


def unpacked_from(run_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The record of the bundle that added the run ``run_dir`` (``<results>/<pair>/<method>/<run>``)
    to its results directory, or None when the run was computed there."""
    run = Path(run_dir).resolve()
    if len(run.parts) < 5:  # "/" and a results directory above pair / method / run
        return None
    root, name = run.parents[2], "/".join(run.parts[-3:])
    found = [r for r in bundle_records(root) if name in r.get("added", [])]
    return found[-1] if found else None


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def bundle_records(results_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The records :func:`unpack` left in ``results_dir``, oldest first (unreadable ones skipped).

    Each has ``runs`` (the bundle's); those written by this version also ``added`` and ``present``.
    """
    folder = Path(results_dir) / RECORDS_DIR
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    records = [r for r in map(_read_record, files) if "runs" in r]
    return sorted(records, key=lambda r: str(r.get("unpacked", "")))


# ----------------------------------------------------------------------------- merging


def _parent(info: BundleInfo, source: str) -> dict[str, Any]:
    keys = ("created", "code_version", "label", "grid")
    return {"source": source, "sha256": info.sha256, "runs": len(info.runs)} | {
        k: info.manifest.get(k) for k in keys
    }


def merge(
    sources: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    label: str | None = None,
    keep_attention: AttentionChoice | None = None,
) -> BundleInfo:
    """Merge bundles (paths or URLs) into one: the union of their runs, every file checked first.

    A run in several bundles is taken from the first. The attention kept is chosen among the
    merged runs by ``keep_attention`` (as in :func:`pack`; the command line keeps what the merged
    runs' Figure 5 reads). The manifest lists the parents.

    Raises
    ------
    ConfigError
        Without bundles.
    DataError
        For a bundle that fails a check (the file is named).
    """
    sources = list(sources)
    if not sources:
        raise ConfigError("give at least one bundle to merge")
    with tempfile.TemporaryDirectory(prefix="deepdiff-merge-") as tmp:
        root = Path(tmp) / "results"
        parents = []
        for n, source in enumerate(sources):
            with local_bundle(source) as path:
                part = Path(tmp) / f"part{n}"
                info = extract(path, part)
            for run in info.runs:
                if not (root / run).exists():
                    (root / run).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(part / run, root / run)
            parents.append(_parent(info, str(source)))
        paths = _run_files(root, (), keep_attention=keep_attention)
        grid = _whole_grid([p["grid"] for p in parents if p.get("grid")])
        manifest = _manifest(paths, label=label, grid=grid, parents=parents)
        path = _write_bundle(Path(out), manifest, paths)
    return BundleInfo(path, file_sha256(path), manifest)


def _whole_grid(grids: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The grid of merged shards: theirs without the shard, when all shards are of one grid."""
    if not grids:
        return None
    wholes = [{k: v for k, v in g.items() if k != "shard"} for g in grids]
    return dict(wholes[0]) if all(w == wholes[0] for w in wholes) else None
