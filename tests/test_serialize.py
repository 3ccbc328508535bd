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
from liaise_lod.namespaces import CONTEXT_IRI
from liaise_lod.resources import vocab_dir

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

    for fmt in serialize.FORMATS:
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


@pytest.mark.parametrize("fmt", sorted(serialize.FORMATS))
def test_dumps_written_to_files_are_the_same_bytes(mini_graph, tmp_path, fmt):
    """``write_dump`` streams into the file what ``serialize`` returns as bytes."""
    path = tmp_path / f"dump{serialize.FORMATS[fmt]}"
    serialize.write_dump(mini_graph, fmt, path, base=BASE)
    assert path.read_bytes() == serialize.serialize(mini_graph, fmt, BASE)


@pytest.mark.parametrize("processes", [1, 2])
def test_write_dumps_writes_every_format_in_one_or_two_processes(mini_graph, tmp_path, processes):
    paths = serialize.write_dumps(mini_graph, tmp_path / "dataset", base=BASE, processes=processes)
    assert [path.name for path in paths] == ["dataset.ttl", "dataset.nt", "dataset.jsonld"]
    for fmt, path in zip(serialize.FORMATS, paths, strict=True):
        assert path.read_bytes() == serialize.serialize(mini_graph, fmt, BASE), fmt


def test_streamed_jsonld_is_the_json_of_the_document(mini_graph):
    document = serialize.jsonld_document(mini_graph)
    expected = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    assert serialize.jsonld(mini_graph).decode("utf-8") == expected
    assert len(document["@graph"]) > 10
    empty = serialize.jsonld(Graph())
    assert json.loads(empty) == {"@context": CONTEXT_IRI, "@graph": []}
    assert empty.decode("utf-8") == json.dumps(json.loads(empty), indent=1) + "\n"
