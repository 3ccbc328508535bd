"""Participations as fragments of their project's document (``participation_iris: fragments``):
the same data under other IRIs, each of which leads somewhere, and no pages of their own."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import pytest
import test_publish_jsonld as jsonld_tests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from checkers import jsonld_read_all
from conftest import EXAMPLE, MINI
from liaise_lod.errors import ConfigError, InputError
from liaise_lod.load import load_dataset
from liaise_lod.namespaces import ORG
from liaise_lod.publish import Settings, publish
from publish_helpers import ISLAND, SCHEMA_CONTEXT, get, serving

SETTINGS = Settings(modified="2026-01-15")


class Sites(NamedTuple):
    base: str
    pages: Path
    fragments: Path


def with_fragments(dataset: Path, folder: Path) -> Path:
    """A copy of ``dataset`` whose settings ask for participations as fragments."""
    shutil.copytree(dataset, folder)
    settings = folder / "dataset.yaml"
    text = settings.read_text(encoding="utf-8")
    changed = re.sub(
        r"^dataset:\n", "dataset:\n  participation_iris: fragments\n", text, count=1, flags=re.M
    )
    assert changed != text
    settings.write_text(changed, encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=[EXAMPLE, MINI], ids=["example", "mini"])
def sites(request, tmp_path_factory) -> Sites:
    tmp = tmp_path_factory.mktemp("fragments")
    publish(request.param, tmp / "pages", SETTINGS)
    publish(with_fragments(request.param, tmp / "data"), tmp / "fragments", SETTINGS)
    base = load_dataset(request.param).info.base
    assert base
    return Sites(base, tmp / "pages", tmp / "fragments")


def dump(site: Path) -> Graph:
    with gzip.open(site / "dataset.nt.gz", "rt", encoding="utf-8") as data:
        return Graph().parse(data=data.read(), format="nt")


def memberships(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, ORG.Membership) if isinstance(s, URIRef)}


class Ids(HTMLParser):
    """The ``id`` attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


def page_ids(page: Path) -> set[str]:
    parser = Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.ids


def renamed(graph: Graph, base: str) -> Graph:
    """The pages-mode graph with each participation's IRI (and its parts') as the fragment of
    its project's document the documentation promises: ``project/{p}#member-{id}``, less the
    ``{p}--`` the id begins with; a part ``#period`` as ``#member-{id}-period``."""
    names = {}
    for node in memberships(graph):
        if not str(node).startswith(base + "participation/"):
            continue  # a project's contact
        project = graph.value(node, ORG.organization)
        project_id = str(project).rpartition("/")[2]
        record_id = str(node).rpartition("/")[2]
        names[str(node)] = f"{project}#member-{record_id.removeprefix(project_id + '--')}"
    assert names

    def rename(term):
        if not isinstance(term, URIRef):
            return term
        document, _, fragment = str(term).partition("#")
        if document not in names:
            return term
        return URIRef(names[document] + (f"-{fragment}" if fragment else ""))

    out = Graph()
    for triple in graph:
        out.add(tuple(map(rename, triple)))  # type: ignore[arg-type]
    return out


def test_the_data_is_the_same_under_the_fragment_iris(sites):
    """The dumps hold the same triples, participation IRIs renamed (no blank nodes: a set
    comparison is an isomorphism test)."""
    pages, fragments = dump(sites.pages), dump(sites.fragments)
    assert not any(
        str(node).startswith(sites.base + "participation/") for node in fragments.all_nodes()
    )
    assert set(renamed(pages, sites.base)) == set(fragments)


def test_no_participation_pages_nor_files_nor_listings(sites):
    site = sites.fragments
    assert not (site / "participation").exists()
    assert (sites.pages / "participation").is_dir()
    written = [p for p in site.rglob("*") if p.is_file()]
    assert len(written) < len([p for p in sites.pages.rglob("*") if p.is_file()])
    for listing in ["sitemap.xml", "search.json", "index.html"]:
        assert "participation/" not in (site / listing).read_text(encoding="utf-8"), listing
    for page in site.rglob("*.html"):
        assert "participation/" not in page.read_text(encoding="utf-8"), page


def test_every_iri_of_the_dumps_leads_to_a_document_and_a_fragment(sites):
    """Every IRI under the base in the dumps dereferences: its document has a page and data
    files in the site, and its fragment is an ``id`` of the page (a browser lands on it)."""
    site, base = sites.fragments, sites.base
    graph = dump(site)
    iris = {str(node) for node in graph.all_nodes() if str(node).startswith(base)}
    fragments = {iri for iri in iris if "#" in iri}
    assert {str(m) for m in memberships(graph)} <= fragments
    ids: dict[str, set[str]] = {}
    for iri in sorted(iris):
        document, _, fragment = iri.partition("#")
        path = document[len(base) :]
        for extension in (".html", ".ttl", ".jsonld", ".nt"):
            assert (site / f"{path}{extension}").is_file() or path in ("", "dataset"), iri
        if fragment:
            if path not in ids:
                ids[path] = page_ids(site / f"{path}.html")
            assert fragment in ids[path], iri


