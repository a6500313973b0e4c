"""Verified downloads of the authors' files: retries, checksums, atomic renames, fast offline errors.

The transfer is done by ``requests``: connect and read timeouts, and retries of server errors (429,
5xx) with exponential backoff and ``Retry-After`` by urllib3's ``Retry``. What is added here: the
file is streamed into a temporary file beside its destination, checked against its git blob SHA-1
from the manifest, and only then renamed into place, so the cache never holds a partial or wrong
file; a transfer that breaks or stalls (urllib3 raises on a body shorter than its Content-Length,
but does not retry it) is retried by a small loop of its own; a failure to connect at all (no
network, DNS failure, refused or timed-out connection) is not retried: it fails at once with
instructions for fetching by hand.

URLs are ``<base>/<commit>/<path>``; the base defaults to
``https://raw.githubusercontent.com/QData/DeepDiffChrome`` and can be set by argument or by the
environment variable ``DEEPDIFF_REMC_URL`` (for a mirror).
"""

from __future__ import annotations

import hashlib
import os
import ssl
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, SSLError
from urllib3.util import Retry

from deepdiff.constants import REMC_COMMIT, REMC_REPO
from deepdiff.data.manifest import ManifestEntry, file_git_sha1
from deepdiff.errors import DownloadError

URL_ENV = "DEEPDIFF_REMC_URL"
DEFAULT_BASE_URL = f"https://raw.githubusercontent.com/{REMC_REPO}"
_CHUNK = 1 << 20
_USER_AGENT = "deepdiff-repro (https://github.com/QData/DeepDiffChrome data fetcher)"
_RETRY_STATUS = (429, *range(500, 600))  # retried by urllib3, with backoff and Retry-After
_BAR_UNITS = {"unit": "B", "unit_scale": True, "unit_divisor": 1024}


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
        Extra attempts after an interrupted or stalled transfer, and (separately) after a server
        error (5xx, 429).
    backoff : float
        Seconds before the first retry of a transfer, doubled before each further one. For server
        errors it is urllib3's ``backoff_factor`` (first retry at once, then 2, 4, ... times it),
        unless the server sends ``Retry-After``.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0


class _Transient(Exception):
    """A transfer that broke or stalled: worth another try."""


# ----------------------------------------------------------------------------- URLs and paths


#: What to check when the authors' files cannot be had from the base URL.
_REMC_HINT = (
    f" Check the base URL ({URL_ENV} or base_url) and that it serves the authors' repository at commit "
    f"{REMC_COMMIT}."
)


def _pause(seconds: float) -> None:
    """The wait between retries of a broken transfer in :func:`fetch_entries` (tests replace it)."""
    time.sleep(seconds)


