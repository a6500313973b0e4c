"""Verified downloads of the authors' files: retries, checksums, atomic renames, fast offline errors.

A file is streamed into a temporary file beside its destination, checked against the announced
length and its git blob SHA-1 from the manifest, and only then renamed into place: the cache never
holds a partial or wrong file. Interrupted transfers, timeouts while reading and server errors are
retried with exponential backoff. A failure to connect at all (no network, DNS failure, refused or
timed-out connection) is not retried: it fails at once with instructions for fetching by hand.

URLs are ``<base>/<commit>/<path>``; the base defaults to
``https://raw.githubusercontent.com/QData/DeepDiffChrome`` and can be set by argument or by the
environment variable ``DEEPDIFF_REMC_URL`` (for a mirror).
"""

from __future__ import annotations

import functools
import http.client
import os
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepdiff.constants import REMC_COMMIT, REMC_REPO
from deepdiff.data.manifest import ManifestEntry, file_git_sha1
from deepdiff.errors import DownloadError

URL_ENV = "DEEPDIFF_REMC_URL"
DEFAULT_BASE_URL = f"https://raw.githubusercontent.com/{REMC_REPO}"
_CHUNK = 1 << 20
_USER_AGENT = "deepdiff-repro (https://github.com/QData/DeepDiffChrome data fetcher)"


@dataclass(frozen=True)
class DownloadPolicy:
    """How patiently to download.

    Attributes
    ----------
    connect_timeout : float
        Seconds to establish a connection; short, so that being offline is reported quickly.
    read_timeout : float
        Seconds without any data before a transfer counts as stalled (then retried).
    retries : int
        Extra attempts after an interrupted or stalled transfer or a server error (5xx, 429).
    backoff : float
        Seconds before the first retry; doubled before each further one.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0


class _Transient(Exception):
    """A failure worth retrying."""


class _Unreachable(Exception):
    """No connection could be made at all."""


# ----------------------------------------------------------------------------- URLs and paths


def remc_base_url(base_url: str | None = None) -> str:
    """The base URL: the argument, else ``$DEEPDIFF_REMC_URL``, else GitHub's raw file server."""
    return (base_url or os.environ.get(URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def file_url(path: str, *, base_url: str | None = None, commit: str = REMC_COMMIT) -> str:
    """URL of ``path`` (inside the authors' repository) at ``commit``."""
    return f"{remc_base_url(base_url)}/{commit}/{urllib.parse.quote(path)}"


def download_path(cache_dir: str | os.PathLike[str], path: str, commit: str = REMC_COMMIT) -> Path:
    """Where the verified copy of repository file ``path`` is kept in the cache."""
    return Path(cache_dir) / "downloads" / commit / path


# ----------------------------------------------------------------------------- HTTP with two timeouts


class _HTTPConnection(http.client.HTTPConnection):
    """Connects with the (short) request timeout, then reads with ``read_timeout``."""

    def __init__(self, *args: Any, read_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self._read_timeout)


class _HTTPSConnection(http.client.HTTPSConnection):
    """HTTPS version of :class:`_HTTPConnection`."""

    def __init__(self, *args: Any, read_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self._read_timeout)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._connection = functools.partial(_HTTPConnection, read_timeout=read_timeout)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._connection = functools.partial(_HTTPSConnection, read_timeout=read_timeout)
        self._ssl_context = ssl.create_default_context()

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req, context=self._ssl_context)


def _open(url: str, policy: DownloadPolicy, method: str = "GET") -> http.client.HTTPResponse:
    """Open ``url``; classify failures as unreachable, transient or final."""
    opener = urllib.request.build_opener(
        _HTTPHandler(policy.read_timeout), _HTTPSHandler(policy.read_timeout)
    )
    request = urllib.request.Request(url, method=method, headers={"User-Agent": _USER_AGENT})
    try:
        return opener.open(request, timeout=policy.connect_timeout)
    except urllib.error.HTTPError as err:
        err.close()
        if err.code >= 500 or err.code == 429:
            raise _Transient(f"server error HTTP {err.code} {err.reason}") from err
        raise DownloadError(
            f"{url}: HTTP {err.code} {err.reason}. Check the base URL ({URL_ENV} or base_url) and that "
            f"it serves the authors' repository at commit {REMC_COMMIT}."
        ) from err
    except urllib.error.URLError as err:  # raised while connecting or sending the request
        raise _Unreachable(str(err.reason)) from err
    except (OSError, http.client.HTTPException) as err:  # the connection broke before the headers
        raise _Transient(f"no response ({err or type(err).__name__})") from err


# ----------------------------------------------------------------------------- downloads


def _download_once(
    url: str, dest: Path, sha1: str, policy: DownloadPolicy, progress: bool, manual: str
) -> Path:
    from tqdm.auto import tqdm

    with _open(url, policy) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            received = 0
            with (
                os.fdopen(fd, "wb") as out,
                tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    desc=dest.name,
                    disable=not progress,
                    leave=False,
                ) as bar,
            ):
                try:
                    while chunk := response.read(_CHUNK):
                        out.write(chunk)
                        received += len(chunk)
                        bar.update(len(chunk))
                except (OSError, http.client.HTTPException) as err:
                    raise _Transient(
                        f"transfer broke after {received} bytes ({err or type(err).__name__})"
                    ) from err
                out.flush()
                os.fsync(out.fileno())
            if total is not None and received != total:
                raise _Transient(f"transfer interrupted: received {received} of {total} bytes")
            got = file_git_sha1(tmp)
            if got != sha1:
                raise DownloadError(
                    f"{url}: checksum mismatch: git blob SHA-1 {got}, expected {sha1} (the pinned "
                    f"commit {REMC_COMMIT}). The server sent a different file; nothing was kept. "
                    f"Check the base URL ({URL_ENV} or base_url).{manual}"
                )
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    return dest


