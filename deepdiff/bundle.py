"""Results bundles: a results directory's runs without the bulky files, with a manifest of checksums.

A grid run once (on a cluster, or in shards on hosted runners) is published as a bundle, and the
book is built from it without training anything again. A bundle is a gzip-compressed tar file::

    MANIFEST.json                           what is in it (see below); the first member
    <pair>/<method>/<seed-key>/metrics.json     every complete run
    <pair>/<method>/<seed-key>/predictions.csv
    <pair>/<method>/<seed-key>/attention.npz    only the runs the book's Figure 5 reads

Only the files named in :data:`RUN_FILES` go in (anything else in a run directory, such as saved
model weights, never does), and ``attention.npz`` only for the runs of :func:`attention_runs`.
``MANIFEST.json`` holds the format and its version, when and by which code version the bundle
was packed, a free-text ``label``, the grid it holds (when packed for one), the parent bundles of
a merge, and the SHA-256 and size of every file. :func:`unpack` refuses a bundle in which a file
fails its checksum, is missing, is not listed, or is not a plain file inside a run directory,
naming the file; nothing is unpacked then. It unpacks into a temporary folder beside the results,
checks everything, and only then moves each run into place with one rename, so a reader never
sees a half-unpacked run. Each unpacked bundle leaves a record in ``<results>/.bundles/`` (read
by :func:`bundle_records`), so that the status page can say where its runs came from.
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
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from deepdiff.data.download import file_sha256
from deepdiff.errors import ConfigError, DataError
from deepdiff.io import atomic_write_json
from deepdiff.results import ATTENTION_FILE, METRICS_FILE, PREDICTIONS_FILE, code_version, is_complete

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


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------- what goes in


def attention_runs(results_dir: str | os.PathLike[str], pairs: Collection[str] = ()) -> set[Path]:
    """The runs whose ``attention.npz`` the book's Figure 5 reads, plus every variant run on ``pairs``.

    Figure 5 (:func:`deepdiff.report.figure5.select_figure5_run`) reads the attention of one
    variant's seeds on one pair, in each context. A shard of a grid does not see the other
    shards' runs, so its choice may differ from the whole grid's: a shard keeps the attention of
    every variant on the grid's Figure 5 pair (``pairs``), and :func:`merge` keeps only what the
    merged runs' Figure 5 reads.
    """
    from deepdiff.methods import PAPER_VARIANTS
    from deepdiff.report.context import contexts
    from deepdiff.report.figure5 import select_figure5_run
    from deepdiff.results import collect_results

    results = collect_results(results_dir)
    keep = {Path(p).resolve() for c in contexts(results) for p in select_figure5_run(results, c)["path"]}
    if pairs and not results.empty:
        extra = results[results["pair"].isin(list(pairs)) & results["method"].isin(PAPER_VARIANTS)]
        keep |= {Path(p).resolve() for p in extra["path"] if (Path(p) / ATTENTION_FILE).is_file()}
    return keep


def _run_files(results_dir: Path, attention_pairs: Collection[str]) -> dict[str, Path]:
    """Bundle path -> file on disk, for every complete run under ``results_dir``."""
    from deepdiff.results import collect_results

    root = results_dir.resolve()
    with_attention = attention_runs(root, attention_pairs)
    files: dict[str, Path] = {}
    for path in collect_results(root)["path"]:
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


def _manifest(
    files: Mapping[str, Path],
    *,
    label: str | None,
    grid: Mapping[str, Any] | None,
    parents: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    runs = sorted({name.rsplit("/", 1)[0] for name in files})
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
        The grid the runs belong to (:meth:`deepdiff.grid.GridConfig.to_mapping`), recorded.
    attention_pairs : collection of str
        Keep the attention of every variant run on these pairs too (see :func:`attention_runs`).

    Raises
    ------
    DataError
        When ``results_dir`` is not a directory or holds no complete run.
    """
    root = Path(results_dir)
    if not root.is_dir():
        raise DataError(f"results directory {root} does not exist; nothing to pack")
    paths = _run_files(root, attention_pairs)
    if not paths:
        raise DataError(f"{root} holds no complete run (metrics.json and predictions.csv); nothing to pack")
    manifest = _manifest(paths, label=label, grid=grid)
    path = _write_bundle(Path(out), manifest, paths)
    return BundleInfo(path, file_sha256(path), manifest)


