"""Pushing to real triple stores over the SPARQL 1.1 Graph Store Protocol.

The Oxigraph server (PyPI ``oxigraph``) runs on 127.0.0.1 with a temporary folder; under CI a
missing binary fails these tests. A small HTTP front ("gate") placed before it demands
credentials (basic, bearer, digest) or fails chosen requests, to check that a failed push says
why and leaves the previous graph in place. Virtuoso, when installed, is a second real store.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from test_queries import QUERIES, csv_rows, expected_csv, is_ordered, same_answer

from checkers import in_ci, require
from conftest import EXAMPLE, REPO
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, PushError
from liaise_lod.graph_store import chunked, credentials, graph_url, push, store_message
from liaise_lod.load import load_dataset
from liaise_lod.mapping import to_graph
from liaise_lod.sparql import query

BASE = "https://data.example.org/liaise2/"
EXAMPLE_TRIPLES = len(to_graph(load_dataset(EXAMPLE)))
CHUNK = 400  # the example (about 1,900 triples) goes in several chunks


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    stop(process)
    pytest.fail(f"the server did not answer {url} within {seconds} s:\n{log.read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started, by its process id."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running(command: list[str], folder: Path, ready: str, seconds: float) -> Iterator[None]:
    """Start a server in ``folder`` (its output in ``server.log``), wait until ``ready`` answers,
    and stop it afterwards."""
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=folder, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        wait_until_ready(ready, process, log, seconds)
        yield
    finally:
        stop(process)


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    require(found is not None, "the Oxigraph server (`oxigraph`)", "pip install oxigraph")
    return str(found)


@dataclass
class Store:
    """A running store: where to push, update and query."""

    endpoint: str
    update: str
    sparql: str
    auth: str | None = None
    sql: str | None = None  # Virtuoso: HOST:PORT of its SQL server (isql)
    folder: Path | None = None  # Virtuoso: its folder, listed in DirsAllowed

    def ask(self, text: str, graph: str | None = None, accept: str = "text/csv") -> bytes:
        """Run a query over the SPARQL protocol (with ``graph`` as the default graph)."""
        params = {"query": text}
        if graph:
            params["default-graph-uri"] = graph
        request = urllib.request.Request(
            self.sparql, data=urlencode(params).encode(), headers={"Accept": accept}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()

    def count(self, graph: str) -> int:
        answer = self.ask(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(csv_rows(answer)[1][0])

    def graphs(self, prefix: str = "") -> set[str]:
        answer = self.ask("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return {row[0] for row in csv_rows(answer)[1:] if row[0].startswith(prefix)}


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> Iterator[Store]:
    binary = oxigraph_binary()
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    command = [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
    with running(command, folder, f"{root}/query?query=ASK%7B%7D", 30):
        yield Store(f"{root}/store", f"{root}/update", f"{root}/query")


def a_graph() -> str:
    return f"https://test.example.org/graph/{uuid.uuid4()}"


def push_example(store: Store, graph: str | None = None, **options) -> object:
    options.setdefault("update_endpoint", store.update)
    options.setdefault("chunk_size", CHUNK)
    options.setdefault("progress", False)
    options.setdefault("log", lambda message: None)
    return push(EXAMPLE, store.endpoint, graph=graph, **options)


# --------------------------------------------------------------------------- the gate


#: An answer the gate gives instead of the store's: status, text, and any headers.
Failure = tuple[int, str] | tuple[int, str, dict[str, str]]


@dataclass
class Gate:
    """An HTTP front for a store: checks credentials, fails chosen requests, forwards the rest."""

    upstream: str
    scheme: str | None = None  # "basic", "bearer" or "digest"
    secret: str = ""
    fail: Callable[[str, str, int], Failure | None] | None = None
    rewrite: Callable[[str, bytes], bytes] | None = None  # (path, body): the body sent on
    seen: list[tuple[str, str, str]] = field(default_factory=list)
    url: str = ""

    def refusal(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str]] | None:
        given = handler.headers.get("Authorization", "")
        if self.scheme == "basic":
            user_password = given.removeprefix("Basic ")
            if given.startswith("Basic ") and _b64decode(user_password) == self.secret:
                return None
            return 401, {"WWW-Authenticate": 'Basic realm="test"'}
        if self.scheme == "bearer":
            return None if given == f"Bearer {self.secret}" else (401, {})
        if self.scheme == "digest":
            if given.startswith("Digest ") and _digest_ok(given, handler.command, self.secret):
                return None
            if given.startswith("Basic "):
                return 401, {}  # as Virtuoso does: no challenge for a basic attempt
            challenge = f'Digest realm="test", nonce="{uuid.uuid4().hex}", qop="auth"'
            return 401, {"WWW-Authenticate": challenge}
        return None


def _b64decode(text: str) -> str:
    import base64

    try:
        return base64.b64decode(text).decode("utf-8")
    except ValueError:
        return ""


def _digest_ok(header: str, method: str, secret: str) -> bool:
    fields = urllib.request.parse_keqv_list(
        urllib.request.parse_http_list(header.removeprefix("Digest "))
    )
    user, password = secret.split(":", 1)

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    first = md5(f"{user}:{fields.get('realm')}:{password}")
    second = md5(f"{method}:{fields.get('uri')}")
    parts = [first, fields.get("nonce"), fields.get("nc"), fields.get("cnonce"), "auth", second]
    return fields.get("username") == user and fields.get("response") == md5(":".join(parts))


def _gate_handler(gate: Gate) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            gate.seen.append((self.command, self.path, self.headers.get("Authorization", "")))
            refused = gate.refusal(self)
            if refused:
                self._answer(refused[0], b"authentication required", refused[1])
                return
            failure = gate.fail(self.command, self.path, len(gate.seen)) if gate.fail else None
            if failure:
                extra = failure[2] if len(failure) == 3 else {}
                headers = {"Content-Type": "text/plain", **extra}
                self._answer(failure[0], failure[1].encode(), headers)
                return
            if gate.rewrite and body is not None:
                body = gate.rewrite(self.path, body)
            self._forward(body)

        def _forward(self, body: bytes | None) -> None:
            request = urllib.request.Request(
                gate.upstream + self.path, data=body, method=self.command
            )
            for name in ("Content-Type", "Accept"):
                if self.headers.get(name):
                    request.add_header(name, self.headers[name])
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    self._answer(response.status, response.read(), {})
            except urllib.error.HTTPError as error:
                self._answer(error.code, error.read(), {})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_POST = do_DELETE = _handle

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up waiting is expected in some tests


@pytest.fixture
def gate(oxigraph) -> Iterator[Gate]:
    gate = Gate(upstream=oxigraph.endpoint.rsplit("/", 1)[0])
    server = _QuietServer(("127.0.0.1", 0), _gate_handler(gate))
    gate.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield gate
    finally:
        server.shutdown()
        server.server_close()


def gated(gate: Gate) -> Store:
    return Store(f"{gate.url}/store", f"{gate.url}/update", f"{gate.url}/query")


# --------------------------------------------------------------------------- Oxigraph


def test_push_replaces_the_base_graph_by_default(oxigraph):
    result = push_example(oxigraph)
    assert (result.graph, result.triples, result.atomic) == (BASE, EXAMPLE_TRIPLES, True)
    assert result.chunks == -(-EXAMPLE_TRIPLES // CHUNK)
    assert oxigraph.count(BASE) == EXAMPLE_TRIPLES
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()  # the temporary graph is gone


@pytest.mark.parametrize("rq", QUERIES, ids=[rq.stem for rq in QUERIES])
def test_competency_questions_over_the_protocol(oxigraph, rq):
    graph = "https://test.example.org/graph/competency"
    if not oxigraph.graphs(graph):
        push_example(oxigraph, graph)
    sparql = rq.read_text(encoding="utf-8")
    remote = csv_rows(oxigraph.ask(sparql, graph))
    embedded = csv_rows(query(EXAMPLE, sparql).to_csv())
    expected = csv_rows(expected_csv(rq))
    assert same_answer(remote, embedded, is_ordered(sparql))
    assert same_answer(remote, expected, is_ordered(sparql))


def test_pushing_twice_leaves_one_copy(oxigraph):
    graph = a_graph()
    push_example(oxigraph, graph)
    push_example(oxigraph, graph)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    push_example(oxigraph, graph, update_endpoint=None)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()


def test_without_an_update_endpoint_it_says_so_and_puts_directly(oxigraph):
    graph, said = a_graph(), []
    result = push_example(oxigraph, graph, update_endpoint=None, log=said.append)
    assert not result.atomic
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert len(said) == 1 and "no update endpoint" in said[0] and "in place" in said[0]


def test_push_replaces_rather_than_adds(oxigraph):
    graph = a_graph()
    extra = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x> <urn:y> <urn:z> }} }}"
    urllib.request.urlopen(
        urllib.request.Request(
            oxigraph.update,
            data=extra.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
    ).close()
    assert oxigraph.count(graph) == 1
    push_example(oxigraph, graph)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES


def test_a_wrong_path_reports_404_and_keeps_the_graph(oxigraph):
    graph = a_graph()
    push_example(oxigraph, graph)
    wrong = oxigraph.endpoint.replace("/store", "/no-such-path")
    with pytest.raises(PushError, match="HTTP 404") as caught:
        push(EXAMPLE, wrong, graph=graph, update_endpoint=oxigraph.update, progress=False)
    assert "no-such-path" in str(caught.value)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES


def test_an_unreachable_store_is_a_clear_error():
    with pytest.raises(PushError, match="cannot reach the store"):
        push(EXAMPLE, f"http://127.0.0.1:{free_port()}/store", progress=False, log=print)


def test_a_failure_midway_keeps_the_previous_graph(oxigraph, gate):
    graph = a_graph()
    push_example(oxigraph, graph)
    gate.fail = lambda method, path, n: (507, "disk full, sorry") if method == "POST" else None
    with pytest.raises(PushError) as caught:
        push_example(gated(gate), graph)
    assert "HTTP 507" in str(caught.value) and "disk full, sorry" in str(caught.value)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()  # the partial upload was dropped
    methods = [method for method, _, _ in gate.seen]
    assert methods[:2] == ["PUT", "POST"] and methods[-1] == "DELETE"


def test_a_failed_move_keeps_the_previous_graph(oxigraph, gate):
    graph = a_graph()
    push_example(oxigraph, graph)
    gate.fail = lambda method, path, n: (503, "read-only today") if "/update" in path else None
    with pytest.raises(PushError, match=r"HTTP 503.*read-only today"):
        push_example(gated(gate), graph)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()


def test_a_move_without_answer_is_not_undone(oxigraph, gate):
    graph = a_graph()

    def slow_update(method: str, path: str, number: int) -> None:
        if "/update" in path:
            time.sleep(1.5)  # then forward it: the store does the MOVE after all

    gate.fail = slow_update
    with pytest.raises(PushError, match=r"did not answer within 0\.5 s.*MOVE may still complete"):
        push_example(gated(gate), graph, timeout=0.5)
    temporary = "graph=urn%3Aliaise-lod%3Apush%3A"  # dropping the temporary graph
    assert not any(method == "DELETE" and temporary in path for method, path, _ in gate.seen)
    deadline = time.monotonic() + 10
    while oxigraph.count(graph) != EXAMPLE_TRIPLES and time.monotonic() < deadline:
        time.sleep(0.1)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()


def test_basic_auth_from_the_environment(oxigraph, gate, monkeypatch):
    gate.scheme, gate.secret = "basic", "alice:s3cret"
    graph = a_graph()
    with pytest.raises(PushError, match=r"HTTP 401.*--auth-env"):
        push_example(gated(gate), graph)
    monkeypatch.setenv("STORE_LOGIN", "alice:wrong")
    with pytest.raises(PushError, match="HTTP 401"):
        push_example(gated(gate), graph, auth_env="STORE_LOGIN")
    assert oxigraph.graphs(graph) == set()
    monkeypatch.setenv("STORE_LOGIN", "alice:s3cret")
    gate.seen.clear()
    push_example(gated(gate), graph, auth_env="STORE_LOGIN")
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert all(auth.startswith("Basic ") for _, _, auth in gate.seen)  # sent up front


def test_bearer_token_from_the_environment(oxigraph, gate, monkeypatch):
    gate.scheme, gate.secret = "bearer", "t0ken"
    graph = a_graph()
    monkeypatch.setenv("STORE_TOKEN", "Bearer nope")
    with pytest.raises(PushError, match="HTTP 401"):
        push_example(gated(gate), graph, auth_env="STORE_TOKEN")
    monkeypatch.setenv("STORE_TOKEN", "Bearer t0ken")
    push_example(gated(gate), graph, auth_env="STORE_TOKEN")
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES


def test_digest_auth_when_the_store_asks_for_it(oxigraph, gate, monkeypatch):
    gate.scheme, gate.secret = "digest", "dba:dba"
    graph = a_graph()
    monkeypatch.setenv("STORE_LOGIN", "dba:dba")
    push_example(gated(gate), graph, auth_env="STORE_LOGIN")
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert any(auth.startswith("Digest ") for _, _, auth in gate.seen)
    monkeypatch.setenv("STORE_LOGIN", "dba:wrong")
    with pytest.raises(PushError, match="HTTP 401"):
        push_example(gated(gate), graph, auth_env="STORE_LOGIN")
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES


def test_cli_push(oxigraph, capsys):
    graph = a_graph()
    args = ["push", str(EXAMPLE), "--endpoint", oxigraph.endpoint, "--graph", graph]
    assert main([*args, "--update-endpoint", oxigraph.update, "--chunk-size", "500"]) == 0
    out, err = capsys.readouterr()
    assert f"{EXAMPLE_TRIPLES} triples pushed to <{graph}>" in out and "MOVE" in out
    assert err == ""  # not a terminal: no progress bar
    assert main(args) == 0
    assert "no update endpoint" in capsys.readouterr().err
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES


def test_cli_push_errors(oxigraph, capsys, monkeypatch):
    wrong = oxigraph.endpoint.replace("/store", "/nope")
    assert main(["push", str(EXAMPLE), "--endpoint", wrong]) == 1
    assert "HTTP 404" in capsys.readouterr().err
    monkeypatch.delenv("NO_SUCH_VARIABLE", raising=False)
    args = ["push", str(EXAMPLE), "--endpoint", oxigraph.endpoint, "--auth-env", "NO_SUCH_VARIABLE"]
    assert main(args) == 2
    assert "NO_SUCH_VARIABLE" in capsys.readouterr().err


# --------------------------------------------------------------------------- without a server


def test_a_missing_oxigraph_fails_under_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        oxigraph_binary()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        oxigraph_binary()


def test_the_command_line_reads_push_defaults_without_the_http_client():
    script = (
        "import sys, liaise_lod.cli\n"
        "liaise_lod.cli.parser().format_help()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'httpx', 'anyio', 'httpcore'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_chunks_keep_blank_node_groups_together():
    def iri(name: str) -> ox.NamedNode:
        return ox.NamedNode(f"urn:{name}")

    p = iri("p")
    a, b, c, d = (ox.BlankNode(label) for label in "abcd")
    linked = [ox.Triple(a, p, b), ox.Triple(iri("x"), p, c), ox.Triple(b, p, c)]
    alone = [ox.Triple(d, p, ox.Literal("1"))]
    plain = [ox.Triple(iri(f"s{i}"), p, ox.Literal(str(i))) for i in range(7)]
    triples = plain[:3] + linked[:2] + alone + plain[3:] + linked[2:]
    chunks = list(chunked(triples, 2))
    assert sorted(map(str, (t for chunk in chunks for t in chunk))) == sorted(map(str, triples))
    holding = {str(t): i for i, chunk in enumerate(chunks) for t in chunk}
    assert len({holding[str(t)] for t in linked}) == 1
    assert all(
        len(chunk) <= 2 for chunk in chunks if not set(map(str, chunk)) & set(map(str, linked))
    )
    assert [len(chunk) for chunk in chunked(plain, 3)] == [3, 3, 1]
    assert list(chunked([], 3)) == []


def test_graph_url_encodes_the_graph():
    assert graph_url("http://h:7878/store", "https://e.org/g/") == (
        "http://h:7878/store?graph=https%3A%2F%2Fe.org%2Fg%2F"
    )
    assert graph_url("http://h/ds/data?x=1", "urn:g") == "http://h/ds/data?x=1&graph=urn%3Ag"
    with pytest.raises(ConfigError):
        graph_url("ftp://h/store", "urn:g")


def test_credentials_come_from_the_environment_only(monkeypatch):
    assert credentials(None) is None
    monkeypatch.setenv("LOGIN", "user:pass:word")
    assert credentials("LOGIN") == "user:pass:word"
    monkeypatch.setenv("LOGIN", "justaword")
    with pytest.raises(ConfigError, match="user:password"):
        credentials("LOGIN")
    monkeypatch.delenv("LOGIN")
    with pytest.raises(ConfigError, match="not set"):
        credentials("LOGIN")


def test_a_graph_source_needs_a_graph_iri():
    graph = to_graph(load_dataset(EXAMPLE))
    with pytest.raises(ConfigError, match="--graph"):
        push(graph, "http://127.0.0.1:9/store", progress=False)
    with pytest.raises(ConfigError, match="absolute IRI"):
        push(graph, "http://127.0.0.1:9/store", graph="not an iri", progress=False)


def test_store_messages_are_one_readable_line():
    page = "<html><body><h1>500</h1>\n<xmp>SQ110: Permission   denied</xmp></body></html>"
    assert store_message(page) == "500 SQ110: Permission denied"
    assert len(store_message("x" * 5000)) == 600


# --------------------------------------------------------------------------- Virtuoso

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def _virtuoso_listed_for_ci() -> bool:
    packages = REPO / ".ci" / "apt-packages"
    if not packages.is_file():
        return False
    lines = (re.sub(r"#.*", "", line).strip() for line in packages.read_text().splitlines())
    return "virtuoso-opensource" in lines


def _virtuoso_config(folder: Path, sql_port: int, http_port: int) -> Path:
    text = VIRTUOSO_INI.read_text()
    text = text.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    text = re.sub(
        r"(?m)^ServerPort(\s*)=\s*1111\s*$", rf"ServerPort\g<1>= 127.0.0.1:{sql_port}", text
    )
    text = re.sub(
        r"(?m)^ServerPort(\s*)=\s*8890\s*$", rf"ServerPort\g<1>= 127.0.0.1:{http_port}", text
    )
    text = re.sub(r"(?m)^(DirsAllowed\s*=.*)$", rf"\g<1>, {folder}", text)
    config = folder / "virtuoso.ini"
    config.write_text(text)
    return config


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[Store]:
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.is_file():
        if in_ci() and _virtuoso_listed_for_ci():
            pytest.fail("virtuoso-opensource is listed in .ci/apt-packages but not installed")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    config = _virtuoso_config(folder, sql_port, http_port)
    root = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(config)]
    with running(command, folder, f"{root}/sparql?query=ASK%7B%7D", 60):
        yield Store(
            f"{root}/sparql-graph-crud-auth",
            f"{root}/sparql-auth",
            f"{root}/sparql",
            sql=f"127.0.0.1:{sql_port}",
            folder=folder,
        )


@pytest.mark.slow
def test_virtuoso_push_with_digest_auth(virtuoso, monkeypatch):
    monkeypatch.setenv("VIRTUOSO_LOGIN", "dba:dba")
    result = push_example(virtuoso, auth_env="VIRTUOSO_LOGIN")
    assert result.atomic
    assert virtuoso.count(BASE) == EXAMPLE_TRIPLES
    push_example(virtuoso, auth_env="VIRTUOSO_LOGIN")
    assert virtuoso.count(BASE) == EXAMPLE_TRIPLES
    assert virtuoso.graphs("urn:liaise-lod:push:") == set()
    monkeypatch.setenv("VIRTUOSO_LOGIN", "dba:wrong")
    with pytest.raises(PushError, match="HTTP 401"):
        push_example(virtuoso, auth_env="VIRTUOSO_LOGIN")
    with pytest.raises(PushError, match=r"HTTP 401.*give credentials"):
        push_example(virtuoso, auth_env=None)
    anonymous = virtuoso.endpoint.removesuffix("-auth")
    with pytest.raises(PushError, match=r"HTTP 403.*Permission denied"):
        push(EXAMPLE, anonymous, chunk_size=CHUNK, progress=False, log=lambda message: None)
    assert virtuoso.count(BASE) == EXAMPLE_TRIPLES


@pytest.mark.slow
@pytest.mark.parametrize("rq", QUERIES, ids=[rq.stem for rq in QUERIES])
def test_virtuoso_answers_the_competency_questions(virtuoso, monkeypatch, rq):
    if not virtuoso.graphs(BASE):
        monkeypatch.setenv("VIRTUOSO_LOGIN", "dba:dba")
        push_example(virtuoso, auth_env="VIRTUOSO_LOGIN")
    sparql = rq.read_text(encoding="utf-8")
    answer = json.loads(virtuoso.ask(sparql, BASE, accept="application/sparql-results+json"))
    remote = ox.parse_query_results(json.dumps(answer).encode(), format=ox.QueryResultsFormat.JSON)
    got = csv_rows(remote.serialize(format=ox.QueryResultsFormat.CSV))
    assert same_answer(got, csv_rows(expected_csv(rq)), ordered=False)
