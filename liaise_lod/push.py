"""Load a dataset's graph into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Only the standard library speaks HTTP here (``urllib``). By default the named graph is replaced
safely: the triples go to a temporary graph (``PUT`` for the first chunk, ``POST`` for the
others), then one SPARQL Update ``MOVE`` swaps it in, so a failed upload leaves the previous
graph as it was (and the temporary graph is dropped). Without an update endpoint the target is
replaced in place, chunk by chunk.

Credentials come only from an environment variable: ``user:password`` (HTTP basic, or digest
when the store asks for it, as Virtuoso does) or ``Bearer TOKEN``.
"""

from __future__ import annotations

import base64
import os
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

from ._internal.progress import ProgressBar
from .errors import ConfigError, PushError

if TYPE_CHECKING:  # imported where used: the command line reads this module's defaults
    import pyoxigraph as ox
    from rdflib import Graph

    from .model import Dataset

    Source = Dataset | Graph | str | os.PathLike
DEFAULT_CHUNK_SIZE = 100_000
TIMEOUT_SECONDS = 3600
N_TRIPLES = "application/n-triples"
_MESSAGE_LIMIT = 600


@dataclass(frozen=True)
class PushResult:
    """What a push did."""

    endpoint: str
    graph: str
    triples: int
    chunks: int
    atomic: bool
    seconds: float

    def summary(self) -> str:
        how = "swapped in with MOVE" if self.atomic else "replaced in place"
        chunks = f"{self.chunks} chunk{'s' if self.chunks != 1 else ''}"
        return (
            f"{self.triples} triples pushed to <{self.graph}> at {self.endpoint} "
            f"in {chunks}, {how} ({self.seconds:.1f} s)"
        )


# --------------------------------------------------------------------------- the push


def push(
    source: Source,
    endpoint: str,
    *,
    graph: str | None = None,
    update_endpoint: str | None = None,
    auth_env: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    base: str | None = None,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> PushResult:
    """Replace the named graph ``graph`` (default: the dataset's base IRI) at a Graph Store
    Protocol ``endpoint`` with the source's triples.

    ``source`` is a ``Dataset``, an rdflib ``Graph``, a dataset folder or file, or a Turtle /
    N-Triples dump. With ``update_endpoint`` (SPARQL 1.1 Update) the replacement is safe: upload
    to a temporary graph, then ``MOVE``. ``auth_env`` names the environment variable holding the
    credentials. ``progress`` (default: when stderr is a terminal) draws a bar on stderr.
    ``timeout`` bounds the wait for each answer (a ``MOVE`` of millions of triples takes minutes).
    Raises ``PushError`` with the HTTP status and the store's message when a request fails.
    """
    if chunk_size < 1:
        raise ConfigError(f"the chunk size must be at least 1, not {chunk_size}")
    log = log or _to_stderr
    started = time.monotonic()
    triples, default_graph = source_triples(source, base)
    target = _graph_iri(graph or default_graph)
    client = Client(credentials(auth_env), timeout)
    chunks = list(chunked(triples, chunk_size))
    bar = _Sent(len(triples), ProgressBar("pushing", "triples", enabled=progress))
    atomic = bool(update_endpoint) and bool(triples)
    if atomic:
        _replace_by_move(client, endpoint, str(update_endpoint), target, chunks, bar, log)
    else:
        if not update_endpoint:
            log(_in_place_warning(target, len(chunks)))
        _upload(client, endpoint, target, chunks or [[]], bar)
    bar.close()
    seconds = time.monotonic() - started
    return PushResult(endpoint, target, len(triples), len(chunks), atomic, seconds)


def _in_place_warning(target: str, chunks: int) -> str:
    if chunks <= 1:
        return f"no update endpoint given: replacing <{target}> in place with one PUT"
    return (
        f"no update endpoint given: replacing <{target}> in place, {chunks} chunks; a failed "
        "upload would leave it incomplete (an update endpoint allows a safe swap)"
    )


def _replace_by_move(
    client: Client,
    endpoint: str,
    update_endpoint: str,
    target: str,
    chunks: list[list[ox.Triple]],
    bar: _Sent,
    log: Callable[[str], None],
) -> None:
    temporary = f"urn:liaise-lod:push:{uuid.uuid4()}"
    try:
        _upload(client, endpoint, temporary, chunks, bar)
    except BaseException:
        bar.close()
        _drop_temporary(client, endpoint, temporary, log)
        raise
    bar.close()
    try:
        client.update(update_endpoint, f"MOVE SILENT GRAPH <{temporary}> TO GRAPH <{target}>")
    except NoAnswer as error:
        raise PushError(
            f"{error}; the MOVE may still complete on the store: if <{target}> is not replaced, "
            f"drop <{temporary}> by hand"
        ) from None
    except BaseException:
        _drop_temporary(client, endpoint, temporary, log)
        raise


def _drop_temporary(client: Client, endpoint: str, temporary: str, log: Callable) -> None:
    if not client.drop(endpoint, temporary):
        log(f"could not drop the temporary graph <{temporary}>; if it exists, drop it by hand")


def _upload(
    client: Client, endpoint: str, graph: str, chunks: list[list[ox.Triple]], bar: _Sent
) -> None:
    """PUT the first chunk (replacing the graph), POST the others (adding to it)."""
    import pyoxigraph as ox

    url = graph_url(endpoint, graph)
    for number, chunk in enumerate(chunks):
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) if chunk else b""
        client.send("PUT" if number == 0 else "POST", url, body, N_TRIPLES)
        bar.advance(len(chunk))


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph: ``ENDPOINT?graph=IRI``."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"the endpoint '{endpoint}' is not an http(s) URL")
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"graph": graph})))


