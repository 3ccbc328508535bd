"""Graphs to text: sorted Turtle, N-Triples and JSON-LD, the same bytes for the same graph.

Turtle and N-Triples are written by pyoxigraph (linear time, where rdflib's Turtle writer turns
quadratic on graphs with many hash IRIs); it is fed triples in sorted order, so its output is
stable. JSON-LD is compacted against our own context (``vocab/context.jsonld``) by a small writer
here, because pyld takes minutes on a dump-sized graph; the tests check its output against the
reference jsonld.js processor and pyld.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ._internal import json_text
from ._internal.allocation import bulk_allocation
from ._internal.parallel import fork_map, processes_for
from ._internal.resources import vocab_dir
from ._internal.store import by_subject
from .errors import OutputError
from .formats import get_format, graph_formats
from .model import BY_KIND
from .namespaces import CONTEXT_IRI, PREFIXES, RDF_TYPE, XSD_STRING, shorten

#: What the writers take: a graph, or its triples.
Triples = Graph | Iterable[tuple[Node, Node, Node]]

# --------------------------------------------------------------------------- rdflib -> oxigraph


class _Converter:
    """rdflib terms to pyoxigraph terms, remembering IRIs (they repeat a lot) unless told not
    to: a graph-sized cache costs more than it saves where each IRI comes by only a few times."""

    def __init__(self, remember: bool = True) -> None:
        self._iris: dict[URIRef, ox.NamedNode] | None = {} if remember else None
        self._few: dict[Node, ox.NamedNode] = {}

    def term(self, node: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
        if isinstance(node, URIRef):
            if self._iris is None:
                return ox.NamedNode(node)
            converted = self._iris.get(node)
            if converted is None:
                converted = self._iris[node] = ox.NamedNode(node)
            return converted
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(node, language=node.language)
            datatype = node.datatype
            if datatype is None or datatype == XSD_STRING:
                return ox.Literal(node)
            return ox.Literal(node, datatype=self.remembered(datatype))
        if isinstance(node, BNode):
            return ox.BlankNode(node)
        raise TypeError(f"cannot write {node!r}")

    def subject(self, node: Node) -> ox.NamedNode | ox.BlankNode:
        converted = self.term(node)
        if isinstance(converted, ox.Literal):
            raise TypeError(f"a literal cannot be a subject: {node!r}")
        return converted

    def remembered(self, iri: Node) -> ox.NamedNode:
        """An IRI of which there are few (predicates, datatypes), remembered in any case."""
        named = self._few.get(iri)
        if named is None:
            named = self._few[iri] = ox.NamedNode(str(iri))
        return named


def sorted_triples(graph: Triples) -> list[ox.Triple]:
    """The graph's triples as pyoxigraph triples in N-Triples lexical order."""
    return list(in_order(graph))


def in_order(graph: Triples) -> Iterator[ox.Triple]:
    """The graph's triples as pyoxigraph triples in N-Triples lexical order (stable: the order
    of the output files), made a subject at a time: of a graph only the sorted subjects are
    held, never a sorted copy of it (loose triples are grouped by subject first).

    Sorting subjects first and then each subject's lines gives the order of sorting all lines:
    in a line the subject is followed by a space, which sorts below any character of an IRI
    or a blank node label.
    """
    convert = _Converter(remember=False)
    for subject, pairs in _subjects_in_order(graph, convert):
        lines = [
            (str(triple), triple)
            for triple in (
                ox.Triple(subject, convert.remembered(predicate), convert.term(obj))
                for predicate, obj in pairs
            )
        ]
        lines.sort(key=itemgetter(0))
        yield from (triple for _, triple in lines)


def _subjects_in_order(
    graph: Triples, convert: _Converter
) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, Iterable[tuple[Node, Node]]]]:
    """Each subject, converted, with its (predicate, object) pairs; subjects in the order of
    their N-Triples form."""
    subjects, pairs_of = _grouped(graph)
    with bulk_allocation():
        converted = [(convert.subject(node), node) for node in subjects]
        converted.sort(key=lambda pair: str(pair[0]))
    for term, node in converted:
        yield term, pairs_of(node)


PairsOf = Callable[[Node], Iterable[tuple[Node, Node]]]


