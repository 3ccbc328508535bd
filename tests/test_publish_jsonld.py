"""The schema.org JSON-LD of every page, read back as crawlers read it (extruct, offline), is the
schema.org subset of that resource's graph, and passes the search-engines profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from checkers import in_ci
from conftest import EXAMPLE, REPO
from liaise_lod.namespaces import RDF, SCHEMA
from liaise_lod.pipeline import check
from liaise_lod.publish import Settings, publish
from publish_helpers import islands, to_graph

if in_ci():  # missing there, it must fail, not skip
    import extruct
else:
    extruct = pytest.importorskip("extruct")
SCHEMA_PREFIX = str(SCHEMA)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Graph]:
    out = tmp_path_factory.mktemp("site") / "liaise2"
    publish(EXAMPLE, out, Settings(modified="2026-01-15"))
    return out, check(EXAMPLE).graph


def extracted(page: Path) -> list[dict]:
    """The JSON-LD extruct finds in a page; a page without the key fails."""
    text = page.read_text(encoding="utf-8")
    data = extruct.extract(text, base_url="https://data.example.org/", syntaxes=["json-ld"])
    assert data.get("json-ld"), f"extruct found no JSON-LD in {page}"
    assert data["json-ld"] == islands(text), "extruct and a strict parser disagree"
    return data["json-ld"]


def is_schema(triple) -> bool:
    _, predicate, obj = triple
    if predicate == RDF.type:
        return str(obj).startswith(SCHEMA_PREFIX)
    return str(predicate).startswith(SCHEMA_PREFIX)


def test_every_island_is_the_schema_subset_of_our_graph(published):
    site, graph = published
    # Every resource's page, in each language (the top folder's are the site's own pages).
    pages = [p for p in site.rglob("*.html") if p.parent != site]
    assert len(pages) > 150
    for page in pages:
        (document,) = extracted(page)
        island = to_graph(document)
        resource = URIRef(document["@id"])
        assert all(is_schema(t) for t in island), page
        missing = [t for t in island if t not in graph]
        assert not missing, f"{page}: not in our graph: {missing[:3]}"
        own_schema = [t for t in graph.triples((resource, None, None)) if is_schema(t)]
        assert set(own_schema) <= set(island), page


def test_event_island_nests_location_address_and_organisers(published):
    site, _ = published
    (document,) = extracted(site / "event/liaise-2-seminar-3.html")
    assert document["@context"] == "https://schema.org"
    assert document["location"]["address"]["addressLocality"] == "The Hague"
    assert all("name" in organiser for organiser in document["organizer"])


def test_project_island_nests_funder_and_partners(published):
    site, _ = published
    (document,) = extracted(site / "project/liaise-2.html")
    assert document["funder"]["name"]
    partners = [role["member"] for role in document["member"] if "member" in role]
    assert len(partners) > 20 and all("name" in partner for partner in partners)


def test_index_island_is_a_dataset(published):
    site, _ = published
    (document,) = extracted(site / "index.html")
    island = to_graph(document)
    assert (URIRef("https://data.example.org/liaise2/"), RDF.type, SCHEMA.Dataset) in island
    report = search_engine_report(island)
    assert report[0], report[1]


def search_engine_report(data: Graph, focus: str | None = None) -> tuple[bool, str]:
    """The search-engines profile on the page's own resource (nested nodes are other pages')."""
    import pyshacl

    shapes = Graph().parse(REPO / "shapes/profiles/search-engines.ttl")
    options = {"focus_nodes": [URIRef(focus)]} if focus else {}
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True, **options)
    return conforms, text


def test_dated_events_meet_googles_required_properties(published):
    site, graph = published
    dated = sorted(
        str(event).rsplit("/", 1)[1]
        for event in graph.subjects(SCHEMA.startDate, None)
        if "/event/" in str(event) and (event, SCHEMA.location, None) in graph
    )
    assert len(dated) >= 4
    for name in dated:
        (document,) = extracted(site / f"event/{name}.html")
        conforms, text = search_engine_report(to_graph(document), document["@id"])
        assert conforms, f"{name}: {text}"


def test_the_profile_catches_an_event_without_start_date(published):
    site, _ = published
    (document,) = extracted(site / "event/liaise-2-seminar-3.html")
    document = {key: value for key, value in document.items() if key != "startDate"}
    conforms, _ = search_engine_report(to_graph(document), document["@id"])
    assert not conforms