def _graph_iri(iri: str | None) -> str:
    if not iri:
        raise ConfigError("give the named graph to replace with --graph IRI")
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", iri):
        raise ConfigError(f"'{iri}' is not an absolute IRI")
    return iri


# --------------------------------------------------------------------------- triples


def source_triples(source: Source, base: str | None = None) -> tuple[list[ox.Triple], str | None]:
    """The source's triples, and the graph IRI it suggests (a dataset's base IRI)."""
    from rdflib import Graph

    from .model import Dataset
    from .serialize import to_oxigraph

    if isinstance(source, Graph):
        return to_oxigraph(source), None
    if not isinstance(source, Dataset):
        path = Path(source)
        if path.suffix in (".ttl", ".nt") and path.is_file():
            return _dump_triples(path), None
        from .load import load_dataset

        source = load_dataset(path)
    from .iris import Iris
    from .mapping import to_graph

    iris = Iris(base or source.info.base)
    return to_oxigraph(to_graph(source, iris.base)), iris.base


def _dump_triples(path: Path) -> list[ox.Triple]:
    import pyoxigraph as ox

    rdf_format = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
    try:
        return [quad.triple for quad in ox.parse(path=path, format=rdf_format)]
    except SyntaxError as error:
        raise ConfigError(f"{path}: not valid RDF: {error}") from None


