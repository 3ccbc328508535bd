"""Every publish is a release: the changes page and Atom feed say what changed since the site it
replaces, and the DCAT-AP description states the dataset as a series of versions.

The example's edit (``conftest.edited_example``) was worked out by hand: the news article
``news-cep-15th-general-assembly`` gets the id ``...-2`` (nothing links to it: one resource
removed, one added) and the project LIAISE 2 a new end and acronym (one changed). The feed is
read by lxml's strict XML parser and checked against RFC 4287's required elements; the pages
by Beautiful Soup and the W3C's HTML checker; the description by SEMIC's DCAT-AP shapes.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from rdflib import Graph, Literal, URIRef
from test_dcat_ap import results, semic_shapes
from test_publish import assert_same_trees

from checkers import html_problems
from conftest import EXAMPLE, MINI, edited_example
from liaise_lod import diff
from liaise_lod import namespaces as ns
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, LiaiseWarning
from liaise_lod.graph_diff import DumpText, GraphText, graph_text, sorted_dump_text, text_of
from liaise_lod.publish import Settings, publish, releases
from liaise_lod.publish.metadata import dcat_ap_conforms

BASE = "https://data.example.org/liaise2/"
MINI_BASE = "https://data.example.org/mini/"
ATOM = "{http://www.w3.org/2005/Atom}"
NEWS = "news/news-cep-15th-general-assembly"
NEWS_TITLE = (
    "CEP 15th General Assembly and International Conference on Gender-Based Violence in Probation"
)
PROJECT_NAME = "Local Institutions Against Violent Extremism II"
ADMS_NOTES = URIRef("http://www.w3.org/ns/adms#versionNotes")
DCAT = ns.DCAT3
HOSTILE = "</script><script>alert(1)</script> & <!-- ]]> <b>"
#: An RFC 3339 date-time, as Atom's dates are.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The example published (release 1, dated by --modified), then its edited copy published
    over it (release 2, issued 2026-02-01); a copy of the site after each."""
    tmp = tmp_path_factory.mktemp("releases")
    site = tmp / "site"
    first = publish(EXAMPLE, site, Settings(modified="2026-01-15"))
    shutil.copytree(site, tmp / "first")
    edited = edited_example(tmp / "edited")
    second = publish(edited, site, Settings(modified="2026-02-01", issued="2026-02-01"))
    return {"site": site, "first": tmp / "first", "edited": edited, "results": (first, second)}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def listed(section) -> dict[str, list[tuple[str, str | None]]]:
    """Heading -> (text, link) of each resource a release's section lists."""
    found = {}
    for heading in section.find_all("h3"):
        items = heading.find_next_sibling("ul").find_all("li")
        found[heading.get_text()] = [
            (li.get_text(), li.a["href"] if li.a else None) for li in items
        ]
    return found


def test_the_changes_page_lists_what_the_edit_changed(sites):
    page = soup(sites["site"] / "changes.html")
    latest = page.find("section", id="release-2")
    assert latest.h2.get_text() == "Version 2 · 1 February 2026"
    assert latest.p.get_text() == "Resources added: 1, removed: 1, changed: 1, since version 1."
    assert listed(latest) == {
        "Added (1)": [(NEWS_TITLE, NEWS + "-2")],
        "Removed (1)": [(NEWS_TITLE, None)],  # it has no page any more
        "Changed (1)": [(PROJECT_NAME, "project/liaise-2")],
    }
    first = page.find("section", id="release-1")
    assert first.h2.get_text() == "Version 1 · 15 January 2026"
    assert first.p.get_text().startswith("The first release. Resources: ")
    assert [s["id"] for s in page.find_all("section")] == ["release-2", "release-1"]
    french = soup(sites["site"] / "changes.fr.html").find("section", id="release-2")
    assert listed(french)["Modifiées (1)"] == [(PROJECT_NAME, "project/liaise-2.fr")]
    assert french.find("a", href="project/liaise-2.fr")["lang"] == "en"  # the name's language


