"""Hostile queries: SERVICE hidden from the checks (judged by a real HTTP server on 127.0.0.1
that must receive nothing), nesting that crashed pyoxigraph, query text that is not UTF-8 or
too long, timeouts that are not durations, and data that would drive the terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from conftest import EXAMPLE
from liaise_lod import sparql
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, QueryError
from liaise_lod.sparql import MAX_QUERY_BYTES, query, read_query

E = "http://e/"


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 recording the path of every request it receives."""
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path.split("?")[0])
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def heard(listener) -> Iterator[tuple[str, list[str]]]:
    url, hits = listener
    hits.clear()
    yield url, hits


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """Data every trick below matches, so that pyoxigraph would evaluate its SERVICE."""
    store = ox.Store()
    s, p = ox.NamedNode(E + "s"), ox.NamedNode(E + "p")
    for o in (ox.NamedNode(E + "a#"), ox.NamedNode(E + "a'"), ox.Literal("'"), ox.Literal("x")):
        store.add(ox.Quad(s, p, o))
    return store


PLAIN = "SELECT * {{ ?s ?p ?o SERVICE <{url}> {{ ?x ?y ?z }} }}"
HIDDEN_SERVICES = {
    "plain": PLAIN,
    "lower case, silent": "select * {{ ?s ?p ?o . service silent <{url}> {{ ?x ?y ?z }} }}",
    # A prefixed name may escape "#" and "'": no comment, no string starts there.
    "escaped hash in a name": "SELECT * {{ ?s ?p ex:a\\# SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "escaped quote in a name": (
        "SELECT * {{ ?s ?p ex:a\\' . SERVICE <{url}> {{ ?x ?y ?z }} ?s ?p 'x' }}"
    ),
    # pyoxigraph ends a comment at CR as well as at LF.
    "comment ended by CR": "SELECT * {{ ?s ?p ?o # note\r SERVICE <{url}> {{ ?x ?y ?z }} }}",
    # SPARQL reads \u escapes before parsing.
    "unicode escape": "SELECT * {{ ?s ?p ?o \\u0053ERVICE <{url}> {{ ?x ?y ?z }} }}",
    "escaped letter at the end": "SELECT * {{ ?s ?p ?o SERVIC\\u0045 <{url}> {{ ?x ?y ?z }} }}",
    "glued to a dot": "SELECT * {{ ?s ?p ?o.SERVICE <{url}> {{ ?x ?y ?z }} }}",
    # "<'x>" reads as an IRI to a tokenizer, as "less than 'x>'" to a parser.
    "less than or IRI": (
        "SELECT * {{ ?s ?p ?o FILTER(?o<'x>') SERVICE <{url}> {{ ?x ?y ?z }} FILTER(?o != ')') }}"
    ),
    # rdflib expands \u0027 before parsing: "'\u0027'" opens a long string to it.
    "escaped quote in a string": (
        "SELECT * {{ ?s ?p '\\u0027' . SERVICE <{url}> {{ ?x ?y ?z }} ?s ?p '\\u0027' }}"
    ),
    "both at once": (
        "SELECT * {{ ?s ?p ?o FILTER(?o<'x>') SERVICE <{url}> {{ ?x ?y ?z }} "
        "FILTER(?o != ')') ?s ?p '\\u0027' }}"
    ),
    "inside EXISTS": "ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }}",
    "inside a subquery": "SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }} }}",
    "through a variable": "SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?x ?y ?z }} }}",
}


@pytest.mark.parametrize("text", HIDDEN_SERVICES.values(), ids=HIDDEN_SERVICES.keys())
def test_service_is_refused_however_it_is_spelt(store, heard, text):
    url, hits = heard
    sparql_text = "PREFIX ex: <http://e/>\n" + text.format(url=url + "/sparql")
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        query(store, sparql_text)
    assert hits == []


def test_the_word_service_elsewhere_is_no_service(store):
    harmless = (
        "PREFIX service: <http://e/>\n"
        "SELECT ?service { ?service ?p ?o FILTER(?o != 'SERVICE' && ?o != service:x) }"
        " # SERVICE <http://127.0.0.1:9/>\nLIMIT 1"
    )
    assert query(store, harmless).variables == ["service"]


