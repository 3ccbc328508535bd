"""The embedded SPARQL path: sources, result formats, the table, errors, timeouts and the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import date
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from conftest import EXAMPLE, REPO
from liaise_lod import sparql
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, LiaiseError, QueryError, QueryTimeout
from liaise_lod.load import load_dataset
from liaise_lod.mapping import to_graph
from liaise_lod.serialize import ntriples, turtle
from liaise_lod.sparql import load_store, query, read_query, shorten

SCHEMA = "http://schema.org/"
EX = "https://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROJECTS = f"""
SELECT ?project ?name ?start ?budget
WHERE {{
  ?project a schema:Project ; schema:name ?name .
  OPTIONAL {{ ?project schema:startDate ?start }}
  OPTIONAL {{ ?project <{EX}budget> ?budget }}
}}
ORDER BY ?name
"""


@pytest.fixture(scope="module")
def small() -> Graph:
    """Two projects: typed, language-tagged and plain literals, one unbound value."""
    graph = Graph()
    alpha, beta = URIRef(EX + "project/alpha"), URIRef(EX + "project/beta")
    for project in (alpha, beta):
        graph.add((project, RDF.type, URIRef(SCHEMA + "Project")))
    graph.add((alpha, URIRef(SCHEMA + "name"), Literal("Alpha", lang="en")))
    graph.add((alpha, URIRef(SCHEMA + "startDate"), Literal("2016-05-26", datatype=XSD + "date")))
    graph.add((alpha, URIRef(EX + "budget"), Literal("1250", datatype=XSD + "integer")))
    graph.add((beta, URIRef(SCHEMA + "name"), Literal('Beta, "the second"')))
    graph.add((beta, URIRef(EX + "budget"), Literal("7.5", datatype=XSD + "decimal")))
    graph.add((beta, URIRef(EX + "note"), BNode("n1")))
    return graph


@pytest.fixture(scope="module")
def example_store() -> ox.Store:
    return load_store(EXAMPLE)


# --------------------------------------------------------------------------- sources


def test_every_kind_of_source_gives_the_same_graph(tmp_path):
    dataset = load_dataset(EXAMPLE)
    graph = to_graph(dataset)
    (tmp_path / "dump.nt").write_bytes(ntriples(graph))
    (tmp_path / "dump.ttl").write_bytes(turtle(graph, dataset.info.base))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sources = [
        dataset,
        graph,
        load_store(graph),
        EXAMPLE,
        str(EXAMPLE),
        tmp_path / "dump.nt",
        tmp_path / "dump.ttl",
    ]
    assert {query(source, count).values()[0][0] for source in sources} == {len(graph)}


def test_base_overrides_the_dataset_base():
    result = query(EXAMPLE, "SELECT ?p { ?p a schema:Project }", base="https://other.example/")
    assert result.rows
    assert all(str(project).startswith("https://other.example/project/") for (project,) in result)


def test_base_is_refused_for_a_graph(small):
    with pytest.raises(ConfigError, match="--base"):
        query(small, "ASK {}", base="https://other.example/")


def test_a_store_is_used_as_it_is():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x")))
    assert query(store, "SELECT ?o { ?s ?p ?o }").values() == [("x",)]


# --------------------------------------------------------------------------- results


def test_select_rows_are_typed_terms_and_python_values(small):
    result = query(small, PROJECTS)
    assert result.kind == "select"
    assert result.variables == ["project", "name", "start", "budget"]
    assert result.rows[0] == (
        URIRef(EX + "project/alpha"),
        Literal("Alpha", lang="en"),
        Literal("2016-05-26", datatype=XSD + "date"),
        Literal("1250", datatype=XSD + "integer"),
    )
    assert result.values() == [
        (EX + "project/alpha", "Alpha", date(2016, 5, 26), 1250),
        (EX + "project/beta", 'Beta, "the second"', None, Decimal("7.5")),
    ]
    assert len(result) == 2


def test_csv_is_sparql_csv(small):
    expected = (
        "project,name,start,budget\r\n"
        f"{EX}project/alpha,Alpha,2016-05-26,1250\r\n"
        f'{EX}project/beta,"Beta, ""the second""",,7.5\r\n'
    )
    assert query(small, PROJECTS).to_csv().decode("utf-8") == expected


