"""The registry of output formats: every part of the program that lists formats reads it."""

from __future__ import annotations

import pytest

from liaise_lod import formats
from liaise_lod.formats import Format, all_formats, graph_formats, query_formats

GRAPHS = graph_formats()


@pytest.mark.parametrize("fmt", all_formats(), ids=lambda fmt: fmt.name)
def test_each_format_has_a_writer(fmt):
    assert callable(formats._resolve(fmt.writer))


@pytest.mark.parametrize("fmt", GRAPHS, ids=lambda fmt: fmt.name)
def test_each_graph_format_writes_the_graph(fmt, mini_graph):
    import json

    from pyld import jsonld
    from rdflib import Graph

    from liaise_lod.serialize import document_loader

    written = fmt.write(mini_graph, "https://data.example.org/mini/")
    if fmt.name == "jsonld":  # expanded with our context, from the package: no network
        options = {"documentLoader": document_loader, "format": "application/n-quads"}
        written = jsonld.to_rdf(json.loads(written), options).encode()
    syntax = {"turtle": "turtle"}.get(fmt.name, "nt")
    assert len(Graph().parse(data=written, format=syntax)) == len(mini_graph)


@pytest.mark.parametrize("fmt", GRAPHS, ids=lambda fmt: fmt.name)
def test_each_graph_format_is_negotiated_and_configured(fmt):
    from liaise_lod.publish.negotiate import FILE_TYPES, MEDIA_TYPES
    from liaise_lod.publish.webconfig import htaccess, nginx

    assert MEDIA_TYPES[fmt.extension] == fmt.media_type
    assert FILE_TYPES[fmt.extension] == fmt.media_type
    nginx_text = nginx("https://data.example.org/mini/").decode()
    assert fmt.media_type in nginx_text and fmt.extension in nginx_text
    assert fmt.media_type in htaccess().decode() and fmt.extension in htaccess().decode()


@pytest.mark.parametrize("fmt", GRAPHS, ids=lambda fmt: fmt.name)
def test_each_graph_format_is_a_dump_and_a_file_of_every_page(fmt, mini_graph, tmp_path):
    from liaise_lod.serialize import join_pieces, piece, write_dumps

    dumps = write_dumps(mini_graph, tmp_path / "dataset", processes=1)
    assert dumps[fmt.name].name == f"dataset{fmt.extension}"
    subject, predicate, obj = next(iter(mini_graph))
    assert join_pieces([piece(subject, [(predicate, obj)])])[fmt.name]


def test_query_offers_the_query_formats():
    from liaise_lod.cli import parser

    query = parser()._subparsers._group_actions[0].choices["query"]  # type: ignore[union-attr]
    choices = next(a.choices for a in query._actions if a.dest == "format")
    assert list(choices) == [fmt.name for fmt in query_formats()]


def test_a_format_is_registered_once_and_a_graph_format_needs_its_parts():
    with pytest.raises(ValueError, match="registered twice"):
        formats.register_format(GRAPHS[0])
    with pytest.raises(ValueError, match="needs its EU file-type code"):
        formats.register_format(Format("trig", ".trig", "application/trig", "TriG", "graph", "x:y"))
    with pytest.raises(ValueError, match="needs its EU file-type code"):
        formats.register_format(Format("xlsx", ".xlsx", "application/x", "Excel", "results", "x:y"))
    with pytest.raises(ValueError, match="needs a file extension"):
        formats.register_format(
            Format(
                "trig", None, "application/trig", "TriG", "graph", "x:y", eu_file_type="RDF_TRIG"
            )
        )


#: The codes of the EU file-type authority table our formats use, as the table spells them
#: (http://publications.europa.eu/resource/authority/file-type/{code}).
EU_FILE_TYPES = {
    "html": "HTML",
    "turtle": "RDF_TURTLE",
    "jsonld": "JSON_LD",
    "ntriples": "RDF_N_TRIPLES",
    "table": "TXT",
    "csv": "CSV",
    "tsv": "TSV",
    "json": "SPARQLQRES",
}


def test_every_registered_format_has_its_eu_file_type():
    assert {fmt.name: fmt.eu_file_type for fmt in formats.all_formats()} == EU_FILE_TYPES
