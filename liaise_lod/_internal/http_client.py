"""HTTP for ``push``: httpx's async client, driven from synchronous code through an anyio
blocking portal (an event loop in a thread of its own), so that each request runs under one
deadline that cancels it wherever it is: connecting, sending, waiting for the status line or
reading a store that sends one byte a second, which httpx's per-read timeouts never end.

Redirects are not followed, except 307 and 308 (and, for a GET, 301, 302 and 303) to the same
scheme, host and port: a 301, 302 or 303 turns a POST into a GET (a ``MOVE`` re-sent as a GET
"succeeds" and does nothing), and credentials go only to the origins the user named.

Imported when a push starts, not with ``liaise_lod.graph_store``: the command line reads that
module's defaults to build its options.
"""

from __future__ import annotations

import base64
import re
import ssl
from collections.abc import Generator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

import anyio
import httpx
from anyio.from_thread import start_blocking_portal

from .. import __version__
from ..errors import PushError
from .endpoint import shown
from .safe_text import neutralise

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

MAX_REDIRECTS = 5
#: Of an answer we only quote (an error page), the start is kept and the rest left unread.
KEPT_BODY_BYTES = 64 * 1024
_REASON_LIMIT = 100
_FAILURE_LIMIT = 300
_DEFAULT_PORTS = {"http": 80, "https": 443}


class NoAnswer(PushError):
    """The store did not answer in time: the request may still take effect."""


@dataclass(frozen=True)
class Answer:
    """A store's final answer: its status, reason phrase (made printable), media type, and the
    start of its body (empty when a ``BodyReader`` took the body)."""

    status: int
    reason: str
    media_type: str
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class BodyReader(Protocol):
    """Takes the body of a successful answer piece by piece, as it arrives."""

    def start(self, media_type: str) -> None: ...

    def feed(self, piece: bytes) -> bool:
        """Take one piece; ``False`` when no more is wanted (the rest is left unread)."""
        ...


