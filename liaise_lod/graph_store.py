"""Load a dataset's graph into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

By default the named graph is replaced safely: the triples go to a temporary graph (``PUT`` for
the first chunk, ``POST`` for the others), then one SPARQL Update ``MOVE`` swaps it in, so a
failed upload leaves the previous graph as it was (and the temporary graph is dropped). Without
an update endpoint the target is replaced in place, chunk by chunk. Either way the push ends by
reading the graph back (a Graph Store ``GET``) and counting its triples: a store that answered
success without doing the work makes a ``PushError``, not a success.

Credentials come only from an environment variable: ``user:password`` (HTTP basic, or digest
when the store asks for it, as Virtuoso does) or ``Bearer TOKEN``. They go only to the URLs
given: redirects to another origin are refused (``liaise_lod/_internal/http_client.py``, which
also gives every request its deadline).
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

from ._internal.endpoint import check_endpoint, shown
from ._internal.progress import ProgressBar
from ._internal.safe_text import neutralise, one_line
from .errors import ConfigError, PushError

if TYPE_CHECKING:  # imported where used: the command line reads this module's defaults
    import pyoxigraph as ox
    from rdflib import Graph

    from ._internal.graph_version import Change as GraphChange
    from ._internal.http_client import Answer, HttpClient
    from .graph_diff import GraphText
    from .model import Dataset

    Source = Dataset | Graph | str | os.PathLike
DEFAULT_CHUNK_SIZE = 100_000
TIMEOUT_SECONDS = 3600
N_TRIPLES = "application/n-triples"
_MESSAGE_LIMIT = 600
_ENDPOINT = "the endpoint (--endpoint)"
_UPDATE_ENDPOINT = "the update endpoint (--update-endpoint)"
_MARKER_LIMIT = 16  # statements read of a version marker graph (it holds one)


@dataclass(frozen=True)
class PushResult:
    """What a push did."""

    endpoint: str
    graph: str
    triples: int
    chunks: int
    atomic: bool
    seconds: float
    #: With ``changes_from``: the triples deleted and inserted (``None`` for a full push).
    removed: int | None = None
    added: int | None = None
    #: How the push was checked (for ``changes_from``: "version checked" by the marker the
    #: last push left, or "compared triple for triple"; "bulk" for a bulk load).
    check: str = "counted"

    def summary(self) -> str:
        if self.check == "bulk":
            return (
                f"{self.triples} triples loaded into <{self.graph}> at {self.endpoint} by its "
                f"bulk loader, counted ({self.seconds:.1f} s)"
            )
        if self.removed is not None:
            return (
                f"<{self.graph}> at {shown(self.endpoint)} changed in one update: "
                f"{_triples(self.removed)} deleted, {self.added} inserted; it holds "
                f"{_triples(self.triples)}, {self.check} ({self.seconds:.1f} s)"
            )
        how = "swapped in with MOVE" if self.atomic else "replaced in place"
        chunks = f"{self.chunks} chunk{'s' if self.chunks != 1 else ''}"
        return (
            f"{self.triples} triples pushed to <{self.graph}> at {shown(self.endpoint)} "
            f"in {chunks}, {how}, checked ({self.seconds:.1f} s)"
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
    changes_from: Source | None = None,
    verify: bool = False,
) -> PushResult:
    """Replace the named graph ``graph`` (default: the dataset's base IRI) at a Graph Store
    Protocol ``endpoint`` with the source's triples, then check that the store holds them.

    ``source`` is a ``Dataset``, an rdflib ``Graph``, a dataset folder or file, or a Turtle /
    N-Triples dump. With ``update_endpoint`` (SPARQL 1.1 Update) the replacement is safe: upload
    to a temporary graph, then ``MOVE``. ``auth_env`` names the environment variable holding the
    credentials. ``progress`` (default: when stderr is a terminal) draws a bar on stderr.
    ``timeout`` bounds each request, from connecting to the last byte of the answer (a ``MOVE``
    of millions of triples takes minutes). Raises ``ConfigError`` for unusable settings (before
    any request) and ``PushError`` when a request fails (its ``status``: the HTTP status, if
    the store answered) or the store does not hold what was sent.

    Every push also records the version it leaves in a small companion graph (a "version
    marker", see ``liaise_lod/_internal/graph_version.py``). With ``changes_from`` (the version
    the store holds: any source, as ``source``) only the difference is sent, as one SPARQL
    Update to ``update_endpoint``, guarded by that marker; a store that does not hold that
    version is refused with ``PushError``, and nothing is changed (see ``push_changes``).
    ``verify`` compares the store's graph with ``changes_from`` triple for triple before, and
    counts it after, whatever the marker says.
    """
    _check_settings(chunk_size, timeout)
    check_endpoint(endpoint, _ENDPOINT)
    if update_endpoint is not None:
        check_endpoint(update_endpoint, _UPDATE_ENDPOINT)
    secret = credentials(auth_env)
    if graph is not None:
        _graph_iri(graph)  # before the data is read
    log = log or _to_stderr
    if verify and changes_from is None:
        raise ConfigError("--verify goes with --changes (a full push always counts the graph)")
    if changes_from is not None:
        return push_changes(
            source,
            changes_from,
            endpoint,
            graph=graph,
            update_endpoint=update_endpoint,
            secret=secret,
            base=base,
            timeout=timeout,
            verify=verify,
        )
    started = time.monotonic()
    triples, default_graph = source_triples(source, base)
    triples = list(dict.fromkeys(triples))  # a dump may repeat a triple: the store holds it once
    target = _graph_iri(graph or default_graph)
    version = _version(triples)
    chunks = list(chunked(triples, chunk_size))
    bar = _Sent(len(triples), ProgressBar("pushing", "triples", enabled=progress))
    atomic = bool(update_endpoint) and bool(triples)
    from ._internal.http_client import HttpClient

    with HttpClient(secret, timeout) as client:
        store = _Store(client, endpoint)
        if atomic:
            _replace_by_move(store, str(update_endpoint), target, chunks, bar, log)
        else:
            if not update_endpoint:
                log(_in_place_warning(target, len(chunks)))
            _replace_in_place(store, target, chunks, bar)
        if version is not None:
            store.put_marker(target, version)
    bar.close()
    seconds = time.monotonic() - started
    return PushResult(endpoint, target, len(triples), len(chunks), atomic, seconds)


def push_changes(
    source: Source,
    old: Source,
    endpoint: str,
    *,
    graph: str | None,
    update_endpoint: str | None,
    secret: str | None,
    base: str | None,
    timeout: float,
    verify: bool = False,
) -> PushResult:
    """Change the store's graph from ``old`` to ``source`` with one SPARQL Update request.

    The store must hold ``old``. Every push records the version it left in a companion graph
    (``liaise_lod/_internal/graph_version.py``); when that marker names ``old``'s version, it
    is the check. Without a marker (or with ``verify``) the graph is read back and compared
    with ``old`` triple for triple instead. A graph that is not ``old`` is refused before any
    change, with ``PushError``. Then the graph is claimed (its marker moved from ``old`` to a
    pending IRI of ours, only where it still names ``old``, and read back), one request
    deletes the triples ``old`` has and ``source`` has not and inserts the others, and the
    marker names the new version; the push ends by reading it back (and, with ``verify``, by
    counting the graph's triples)."""
    from ._internal import graph_version as gv
    from .graph_diff import source_name, text_of
    from .sources import is_dataset

    if update_endpoint is None:
        raise ConfigError(
            "pushing only the changes (--changes) takes one SPARQL Update request: give "
            "--update-endpoint"
        )
    started = time.monotonic()
    new_name = source_name(source, "the new graph")
    old_raw, new_raw = gv.ntriples_bytes(old), gv.ntriples_bytes(source)
    new_text, default_graph = None, None
    if new_raw is None:
        triples, default_graph = source_triples(source, base)
        new_text = text_of(triples, new_name)
        del triples
    target = _graph_iri(graph or default_graph)
    from ._internal.http_client import HttpClient

    with HttpClient(secret, timeout) as client:
        store = _Store(client, endpoint)
        held = store.marker(target)
        old_text, old_version = _old_text(old_raw, held, old, base if is_dataset(old) else None)
        if verify or held != old_version:
            if held is not None and not verify:
                raise _not_old(target, _marker_says(held), old_text, old_version)
            _check_holds(store, target, old_text, old_version)
            store.put_marker(target, old_version)
        change = _change(old_text, new_raw, new_text, source, new_name)
        if change.new_version != old_version:
            _apply(store, update_endpoint, target, old_version, change)
        _check_marker(store, target, old_version, change.new_version)
        if verify:
            _verify(store, target, change.new_triples, "after the update")
    seconds = time.monotonic() - started
    requests = 0 if change.new_version == old_version else 1
    return PushResult(
        endpoint,
        target,
        change.new_triples,
        requests,
        True,
        seconds,
        len(change.removed),
        len(change.added),
        "compared triple for triple" if verify or held != old_version else "version checked",
    )


def _apply(
    store: _Store, update_endpoint: str, graph: str, old_version: str, change: GraphChange
) -> None:
    """Claim the graph (its marker from the old version to a pending IRI of ours, only where
    it names the old version), check the claim, send the changes, then name the new
    version."""
    from ._internal import graph_version as gv

    claim = gv.pending()
    store.update(update_endpoint, gv.marker_update(graph, old_version, claim))
    _check_marker(store, graph, old_version, claim)
    try:
        store.update(update_endpoint, gv.data_update(graph, change.removed, change.added))
    except PushError as error:
        raise type(error)(
            f"{error}; the version marker of <{graph}> is left pending: push in full",
            status=error.status,
        ) from None
    store.update(update_endpoint, gv.marker_update(graph, claim, change.new_version))


def _marker_says(held: str) -> str:
    from ._internal.graph_version import PENDING_PREFIX

    if held.startswith(PENDING_PREFIX):
        return (
            "its version marker says that a push of the changes is under way or failed "
            "halfway (give --verify to compare it with the old version anyway)"
        )
    return f"its version marker names {held}"


def _old_text(
    raw: bytes | None, held: str | None, old: Source, base: str | None
) -> tuple[bytes, str]:
    """The canonical text of ``old`` and its version: its own bytes when they hash to the
    version the store holds (then they are that version's canonical text), parsed otherwise."""
    from ._internal import graph_version as gv
    from .graph_diff import graph_text, source_name

    if raw is not None and held is not None and gv.sha256_version(raw) == held:
        return raw, held
    text = graph_text(old, base, source_name(old, "the old graph"))
    return gv.canonical_bytes(text), text.version


def _change(
    old: bytes, new_raw: bytes | None, new_text: GraphText | None, source: Source, name: str
) -> GraphChange:
    """What to send; from the new dump's own lines when they are sorted and distinct."""
    from ._internal import graph_version as gv
    from .graph_diff import graph_text

    if new_raw is not None:
        change = gv.change(old, new_raw, name, new_is_canonical=False)
        if change is not None:
            return change
    text = new_text or graph_text(source, None, name)
    change = gv.change(old, gv.canonical_bytes(text), name, new_is_canonical=True)
    assert change is not None  # a canonical text is sorted and distinct
    return change


def _check_marker(store: _Store, graph: str, old: str, new: str) -> None:
    """``PushError`` unless the marker now names ``new`` (a version, or our claim)."""
    held = store.marker(graph)
    if held == new:
        return
    if held == old:
        raise PushError(
            f"the store answered success, but <{graph}> was not changed: its version marker "
            f"still names {old}"
        )
    raise PushError(
        f"<{graph}> was changed by someone else during the push: its version marker names "
        f"{held or 'no version'}, not {new}; push in full"
    )


def _check_holds(store: _Store, graph: str, old: bytes, version: str) -> None:
    """``PushError`` unless the store's ``graph`` holds exactly the triples of ``old``."""
    from .graph_diff import GraphText

    lines = old.decode("utf-8").split(" .\n")[:-1]
    held = store.read(graph, at_most=len(lines))
    if held == set(lines):
        return
    if held is None:
        holds = f"more than {_triples(len(lines))}"
    else:
        holds = f"{_triples(len(held))} ({GraphText(sorted(held)).version})"
    raise _not_old(graph, f"it holds {holds}", old, version)


def _not_old(graph: str, holds: str, old: bytes, version: str) -> PushError:
    size = _triples(old.count(b"\n"))
    return PushError(
        f"<{graph}> at the store is not the old version given to --changes: {holds}, the old "
        f"version {size} ({version}); nothing was changed: push in full (without --changes)"
    )


def _check_settings(chunk_size: int, timeout: float) -> None:
    if chunk_size < 1:
        raise ConfigError(f"the chunk size must be at least 1, not {chunk_size}")
    if not (isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0):
        raise ConfigError(f"the timeout must be a number of seconds above 0, not {timeout}")


def _in_place_warning(target: str, chunks: int) -> str:
    if chunks <= 1:
        return f"no update endpoint given: replacing <{target}> in place with one PUT"
    return (
        f"no update endpoint given: replacing <{target}> in place, {chunks} chunks; a failed "
        "upload would leave it incomplete (an update endpoint allows a safe swap)"
    )


def _version(triples: list[ox.Triple]) -> str | None:
    """The version of the graph, as ``diff`` names it; ``None`` when it has blank nodes (a
    graph with blank nodes gets no version marker, and takes only full pushes)."""
    from .graph_diff import text_of

    try:
        return text_of(triples).version
    except ConfigError:
        return None


def _replace_in_place(
    store: _Store, target: str, chunks: list[list[ox.Triple]], bar: _Sent
) -> None:
    store.drop_marker(target)
    store.upload(target, chunks or [[]], bar)
    bar.close()
    _verify(store, target, bar.total, "after the upload")


def _replace_by_move(
    store: _Store,
    update_endpoint: str,
    target: str,
    chunks: list[list[ox.Triple]],
    bar: _Sent,
    log: Callable[[str], None],
) -> None:
    from ._internal.http_client import NoAnswer

    temporary = f"urn:liaise-lod:push:{uuid.uuid4()}"
    try:
        store.upload(temporary, chunks, bar)
    except BaseException:
        bar.close()
        _drop_temporary(store, temporary, log)
        raise
    bar.close()
    try:
        store.drop_marker(target)  # a marker left from before would name a version gone
    except BaseException:
        _drop_temporary(store, temporary, log)
        raise
    try:
        store.update(update_endpoint, f"MOVE SILENT GRAPH <{temporary}> TO GRAPH <{target}>")
    except NoAnswer as error:  # the MOVE may be running: dropping its source could race it
        raise NoAnswer(
            f"{error}; the MOVE may still complete on the store: if <{target}> is not replaced, "
            f"drop <{temporary}> by hand"
        ) from None
    except BaseException:
        _drop_temporary(store, temporary, log)
        raise
    try:
        _verify(store, target, bar.total, "after the MOVE")
        left = store.count(temporary, at_most=0)
    except BaseException:
        _drop_temporary(store, temporary, log)
        raise
    if left:
        log(f"the store kept the temporary graph <{temporary}> after the MOVE: dropping it")
        if not store.drop(temporary):
            raise PushError(f"could not drop the temporary graph <{temporary}>: drop it by hand")


def _verify(store: _Store, graph: str, expected: int, when: str) -> None:
    """``PushError`` unless the store holds ``expected`` triples in ``graph``."""
    held = store.count(graph, at_most=expected)
    if held != expected:
        amount = f"more than {expected} triples" if held > expected else _triples(held)
        raise PushError(
            f"the store answered success, but {when} <{graph}> holds {amount}, not the "
            f"{_triples(expected)} sent"
        )


def _triples(count: int) -> str:
    return f"{count} triple{'' if count == 1 else 's'}"


def _drop_temporary(store: _Store, temporary: str, log: Callable[[str], None]) -> None:
    if not store.drop(temporary):
        log(f"could not drop the temporary graph <{temporary}>; if it exists, drop it by hand")


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph: ``ENDPOINT?graph=IRI``."""
    parts = urlsplit(check_endpoint(endpoint, _ENDPOINT))
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"graph": graph})))


# An IRI: a scheme, then no space, control character or character IRIs leave out (RFC 3987); so
# it can go between <> in a SPARQL update and in our messages as it is.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20\x7f-\x9f<>\"{}|\\^`]*")


def _graph_iri(iri: str | None) -> str:
    if not iri:
        raise ConfigError("give the named graph to replace with --graph IRI")
    if not _ABSOLUTE_IRI.fullmatch(iri):
        raise ConfigError(f"'{neutralise(iri, 200)}' is not an absolute IRI")
    return iri


# --------------------------------------------------------------------------- triples


def source_triples(source: Source, base: str | None = None) -> tuple[list[ox.Triple], str | None]:
    """The source's triples, and the graph IRI it suggests (a dataset's base IRI)."""
    from .serialize import to_oxigraph
    from .sources import read_graph

    read = read_graph(source, base)
    if read.dump is not None:
        return _dump_triples(read.dump), None
    assert read.graph is not None
    return to_oxigraph(read.graph), read.base


def _dump_triples(path: Path) -> list[ox.Triple]:
    import pyoxigraph as ox

    from .sources import opened_dump

    with opened_dump(path) as (stream, rdf_format):
        return [quad.triple for quad in ox.parse(stream, rdf_format)]


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
    """The credentials held by an environment variable, checked; ``None`` without a variable.
    A refusal never quotes the value."""
    if env_var is None:
        return None
    name = neutralise(env_var, 100)
    value = os.environ.get(env_var)
    if not value:
        raise ConfigError(f"the environment variable {name} (from --auth-env) is not set")
    if value.startswith("Bearer "):
        if not _HEADER_TOKEN.fullmatch(value.removeprefix("Bearer ")):
            raise ConfigError(
                f"the token in {name} holds a space, a control character (a line break read "
                "from a file?) or a non-ASCII character, which an HTTP header cannot carry; "
                "it is not shown here"
            )
    elif ":" in value:
        if _CONTROL.search(value):
            raise ConfigError(
                f"the value of {name} holds a control character (a line break read from a "
                "file?); it is not shown here"
            )
    else:
        raise ConfigError(
            f"the environment variable {name} must hold 'user:password' or 'Bearer TOKEN'"
        )
    return value


_HEADER_TOKEN = re.compile(r"[\x21-\x7e]+")  # visible ASCII: what a bearer token is made of
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class _Store:
    """The requests of one push to a Graph Store endpoint (and its update endpoint)."""

    def __init__(self, client: HttpClient, endpoint: str):
        self.client, self.endpoint = client, endpoint

    def send(
        self, method: str, url: str, body: bytes | None = None, content_type: str | None = None
    ) -> None:
        """One request; ``PushError`` with the status and the store's message unless 2xx."""
        answer = self.client.request(method, url, body=body, content_type=content_type)
        if not answer.ok:
            raise _http_error(method, url, answer, self.client.with_credentials)

    def upload(self, graph: str, chunks: list[list[ox.Triple]], bar: _Sent) -> None:
        """PUT the first chunk (replacing the graph), POST the others (adding to it)."""
        import pyoxigraph as ox

        url = graph_url(self.endpoint, graph)
        for number, chunk in enumerate(chunks):
            body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) if chunk else b""
            self.send("PUT" if number == 0 else "POST", url, body, N_TRIPLES)
            bar.advance(len(chunk))

    def update(self, update_endpoint: str, operation: str) -> None:
        """A SPARQL 1.1 Update request (POST, ``application/sparql-update``)."""
        self.send("POST", update_endpoint, operation.encode("utf-8"), "application/sparql-update")

    def drop(self, graph: str) -> bool:
        """Delete a graph if it exists; ``False`` if that failed."""
        try:
            answer = self.client.request("DELETE", graph_url(self.endpoint, graph))
        except PushError:
            return False
        return answer.ok or answer.status == 404

    def marker(self, graph: str) -> str | None:
        """The version the store's marker names for ``graph``; ``None`` without one."""
        from ._internal.graph_version import marker_graph, version_in

        statements = self.read(marker_graph(graph), at_most=_MARKER_LIMIT)
        return None if statements is None else version_in(statements, graph)

    def put_marker(self, graph: str, version: str) -> None:
        """Record ``version`` as the one ``graph`` holds (a Graph Store ``PUT``)."""
        from ._internal.graph_version import marker_graph, marker_statement

        body = f"{marker_statement(graph, version)} .\n".encode()
        self.send("PUT", graph_url(self.endpoint, marker_graph(graph)), body, N_TRIPLES)

    def drop_marker(self, graph: str) -> None:
        """Forget the version of ``graph``, before it is replaced: a failure is an error."""
        from ._internal.graph_version import marker_graph

        url = graph_url(self.endpoint, marker_graph(graph))
        answer = self.client.request("DELETE", url)
        if not (answer.ok or answer.status == 404):
            raise _http_error("DELETE", url, answer, self.client.with_credentials)

    def read(self, graph: str, at_most: int) -> set[str] | None:
        """The triples the store holds in ``graph`` as canonical N-Triples statements (without
        the final `` .``; none when it has no such graph); ``None`` once it sent more than
        ``at_most`` statements (the rest is not read)."""
        url = graph_url(self.endpoint, graph)
        reader = _TripleReader(at_most)
        answer = self.client.request("GET", url, accept=N_TRIPLES, reader=reader)
        if answer.status == 404:
            return set()
        if not answer.ok:
            raise _http_error("GET", url, answer, self.client.with_credentials)
        if not reader.readable and reader.received:
            raise PushError(
                f"GET {shown(url)}: the store sent the graph as "
                f"'{neutralise(answer.media_type, 100)}', not N-Triples: it cannot be compared "
                "with the old version"
            )
        return reader.finish()

    def count(self, graph: str, at_most: int) -> int:
        """The triples the store holds in ``graph`` (0 when it has no such graph), read as
        N-Triples; once past ``at_most`` the rest is not read, and ``at_most + 1`` returned."""
        url = graph_url(self.endpoint, graph)
        counter = _TripleCounter(at_most)
        answer = self.client.request("GET", url, accept=N_TRIPLES, reader=counter)
        if answer.status == 404:
            return 0
        if not answer.ok:
            raise _http_error("GET", url, answer, self.client.with_credentials)
        held = counter.total()
        if held is None:
            raise PushError(
                f"GET {shown(url)}: the store sent the graph as "
                f"'{neutralise(answer.media_type, 100)}', not N-Triples: its triples cannot be "
                "counted to check the push"
            )
        return min(held, at_most + 1)


