"""A local HTTP server standing in for GitHub's raw file server (127.0.0.1 only).

It serves a temporary copy of the real sample laid out as ``<commit>/data/Cell1.train.csv`` etc.,
plus the same files under ``data/ProcessedData/`` as E123 (Cell1) and E003 (Cell2), so the
``remc`` code path can be exercised with a test manifest. Behaviours per request path: serve a
corrupted body (same length), or announce the full Content-Length and close early a given number
of times. The server runs in a daemon thread, stops at the end of each test and, as a safety net,
after a fixed time in any case.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deepdiff.constants import REMC_COMMIT
from deepdiff.data.manifest import FILE_ROLES, ManifestEntry, file_git_sha1, load_manifest

#: The server shuts itself down after this many seconds whatever happens.
SERVER_LIFETIME_S = 120.0
SAMPLE_AS_REMC = {"E123": "Cell1", "E003": "Cell2"}


@dataclass
class Behaviour:
    """What the server does; tests change it while it runs."""

    corrupt: set[str] = field(default_factory=set)
    truncate: dict[str, int] = field(default_factory=dict)  # path -> how many more times to cut short
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class RemcServer:
    """A running server: ``base_url`` replaces ``https://raw.githubusercontent.com/QData/DeepDiffChrome``."""

    base_url: str
    root: Path
    behaviour: Behaviour

    def url_path(self, repo_path: str) -> str:
        return f"/{REMC_COMMIT}/{repo_path}"


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
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            if body:
                self.wfile.write(data[: len(data) // 2] if cut else data)
            self.close_connection = True

        def do_GET(self) -> None:
            self._serve(body=True)

        def do_HEAD(self) -> None:
            self._serve(body=False)

    return Handler


@pytest.fixture(scope="session")
def served_root(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """A temporary copy of the sample in the repository's layout (sample and remc paths)."""
    root = tmp_path_factory.mktemp("served")
    data = root / REMC_COMMIT / "data"
    (data / "ProcessedData").mkdir(parents=True)
    for source in sample_dir.glob("Cell*.csv"):
        shutil.copyfile(source, data / source.name)
    for cell, sample_name in SAMPLE_AS_REMC.items():
        for role in FILE_ROLES:
            shutil.copyfile(
                sample_dir / f"{sample_name}.{role}.csv", data / "ProcessedData" / f"{cell}.{role}.csv"
            )
    return root.resolve()


@pytest.fixture
def remc_server(served_root: Path) -> Iterator[RemcServer]:
    """A server on 127.0.0.1 (a free port) for the duration of one test."""
    behaviour = Behaviour()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served_root, behaviour))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    safety = threading.Timer(SERVER_LIFETIME_S, server.shutdown)
    safety.daemon = True
    safety.start()
    try:
        yield RemcServer(f"http://127.0.0.1:{server.server_address[1]}", served_root, behaviour)
    finally:
        safety.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def sample_as_remc_manifest(served_root: Path) -> dict[str, ManifestEntry]:
    """The packaged manifest with E123/E003 entries pointing at the served sample copies."""
    manifest = dict(load_manifest())
    for cell in SAMPLE_AS_REMC:
        for role in FILE_ROLES:
            path = f"data/ProcessedData/{cell}.{role}.csv"
            local = served_root / REMC_COMMIT / path
            manifest[path] = ManifestEntry(path, file_git_sha1(local), local.stat().st_size)
    return manifest


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache per test (downloads and parsed arrays)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("DEEPDIFF_CACHE_DIR", str(path))
    monkeypatch.delenv("DEEPDIFF_REMC_URL", raising=False)
    return path