class HttpClient:
    """Requests to a store, with the credentials (``user:password`` or ``Bearer TOKEN``) and a
    deadline of ``timeout`` seconds for each. Use it in a ``with`` block: connections are
    reused within it."""

    def __init__(self, secret: str | None, timeout: float):
        self.timeout = timeout
        self.with_credentials = bool(secret)
        self._auth = _auth(secret)
        self._stack = ExitStack()
        self._portal: BlockingPortal | None = None
        self._client: httpx.AsyncClient | None = None

    def __enter__(self) -> HttpClient:
        portal = self._stack.enter_context(start_blocking_portal())
        self._client = portal.call(self._new_client)
        self._stack.callback(portal.call, self._client.aclose)
        self._portal = portal
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stack.__exit__(kind, error, traceback)  # after an error, tasks left are cancelled

    def _new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            auth=self._auth,
            verify=_tls_context(),
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            # a compressed body could grow a thousandfold in memory before we see it
            headers={"Accept-Encoding": "identity", "User-Agent": f"liaise-lod/{__version__}"},
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        reader: BodyReader | None = None,
    ) -> Answer:
        """Send one request and return the final answer, whatever its status. ``PushError`` when
        there is no valid answer (``NoAnswer`` when the deadline passed first)."""
        if self._portal is None:
            raise RuntimeError("HttpClient is used outside its 'with' block")
        headers = {"Content-Type": content_type} if content_type else {}
        if accept:
            headers["Accept"] = accept
        future = self._portal.start_task_soon(self._exchange, method, url, body, headers, reader)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # an interrupt (Ctrl-C) here: the request stops too
            raise

    async def _exchange(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        reader: BodyReader | None,
    ) -> Answer:
        try:
            with anyio.fail_after(self.timeout):
                return await self._follow(method, url, body, headers, reader)
        except (TimeoutError, httpx.TimeoutException):
            raise NoAnswer(
                f"{method} {shown(url)}: the store did not answer within {self.timeout:g} s"
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
            raise PushError(f"{method} {shown(url)}: {_failure(error)}") from None

    async def _follow(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        reader: BodyReader | None,
    ) -> Answer:
        assert self._client is not None
        target: httpx.URL | str = url
        for _ in range(MAX_REDIRECTS + 1):
            request = self._client.build_request(method, target, content=body, headers=headers)
            response = await self._client.send(request, stream=True)
            try:
                redirect = _redirect(method, request.url, response)
                if redirect is None:
                    return await _answer(response, reader)
            finally:
                await response.aclose()
            target = redirect
        raise PushError(f"{method} {shown(url)}: more than {MAX_REDIRECTS} redirects")


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's own default (certifi's roots, or SSL_CERT_FILE / SSL_CERT_DIR), made once: reading
    the roots takes a tenth of a second."""
    return httpx.create_ssl_context()


def _redirect(method: str, url: httpx.URL, response: httpx.Response) -> httpx.URL | None:
    """Where to send the request again, ``None`` when the answer is final, ``PushError`` for a
    redirect not followed."""
    status = response.status_code
    if status not in (301, 302, 303, 307, 308) or "location" not in response.headers:
        return None
    where = f"{method} {shown(str(url))}: HTTP {status} redirects"
    try:
        target = url.join(response.headers["location"])
    except (httpx.InvalidURL, ValueError):
        raise PushError(f"{where} to an invalid URL: not followed", status=status) from None
    if _origin(target) != _origin(url):
        why = "another scheme, host or port"
    elif status in (307, 308) or method in ("GET", "HEAD"):
        return target
    else:
        why = f"HTTP {status} would turn the {method} into a GET"
    raise PushError(
        f"{where} to {shown(str(target))}: not followed ({why}; push follows only 307 and 308 "
        "redirects within the same origin); if the store is there, give that URL",
        status=status,
    )


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


async def _answer(response: httpx.Response, reader: BodyReader | None) -> Answer:
    media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    kept = bytearray()
    if reader is not None and response.is_success:
        reader.start(media_type)
        async for piece in response.aiter_raw():
            if not reader.feed(piece):
                break
    else:
        async for piece in response.aiter_raw():
            kept += piece[: KEPT_BODY_BYTES - len(kept)]
            if len(kept) >= KEPT_BODY_BYTES:
                break
    reason = neutralise(response.reason_phrase, _REASON_LIMIT)
    return Answer(response.status_code, reason, media_type, bytes(kept))


def _failure(error: Exception) -> str:
    """What went wrong, in a few words. The library's own text is quoted made printable; never
    for a request it refused to send, whose text may quote a header (the credentials)."""
    said = neutralise(str(error), _FAILURE_LIMIT) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"cannot reach the store: {said}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the store's answer is not valid HTTP: {said}"
    if isinstance(error, httpx.LocalProtocolError):
        return "the HTTP library refused to send the request (an invalid header or URL)"
    if isinstance(error, httpx.ProtocolError):
        return f"the store's answer cannot be used: {said}"
    if isinstance(error, httpx.NetworkError):
        return f"the connection failed: {said}"
    return f"the request failed: {said}"


# --------------------------------------------------------------------------- credentials


def _auth(secret: str | None) -> httpx.Auth | None:
    if not secret:
        return None
    if secret.startswith("Bearer "):
        return _Bearer(secret)
    user, _, password = secret.partition(":")
    return _BasicThenDigest(user, password)


class _Bearer(httpx.Auth):
    def __init__(self, header: str):
        self._header = header

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class _BasicThenDigest(httpx.Auth):
    """``user:password`` sent up front as basic auth; digest auth from the first 401 that does
    not ask for basic (Virtuoso answers a basic attempt so, then challenges for digest)."""

    def __init__(self, user: str, password: str):
        login = f"{user}:{password}".encode()
        self._basic = "Basic " + base64.b64encode(login).decode("ascii")
        self._digest = httpx.DigestAuth(user, password)
        self._digest_only = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not self._digest_only:
            request.headers["Authorization"] = self._basic
            response = yield request
            if response.status_code != 401 or _asks_for_basic(response):
                return
            self._digest_only = True
            del request.headers["Authorization"]
        try:
            yield from self._digest.auth_flow(request)
        except (KeyError, ValueError, NotImplementedError, httpx.ProtocolError):
            # how httpx meets a challenge it cannot answer: not all of them are httpx errors
            raise httpx.RemoteProtocolError(
                "the store's digest challenge cannot be answered (malformed, or asking for an "
                "algorithm or quality of protection that is not supported)",
                request=request,
            ) from None


def _asks_for_basic(response: httpx.Response) -> bool:
    challenges = ",".join(response.headers.get_list("www-authenticate")).lower()
    return re.search(r"(?:^|,)\s*basic\b", challenges) is not None