def test_tsv_is_sparql_tsv(small):
    lines = query(small, PROJECTS).to_tsv().decode("utf-8").splitlines()
    assert lines[0] == "?project\t?name\t?start\t?budget"
    assert lines[1] == (
        f'<{EX}project/alpha>\t"Alpha"@en\t'
        '"2016-05-26"^^<http://www.w3.org/2001/XMLSchema#date>\t1250'
    )
    assert lines[2] == f'<{EX}project/beta>\t"Beta, \\"the second\\""\t\t7.5'


def test_json_is_sparql_json_results(small):
    document = json.loads(query(small, PROJECTS).to_json())
    assert document["head"]["vars"] == ["project", "name", "start", "budget"]
    alpha, beta = document["results"]["bindings"]
    assert alpha["project"] == {"type": "uri", "value": EX + "project/alpha"}
    assert alpha["name"] == {"type": "literal", "value": "Alpha", "xml:lang": "en"}
    assert alpha["budget"]["datatype"] == XSD + "integer"
    assert "start" not in beta


def test_blank_nodes_come_back_as_blank_nodes(small):
    (node,) = query(small, f"SELECT ?n {{ ?p <{EX}note> ?n }}").rows[0]
    assert isinstance(node, BNode)


def test_ask(small):
    yes = query(small, "ASK { ?p a schema:Project }")
    assert yes.kind == "ask"
    assert yes.boolean is True
    assert json.loads(yes.to_json()) == {"head": {}, "boolean": True}
    assert yes.to_table() == "true"
    assert query(small, "ASK { ?p a schema:Event }").boolean is False


def test_construct_gives_a_graph(small):
    result = query(small, "CONSTRUCT { ?p schema:name ?n } WHERE { ?p schema:name ?n }")
    assert result.kind == "graph"
    assert len(result.graph) == 2
    assert (URIRef(EX + "project/alpha"), URIRef(SCHEMA + "name"), Literal("Alpha", lang="en")) in (
        result.graph
    )
    text = result.to_turtle().decode("utf-8")
    assert "@prefix schema: <http://schema.org/> ." in text
    assert "@prefix foaf:" not in text  # only the prefixes it uses
    assert len(result.to_ntriples().splitlines()) == 2
    with pytest.raises(QueryError, match="use one of turtle, jsonld, ntriples"):
        result.serialize("csv")
    document = json.loads(result.serialize("jsonld"))
    assert len(document["@graph"]) == 2


def test_describe_gives_a_graph(small):
    result = query(small, f"DESCRIBE <{EX}project/alpha>")
    assert result.kind == "graph"
    assert len(result) == 4


def test_table_formats_refuse_graph_formats(small):
    with pytest.raises(QueryError, match="gives a table"):
        query(small, PROJECTS).serialize("turtle")
    with pytest.raises(ConfigError, match="unknown format"):
        query(small, PROJECTS).serialize("xml")


def test_our_prefixes_are_predeclared_and_a_query_may_redefine_them(small):
    assert len(query(small, "SELECT ?p { ?p a schema:Project }")) == 2
    redefined = f"PREFIX schema: <{EX}> SELECT ?p {{ ?p schema:budget ?b }}"
    assert len(query(small, redefined)) == 2


# --------------------------------------------------------------------------- table


def test_table_is_aligned_with_short_iris(small):
    result = query(
        small, PROJECTS.replace("?project ?name", "?project (schema:Project AS ?type) ?name")
    )
    assert result.to_table() == "\n".join(
        [
            "project                             | type           | name               | start      | budget",
            "------------------------------------+----------------+--------------------+------------+-------",
            "<https://example.org/project/alpha> | schema:Project | Alpha@en           | 2016-05-26 |   1250",
            '<https://example.org/project/beta>  | schema:Project | Beta, "the second" |            |    7.5',
            "(2 rows)",
        ]
    )  # fmt: skip


