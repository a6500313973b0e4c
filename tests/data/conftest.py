"""A local HTTP(S) server standing in for GitHub's raw file server (127.0.0.1 only).

It serves a sample — the synthetic one written in this session, and the authors' real one where
``../shared`` is beside the project (see ``sample_files`` in ``tests/conftest.py``) — laid out as
the authors' repository: ``<commit>/data/Cell1.train.csv`` etc., plus the same files under
``data/ProcessedData/`` as E123 (Cell1) and E003 (Cell2), so the ``remc`` code path is exercised
too. While a server fixture runs, the manifest the package reads is one that lists the served
files' checksums (the packaged manifest with those entries replaced).

Behaviours per request path: serve a corrupted body (same length), or announce the full
Content-Length and close early a given number of times; and, for tests of concurrent clients,
hold each GET until a given number of them have arrived. The server runs in a daemon thread and
stops at the end of each test.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import urllib3.util.connection

from deepdiff.constants import REMC_COMMIT, SAMPLE_CELLS
from deepdiff.data import manifest
from deepdiff.data.layout import FILE_ROLES, cell_file
from deepdiff.data.manifest import ManifestEntry, file_git_sha1, load_manifest
from tests.conftest import SampleFiles
from tests.needs import unavailable
from tests.synthetic import manifest_text

#: A guard against a request left waiting at the gate forever; never reached when the code works.
GATE_TIMEOUT_S = 30


@dataclass
class Behaviour:
    """What the server does; tests change it while it runs."""

    corrupt: set[str] = field(default_factory=set)
    truncate: dict[str, int] = field(default_factory=dict)  # path -> how many more times to cut short
    gate: threading.Barrier | None = None  # a GET waits here before its body: transfers overlap
    gate_broken: bool = False  # a GET gave up waiting at the gate (then served without waiting)
    in_flight: int = 0  # GETs being answered now
    peak_in_flight: int = 0  # the most GETs answered at once so far
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class RemcServer:
    """A running server: ``base_url`` replaces ``https://raw.githubusercontent.com/QData/DeepDiffChrome``."""

    base_url: str
    root: Path
    behaviour: Behaviour
    sample: SampleFiles

    def url_path(self, repo_path: str) -> str:
        return f"/{REMC_COMMIT}/{repo_path}"


@dataclass(frozen=True)
class Served:
    """The served copy of a sample and the manifest of its files."""

    root: Path
    manifest: Path
    sample: SampleFiles


def _handler(root: Path, behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def _serve(self, body: bool) -> None:
            path = self.path.split("?")[0]
            with behaviour.lock:
                behaviour.requests.append(f"{self.command} {path}")
                cut = behaviour.truncate.get(path, 0) > 0
                if cut and body:
                    behaviour.truncate[path] -= 1
            local = (root / path.lstrip("/")).resolve()
            if not local.is_relative_to(root) or not local.is_file():
                self.send_error(404)
                return
            data = local.read_bytes()
            if path in behaviour.corrupt:
                data = bytes([data[0] ^ 1]) + data[1:]
            if body and behaviour.gate is not None:
                try:
                    behaviour.gate.wait(GATE_TIMEOUT_S)
                except threading.BrokenBarrierError:  # a client gave up: serve without waiting from now on
                    behaviour.gate_broken = True  # so a test can tell that transfers did not overlap
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            if body:
                self.wfile.write(data[: len(data) // 2] if cut else data)
            self.close_connection = True

        def do_GET(self) -> None:
            with behaviour.lock:
                behaviour.in_flight += 1
                behaviour.peak_in_flight = max(behaviour.peak_in_flight, behaviour.in_flight)
            try:
                self._serve(body=True)
            finally:
                with behaviour.lock:
                    behaviour.in_flight -= 1

        def do_HEAD(self) -> None:
            self._serve(body=False)

    return Handler


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """Run ``handler`` on 127.0.0.1 (a free port) in a daemon thread; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, sample_files: SampleFiles) -> Served:
    """A copy of the sample in the repository's layout (sample and remc paths), and its manifest."""
    root = tmp_path_factory.mktemp(f"served-{sample_files.kind}").resolve()
    data = root / REMC_COMMIT / "data"
    (data / "ProcessedData").mkdir(parents=True)
    for source in sample_files.directory.glob("Cell*.csv"):
        shutil.copyfile(source, data / source.name)
    for cell, sample_name in SAMPLE_CELLS.items():
        for role in FILE_ROLES:
            shutil.copyfile(
                sample_files.directory / cell_file(sample_name, role),
                data / "ProcessedData" / cell_file(cell, role),
            )
    entries = dict(load_manifest(manifest.packaged_manifest_path()))
    for local in sorted(data.rglob("*.csv")):
        path = local.relative_to(root / REMC_COMMIT).as_posix()
        entries[path] = ManifestEntry(path, file_git_sha1(local), local.stat().st_size)
    listing = root / "manifest.tsv"
    listing.write_text(manifest_text(entries), encoding="utf-8")
    return Served(root, listing, sample_files)


@pytest.fixture
def served_manifest(served: Served, monkeypatch: pytest.MonkeyPatch) -> dict[str, ManifestEntry]:
    """While the test runs, the package reads the manifest of the served files."""
    monkeypatch.setattr(manifest, "packaged_manifest_path", lambda: served.manifest)
    return load_manifest()


@pytest.fixture
def remc_server(served: Served, served_manifest: dict[str, ManifestEntry]) -> Iterator[RemcServer]:
    """A server of the sample on 127.0.0.1 for the duration of one test."""
    behaviour = Behaviour()
    with serving(_handler(served.root, behaviour)) as url:
        yield RemcServer(url, served.root, behaviour, served.sample)


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the ``openssl`` command for this session."""
    openssl = shutil.which("openssl")
    if openssl is None:
        unavailable("the `openssl` command is needed to make a certificate for the HTTPS test")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
    subprocess.run(
        [openssl, *request, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def https_server(
    served: Served,
    served_manifest: dict[str, ManifestEntry],
    self_signed: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[RemcServer]:
    """The same server over TLS, with a self-signed certificate that ``requests`` is told to trust."""
    cert, key = self_signed
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    behaviour = Behaviour()
    with serving(_handler(served.root, behaviour), tls=context) as url:
        yield RemcServer(url, served.root, behaviour, served.sample)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection the downloader attempts, in order (host, port)."""
    attempts: list[tuple[str, int]] = []
    real: Callable[..., socket.socket] = urllib3.util.connection.create_connection

    def counted(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        attempts.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counted)
    return attempts


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache per test (downloads and parsed arrays)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("DEEPDIFF_CACHE_DIR", str(path))
    monkeypatch.delenv("DEEPDIFF_REMC_URL", raising=False)
    return path
