"""``liaise-lod serve``: a small standard-library server for a published site, doing the same
content negotiation as the shipped nginx and Apache configuration."""

from __future__ import annotations

import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .negotiate import FILE_TYPES, MEDIA_TYPES, TEXT_FILES, choose

CONTENT_TYPES = {
    ext: f"{media}; charset=utf-8" if ext in TEXT_FILES else media
    for ext, media in FILE_TYPES.items()
}
#: What the site root offers besides its index page.
ROOT_FILES = {
    ".html": "index.html",
    ".ttl": "description.ttl",
    ".jsonld": "description.jsonld",
    ".nt": "description.nt",
}


def resolve(site: Path, url_path: str) -> Path | None:
    """The file or extension-less stem under ``site`` that a URL path names; None for anything
    hidden, or outside the site."""
    # An origin-form target ("/a/b?q") is cut by hand: urlsplit reads "//a/b" as host "a".
    absolute = url_path.startswith(("http://", "https://"))
    path = unquote(urlsplit(url_path).path if absolute else url_path.split("?", 1)[0])
    # One address per resource: no empty segment (``//``) and no trailing ``/`` but the root's,
    # as a static server has it; elsewhere, the relative links of pages would not resolve.
    segments = path.split("/")[1:] if path != "/" else []
    if any(not segment or segment.startswith(".") for segment in segments):
        return None
    if any("\\" in segment or "\0" in segment for segment in segments):
        return None
    root = site.resolve()
    target = root.joinpath(*segments).resolve() if segments else root
    if target != root and root not in target.parents:
        return None
    return target


def candidates(site: Path, target: Path) -> dict[str, Path]:
    """The representations on offer for an extension-less path, by extension."""
    if target == site.resolve():
        offered = {ext: site / name for ext, name in ROOT_FILES.items()}
    else:
        offered = {ext: target.with_name(target.name + ext) for ext in MEDIA_TYPES}
    return {ext: path for ext, path in offered.items() if path.is_file()}


class SiteHandler(BaseHTTPRequestHandler):
    """Serves files of one site; extension-less paths are negotiated on ``Accept``."""

    site: Path = Path(".")
    server_version = "liaise-lod"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        # The target as sent: ``self.path`` has a leading "//" folded into "/" by the stdlib.
        words = self.requestline.split()
        target = resolve(self.site, words[1] if len(words) == 3 else self.path)
        if target is None:
            return self._status(HTTPStatus.NOT_FOUND, body)
        if target.is_file():
            return self._send(target, body, vary=False)
        offered = candidates(self.site, target)
        if not offered:
            return self._status(HTTPStatus.NOT_FOUND, body)
        chosen = choose(self.headers.get("Accept"), sorted(offered))
        if chosen is None:
            kinds = ", ".join(MEDIA_TYPES[ext] for ext in sorted(offered))
            return self._status(HTTPStatus.NOT_ACCEPTABLE, body, f"available: {kinds}\n")
        self._send(offered[chosen], body, vary=True)

    def _send(self, path: Path, body: bool, vary: bool) -> None:
        data = path.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", _content_type(path))
        self.send_header("Content-Length", str(len(data)))
        if vary:
            self.send_header("Vary", "Accept")
            self.send_header("Content-Location", path.name)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _status(self, status: HTTPStatus, body: bool, text: str | None = None) -> None:
        data = (text or f"{status.value} {status.phrase}\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def _content_type(path: Path) -> str:
    return (
        CONTENT_TYPES.get(path.suffix)
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )


def make_server(site: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for ``site`` bound to ``host:port`` (port 0: any free port); not yet serving."""
    handler = type("BoundSiteHandler", (SiteHandler,), {"site": Path(site).resolve()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