def download_verified(
    url: str,
    dest: str | os.PathLike[str],
    sha1: str,
    *,
    policy: DownloadPolicy | None = None,
    progress: bool = True,
    manual: str = "",
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Download ``url`` to ``dest`` and keep it only if its git blob SHA-1 is ``sha1``.

    Parameters
    ----------
    url, dest, sha1
        Source, destination and expected git blob SHA-1.
    policy : DownloadPolicy, optional
        Timeouts and retries (default: :class:`DownloadPolicy()`).
    progress : bool
        Show a tqdm progress bar.
    manual : str
        Instructions for fetching by hand, appended to error messages.
    sleep : callable
        Used between retries (tests pass a no-op).

    Raises
    ------
    DownloadError
        No connection, a final HTTP error, a checksum mismatch, or a transfer that kept failing.
        ``dest`` is never left with partial or wrong content.
    """
    dest = Path(dest)
    policy = policy or DownloadPolicy()
    failures: list[str] = []
    for attempt in range(policy.retries + 1):
        if attempt:
            sleep(policy.backoff * 2 ** (attempt - 1))
        try:
            return _download_once(url, dest, sha1, policy, progress, manual)
        except _Unreachable as err:
            raise DownloadError(
                f"cannot connect to get {url} ({err}); is this machine offline?{manual}"
            ) from None
        except _Transient as err:
            failures.append(str(err))
    raise DownloadError(f"{url}: the download failed {len(failures)} times (last: {failures[-1]}).{manual}")


def manual_instructions(
    entries: Iterable[ManifestEntry],
    *,
    cache_dir: str | os.PathLike[str],
    base_url: str | None = None,
    commit: str = REMC_COMMIT,
) -> str:
    """How to fetch ``entries`` by hand: URL -> destination in the cache, and the ``local`` alternative."""
    lines = [
        "",
        "To fetch the files by hand (on any machine with network access), download",
    ]
    for entry in entries:
        lines.append(f"  {file_url(entry.path, base_url=base_url, commit=commit)}")
        lines.append(f"    -> {download_path(cache_dir, entry.path, commit)}")
    lines += [
        "(each is verified by its git blob SHA-1 on first use), or put the files of each cell in one folder "
        "as CELL.train.csv, CELL.valid.csv, CELL.test.csv, CELL.expr.csv and use source='local' with "
        "data_dir=FOLDER (command line: --data local --data-dir FOLDER; the sample files are named "
        f"Cell1.* = E123 and Cell2.* = E003, i.e. pair Cell1-Cell2). To use a mirror, set {URL_ENV}.",
    ]
    return "\n".join(lines)


def fetch_entries(
    entries: Iterable[ManifestEntry],
    *,
    cache_dir: str | os.PathLike[str],
    base_url: str | None = None,
    commit: str = REMC_COMMIT,
    policy: DownloadPolicy | None = None,
    progress: bool = True,
) -> dict[str, Path]:
    """Make sure every entry has a verified copy in the cache; download those that do not.

    A cached copy is re-hashed before use; one that does not match (damaged on disk) is replaced.

    Returns
    -------
    dict
        Repository path -> local path.
    """
    entries = list(entries)
    policy = policy or DownloadPolicy()
    paths: dict[str, Path] = {}
    missing: list[ManifestEntry] = []
    for entry in entries:
        dest = download_path(cache_dir, entry.path, commit)
        if dest.is_file() and file_git_sha1(dest) == entry.sha1:
            paths[entry.path] = dest
        else:
            dest.unlink(missing_ok=True)  # damaged copy: never keep a file that fails its checksum
            missing.append(entry)
    if missing:
        manual = manual_instructions(missing, cache_dir=cache_dir, base_url=base_url, commit=commit)
        for entry in missing:
            dest = download_path(cache_dir, entry.path, commit)
            paths[entry.path] = download_verified(
                file_url(entry.path, base_url=base_url, commit=commit),
                dest,
                entry.sha1,
                policy=policy,
                progress=progress,
                manual=manual,
            )
    return {entry.path: paths[entry.path] for entry in entries}


def probe(url: str, *, timeout: float = 3.0) -> bool:
    """True when ``url`` answers a HEAD request with a success status within ``timeout`` seconds."""
    policy = DownloadPolicy(connect_timeout=timeout, read_timeout=timeout, retries=0)
    try:
        with _open(url, policy, method="HEAD") as response:
            return response.status < 400
    except (DownloadError, _Transient, _Unreachable, OSError):
        return False
