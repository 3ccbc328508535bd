"""``push`` against stores that lie, redirect, drip, or answer garbage (red-team findings).

Every hostile peer is a small server on 127.0.0.1 started here: the gate of ``test_push`` in
front of a real Oxigraph server (redirects, answers that claim success without acting), or a raw
socket server writing whatever bytes a case needs (malformed HTTP, one byte at a time). The
contract checked: a push that did not happen is never reported as done, credentials go only to
the origins named, no secret and no terminal escape reaches the output, every failure is one
line and exit 1 or 2 (never a traceback), and ``--timeout`` bounds each request in total.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_push import (  # the fixtures start this module's own Oxigraph server and gate
    EXAMPLE_TRIPLES,
    Store,
    a_graph,
    free_port,
    gate,
    gated,
    oxigraph,
    push_example,
)

from conftest import EXAMPLE
from liaise_lod._internal.endpoint import check_endpoint
from liaise_lod._internal.graph_version import marker_graph
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, PushError
from liaise_lod.graph_store import credentials, push, store_message

__all__ = ["gate", "oxigraph"]  # fixtures, used by name

SECRET = "s3cret"
LOGIN = f"alice:{SECRET}"
SECRET_FORMS = (SECRET, base64.b64encode(LOGIN.encode()).decode())
SMALL = 3  # triples in the small dump


@pytest.fixture
def dump(tmp_path) -> Path:
    """A small N-Triples dump (push it with --graph)."""
    path = tmp_path / "small.nt"
    lines = [f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(SMALL)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def one_line_failure(capsys, code: int, expected_code: int = 1) -> str:
    """The error line of a failed command, after checking that it is one line (after any
    warnings) and leaks nothing."""
    out, err = capsys.readouterr()
    assert code == expected_code, err
    lines = err.splitlines()
    assert lines and all(line.startswith("liaise-lod: ") for line in lines), err
    assert "Traceback" not in err
    assert not any(secret in out + err for secret in SECRET_FORMS)
    assert not any(character in out + err for character in "\x1b\x07\x9b\x00\r")
    return lines[-1]


def put_one_triple(store: Store, graph: str) -> None:
    """The 'previous' graph: one triple, so that a graph left unchanged is told apart."""
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:old> <urn:old> <urn:old> }} }}"
    request = urllib.request.Request(
        store.update, data=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    urllib.request.urlopen(request, timeout=30).close()
    assert store.count(graph) == 1


# --------------------------------------------------------------------------- a raw server


@dataclass
class RawStore:
    """A server on 127.0.0.1 that answers each request (one a connection) by calling
    ``answer(connection, request_bytes)``; it records the requests."""

    answer: Callable[[socket.socket, bytes], None]
    url: str = ""
    requests: list[bytes] = field(default_factory=list)


@contextmanager
def raw_store(answer: Callable[[socket.socket, bytes], None]) -> Iterator[RawStore]:
    store = RawStore(answer)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    store.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop = threading.Event()

    def handle(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(10)
            try:
                request = _read_request(connection)
                store.requests.append(request)
                store.answer(connection, request)
            except OSError:
                pass  # the client gave up: expected in some cases

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield store
    finally:
        stop.set()
        thread.join()
        listener.close()


def _read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 1_000_000:
        piece = connection.recv(65536)
        if not piece:
            return data
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        piece = connection.recv(65536)
        if not piece:
            break
        body += piece
    return head + b"\r\n\r\n" + body


def answering(raw: bytes) -> Callable[[socket.socket, bytes], None]:
    def answer(connection: socket.socket, request: bytes) -> None:
        connection.sendall(raw)

    return answer


def dripping(prefix: bytes, seconds: float = 60) -> Callable[[socket.socket, bytes], None]:
    """Send ``prefix``, then one byte every 50 ms, for ``seconds`` at most (or until the client
    leaves): a per-read timeout never fires."""

    def answer(connection: socket.socket, request: bytes) -> None:
        connection.sendall(prefix)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            connection.sendall(b"a")
            time.sleep(0.05)

    return answer


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_redirected_move_is_not_resent_as_a_get(oxigraph, gate, status):
    """The finding: the MOVE re-sent as a GET, which 'succeeded'; exit 0, nothing replaced."""
    graph = a_graph()
    put_one_triple(oxigraph, graph)
    gate.fail = lambda method, path, n: (
        (status, "see the front page", {"Location": "/"}) if "/update" in path else None
    )
    with pytest.raises(PushError, match=rf"HTTP {status} redirects .* not followed") as caught:
        push_example(gated(gate), graph)
    assert caught.value.status == status
    assert [method for method, path, _ in gate.seen if path == "/"] == []
    assert oxigraph.count(graph) == 1
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()  # the temporary graph was dropped


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("redirected", ["PUT", "MOVE"])
def test_credentials_never_follow_a_redirect_to_another_origin(
    oxigraph, gate, dump, monkeypatch, status, redirected
):
    gate.scheme, gate.secret = "basic", LOGIN
    monkeypatch.setenv("STORE_LOGIN", LOGIN)
    with raw_store(answering(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) as elsewhere:

        def redirect(method: str, path: str, number: int):
            if (redirected == "MOVE") == ("/update" in path) and method in ("PUT", "POST"):
                return status, "moved", {"Location": f"{elsewhere.url}{path}"}
            return None

        gate.fail = redirect
        store = gated(gate)
        options = {"graph": a_graph(), "update_endpoint": store.update, "progress": False}
        try:
            push(dump, store.endpoint, auth_env="STORE_LOGIN", log=lambda m: None, **options)
            failure = None
        except PushError as error:
            failure = str(error)
        assert elsewhere.requests == []  # nothing went there, so no credentials either
    assert failure is not None and "another scheme, host or port" in failure
    assert not any(secret in failure for secret in SECRET_FORMS)
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()


@pytest.mark.parametrize("status", [307, 308])
def test_same_origin_307_and_308_are_followed_with_the_method_and_digest_auth(
    oxigraph, gate, monkeypatch, status
):
    gate.scheme, gate.secret = "digest", "dba:dba"
    monkeypatch.setenv("STORE_LOGIN", "dba:dba")
    gate.fail = lambda method, path, n: (
        (status, "moved", {"Location": path.replace("/moved", "", 1)})
        if path.startswith("/moved/")
        else None
    )
    graph = a_graph()
    moved = Store(f"{gate.url}/moved/store", f"{gate.url}/moved/update", "")
    result = push_example(moved, graph, auth_env="STORE_LOGIN")
    assert result.atomic and oxigraph.count(graph) == EXAMPLE_TRIPLES
    followed = [(method, path) for method, path, _ in gate.seen if not path.startswith("/moved")]
    assert {method for method, _ in followed} >= {"PUT", "POST", "GET"}
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()


def test_a_redirect_loop_ends(oxigraph, gate, dump):
    gate.fail = lambda method, path, n: (307, "again", {"Location": path})
    with pytest.raises(PushError, match="more than 5 redirects"):
        push(dump, gated(gate).endpoint, graph=a_graph(), progress=False, log=lambda m: None)
    assert len(gate.seen) == 6


# --------------------------------------------------------------------------- stores that lie


def test_a_move_answered_but_not_done_is_a_failure(oxigraph, gate):
    graph = a_graph()
    put_one_triple(oxigraph, graph)
    gate.fail = lambda method, path, n: (200, "") if "/update" in path else None
    with pytest.raises(PushError, match=rf"after the MOVE <{graph}> holds 1 triple, not the"):
        push_example(gated(gate), graph)
    assert oxigraph.count(graph) == 1
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()  # the temporary graph was dropped


def test_chunks_answered_but_not_stored_are_a_failure(oxigraph, gate):
    graph = a_graph()
    gate.fail = lambda method, path, n: (204, "") if method == "POST" else None
    with pytest.raises(PushError, match=r"after the upload <.*> holds 400 triples, not the"):
        push_example(gated(gate), graph, update_endpoint=None)


def test_a_move_that_copies_has_its_temporary_graph_dropped(oxigraph, gate):
    graph, said = a_graph(), []
    gate.rewrite = lambda path, body: body.replace(b"MOVE", b"COPY") if "/update" in path else body
    push_example(gated(gate), graph, log=said.append)
    assert oxigraph.count(graph) == EXAMPLE_TRIPLES
    assert oxigraph.graphs("urn:liaise-lod:push:") == set()
    assert any("kept the temporary graph" in line for line in said)


def test_a_store_sending_more_than_was_pushed_is_not_read_to_the_end(dump, capsys):
    lines = b"<urn:a> <urn:b> <urn:c> .\n" * 100

    def answer(connection: socket.socket, request: bytes) -> None:
        if request.startswith(b"GET"):
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\n\r\n"
            connection.sendall(head + lines)
            dripping(b"", 60)(connection, request)  # more, without end
        else:
            connection.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    with raw_store(answer) as store:
        code = main(["push", str(dump), "--graph", "urn:g", "--endpoint", f"{store.url}/s"])
    line = one_line_failure(capsys, code)
    assert f"holds more than {SMALL} triples" in line


@pytest.mark.parametrize(
    "sent",
    ["endless", "malformed", "one long line"],
)
def test_changes_read_a_hostile_store_boundedly_and_change_nothing(dump, capsys, sent, monkeypatch):
    """push --changes reads the store's graph to compare it with OLD: a store that sends more
    than OLD, malformed N-Triples or a line without end is refused, and no update is sent."""
    from liaise_lod import graph_store

    monkeypatch.setattr(graph_store._TripleReader, "LINE_LIMIT", 10_000)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\n\r\n"
    body = {
        "endless": b"<urn:a> <urn:b> <urn:c> .\n" * 100,  # the same triple: still counted
        "malformed": b"<urn:a> <urn:b> .\n",
        "one long line": b'<urn:a> <urn:b> "' + b"a" * 20_000,
    }[sent]

    def answer(connection: socket.socket, request: bytes) -> None:
        if request.startswith(b"GET"):
            connection.sendall(head + body)
            if sent != "malformed":
                dripping(b"", 60)(connection, request)  # more, without end
        else:
            connection.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    with raw_store(answer) as store:
        args = ["push", str(dump), "--changes", str(dump), "--graph", "urn:g"]
        args += ["--endpoint", f"{store.url}/s", "--update-endpoint", f"{store.url}/u"]
        code = main_within(args, seconds=30)
    line = one_line_failure(capsys, code)
    expected = {
        "endless": f"holds more than {SMALL} triples",
        "malformed": "malformed N-Triples",
        "one long line": "longer than 10000 bytes",
    }[sent]
    assert expected in line
    assert all(request.startswith(b"GET") for request in store.requests)


# --------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    "prefix",
    [
        b"",
        b"HTTP/1.1 201 Created\r\nX-Slow: ",
        b"HTTP/1.1 201 Created\r\nContent-Length: 9999\r\n\r\n",
    ],
    ids=["status-line", "headers", "body"],
)
def test_timeout_is_a_deadline_for_a_store_that_drips(dump, capsys, prefix):
    with raw_store(dripping(prefix)) as store:
        args = ["push", str(dump), "--graph", "urn:g", "--endpoint", f"{store.url}/store"]
        code = main_within([*args, "--timeout", "1"], seconds=30)
    line = one_line_failure(capsys, code)
    assert line.endswith("the store did not answer within 1 s")


def main_within(args: list[str], seconds: float) -> int:
    """``main(args)``, failing the test if it has not returned within ``seconds``."""
    outcome: list[int | BaseException] = []

    def run() -> None:
        try:
            outcome.append(main(args))
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"liaise-lod {' '.join(args)} was still running after {seconds} s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


# --------------------------------------------------------------------------- malformed answers

ESCAPES_PAGE = "<p>\x1b]0;owned\x07\x1b[2J\x1b[31mdisk full\u009b31m\u202e".encode() + b"x" * 9000
MALFORMED = {
    "not-http": b"hello there\r\n\r\n",
    "bad-status": b"HTTP/1.1 abc OK\r\n\r\n",
    "bad-header": b"HTTP/1.1 201 Created\r\nno colon here\r\n\r\n",
    "negative-length": b"HTTP/1.1 201 Created\r\nContent-Length: -5\r\n\r\n",
    "two-lengths": b"HTTP/1.1 201 Created\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "short-body": b"HTTP/1.1 500 Oops\r\nContent-Length: 100\r\n\r\nshort",
    "bad-chunks": b"HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n",
    "closed": b"",
    "huge-header": b"HTTP/1.1 201 Created\r\nX: " + b"a" * 200_000 + b"\r\n\r\n",
    "binary": b"\x00\x1b[2J\xff\xfe" * 100,
    "http-0.9": b"<html>\x1b[31m hi</html>",
    "301-no-location": b"HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n",
    "bad-location": b"HTTP/1.1 307 Moved\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n",
    "escapes": b"HTTP/1.1 500 Boom\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
    % (len(ESCAPES_PAGE), ESCAPES_PAGE),
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_answer_is_a_one_line_error(dump, capsys, raw):
    with raw_store(answering(raw)) as store:
        code = main(["push", str(dump), "--graph", "urn:g", "--endpoint", f"{store.url}/s"])
    line = one_line_failure(capsys, code)
    # the first request: dropping the version marker of the graph about to be replaced
    marker = urlencode({"graph": marker_graph("urn:g")})
    assert line.startswith(f"liaise-lod: DELETE {store.url}/s?{marker}: ")
    assert len(line) < 1200


def test_a_store_error_page_is_quoted_without_its_escapes(dump, capsys):
    with raw_store(answering(MALFORMED["escapes"])) as store:
        main(["push", str(dump), "--graph", "urn:g", "--endpoint", f"{store.url}/s"])
    line = one_line_failure(capsys, 1)
    assert "HTTP 500 Boom: \\x1b]0;owned\\x07\\x1b[2J\\x1b[31mdisk full\\x9b31m\\u202e" in line
    assert line.endswith("…")


CHALLENGES = {
    "no-fields": "Digest realm",
    "no-nonce": 'Digest realm="r"',
    "unknown-algorithm": 'Digest realm="r", nonce="n", algorithm="ROT13"',
    "auth-int": 'Digest realm="r", nonce="n", qop="auth-int"',
    "unknown-qop": 'Digest realm="r", nonce="n", qop="magic"',
}


@pytest.mark.parametrize("challenge", CHALLENGES.values(), ids=CHALLENGES.keys())
def test_a_digest_challenge_that_cannot_be_met_is_a_one_line_error(
    dump, capsys, monkeypatch, challenge
):
    monkeypatch.setenv("STORE_LOGIN", LOGIN)
    headers = f"WWW-Authenticate: {challenge}\r\nContent-Length: 0\r\nConnection: close"
    answer = f"HTTP/1.1 401 No\r\n{headers}\r\n\r\n"
    with raw_store(answering(answer.encode())) as store:
        args = ["push", str(dump), "--graph", "urn:g", "--endpoint", f"{store.url}/s"]
        code = main([*args, "--auth-env", "STORE_LOGIN"])
    line = one_line_failure(capsys, code)
    assert "HTTP 401" in line or "digest challenge" in line


# --------------------------------------------------------------------------- settings


BAD_URLS = [
    "127.0.0.1:7878/store",
    "//127.0.0.1/store",
    "ftp://127.0.0.1/store",
    "file:///etc/passwd",
    "http://127.0.0.1/st ore",
    "http://127.0.0.1\t/store",
    "http://127.0.0.1/store\n",
    "http://127.0.0.1\x1b[2J/store",
    "http://127.0.0.1:99999/store",
    "http://127.0.0.1:port/store",
    "http://127.0.0.1:0/store",
    "http://[::1/store",
    "http://::1/store",
    "http://[::1]x/store",
    "http:///store",
    "http://",
    "http:store",
    "",
]


@pytest.mark.parametrize("option", ["--endpoint", "--update-endpoint"])
@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_endpoint_url_is_a_usage_error(dump, capsys, option, url):
    args = ["push", str(dump), "--graph", "urn:g", "--endpoint", f"http://127.0.0.1:{free_port()}/"]
    code = main([*args, option, url])
    line = one_line_failure(capsys, code, expected_code=2)
    assert option in line


USERINFO_URLS = [
    f"http://alice:{SECRET}@127.0.0.1/store",  # no port: was a traceback quoting the URL
    f"http://alice:{SECRET}@127.0.0.1:7878/store",
    f"http://alice:{SECRET}@[::1/store",
    f"http://alice:{SECRET}@127.0.0.1:99999/store",
    f"http://alice:{SECRET}/x@127.0.0.1/store",  # a '/' in the password
    f"ftp://alice:{SECRET}@127.0.0.1/store",
    f"http://alice:{SECRET}@127.0.0.1/st ore",
    f"http://{SECRET}@127.0.0.1/store",
]


@pytest.mark.parametrize("option", ["--endpoint", "--update-endpoint"])
@pytest.mark.parametrize("url", USERINFO_URLS)
def test_a_password_in_an_endpoint_url_is_never_shown(dump, capsys, option, url):
    args = ["push", str(dump), "--graph", "urn:g", "--endpoint", f"http://127.0.0.1:{free_port()}/"]
    line = one_line_failure(capsys, main([*args, option, url]), expected_code=2)
    assert option in line
    with pytest.raises(ConfigError) as caught:
        push(dump, url, graph="urn:g", progress=False)
    assert SECRET not in str(caught.value)


BAD_SECRETS = {
    "bell": f"Bearer {SECRET}\x07",
    "newline": f"Bearer {SECRET}\n",
    "carriage-return": f"Bearer {SECRET}\r",
    "space": f"Bearer {SECRET} more",
    "non-ascii": f"Bearer {SECRET}é",
    "empty-token": "Bearer ",
    "login-newline": f"alice:{SECRET}\n",
    "login-escape": f"alice:{SECRET}\x1b[2J",
    "login-c1": f"alice\x85:{SECRET}",
}


@pytest.mark.parametrize("value", BAD_SECRETS.values(), ids=BAD_SECRETS.keys())
def test_credentials_with_control_characters_are_refused_unshown(dump, capsys, monkeypatch, value):
    monkeypatch.setenv("STORE_LOGIN", value)
    with raw_store(answering(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")) as store:
        args = ["push", str(dump), "--graph", "urn:g", "--endpoint", f"{store.url}/s"]
        code = main([*args, "--auth-env", "STORE_LOGIN"])
    line = one_line_failure(capsys, code, expected_code=2)
    assert "STORE_LOGIN" in line and "not shown" in line
    assert store.requests == []


@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "inf"])
def test_timeout_must_be_a_positive_number_of_seconds(dump, capsys, timeout):
    args = ["push", str(dump), "--graph", "urn:g", "--endpoint", "http://127.0.0.1:9/"]
    line = one_line_failure(capsys, main([*args, "--timeout", timeout]), expected_code=2)
    assert "timeout" in line


@pytest.mark.parametrize("iri", ["urn:g\n", "urn:g\x01", "urn:g\x1b[2J", "urn:a b", "urn:<x>"])
def test_a_graph_iri_with_controls_or_spaces_is_refused(dump, capsys, iri):
    args = ["push", str(dump), "--endpoint", "http://127.0.0.1:9/", "--graph", iri]
    line = one_line_failure(capsys, main(args), expected_code=2)
    assert "not an absolute IRI" in line


def test_store_messages_escape_controls_and_stay_short():
    assert store_message("a\x1b[31mb\x07c\u009bd\u202ee") == "a\\x1b[31mb\\x07c\\x9bd\\u202ee"
    assert store_message("<script>\x1b</script>ok<style>x</style>") == "ok"
    assert len(store_message("\x1b" * 5000)) == 600
    started = time.monotonic()
    for page in ("<script" * 10_000, "<a " * 20_000, "<" * 60_000, "<!--" * 15_000):
        store_message(page)
    assert time.monotonic() - started < 30  # quadratic patterns took minutes


def test_push_errors_carry_the_http_status(oxigraph):
    wrong = oxigraph.endpoint.replace("/store", "/nope")
    with pytest.raises(PushError) as caught:
        push(EXAMPLE, wrong, graph=a_graph(), progress=False, log=lambda m: None)
    assert caught.value.status == 404
    with pytest.raises(PushError) as caught:
        push(EXAMPLE, f"http://127.0.0.1:{free_port()}/store", progress=False, log=lambda m: None)
    assert caught.value.status is None


URL_PARTS = st.sampled_from(["http://", "https://", "ftp://", "//", "[", "]", ":", "@", "/", "?",
                             "#", "%", "::1", "127.0.0.1", "h", "80", "99999", " ", "\x1b", "é"])  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(URL_PARTS, max_size=10).map("".join), st.text(max_size=5))
def test_any_endpoint_text_is_accepted_or_refused_without_its_secret(url, noise):
    url = url.replace("@", f"{SECRET}@") + noise
    try:
        check_endpoint(url, "--endpoint")
    except ConfigError as error:
        assert SECRET not in str(error) and "\x1b" not in str(error)
    else:
        assert urlsplit(url).username is None  # a URL with a user:password part is never accepted


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_credentials_value_is_accepted_or_refused_unshown(value):
    with pytest.MonkeyPatch.context() as patch:
        try:
            patch.setenv("STORE_LOGIN", SECRET + value)
        except ValueError:
            return  # no environment variable can hold it (a NUL)
        try:
            assert credentials("STORE_LOGIN") == SECRET + value
        except ConfigError as error:
            assert SECRET not in str(error)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_store_text_becomes_one_printable_line(text):
    line = store_message(text)
    assert len(line) <= 600
    assert line.isprintable()
