"""``liaise-lod serve``: a small standard-library server for a published site, doing the same
content negotiation as the shipped nginx and Apache configuration.

Nothing outside the site folder is served, by any path: every file is served from its real
path (symbolic links resolved), which must lie inside the site's real path. A request target
that is not a plain origin-form (or http(s) absolute-form) path is refused with 400, one too
long with 414. A client has ``timeout`` seconds to send its request, in all, and each later
send waits at most as long; at most ``MAX_CONNECTIONS`` are answered at once, others wait in
a listen queue of ``LISTEN_BACKLOG``.
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
import shutil
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from .._internal.safe_text import neutralise
from ..formats import graph_formats
from .negotiate import FILE_TYPES, MEDIA_TYPES, TEXT_FILES, choose

CONTENT_TYPES = {
    ext: f"{media}; charset=utf-8" if ext in TEXT_FILES else media
    for ext, media in FILE_TYPES.items()
}
#: What the site root offers besides its index page.
ROOT_FILES = {
    ".html": "index.html",
    **{fmt.extension: f"description{fmt.extension}" for fmt in graph_formats() if fmt.extension},
}
#: Seconds a client has to send its whole request, and each send of the answer may wait.
REQUEST_TIMEOUT = 10.0
#: Connections waiting to be accepted (the listen backlog).
LISTEN_BACKLOG = 128
#: Connections answered at once (a thread each).
MAX_CONNECTIONS = 256
#: The longest request target taken, and the longest path segment (a file name's limit).
MAX_TARGET_LENGTH = 2048
MAX_SEGMENT_BYTES = 255

_SEND_CHUNK = 64 * 1024
_VISIBLE_ASCII = re.compile(r"^[\x21-\x7e]*$")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ABSOLUTE_FORM = re.compile(r"^https?://[^/]*", re.IGNORECASE)


class Refused(Exception):
    """A request target answered with an error status, never looked up."""

    def __init__(self, status: HTTPStatus):
        super().__init__(status.phrase)
        self.status = status


def segments_of(target: str) -> list[str] | None:
    """The decoded path segments a request target names ([] for the root); None for anything
    that cannot name a file of the site (hidden, ``.``/``..``, empty, holding a ``/`` or a
    backslash). ``Refused`` for a malformed target (400) or one too long (414)."""
    if len(target) > MAX_TARGET_LENGTH:
        raise Refused(HTTPStatus.REQUEST_URI_TOO_LONG)
    if not _VISIBLE_ASCII.match(target) or _BAD_PERCENT.search(target):
        raise Refused(HTTPStatus.BAD_REQUEST)
    path = _ABSOLUTE_FORM.sub("", target, count=1) or "/"
    if not path.startswith("/"):  # "*", authority-form, a relative path
        raise Refused(HTTPStatus.BAD_REQUEST)
    path = path.split("?", 1)[0].split("#", 1)[0]
    # One address per resource: no empty segment (``//``) and no trailing ``/`` but the root's,
    # as a static server has it; elsewhere, the relative links of pages would not resolve.
    if path == "/":
        return []
    segments = [_decoded(segment) for segment in path[1:].split("/")]
    if any(len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES for segment in segments):
        raise Refused(HTTPStatus.REQUEST_URI_TOO_LONG)
    if any(not segment or segment.startswith(".") for segment in segments):
        return None
    if any(character in segment for segment in segments for character in "/\\"):
        return None
    return segments


def _decoded(segment: str) -> str:
    try:
        decoded = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST) from None
    if any(ord(character) < 0x20 or 0x7F <= ord(character) < 0xA0 for character in decoded):
        raise Refused(HTTPStatus.BAD_REQUEST)  # NUL, line breaks, escape sequences
    return decoded


def served_file(root: Path, path: Path) -> Path | None:
    """The real path of ``path`` if it is a regular file inside ``root`` (a real path itself),
    hidden by no part of its real path; else None. Symbolic links are followed to their end
    and then judged: a link out of the site, or through a linked folder out of it, is None."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # missing, a loop of links, too long a name
        return None
    if not real.is_relative_to(root):
        return None
    if any(part.startswith(".") for part in real.relative_to(root).parts):
        return None
    try:
        return real if real.is_file() else None
    except OSError:
        return None