def test_table_widths_are_capped_and_cells_cut(small):
    table = query(small, PROJECTS).to_table(max_width=12)
    assert table.splitlines()[2].startswith("<https://ex… | Alpha@en ")
    assert all(
        len(cell.strip()) <= 12 for line in table.splitlines()[2:4] for cell in line.split("|")
    )


def test_table_of_nothing(small):
    assert query(small, "SELECT ?x { ?x a schema:Event }").to_table() == "x\n-\n(0 rows)"


def test_table_escapes_line_breaks():
    graph = Graph()
    graph.add((URIRef(EX + "a"), URIRef(EX + "p"), Literal("one\ntwo")))
    assert "one\\ntwo" in query(graph, "SELECT ?o { ?s ?p ?o }").to_table()


def test_shorten_uses_only_our_prefixes():
    assert shorten(SCHEMA + "Project") == "schema:Project"
    assert shorten("http://www.w3.org/ns/org#Membership") == "org:Membership"
    assert shorten(EX + "x") == f"<{EX}x>"
    assert shorten(SCHEMA + "odd/name") == f"<{SCHEMA}odd/name>"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "line", "column", "problem"),
    [
        ("SELECT ?x WHERE { ?x a foo:Bar }", 1, 31, "'foo:' is not declared"),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", 1, 29, "unexpected 'LIMT'"),
        ("SELECT ?x\nWHERE {\n  ?x ?p\n}", 3, 3, "unexpected '?x'"),
        ('SELECT ?x WHERE {\n  ?x ?p "open\n}', 2, 9, "string is never closed"),
        ("SELECT ?x WHERE { ?x ?p ?o ", 1, 28, "ends too early"),
        ("SELECT (COUNT(?x) AS ?n) ?x WHERE { ?x ?p ?o }", 1, 47, "unbound"),
    ],
)
def test_a_malformed_query_names_line_and_column(example_store, text, line, column, problem):
    with pytest.raises(QueryError) as caught:
        query(example_store, text)
    message = str(caught.value)
    assert f"at line {line}, column {column}:" in message
    assert problem in message
    quoted, pointer = message.splitlines()[1:3]
    assert quoted == "  " + text.split("\n")[line - 1]
    assert pointer == "  " + " " * (column - 1) + "^"
    assert isinstance(caught.value, LiaiseError) and caught.value.exit_code == 2


def test_columns_count_characters_not_bytes(example_store):
    with pytest.raises(QueryError, match="line 1, column 41: unexpected '\\?z'"):
        query(example_store, 'SELECT ?x WHERE { ?x ?p "éé" . ?x ?p ?o ?z }')


def test_updates_are_refused(example_store):
    with pytest.raises(QueryError, match="SPARQL Update"):
        query(example_store, "PREFIX ex: <http://e/>\nINSERT DATA { ex:a ex:b ex:c }")


def test_service_is_refused_before_any_network(example_store):
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        query(example_store, "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    harmless = "SELECT ?service { ?service ?p 'SERVICE' } # SERVICE\nLIMIT 1"
    assert query(example_store, harmless).variables == ["service"]


def test_an_evaluation_failure_is_our_error(example_store):
    with pytest.raises(QueryError, match="failed"):
        query(example_store, "SELECT (<http://e/f>(1) AS ?x) {}")


# --------------------------------------------------------------------------- timeouts


@pytest.fixture(params=["process", "thread"])
def bounded(request, monkeypatch):
    """Run the timeout tests both in a forked child process and in the thread fallback."""
    if request.param == "thread":
        monkeypatch.setattr(sparql, "can_fork", lambda: False)
    elif not sparql.can_fork():
        pytest.skip("fork is not available here")
    return request.param


def test_timeout_stops_a_slow_query(example_store, bounded):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"longer than 0\.5 s"):
        query(example_store, SLOW_QUERY, timeout=0.5)
    assert time.monotonic() - started < 5
    assert QueryTimeout.exit_code == 1


