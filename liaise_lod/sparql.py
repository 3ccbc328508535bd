"""SPARQL over a dataset in an embedded store: no server, no network.

The graph is bulk-loaded into an in-memory pyoxigraph store (a maintained, standard-compliant
SPARQL 1.1 engine written in Rust, one to three orders of magnitude faster than rdflib's own).
Results are kept as SPARQL 1.1 JSON results (or N-Triples for a graph) written by pyoxigraph,
so CSV, TSV and JSON output are pyoxigraph's standard serialisations; only the terminal table
is drawn here.

pyoxigraph cannot interrupt a running query. With a ``timeout`` (or ``isolated``) the query
runs in a forked child process that is killed at the deadline (where ``fork`` is unavailable,
in a thread that is abandoned); a crash of the engine there is an error, not the end of ours.

The query sees the local dataset and nothing else. ``SERVICE`` is refused on what the query
says once parsed (rdflib's SPARQL parser) and on its tokens as pyoxigraph reads them; and the
forked query process can open no file or socket while the engine runs, so that a ``SERVICE``
missed by both still sends nothing. The text is bounded (``MAX_QUERY_BYTES``, ``MAX_NESTING``)
before pyoxigraph sees it: its parser overflows the stack on deep nesting.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import namespaces
from ._internal import parallel, sparql_text
from ._internal.safe_text import neutralise
from .errors import ConfigError, QueryError, QueryTimeout
from .formats import query_formats
from .model import Dataset
from .namespaces import PREFIXES, XSD

Source = Dataset | Graph | ox.Store | str | os.PathLike
MAX_CELL_WIDTH = 60
#: The longest query taken, in bytes of UTF-8 (a query file is read no further).
MAX_QUERY_BYTES = 1_000_000
#: How deeply a query may nest brackets, braces and parentheses (pyoxigraph's parser runs out
#: of stack somewhere past a thousand levels, in a thread with less stack sooner).
MAX_NESTING = 100
#: The longest timeout taken, in seconds (a week); longer ones overflow the clocks waited on.
MAX_TIMEOUT = 7 * 24 * 3600

_JSON = ox.QueryResultsFormat.JSON
_XSD = str(XSD)
_NUMERIC_NAMES = (
    "integer decimal double float long int short byte nonNegativeInteger positiveInteger "
    "nonPositiveInteger negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
)
_NUMERIC = {_XSD + name for name in _NUMERIC_NAMES.split()}

# --------------------------------------------------------------------------- loading


def load_store(source: Source, *, base: str | None = None) -> ox.Store:
    """An in-memory store holding the source's graph in its default graph.

    ``source`` is a ``Dataset``, an rdflib ``Graph``, a pyoxigraph ``Store`` (returned as is),
    a dataset folder or file, or a Turtle (``.ttl``) / N-Triples (``.nt``) dump. ``base``
    overrides the dataset's base IRI and applies only to datasets.
    """
    if isinstance(source, ox.Store):
        if base is not None:
            raise ConfigError("--base applies to a dataset, not to a store")
        return source
    from .sources import read_graph

    read = read_graph(source, base)
    if read.dump is not None:
        return _store_of_file(read.dump)
    assert read.graph is not None
    return _store_of(read.graph)


def _store_of(graph: Graph) -> ox.Store:
    from .serialize import to_oxigraph

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in to_oxigraph(graph))
    return store


def _store_of_file(path: Path) -> ox.Store:
    from .sources import opened_dump

    store = ox.Store()
    with opened_dump(path) as (stream, rdf_format):
        store.bulk_load(stream, rdf_format)
    return store


def read_query(text_or_path: str) -> str:
    """The query itself: the text of a ``.rq``/``.sparql`` file, stdin for ``-``, or the text.

    A file or stdin is read as UTF-8 (a byte order mark is dropped), at most
    ``MAX_QUERY_BYTES``; anything else is a ``ConfigError``."""
    if text_or_path == "-":
        return _read_stdin()
    path = Path(text_or_path)
    if "\n" not in text_or_path and (path.suffix in (".rq", ".sparql") or _is_file(path)):
        try:
            with path.open("rb") as file:
                data = file.read(MAX_QUERY_BYTES + 1)
        except OSError as error:
            raise ConfigError(f"cannot read the query file {path}: {error.strerror}") from None
        return _decoded(data, f"the query file {path}")
    return text_or_path


def _read_stdin() -> str:
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:  # a text stream put in its place
        return sys.stdin.read(MAX_QUERY_BYTES + 1)
    return _decoded(binary.read(MAX_QUERY_BYTES + 1), "the query on standard input")


def _decoded(data: bytes, what: str) -> str:
    if len(data) > MAX_QUERY_BYTES:
        raise ConfigError(f"{what} is larger than {MAX_QUERY_BYTES:,} bytes: too long a query")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise ConfigError(
            f"{what} is not UTF-8 text: byte 0x{byte:02x} at offset {error.start}"
        ) from None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # too long a name, a NUL: query text, not a path
        return False


# --------------------------------------------------------------------------- running


def query(
    source: Source,
    sparql: str,
    *,
    timeout: float | None = None,
    base: str | None = None,
    isolated: bool = False,
) -> QueryResult:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) over a dataset or graph.

    Our prefixes (``schema:``, ``org:``, ``skos:``, ...) are predeclared; a query's own
    ``PREFIX`` lines take precedence. A malformed query raises ``QueryError`` naming its line
    and column; one running longer than ``timeout`` seconds is stopped with ``QueryTimeout``.
    Updates and ``SERVICE`` (the network) are refused, and so are queries longer than
    ``MAX_QUERY_BYTES`` or nesting deeper than ``MAX_NESTING``.

    With ``isolated`` (or a ``timeout``) the engine runs in a forked process of its own, where
    fork is available: a crash of the engine is a ``QueryError``, and it can open no file or
    socket. Without, it runs here, which is much quicker for small queries.
    """
    _check_timeout(timeout)
    unverified = _check_query_text(sparql)
    if unverified and not can_fork():
        raise QueryError(
            "this query mentions SERVICE in a way liaise-lod cannot check here, and it cannot "
            "run it apart from the network on this system"
        )
    store = load_store(source, base=base)
    if timeout is None and not isolated and not unverified:
        kind, payload = _execute(store, sparql)
    else:
        kind, payload = _bounded(store, sparql, timeout)
    return QueryResult(kind, payload)


