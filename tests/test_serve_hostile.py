"""`liaise-lod serve` against hostile clients, over real sockets on 127.0.0.1: links and
encodings that lead out of the site, malformed and overlong request targets, clients that send
nothing (or a byte now and then), and two hundred clients at once."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from liaise_lod.cli import main
from liaise_lod.publish.server import LISTEN_BACKLOG, SiteServer, make_server

SECRET = b"SECRET outside the site"
ACCEPTS = ["*/*", "text/html", "text/turtle", "application/ld+json", "application/n-triples"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A site whose links lead out of it in every way, and one link that stays inside."""
    base = tmp_path_factory.mktemp("serve-hostile")
    outside = base / "outside"
    (outside / "folder").mkdir(parents=True)
    for name in ("secret.ttl", "secret.html", "secret.nt", "folder/x.ttl", "folder/x.html"):
        (outside / name).write_bytes(SECRET)
    site = base / "site"
    (site / "project").mkdir(parents=True)
    (site / "index.html").write_bytes(b"<p>index</p>")
    (site / "description.ttl").write_bytes(b"<a> <b> <c> .")
    (site / "description.nt").symlink_to(outside / "secret.nt")  # the dataset IRI's files too
    (site / "project" / "alpha.ttl").write_bytes(b"<alpha> <b> <c> .")
    (site / "project" / "leak.ttl").symlink_to(outside / "secret.ttl")
    (site / "project" / "leak.html").symlink_to("../../outside/secret.html")
    (site / "linked").symlink_to(outside / "folder", target_is_directory=True)
    (site / "loop.ttl").symlink_to("loop.ttl")
    (site / ".hidden.ttl").write_bytes(SECRET)
    (site / "project" / "to-hidden.ttl").symlink_to("../.hidden.ttl")
    (site / "project" / "inside.ttl").symlink_to("alpha.ttl")
    return site


@pytest.fixture(scope="module")
def server(site) -> Iterator[SiteServer]:
    with running(make_server(site, port=0, timeout=1.0)) as server:
        yield server


@pytest.fixture
def port(server) -> int:
    return server.server_address[1]


