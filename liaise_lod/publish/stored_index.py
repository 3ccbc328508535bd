"""The site index of a publish in partitions, kept on disk so that no process holds the graph.

Each partition's process indexes its own triples (every subject of a partition is one of its
documents or their ``#parts``, so a document's triples are all there) and writes them to a
SQLite file of its own (``write_tables``): each document's triples and context as N-Triples
text, and the links from its documents to any other. It sends back what the site needs of
every document without its triples (``PartitionDocuments``: kinds, dates, the vocabulary's
terms...). ``StoredIndex`` is a ``SiteIndex`` whose tables read those files, a document at a
time, for the processes that write the pages.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .._internal.partitions import Layout, OxTerms, RdflibTerms, owner_key, partition_of
from .._internal.store import all_triples
from ..iris import Iris
from ..namespaces import DCTERMS, RDF_TYPE, SKOS, Triple, same_term
from .index import INLINE_KINDS, PAGE_WEIGHT, LinkTo, SiteIndex

#: Documents (their triples, context or links) each table keeps decoded, most recently used:
#: a page reads its own, its inline records' and those of the pages that link to it.
CACHED = 16_384
#: Terms a process keeps made (one object per term, as the graph has them) before it forgets
#: them: the same classes, properties and concepts recur in every document.
TERMS_KEPT = 200_000
#: Documents each table keeps, at most, while one resource's files are written (see
#: ``StoredIndex.holding``): a funder's page at 80,000 projects would otherwise hold every
#: project's triples, some gigabytes, to read each a second time from memory.
HELD = 20_000
_LINKS = "site-links.sqlite"
#: A statement linking two documents: the one it links to and the one that states it, each
#: with the ``#fragment`` of the part it names (empty for the document itself).
_LINK_COLUMNS = "target TEXT, object TEXT, source TEXT, subject TEXT, predicate TEXT"
#: The gathered links, in the order a target's are read: a clustered index of their own.
_LINK_ORDER = "target, source, subject, predicate, object"
_BATCH = 10_000

Value = TypeVar("Value")


def _tables_name(number: int) -> str:
    return f"site-{number}.sqlite"


@dataclass
class PartitionDocuments:
    """What a partition's process sends back of its documents: no triples."""

    #: every document, with its kind (``None``: it gets no page)
    kinds: dict[str, str | None] = field(default_factory=dict)
    #: the latest date each page's resource states about itself
    last_modified: dict[str, str] = field(default_factory=dict)
    #: what each page links to that may be a record included in it (see ``writing_order``)
    inline: dict[str, list[str]] = field(default_factory=dict)
    #: every property and class the triples use
    terms: set[Node] = field(default_factory=set)
    #: the languages of the texts
    languages: set[str] = field(default_factory=set)
    #: the subjects typed ``skos:ConceptScheme``
    schemes: set[str] = field(default_factory=set)
    #: the topics records are about (objects of ``dcterms:subject``)
    topics: set[str] = field(default_factory=set)


def write_tables(graph: Graph, layout: Layout, number: int) -> PartitionDocuments:
    """Index a partition's own triples into its SQLite file; what the site needs of them
    besides. (``Layout.tables``: runs in the partition's process, before validation adds the
    neighbours' triples.)"""
    index = SiteIndex.of(graph, Iris(layout.base))
    found = PartitionDocuments(terms=set(index.terms))
    path = layout.folder / _tables_name(number)
    path.unlink(missing_ok=True)  # a task run again (a Dask worker lost) starts afresh
    database = sqlite3.connect(path)
    try:
        database.execute("PRAGMA journal_mode=OFF")
        database.execute("PRAGMA synchronous=OFF")
        database.execute("CREATE TABLE documents (iri TEXT PRIMARY KEY, own TEXT, context TEXT)")
        database.execute(f"CREATE TABLE links ({_LINK_COLUMNS})")
        text = OxTerms()
        rows = (
            (document, _lines(triples, text), _lines(index.context.get(document, ()), text))
            for document, triples in index.own.items()
        )
        _insert(database, "INSERT INTO documents VALUES (?, ?, ?)", rows)
        _insert(database, "INSERT INTO links VALUES (?, ?, ?, ?, ?)", _link_rows(index))
        database.commit()
    finally:
        database.close()
    for document in index.own:
        kind = found.kinds[document] = index.kind(document)
        if kind is None:
            continue
        date = index.last_modified(document)
        if date is not None:
            found.last_modified[document] = date
        linked = index.inline_candidates(document)
        inline = sorted(iri for iri in linked if _inline_kind(index, iri))
        if inline:
            found.inline[document] = inline
    _describe(graph, found)
    return found