def _grouped(graph: Triples) -> tuple[Iterable[Node], PairsOf]:
    """The subjects, and how to get a subject's (predicate, object) pairs: a graph is asked
    for each subject's (no graph-sized grouping in memory), loose triples are grouped."""
    if isinstance(graph, Graph):
        return by_subject(graph)
    grouped: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for subject, predicate, obj in graph:
        grouped[subject].append((predicate, obj))
    return grouped, grouped.__getitem__


def to_oxigraph(graph: Triples) -> list[ox.Triple]:
    """The graph's triples as pyoxigraph triples (unsorted), e.g. to load an embedded store."""
    convert = _Converter()
    subject, predicate, term = convert.subject, convert.remembered, convert.term
    with bulk_allocation():
        return [ox.Triple(subject(s), predicate(p), term(o)) for s, p, o in graph]


def write_ntriples(graph: Triples, path: Path) -> None:
    """N-Triples in the graph's own order, streamed: for another program to read (the dumps
    are sorted, for people and diffs)."""
    convert = _Converter()
    subject, predicate, term = convert.subject, convert.remembered, convert.term
    triples = (ox.Triple(subject(s), predicate(p), term(o)) for s, p, o in graph)
    ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)


# --------------------------------------------------------------------------- Turtle, N-Triples


def turtle(graph: Triples, base: str | None = None) -> bytes:
    """Turtle with our prefixes (and, given ``base``, one per kind of record), subjects sorted."""
    return from_sorted(in_order(graph), "turtle", base)


def ntriples(graph: Triples, base: str | None = None) -> bytes:
    """N-Triples, one triple a line, lines sorted (``base`` is not used: every IRI is written
    whole; it is there so that every graph format is written the same way)."""
    return from_sorted(in_order(graph), "ntriples")


def from_sorted(
    triples: Iterable[ox.Triple],
    fmt: str,
    base: str | None = None,
    output: BinaryIO | None = None,
) -> bytes:
    """Turtle or N-Triples written by pyoxigraph from triples ``in_order`` (e.g. a
    ``sorted_triples`` list written in both formats): returned as bytes, or written into
    the binary stream ``output`` (then the bytes are empty)."""
    if fmt == "turtle":
        written = ox.serialize(triples, output, ox.RdfFormat.TURTLE, prefixes=_prefixes(base))
    else:
        written = ox.serialize(triples, output, ox.RdfFormat.N_TRIPLES)
    return b"" if written is None else written


def write_turtle_and_ntriples(
    graph: Triples, turtle: BinaryIO, ntriples: BinaryIO, base: str | None = None
) -> None:
    """Turtle and N-Triples into two binary streams from one pass over the triples in order:
    each N-Triples line is written as its triple goes by on its way to the Turtle writer."""

    def passing() -> Iterator[ox.Triple]:
        for triple in in_order(graph):
            ntriples.write(f"{triple} .\n".encode())
            yield triple

    from_sorted(passing(), "turtle", base, output=turtle)


def turtle_prefixes(base: str | None) -> dict[str, str]:
    prefixes = dict(PREFIXES)
    if base:
        for kind in sorted(BY_KIND):
            prefixes[kind] = f"{base}{kind}/"
    return prefixes


# ---------------------------------------------------------------- documents joined from subjects


@dataclass(frozen=True)
class Piece:
    """One subject's triples written in each format, to be joined with other subjects' pieces
    into a document by ``join_pieces``: a subject that many documents share is written once."""

    #: the subject as N-Triples writes it: the document's lines are sorted by it first
    ntriples_subject: str
    #: the subject as JSON-LD's ``@id``: the document's nodes are sorted by it
    jsonld_id: str
    turtle: bytes
    ntriples: bytes
    jsonld: bytes


def piece(subject: Node, pairs: Iterable[tuple[Node, Node]], base: str | None = None) -> Piece:
    """``subject`` with its (predicate, object) pairs (at least one), written as a ``Piece``;
    its Turtle uses the prefixes of ``turtle(..., base)``."""
    pairs = list(pairs)
    if not pairs:
        raise ValueError(f"no triples about {subject!r} to write")
    convert = _piece_converter()
    term = convert.subject(subject)
    lines = [
        (str(triple), triple)
        for triple in (ox.Triple(term, convert.remembered(p), convert.term(o)) for p, o in pairs)
    ]
    lines.sort(key=itemgetter(0))
    return Piece(
        ntriples_subject=str(term),
        jsonld_id=_node_ref(subject),
        turtle=_turtle_body([triple for _, triple in lines], base),
        ntriples="".join(f"{line} .\n" for line, _ in lines).encode(),
        jsonld=_jsonld_text(jsonld_node(subject, pairs)),
    )