class running:
    """Serve in a thread while inside."""

    def __init__(self, server: SiteServer):
        self.server = server

    def __enter__(self) -> SiteServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def raw_get(port: int, target: bytes, accept: str = "*/*") -> tuple[int, bytes]:
    """Send ``GET target`` exactly as given; the status and body of the answer (0: none)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"GET " + target + b" HTTP/1.0\r\nAccept: " + accept.encode() + b"\r\n\r\n"
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
    return status, body


OUT_OF_THE_SITE = [
    b"/project/leak",
    b"/project/leak.ttl",
    b"/project/leak.html",
    b"/linked/x",
    b"/linked/x.ttl",
    b"/loop",
    b"/loop.ttl",
    b"/project/to-hidden",
    b"/project/to-hidden.ttl",
    b"/.hidden.ttl",
    b"/description.nt",
    b"/../outside/secret.ttl",
    b"/%2e%2e/outside/secret.ttl",
    b"/%2E%2E/%2E%2E/outside/secret",
    b"/project/..%2f..%2foutside%2fsecret.ttl",
    b"/project%2f..%2f..%2foutside/secret",
    b"/..%5c..%5coutside%5csecret.ttl",
    b"/..\\outside\\secret.ttl",
    b"http://localhost/../outside/secret.ttl",
    b"//outside/secret.ttl",
    b"/%2foutside/secret.ttl",
    b"/outside/secret.ttl%00.html",
    b"/%c0%ae%c0%ae/outside/secret.ttl",
]


@pytest.mark.parametrize("target", OUT_OF_THE_SITE, ids=lambda t: t.decode())
def test_nothing_outside_the_site_is_served(site, port, target):
    absolute = str(site.parent / "outside" / "secret.ttl").encode()
    for path in (target, absolute):
        for accept in ACCEPTS:
            status, body = raw_get(port, path, accept)
            assert status in (400, 404, 406), (path, accept, status)
            assert SECRET not in body


def test_the_root_offers_only_what_lies_inside(port):
    status, body = raw_get(port, b"/", "application/n-triples")
    assert status == 406 and SECRET not in body
    assert raw_get(port, b"/", "text/turtle") == (200, b"<a> <b> <c> .")


def test_links_that_stay_inside_are_served(port):
    assert raw_get(port, b"/project/inside", "text/turtle") == (200, b"<alpha> <b> <c> .")
    assert raw_get(port, b"/project/inside.ttl") == (200, b"<alpha> <b> <c> .")


MALFORMED = {
    b"*": 400,
    b"project/alpha": 400,
    b"/%zz": 400,
    b"/%ff%fe": 400,
    b"/project/alpha%00": 400,
    b"/x%0d%0aSet-Cookie:%20a=b": 400,
    b"/\x1b[31mred": 400,
    b"/caf\xc3\xa9": 400,
    b"/" + b"a" * 300: 414,
    b"/" + b"%C3%A9" * 130: 414,
    b"/" + b"a/" * 1100: 414,
}


@pytest.mark.parametrize("target", MALFORMED, ids=lambda t: t[:40].decode("latin-1"))
def test_malformed_targets_are_answered_without_a_traceback(port, capfd, target):
    assert raw_get(port, target)[0] == MALFORMED[target]
    assert "Traceback" not in capfd.readouterr().err


def test_an_idle_client_is_dropped(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        started = time.monotonic()
        assert connection.recv(1) == b""  # closed by the server (here after 1 s)
        assert time.monotonic() - started < 9


def test_a_client_sending_a_byte_at_a_time_is_dropped(port):
    request = b"GET / HTTP/1.0\r\n" + b"X-Slow: " + b"a" * 1000
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        started = time.monotonic()
        with pytest.raises((BrokenPipeError, ConnectionResetError)):
            for byte in request:
                connection.sendall(bytes([byte]))
                time.sleep(0.1)
                assert time.monotonic() - started < 9, "still connected"
            # The whole request went out: whatever the server does, it must have closed.
            assert connection.recv(65536) == b""
            raise ConnectionResetError


def test_two_hundred_clients_at_once_are_all_answered(port):
    """With a listen backlog of 5, a quarter of them waited 10 s and more (SYNs dropped and
    sent again); the backlog is what decides, so it is checked too."""
    assert LISTEN_BACKLOG >= 128 and SiteServer.request_queue_size == LISTEN_BACKLOG
    for _ in range(2):
        assert at_once(port, 200).count(200) == 200


def at_once(port: int, count: int) -> list[int]:
    """The statuses ``count`` clients get, connecting at the same moment (0: no answer)."""
    start = threading.Barrier(count)
    statuses: list[int] = []

    def client() -> None:
        start.wait()
        try:
            statuses.append(raw_get(port, b"/project/alpha.ttl")[0])
        except OSError:
            statuses.append(0)

    threads = [threading.Thread(target=client) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def test_the_log_shows_no_control_character_from_a_request(site, capfd):
    with running(make_server(site, port=0, timeout=1.0)) as server:
        server.verbose = True  # type: ignore[attr-defined]
        raw_get(server.server_address[1], b"/\x1b]0;owned\x07")
    err = capfd.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b]0;owned\\x07" in err


def test_a_port_that_cannot_be_had_is_one_line(site, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = str(taken.getsockname()[1])
        assert main(["serve", str(site), "--port", busy]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith(f"liaise-lod: cannot serve on 127.0.0.1 port {busy}:")
        and err.count("\n") == 1
    )
    with pytest.raises(SystemExit) as exited:
        main(["serve", str(site), "--port", "99999"])
    assert exited.value.code == 2


def test_files_are_sent_whole_however_large(site, port):
    big = site / "project" / "big.nt"
    big.write_bytes(os.urandom(3 << 20))
    try:
        assert raw_get(port, b"/project/big.nt") == (200, big.read_bytes())
    finally:
        big.unlink()
