"""Sites published in partitions: every file byte for byte as a publish in one piece writes it,
whether the partitions' work runs here or in forked processes."""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import sys

import pytest
from rdflib import Literal, URIRef
from test_participation_fragments import with_fragments

from conftest import EXAMPLE, MINI, REPO
from liaise_lod._internal.partitions import Layout, owner_key, partition_of
from liaise_lod.cli import main
from liaise_lod.errors import InvalidGraphError
from liaise_lod.iris import Iris
from liaise_lod.load import load_dataset
from liaise_lod.mapping import to_graph
from liaise_lod.namespaces import ORG, RDF, SCHEMA
from liaise_lod.pipeline import build
from liaise_lod.publish import Settings, publish, releases, stored_index
from liaise_lod.publish import site as site_module
from liaise_lod.publish.index import SiteIndex
from liaise_lod.publish.stored_index import StoredIndex, link_tables, write_tables

sys.path.insert(0, str(REPO / "benchmarks"))
import synthetic

CLIMATE = REPO / "tests" / "data" / "climate"
MANIFEST = ".liaise-lod-manifest"


def site_files(folder):
    """Every file of a site, by path, but the manifest (a publish in partitions keeps none)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def assert_same_sites(one, many):
    first, second = site_files(one), site_files(many)
    assert sorted(second) == sorted(first)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def published(data, out, partitions, **options):
    return publish(data, out, Settings(partitions=partitions, **options))


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
@pytest.mark.parametrize("processes", [1, None])
def test_the_example_published_in_partitions_is_byte_identical(tmp_path, processes, monkeypatch):
    # Pages written by forked processes too, which open the index's files again; and what
    # the writers remember and hold of linked resources forgotten often, as at millions of
    # pages.
    monkeypatch.setattr(site_module, "PARALLEL_MINIMUM", 0)
    monkeypatch.setattr(site_module, "REMEMBERED", 3)
    monkeypatch.setattr(stored_index, "HELD", 2)
    options = {"processes": processes, "modified": "2026-01-01"}
    one = published(EXAMPLE, tmp_path / "one", 1, **options)
    many = published(EXAMPLE, tmp_path / "many", 3, **options)
    assert_same_sites(tmp_path / "one", tmp_path / "many")
    assert (tmp_path / "one" / MANIFEST).is_file() and not (tmp_path / "many" / MANIFEST).exists()
    assert many.build.report == one.build.report
    assert many.pages == one.pages and many.files == one.files
    assert many.build.triples_written == len(one.build.graph)
    assert not list((tmp_path / "many").glob(".partitions-*"))


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_a_generated_dataset_published_in_partitions_is_byte_identical(tmp_path):
    data = synthetic.write(tmp_path / "data", 30)
    published(data, tmp_path / "one", 1, strict=True, shards=2)
    published(data, tmp_path / "many", 5, strict=True, shards=2)
    assert_same_sites(tmp_path / "one", tmp_path / "many")


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_participations_as_fragments_are_published_in_partitions_alike(tmp_path):
    data = with_fragments(EXAMPLE, tmp_path / "data")
    published(data, tmp_path / "one", 1, modified="2026-01-01")
    published(data, tmp_path / "many", 3, modified="2026-01-01")
    assert_same_sites(tmp_path / "one", tmp_path / "many")
    assert not (tmp_path / "many" / "participation").exists()


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_a_dataset_of_cordis_shape_with_fragments_is_published_in_partitions_alike(tmp_path):
    # The shape of issue 22's target: many organisations, each in few projects.
    settings = {"participation_iris": "fragments"}
    data = synthetic.write(tmp_path / "data", 20, settings=settings, shape="cordis")
    records = synthetic.records(20, shape="cordis")
    assert len(records["organisations"]) == 50 and len(records["participations"]) == 80
    one = published(data, tmp_path / "one", 1, modified="2026-01-01")
    published(data, tmp_path / "many", 4, modified="2026-01-01")
    assert_same_sites(tmp_path / "one", tmp_path / "many")
    members = {str(m) for m in one.build.graph.subjects(RDF.type, ORG.Membership)}
    assert len(members) == 100 and all("#" in member for member in members)


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_a_dataset_made_in_python_is_published_in_partitions_alike(tmp_path):
    dataset = load_dataset(CLIMATE)  # no queries: a dataset made in Python names them from "."
    published(dataset, tmp_path / "one", 1)
    published(dataset, tmp_path / "many", 4)
    assert_same_sites(tmp_path / "one", tmp_path / "many")


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_own_vocabularies_and_language_tags_of_any_case_are_published_alike(tmp_path):
    """pyoxigraph gives language tags in lower case, rdflib as written: a page or a JSON-LD
    dump must show the same tag whichever way its triples came (here a region and a
    vocabulary's odd case), built or published; and a text stated twice, plain and as
    xsd:string, is one text."""
    data = tmp_path / "climate"
    shutil.copytree(CLIMATE, data)
    text = (data / "dataset.yaml").read_text()
    text = text.replace(
        "name: Harbour City,", "name: {en: Harbour City, fr-BE: Ville portuaire, sr-Latn: Luka},"
    )
    (data / "dataset.yaml").write_text(text)
    vocabulary = (data / "vocab" / "climate.ttl").read_text()
    vocabulary = vocabulary.replace(
        '"Sea-level rise"@en ;',
        '"Sea-level rise"@en, "Sea rise"@EN-gb ;\n    skos:altLabel "Rise", "Rise"^^xsd:string ;',
    )
    vocabulary = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + vocabulary
    (data / "vocab" / "climate.ttl").write_text(vocabulary)
    build(data, tmp_path / "built-one", partitions=1)
    build(data, tmp_path / "built-many", partitions=2)
    assert_same_sites(tmp_path / "built-one", tmp_path / "built-many")
    published(data, tmp_path / "one", 1)
    published(data, tmp_path / "many", 2)
    assert_same_sites(tmp_path / "one", tmp_path / "many")
    pages = "".join(
        page.read_text()
        for page in (tmp_path / "many").rglob("*.html")
        if "organisation" in str(page)
    )
    assert 'lang="fr-BE"' in pages
    concept = (tmp_path / "many" / "vocab" / "climate-topic" / "sea-level-rise.html").read_text()
    assert 'lang="en-GB"' in concept
    with gzip.open(tmp_path / "one" / "dataset.nt.gz", "rt", encoding="utf-8") as dump:
        lines = dump.readlines()
    assert len(lines) == len(set(lines))


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_a_release_after_one_published_in_partitions_lists_the_same_changes(tmp_path):
    """The second release compares its dump with the first's: the same history, feed and
    pages whether each was published in partitions or not."""
    data = synthetic.write(tmp_path / "data", 12)
    for partitions, site in ((1, tmp_path / "one"), (3, tmp_path / "many")):
        published(data, site, partitions, issued="2026-01-01", version="1")
    for path in sorted(data.glob("*.json")):
        path.write_text(path.read_text().replace("Synthetic project number 3.", "Edited."))
    for partitions, site in ((1, tmp_path / "one"), (3, tmp_path / "many")):
        published(data, site, partitions, issued="2026-02-01", version="2")
    assert_same_sites(tmp_path / "one", tmp_path / "many")
    history = json.loads((tmp_path / "many" / releases.HISTORY_FILE).read_text())
    latest = history["releases"][0]
    assert (latest["version"], latest["changed"], latest["added"]) == ("2", 1, 0)


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_a_dataset_with_violations_published_in_partitions_writes_nothing(tmp_path, request):
    published(MINI, tmp_path / "site", 2)
    before = site_files(tmp_path / "site")
    request.getfixturevalue("violations_everywhere")
    with pytest.raises(InvalidGraphError) as raised:
        published(MINI, tmp_path / "site", 2)
    with pytest.raises(InvalidGraphError) as whole:
        published(MINI, tmp_path / "other", 1)
    assert raised.value.report == whole.value.report
    assert site_files(tmp_path / "site") == before
    assert not list(tmp_path.glob("*/.partitions-*")) and not (tmp_path / "other").exists()


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
def test_a_large_dataset_is_published_in_partitions_unless_told(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(site_module, "WHOLE_RECORDS", 100)
    monkeypatch.setattr("liaise_lod._internal.partitions.RECORDS_PER_PARTITION", 100)
    with caplog.at_level(logging.INFO, logger="liaise_lod"):
        published(EXAMPLE, tmp_path / "default", None)
    assert "publishing in 2 partitions" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="liaise_lod"):
        published(EXAMPLE, tmp_path / "whole", 1)
        published(EXAMPLE, tmp_path / "topbraid", 2, shacl_engine="topbraid")
    assert "partitions" not in caplog.text.replace("publishing in one piece", "")
    assert (tmp_path / "whole" / MANIFEST).is_file()


def test_the_command_line_publishes_in_partitions(tmp_path, caplog):
    out = tmp_path / "site"
    with caplog.at_level(logging.INFO, logger="liaise_lod"):
        code = main(["-v", "publish", str(EXAMPLE), "--out", str(out), "--partitions", "2"])
    assert code == 0
    assert "publishing in 2 partitions" in caplog.text
    assert (out / "index.html").is_file() and not (out / MANIFEST).exists()


def test_the_index_on_disk_finds_the_same_links_as_the_one_in_memory(tmp_path):
    """``links_to`` from the table of links agrees with a walk of the linking documents'
    triples, for every document and every part that anything names."""
    dataset = load_dataset(with_fragments(EXAMPLE, tmp_path / "data"))
    base = dataset.info.base
    graph = to_graph(dataset, base)
    project = next(s for s in graph.subjects(ORG.hasMember) if "#" not in str(s))
    part = next(o for o in graph.objects(project, SCHEMA.member) if "#" in str(o))
    other = next(s for s in graph.subjects(SCHEMA.funder) if owner_key(s) != owner_key(part))
    graph.add((other, SCHEMA.about, part))  # a link to a part of another document
    graph.add((other, SCHEMA.mentions, Literal(str(project))))  # text, not a link
    graph.add((other, RDF.type, project))  # a class, not a link
    count = 3
    layout = Layout(tmp_path / "index", count, base, tables=write_tables)
    layout.folder.mkdir()
    pieces = [type(graph)() for _ in range(count)]
    for triple in graph:
        pieces[partition_of(owner_key(triple[0]), count)].add(triple)
    found = [write_tables(piece, layout, number) for number, piece in enumerate(pieces)]
    link_tables(layout)
    stored = StoredIndex.of_partitions(layout, found)
    memory = SiteIndex.of(graph, Iris(base))
    named = {str(o) for o in graph.objects() if isinstance(o, URIRef)} | set(memory.own)
    assert str(part) in named and len(named) > 300
    differing = [iri for iri in sorted(named) if stored.links_to(iri) != memory.links_to(iri)]
    assert differing == []
    assert [link.source for link in memory.links_to(str(part))] == [owner_key(other)]
    assert all(memory.incoming.get(d) == stored.incoming.get(d) for d in memory.own)


@pytest.mark.filterwarnings("ignore::liaise_lod.errors.LiaiseWarning")
@pytest.mark.parametrize(("partitions", "after"), [(1, False), (3, True)])
def test_in_partitions_the_index_page_is_written_after_the_pages(
    tmp_path, monkeypatch, partitions, after
):
    # In one piece the index page, search index and sitemap are made by a process of their
    # own beside the pages; in partitions after them, by this process, so that the two never
    # hold memory together (at 80,000 projects the three took 4.6 GiB, the pages alone 3.2).
    monkeypatch.setattr(site_module, "PARALLEL_MINIMUM", 0)
    events = []
    pages, rest = site_module.SiteBuilder._pages, site_module.SiteBuilder._rest

    def noted_pages(builder):
        pages(builder)
        events.append(("pages done", os.getpid()))

    def noted_rest(builder, dumps):
        events.append(("rest", os.getpid()))
        return rest(builder, dumps)

    monkeypatch.setattr(site_module.SiteBuilder, "_pages", noted_pages)
    monkeypatch.setattr(site_module.SiteBuilder, "_rest", noted_rest)
    published(EXAMPLE, tmp_path / "site", partitions, processes=2, modified="2026-01-01")
    here = os.getpid()
    # A forked process's note stays in that process: beside the pages, only theirs is seen.
    assert events == ([("pages done", here), ("rest", here)] if after else [("pages done", here)])
