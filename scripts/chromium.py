"""Headless Chromium driven over the DevTools protocol through a pipe (standard library only).

Chromium started with ``--remote-debugging-pipe`` reads JSON commands, each ending with a NUL
byte, on its file descriptor 3 and writes replies and events on descriptor 4. That is enough to
load a page, wait for it, evaluate JavaScript in it, take a screenshot and print it to PDF,
without a websocket client or a browser-automation package.

Example
-------
>>> with Browser() as browser:                                        # doctest: +SKIP
...     page = browser.open("file:///tmp/book/index.html")
...     page.evaluate("document.title")
...     page.screenshot(Path("intro.png"))
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

#: Names of the Chromium executable, in the order they are looked for.
EXECUTABLES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Flags that make headless Chromium work as root, offline and without side effects.
FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


#: Flags that cut Chromium off the network (pages from ``file://`` still load): every host name fails
#: to resolve, and any connection would go through a proxy that does not exist.
OFFLINE_FLAGS: tuple[str, ...] = (
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


class BrowserError(RuntimeError):
    """Chromium could not be found or started, or a DevTools command failed."""


def find_chromium() -> str | None:
    """The path of a Chromium executable: ``$CHROMIUM`` if set, else the first of :data:`EXECUTABLES`."""
    override = os.environ.get("CHROMIUM", "").strip()
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    for name in EXECUTABLES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _high_fd(fd: int) -> int:
    """A close-on-exec duplicate of ``fd`` numbered 10 or more, so that ``dup2`` onto 3 and 4 is safe."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


@dataclass
class Page:
    """One tab of a :class:`Browser`, attached through a flat DevTools session."""

    browser: Browser
    session_id: str
    target_id: str

    def command(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a DevTools command to this page and return its result."""
        return self.browser.command(method, params, session_id=self.session_id)

    def navigate(self, url: str, timeout: float = 60.0) -> None:
        """Load ``url`` and wait for its ``load`` event (images and scripts loaded)."""
        self.browser.drain()
        reply = self.command("Page.navigate", {"url": url})
        if reply.get("errorText"):
            raise BrowserError(f"cannot load {url}: {reply['errorText']}")
        self.browser.wait_event("Page.loadEventFired", self.session_id, timeout)

    def evaluate(self, expression: str, timeout: float = 60.0) -> Any:
        """The JSON value of a JavaScript expression (promises are awaited)."""
        reply = self.command(
            "Runtime.evaluate",
            {
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
                "timeout": timeout * 1000,
            },
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JavaScript error: {text}")
        return reply["result"].get("value")

    def set_viewport(self, width: int, height: int) -> None:
        """Emulate a window of ``width`` × ``height`` CSS pixels."""
        self.command(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        """Save a PNG of the viewport (or of the whole page) to ``path``."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.command("Page.captureScreenshot", params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close this tab."""
        self.browser.command("Target.closeTarget", {"targetId": self.target_id})

    def print_pdf(self, path: Path) -> Path:
        """Print the page to an A4 PDF with its backgrounds, saved to ``path``."""
        reply = self.command(
            "Page.printToPDF",
            {
                "printBackground": True,
                "paperWidth": 8.27,
                "paperHeight": 11.69,
                "marginTop": 0.5,
                "marginBottom": 0.5,
                "marginLeft": 0.5,
                "marginRight": 0.5,
                "preferCSSPageSize": False,
            },
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(reply["data"]))
        return path


@dataclass
class Browser:
    """A headless Chromium process; use as a context manager so that it is always closed.

    Parameters
    ----------
    executable : str, optional
        The Chromium binary; found with :func:`find_chromium` when omitted.
    timeout : float
        Seconds to wait for any single DevTools reply.
    offline : bool
        Cut the browser off the network (:data:`OFFLINE_FLAGS`): what a page needs must come with it.
    """

    executable: str | None = None
    timeout: float = 120.0
    offline: bool = False
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _to_browser: Any = field(default=None, init=False, repr=False)
    _from_browser: Any = field(default=None, init=False, repr=False)
    _buffer: bytes = field(default=b"", init=False, repr=False)
    _events: list[dict[str, Any]] = field(default_factory=list, init=False, repr=False)
    _next_id: int = field(default=0, init=False, repr=False)
    _profile: tempfile.TemporaryDirectory[str] | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> Browser:
        executable = self.executable or find_chromium()
        if executable is None:
            raise BrowserError(
                "Chromium not found (looked for " + ", ".join(EXECUTABLES) + "; or set CHROMIUM). "
                "Debian/Ubuntu: apt-get install chromium"
            )
        self._profile = tempfile.TemporaryDirectory(prefix="deepdiff-chromium-")
        browser_reads, we_write = os.pipe()
        we_read, browser_writes = os.pipe()
        browser_reads, browser_writes = _high_fd(browser_reads), _high_fd(browser_writes)

        def _wire_pipes() -> None:  # runs in the child between fork and exec
            os.dup2(browser_reads, 3)
            os.dup2(browser_writes, 4)

        command = [
            executable,
            *FLAGS,
            *(OFFLINE_FLAGS if self.offline else ()),
            f"--user-data-dir={self._profile.name}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=False,  # fds 3 and 4 must survive; every other pipe end is close-on-exec
                preexec_fn=_wire_pipes,
            )
        except OSError as err:
            raise BrowserError(f"cannot start {executable}: {err}") from err
        finally:
            os.close(browser_reads)
            os.close(browser_writes)
        self._to_browser = os.fdopen(we_write, "wb", buffering=0)
        self._from_browser = os.fdopen(we_read, "rb", buffering=0)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Ask Chromium to quit, then make sure it has."""
        if self._process is not None:
            try:
                self.command("Browser.close", timeout=10)
            except (BrowserError, OSError):
                pass
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
            self._process = None
        for stream in (self._to_browser, self._from_browser):
            if stream is not None:
                stream.close()
        self._to_browser = self._from_browser = None
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    # -- protocol ---------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("Chromium did not answer in time")
            chunk = self._from_browser.read(1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe (did it crash?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def command(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session_id: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send one DevTools command and return its result; events read meanwhile are kept."""
        if self._to_browser is None:
            raise BrowserError("the browser is not running; use `with Browser() as browser:`")
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        self._to_browser.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def drain(self) -> None:
        """Forget the events received so far."""
        self._events.clear()

    def wait_event(self, method: str, session_id: str | None, timeout: float) -> dict[str, Any]:
        """Wait for the event ``method`` (of a session) and return it."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session_id:
                    return self._events.pop(i)
            self._events.append(self._read_message(deadline))

    def open(self, url: str, width: int = 1280, height: int = 900) -> Page:
        """A new tab of ``width`` × ``height`` pixels showing ``url``, loaded."""
        target_id = self.command("Target.createTarget", {"url": "about:blank"})["targetId"]
        session_id = self.command("Target.attachToTarget", {"targetId": target_id, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session_id, target_id)
        page.command("Page.enable")
        page.command("Runtime.enable")
        page.set_viewport(width, height)
        page.navigate(url)
        return page
