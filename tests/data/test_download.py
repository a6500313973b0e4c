"""Verified downloads against a local server on 127.0.0.1: success, corruption, interruption, offline, HTTPS.

The server's files are the synthetic sample (any clone) and the real one (beside ``../shared``). No
test measures time: a failure that must come fast is shown by counting connection attempts and
waits.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
import urllib3.util.retry

from deepdiff.constants import REMC_COMMIT
from deepdiff.data import download
from deepdiff.data.download import (
    DEFAULT_BASE_URL,
    DownloadPolicy,
    download_path,
    download_verified,
    fetch_entries,
    file_url,
    probe,
    remc_base_url,
)
from deepdiff.data.manifest import cell_entries, file_git_sha1, git_blob_sha1, load_manifest
from deepdiff.errors import DownloadError
from tests.data.conftest import RemcServer

FAST = DownloadPolicy(connect_timeout=2.0, read_timeout=2.0, retries=2, backoff=0.0)
PATH = "data/Cell1.expr.csv"


def _no_sleep(_: float) -> None:
    pass


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


@dataclass
class Silent:
    """A port whose connections the kernel accepts (into the listen backlog) and nobody answers."""

    sock: socket.socket

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def connections(self) -> int:
        """How many connections were made to it so far (taken from the backlog and closed)."""
        self.sock.setblocking(False)
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


@pytest.fixture
def silent_server() -> Iterator[Silent]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield Silent(sock)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait between retries of the downloader's own loop in ``fetch_entries`` (recorded, not
    slept; nothing else's sleep is touched); pass ``sleep=waits.append`` to :func:`download_verified`."""
    recorded: list[float] = []
    monkeypatch.setattr(download, "_pause", recorded.append)
    return recorded


def test_urls_and_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DEEPDIFF_REMC_URL", raising=False)
    assert file_url(PATH) == f"https://raw.githubusercontent.com/QData/DeepDiffChrome/{REMC_COMMIT}/{PATH}"
    assert remc_base_url() == DEFAULT_BASE_URL
    monkeypatch.setenv("DEEPDIFF_REMC_URL", "http://mirror.example/x/")
    assert file_url(PATH) == f"http://mirror.example/x/{REMC_COMMIT}/{PATH}"
    assert file_url(PATH, base_url="http://other") == f"http://other/{REMC_COMMIT}/{PATH}"
    assert download_path(tmp_path, PATH) == tmp_path / "downloads" / REMC_COMMIT / PATH


def test_download_verifies_and_renames(remc_server: RemcServer, cache_dir: Path) -> None:
    entry = load_manifest()[PATH]
    dest = download_path(cache_dir, PATH)
    url = file_url(PATH, base_url=remc_server.base_url)
    assert download_verified(url, dest, entry.sha1, policy=FAST, progress=False) == dest
    assert file_git_sha1(dest) == entry.sha1
    assert _leftovers(dest.parent) == [dest.name]  # no temporary file left behind


def test_checksum_mismatch_keeps_nothing(remc_server: RemcServer, cache_dir: Path) -> None:
    entry = load_manifest()[PATH]
    remc_server.behaviour.corrupt.add(remc_server.url_path(PATH))
    dest = download_path(cache_dir, PATH)
    with pytest.raises(DownloadError, match="checksum mismatch") as info:
        download_verified(
            file_url(PATH, base_url=remc_server.base_url), dest, entry.sha1, policy=FAST, progress=False
        )
    assert entry.sha1 in str(info.value)
    assert _leftovers(cache_dir) == []
    assert len(remc_server.behaviour.requests) == 1  # a complete but wrong file is not retried


def test_interrupted_transfer_is_retried(remc_server: RemcServer, cache_dir: Path) -> None:
    entry = load_manifest()[PATH]
    remc_server.behaviour.truncate[remc_server.url_path(PATH)] = 2
    dest = download_path(cache_dir, PATH)
    download_verified(
        file_url(PATH, base_url=remc_server.base_url),
        dest,
        entry.sha1,
        policy=FAST,
        progress=False,
        sleep=_no_sleep,
    )
    assert file_git_sha1(dest) == entry.sha1
    assert len(remc_server.behaviour.requests) == 3
    assert _leftovers(dest.parent) == [dest.name]