def test_every_page_leads_to_the_changes_and_the_home_page_to_the_feed(sites):
    site = sites["site"]
    index = soup(site / "index.html")
    feed = index.find("link", rel="alternate", type="application/atom+xml")
    assert feed["href"] == "changes.atom"
    assert soup(site / "index.fr.html").find("link", type="application/atom+xml")["href"] == (
        "changes.fr.atom"
    )
    assert soup(site / "changes.html").find("link", type="application/atom+xml")
    footer = soup(site / "project/liaise-2.html").footer
    assert footer.find("a", href="../changes")
    assert "this is version 2" in index.find(id="data").get_text()


def test_the_feed_is_atom_as_rfc_4287_asks(sites):
    for name, language in (("changes.atom", "en"), ("changes.fr.atom", "fr")):
        feed = etree.parse(str(sites["site"] / name), etree.XMLParser(resolve_entities=False))
        root = feed.getroot()
        assert root.tag == ATOM + "feed"
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        # atom:feed: exactly one id, title and updated; an author (no entry has its own); a
        # self link
        for element in ("id", "title", "updated", "author"):
            assert len(root.findall(ATOM + element)) == 1, element
        assert root.find(f"{ATOM}author/{ATOM}name").text == "liaise-lod developers"
        links = {link.get("rel"): link.get("href") for link in root.findall(ATOM + "link")}
        assert links["self"] == BASE + name
        assert root.findtext(ATOM + "id") == BASE + name
        entries = root.findall(ATOM + "entry")
        assert [e.findtext(ATOM + "id") for e in entries] == [
            BASE + "#release-2",
            BASE + "#release-1",
        ]
        for entry in entries:
            for element in ("id", "title", "updated"):
                assert len(entry.findall(ATOM + element)) == 1, element
            assert RFC3339.fullmatch(entry.findtext(ATOM + "updated"))
            # no content-free entry without an alternate link (4.1.1)
            assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        # the release's dates, never the clock
        assert root.findtext(ATOM + "updated") == "2026-02-01T00:00:00Z"
        assert [e.findtext(ATOM + "updated") for e in entries] == [
            "2026-02-01T00:00:00Z",
            "2026-01-15T00:00:00Z",
        ]
        assert entries[0].findtext(ATOM + "published") == "2026-02-01T00:00:00Z"
        assert entries[1].find(ATOM + "published") is None  # release 1 stated no issued day
    content = etree.parse(str(sites["site"] / "changes.atom")).find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html"
    html = BeautifulSoup(content.text, "html.parser")
    assert [(li.get_text(), li.a["href"] if li.a else None) for li in html.find_all("li")] == [
        (f"Removed: {NEWS_TITLE}", None),
        (f"Added: {NEWS_TITLE}", BASE + NEWS + "-2"),
        (f"Changed: {PROJECT_NAME}", BASE + "project/liaise-2"),
    ]


def description(site: Path) -> Graph:
    return Graph().parse(site / "description.ttl")


def test_the_description_states_the_dataset_as_a_series_of_versions(sites):
    data = description(sites["site"])
    dataset, series = URIRef(BASE), URIRef(BASE + "#series")
    previous = URIRef(BASE + "#release-1")
    assert (series, ns.RDF.type, DCAT.DatasetSeries) in data
    assert data.value(dataset, DCAT.inSeries) == series
    assert data.value(dataset, DCAT.version) == Literal("2")
    assert data.value(dataset, DCAT.previousVersion) == previous
    assert data.value(dataset, ns.DCTERMS.issued) == Literal("2026-02-01", datatype=ns.XSD.date)
    notes = {(n.language, str(n)) for n in data.objects(dataset, ADMS_NOTES)}
    assert ("en", "Resources added: 1, removed: 1, changed: 1, since version 1.") in notes
    assert {language for language, _ in notes} == {"en", "fr"}
    assert data.value(previous, DCAT.version) == Literal("1")
    assert data.value(previous, DCAT.inSeries) == series
    assert data.value(previous, ns.DCTERMS.issued) is None  # it stated none
    assert data.value(previous, ns.RDF.type) is None  # its dumps are gone: no dcat:Dataset
    assert data.value(series, ns.DCTERMS.modified) == Literal("2026-02-01", datatype=ns.XSD.date)
    assert data.value(series, ns.DCTERMS.issued) is None  # the first release stated none
    assert data.value(series, ns.DCTERMS.title) is not None
    assert dcat_ap_conforms(data)
    assert results(data, semic_shapes())["Violation"] == []