def candidates(root: Path, target: Path) -> dict[str, tuple[Path, Path]]:
    """The representations on offer for an extension-less path, by extension: the path asked
    for (which names the media type) and the real file served."""
    if target == root:
        offered = {ext: root / name for ext, name in ROOT_FILES.items()}
    else:
        offered = {ext: target.with_name(target.name + ext) for ext in MEDIA_TYPES}
    found = {ext: (path, served_file(root, path)) for ext, path in offered.items()}
    return {ext: (path, real) for ext, (path, real) in found.items() if real is not None}


class _DeadlineReader(io.RawIOBase):
    """A socket's bytes until a deadline: a client that sends nothing, or a byte now and then,
    cannot hold its connection (and a thread) past it."""

    def __init__(self, connection: socket.socket, deadline: float):
        self._connection = connection
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not received in time")
        self._connection.settimeout(left)
        return self._connection.recv_into(buffer)


class SiteHandler(BaseHTTPRequestHandler):
    """Serves files of one site; extension-less paths are negotiated on ``Accept``."""

    site: Path = Path(".")
    server_version = "liaise-lod"
    timeout = REQUEST_TIMEOUT

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        deadline = time.monotonic() + (self.timeout or REQUEST_TIMEOUT)
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, deadline))

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        self.connection.settimeout(self.timeout)  # the request is in: the answer's own limit
        # The target as sent: ``self.path`` has a leading "//" folded into "/" by the stdlib.
        words = self.requestline.split()
        try:
            segments = segments_of(words[1] if len(words) == 3 else self.path)
        except Refused as refused:
            return self._status(refused.status, body)
        if segments is None:
            return self._status(HTTPStatus.NOT_FOUND, body)
        target = self.site.joinpath(*segments)
        real = served_file(self.site, target)
        if real is not None:
            return self._send(target, real, body, vary=False)
        offered = candidates(self.site, target)
        if not offered:
            return self._status(HTTPStatus.NOT_FOUND, body)
        chosen = choose(self.headers.get("Accept"), sorted(offered))
        if chosen is None:
            kinds = ", ".join(MEDIA_TYPES[ext] for ext in sorted(offered))
            return self._status(HTTPStatus.NOT_ACCEPTABLE, body, f"available: {kinds}\n")
        self._send(*offered[chosen], body, vary=True)

    def _send(self, asked: Path, real: Path, body: bool, vary: bool) -> None:
        try:
            file = real.open("rb")
        except OSError:  # gone, or unreadable, since it was looked up
            return self._status(HTTPStatus.NOT_FOUND, body)
        with file:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", _content_type(asked))
            self.send_header("Content-Length", str(_size(file)))
            if vary:
                self.send_header("Vary", "Accept")
                self.send_header("Content-Location", asked.name)
            self.end_headers()
            if body:
                shutil.copyfileobj(file, self.wfile, _SEND_CHUNK)

    def _status(self, status: HTTPStatus, body: bool, text: str | None = None) -> None:
        data = (text or f"{status.value} {status.phrase}\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "verbose", False):
            # What the client sent (the request line) is shown with its controls escaped.
            message = neutralise(format % args, 1000)
            when = self.log_date_time_string()
            sys.stderr.write(f"{self.address_string()} - - [{when}] {message}\n")


def _size(file: BinaryIO) -> int:
    return os.fstat(file.fileno()).st_size


def _content_type(path: Path) -> str:
    return (
        CONTENT_TYPES.get(path.suffix)
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )


class SiteServer(ThreadingHTTPServer):
    """A thread per connection, at most ``MAX_CONNECTIONS`` at once; a failure while answering
    one is a line on stderr, never a traceback."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], handler: type[SiteHandler]):
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # the client went away, or was too slow: nothing to tell
        print(
            f"liaise-lod: serve: answering {client_address[0]} failed: "
            f"{neutralise(f'{type(error).__name__}: {error}', 300)}",
            file=sys.stderr,
        )


def make_server(
    site: Path, host: str = "127.0.0.1", port: int = 8000, *, timeout: float = REQUEST_TIMEOUT
) -> SiteServer:
    """A server for ``site`` bound to ``host:port`` (port 0: any free port); not yet serving.
    ``timeout``: seconds a client has to send its request, and each send may wait."""
    attributes = {"site": Path(site).resolve(), "timeout": timeout}
    handler = type("BoundSiteHandler", (SiteHandler,), attributes)
    return SiteServer((host, port), handler)
