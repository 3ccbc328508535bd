"""A lean in-memory rdflib store for one graph: the graphs ``to_graph`` makes live in it.

rdflib's ``Memory`` store keeps three nested indexes (a small dict for every subject-predicate,
predicate-object and object-subject pair) and a record of every triple's contexts: about 900
bytes a triple, 1.9 GB for the two million triples of 10,000 projects. This store keeps two
indexes, ``subject → predicate → objects`` and ``predicate → object → subjects``, and holds a
lone value bare instead of in a one-element dict: about 340 bytes a triple (measured with
``tracemalloc`` on synthetic data), and lookups are no slower. A pattern with only an object
(``?s ?p o``) asks each predicate in turn: there are few of them.

It holds a single graph. It calls itself context- and graph-aware only because pySHACL wraps
every data graph in an rdflib ``Dataset`` view over its store; every context sees the one graph.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, cast

from rdflib.store import Store
from rdflib.term import Node

from .. import namespaces

Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]
#: ``{a: {b: c}}``, where ``c`` is one term, or a ``_Several`` of terms.
Index = dict[Node, dict[Node, Any]]


class _Several(set):
    """Two or more values under one key (a lone value is held bare)."""

    __slots__ = ()


def _snapshot(value: Any) -> Iterable[Node]:
    """The values held, copied where they could change while the caller iterates."""
    return list(value) if type(value) is _Several else (value,)


def _holds(value: Any, term: Node) -> bool:
    return term in value if type(value) is _Several else value == term


def _put(index: Index, a: Node, b: Node, c: Node) -> bool:
    """Add ``c`` under ``a, b``; False when it was there already."""
    inner = index.get(a)
    if inner is None:
        index[a] = {b: c}
        return True
    held = inner.get(b)
    if held is None:
        inner[b] = c
        return True
    if _holds(held, c):
        return False
    if type(held) is _Several:
        held.add(c)
    else:
        inner[b] = _Several((held, c))
    return True


def _take(index: Index, a: Node, b: Node, c: Node) -> None:
    """Remove ``c`` from under ``a, b`` (it is there)."""
    inner = index[a]
    held = inner[b]
    if type(held) is _Several:
        held.discard(c)
        if len(held) == 1:
            inner[b] = next(iter(held))
        return
    del inner[b]
    if not inner:
        del index[a]


class LeanMemory(Store):
    """An rdflib store for one graph, in about a third of the memory of rdflib's ``Memory``."""

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, configuration: str | None = None, identifier: Node | None = None):
        super().__init__(configuration)
        self.identifier = identifier
        self._spo: Index = {}
        self._pos: Index = {}
        self._size = 0
        self._namespaces: dict[str, Any] = {}
        self._prefixes: dict[Any, Any] = {}

    # ------------------------------------------------------------------------- triples

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        subject, predicate, obj = triple
        if _put(self._spo, subject, predicate, obj):
            _put(self._pos, predicate, obj, subject)
            self._size += 1

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> None:
        for subject, predicate, obj, _ in quads:
            self.add((subject, predicate, obj))

    def remove(self, triple: Pattern, context: Any = None) -> None:
        for subject, predicate, obj in list(self._match(*triple)):
            _take(self._spo, subject, predicate, obj)
            _take(self._pos, predicate, obj, subject)
            self._size -= 1

    def triples(self, triple_pattern: Pattern, context: Any = None) -> Iterator:
        for triple in self._match(*triple_pattern):
            yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        return self._size

    def all_subjects(self) -> list[Node]:
        """Every subject, once each (a copy: the graph may change meanwhile)."""
        return list(self._spo)

    def distinct_objects(self) -> set[Node]:
        """Every object, once each, read from the index's keys (not a triple at a time)."""
        return {obj for by_object in self._pos.values() for obj in by_object}

    def predicate_objects(self, subject: Node) -> list[tuple[Node, Node]]:
        """A subject's (predicate, object) pairs, read straight from the index (the same
        pairs as ``Graph.predicate_objects``, without a generator per triple)."""
        return [
            (predicate, obj)
            for predicate, held in self._spo.get(subject, {}).items()
            for obj in _snapshot(held)
        ]

    def contexts(self, triple: Triple | None = None) -> Generator[Any, None, None]:
        yield from ()

    def add_graph(self, graph: Any) -> None:
        """Nothing to do: every context is the one graph."""

    def remove_graph(self, graph: Any) -> None:
        raise NotImplementedError("LeanMemory holds a single graph")

    def _match(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        # Each branch copies what it iterates, so callers may change the graph meanwhile.
        if s is not None:
            by_predicate = self._spo.get(s, {})
            if p is not None:
                held = by_predicate.get(p)
                if held is not None:
                    yield from _from_objects(s, p, held, o)
                return
            for predicate, held in list(by_predicate.items()):
                yield from _from_objects(s, predicate, held, o)
            return
        if p is None and o is None:
            for subject in list(self._spo):
                yield from self._match(subject, None, None)
            return
        predicates = [p] if p is not None else list(self._pos)
        for predicate in predicates:
            by_object = self._pos.get(predicate, {})
            if o is not None:
                held = by_object.get(o)
                if held is not None:
                    yield from ((subject, predicate, o) for subject in _snapshot(held))
                continue
            for obj, held in list(by_object.items()):
                yield from ((subject, predicate, obj) for subject in _snapshot(held))

    # ---------------------------------------------------------------------- namespaces

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        prefix = prefix or ""
        bound = self._namespaces.get(prefix)
        if bound is not None and not override:
            return
        self._prefixes.pop(bound, None)
        self._namespaces.pop(self._prefixes.pop(namespace, None), None)
        self._namespaces[prefix] = namespace
        self._prefixes[namespace] = prefix

    def namespace(self, prefix: str) -> Any:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: Any) -> str | None:
        return self._prefixes.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        yield from list(self._namespaces.items())


def by_subject(graph: Any) -> tuple[Iterable[Node], Callable[[Node], Iterable[tuple[Node, Node]]]]:
    """An rdflib graph's subjects, and how to get a subject's (predicate, object) pairs; of a
    graph in a ``LeanMemory`` store, read straight from its index (several times faster than
    asking the graph)."""
    store = graph.store
    if isinstance(store, LeanMemory):
        return store.all_subjects(), store.predicate_objects
    return set(graph.subjects()), graph.predicate_objects


def all_triples(graph: Any) -> Iterator[namespaces.Triple]:
    """Every triple of an rdflib graph; of one in a ``LeanMemory`` store, a subject at a time
    from its index (see ``by_subject``)."""
    # Every term of an rdflib graph is a string, which the type rdflib gives them (Node) is not.
    return cast("Iterator[namespaces.Triple]", _all_triples(graph))


def _all_triples(graph: Any) -> Iterator[Triple]:
    if not isinstance(graph.store, LeanMemory):
        yield from graph
        return
    subjects, pairs_of = by_subject(graph)
    for subject in subjects:
        for predicate, obj in pairs_of(subject):
            yield subject, predicate, obj


def _from_objects(s: Node, p: Node, held: Any, o: Node | None) -> Iterator[Triple]:
    if o is None:
        yield from ((s, p, obj) for obj in _snapshot(held))
    elif _holds(held, o):
        yield s, p, o


def distinct_objects(graph: Any) -> set[Node]:
    """Every object of an rdflib graph, once each (from a ``LeanMemory``'s index)."""
    store = graph.store
    if isinstance(store, LeanMemory):
        return store.distinct_objects()
    return set(graph.objects())