class _TripleCounter:
    """Counts the triples of an N-Triples (or N-Quads) answer as it arrives: one a line, blank
    lines and comments aside. Keeps no more than one byte of a line, and stops the reading once
    past ``at_most``."""

    LINE_FORMATS = ("application/n-triples", "application/n-quads", "text/plain", "")

    def __init__(self, at_most: int):
        self.at_most, self.count = at_most, 0
        self.readable = True
        self._received = 0
        self._head = b""  # the first byte of the line being read that is not a space

    def start(self, media_type: str) -> None:
        self.readable = media_type in self.LINE_FORMATS

    def feed(self, piece: bytes) -> bool:
        self._received += len(piece)
        if not self.readable:
            return False
        *ended, rest = piece.split(b"\n")
        for line in ended:
            self.count += _is_statement(self._head or line.lstrip()[:1])
            self._head = b""
        self._head = self._head or rest.lstrip()[:1]
        return self.count <= self.at_most

    def total(self) -> int | None:
        """The count; ``None`` for an answer in another format (and not empty)."""
        if not self.readable:
            return None if self._received else 0
        return self.count + _is_statement(self._head)


class _TripleReader:
    """Reads an N-Triples (or N-Quads) answer as it arrives, a run of whole lines at a time,
    into a set of canonical statements; stops once past ``at_most`` statements (repeated ones
    counted too, so that a store repeating one triple cannot keep it reading). A line longer
    than ``LINE_LIMIT`` bytes is refused (pyoxigraph reads no longer term)."""

    LINE_LIMIT = 16 * 1024 * 1024

    def __init__(self, at_most: int):
        self.at_most = at_most
        self.statements: set[str] = set()
        self.read = 0
        self.readable = True
        self.received = 0
        self._rest = bytearray()

    def start(self, media_type: str) -> None:
        self.readable = media_type in _TripleCounter.LINE_FORMATS

    def feed(self, piece: bytes) -> bool:
        self.received += len(piece)
        if not self.readable:
            return False
        end = piece.rfind(b"\n")
        if end < 0:
            self._rest += piece
            if len(self._rest) > self.LINE_LIMIT:
                raise PushError(
                    f"the store sent an N-Triples line longer than {self.LINE_LIMIT} bytes"
                )
            return True
        self._take(bytes(self._rest) + piece[: end + 1])
        self._rest = bytearray(piece[end + 1 :])
        return self.read <= self.at_most

    def finish(self) -> set[str] | None:
        """The statements; ``None`` once past ``at_most`` of them."""
        if self.read <= self.at_most and self.readable:
            self._take(bytes(self._rest))
        return self.statements if self.read <= self.at_most else None

    def _take(self, lines: bytes) -> None:
        import pyoxigraph as ox

        try:
            for quad in ox.parse(lines, ox.RdfFormat.N_QUADS):
                self.statements.add(str(quad.triple))
                self.read += 1
        except SyntaxError as error:
            message = neutralise(str(error), 300)
            raise PushError(f"the store sent the graph as malformed N-Triples: {message}") from None


def _is_statement(head: bytes) -> bool:
    return head not in (b"", b"#")


def _http_error(method: str, url: str, answer: Answer, with_credentials: bool) -> PushError:
    message = store_message(answer.body.decode("utf-8", "replace"))
    hint = ""
    if answer.status in (401, 403):
        hint = (
            " (check the credentials named by --auth-env)"
            if with_credentials
            else " (give credentials with --auth-env VAR)"
        )
    text = f"{method} {shown(url)}: HTTP {answer.status} {answer.reason}".rstrip() + hint
    return PushError(f"{text}: {message}" if message else text, status=answer.status)


def store_message(text: str) -> str:
    """A store's error page as one line fit for a terminal: tags dropped, whitespace collapsed,
    control characters and escape sequences made visible, at most 600 characters."""
    return one_line(text, _MESSAGE_LIMIT)


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
