"""Content negotiation: the Accept parser, and `liaise-lod serve` over real HTTP on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from conftest import MINI
from liaise_lod.publish import publish
from liaise_lod.publish.negotiate import choose
from publish_helpers import get, serving

ALL = [".html", ".jsonld", ".nt", ".ttl"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, ".html"),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", ".html"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", ".jsonld"),
        ("text/*;q=0.3, text/turtle;q=0.4, text/html;q=0.1", ".ttl"),
        ("*/*;q=0.1, application/n-triples", ".nt"),
        ("text/turtle;q=0, */*", ".html"),
        ("image/png", None),
        ("text/turtle;q=0", None),
        ("application/json", ".jsonld"),  # JSON-LD is JSON
        ("application/json;q=0.5, text/turtle", ".ttl"),
    ],
)
def test_choose_honours_q_values(accept, expected):
    assert choose(accept, ALL) == expected


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = tmp_path_factory.mktemp("serve") / "site"
    publish(MINI, site)
    with serving(site) as url:
        yield url, site


@pytest.mark.parametrize(
    ("accept", "content_type", "suffix"),
    [
        ("text/turtle", "text/turtle", ".ttl"),
        ("application/ld+json", "application/ld+json", ".jsonld"),
        ("application/n-triples", "application/n-triples", ".nt"),
        ("text/html", "text/html", ".html"),
        ("text/turtle;q=0.2, application/n-triples;q=0.8", "application/n-triples", ".nt"),
    ],
)
def test_extensionless_iris_are_negotiated(server, accept, content_type, suffix):
    url, site = server
    status, headers, body = get(f"{url}/project/alpha", accept)
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert "Accept" in headers["Vary"]
    assert body == (site / f"project/alpha{suffix}").read_bytes()


def test_turtle_from_the_server_parses(server):
    url, _ = server
    _, _, body = get(f"{url}/event/seminar-1", "text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) > 10


def test_406_404_and_no_traversal(server):
    url, _ = server
    assert get(f"{url}/project/alpha", "image/png")[0] == 406
    assert get(f"{url}/project/nothing", "text/html")[0] == 404
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/.htaccess", "/..%2fpasswd"):
        assert get(url + path)[0] == 404, path
    # One address per resource, as a static server has it: the pages' relative links hold.
    for path in ("/project/alpha/", "//project/alpha", "/project//alpha", "/project/alpha.html/"):
        assert get(url + path)[0] == 404, path


def test_files_and_root_are_served(server):
    url, _ = server
    status, headers, _ = get(f"{url}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert get(f"{url}/", "text/turtle")[1]["Content-Type"].startswith("text/turtle")
    status, headers, body = get(f"{url}/", "application/n-triples")
    assert status == 200 and len(Graph().parse(data=body, format="nt")) > 10
    assert get(f"{url}/sitemap.xml")[0] == 200
    assert get(f"{url}/project/alpha.ttl")[1]["Content-Type"].startswith("text/turtle")


def test_shipped_web_configs_negotiate_the_same_types():
    from liaise_lod.publish.webconfig import htaccess, nginx

    conf = nginx("https://data.example.org/mini/").decode()
    assert 'location "/mini/"' in conf and "Vary Accept" in conf
    assert "text/turtle" in conf and "application/ld[+]json" in conf
    apache = htaccess().decode()
    assert "Header merge Vary Accept" in apache and "RewriteRule ^(.+)$ $1.ttl [L]" in apache


def test_serve_refuses_a_missing_folder(tmp_path):
    from liaise_lod.cli import main

    assert main(["serve", str(Path(tmp_path) / "none")]) == 2


def test_serve_refuses_a_folder_that_is_no_site(tmp_path, capsys):
    from liaise_lod.cli import main

    (tmp_path / "dataset.ttl").write_text("", encoding="utf-8")  # a build, say
    assert main(["serve", str(tmp_path)]) == 2
    assert "is not a published site" in capsys.readouterr().err