def chunked(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Chunks of about ``size`` triples. Blank-node labels are local to each request, so the
    triples sharing blank nodes (transitively) always travel in the same chunk."""
    linked = [triple for triple in triples if _has_blank_node(triple)]
    if not linked:
        for start in range(0, len(triples), size):
            yield triples[start : start + size]
        return
    plain = [triple for triple in triples if not _has_blank_node(triple)]
    yield from _fill(plain, _blank_node_groups(linked), size)


def _has_blank_node(triple: ox.Triple) -> bool:
    import pyoxigraph as ox

    return type(triple.subject) is ox.BlankNode or type(triple.object) is ox.BlankNode


def _blank_node_groups(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """The triples grouped by connected blank nodes (union-find over their labels)."""
    import pyoxigraph as ox

    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def labels(triple: ox.Triple) -> list[str]:
        return [t.value for t in (triple.subject, triple.object) if type(t) is ox.BlankNode]

    for triple in triples:
        first, *others = labels(triple)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        groups[root(labels(triple)[0])].append(triple)
    return list(groups.values())


def _fill(
    plain: list[ox.Triple], groups: list[list[ox.Triple]], size: int
) -> Iterator[list[ox.Triple]]:
    """Pack the groups whole, then top the chunks up with the plain triples."""
    chunk: list[ox.Triple] = []
    for group in groups:
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    position = 0
    while position < len(plain):
        room = size - len(chunk)
        if room <= 0:
            yield chunk
            chunk = []
            continue
        chunk.extend(plain[position : position + room])
        position += room
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- HTTP


def credentials(env_var: str | None) -> str | None:
    """The credentials held by an environment variable, checked; ``None`` without a variable."""
    if env_var is None:
        return None
    value = os.environ.get(env_var)
    if not value:
        raise ConfigError(f"the environment variable {env_var} (from --auth-env) is not set")
    if not (value.startswith("Bearer ") or ":" in value):
        raise ConfigError(
            f"the environment variable {env_var} must hold 'user:password' or 'Bearer TOKEN'"
        )
    return value


class NoAnswer(PushError):
    """The store did not answer in time: the request may still take effect."""


class Client:
    """Sends requests with the credentials: a bearer token, or ``user:password`` sent up front
    as basic auth, switching to digest auth for a store that refuses basic (Virtuoso)."""

    def __init__(self, secret: str | None, timeout: float = TIMEOUT_SECONDS):
        self.timeout = timeout
        self.header: str | None = None
        self.digest = False
        self._login: tuple[str, str] | None = None
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if secret and secret.startswith("Bearer "):
            self.header = secret
        elif secret:
            user, _, password = secret.partition(":")
            self._login = (user, password)
            self.header = "Basic " + base64.b64encode(secret.encode("utf-8")).decode("ascii")
        digest = urllib.request.HTTPDigestAuthHandler(self._passwords)
        self.opener = urllib.request.build_opener(digest)

    def send(self, method: str, url: str, body: bytes | None, content_type: str | None) -> bytes:
        """One request; raises ``PushError`` with the status and the store's message."""
        try:
            try:
                return self._open(method, url, body, content_type)
            except urllib.error.HTTPError as error:
                if not self._should_try_digest(error):
                    raise
                self.digest = True
                return self._open(method, url, body, content_type)
        except urllib.error.HTTPError as error:
            raise _http_error(method, url, error, bool(self.header)) from None
        except TimeoutError:
            raise NoAnswer(
                f"{method} {_shown(url)}: the store did not answer within {self.timeout:g} s"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PushError(f"{method} {_shown(url)}: cannot reach the store: {reason}") from None

    def _open(self, method: str, url: str, body: bytes | None, content_type: str | None) -> bytes:
        request = urllib.request.Request(url, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if self.header and not self.digest:
            request.add_header("Authorization", self.header)
        if self._login:
            parts = urlsplit(url)
            self._passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", *self._login)
        with self.opener.open(request, timeout=self.timeout) as response:
            return response.read()

    def _should_try_digest(self, error: urllib.error.HTTPError) -> bool:
        """A 401 to our basic auth that does not ask for basic auth: ask again without it."""
        challenge = (error.headers.get("WWW-Authenticate") or "").lower()
        return (
            error.code == 401 and bool(self._login) and not self.digest and "basic" not in challenge
        )

    def update(self, update_endpoint: str, operation: str) -> None:
        """A SPARQL 1.1 Update request (POST, ``application/sparql-update``)."""
        self.send("POST", update_endpoint, operation.encode("utf-8"), "application/sparql-update")

    def drop(self, endpoint: str, graph: str) -> bool:
        """Delete a graph if it exists; ``False`` if that failed."""
        try:
            self.send("DELETE", graph_url(endpoint, graph), None, None)
        except PushError as error:
            return " HTTP 404 " in str(error)
        return True


def _http_error(
    method: str, url: str, error: urllib.error.HTTPError, with_credentials: bool
) -> PushError:
    try:
        raw = error.read()
    except OSError:
        raw = b""
    message = store_message(raw.decode("utf-8", "replace"))
    hint = ""
    if error.code in (401, 403):
        hint = (
            " (check the credentials named by --auth-env)"
            if with_credentials
            else " (give credentials with --auth-env VAR)"
        )
    text = f"{method} {_shown(url)}: HTTP {error.code} {error.reason}{hint}"
    return PushError(f"{text}: {message}" if message else text)


def store_message(text: str) -> str:
    """A store's error page as one readable line (tags dropped, whitespace collapsed)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL | re.IGNORECASE)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _shown(url: str) -> str:
    """The URL without any user:password part."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


# --------------------------------------------------------------------------- progress


def _to_stderr(message: str) -> None:
    print(f"liaise-lod: {message}", file=sys.stderr)


class _Sent:
    """Counts the triples sent and shows them on a progress bar."""

    def __init__(self, total: int, bar: ProgressBar):
        self.total, self.sent, self.bar = total, 0, bar

    def advance(self, count: int) -> None:
        self.sent += count
        if self.total:
            self.bar(self.sent, self.total)

    def close(self) -> None:
        self.bar.close()