@pytest.mark.skipif(not sparql.can_fork(), reason="fork is not available here")
def test_the_engine_process_cannot_reach_the_network(store, heard, monkeypatch):
    """Even a SERVICE that every check missed sends nothing from an isolated query."""
    url, hits = heard
    text = PLAIN.format(url=url + "/sparql")
    monkeypatch.setattr(sparql, "_refuse_service", lambda text: False)
    for options in ({"isolated": True}, {"timeout": 30}):
        with pytest.raises(QueryError, match="tried to open a file or a network connection"):
            query(store, text, **options)
    assert hits == []
    with pytest.raises(QueryError, match="the query failed"):
        query(store, text)  # in this process: the listener does hear it
    assert hits == ["/sparql"]


def test_a_query_that_cannot_be_parsed_to_check_runs_apart(store, monkeypatch):
    """rdflib's parser gives up past some thirty parentheses; this query mentions "service"
    in a string only, and so runs, but in a process of its own."""
    text = "SELECT ?o { ?s ?p ?o FILTER(" + "(" * 40 + "?o != 'service'" + ")" * 40 + ") }"
    children = []

    def in_child(work, timeout):
        children.append(timeout)
        return original(work, timeout)

    original = sparql._in_child_process
    monkeypatch.setattr(sparql, "_in_child_process", in_child)
    if sparql.can_fork():
        assert len(query(store, text)) == 4
        assert children == [None]
    monkeypatch.setattr(sparql, "can_fork", lambda: False)
    with pytest.raises(QueryError, match="cannot check"):
        query(store, text)


# --------------------------------------------------------------------------- nesting