def test_the_project_documents_describe_their_participations(sites):
    """The project's Turtle, JSON-LD and N-Triples each hold every triple of its
    participations."""
    site, base = sites.fragments, sites.base
    graph = dump(site)
    context = json.loads((site / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    by_project: dict[str, set] = {}
    for membership in memberships(graph):
        document = str(membership).partition("#")[0]
        by_project.setdefault(document, set()).update(graph.triples((membership, None, None)))
    assert by_project
    for document, triples in by_project.items():
        path = site / document[len(base) :]
        for extension, syntax in ((".ttl", "turtle"), (".nt", "nt")):
            held = set(Graph().parse(path.with_suffix(extension), format=syntax))
            assert triples <= held, f"{path}{extension}"
        document = json.loads(path.with_suffix(".jsonld").read_text(encoding="utf-8"))
        document["@context"] = context  # the site's copy of the context, offline
        held = set(Graph().parse(data=json.dumps(document), format="json-ld"))
        assert triples <= held, f"{path}.jsonld"


#: A participation's page address (relative or absolute), its project and the rest of its id.
PARTICIPATION_PAGE = re.compile(r"participation/([a-z0-9_-]+?)--")
#: Where a page's table of every statement begins: the node sections differ, by design.
DATA_SECTION = '<section id="data"'


def visible(page: str) -> str:
    """A page above its table of statements, without its JSON-LD island (whose nodes are in
    the order of their IRIs; ``test_every_island_..._is_our_graph`` reads it)."""
    return ISLAND.sub("", page.split(DATA_SECTION)[0])


def test_every_page_shows_visitors_what_it_showed(sites):
    """Every resource page (a project's partners, an organisation's projects by role) is the
    page of the pages mode with the participations' addresses as fragments, above the table
    of statements."""
    compared = 0
    for page in sorted(sites.fragments.rglob("*/*.html")):
        before = (sites.pages / page.relative_to(sites.fragments)).read_text(encoding="utf-8")
        expected = PARTICIPATION_PAGE.sub(r"project/\1#member-", before)
        after = page.read_text(encoding="utf-8")
        assert visible(after) == visible(expected), page
        compared += "#member-" in after
    assert compared > 0


def test_links_to_participations_land_on_their_rows(sites):
    for page in sorted(sites.fragments.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for path, fragment in re.findall(r'href="([^"#]*)#(member-[^"]+)"', text):
            target = (page.parent / path).resolve() if path else page
            assert fragment in page_ids(target.with_suffix(".html")), (page, path, fragment)


def test_every_island_passes_a_strict_jsonld_processor_and_is_our_graph(sites):
    site = sites.fragments
    graph = dump(site)
    documents = jsonld_tests.every_island([(site, graph)])
    context = {"https://schema.org": SCHEMA_CONTEXT / "schemaorg-context.jsonld"}
    rejected, _ = jsonld_read_all(documents, context)
    assert rejected == {}
    jsonld_tests.test_every_island_is_the_schema_reading_of_our_graph([(site, graph)])


def test_pages_mode_stated_is_the_default(tmp_path):
    """``participation_iris: pages`` writes the site the setting's absence writes, byte for
    byte (and that is the site of the code before the setting: checked by hand, see the
    commit)."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    settings = data / "dataset.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "dataset:\n", "dataset:\n  participation_iris: pages\n", 1
        ),
        encoding="utf-8",
    )
    publish(MINI, tmp_path / "default", SETTINGS)
    publish(data, tmp_path / "stated", SETTINGS)
    default = {
        p.relative_to(tmp_path / "default"): p.read_bytes()
        for p in (tmp_path / "default").rglob("*")
        if p.is_file()
    }
    stated = {
        p.relative_to(tmp_path / "stated"): p.read_bytes()
        for p in (tmp_path / "stated").rglob("*")
        if p.is_file()
    }
    assert default == stated
    assert any(path.parts[0] == "participation" for path in default)


def test_the_server_serves_the_project_documents(sites):
    with serving(sites.fragments) as root:
        project = next(
            p.stem
            for p in (sites.fragments / "project").glob("*.ttl")
            if "#member-" in p.read_text()
        )
        status, headers, body = get(f"{root}/project/{project}", "text/turtle")
        assert status == 200 and headers["Content-Type"].startswith("text/turtle")
        assert b"#member-" in body
        status, _, _ = get(f"{root}/participation/{project}")
        assert status == 404


def test_publish_refuses_to_drop_a_sites_participation_pages(tmp_path):
    """A site published with participation pages is not replaced by one without: their IRIs
    would stop resolving. The old site stays."""
    out = tmp_path / "site"
    publish(MINI, out, SETTINGS)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    data = with_fragments(MINI, tmp_path / "data")
    with pytest.raises(ConfigError, match="participation pages"):
        publish(data, out, SETTINGS)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    publish(data, tmp_path / "elsewhere", SETTINGS)  # a new site is fine


@pytest.mark.parametrize(
    ("participations", "clash"),
    [
        # the made-up id 'alpha--union--partner' gives '#member-union--partner'
        (
            [{"id": "union--partner", "organisation": "la-haye", "role": "partner"}],
            "union--partner",
        ),
        # '#member-x' would begin '#member-x-period', a part of the other
        (
            [
                {"id": "x", "organisation": "la-haye", "role": "partner"},
                {"id": "x-period", "organisation": "forum", "role": "partner"},
            ],
            "x",
        ),
    ],
)
def test_participations_whose_fragments_would_clash_are_refused(tmp_path, participations, clash):
    data = with_fragments(MINI, tmp_path / "data")
    rows = [{"organisation": "union", "project": "alpha", "role": "partner"}]
    rows += [{**row, "project": "alpha"} for row in participations]
    (data / "participations.csv").unlink()
    (data / "participations.json").write_text(json.dumps({"participations": rows}))
    with pytest.raises(InputError, match=r"would clash with that of participation '[^']*'"):
        load_dataset(data)
    # the same ids are fine with participation pages
    settings = data / "dataset.yaml"
    settings.write_text(
        settings.read_text().replace("participation_iris: fragments", "participation_iris: pages")
    )
    load_dataset(data)