def join_pieces(pieces: Iterable[Piece], base: str | None = None) -> dict[str, bytes]:
    """The document made of these pieces (each of a different subject) in every graph format:
    the bytes ``turtle``, ``ntriples`` and ``jsonld`` give for all their triples,
    since those writers too go a subject at a time, in these orders."""
    in_lines = sorted(pieces, key=lambda piece: piece.ntriples_subject)
    if not in_lines:
        return {"turtle": b"", "ntriples": b"", "jsonld": jsonld([])}
    nodes = io.BytesIO()
    by_id = sorted(in_lines, key=lambda piece: piece.jsonld_id)
    _write_graph_array((piece.jsonld for piece in by_id), nodes)
    return {
        "turtle": _turtle_head(base) + b"".join(piece.turtle for piece in in_lines),
        "ntriples": b"".join(piece.ntriples for piece in in_lines),
        "jsonld": nodes.getvalue(),
    }


@cache
def _piece_converter() -> _Converter:
    return _Converter(remember=False)  # it still remembers predicates and datatypes: few


#: A triple no prefix shortens, to find what pyoxigraph's Turtle writes before the first one.
_PROBE = ox.Triple(*(ox.NamedNode("urn:liaise-lod:probe"),) * 3)


@cache
def _turtle_head(base: str | None) -> bytes:
    """The ``@prefix`` lines that start every non-empty Turtle document for ``base``."""
    text = _serialized([_PROBE], base)
    return text.removesuffix(f"{_PROBE} .\n".encode())


def _turtle_body(triples: list[ox.Triple], base: str | None) -> bytes:
    """The Turtle of one subject's sorted triples, without the ``@prefix`` lines."""
    text = _serialized(triples, base)
    head = _turtle_head(base)
    if not text.startswith(head):  # pyoxigraph changed how it starts a document
        raise RuntimeError("pyoxigraph's Turtle does not start with its @prefix lines")
    return text[len(head) :]


def _serialized(triples: list[ox.Triple], base: str | None) -> bytes:
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_prefixes(base))
    assert text is not None  # given no output stream, pyoxigraph returns the bytes
    return text


@cache
def _prefixes(base: str | None) -> dict[str, str]:
    """``turtle_prefixes(base)``, made once (not to be changed: it is shared)."""
    return turtle_prefixes(base)


# --------------------------------------------------------------------------- JSON-LD


@dataclass(frozen=True)
class _Term:
    name: str
    coerce: str | None  # "@id", "@language" (a language map), a datatype IRI, or None


@dataclass(frozen=True)
class Context:
    """The parts of a JSON-LD context our writer uses: prefixes and term definitions."""

    document: dict[str, Any]
    prefixes: dict[str, str]
    terms: dict[str, _Term]  # full IRI -> term
    classes: dict[str, str]  # full IRI -> term, for @type values
    _compacted: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def compact(self, iri: str) -> str:
        """``prefix:local`` where a prefix of the context fits, else the IRI. Only properties,
        classes and datatypes are compacted this way: few, remembered."""
        compacted = self._compacted.get(iri)
        if compacted is None:
            compacted = self._compacted[iri] = self._compact(iri)
        return compacted

    def _compact(self, iri: str) -> str:
        return shorten(iri, self.prefixes) or iri


@cache
def context() -> Context:
    """Our JSON-LD context, read from ``vocab/context.jsonld``."""
    document = json.loads((vocab_dir() / "context.jsonld").read_text(encoding="utf-8"))
    definitions = document["@context"]
    prefixes = {
        name: value
        for name, value in definitions.items()
        if isinstance(value, str) and not name.startswith("@") and value.endswith(("/", "#"))
    }

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value

    terms: dict[str, _Term] = {}
    classes: dict[str, str] = {}
    for name, value in definitions.items():
        if name.startswith("@") or name in prefixes:
            continue
        if isinstance(value, str):
            iri = expand(value)
            classes[iri] = name
            terms[iri] = _Term(name, None)
        else:
            coerce = value.get("@type")
            if value.get("@container") == "@language":
                coerce = "@language"
            elif coerce and coerce != "@id":
                coerce = expand(coerce)
            terms[expand(value["@id"])] = _Term(name, coerce)
    return Context(document, prefixes, terms, classes)