# ----------------------------------------------------------------------------- reading and checking


def _check_manifest(manifest: object, where: str) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataError(f"{where}: {MANIFEST} is not a results bundle manifest (format {FORMAT!r})")
    if manifest.get("version") != VERSION:
        raise DataError(
            f"{where}: bundle format version {manifest.get('version')!r}; this code reads version {VERSION} "
            "(update deepdiff-repro, or pack the bundle again)"
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or not isinstance(manifest.get("runs"), list):
        raise DataError(f"{where}: {MANIFEST} lacks its list of files and runs")
    allowed = {*RUN_FILES, ATTENTION_FILE}
    for name, entry in files.items():
        parts = PurePosixPath(name)
        if not _RUN_PATH.match(str(parts.parent)) or parts.name not in allowed or ".." in parts.parts:
            raise DataError(
                f"{where}: {MANIFEST} lists {name!r}, which is not a run's "
                f"{', '.join(sorted(allowed))}; the bundle is refused"
            )
        if not isinstance(entry, dict) or not {"sha256", "bytes"} <= set(entry):
            raise DataError(f"{where}: {MANIFEST} has no checksum for {name}")
    for run in manifest["runs"]:
        for name in RUN_FILES:
            if f"{run}/{name}" not in files:
                raise DataError(f"{where}: run {run} lacks {name} in {MANIFEST}; the bundle is refused")
    return manifest


@contextmanager
def _open(bundle: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(bundle, mode="r:gz") as tar:
            yield tar
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, OSError) as err:
        if isinstance(err, FileNotFoundError):
            raise DataError(f"bundle {bundle} does not exist") from None
        raise DataError(f"{bundle} is not a readable results bundle (.tar.gz): {err}") from None


def read_manifest(bundle: str | os.PathLike[str]) -> BundleInfo:
    """The manifest of a bundle, checked for form (not the files: see :func:`extract`)."""
    path = Path(bundle)
    with _open(path) as tar:
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise DataError(f"{path}: the first member is not {MANIFEST}; not a results bundle")
        handle = tar.extractfile(first)
        assert handle is not None
        try:
            manifest = json.loads(handle.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise DataError(f"{path}: {MANIFEST} is not valid JSON ({err})") from None
    return BundleInfo(path, file_sha256(path), _check_manifest(manifest, str(path)))


def extract(
    bundle: str | os.PathLike[str], dest: str | os.PathLike[str], sha256: str | None = None
) -> BundleInfo:
    """Extract a bundle into the empty folder ``dest``, checking every file against the manifest.

    Raises
    ------
    DataError
        Naming the file, when the bundle's own SHA-256 is not ``sha256``, or a member is not a
        plain file, is not listed, appears twice, has another size or checksum than listed, or
        a listed file is missing. ``dest`` may then hold some files; the caller discards it.
    """
    info = read_manifest(bundle)
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
            handle = tar.extractfile(member)
            assert handle is not None
            data = handle.read()
            expected = listed[name]
            if len(data) != int(expected["bytes"]) or _sha256_bytes(data) != expected["sha256"]:
                raise DataError(
                    f"{where}: {name} fails its checksum (SHA-256 {_sha256_bytes(data)}, {len(data)} bytes; "
                    f"the manifest says {expected['sha256']}, {expected['bytes']} bytes): the bundle was "
                    "altered or damaged, and nothing was unpacked"
                )
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    missing = sorted(set(listed) - seen)
    if missing:
        raise DataError(f"{where}: {missing[0]} is listed in {MANIFEST} but missing from the bundle")
    return info


# ----------------------------------------------------------------------------- unpacking


@dataclass(frozen=True)
class UnpackReport:
    """What :func:`unpack` did: the bundle, the runs it added, and those already present."""

    bundle: BundleInfo
    added: tuple[str, ...]
    present: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"{self.bundle.describe()}\n  {len(self.added)} run(s) added, {len(self.present)} already present"
        )


def _run_key(run: Path) -> str | None:
    try:
        return str(json.loads((run / METRICS_FILE).read_text(encoding="utf-8"))["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _move_run(src: Path, dest: Path) -> bool:
    """Move a checked run into place with one rename; False when ``dest`` already holds that run."""
    key = _run_key(src)
    if key is not None and is_complete(dest, key):
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():  # an incomplete or different run of that name: set it aside, then swap
        old = dest.with_name(f".{dest.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(dest, old)
        os.replace(src, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(src, dest)
    return True


def is_url(text: str | os.PathLike[str]) -> bool:
    """True for an ``http://`` or ``https://`` address."""
    return str(text).startswith(("http://", "https://"))


@contextmanager
def local_bundle(source: str | os.PathLike[str], sha256: str | None = None) -> Iterator[Path]:
    """A bundle on disk: ``source`` itself, or downloaded from its URL into a temporary file.

    Downloads go through :mod:`deepdiff.data.download` (timeouts, retries, atomic rename), checked
    against ``sha256`` when given.
    """
    if not is_url(source):
        yield Path(source)
        return
    from deepdiff.data.download import download_checked, sha256_check

    with tempfile.TemporaryDirectory(prefix="deepdiff-bundle-") as tmp:
        name = PurePosixPath(str(source).split("?", 1)[0]).name or "bundle.tar.gz"
        yield download_checked(
            str(source),
            Path(tmp) / name,
            sha256_check(sha256),
            manual=" Check the bundle's address (DEEPDIFF_RESULTS_BUNDLE), or download it by hand and give its path.",
        )


def unpack(
    source: str | os.PathLike[str], results_dir: str | os.PathLike[str], *, sha256: str | None = None
) -> UnpackReport:
    """Check a bundle (path or URL) and add its runs to ``results_dir``.

    Every file is checked before any run is moved into place; each run then arrives with one
    rename, and a run already there (same cache key, complete) is kept. A record of the bundle
    is written to ``<results_dir>/.bundles/``.

    Raises
    ------
    DataError
        For a bundle that fails a check (the file is named); ``results_dir`` is then unchanged.
    DownloadError
        When a URL cannot be downloaded, or its SHA-256 is not ``sha256``.
    """
    root = Path(results_dir)
    root.mkdir(parents=True, exist_ok=True)
    with local_bundle(source, sha256) as path:
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".unpack-", suffix=".tmp"))
        try:
            info = extract(path, tmp, sha256)
            added, present = [], []
            for run in info.runs:
                (added if _move_run(tmp / run, root / run) else present).append(run)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    record = {
        "source": str(source),
        "sha256": info.sha256,
        "unpacked": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **{k: v for k, v in info.manifest.items() if k != "files"},
    }
    atomic_write_json(root / RECORDS_DIR / f"{info.sha256[:16]}.json", record)
    return UnpackReport(info, tuple(added), tuple(present))


def bundle_records(results_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The records :func:`unpack` left in ``results_dir``, oldest first (unreadable ones skipped)."""
    folder = Path(results_dir) / RECORDS_DIR
    records = []
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("runs"), list):
            records.append(record)
    return sorted(records, key=lambda r: str(r.get("unpacked", "")))


# ----------------------------------------------------------------------------- merging


def _parent(info: BundleInfo, source: str) -> dict[str, Any]:
    keys = ("created", "code_version", "label", "grid")
    return {"source": source, "sha256": info.sha256, "runs": len(info.runs)} | {
        k: info.manifest.get(k) for k in keys
    }


def merge(
    sources: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *, label: str | None = None
) -> BundleInfo:
    """Merge bundles (paths or URLs) into one: the union of their runs, every file checked first.

    A run in several bundles is taken from the first. The attention kept is what the merged
    runs' Figure 5 reads (:func:`attention_runs`). The manifest lists the parents.

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
        paths = _run_files(root, ())
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