def test_the_metadata_quality_score_does_not_drop(sites):
    first, second = sites["results"]
    assert first.quality.score == 375  # as before releases (with --modified)
    assert second.quality.score == 380  # an issued day too


def test_the_same_release_again_and_from_elsewhere_give_the_same_bytes(sites, tmp_path):
    """Publishing the release once more over its own site, or over a copy of the previous
    site given with --previous, writes the site byte for byte as it is."""
    settings = Settings(modified="2026-02-01", issued="2026-02-01")
    again = tmp_path / "again"
    shutil.copytree(sites["site"], again)
    publish(sites["edited"], again, settings)
    assert_same_trees(sites["site"], again)
    elsewhere = tmp_path / "elsewhere"
    publish(sites["edited"], elsewhere, replace(settings, previous=sites["first"]))
    assert_same_trees(sites["site"], elsewhere)
    with pytest.raises(ConfigError, match="is not a site that liaise-lod published"):
        publish(MINI, tmp_path / "mini", Settings(previous=sites["first"]))


def test_diff_reads_a_published_site(sites):
    """A site holds JSON files of its own (its search index): still an output, not a dataset."""
    changes = diff(sites["first"], sites["site"])
    assert {r.iri for r in changes.resources if r.change == "removed"} == {BASE + NEWS}


def test_the_dump_read_as_it_is_is_the_graph_parsed(sites):
    """The text a release is compared as, read from the N-Triples dump without parsing it,
    is that of the Turtle dump parsed; the history names that text's version."""
    site = sites["site"]
    text = sorted_dump_text(site / "dataset.nt.gz")
    assert text is not None
    assert text.lines == graph_text(site / "dataset.ttl.gz").lines
    history = releases.History.model_validate_json((site / "changes.json").read_bytes())
    assert text.version == history.latest.graph
    assert sorted_dump_text(site / "dataset.nt.gz", history.latest.graph) == text


def test_a_previous_dump_that_is_not_its_release_s_text_is_parsed(sites, tmp_path):
    """An earlier dump written again by another program (the same triples, other bytes) is
    no longer the text its history names: it is parsed, and the release says the same."""
    previous = tmp_path / "first"
    shutil.copytree(sites["first"], previous)
    dump = previous / "dataset.nt.gz"
    history = releases.History.model_validate_json((previous / "changes.json").read_bytes())
    assert sorted_dump_text(dump, history.latest.graph) is not None
    unsorted = Graph().parse(data=gzip.decompress(dump.read_bytes()), format="nt")
    unsorted = unsorted.serialize(format="nt", encoding="utf-8")
    with gzip.open(dump, "wb") as stream:
        stream.write(unsorted + unsorted.splitlines(keepends=True)[0])  # a line twice
    assert sorted_dump_text(dump, history.latest.graph) is None
    settings = Settings(modified="2026-02-01", issued="2026-02-01", previous=previous)
    publish(sites["edited"], tmp_path / "site", settings)
    assert_same_trees(sites["site"], tmp_path / "site")


@pytest.mark.parametrize(
    ("lines", "read"),
    [
        (['<http://x/a> <http://x/p> "b _:c" .'], True),
        (['<http://x/a> <http://x/p> "b" .', '<http://x/a> <http://x/p> "b" .'], True),
        (["<http://x/a> <http://x/p> _:c ."], False),
        (['_:c <http://x/p> "b" .'], False),
        (['<http://x/a> <http://x/p> "b"'], False),
    ],
)
def test_a_dump_with_blank_nodes_or_cut_short_is_not_read_as_it_is(tmp_path, lines, read):
    dump = tmp_path / "dataset.nt"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = sorted_dump_text(dump)
    assert (text is not None) == read
    if text is not None:
        assert text.lines == [lines[0].removesuffix(" .")]