def test_a_quick_query_under_a_timeout_gives_its_result(example_store, small, bounded):
    expected = query(small, PROJECTS)
    assert query(small, PROJECTS, timeout=30) == expected
    count = query(example_store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", timeout=30)
    assert count.values() == [(len(example_store),)]


def test_errors_cross_the_timeout_boundary(example_store, bounded):
    with pytest.raises(QueryError, match="line 1, column 1"):
        query(example_store, "SELEC *", timeout=10)


def test_timeout_must_be_positive(small):
    with pytest.raises(ConfigError, match="positive"):
        query(small, "ASK {}", timeout=0)


# --------------------------------------------------------------------------- query text


def test_read_query_from_text_file_or_stdin(tmp_path, monkeypatch):
    file = tmp_path / "q.rq"
    file.write_text("ASK {}", encoding="utf-8")
    assert read_query(str(file)) == "ASK {}"
    assert read_query("SELECT * { ?s ?p ?o }") == "SELECT * { ?s ?p ?o }"
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { ?s ?p ?o }"))
    assert read_query("-") == "ASK { ?s ?p ?o }"
    with pytest.raises(ConfigError, match="cannot read the query file"):
        read_query(str(tmp_path / "missing.rq"))


# --------------------------------------------------------------------------- CLI


def run_cli(capsysbinary, *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8"), err.decode("utf-8")


def test_cli_writes_csv_when_not_a_terminal(capsysbinary):
    code, out, _ = run_cli(capsysbinary, str(EXAMPLE), "SELECT ?a { ?p schema:alternateName ?a }")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["a"] and ["LIAISE 2"] in rows


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_cli_formats(capsysbinary, fmt):
    text = "SELECT ?p ?a { ?p schema:alternateName ?a } ORDER BY ?a"
    code, out, _ = run_cli(capsysbinary, str(EXAMPLE), text, "--format", fmt)
    assert code == 0
    result = query(EXAMPLE, text)
    assert out.rstrip("\n") == result.serialize(fmt).decode("utf-8").rstrip("\n")
    if fmt == "table":
        assert re.search(
            r"^<https://data\.example\.org/liaise2/project/liaise-2> +\| LIAISE 2$", out, re.M
        )


def test_cli_reads_a_query_file(capsysbinary):
    rq = REPO / "examples" / "queries" / "05-liaise2-lead.rq"
    code, out, _ = run_cli(capsysbinary, str(EXAMPLE), str(rq), "--format", "csv")
    assert code == 0
    assert out == rq.with_name("05-liaise2-lead.expected.csv").read_bytes().decode("utf-8")


def test_cli_construct_defaults_to_turtle(capsysbinary):
    code, out, _ = run_cli(
        capsysbinary, str(EXAMPLE), "CONSTRUCT WHERE { ?p schema:alternateName ?a }"
    )
    assert code == 0
    assert out.startswith("@prefix schema: <http://schema.org/> .")


def test_cli_exit_codes(capsysbinary):
    code, out, err = run_cli(capsysbinary, str(EXAMPLE), "SELECT * { ?s ?p ?o } LIMT 3")
    assert (code, out) == (2, "")
    assert "line 1, column 23" in err and "Traceback" not in err
    code, _, err = run_cli(capsysbinary, str(EXAMPLE), SLOW_QUERY, "--timeout", "0.3")
    assert code == 1 and "stopped" in err
    code, _, err = run_cli(capsysbinary, str(EXAMPLE), "missing.rq")
    assert code == 2 and "missing.rq" in err
    code, _, err = run_cli(
        capsysbinary, str(EXAMPLE), "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"
    )
    assert code == 2 and "turtle, jsonld, ntriples" in err


def test_a_gzipped_dump_as_publish_writes_it_is_a_source(tmp_path):
    import gzip

    from liaise_lod.mapping import to_graph
    from liaise_lod.serialize import ntriples, turtle

    mapped = to_graph(load_dataset(EXAMPLE))
    for name, data in (("d.ttl.gz", turtle(mapped)), ("d.nt.gz", ntriples(mapped))):
        (tmp_path / name).write_bytes(gzip.compress(data))
        result = query(tmp_path / name, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        assert result.values() == [(len(mapped),)], name