def test_transfer_that_keeps_failing_is_an_error(remc_server: RemcServer, cache_dir: Path) -> None:
    entry = load_manifest()[PATH]
    remc_server.behaviour.truncate[remc_server.url_path(PATH)] = 100
    dest = download_path(cache_dir, PATH)
    waits: list[float] = []
    with pytest.raises(DownloadError, match=r"failed 3 times.*interrupted: received \d+ of \d+ bytes"):
        download_verified(
            file_url(PATH, base_url=remc_server.base_url),
            dest,
            entry.sha1,
            policy=DownloadPolicy(retries=2, backoff=0.5),
            progress=False,
            sleep=waits.append,
        )
    assert waits == [0.5, 1.0]  # exponential backoff
    assert _leftovers(cache_dir) == []


def test_missing_file_is_a_clear_error(remc_server: RemcServer, cache_dir: Path) -> None:
    url = file_url("data/nothing.csv", base_url=remc_server.base_url)
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_verified(url, cache_dir / "x.csv", "0" * 40, policy=FAST, progress=False)
    assert len(remc_server.behaviour.requests) == 1


def test_fetch_entries_downloads_once_and_repairs_damage(remc_server: RemcServer, cache_dir: Path) -> None:
    entries = list(cell_entries("E003", "sample").values())
    paths = fetch_entries(entries, cache_dir=cache_dir, base_url=remc_server.base_url, progress=False)
    assert [file_git_sha1(paths[e.path]) for e in entries] == [e.sha1 for e in entries]
    assert len(remc_server.behaviour.requests) == 4
    fetch_entries(entries, cache_dir=cache_dir, base_url=remc_server.base_url, progress=False)
    assert len(remc_server.behaviour.requests) == 4  # all cached and verified
    damaged = paths[entries[0].path]
    damaged.write_bytes(b"damaged")
    fetch_entries(entries, cache_dir=cache_dir, base_url=remc_server.base_url, progress=False)
    assert len(remc_server.behaviour.requests) == 5
    assert file_git_sha1(damaged) == entries[0].sha1


def test_unreachable_server_fails_at_once_with_manual_instructions(
    closed_port: int, cache_dir: Path, connects: list[tuple[str, int]], waits: list[float]
) -> None:
    entries = list(cell_entries("E123", "sample").values())
    base = f"http://127.0.0.1:{closed_port}"
    with pytest.raises(DownloadError) as info:
        fetch_entries(entries, cache_dir=cache_dir, base_url=base, progress=False)  # default policy
    assert connects == [("127.0.0.1", closed_port)] and waits == []  # one refused connection, no retry
    message = str(info.value)
    assert "cannot connect" in message and "offline" in message
    assert "To fetch the files by hand" in message and "source='local'" in message
    for entry in entries:
        assert file_url(entry.path, base_url=base) in message
        assert str(download_path(cache_dir, entry.path)) in message
    assert _leftovers(cache_dir) == []


def test_silent_server_times_out_and_is_retried(
    silent_server: Silent, cache_dir: Path, waits: list[float]
) -> None:
    policy = DownloadPolicy(connect_timeout=5.0, read_timeout=0.3, retries=1, backoff=0.25)
    with pytest.raises(DownloadError, match=r"failed 2 times \(last: no response"):
        download_verified(
            f"http://127.0.0.1:{silent_server.port}/x",
            cache_dir / "x",
            "0" * 40,
            policy=policy,
            progress=False,
            sleep=waits.append,
        )
    assert silent_server.connections() == 2 and waits == [0.25]
    assert _leftovers(cache_dir) == []


def test_probe(remc_server: RemcServer, closed_port: int, connects: list[tuple[str, int]]) -> None:
    assert probe(file_url(PATH, base_url=remc_server.base_url), timeout=2)
    assert remc_server.behaviour.requests == [f"HEAD {remc_server.url_path(PATH)}"]
    assert not probe(file_url("data/none.csv", base_url=remc_server.base_url), timeout=2)
    connects.clear()
    assert not probe(f"http://127.0.0.1:{closed_port}/x", timeout=2)
    assert connects == [("127.0.0.1", closed_port)]  # refused once, not retried


# ----------------------------------------------------------------------------- HTTPS


def test_https_download_with_a_trusted_certificate(https_server: RemcServer, cache_dir: Path) -> None:
    """The real server is HTTPS: the transfer is verified against the CA bundle ``requests`` is given."""
    assert https_server.base_url.startswith("https://127.0.0.1:")
    entries = list(cell_entries("E003", "sample").values())
    paths = fetch_entries(entries, cache_dir=cache_dir, base_url=https_server.base_url, progress=False)
    assert [file_git_sha1(paths[e.path]) for e in entries] == [e.sha1 for e in entries]
    assert len(https_server.behaviour.requests) == 4
    assert probe(file_url(PATH, base_url=https_server.base_url), timeout=2)


