"""SPARQL over a dataset in an embedded store: no server, no network.

The graph is bulk-loaded into an in-memory pyoxigraph store (a maintained, standard-compliant
SPARQL 1.1 engine written in Rust, one to three orders of magnitude faster than rdflib's own).
Results are kept as SPARQL 1.1 JSON results (or N-Triples for a graph) written by pyoxigraph,
so CSV, TSV and JSON output are pyoxigraph's standard serialisations; only the terminal table
is drawn here.

pyoxigraph cannot interrupt a running query. With a ``timeout`` the query runs in a forked
child process that is killed at the deadline (where ``fork`` is unavailable, in a thread that
is abandoned). ``SERVICE`` is refused: the query sees the local dataset and nothing else.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import namespaces
from ._internal import parallel
from .errors import ConfigError, QueryError, QueryTimeout
from .formats import query_formats
from .model import Dataset
from .namespaces import PREFIXES, XSD

Source = Dataset | Graph | ox.Store | str | os.PathLike
MAX_CELL_WIDTH = 60

_RDF_FILES = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
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
    store = ox.Store()
    try:
        store.bulk_load(path=path, format=_RDF_FILES[path.suffix])
    except SyntaxError as error:
        raise ConfigError(f"{path}: not valid RDF: {error}") from None
    return store


def read_query(text_or_path: str) -> str:
    """The query itself: the text of a ``.rq``/``.sparql`` file, stdin for ``-``, or the text."""
    if text_or_path == "-":
        return sys.stdin.read()
    path = Path(text_or_path)
    if "\n" not in text_or_path and (path.suffix in (".rq", ".sparql") or _is_file(path)):
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"cannot read the query file {path}: {error.strerror}") from None
    return text_or_path


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


# --------------------------------------------------------------------------- running


def query(
    source: Source, sparql: str, *, timeout: float | None = None, base: str | None = None
) -> QueryResult:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) over a dataset or graph.

    Our prefixes (``schema:``, ``org:``, ``skos:``, ...) are predeclared; a query's own
    ``PREFIX`` lines take precedence. A malformed query raises ``QueryError`` naming its line
    and column; one running longer than ``timeout`` seconds is stopped with ``QueryTimeout``.
    Updates and ``SERVICE`` (the network) are refused.
    """
    if timeout is not None and not timeout > 0:
        raise ConfigError(f"the timeout must be a positive number of seconds, not {timeout}")
    _refuse_service(sparql)
    store = load_store(source, base=base)
    if timeout is None:
        kind, payload = _execute(store, sparql)
    else:
        kind, payload = _bounded(lambda: _execute(store, sparql), timeout)
    return QueryResult(kind, payload)


def _execute(store: ox.Store, sparql: str) -> tuple[str, bytes]:
    """Run the query to completion: ("select"|"ask", JSON results) or ("graph", N-Triples)."""
    try:
        results = store.query(sparql, prefixes=PREFIXES)
        if isinstance(results, ox.QueryTriples):
            return "graph", results.serialize(format=ox.RdfFormat.N_TRIPLES)
        kind = "ask" if isinstance(results, ox.QueryBoolean) else "select"
        return kind, results.serialize(format=_JSON)
    except SyntaxError as error:
        raise syntax_error(sparql, str(error)) from None
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"the query failed: {error}") from None


def _bounded(work: Callable[[], tuple[str, bytes]], timeout: float) -> tuple[str, bytes]:
    if can_fork():
        return _in_child_process(work, timeout)
    return _in_thread(work, timeout)


def can_fork() -> bool:
    """Whether a query can run in a forked child process (POSIX), so a timeout really stops it."""
    return parallel.can_fork()


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query took longer than {timeout:g} s and was stopped")


def _in_child_process(work: Callable[[], tuple[str, bytes]], timeout: float) -> tuple[str, bytes]:
    """Run ``work`` in a forked copy of this process (the store comes along, copy-on-write);
    kill it at the deadline."""
    return parallel.within(work, timeout, lambda: _timeout_error(timeout))


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