def _check_timeout(timeout: float | None) -> None:
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ConfigError(f"the timeout must be a number of seconds, not {timeout!r}")
    if not 0 < timeout <= MAX_TIMEOUT:  # also refuses nan
        raise ConfigError(
            f"the timeout must be a positive number of seconds, at most {MAX_TIMEOUT} "
            f"(a week), not {timeout}"
        )


def _check_query_text(sparql: str) -> bool:
    """Refuse, before any parser sees it, a query too long, not valid Unicode, nesting too
    deeply, or calling a ``SERVICE``. True when no ``SERVICE`` was seen but the query could
    not be parsed to make sure (it must then run sealed)."""
    try:
        size = len(sparql.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise QueryError(
            f"the query is not valid text: character {error.start + 1} is not a character "
            "(bytes that are not UTF-8?)"
        ) from None
    if size > MAX_QUERY_BYTES:
        raise QueryError(f"the query is {size:,} bytes long: at most {MAX_QUERY_BYTES:,} are taken")
    deep = sparql_text.too_deep_at(sparql, MAX_NESTING)
    if deep is not None:
        line, column = _position(sparql, deep)
        raise QueryError(
            f"the query nests more than {MAX_NESTING} levels deep (brackets, braces, "
            f"parentheses) at line {line}, column {column}\n{_quote(sparql, line, column)}"
        )
    return _refuse_service(sparql)


def _execute(store: ox.Store, sparql: str, sealed: bool = False) -> tuple[str, bytes]:
    """Run the query to completion: ("select"|"ask", JSON results) or ("graph", N-Triples).
    ``sealed``: in a process of its own, which can open no file or socket meanwhile."""
    from ._internal.sealed import no_new_descriptors

    try:
        with no_new_descriptors() if sealed else nullcontext():
            return _run_engine(store, sparql)
    except SyntaxError as error:
        raise syntax_error(sparql, str(error)) from None
    except (OSError, RuntimeError, ValueError) as error:
        if sealed and _is_descriptor_refusal(error):
            raise QueryError(
                "the query tried to open a file or a network connection: liaise-lod queries "
                "the local dataset and never the network"
            ) from None
        raise QueryError(f"the query failed: {neutralise(str(error), 300)}") from None


def _run_engine(store: ox.Store, sparql: str) -> tuple[str, bytes]:
    results = store.query(sparql, prefixes=PREFIXES)
    if isinstance(results, ox.QueryTriples):
        kind, data = "graph", results.serialize(format=ox.RdfFormat.N_TRIPLES)
    else:
        kind = "ask" if isinstance(results, ox.QueryBoolean) else "select"
        data = results.serialize(format=_JSON)
    return kind, data or b""  # serialize() without a file gives bytes


def _is_descriptor_refusal(error: Exception) -> bool:
    text = str(error)
    return getattr(error, "errno", None) == errno.EMFILE or f"os error {errno.EMFILE})" in text


def _bounded(store: ox.Store, sparql: str, timeout: float | None) -> tuple[str, bytes]:
    """Run the query in a forked process (sealed; killed at the deadline, if any), or where
    fork is unavailable in a thread abandoned at the deadline (here, without one)."""
    if can_fork():
        return _in_child_process(partial(_execute, store, sparql, True), timeout)
    if timeout is None:
        return _execute(store, sparql)
    return _in_thread(partial(_execute, store, sparql), timeout)


def can_fork() -> bool:
    """Whether a query can run in a forked child process (POSIX), so a timeout really stops it."""
    return parallel.can_fork()


def _timeout_error(timeout: float | None) -> QueryTimeout:
    return QueryTimeout(f"the query took longer than {timeout or 0:g} s and was stopped")


def _in_child_process(
    work: Callable[[], tuple[str, bytes]], timeout: float | None
) -> tuple[str, bytes]:
    """Run ``work`` in a forked copy of this process (the store comes along, copy-on-write);
    kill it at the deadline (``None``: no deadline)."""
    return parallel.within(
        partial(_reported, work), timeout, lambda: _timeout_error(timeout), died=_engine_died
    )


def _reported(work: Callable[[], tuple[str, bytes]]) -> tuple[str, bytes]:
    try:
        return work()
    except QueryError:
        raise
    except Exception as error:
        raise QueryError(f"the query failed: {neutralise(str(error), 600)}") from None


def _engine_died(exit_code: int | None) -> QueryError:
    return QueryError(
        f"the query engine crashed (exit status {exit_code}): the query is probably too long "
        "or too deeply nested"
    )


def _in_thread(work: Callable[[], tuple[str, bytes]], timeout: float) -> tuple[str, bytes]:
    """Run ``work`` in a daemon thread; at the deadline stop waiting and abandon it."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run, name="liaise-lod-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise _timeout_error(timeout)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


# --------------------------------------------------------------------------- errors


_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*<_*>\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")
_EXPECTED_ITEM = re.compile(r'"[^"]*"|\[(?:[^\]\\]|\\.)*\]|[^,]+')
_PREFIXED_NAME = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")
_MAX_EXPECTED = 8


#: Beyond this many characters, a malformed query is located by pyoxigraph alone: rdflib's
#: parser, which locates grammar errors better, takes some ten seconds a megabyte.
_GRAMMAR_CHECK_CHARS = 100_000


def _refuse_service(sparql: str) -> bool:
    """Refuse a query that calls a ``SERVICE`` in any of three readings: the parse tree rdflib's
    parser gives for the text as pyoxigraph reads it, the same for the text as SPARQL 1.1
    reads it (escapes expanded first), and its tokens as pyoxigraph splits them.

    True when the query mentions the word but rdflib cannot parse it as pyoxigraph reads it:
    the tokens alone leave a corner open (is ``<`` an IRI or "less than"?), so such a query
    runs where it cannot reach the network."""
    if "service" not in sparql_text.expand_unicode_escapes(sparql).lower():
        return False  # no spelling of the keyword can hide without these letters
    parsed = _parsed_service(_as_pyoxigraph_reads(sparql))
    # And as SPARQL 1.1 has it read, escapes expanded first: "\u0053ERVICE" is SERVICE.
    if parsed or _parsed_service(sparql.replace("\r", "\n")) or _service_token(sparql):
        raise QueryError(
            "SERVICE is not allowed: liaise-lod queries the local dataset and never the network"
        )
    return parsed is None


def _service_token(sparql: str) -> bool:
    return sparql_text.keyword_at(sparql, "SERVICE") is not None


#: A backslash and what it escapes, as pyoxigraph reads them in strings and IRIs.
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\s\S])")


def _as_pyoxigraph_reads(sparql: str) -> str:
    """The query made to read the same to rdflib's parser as to pyoxigraph's. rdflib expands
    ``\\u`` escapes everywhere before parsing (an escaped quote ends a string for it),
    pyoxigraph reads them as one character in strings and IRIs, and nowhere else; rdflib ends
    a comment at LF only, pyoxigraph at CR as well."""
    unescaped = _ESCAPE.sub(
        lambda match: "_" if match.group()[1] in "uU" else match.group(), sparql
    )
    return unescaped.replace("\r", "\n")


def _parsed_service(sparql: str) -> bool | None:
    """Whether rdflib's parse of the query holds a SERVICE pattern; None if it cannot parse it
    (grammar it lacks, such as RDF 1.2's; nesting past some thirty levels). rdflib expands the
    ``\\u`` escapes before parsing."""
    from pyparsing import ParseBaseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(sparql)
    except (ParseBaseException, RecursionError, ValueError):
        return None
    pending: list[Any] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            pending.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            pending.extend(node)
    return False


def syntax_error(sparql: str, message: str) -> QueryError:
    """Restate pyoxigraph's ``error at LINE:COL: expected ...`` as our own error, quoting the
    offending line with a caret under the column."""
    if _UPDATE.match(sparql_text.code_only(sparql)):
        return QueryError(
            "this is a SPARQL Update: liaise-lod query runs read-only queries "
            "(SELECT, ASK, CONSTRUCT, DESCRIBE)"
        )
    unclosed = sparql_text.unclosed_string_at(sparql)
    if unclosed is not None:
        line, column = _position(sparql, unclosed)
        return _located(sparql, line, column, "this string is never closed")
    grammar_error = _grammar_error_offset(sparql)
    if grammar_error is not None:
        line, column = _position(sparql, grammar_error)
        return _located(sparql, line, column, _unexpected(sparql[grammar_error:]))
    match = _POSITION.match(message)
    if not match:
        return QueryError(f"malformed SPARQL query: {neutralise(message, 300)}")
    line, column = int(match.group(1)), int(match.group(2))
    offset = _offset(sparql, line, column)
    problem = _explain(message[match.end() :], sparql[:offset], sparql[offset:])
    return _located(sparql, line, column, problem)


def _grammar_error_offset(sparql: str) -> int | None:
    """Where rdflib's SPARQL grammar stops matching, if it does.

    pyoxigraph's parser often reports the end of the query for a misspelt keyword or a missing
    term; rdflib's points at the clause that fails, so it locates plain grammar errors. Errors
    it does not see (an undeclared prefix, an ungrouped variable) keep pyoxigraph's position.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    if len(sparql) > _GRAMMAR_CHECK_CHARS:
        return None
    try:
        parseQuery(sparql.replace("\t", " "))
    except ParseBaseException as error:
        return min(error.loc, len(sparql))
    except Exception:
        return None
    return None


_TOKEN = re.compile(r"\s*([?$]?[\w:.-]+|<[^>\s]*>?|\S)")


def _unexpected(rest: str) -> str:
    found = _TOKEN.match(rest)
    return f"unexpected '{found.group(1)[:30]}'" if found else "the query ends too early"


def _position(sparql: str, offset: int) -> tuple[int, int]:
    before = sparql[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _offset(sparql: str, line: int, column: int) -> int:
    lines = sparql.split("\n")
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _located(sparql: str, line: int, column: int, problem: str) -> QueryError:
    return QueryError(
        f"malformed SPARQL query at line {line}, column {column}: {neutralise(problem, 300)}\n"
        f"{_quote(sparql, line, column)}"
    )


#: How much of a line an error quotes, around the column it points at.
_QUOTED_CHARS = 100


def _quote(sparql: str, line: int, column: int) -> str:
    """The line, indented, with a caret under the column below it: at most ``_QUOTED_CHARS``
    of it around the column, every control character made visible."""
    lines = sparql.split("\n")
    text = lines[line - 1].removesuffix("\r").replace("\t", " ") if 0 < line <= len(lines) else ""
    at = max(column, 1) - 1
    start = max(0, min(at - _QUOTED_CHARS // 2, len(text) - _QUOTED_CHARS))
    end = start + _QUOTED_CHARS
    before = ("…" if start else "") + neutralise(text[start:at])
    after = neutralise(text[at:end]) + ("…" if end < len(text) else "")
    return f"  {before}{after}\n  {' ' * len(before)}^"


def _explain(detail: str, before: str, rest: str) -> str:
    """Turn pyoxigraph's list of expected tokens into a readable sentence."""
    detail = detail.strip()
    if not detail.startswith("expected"):
        return detail.splitlines()[0] if detail else "syntax error"
    body = detail.removeprefix("expected").strip().removeprefix("one of").strip()
    items = [item.strip() for item in _EXPECTED_ITEM.findall(body)]
    sentences = [item for item in items if " " in item and item[:1].isupper()]
    if "Prefix not found" in sentences:
        name = _PREFIXED_NAME.search(before)
        prefix = f"'{name.group(1) or ''}:'" if name else "a prefix"
        return f"{prefix} is not declared: add a PREFIX line for it"
    if sentences:
        return "; ".join(sentence[0].lower() + sentence[1:] for sentence in sentences)
    where = _unexpected(rest)
    tokens = [item for item in items if item and not item.startswith("[")]
    if not tokens:
        return where
    more = ", ..." if len(tokens) > _MAX_EXPECTED else ""
    return f"{where}; expected {', '.join(tokens[:_MAX_EXPECTED])}{more}"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class QueryResult:
    """What a query gave: ``kind`` is "select", "ask" or "graph" (CONSTRUCT, DESCRIBE).

    ``payload`` is SPARQL 1.1 JSON results for select/ask and N-Triples for a graph.
    """

    kind: str
    payload: bytes

    def _solutions(self) -> ox.QuerySolutions:
        self._expect("select")
        return _read_back(ox.parse_query_results, self.payload, format=_JSON)

    def _expect(self, *kinds: str) -> None:
        if self.kind not in kinds:
            what = {"select": "a table", "ask": "a yes/no answer", "graph": "a graph"}[self.kind]
            raise QueryError(f"this query gives {what}, not {' or '.join(kinds)} results")

    @cached_property
    def variables(self) -> list[str]:
        """The SELECT's variable names, in order (empty for ASK and graphs)."""
        if self.kind != "select":
            return []
        return [variable.value for variable in self._solutions().variables]

    @cached_property
    def rows(self) -> list[tuple[Node | None, ...]]:
        """Each solution as a tuple of rdflib terms (``None`` where a variable is unbound)."""
        return [tuple(to_rdflib(term) for term in solution) for solution in self._solutions()]

    def values(self) -> list[tuple[Any, ...]]:
        """Each solution as Python values: IRIs as text, literals as ints, dates, text, ..."""
        return [tuple(_python(term) for term in row) for row in self.rows]

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        if self.kind == "ask":
            return 1
        return len(self.rows) if self.kind == "select" else len(self.triples)

    @property
    def boolean(self) -> bool:
        """An ASK query's answer."""
        self._expect("ask")
        return bool(_read_back(ox.parse_query_results, self.payload, format=_JSON))

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """A CONSTRUCT or DESCRIBE query's triples, as pyoxigraph triples."""
        self._expect("graph")
        return _read_back(lambda: list(ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)))

    @cached_property
    def graph(self) -> Graph:
        """A CONSTRUCT or DESCRIBE query's triples as an rdflib graph with our prefixes."""
        self._expect("graph")
        from .mapping import new_graph

        graph = new_graph()
        graph.parse(data=self.payload.decode("utf-8"), format="nt")
        return graph

    def to_json(self) -> bytes:
        """SPARQL 1.1 Query Results JSON."""
        self._expect("select", "ask")
        return self.payload

    def to_csv(self) -> bytes:
        """SPARQL 1.1 Query Results CSV (plain values, CRLF line ends)."""
        return self._results_as(ox.QueryResultsFormat.CSV)

    def to_tsv(self) -> bytes:
        """SPARQL 1.1 Query Results TSV (terms in Turtle syntax)."""
        return self._results_as(ox.QueryResultsFormat.TSV)

    def _results_as(self, fmt: ox.QueryResultsFormat) -> bytes:
        self._expect("select", "ask")
        results = _read_back(ox.parse_query_results, self.payload, format=_JSON)
        return _read_back(results.serialize, format=fmt)

    def to_ntriples(self) -> bytes:
        """A graph result as N-Triples."""
        self._expect("graph")
        return self.payload

    def to_turtle(self) -> bytes:
        """A graph result as Turtle, with those of our prefixes it uses."""
        text = self.payload.decode("utf-8")
        used = {prefix: iri for prefix, iri in PREFIXES.items() if f"<{iri}" in text}
        return ox.serialize(self.triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""

    def to_jsonld(self) -> bytes:
        """A graph result as JSON-LD against our context."""
        from .serialize import jsonld

        return jsonld(self.graph)

    def to_table(self, max_width: int = MAX_CELL_WIDTH) -> str:
        """A plain-text table for terminals: IRIs shortened with our prefixes, columns as wide
        as their widest cell (at most ``max_width``), numbers right-aligned."""
        if self.kind == "ask":
            return "true" if self.boolean else "false"
        if self.kind == "graph":
            return for_terminal(self.to_turtle()).decode("utf-8")
        return table(self.variables, self.rows, max_width)

    def serialize(self, fmt: str) -> bytes:
        """The result in one of the formats ``query`` offers (``formats.query_formats()``):
        table, csv, tsv, json for a table or yes/no answer; table and the graph formats for a
        graph."""
        chosen = next((f for f in query_formats() if f.name == fmt), None)
        if chosen is None:
            names = ", ".join(f.name for f in query_formats())
            raise ConfigError(f"unknown format '{fmt}': use one of {names}")
        suits = chosen.name == "table" or (chosen.kind == "graph") == (self.kind == "graph")
        if not suits:
            wanted = "graph" if self.kind == "graph" else "results"
            names = ", ".join(f.name for f in query_formats() if f.kind == wanted)
            what = "a graph" if self.kind == "graph" else "a table"
            raise QueryError(f"this query gives {what}: use one of {names}")
        written = getattr(self, f"to_{chosen.name}")()
        if isinstance(written, str):
            written = (written.rstrip("\n") + "\n").encode("utf-8")
        return written


def _read_back(read: Callable[..., Any], *arguments: Any, **options: Any) -> Any:
    """pyoxigraph's reading of results we hold; it reads no term over 16 MB (MemoryError)."""
    try:
        return read(*arguments, **options)
    except MemoryError as error:
        raise QueryError(f"the results hold too large a value: {neutralise(str(error))}") from None


def for_terminal(data: bytes) -> bytes:
    """Output made safe to show on a terminal: every control character (escape sequences
    included) but line breaks and tabs written as a visible escape, such as ``\\x1b``."""
    lines = data.decode("utf-8", errors="replace").split("\n")
    shown = (
        "\t".join(neutralise(field) for field in line.removesuffix("\r").split("\t"))
        for line in lines
    )
    return "\n".join(shown).encode("utf-8")


def to_rdflib(term: Any) -> Node | None:
    """A pyoxigraph term as the equivalent rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD + "string" else datatype)
    return Literal(str(term))


def _python(term: Node | None) -> Any:
    if isinstance(term, Literal):
        return term.toPython()
    return None if term is None else str(term)


# --------------------------------------------------------------------------- table


def table(variables: list[str], rows: list[tuple[Node | None, ...]], max_width: int) -> str:
    """Rows of terms as aligned text; the widths depend only on the content."""
    variables = [neutralise(name) for name in variables]
    cells = [[_cell(term) for term in row] for row in rows]
    widths = [
        max([len(name), *(min(len(row[i]), max_width) for row in cells)])
        for i, name in enumerate(variables)
    ]
    numeric = [
        bool(rows) and all(_is_number(row[i]) or row[i] is None for row in rows)
        for i in range(len(variables))
    ]
    lines = [
        " | ".join(name.ljust(width) for name, width in zip(variables, widths, strict=True)),
        "-+-".join("-" * width for width in widths),
    ]
    for row in cells:
        lines.append(
            " | ".join(
                _fit(text, width, right)
                for text, width, right in zip(row, widths, numeric, strict=True)
            )
        )
    count = len(rows)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(line.rstrip() for line in lines)


def _fit(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


def _is_number(term: Node | None) -> bool:
    return isinstance(term, Literal) and str(term.datatype) in _NUMERIC


def _cell(term: Node | None) -> str:
    """A term as a cell: line breaks, tabs, escape sequences and every other control character
    written as visible escapes (``\\n``, ``\\x1b``), whatever the data holds."""
    return neutralise(_cell_text(term))


def _cell_text(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if not isinstance(term, Literal):
        return str(term)
    text = str(term)
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is None or str(term.datatype).startswith(_XSD):
        return text
    return f"{text}^^{shorten(str(term.datatype))}"


def shorten(iri: str) -> str:
    """``schema:name`` for an IRI in one of our namespaces, ``<iri>`` for any other."""
    return namespaces.shorten(iri) or f"<{iri}>"
