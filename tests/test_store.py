"""``LeanMemory`` answers every triple pattern as rdflib's own ``Memory`` store does."""

from __future__ import annotations

import itertools
import random

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory

from liaise_lod._internal.store import LeanMemory, all_triples, distinct_objects
from liaise_lod.mapping import new_graph, to_graph
from liaise_lod.validation import validate as validate_any


def validate(*args, **options):
    """``validate`` with every shape reported, the completeness warnings included."""
    return validate_any(*args, **{"strict": True, **options})


EX = "http://example.org/"


def _term(rng: random.Random, position: int):
    if position == 1:
        return URIRef(f"{EX}p{rng.randrange(4)}")
    if position == 2 and rng.random() < 0.4:
        choice = rng.randrange(4)
        return [Literal("1"), Literal("1", lang="en"), Literal(1), Literal("01", datatype=None)][
            choice
        ]
    return URIRef(f"{EX}n{rng.randrange(6)}")


def _random_triples(seed: int, count: int) -> list[tuple]:
    rng = random.Random(seed)
    return [tuple(_term(rng, position) for position in range(3)) for _ in range(count)]


def _pair(seed: int) -> tuple[Graph, Graph]:
    """The same random graph (with repeats, and some triples removed) in both stores."""
    lean, memory = Graph(store=LeanMemory()), Graph(store=Memory())
    triples = _random_triples(seed, 120)
    for graph in (lean, memory):
        for triple in triples:
            graph.add(triple)
        for triple in triples[::7]:
            graph.remove(triple)
        graph.remove((None, URIRef(f"{EX}p3"), URIRef(f"{EX}n5")))
    return lean, memory


@pytest.mark.parametrize("seed", range(5))
def test_every_pattern_matches_as_in_rdflib_memory(seed: int) -> None:
    lean, memory = _pair(seed)
    assert len(lean) == len(memory) > 0
    terms = [None, *{term for triple in memory for term in triple}]
    checked = 0
    for pattern in itertools.product(terms, repeat=3):
        found = sorted(lean.triples(pattern))
        assert found == sorted(memory.triples(pattern)), pattern
        checked += bool(found)
    assert checked > 100


@pytest.mark.parametrize("seed", range(20))
def test_subjects_and_pairs_read_straight_from_the_index_are_the_graphs(seed: int) -> None:
    lean, memory = _pair(seed)
    assert sorted(lean.store.all_subjects()) == sorted(set(memory.subjects()))
    for subject in set(memory.subjects()) | {URIRef(f"{EX}absent")}:
        assert sorted(lean.store.predicate_objects(subject)) == sorted(
            memory.predicate_objects(subject)
        )
    assert sorted(all_triples(lean)) == sorted(all_triples(memory)) == sorted(memory)
    assert len(list(all_triples(lean))) == len(memory)
    assert distinct_objects(lean) == distinct_objects(memory) == set(memory.objects())


def test_a_lone_value_and_several_values_are_both_removable() -> None:
    graph = Graph(store=LeanMemory())
    s, p = URIRef(f"{EX}s"), URIRef(f"{EX}p")
    values = [Literal("a"), Literal("b"), Literal("c")]
    for value in values:
        graph.add((s, p, value))
    graph.add((s, p, values[0]))
    assert len(graph) == 3
    graph.remove((s, p, values[1]))
    assert set(graph.objects(s, p)) == {values[0], values[2]}
    graph.remove((s, p, None))
    assert len(graph) == 0 and list(graph) == []
    graph.remove((s, p, values[0]))  # nothing left to remove: no error
    assert list(graph.subjects(p, values[0])) == []


def test_the_graph_may_change_while_it_is_iterated() -> None:
    graph = Graph(store=LeanMemory())
    for triple in _random_triples(7, 50):
        graph.add(triple)
    for subject, predicate, _ in graph:
        graph.remove((subject, predicate, None))
    assert len(graph) == 0


def test_prefixes_are_bound_and_rebound() -> None:
    graph = new_graph()
    assert isinstance(graph.store, LeanMemory)
    assert dict(graph.namespaces())["schema"] == URIRef("http://schema.org/")
    graph.bind("ex", EX)
    graph.bind("example", EX, override=True, replace=True)
    bound = dict(graph.namespaces())
    assert bound.get("example") == URIRef(EX) and "ex" not in bound


def test_pyshacl_reports_the_same_on_both_stores(mini_dataset) -> None:
    lean = to_graph(mini_dataset)
    memory = Graph(store=Memory())
    for triple in lean:
        memory.add(triple)
    assert isinstance(lean.store, LeanMemory) and len(memory) == len(lean)
    base = str(mini_dataset.info.base)
    on_lean = validate(lean, base=base, processes=1)
    on_memory = validate(memory, base=base, processes=1)
    assert on_lean.results and on_lean.results == on_memory.results
    assert on_lean.to_graph().serialize(format="nt") == on_memory.to_graph().serialize(format="nt")


def test_a_graph_on_the_store_pickles(mini_graph) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(mini_graph))
    assert isinstance(copy.store, LeanMemory)
    assert set(copy) == set(mini_graph) and len(copy) == len(mini_graph)
