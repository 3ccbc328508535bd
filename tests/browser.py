"""Headless Chromium for the tests, driven over the DevTools protocol on a pipe.

`chromium --remote-debugging-pipe` reads protocol commands (JSON, each ended by a NUL byte) on
file descriptor 3 and writes replies and events on descriptor 4, so no websocket library and no
port are needed. The browser runs with the flags from ../shared/TOOLS.md that keep it off the
network (no background networking, component updates or sync).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-pipe",
)


@dataclass
class Rendered:
    """What a page left behind: its title, console messages, uncaught errors, failed loads."""

    title: str
    console: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    evaluations: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and failed loads, as text."""
        messages = [
            f"console.{entry['level']}: {entry['text']}"
            for entry in self.console
            if entry["level"] in ("error", "warning")
        ]
        dialogs = [f"dialog opened: {message}" for message in self.dialogs]
        return messages + self.exceptions + self.failed_requests + dialogs


class Chromium:
    """One headless browser; ``render(url, png)`` loads a page, screenshots it, and reports."""

    def __init__(
        self,
        executable: str,
        width: int = 1200,
        height: int = 900,
        timeout: float = 30,
        mobile: bool = False,
    ):
        self.timeout, self.width, self.height, self.mobile = timeout, width, height, mobile
        self._profile = tempfile.TemporaryDirectory(prefix="liaise-lod-chromium-")
        browser_reads, self._to_browser = os.pipe()
        self._from_browser, browser_writes = os.pipe()
        self._process = subprocess.Popen(
            [
                executable,
                *FLAGS,
                f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # descriptors 3 and 4 are made in the child, inheritable
            preexec_fn=lambda: _as_descriptors_3_and_4(browser_reads, browser_writes),
        )
        os.close(browser_reads)
        os.close(browser_writes)
        self._reader = os.fdopen(self._from_browser, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.close()
        os.close(self._to_browser)
        self._profile.cleanup()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------- the protocol

    def _send(self, method: str, session: str | None = None, **params: Any) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._reader], [], [], self.timeout)
            if not ready:
                raise TimeoutError(f"Chromium did not answer within {self.timeout} s")
            chunk = self._reader.read(1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its reply; events met meanwhile are kept."""
        number = self._send(method, session, **params)
        while True:
            message = self._receive()
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._events.append(message)

    def _wait_for(self, event: str, session: str) -> None:
        while True:
            message = self._receive()
            self._events.append(message)
            if message.get("sessionId") != session:
                continue
            if message.get("method") == "Page.javascriptDialogOpening":
                # A dialog (alert, confirm) blocks the page until answered: answer and go on.
                self._send("Page.handleJavaScriptDialog", session, accept=True)
            if message.get("method") == event:
                return

    # ------------------------------------------------------------------------------ rendering

    def render(self, url: str, png: Path, expressions: dict[str, str] | None = None) -> Rendered:
        """Load ``url`` in a new tab, wait for its load event, save a PNG of the viewport and
        evaluate each JavaScript expression of ``expressions`` (by name) in the page, awaiting
        the ones that give a promise."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._events.clear()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=self.mobile,
        )
        self.call("Page.navigate", session, url=url)
        self._wait_for("Page.loadEventFired", session)
        shot = self.call("Page.captureScreenshot", session, format="png")
        png.write_bytes(base64.b64decode(shot["data"]))
        evaluations = {
            name: self.call(
                "Runtime.evaluate",
                session,
                expression=expression,
                returnByValue=True,
                awaitPromise=True,  # an expression may be a promise, as axe.run() is
            )["result"].get("value")
            for name, expression in (expressions or {}).items()
        }
        title = self.call("Runtime.evaluate", session, expression="document.title")["result"]
        rendered = Rendered(title=title.get("value", ""), evaluations=evaluations)
        self._collect(rendered, session)
        self.call("Target.closeTarget", targetId=target)
        return rendered

    def _collect(self, rendered: Rendered, session: str) -> None:
        for event in self._events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(arg.get("value", arg.get("description"))) for arg in params["args"]
                )
                level = {"warn": "warning"}.get(params["type"], params["type"])
                rendered.console.append({"level": level, "text": text})
            elif method == "Log.entryAdded":
                entry = params["entry"]
                rendered.console.append({"level": entry["level"], "text": entry["text"]})
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                thrown = details.get("exception", {}).get("description")
                rendered.exceptions.append(thrown or details.get("text", "exception"))
            elif method == "Page.javascriptDialogOpening":
                rendered.dialogs.append(f"{params.get('type')}: {params.get('message')}")
            elif method == "Network.loadingFailed":
                rendered.failed_requests.append(
                    f"load failed: {params.get('errorText')} ({params.get('type')})"
                )
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                response = params["response"]
                rendered.failed_requests.append(f"HTTP {response['status']}: {response['url']}")


def _as_descriptors_3_and_4(reads: int, writes: int) -> None:
    """In the browser's process, before exec: put its pipe ends at descriptors 3 and 4."""
    # Move both out of the way first: either may already sit at 3 or 4.
    reads, writes = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (reads, writes))
    os.dup2(reads, 3)
    os.dup2(writes, 4)
