"""The shipped nginx configuration, run by a real nginx (Debian's `nginx-light`) on 127.0.0.1:
extension-less IRIs negotiated, the dataset IRI too, every kind of file with its media type,
and the site's own hidden files not served."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph

from checkers import require_executable
from conftest import MINI
from liaise_lod.publish import Settings, publish
from publish_helpers import get

BASE_PATH = "/mini"  # the path of the MINI dataset's base IRI


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_conf(shipped: str, root: Path, port: int, work: Path) -> str:
    """A whole nginx.conf around the shipped map (http block) and locations (server block)."""
    http_part, _, server_part = shipped.partition("# inside server { ... }:")
    temp = " ".join(f"{kind}_temp_path {work / kind};" for kind in ("client_body", "proxy"))
    return f"""daemon off;
master_process off;
worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"};
events {{ worker_connections 32; }}
http {{
    access_log off;
    {temp}
    fastcgi_temp_path {work / "fastcgi"}; uwsgi_temp_path {work / "uwsgi"};
    scgi_temp_path {work / "scgi"};
{http_part}
    server {{
        listen 127.0.0.1:{port};
        root {root};
{server_part}
    }}
}}
"""


@contextmanager
def running_nginx(shipped: str, root: Path, work: Path) -> Iterator[int]:
    """nginx on a free port of 127.0.0.1 with the shipped configuration and this ``root``,
    checked first with ``nginx -t``; yields the port."""
    executable = require_executable("nginx", "apt-get install nginx-light")
    port = free_port()
    conf = work / "nginx.conf"
    conf.write_bytes(nginx_conf(shipped, root, port, work).encode("utf-8", "surrogateescape"))
    checked = subprocess.run(
        [executable, "-t", "-c", str(conf), "-p", str(work)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [executable, "-c", str(conf), "-p", str(work)], stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def shipped_config(site: Path) -> str:
    return (site / ".webconfig/nginx.conf").read_bytes().decode("utf-8", "surrogateescape")


@pytest.fixture(scope="module")
def nginx_site(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    require_executable("nginx", "apt-get install nginx-light")
    work = tmp_path_factory.mktemp("nginx")
    site = work / "www" / BASE_PATH.strip("/")
    publish(MINI, site)
    (site / "queries").mkdir(exist_ok=True)
    (site / "queries/all.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with running_nginx(shipped_config(site), work / "www", work) as port:
        yield f"http://127.0.0.1:{port}{BASE_PATH}", site


@pytest.mark.parametrize(
    ("accept", "content_type", "suffix"),
    [
        (None, "text/html", ".html"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html", ".html"),
        ("text/turtle", "text/turtle", ".ttl"),
        ("application/ld+json", "application/ld+json", ".jsonld"),
        ("application/n-triples", "application/n-triples", ".nt"),
    ],
)
def test_nginx_negotiates_extensionless_iris(nginx_site, accept, content_type, suffix):
    url, site = nginx_site
    status, headers, body = get(f"{url}/project/alpha", accept)
    assert status == 200
    assert headers["Content-Type"] == f"{content_type}; charset=utf-8"
    assert "Accept" in headers["Vary"]
    assert body == (site / f"project/alpha{suffix}").read_bytes()


@pytest.mark.parametrize(
    ("accept", "file"),
    [
        (None, "index.html"),
        ("text/turtle", "description.ttl"),
        ("application/ld+json", "description.jsonld"),
        ("application/n-triples", "description.nt"),
    ],
)
def test_nginx_negotiates_the_dataset_iri(nginx_site, accept, file):
    url, site = nginx_site
    status, headers, body = get(f"{url}/", accept)
    assert status == 200 and "Accept" in headers["Vary"]
    assert body == (site / file).read_bytes()


def test_nginx_serves_every_file_with_its_media_type(nginx_site):
    url, site = nginx_site
    expected = {
        "robots.txt": "text/plain; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "style.css": "text/css; charset=utf-8",
        "shapes/README.md": "text/markdown; charset=utf-8",
        "dataset.ttl.gz": "application/gzip",
        "context.jsonld": "application/ld+json; charset=utf-8",
    }
    for query in (site / "queries").glob("*.rq"):
        expected[query.relative_to(site).as_posix()] = "application/sparql-query; charset=utf-8"
    for path, content_type in expected.items():
        status, headers, body = get(f"{url}/{path}")
        assert (status, headers["Content-Type"]) == (200, content_type), path
        assert body == (site / path).read_bytes()
    _, _, body = get(f"{url}/event/seminar-1", "text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) > 10


def test_nginx_hides_the_sites_own_files_and_unknown_paths(nginx_site):
    url, site = nginx_site
    assert (site / ".webconfig/nginx.conf").is_file() and (site / ".htaccess").is_file()
    for path in ("/.webconfig/nginx.conf", "/.htaccess", "/.liaise-lod-output", "/project/none"):
        assert get(url + path)[0] == 404, path


# --------------------------------------------------------------------------- hostile base IRIs

#: Valid base IRIs whose paths hold what nginx's configuration syntax gives a meaning to
#: (``;`` ends a directive, ``$`` starts a variable, quotes, braces, ``#``, spaces and line
#: breaks, these percent-encoded: nginx matches the decoded path) or that nginx normalises.
HOSTILE_BASES = [
    "https://data.example.org/a;b/",
    "https://data.example.org/$x/$y$/",
    "https://data.example.org/it's/(a)!*+,=&~@:/",
    "https://data.example.org/a%20b%09c/",
    "https://data.example.org/q%22%27%7B%7D%3B%24%23%5C/",
    "https://data.example.org/line%0Abreak%0D/",
    "https://data.example.org/caf%C3%A9/d%C3%A9j%C3%A0%FF/",
    "https://data.example.org/a//b%2Fc%25d/",
    "https://data.example.org",
]


@pytest.mark.parametrize("base", HOSTILE_BASES)
def test_nginx_accepts_the_configuration_for_any_base_iri(tmp_path, base):
    from liaise_lod.publish import webconfig

    shipped = webconfig.nginx(base).decode("utf-8", "surrogateescape")
    with running_nginx(shipped, tmp_path / "www", tmp_path):
        pass


def test_nginx_serves_a_site_under_a_hostile_base_iri(tmp_path):
    """Every character of the list above in one base IRI: the site, put where the decoded
    path says, is served and negotiated at the IRIs the pages have."""
    from urllib.parse import unquote, urlsplit

    base = "https://data.example.org/a;$x'(b)%20%22c%22%7Bd%7D%23e%0Af%5Cg%C3%A9//h/"
    path = urlsplit(base).path
    root = tmp_path / "www"
    site = Path(str(root) + unquote(path).replace("//", "/"))
    publish(MINI, site, Settings(base=base))
    with running_nginx(shipped_config(site), root, tmp_path) as port:
        url = f"http://127.0.0.1:{port}{path}"
        assert get(url)[2] == (site / "index.html").read_bytes()
        assert get(url, "text/turtle")[2] == (site / "description.ttl").read_bytes()
        status, headers, body = get(f"{url}project/alpha", "text/turtle")
        assert (status, headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")
        assert body == (site / "project/alpha.ttl").read_bytes()
        assert get(f"{url}.liaise-lod-output")[0] == 404


def test_a_base_iri_no_folder_can_stand_for_is_refused_before_any_work(tmp_path):
    from liaise_lod.errors import ConfigError

    with pytest.raises(ConfigError, match="%00"):
        publish(MINI, tmp_path / "site", Settings(base="https://data.example.org/a%00b/"))
    assert list(tmp_path.iterdir()) == []
