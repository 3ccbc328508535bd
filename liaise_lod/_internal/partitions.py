"""Building in partitions, so that memory follows the partition's size and not the dataset's.

A subject belongs to the partition of its record: ``partition_of(owner_key(subject), count)``,
a stable hash of the record's IRI (a part such as ``…/project/x#funding-1`` goes with
``…/project/x``; a concept with its own IRI). Records give triples about other records' subjects
too (a participation about its project and organisation), so the triples, not the records, are
shared out:

1. ``spill``: one pass maps every record, writing each triple to its subject's partition file
   (N-Triples) and, if validation reads it from a neighbour (see ``index_predicates``), to an
   index (SQLite, on disk) by subject and object.
2. ``partition_work(layout, strict, number)``: one partition's graph is read back, its sorted
   chunks of the dumps written, then it is validated with the index facts its focus nodes reach
   (``reach.reach_of``: the predicates each step of a shape's path can take) added; only the
   results of its own focus nodes are kept (see ``kept``). A top-level function of plain
   arguments: it can run in another process, or on another machine that sees the folder.
3. ``merge_dumps``: the chunks, each sorted, are merged (``heapq.merge``) into the dumps, byte
   for byte those a build in one piece writes: N-Triples lines merged, Turtle written by
   pyoxigraph from the merged lines, JSON-LD nodes merged by ``@id``.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.store import Store
from rdflib.term import Node

from .. import rich_results
from ..errors import LiaiseError
from ..formats import graph_formats
from ..iris import Iris
from ..kinds import record_kinds
from ..model import Dataset
from ..namespaces import RDF_TYPE, SCHEMA, XSD_STRING
from ..vocabulary import canonical_case
from .allocation import bulk_allocation
from .kept import Kept
from .parallel import isolated
from .reach import reach_of
from .store import by_subject

#: Records per partition when the number of partitions is chosen from the dataset's size.
RECORDS_PER_PARTITION = 50_000
#: Keys asked from the index at once.
_BATCH = 500
#: Terms the mapping remembers (to share one object per term) before it forgets them.
_TERMS_KEPT = 200_000


def partition_count(records: int, requested: int | None = None) -> int:
    """``requested``, or one partition per ``RECORDS_PER_PARTITION`` records."""
    if requested is not None:
        return requested
    return max(1, -(-records // RECORDS_PER_PARTITION))


def partition_of(key: str, count: int) -> int:
    """The partition (``0 <= n < count``) of a key: stable across runs, processes, machines."""
    if count <= 1:
        return 0
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def owner_key(node: Node | str) -> str:
    """What a subject is partitioned by: its IRI without the fragment (its record's IRI)."""
    return str(node).partition("#")[0]


@dataclass(frozen=True)
class Layout:
    """Where a partitioned build keeps its files: plain values, to send to another process."""

    folder: Path
    count: int
    base: str
    #: what else each partition's process makes of its own triples (a publish's site index,
    #: say): ``tables(graph, layout, number)``, whose result comes back in the summary. A
    #: top-level function, so that it can be sent to another process.
    tables: Callable[[Graph, Layout, int], Any] | None = None

    def triples(self, number: int) -> Path:
        return self.folder / f"partition-{number}.nt"

    def chunk(self, number: int, fmt: str) -> Path:
        return self.folder / f"chunk-{number}.{fmt}"

    @property
    def index(self) -> Path:
        return self.folder / "index.sqlite"

    def remove_spilled(self) -> None:
        """Remove the partitions' triples, chunks and index (once the dumps are merged)."""
        for number in range(self.count):
            for path in (
                self.triples(number),
                self.chunk(number, "nt"),
                self.chunk(number, "jsonld"),
            ):
                path.unlink(missing_ok=True)
        self.index.unlink(missing_ok=True)


# --------------------------------------------------------------------------- 1. spill


@cache
def index_predicates(base: str) -> frozenset[str]:
    """The predicates whose triples validation reads away from the focus node (further than
    its own triples): these go to the index, to be added to the partitions that reach them.
    ``None`` reach (unbounded paths) cannot be partitioned: ``ValueError``."""
    reach = _reach(base)
    found = {str(RDF_TYPE)}
    for step in (*reach.forward[1:], *reach.inverse):
        found.update(str(predicate) for predicate in step)
    found.update(str(predicate) for predicate in reach.object_seeded)
    found.update(str(predicate) for predicate in _rich_neighbour_predicates())
    return frozenset(found)


@cache
def _reach(base: str) -> Any:
    from ..validation import shapes_graph

    reach = reach_of(shapes_graph(base))
    if reach is None:
        raise ValueError("the shapes read without bound: validate the graph whole")
    return reach


def can_partition(base: str) -> bool:
    """Whether the shapes read a bounded neighbourhood of each focus node (see ``reach``)."""
    try:
        _reach(base)
    except ValueError:
        return False
    return True


def _rich_neighbour_predicates() -> set[URIRef]:
    """What the rich-result checks read of an item's values (their types and properties)."""
    found: set[URIRef] = {RDF_TYPE}
    for result_type in rich_results.result_types():
        for requirement in result_type.required:
            for _, needed in requirement.one_of or ():
                found.update(SCHEMA[name] for name in needed)
    return found


class _Spill(Store):
    """An rdflib store that keeps nothing: each triple goes to its subject's partition file,
    and to the index when validation reads it from a neighbour."""

    def __init__(self, layout: Layout) -> None:
        super().__init__()
        self.layout = layout
        self._files = [
            layout.triples(n).open("wb", buffering=256 * 1024) for n in range(layout.count)
        ]
        self._indexed = {f"<{predicate}>" for predicate in index_predicates(layout.base)}
        self._database = sqlite3.connect(layout.index)
        self._database.execute("PRAGMA journal_mode=OFF")
        self._database.execute("PRAGMA synchronous=OFF")
        self._database.execute("CREATE TABLE facts (s TEXT, p TEXT, o TEXT, line TEXT)")
        self._rows: list[tuple[str, str, str, str]] = []
        self._terms = OxTerms()
        self._texts: dict[Node, str] = {}
        self._partitions: dict[Node, int] = {}

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        subject, predicate, obj = triple
        texts = self._texts
        s = texts.get(subject) or self._text(subject)
        p = texts.get(predicate) or self._text(predicate)
        o = texts.get(obj) or self._text(obj)
        line = f"{s} {p} {o} .\n"
        number = self._partitions.get(subject)
        if number is None:
            if len(self._partitions) > _TERMS_KEPT:
                self._partitions.clear()
            number = self._partitions[subject] = partition_of(owner_key(subject), self.layout.count)
        self._files[number].write(line.encode("utf-8"))
        if p in self._indexed:
            self._rows.append((s, p, o, line))
            if len(self._rows) >= 50_000:
                self._flush()

    def _text(self, node: Node) -> str:
        """A term's N-Triples text, remembered: terms repeat (a subject's triples come
        together, objects and predicates recur), up to ``_TERMS_KEPT`` of them."""
        if len(self._texts) > _TERMS_KEPT:
            self._texts.clear()
        text = self._texts[node] = self._terms(node)
        return text

    def addN(self, quads: Iterable[Any]) -> None:
        for subject, predicate, obj, _ in quads:
            self.add((subject, predicate, obj))

    def _flush(self) -> None:
        self._database.executemany("INSERT INTO facts VALUES (?, ?, ?, ?)", self._rows)
        self._rows.clear()

    def close(self, commit_pending_transaction: bool = False) -> None:
        for file in self._files:
            file.close()
        self._flush()
        self._database.execute("CREATE INDEX by_subject ON facts (s)")
        self._database.execute("CREATE INDEX by_object ON facts (o)")
        self._database.commit()
        self._database.close()


class OxTerms:
    """rdflib terms in their N-Triples form (as pyoxigraph writes them)."""

    def __call__(self, node: Node) -> str:
        if isinstance(node, URIRef):  # a valid IRI (as every IRI we make) needs no escaping
            return f"<{node}>"
        if isinstance(node, BNode):
            return str(ox.BlankNode(node))
        if isinstance(node, Literal):
            if node.language:
                return str(ox.Literal(node, language=node.language))
            datatype = node.datatype
            if datatype is None or datatype == XSD_STRING:
                return str(ox.Literal(node))
            return str(ox.Literal(node, datatype=ox.NamedNode(datatype)))
        raise TypeError(f"cannot write {node!r}")


def spill(dataset: Dataset, base: str, layout: Layout) -> None:
    """Map ``dataset`` into the layout's partition files and index (``to_graph``'s triples,
    vocabularies included, never all in memory)."""
    from ..mapping.emit import Emitter

    layout.folder.mkdir(parents=True, exist_ok=True)
    store = _Spill(layout)
    sink = Graph(store=store, bind_namespaces="none")
    out = Emitter(dataset, Iris(base), sink)
    try:
        for kind in record_kinds():
            mapper = kind.map_function()
            for record in kind.records_of(dataset):
                mapper(record, out)
                out.forget_terms(_TERMS_KEPT)
        store.addN((s, p, o, None) for s, p, o in dataset.vocabulary.used(out.concepts.values()))
    finally:
        store.close()


def spill_graph(triples: Iterable[tuple[Node, Node, Node]], layout: Layout) -> None:
    """Triples (a graph mapped already) into the layout's partition files and index."""
    layout.folder.mkdir(parents=True, exist_ok=True)
    store = _Spill(layout)
    try:
        store.addN((s, p, o, None) for s, p, o in triples)
    finally:
        store.close()


# --------------------------------------------------------------------------- 2. one partition


@dataclass
class PartitionSummary:
    """What ``partition_work`` sends back: small (results, not triples)."""

    number: int
    triples: int
    #: the validation results of this partition's focus nodes
    kept: Kept = field(default_factory=Kept)
    #: rich-result findings for this partition's items, and the items of each type
    rich: list = field(default_factory=list)
    rich_items: dict[str, int] = field(default_factory=dict)
    #: what ``layout.tables`` returned
    tables: Any = None


def partition_work(layout: Layout, strict: bool, number: int) -> PartitionSummary:
    """Read partition ``number`` back, write its chunks of the dumps, validate it; what it found
    (the results of the completeness shapes only counted, unless ``strict``).

    Plain arguments and a picklable result: it runs here, in a forked process or elsewhere.
    Each partition is worked in a process of its own where one can be forked: its graph is in
    reference cycles (rdflib's namespace manager points back at its graph), which validation
    keeps from the collector while it runs, and inside ``fork_map`` until every partition is
    done, so a process working one partition after another would hold them all."""
    return isolated(lambda: _partition_summary(layout, strict, number), _died(number))


def _died(number: int) -> Callable[[int | None], LiaiseError]:
    def died(exit_code: int | None) -> LiaiseError:
        return LiaiseError(
            f"the process that validates partition {number + 1} ended without its result (exit "
            f"code {exit_code}), perhaps out of memory: more partitions (--partitions) make "
            "each one smaller"
        )

    return died


def _partition_summary(layout: Layout, strict: bool, number: int) -> PartitionSummary:
    from ..validation import can_focus, completeness_shapes, find_results

    graph = read_partition(layout, number)
    size = len(graph)
    write_chunks(graph, layout, number)
    tables = layout.tables(graph, layout, number) if layout.tables is not None else None
    owned = set(by_subject(graph)[0])  # every subject of the partition's file is its own
    for triple in list(neighbourhood(graph, layout, number, owned)):
        graph.store.add(triple, graph)
    focus = frozenset(owned) if can_focus() else None
    found = find_results(graph, base=layout.base, focus=focus)
    kept = Kept()
    owns = (pair for pair in found if _owns(layout, number, pair[0].focus_node))
    kept.add(owns, strict, completeness_shapes(layout.base))
    rich, items = _rich_of(graph, layout, number)
    return PartitionSummary(number, size, kept, rich, items, tables)


def _owns(layout: Layout, number: int, node: Node | str) -> bool:
    return partition_of(owner_key(node), layout.count) == number


def read_partition(layout: Layout, number: int) -> Graph:
    """A partition's triples, in a graph (a ``LeanMemory`` store, as ``to_graph`` makes)."""
    from ..mapping import new_graph

    graph = new_graph()
    add = graph.store.add
    terms = RdflibTerms()
    with bulk_allocation():
        for quad in ox.parse(path=str(layout.triples(number)), format=ox.RdfFormat.N_TRIPLES):
            add((terms(quad.subject), terms(quad.predicate), terms(quad.object)), graph)
    return graph


def neighbourhood(graph: Graph, layout: Layout, number: int, owned: set[Node]) -> Iterator[Any]:
    """The index facts validation of the ``owned`` focus nodes reads beyond ``graph``: step by
    step along the predicates each step of the shapes' paths can take, from the index those of
    nodes of other partitions, and every triple that points back at a node (inverse steps)."""
    reach = _reach(layout.base)
    forward = [set(step) for step in reach.forward]
    inverse = [set(step) for step in reach.inverse]
    inverse[0] |= reach.object_seeded  # targets of sh:targetObjectsOf
    rich = _rich_neighbour_predicates()
    if len(forward) < 2:
        forward.append(set())
        inverse.append(set())
    forward[1] |= rich | {RDF_TYPE}
    terms = RdflibTerms()
    _, pairs_of = by_subject(graph)
    database = sqlite3.connect(layout.index)
    try:
        at: set[Node] = set(owned)
        for step in range(len(forward)):
            reached: set[Node] = set()
            away = [node for node in at if not _owns(layout, number, node)]
            here = forward[step]
            for node in at:
                reached.update(obj for predicate, obj in pairs_of(node) if predicate in here)
            wanted = {str(p) for p in forward[step]}
            for triple in _facts(database, "s", away, wanted, terms):
                yield triple
                reached.add(triple[2])
            for triple in _facts(database, "o", at, {str(p) for p in inverse[step]}, terms):
                yield triple
                reached.add(triple[0])
            at = {node for node in reached if not isinstance(node, Literal)}
    finally:
        database.close()


def _facts(
    database: sqlite3.Connection,
    column: str,
    nodes: Iterable[Node],
    predicates: set[str],
    terms: RdflibTerms,
) -> Iterator[tuple[Node, Node, Node]]:
    if not predicates:
        return
    keys = [OxTerms()(node) for node in nodes]
    wanted = [str(ox.NamedNode(p)) for p in predicates]
    marks = ",".join("?" * len(wanted))
    for start in range(0, len(keys), _BATCH):
        batch = keys[start : start + _BATCH]
        query = (
            f"SELECT line FROM facts WHERE {column} IN ({','.join('?' * len(batch))}) "
            f"AND p IN ({marks})"
        )
        rows = database.execute(query, [*batch, *wanted]).fetchall()
        if rows:
            text = "".join(row[0] for row in rows)
            for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
                yield terms(quad.subject), terms(quad.predicate), terms(quad.object)


def _rich_of(graph: Graph, layout: Layout, number: int) -> tuple[list, dict[str, int]]:
    """The rich-result findings and item counts of this partition's own items."""
    findings: list = []
    counts: dict[str, int] = {}
    for result_type in rich_results.result_types():
        found = [
            item for item in rich_results.items(graph, result_type) if _owns(layout, number, item)
        ]
        counts[result_type.name] = len(found)
        for item in found:
            findings += rich_results.missing(graph, item, result_type, frozenset())
    return findings, counts


class RdflibTerms:
    """pyoxigraph terms to rdflib's, each made once: rdflib checks every IRI it is given, and
    one object per term is also what ``to_graph`` makes (a partition's terms, so bounded)."""

    def __init__(self) -> None:
        self._terms: dict[Any, Node] = {}

    def __len__(self) -> int:
        return len(self._terms)

    def __call__(self, term: Any) -> Node:
        made = self._terms.get(term)
        if made is None:
            made = self._terms[term] = self._made(term)
        return made

    def _made(self, term: Any) -> Node:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if term.language:  # in the case rdflib's terms have it (see ``canonical_case``)
            return Literal(term.value, lang=canonical_case(term.language))
        datatype = term.datatype.value
        if datatype == str(XSD_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=str(self(term.datatype)))


def rich_findings(summaries: Iterable[PartitionSummary]) -> tuple[list, dict[str, int]]:
    """The partitions' rich-result findings in the order ``rich_results.check`` finds them in
    one graph (by result type, then item), and the items of each type."""
    order = {result_type.name: n for n, result_type in enumerate(rich_results.result_types())}
    findings = [finding for summary in summaries for finding in summary.rich]
    findings.sort(key=lambda finding: (order[finding.result_type.name], finding.item))
    items: dict[str, int] = {}
    for summary in summaries:
        for name, number in summary.rich_items.items():
            items[name] = items.get(name, 0) + number
    return findings, items


def write_chunks(graph: Graph, layout: Layout, number: int) -> None:
    """The partition's part of each dump, sorted as the dump is: N-Triples lines, and JSON-LD
    nodes framed with their ``@id`` (see ``_framed``)."""
    from ..serialize import _grouped, _jsonld_text, _node_ref, from_sorted, in_order, jsonld_node

    with layout.chunk(number, "nt").open("wb") as stream:
        from_sorted(in_order(graph), "ntriples", output=stream)
    subjects, pairs_of = _grouped(graph)
    with bulk_allocation():
        ordered = sorted(subjects, key=_node_ref)
    with layout.chunk(number, "jsonld").open("wb") as stream:
        for subject in ordered:
            text = _jsonld_text(jsonld_node(subject, pairs_of(subject)))
            key = _node_ref(subject).encode("utf-8")
            stream.write(b"%d %d\n" % (len(key), len(text)) + key + text)


def _framed(stream: BinaryIO) -> Iterator[tuple[str, bytes]]:
    while header := stream.readline():
        key_length, text_length = (int(part) for part in header.split())
        key = stream.read(key_length).decode("utf-8")
        yield key, stream.read(text_length)


# --------------------------------------------------------------------------- 3. merge


Opener = Callable[[Path], AbstractContextManager[BinaryIO]]


def _open_for_writing(path: Path) -> AbstractContextManager[BinaryIO]:
    return path.open("wb")


def merge_dumps(
    layout: Layout, stem: Path, suffix: str = "", opener: Opener | None = None
) -> dict[str, Path]:
    """The dumps (``stem`` plus each format's extension and ``suffix``) from the partitions'
    chunks, each written through ``opener`` (``gzipped.gzip_writer``, say; by default, as
    they are)."""
    from ..serialize import _prefixes, _write_graph_array

    opener = opener or _open_for_writing
    paths = {
        fmt.name: stem.with_name(f"{stem.name}{fmt.extension}{suffix}") for fmt in graph_formats()
    }
    if sorted(paths) != ["jsonld", "ntriples", "turtle"]:
        raise NotImplementedError(f"merge_dumps writes three formats, not {list(paths)}")
    chunks = [layout.chunk(n, "nt").open("rb") for n in range(layout.count)]
    try:
        with opener(paths["ntriples"]) as lines, opener(paths["turtle"]) as turtle:
            # One merge of the lines: each is written as it is read into the Turtle writer.
            read = io.BufferedReader(_Teed(heapq.merge(*chunks), lines), 256 * 1024)
            triples = (quad.triple for quad in ox.parse(read, format=ox.RdfFormat.N_TRIPLES))
            ox.serialize(triples, turtle, ox.RdfFormat.TURTLE, prefixes=_prefixes(layout.base))
    finally:
        for chunk in chunks:
            chunk.close()
    chunks = [layout.chunk(n, "jsonld").open("rb") for n in range(layout.count)]
    try:
        nodes = heapq.merge(*(_framed(chunk) for chunk in chunks), key=lambda pair: pair[0])
        with opener(paths["jsonld"]) as out:
            _write_graph_array((text for _, text in nodes), out)
    finally:
        for chunk in chunks:
            chunk.close()
    return paths


class _Teed(io.RawIOBase):
    """Lines read as a binary stream, each also written to ``copy`` as it is read."""

    def __init__(self, lines: Iterator[bytes], copy: BinaryIO) -> None:
        self._lines = lines
        self._copy = copy
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        taken, size = [self._left], len(self._left)
        for line in self._lines:
            self._copy.write(line)
            taken.append(line)
            size += len(line)
            if size >= len(buffer):
                break
        data = b"".join(taken)
        self._left = data[len(buffer) :]
        count = min(size, len(buffer))
        buffer[:count] = data[:count]
        return count