def test_https_certificate_not_trusted_is_a_clear_error(
    https_server: RemcServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")  # back to the default bundle, which lacks the test's certificate
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    entry = load_manifest()[PATH]
    with pytest.raises(DownloadError, match=r"certificate.*REQUESTS_CA_BUNDLE") as info:
        download_verified(
            file_url(PATH, base_url=https_server.base_url),
            download_path(cache_dir, PATH),
            entry.sha1,
            policy=FAST,
            progress=False,
            sleep=waits.append,
        )
    assert "offline" not in str(info.value)
    assert https_server.behaviour.requests == [] and waits == []  # refused before any request, not retried
    assert _leftovers(cache_dir) == []


# ----------------------------------------------------------------------------- server errors (urllib3 retries)


@dataclass
class Scripted:
    """A server that answers GETs with scripted error statuses, then with a synthetic file."""

    url: str
    data: bytes
    errors: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # answered in order, then the file
    error_forever: tuple[int, dict[str, str]] | None = None  # answered instead of the file
    gzip: bool = False  # send the file gzip-encoded (Content-Length is the compressed size)
    gets: int = 0

    @property
    def sha1(self) -> str:
        return git_blob_sha1(self.data)


@pytest.fixture
def scripted_server(tmp_path: Path) -> Iterator[Scripted]:
    served = tmp_path / "served.csv"
    served.write_bytes(b"".join(b"gene%d,%d.5\n" % (i, i % 97) for i in range(20000)))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with lock:
                script.gets += 1
                error = script.errors.pop(0) if script.errors else script.error_forever
            if error is not None:
                status, headers = error
                self.send_response(status)
                for name, value in {**headers, "Content-Length": "0"}.items():
                    self.send_header(name, value)
                self.end_headers()
                return
            body = served.read_bytes()
            self.send_response(200)
            if script.gzip:
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    script = Scripted(f"http://127.0.0.1:{server.server_address[1]}/served.csv", served.read_bytes())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_server_errors_are_retried_then_served(scripted_server: Scripted, tmp_path: Path) -> None:
    scripted_server.errors = [(503, {}), (503, {})]
    dest = tmp_path / "cache" / "x.csv"
    waits: list[float] = []
    download_verified(
        scripted_server.url, dest, scripted_server.sha1, policy=FAST, progress=False, sleep=waits.append
    )
    assert dest.read_bytes() == scripted_server.data
    assert scripted_server.gets == 3
    assert waits == []  # retried by the HTTP adapter, not by the loop for broken transfers
    assert _leftovers(dest.parent) == [dest.name]


def test_too_many_requests_honours_retry_after(
    scripted_server: Scripted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # urllib3's Retry waits with its module's ``time.sleep``: record the wait instead of sleeping. FAST
    # has no backoff, so a recorded 3 can only come from the header.
    slept: list[float] = []
    monkeypatch.setattr(urllib3.util.retry, "time", SimpleNamespace(sleep=slept.append, time=time.time))
    scripted_server.errors = [(429, {"Retry-After": "3"})]
    dest = tmp_path / "x.csv"
    waits: list[float] = []
    download_verified(
        scripted_server.url, dest, scripted_server.sha1, policy=FAST, progress=False, sleep=waits.append
    )
    assert file_git_sha1(dest) == scripted_server.sha1
    assert scripted_server.gets == 2
    assert slept == [3.0] and waits == []


@pytest.mark.parametrize("retries", [0, 2])
def test_server_error_forever_is_an_error(scripted_server: Scripted, tmp_path: Path, retries: int) -> None:
    scripted_server.error_forever = (503, {})
    policy = DownloadPolicy(connect_timeout=2.0, read_timeout=2.0, retries=retries, backoff=0.0)
    with pytest.raises(DownloadError, match=f"HTTP 503 Service Unavailable {retries + 1} times") as info:
        download_verified(
            scripted_server.url, tmp_path / "x.csv", scripted_server.sha1, policy=policy, progress=False
        )
    assert scripted_server.url in str(info.value)
    assert scripted_server.gets == retries + 1
    assert _leftovers(tmp_path) == ["served.csv"]


def test_gzip_encoded_transfer_is_decoded_and_verified(scripted_server: Scripted, tmp_path: Path) -> None:
    scripted_server.gzip = True
    dest = tmp_path / "x.csv"
    download_verified(scripted_server.url, dest, scripted_server.sha1, policy=FAST, progress=True)
    assert dest.read_bytes() == scripted_server.data
    assert scripted_server.gets == 1