# --------------------------------------------------------------------------- small datasets


def mini_copy(folder: Path, replace: tuple[str, str] | None = None) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(MINI, folder)
    if replace:
        path = folder / "dataset.yaml"
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(*replace), encoding="utf-8")
    return folder


RENAMED = ("name: {en: Alpha project, fr: Projet Alpha}", "name: {en: Alpha, fr: Alpha}")
BRANCH = "  - id: forum-branch\n    name: Forum branch\n    kind: network\n    parent: forum\n"
BRANCH_GONE = (BRANCH, "")


@pytest.mark.parametrize("value", ["a b", "-1", "1/2", "x" * 65, "1.0</script>"])
def test_a_version_that_cannot_name_a_release_is_refused(tmp_path, capsys, value):
    code = main(["publish", str(MINI), "--out", str(tmp_path / "s"), "--release", value])
    assert code == 2
    assert f"--release '{value}' is not a version" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_without_a_date_there_is_no_feed_and_the_settings_give_the_version(tmp_path):
    dataset = mini_copy(tmp_path / "a", ("  language: en\n", "  language: en\n  version: 7\n"))
    with pytest.warns(LiaiseWarning, match="no release date"):
        publish(dataset, tmp_path / "site")
    assert not list((tmp_path / "site").glob("*.atom"))
    assert "Version 7" in (tmp_path / "site" / "changes.html").read_text(encoding="utf-8")
    assert "atom" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    description = Graph().parse(tmp_path / "site" / "description.ttl")
    assert description.value(URIRef(MINI_BASE), DCAT.version) == Literal("7")


def test_a_malformed_history_is_refused_and_the_site_kept(tmp_path):
    site = tmp_path / "site"
    publish(MINI, site, Settings(issued="2026-01-01"))
    for broken in ("{", json.dumps({"format": "other", "base": "x", "releases": []})):
        (site / "changes.json").write_text(broken, encoding="utf-8")
        with pytest.raises(ConfigError, match="is not a release history that liaise-lod wrote"):
            publish(MINI, site, Settings(issued="2026-01-01"))
        assert (site / "changes.json").read_text(encoding="utf-8") == broken


def test_a_damaged_previous_dump_says_what_to_do_and_the_site_is_kept(tmp_path, capsys):
    """Only a release whose graph changed reads the previous dump: an edited example."""
    site, edited = tmp_path / "site", edited_example(tmp_path / "edited")
    publish(EXAMPLE, site, Settings(issued="2026-01-01"))
    (site / "dataset.nt.gz").write_bytes(b"edited by hand")
    assert main(["publish", str(edited), "--out", str(site), "--issued", "2026-01-02"]) != 0
    error = capsys.readouterr().err
    assert "dataset.nt.gz" in error and "--previous" in error and "Traceback" not in error
    assert (site / "dataset.nt.gz").read_bytes() == b"edited by hand"


def test_nothing_outside_the_previous_site_is_read(tmp_path):
    site = tmp_path / "site"
    publish(MINI, site, Settings(issued="2026-01-01"))
    outside = tmp_path / "secret.json"
    outside.write_bytes((site / "changes.json").read_bytes())
    (site / "changes.json").unlink()
    (site / "changes.json").symlink_to(outside)
    with pytest.raises(ConfigError, match="leads outside"):
        publish(MINI, site, Settings(issued="2026-01-01"))


def test_hostile_names_stay_text_in_the_page_and_the_feed(tmp_path):
    """A removed organisation's name (read from the previous dump) and a name in an edited
    history (with a control character neither XML nor HTML can hold) are shown as text,
    never as markup."""
    site = tmp_path / "site"
    hostile = (BRANCH, BRANCH.replace("Forum branch", f"'{HOSTILE}'"))
    publish(mini_copy(tmp_path / "a", hostile), site, Settings(issued="2026-01-01"))
    history = json.loads((site / "changes.json").read_text(encoding="utf-8"))
    edited = {"iri": MINI_BASE + "project/alpha", "change": "changed"}
    history["releases"][0].update(
        compared=True, changed=1, listed=[{**edited, "labels": {"en": "Edited\x01 " + HOSTILE}}]
    )
    (site / "changes.json").write_text(json.dumps(history), encoding="utf-8")
    publish(mini_copy(tmp_path / "b", BRANCH_GONE), site, Settings(issued="2026-02-01"))
    assert_shown_as_text(site, f"Removed: {HOSTILE}")
    assert_shown_as_text(site, f"Changed: Edited\ufffd {HOSTILE}")
    assert html_problems([site / "changes.html"]) == []