def remc_base_url(base_url: str | None = None) -> str:
    """The base URL: the argument, else ``$DEEPDIFF_REMC_URL``, else GitHub's raw file server."""
    return (base_url or os.environ.get(URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def file_url(path: str, *, base_url: str | None = None, commit: str = REMC_COMMIT) -> str:
    """URL of ``path`` (inside the authors' repository) at ``commit``."""
    return f"{remc_base_url(base_url)}/{commit}/{urllib.parse.quote(path)}"


def download_path(cache_dir: str | os.PathLike[str], path: str, commit: str = REMC_COMMIT) -> Path:
    """Where the verified copy of repository file ``path`` is kept in the cache."""
    return Path(cache_dir) / "downloads" / commit / path


# ----------------------------------------------------------------------------- downloads


class _Session(requests.Session):
    """A session that never follows a redirect from https to plain http (a downgrade anyone on the
    way could then answer)."""

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target is not None and resp.url.lower().startswith("https://"):
            absolute = urllib.parse.urljoin(resp.url, target)
            if not absolute.lower().startswith("https://"):
                raise DownloadError(
                    f"{resp.url} redirects from https to plain http ({absolute}); refused, since the "
                    "download could then be changed on the way. Use an https address that stays https."
                )
        return target


def _session(policy: DownloadPolicy) -> requests.Session:
    """A session whose adapter retries server errors (429, 5xx) with backoff, respecting ``Retry-After``.

    A failed connection is not retried (``connect=0``: offline fails at once); a connection that
    breaks or stalls is re-raised (``read=False``) and retried, with its body, by :func:`_download`.
    The last error response is returned (``raise_on_status=False``) and reported by :func:`_get`.
    """
    retry = Retry(
        total=None,
        connect=0,
        read=False,
        other=0,
        status=policy.retries,
        status_forcelist=_RETRY_STATUS,
        backoff_factor=policy.backoff,
        raise_on_status=False,
    )
    session = _Session()
    session.headers["User-Agent"] = _USER_AGENT
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def _get(
    session: requests.Session, url: str, policy: DownloadPolicy, manual: str = "", method: str = "GET"
) -> requests.Response:
    """The response to ``url`` (server errors already retried); a final failure is a DownloadError."""
    try:
        response = session.request(
            method, url, stream=True, timeout=(policy.connect_timeout, policy.read_timeout)
        )
    except (requests.ConnectionError, requests.Timeout) as err:
        cause = err.args[0] if err.args else err
        if not isinstance(cause, MaxRetryError):  # connected, then dropped or stalled before the headers
            raise _Transient(f"no response ({cause})") from err
        if isinstance(cause.reason, SSLError) and not _untrusted_certificate(cause.reason):
            raise _Transient(f"the TLS connection failed ({cause.reason})") from err
        if isinstance(cause.reason, SSLError):  # reached the server, but its certificate is not trusted
            raise DownloadError(
                f"cannot get {url}: the TLS connection failed ({cause.reason}). The server's certificate "
                "is not trusted here: behind a proxy that re-signs HTTPS, or for a mirror with its own "
                "certificate, set REQUESTS_CA_BUNDLE to the file of the certificate authority to trust."
                f"{manual}"
            ) from None
        raise DownloadError(  # urllib3 could not connect, and was told not to retry that
            f"cannot connect to get {url} ({cause.reason}); is this machine offline?{manual}"
        ) from None
    if response.ok:
        return response
    response.close()
    status = f"HTTP {response.status_code} {response.reason}"
    if response.status_code in _RETRY_STATUS:
        raise DownloadError(f"{url}: the server answered {status} {policy.retries + 1} times.{manual}")
    raise DownloadError(f"{url}: {status}.{manual}")


def _untrusted_certificate(error: BaseException) -> bool:
    """Whether a TLS failure is the server's certificate failing verification (not a dropped handshake)."""
    seen: set[int] = set()
    todo: list[object] = [error]
    while todo:
        item = todo.pop()
        if id(item) in seen or not isinstance(item, BaseException):
            continue
        seen.add(id(item))
        if isinstance(item, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(item):
            return True
        todo.extend([item.__cause__, item.__context__, *item.args])
    return False


#: Checks a downloaded file (still at its temporary path): None when it is right, else what is wrong.
Check = Callable[[Path], str | None]


def git_sha1_check(sha1: str) -> Check:
    """The check of the authors' files: the git blob SHA-1 of the pinned commit's file."""

    def check(path: Path) -> str | None:
        got = file_git_sha1(path)
        if got == sha1:
            return None
        return (
            f"checksum mismatch: git blob SHA-1 {got}, expected {sha1} (the pinned commit {REMC_COMMIT}). "
            f"The server sent a different file; nothing was kept. Check the base URL ({URL_ENV} or base_url)."
        )

    return check


def sha256_check(sha256: str | None) -> Check:
    """A check by SHA-256 (any content when ``sha256`` is None: the caller verifies it otherwise)."""

    def check(path: Path) -> str | None:
        if sha256 is None:
            return None
        got = file_sha256(path)
        if got == sha256.lower():
            return None
        return f"checksum mismatch: SHA-256 {got}, expected {sha256}; the file was altered or is another one, and nothing was kept."

    return check


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 (hex) of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download(
    session: requests.Session,
    url: str,
    dest: Path,
    check: Check,
    policy: DownloadPolicy,
    progress: bool,
    manual: str,
    sleep: Callable[[float], None],
    limit: _Limit | None = None,
) -> Path:
    """:func:`download_checked` with a session: retry transfers that broke or stalled."""
    failures: list[str] = []
    for attempt in range(policy.retries + 1):
        if attempt:
            sleep(policy.backoff * 2 ** (attempt - 1))
        try:
            with _get(session, url, policy, manual) as response:
                return _save(response, url, dest, check, progress, manual, limit)
        except _Transient as err:
            failures.append(str(err))
    raise DownloadError(f"{url}: the download failed {len(failures)} times (last: {failures[-1]}).{manual}")


@dataclass(frozen=True)
class _Limit:
    """The most bytes a download may bring, and the message for one that brings more (given the
    size in bytes, or a text such as "more than ...")."""

    max_bytes: int
    message: Callable[[int | str], str]


def _save(
    response: requests.Response,
    url: str,
    dest: Path,
    check: Check,
    progress: bool,
    manual: str,
    limit: _Limit | None = None,
) -> Path:
    """Stream the body into a temporary file beside ``dest``, check it, rename it into place; a body
    over ``limit`` (announced, or found on the way) is stopped and nothing is kept."""
    from tqdm.auto import tqdm

    length = response.headers.get("Content-Length", "")
    total = int(length) if length.isdigit() else None
    if limit is not None and total is not None and total > limit.max_bytes:
        raise DownloadError(f"{url}: {limit.message(total)}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        bar = tqdm(total=total, desc=dest.name, disable=not progress, leave=False, **_BAR_UNITS)
        with os.fdopen(fd, "wb") as out, bar:
            try:
                written = 0
                for chunk in response.iter_content(_CHUNK):
                    written += len(chunk)
                    if limit is not None and written > limit.max_bytes:
                        raise DownloadError(
                            f"{url}: {limit.message(f'more than {limit.max_bytes / 2**20:g} MiB')}"
                        )
                    out.write(chunk)
                    bar.update(response.raw.tell() - bar.n)  # bytes on the wire, as Content-Length
                if total is not None and response.raw.tell() != total:  # urllib3 < 2 does not check
                    raise requests.exceptions.ChunkedEncodingError("body shorter than Content-Length")
            except requests.RequestException as err:  # body short of Content-Length, or stalled
                raise _Transient(
                    f"transfer interrupted: received {response.raw.tell()} of {total} bytes"
                ) from err
            out.flush()
            os.fsync(out.fileno())
        wrong = check(tmp)
        if wrong is not None:
            raise DownloadError(f"{url}: {wrong}{manual}")
        os.replace(tmp, dest)
        return dest
    finally:
        tmp.unlink(missing_ok=True)


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
        Used between retries of broken or stalled transfers (tests pass a no-op); urllib3 waits
        between retries of server errors itself.

    Raises
    ------
    DownloadError
        No connection, a final HTTP error, a checksum mismatch, or a transfer that kept failing.
        ``dest`` is never left with partial or wrong content.
    """
    return download_checked(
        url,
        dest,
        git_sha1_check(sha1),
        policy=policy,
        progress=progress,
        manual=_REMC_HINT + manual,
        sleep=sleep,
    )


def download_checked(
    url: str,
    dest: str | os.PathLike[str],
    check: Check,
    *,
    policy: DownloadPolicy | None = None,
    progress: bool = True,
    manual: str = "",
    sleep: Callable[[float], None] = time.sleep,
    max_bytes: int | None = None,
    too_large: Callable[[int | str], str] | None = None,
) -> Path:
    """Download ``url`` to ``dest`` (atomically, with retries) and keep it only if ``check`` passes.

    :func:`download_verified` with any check, e.g. :func:`sha256_check` for a results bundle;
    the same timeouts, retries and errors. With ``max_bytes``, a body larger than that (by its
    Content-Length, or as it arrives) is a DownloadError with ``too_large(size)`` as its message.
    """
    policy = policy or DownloadPolicy()
    limit = None
    if max_bytes is not None:
        limit = _Limit(max_bytes, too_large or (lambda size: f"the body is {size} bytes, over {max_bytes}"))
    with _session(policy) as session:
        return _download(session, url, Path(dest), check, policy, progress, manual, sleep, limit)


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
        manual = _REMC_HINT + manual_instructions(
            missing, cache_dir=cache_dir, base_url=base_url, commit=commit
        )
        with _session(policy) as session:
            for entry in missing:
                url = file_url(entry.path, base_url=base_url, commit=commit)
                dest = download_path(cache_dir, entry.path, commit)
                paths[entry.path] = _download(
                    session, url, dest, git_sha1_check(entry.sha1), policy, progress, manual, _pause
                )
    return {entry.path: paths[entry.path] for entry in entries}


def probe(url: str, *, timeout: float = 3.0) -> bool:
    """True when ``url`` answers a HEAD request with a success status within ``timeout`` seconds."""
    policy = DownloadPolicy(connect_timeout=timeout, read_timeout=timeout, retries=0)
    try:
        with _session(policy) as session, _get(session, url, policy, method="HEAD"):
            return True
    except (DownloadError, _Transient, requests.RequestException):
        return False