def _link_rows(index: SiteIndex) -> Iterator[tuple[str, str, str, str, str]]:
    """A row for each statement whose value is (a part of) another document: the documents
    whole, the parts as their ``#fragment`` (empty for the document itself)."""
    for source, triples in index.own.items():
        for subject, predicate, obj in triples:
            if isinstance(obj, URIRef) and not same_term(predicate, RDF_TYPE):
                target, hashed, fragment = str(obj).partition("#")
                if target != source:
                    part = str(subject)[len(source) :]
                    yield target, hashed + fragment, source, part, str(predicate)


def _inline_kind(index: SiteIndex, iri: str) -> bool:
    """Whether ``iri`` names a record of an inline kind (told from the IRI alone, as
    ``SiteIndex.kind`` tells a record's)."""
    split = index.iris.split(iri)
    return split is not None and split[0] in INLINE_KINDS


def _describe(graph: Graph, found: PartitionDocuments) -> None:
    for subject, predicate, obj in all_triples(graph):
        if isinstance(obj, Literal):
            if obj.language:
                found.languages.add(obj.language)
        elif same_term(predicate, DCTERMS.subject):
            found.topics.add(str(obj))
        elif same_term(predicate, RDF_TYPE) and same_term(obj, SKOS.ConceptScheme):
            found.schemes.add(str(subject))


def _lines(triples: Iterable[Triple], text: OxTerms) -> str:
    return "".join(f"{text(s)} {text(p)} {text(o)} .\n" for s, p, o in triples)


def _insert(database: sqlite3.Connection, statement: str, rows: Iterable[tuple]) -> None:
    """``statement`` for each row, ``_BATCH`` rows at a time."""
    left = iter(rows)
    while batch := [row for _, row in zip(range(_BATCH), left, strict=False)]:
        database.executemany(statement, batch)


def link_tables(layout: Layout) -> None:
    """Gather every partition's links into one table, by target (once all are written)."""
    path = layout.folder / _LINKS
    path.unlink(missing_ok=True)
    database = sqlite3.connect(path)
    try:
        database.execute("PRAGMA journal_mode=OFF")
        database.execute("PRAGMA synchronous=OFF")
        # Gathered in this file, not in SQLite's temporary folder: at millions of links the
        # system's may be too small.
        database.execute(f"CREATE TABLE gathered ({_LINK_COLUMNS})")
        for number in range(layout.count):
            part = str(layout.folder / _tables_name(number))
            database.execute("ATTACH DATABASE ? AS part", (part,))
            database.execute("INSERT INTO gathered SELECT * FROM part.links")
            database.commit()
            database.execute("DETACH DATABASE part")
        database.execute(
            f"CREATE TABLE links ({_LINK_COLUMNS}, PRIMARY KEY ({_LINK_ORDER})) WITHOUT ROWID"
        )
        database.execute(f"INSERT INTO links SELECT * FROM gathered ORDER BY {_LINK_ORDER}")
        database.execute("DROP TABLE gathered")
        database.commit()
    finally:
        database.close()


class _Databases:
    """Read-only connections to the index's files, opened in each process that reads them
    (a connection cannot be shared with a forked process)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._pid = os.getpid()
        self._open: dict[str, sqlite3.Connection] = {}
        #: those opened by the process this one was forked from: never closed here
        self._inherited: list[sqlite3.Connection] = []
        self._terms = RdflibTerms()

    def __call__(self, name: str) -> sqlite3.Connection:
        if os.getpid() != self._pid:
            self._inherited += self._open.values()
            self._open, self._pid = {}, os.getpid()
        connection = self._open.get(name)
        if connection is None:
            uri = (self._folder / name).as_uri() + "?mode=ro&immutable=1"
            connection = self._open[name] = sqlite3.connect(uri, uri=True)
        return connection

    def triples(self, text: str) -> list[Triple]:
        """The triples of N-Triples ``text`` as rdflib's."""
        terms = self._terms
        if len(terms) > TERMS_KEPT:
            terms = self._terms = RdflibTerms()
        return [
            (terms(quad.subject), terms(quad.predicate), terms(quad.object))  # type: ignore[misc]
            for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
        ]