def _value_sort_key(node: Node) -> tuple:
    if isinstance(node, Literal):
        return (1, str(node), node.language or "", str(node.datatype or ""))
    return (0, str(node), "", "")


def _literal_object(literal: Literal, ctx: Context) -> dict[str, str]:
    if literal.language:
        return {"@value": str(literal), "@language": literal.language}
    if literal.datatype is None or literal.datatype == XSD_STRING:
        return {"@value": str(literal)}
    return {"@value": str(literal), "@type": ctx.compact(str(literal.datatype))}


def _node_ref(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _properties(pairs: list[tuple[Node, Node]], ctx: Context) -> dict[str, Any]:
    """Compact one subject's (predicate, object) pairs into JSON-LD key/values."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    language_maps: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for predicate, obj in sorted(pairs, key=lambda pair: (str(pair[0]), _value_sort_key(pair[1]))):
        term = ctx.terms.get(str(predicate))
        key = term.name if term else ctx.compact(str(predicate))
        coerce = term.coerce if term else None
        if isinstance(obj, Literal):
            plain = obj.language is None and (obj.datatype is None or obj.datatype == XSD_STRING)
            if coerce == "@language" and (obj.language or plain):
                language_maps[key][obj.language or "@none"].append(str(obj))
            elif coerce == "@language":
                grouped[ctx.compact(str(predicate))].append(_literal_object(obj, ctx))
            elif (plain and coerce is None) or (coerce and coerce == str(obj.datatype)):
                grouped[key].append(str(obj))
            else:
                grouped[key].append(_literal_object(obj, ctx))
        elif coerce == "@id":
            grouped[key].append(_node_ref(obj))
        elif coerce == "@language":
            grouped[ctx.compact(str(predicate))].append({"@id": _node_ref(obj)})
        else:
            grouped[key].append({"@id": _node_ref(obj)})
    for key, by_language in language_maps.items():
        grouped[key].append({lang: _single(values) for lang, values in sorted(by_language.items())})
    return {key: _single(values) for key, values in sorted(grouped.items())}


def _single(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _by_subject(graph: Triples) -> Iterator[tuple[Node, Iterable[tuple[Node, Node]]]]:
    """Each subject with its (predicate, object) pairs, subjects sorted by ``@id``."""
    subjects, pairs_of = _grouped(graph)
    with bulk_allocation():
        ordered = sorted(subjects, key=_node_ref)
    for subject in ordered:
        yield subject, pairs_of(subject)


def jsonld_nodes(graph: Triples) -> Iterator[dict[str, Any]]:
    """The nodes of a graph (or of some triples), compacted against our context, one per
    subject, sorted by ``@id``."""
    for subject, predicate_objects in _by_subject(graph):
        yield jsonld_node(subject, predicate_objects)


def jsonld_node(subject: Node, predicate_objects: Iterable[tuple[Node, Node]]) -> dict[str, Any]:
    """One subject with its (predicate, object) pairs, compacted against our context."""
    ctx = context()
    types: list[str] = []
    pairs: list[tuple[Node, Node]] = []
    for predicate, obj in predicate_objects:
        if predicate == RDF_TYPE and isinstance(obj, URIRef):
            types.append(ctx.classes.get(str(obj)) or ctx.compact(str(obj)))
        else:
            pairs.append((predicate, obj))
    node: dict[str, Any] = {"@id": _node_ref(subject)}
    if types:
        node["@type"] = _single(sorted(types))
    node.update(_properties(pairs, ctx))
    return node


def jsonld_document(graph: Triples) -> dict[str, Any]:
    """The graph as one JSON-LD document: a flat ``@graph`` of nodes sorted by ``@id``."""
    return {"@context": CONTEXT_IRI, "@graph": list(jsonld_nodes(graph))}


def write_jsonld(graph: Triples, stream: BinaryIO) -> None:
    """Write ``jsonld(graph)`` to a binary stream a node at a time, never holding the whole text.

    The bytes are those of ``json.dumps(jsonld_document(graph), ensure_ascii=False, indent=1)``
    plus a final newline.
    """
    _write_graph_array((_jsonld_text(node) for node in jsonld_nodes(graph)), stream)


def _jsonld_text(node: dict[str, Any]) -> bytes:
    """A node as it stands in the ``@graph`` array (indented, without its separator)."""
    return b"  " + json_text.dumps(node, margin=2).encode("utf-8")


_JSONLD_HEAD = b'{\n "@context": ' + json.dumps(CONTEXT_IRI).encode() + b',\n "@graph": ['


def _write_graph_array(nodes: Iterable[bytes], stream: BinaryIO) -> None:
    """A JSON-LD document around nodes written by ``_jsonld_text``."""
    stream.write(_JSONLD_HEAD)
    separator = b"\n"
    for text in nodes:
        stream.write(separator + text)
        separator = b",\n"
    stream.write(b"\n ]\n}\n" if separator == b",\n" else b"]\n}\n")


def jsonld(graph: Triples, base: str | None = None) -> bytes:
    """JSON-LD compacted against our context, referenced by its IRI (served from the package).
    ``base`` is not used: IRIs are written whole."""
    buffer = io.BytesIO()
    write_jsonld(graph, buffer)
    return buffer.getvalue()


def _open_file(path: Path) -> BinaryIO:
    return path.open("wb")


#: Below this many triples ``write_dumps`` works in one process: forking costs more than it saves.
PARALLEL_DUMPS_MINIMUM = 100_000


def write_dumps(
    graph: Graph,
    stem: Path,
    *,
    base: str | None = None,
    processes: int | None = 1,
    suffix: str = "",
    opener: Callable[[Path], AbstractContextManager[BinaryIO]] = _open_file,
) -> dict[str, Path]:
    """Write ``graph`` in every graph format, to ``stem`` plus each extension and
    ``suffix``, through streams ``opener`` opens (e.g. ``suffix=".gz"`` with a gzip writer).

    Turtle and N-Triples are written in one pass over the triples in order; the JSON-LD is
    written on its own. On a graph of ``PARALLEL_DUMPS_MINIMUM`` triples or more the two jobs
    run side by side, one in a forked process (``processes=1`` to stay in one), each taking
    about as long as the other. Neither holds a copy of the graph: both go a subject at a time.
    A write that fails (a full disk) raises ``OutputError``, from either process.
    """
    paths = {
        fmt.name: stem.with_name(f"{stem.name}{fmt.extension}{suffix}") for fmt in graph_formats()
    }
    jobs = [("turtle", "ntriples"), ("jsonld",)]
    if sorted(name for job in jobs for name in job) != sorted(paths):
        raise NotImplementedError(f"write_dumps writes {jobs}, not every one of {list(paths)}")

    def write(formats: tuple[str, ...]) -> str | None:
        """Write these formats; what went wrong, if anything (in either process)."""
        try:
            if formats == ("turtle", "ntriples"):
                with opener(paths["turtle"]) as turtle, opener(paths["ntriples"]) as lines:
                    write_turtle_and_ntriples(graph, turtle, lines, base)
            else:
                with opener(paths["jsonld"]) as stream:
                    write_jsonld(graph, stream)
        except OSError as error:
            names = " and ".join(paths[fmt].name for fmt in formats)
            return f"could not write {names}: {error.strerror or error}"
        return None

    processes = min(2, processes_for(len(graph), PARALLEL_DUMPS_MINIMUM, processes))
    problems = [problem for problem in fork_map(write, jobs, processes) if problem]
    if problems:
        raise OutputError("; ".join(problems))
    return paths


# --------------------------------------------------------------------------- documents loader


def local_contexts() -> dict[str, Path]:
    """Context IRIs we know, mapped to the files that hold them; nothing else is ever fetched."""
    return {CONTEXT_IRI: vocab_dir() / "context.jsonld"}


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """A pyld document loader that serves our contexts from the package and refuses the rest."""
    path = local_contexts().get(url.rstrip("/")) or local_contexts().get(url)
    if path is None:
        from pyld.jsonld import JsonLdError

        raise JsonLdError(
            f"refusing to fetch {url}: liaise-lod loads only its own local contexts",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(path.read_text(encoding="utf-8")),
    }


def serialize(graph: Graph, fmt: str, base: str | None = None) -> bytes:
    """The graph in one of the graph formats (``turtle``, ``jsonld``, ``ntriples``, ...)."""
    return get_format(fmt, ("graph",)).write(graph, base)
