"""Serialisation, checked by tools we did not write: serdi, jsonld.js, pyld, the vocabularies."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from checkers import (
    domain_violations,
    jsonld_to_nquads,
    serdi_triple_count,
    unknown_terms,
)
from liaise_lod import serialize
from liaise_lod._internal.resources import vocab_dir
from liaise_lod.formats import graph_formats
from liaise_lod.namespaces import CONTEXT_IRI

BASE = "https://data.example.org/mini/"


@pytest.fixture(scope="module")
def files(mini_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serialised")
    paths = {
        "turtle": folder / "d.ttl",
        "ntriples": folder / "d.nt",
        "jsonld": folder / "d.jsonld",
    }
    for fmt, path in paths.items():
        path.write_bytes(serialize.serialize(mini_graph, fmt, BASE))
    return paths


def test_turtle_and_ntriples_parse_back_isomorphic(mini_graph, files):
    assert isomorphic(Graph().parse(files["turtle"], format="turtle"), mini_graph)
    assert isomorphic(Graph().parse(files["ntriples"], format="nt"), mini_graph)


def test_serdi_reads_the_same_number_of_triples(mini_graph, files):
    assert serdi_triple_count(files["turtle"], "turtle") == len(mini_graph)
    assert serdi_triple_count(files["ntriples"], "ntriples") == len(mini_graph)


def test_ntriples_lines_are_sorted(files):
    lines = files["ntriples"].read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_jsonld_by_the_reference_processor_is_isomorphic(mini_graph, files):
    nquads = jsonld_to_nquads(files["jsonld"], {CONTEXT_IRI: vocab_dir() / "context.jsonld"})
    assert isomorphic(Graph().parse(data=nquads, format="nquads"), mini_graph)


def test_jsonld_by_pyld_offline_is_isomorphic(mini_graph, files):
    from pyld import jsonld

    document = json.loads(files["jsonld"].read_text(encoding="utf-8"))
    options = {
        "format": "application/n-quads",
        "documentLoader": serialize.document_loader,
        "safe": True,
    }
    nquads = jsonld.to_rdf(document, options)
    assert isomorphic(Graph().parse(data=nquads, format="nquads"), mini_graph)


def test_document_loader_refuses_the_network():
    from pyld.jsonld import JsonLdError

    with pytest.raises(JsonLdError):
        serialize.document_loader("https://schema.org/")


def test_same_graph_same_bytes(mini_dataset):
    from liaise_lod.mapping import to_graph

    for fmt in (f.name for f in graph_formats()):
        first = serialize.serialize(to_graph(mini_dataset), fmt, BASE)
        second = serialize.serialize(to_graph(mini_dataset), fmt, BASE)
        assert first == second, fmt


def test_every_schema_and_org_term_exists(mini_graph):
    assert unknown_terms(mini_graph) == []


def test_schema_properties_are_used_within_their_domains(mini_graph):
    data = Graph()
    concepts = "https://w3id.org/liaise-lod/vocab/"
    for triple in mini_graph:
        if not str(triple[0]).startswith(concepts):
            data.add(triple)
    assert domain_violations(data) == []


@pytest.mark.parametrize("processes", [1, 2])
def test_write_dumps_writes_every_format_in_one_or_two_processes(mini_graph, tmp_path, processes):
    paths = serialize.write_dumps(mini_graph, tmp_path / "dataset", base=BASE, processes=processes)
    names = {fmt: path.name for fmt, path in paths.items()}
    assert names == {"turtle": "dataset.ttl", "ntriples": "dataset.nt", "jsonld": "dataset.jsonld"}
    for fmt, path in paths.items():
        assert path.read_bytes() == serialize.serialize(mini_graph, fmt, BASE), fmt


def test_streamed_jsonld_is_the_json_of_the_document(mini_graph):
    document = serialize.jsonld_document(mini_graph)
    expected = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    assert serialize.jsonld(mini_graph).decode("utf-8") == expected
    assert len(document["@graph"]) > 10
    empty = serialize.jsonld(Graph())
    assert json.loads(empty) == {"@context": CONTEXT_IRI, "@graph": []}
    assert empty.decode("utf-8") == json.dumps(json.loads(empty), indent=1) + "\n"


def _awkward_graph() -> Graph:
    """Subjects whose N-Triples forms share prefixes, blank nodes, and literals that need
    escaping: what the subject-at-a-time order and the teed N-Triples lines must get right."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    base = "https://data.example.org/x/"
    subjects = [URIRef(base + tail) for tail in ("a", "a#b", "a/b", "a-b", "ab", "a#")]
    subjects += [BNode("b1"), BNode("b10"), BNode("b2")]
    values = [
        Literal('say "hi"\\ now\n\r\tend'),
        Literal("ünïcødé ✓ \U0001f600", lang="fr"),
        Literal("x", lang="en-GB"),
        Literal("1", datatype=XSD.integer),
        Literal("\x00\x1f\x7f"),
        URIRef(base + "a"),
        BNode("b1"),
    ]
    graph = Graph()
    for number, subject in enumerate(subjects):
        for offset, value in enumerate(values):
            graph.add((subject, URIRef(f"{base}p{(number + offset) % 3}"), value))
    return graph