_TOKENS = re.compile(
    r"""#[^\n]*|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|"""
    r"""<[^<>"{}|^`\\\x00-\x20]*>""",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:-])", re.IGNORECASE)
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*<_*>\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")
_EXPECTED_ITEM = re.compile(r'"[^"]*"|\[(?:[^\]\\]|\\.)*\]|[^,]+')
_PREFIXED_NAME = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")
_MAX_EXPECTED = 8


def _code_only(sparql: str) -> str:
    """The query with comments and strings blanked and IRIs emptied, each keeping its length
    (so that positions still match)."""

    def blank(match: re.Match) -> str:
        token = match.group()
        if token.startswith("<"):
            return "<" + "_" * (len(token) - 2) + ">"
        return re.sub(r"[^\n]", " ", token)

    return _TOKENS.sub(blank, sparql)


def _refuse_service(sparql: str) -> None:
    if _SERVICE.search(_code_only(sparql)):
        raise QueryError(
            "SERVICE is not allowed: liaise-lod queries the local dataset and never the network"
        )


def syntax_error(sparql: str, message: str) -> QueryError:
    """Restate pyoxigraph's ``error at LINE:COL: expected ...`` as our own error, quoting the
    offending line with a caret under the column."""
    code = _code_only(sparql)
    if _UPDATE.match(code):
        return QueryError(
            "this is a SPARQL Update: liaise-lod query runs read-only queries "
            "(SELECT, ASK, CONSTRUCT, DESCRIBE)"
        )
    unclosed = re.search(r"[\"']", code)
    if unclosed:
        line, column = _position(sparql, unclosed.start())
        return _located(sparql, line, column, "this string is never closed")
    grammar_error = _grammar_error_offset(sparql)
    if grammar_error is not None:
        line, column = _position(sparql, grammar_error)
        return _located(sparql, line, column, _unexpected(sparql[grammar_error:]))
    match = _POSITION.match(message)
    if not match:
        return QueryError(f"malformed SPARQL query: {message}")
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
    lines = sparql.split("\n")
    text = lines[line - 1].replace("\t", " ") if 0 < line <= len(lines) else ""
    pointer = " " * (max(column, 1) - 1) + "^"
    return QueryError(
        f"malformed SPARQL query at line {line}, column {column}: {problem}\n  {text}\n  {pointer}"
    )


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
        return ox.parse_query_results(self.payload, format=_JSON)

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
        return bool(ox.parse_query_results(self.payload, format=_JSON))

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """A CONSTRUCT or DESCRIBE query's triples, as pyoxigraph triples."""
        self._expect("graph")
        return list(ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES))

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
        return ox.parse_query_results(self.payload, format=_JSON).serialize(format=fmt)

    def to_ntriples(self) -> bytes:
        """A graph result as N-Triples."""
        self._expect("graph")
        return self.payload

    def to_turtle(self) -> bytes:
        """A graph result as Turtle, with those of our prefixes it uses."""
        text = self.payload.decode("utf-8")
        used = {prefix: iri for prefix, iri in PREFIXES.items() if f"<{iri}" in text}
        return ox.serialize(self.triples, format=ox.RdfFormat.TURTLE, prefixes=used)

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
            return self.to_turtle().decode("utf-8")
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

_CONTROL = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def table(variables: list[str], rows: list[tuple[Node | None, ...]], max_width: int) -> str:
    """Rows of terms as aligned text; the widths depend only on the content."""
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
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term).translate(_CONTROL)
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is None or str(term.datatype).startswith(_XSD):
        return text
    return f"{text}^^{shorten(str(term.datatype))}"


def shorten(iri: str) -> str:
    """``schema:name`` for an IRI in one of our namespaces, ``<iri>`` for any other."""
    return namespaces.shorten(iri) or f"<{iri}>"