DEEP = {
    "braces": "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
    "parentheses": "SELECT * { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }",
    "brackets": "SELECT * { ?s ?p " + "[ ?p " * 500 + "?o" + " ]" * 500 + " }",
    "negations": "ASK { FILTER(" + "!" * 30000 + "true) }",
    "quoted triples": "SELECT * { " + "<< " * 500 + "?s ?p ?o" + " >> ?p ?o" * 500 + " }",
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_before_any_parser(store, text):
    with pytest.raises(QueryError, match=r"nests more than 100 levels deep .* line 1, column \d+"):
        query(store, text)


def test_nesting_up_to_the_limit_runs(store):
    text = "SELECT * WHERE " + "{" * 100 + " ?s ?p ?o " + "}" * 100
    assert len(query(store, text)) == 4


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "liaise_lod.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_a_crash_of_the_engine_is_an_error(tmp_path):
    """A long flat chain, not nested in the text, still overflows pyoxigraph's stack (on an
    8 MB stack); the engine runs in a process of its own, whose crash is reported."""
    chain = tmp_path / "chain.rq"
    chain.write_text("ASK { FILTER(" + "+".join(["1"] * 20000) + " > 0) }", encoding="utf-8")
    done = run_cli("query", str(EXAMPLE), str(chain))
    assert done.returncode in (0, 2), done.stderr[-500:]  # 0 where the stack is larger
    assert "Traceback" not in done.stderr
    if done.returncode == 2:
        assert done.stderr.startswith("liaise-lod: the query engine crashed (exit status")


# --------------------------------------------------------------------------- query text


def test_a_query_file_that_is_not_utf8(tmp_path, capsysbinary):
    file = tmp_path / "q.rq"
    file.write_bytes(b"ASK { ?s ?p '\xff' }")
    assert main(["query", str(EXAMPLE), str(file)]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert err == f"liaise-lod: the query file {file} is not UTF-8 text: byte 0xff at offset 13\n"


def test_stdin_that_is_not_utf8(monkeypatch):
    class Stdin:
        buffer = __import__("io").BytesIO(b"ASK {}\xc3")

    monkeypatch.setattr("sys.stdin", Stdin)
    with pytest.raises(ConfigError, match="standard input is not UTF-8 text: byte 0xc3"):
        read_query("-")


def test_a_byte_order_mark_is_dropped(tmp_path):
    file = tmp_path / "q.rq"
    file.write_bytes(b"\xef\xbb\xbfASK {}")
    assert read_query(str(file)) == "ASK {}"


def test_query_files_are_read_no_further_than_the_limit(tmp_path):
    large = tmp_path / "large.rq"
    large.write_bytes(b"#" * (MAX_QUERY_BYTES + 1))
    with pytest.raises(ConfigError, match="larger than 1,000,000 bytes"):
        read_query(str(large))
    endless = tmp_path / "endless.rq"
    endless.symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match="larger than 1,000,000 bytes"):
        read_query(str(endless))


def test_query_text_is_bounded_and_unicode(store):
    with pytest.raises(QueryError, match="1,000,001 bytes long: at most 1,000,000"):
        query(store, "ASK {}" + " " * (MAX_QUERY_BYTES - 5))
    with pytest.raises(QueryError, match="character 10 is not a character"):
        query(store, "ASK {} # \udcff")  # a byte that was not UTF-8, as Python keeps it
    assert read_query("ASK {}\0") == "ASK {}\0"  # not a file name: no ValueError


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "-1", "0", "1e300"])
def test_a_timeout_that_is_no_duration(capsysbinary, value):
    assert main(["query", str(EXAMPLE), "ASK {}", f"--timeout={value}"]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert err.startswith("liaise-lod: the timeout must be") and err.count("\n") == 1


def test_a_dump_with_a_term_over_16_mb(tmp_path, capsysbinary):
    dump = tmp_path / "big.nt"
    dump.write_text(f'<{E}s> <{E}p> "{"a" * (17 << 20)}" .\n', encoding="utf-8")
    assert main(["query", str(dump), "ASK {}"]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert err.startswith(f"liaise-lod: {dump}: too large a term to load") and err.count("\n") == 1


def test_a_result_value_over_16_mb():
    graph = Graph()
    graph.add((URIRef(E + "s"), URIRef(E + "p"), Literal("a" * (9 << 20))))
    result = query(graph, "SELECT (CONCAT(?o, ?o) AS ?twice) { ?s ?p ?o }")
    with pytest.raises(QueryError, match="too large a value"):
        result.to_csv()


# --------------------------------------------------------------------------- terminal

ESCAPES = "\x1b]0;title\x07\x1b[2J\x9b31m\u202eevil\r"


def hidden(text: str) -> set[str]:
    """The characters of ``text`` a terminal would act on or hide (line breaks aside)."""
    return {c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")}


def escapes_graph() -> Graph:
    graph = Graph()
    graph.add((URIRef(E + "s"), URIRef(E + "p"), Literal(ESCAPES)))
    return graph


def test_the_table_neutralises_every_control_character():
    result = query(escapes_graph(), "SELECT ?o { ?s ?p ?o }")
    table = result.to_table()
    assert hidden(table) == set()
    assert "\\x1b]0;title\\x07\\x1b[2J\\x9b31m\\u202eevil\\r" in table
    graph_table = query(escapes_graph(), "CONSTRUCT WHERE { ?s ?p ?o }").to_table()
    assert hidden(graph_table) == set() and "\\x9b31m\\u202eevil" in graph_table


def test_errors_quoting_the_query_neutralise_it(store):
    with pytest.raises(QueryError) as caught:
        query(store, "SELECT ?x WHERE { ?x ?p \x1b[31m }")
    assert hidden(str(caught.value)) == set() and "\\x1b" in str(caught.value)


def test_an_error_quotes_a_long_line_around_its_column(store):
    text = "SELECT * { " + "?s ?p ?o . " * 2500 + "?s ?p LIMT ?o . " + "?s ?p ?o . " * 2500 + "}"
    with pytest.raises(QueryError) as caught:
        query(store, text)
    message, quoted, pointer = str(caught.value).splitlines()
    assert len(quoted) < 120
    assert (
        quoted[len(pointer) - 1 :]
        .lstrip()
        .startswith(message.split("unexpected '")[1].split("'")[0])
    )


def test_the_cli_on_a_terminal_shows_no_escape_sequence(tmp_path, capsysbinary, monkeypatch):
    dump = tmp_path / "escapes.nt"
    dump.write_bytes(escapes_graph().serialize(format="nt", encoding="utf-8"))
    select = "SELECT ?o { ?s ?p ?o }"
    shown = on_terminal("query", str(dump), select)  # a table, there
    assert hidden(shown) == set() and "\\x1b]0;title" in shown
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # quicker, for the other formats
    for fmt in ("csv", "tsv", "json"):
        assert main(["query", str(dump), select, "--format", fmt]) == 0
        shown = capsysbinary.readouterr().out.decode("utf-8")
        assert hidden(shown) <= {"\t"}, fmt
        assert "\\x1b]0;title" in shown or "\\u001b]0;title" in shown, fmt


def on_terminal(*args: str) -> str:
    """What ``liaise-lod ARGS`` shows on a terminal (a pseudo-terminal of its own)."""
    main_end, child_end = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "liaise_lod.cli", *args],
            stdout=child_end,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        os.close(child_end)
        assert process.returncode == 0, process.stderr
        chunks = []
        while True:
            try:
                chunk = os.read(main_end, 65536)
            except OSError:  # EIO: the other end is closed and all is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main_end)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