class _Table(Mapping[str, Value]):
    """A table of the index read from disk, a document at a time; lookups are noted as a
    ``reads.Watched`` table notes them. ``keys``: the documents it holds, if known (each has a
    value)."""

    def __init__(
        self,
        fetch: Callable[[str], Value | None],
        note: Callable[[Any], None],
        keys: Mapping[str, Any] | None = None,
    ) -> None:
        self._fetch = lru_cache(maxsize=CACHED)(fetch)
        self._note = note
        self._keys = keys
        #: every value read while a resource's files are written (see ``StoredIndex.holding``)
        self.held: dict[str, Value | None] | None = None

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        found = self._found(key)
        return default if found is None else found

    def __getitem__(self, key: str) -> Value:
        self._note(key)
        found = self._found(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        self._note(key)
        if self._keys is not None:
            return key in self._keys
        return self._found(key) is not None

    def _found(self, key: object) -> Value | None:
        if not isinstance(key, str) or (self._keys is not None and key not in self._keys):
            return None
        held = self.held
        if held is None:
            return self._fetch(key)
        if key in held:
            return held[key]
        value = self._fetch(key)
        if len(held) < HELD:
            held[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        if self._keys is None:
            raise TypeError("this table's keys are not listed")
        return iter(self._keys)

    def __len__(self) -> int:
        if self._keys is None:
            raise TypeError("this table's keys are not listed")
        return len(self._keys)


class StoredIndex(SiteIndex):
    """A ``SiteIndex`` whose triples and links stay on disk (see ``write_tables``)."""

    @classmethod
    def of_partitions(cls, layout: Layout, documents: Iterable[PartitionDocuments]) -> StoredIndex:
        """The index of the partitions' files, once ``link_tables`` has gathered the links."""
        index = cls(Iris(layout.base))
        databases = _Databases(layout.folder)
        index._documents, index._dates, index._inline = {}, {}, {}
        for found in documents:
            index._documents.update(found.kinds)
            index._dates.update(found.last_modified)
            index._inline.update(found.inline)
            index.terms.update(found.terms)
        note = index.reads.content
        own = _Table(_triples_from(databases, layout.count, "own"), note, index._documents)
        context = _Table(_triples_from(databases, layout.count, "context"), note)
        links = index._links = _Table(_links(databases), index.reads.incoming)
        incoming = _Table(lambda document: _sources(links, document), index.reads.incoming)
        index.own, index.context, index.incoming = own, context, incoming
        index._tables = [own, context, incoming, links]
        index._weights = _weights(databases, index._documents)
        return index

    # Set by ``of_partitions``.
    #: every document, with its kind (``None``: it gets no page)
    _documents: dict[str, str | None]
    _dates: dict[str, str]
    _inline: dict[str, list[str]]
    #: the documents that link to each document with a page, counted
    _weights: dict[str, int]
    #: the statements linking to each document (see ``_LINK_COLUMNS``)
    _links: _Table[list[tuple[str, str, str, str]]]
    _tables: list[_Table]

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Keep the documents read in the block (up to ``HELD`` a table): a page that
        thousands of documents link to (a funder's, a topic's) reads each of them several
        times, more than the tables' caches hold."""
        for table in self._tables:
            table.held = {}
        try:
            yield
        finally:
            for table in self._tables:
                table.held = None

    def kind(self, iri: str) -> str | None:
        if iri in self._documents:
            self.reads.content(iri)
            return self._documents[iri]
        return super().kind(iri)

    def page_resources(self) -> list[str]:
        return sorted(iri for iri, kind in self._documents.items() if kind is not None)

    def last_modified(self, iri: str) -> str | None:
        self.reads.content(iri)
        return self._dates.get(iri)

    def weight(self, iri: str) -> int:
        return PAGE_WEIGHT + self._weights.get(iri, 0)

    def links_to(self, iri: str) -> list[LinkTo]:
        """(Read from the table of links, not from the linking documents' triples.)"""
        document, hashed, fragment = iri.partition("#")
        part = hashed + fragment
        found = []
        for target_part, source, subject, predicate in self._links.get(document, ()):
            if target_part == part:
                self.reads.content(source)
                found.append(LinkTo(source, source + subject, predicate))
        return found

    def inline_candidates(self, iri: str) -> set[str]:
        self.reads.content(iri)
        return set(self._inline.get(iri, ()))


def _triples_from(
    databases: _Databases, count: int, column: str
) -> Callable[[str], list[Triple] | None]:
    """How to read a document's triples (``own``) or context from its partition's file."""

    def fetch(document: str) -> list[Triple] | None:
        number = partition_of(owner_key(document), count)
        row = (
            databases(_tables_name(number))
            .execute(f"SELECT {column} FROM documents WHERE iri = ?", (document,))
            .fetchone()
        )
        if row is None or not row[0]:
            return None
        return databases.triples(row[0])

    return fetch


def _links(databases: _Databases) -> Callable[[str], list[tuple[str, str, str, str]] | None]:
    def fetch(document: str) -> list[tuple[str, str, str, str]] | None:
        rows = databases(_LINKS).execute(
            "SELECT object, source, subject, predicate FROM links WHERE target = ?"
            " ORDER BY source, subject, predicate",
            (document,),
        )
        return rows.fetchall() or None

    return fetch


def _sources(links: _Table[list[tuple[str, str, str, str]]], document: str) -> set[str] | None:
    """The documents that link to ``document`` (as its rows of links name them)."""
    rows = links._found(document)
    return None if rows is None else {source for _, source, _, _ in rows}


def _weights(databases: _Databases, documents: dict[str, str | None]) -> dict[str, int]:
    rows = databases(_LINKS).execute(
        "SELECT target, COUNT(DISTINCT source) FROM links GROUP BY target"
    )
    return {target: count for target, count in rows if documents.get(target) is not None}


__all__ = ["PartitionDocuments", "StoredIndex", "link_tables", "write_tables"]