def assert_shown_as_text(site: Path, shown: str) -> None:
    page = (site / "changes.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>" not in page and "\x01" not in page
    assert page.count("</script>") == 1  # the island's own
    label = shown.partition(": ")[2]
    assert label in [li.get_text() for li in soup(site / "changes.html").find_all("li")]
    root = etree.parse(str(site / "changes.atom")).getroot()  # strict: one bad character fails
    contents = [BeautifulSoup(c.text, "html.parser") for c in root.iter(ATOM + "content")]
    items = [li.get_text() for html in contents for li in html.find_all("li")]
    assert shown in items, items
    assert all(not html.find("script") and not html.find("b") for html in contents)


# --------------------------------------------------------------------------- release rules


def graph(*subjects: str, name: str = "name") -> GraphText:
    """A graph of resources ``{MINI_BASE}{subject}``, each with a schema:name."""
    lines = [f'<{MINI_BASE}{s}> <http://schema.org/name> "{s} {name}"@en .' for s in subjects]
    return text_of(q.triple for q in ox.parse("\n".join(lines), ox.RdfFormat.N_TRIPLES))


def published(tmp_path: Path, history: releases.History, text: GraphText) -> releases.Previous:
    """A previous site holding ``history`` and ``text`` as its dump."""
    folder = tmp_path / f"site-{history.latest.version}"
    folder.mkdir()
    dump = folder / "dataset.nt"
    dump.write_text("".join(f"{line} .\n" for line in text.lines), encoding="utf-8")
    return releases.Previous(folder, history, dump)


def release(version=None, issued=None) -> releases.NewRelease:
    return releases.NewRelease(MINI_BASE, version, issued, None, 3)


def test_each_resource_is_counted_and_the_list_is_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(releases, "LISTED", 2)
    first = releases.next_history(None, graph("a", "b", "c"), release(issued="2026-01-01"))
    assert (first.latest.version, first.latest.compared, first.issued) == ("1", False, "2026-01-01")
    new = graph("b", "c", "d", "d#part", "e")
    new = text_of(
        q.triple
        for q in ox.parse(
            "\n".join(f"{line} ." for line in new.lines if "/c>" not in line)
            + f'\n<{MINI_BASE}c> <http://schema.org/name> "C"@fr .',
            ox.RdfFormat.N_TRIPLES,
        )
    )
    second = releases.next_history(published(tmp_path, first, graph("a", "b", "c")), new, release())
    latest = second.latest
    assert (latest.version, latest.previous) == ("2", "1")
    # a removed, c changed, d (and its #part: one resource) and e added
    assert (latest.added, latest.removed, latest.changed, latest.unlisted) == (2, 1, 1, 2)
    assert [(item.iri, item.change, item.labels) for item in latest.listed] == [
        (MINI_BASE + "a", "removed", {"en": "a name"}),  # named as the old graph had it
        (MINI_BASE + "c", "changed", {"fr": "C"}),
    ]


def test_the_history_keeps_the_latest_releases_and_the_first_day(tmp_path, monkeypatch):
    monkeypatch.setattr(releases, "RELEASES_KEPT", 2)
    history = releases.next_history(None, graph("a"), release(issued="2026-01-01"))
    previous_text = graph("a")
    for number, subjects in enumerate((("a", "b"), ("b",)), start=2):
        text = graph(*subjects)
        previous = published(tmp_path, history, previous_text)
        history = releases.next_history(previous, text, release(issued=f"2026-0{number}-01"))
        previous_text = text
    assert [r.version for r in history.releases] == ["3", "2"]
    assert history.issued == "2026-01-01"
    assert releases.History.model_validate_json(history.to_json()) == history


def test_versions_are_counted_given_or_refused(tmp_path):
    first = releases.next_history(None, graph("a"), release(version="2026a"))
    previous = published(tmp_path, first, graph("a"))
    # the same data once more: the same release, dated as this publish says
    again = releases.next_history(previous, graph("a"), release(issued="2026-05-01"))
    assert (again.latest.version, again.latest.issued, len(again.releases)) == (
        "2026a",
        "2026-05-01",
        1,
    )
    # the same data under a new version: a release without changes
    same = releases.next_history(previous, graph("a"), release(version="b"))
    assert (same.latest.version, same.latest.compared, same.latest.changed) == ("b", True, 0)
    with pytest.raises(ConfigError, match="differ from those of release 2026a"):
        releases.next_history(previous, graph("a", "b"), release(version="2026a"))
    with pytest.raises(ConfigError, match="not a whole number"):
        releases.next_history(previous, graph("a", "b"), release())
    later = releases.next_history(previous, graph("a", "b"), release(version="2"))
    previous = published(tmp_path, later, graph("a", "b"))
    with pytest.raises(ConfigError, match="release 2026a was published before"):
        releases.next_history(previous, graph("a"), release(version="2026a"))
    assert releases.next_history(previous, graph("a"), release()).latest.version == "3"


def test_a_history_of_another_base_starts_a_new_series(tmp_path):
    history = releases.next_history(None, graph("a"), release())
    folder = published(tmp_path, history, graph("a")).folder
    (folder / "changes.json").write_bytes(history.to_json())
    (folder / "dataset.nt").rename(folder / releases.PREVIOUS_DUMP)  # not gzipped: read anyway
    assert releases.read_previous(folder, MINI_BASE) is not None
    with pytest.warns(LiaiseWarning, match="starts a new series"):
        assert releases.read_previous(folder, "https://data.example.org/other/") is None


def _dump_of(folder: Path, name: str, text: GraphText) -> Path:
    path = folder / name
    with gzip.open(path, "wt", encoding="utf-8") as dump:
        dump.write("".join(f"{line} .\n" for line in text.lines))
    return path


@pytest.mark.parametrize("seed", range(12))
def test_the_dumps_compared_as_streams_give_what_the_graphs_compared_in_memory_give(
    tmp_path, monkeypatch, seed
):
    """A publish compares the previous release's dump with its own as two streams, sorted by
    subject, holding a few resources at a time: the release must be the one the graphs held
    whole give, whatever changed (a part only, a document's own statements, names, documents
    added and removed), and whichever resources the cut list keeps."""
    import random

    chance = random.Random(seed)
    monkeypatch.setattr(releases, "LISTED", chance.choice([1, 3, 200]))
    names = ["a", "a-b", "ab", "b", "c", "d", "e"]

    def resources() -> list[tuple[str, str]]:
        found = []
        for name in names:
            for subject in (name, f"{name}#part", f"{name}#x"):
                if chance.random() < 0.6:
                    found.append((subject, chance.choice(["one", "two"])))
        return found

    def text(found: list[tuple[str, str]]) -> GraphText:
        lines = [
            f'<{MINI_BASE}{subject}> <http://schema.org/name> "{subject} {word}"@en .'
            for subject, word in found
        ]
        return text_of(q.triple for q in ox.parse("\n".join(lines), ox.RdfFormat.N_TRIPLES))

    old, new = text(resources()), text(resources())
    first = releases.next_history(None, old, release(issued="2026-01-01"))
    (tmp_path / "site").mkdir()
    previous = releases.Previous(
        tmp_path / "site", first, _dump_of(tmp_path / "site", "d.nt.gz", old)
    )
    streamed_new = DumpText.of(_dump_of(tmp_path, "new.nt.gz", new))
    assert streamed_new is not None and streamed_new.version == new.version
    in_memory = releases.next_history(previous, new, release())
    streamed = releases.next_history(previous, streamed_new, release())
    assert streamed == in_memory
    assert "lines" not in vars(streamed_new)  # compared as streams: the lines were never read