def test_triples_in_order_are_the_fully_sorted_triples():
    graph = _awkward_graph()
    expected = sorted(serialize.to_oxigraph(graph), key=str)
    assert len(expected) == len(graph) == 63
    assert serialize.sorted_triples(graph) == expected
    assert serialize.sorted_triples(list(graph)) == expected


def test_teed_ntriples_lines_are_pyoxigraphs_own(tmp_path):
    """``write_dumps`` writes the N-Triples lines itself as the triples pass to the Turtle
    writer: they must be the bytes pyoxigraph's N-Triples writer gives."""
    import pyoxigraph as ox

    graph = _awkward_graph()
    paths = serialize.write_dumps(graph, tmp_path / "awkward", base=BASE, processes=1)
    written = {path.suffix: path.read_bytes() for path in paths.values()}
    expected = ox.serialize(
        sorted(serialize.to_oxigraph(graph), key=str), format=ox.RdfFormat.N_TRIPLES
    )
    assert written[".nt"] == expected
    assert written[".ttl"] == serialize.turtle(graph, BASE)
    assert serdi_triple_count(tmp_path / "awkward.nt", "ntriples") == len(graph)


@pytest.mark.parametrize("graph_of", ["mini", "awkward"])
def test_documents_joined_from_pieces_are_the_documents_of_their_triples(graph_of, mini_graph):
    """Pages are joined from pieces, one per subject, each written on its own (and those of
    linked resources remembered): the bytes must be those of writing all the triples at once,
    for any choice of subjects, and pyoxigraph's Turtle must be the same after its prefixes."""
    import random

    graph = mini_graph if graph_of == "mini" else _awkward_graph()
    subjects = sorted(set(graph.subjects()), key=str)
    rng = random.Random(7)
    for size in (1, 2, len(subjects) // 2, len(subjects)):
        chosen = rng.sample(subjects, size)
        part = Graph()
        for subject in chosen:
            for triple in graph.triples((subject, None, None)):
                part.add(triple)
        pieces = [serialize.piece(s, graph.predicate_objects(s), BASE) for s in chosen]
        joined = serialize.join_pieces(rng.sample(pieces, len(pieces)), BASE)
        assert joined["turtle"] == serialize.turtle(part, BASE)
        assert joined["ntriples"] == serialize.ntriples(part)
        assert joined["jsonld"] == serialize.jsonld(part)
    assert serialize.join_pieces([], BASE)["jsonld"] == serialize.jsonld(Graph())
    assert serialize.join_pieces([], BASE)["turtle"] == serialize.turtle(Graph(), BASE) == b""
    with pytest.raises(ValueError):
        serialize.piece(subjects[0], [], BASE)
