"""publish: the site's contents, escaping of hostile text, determinism, atomicity, metadata."""

from __future__ import annotations

import gzip
import hashlib
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin

import pytest
from rdflib import Graph, Literal, URIRef

from checkers import html_problems
from conftest import EXAMPLE, MINI, REPO, run_cli
from liaise_lod import namespaces as ns
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, InvalidGraphError, LiaiseError, OutputError
from liaise_lod.publish import Settings, publish
from liaise_lod.publish.metadata import SPDX
from liaise_lod.publish.paths import inside, relative_url
from publish_helpers import islands

HOSTILE = "</script><script>alert(1)</script>"
AMPERSAND = "<b>&"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "liaise2"
    publish(EXAMPLE, out, Settings(modified="2026-01-15"))
    return out


@pytest.fixture
def hostile_dataset(tmp_path) -> Path:
    folder = tmp_path / "hostile"
    shutil.copytree(MINI, folder)
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    text = text.replace("en: Test Forum for Urban Security", f"en: '{HOSTILE}'")
    text = text.replace("name: First seminar", f"name: '{AMPERSAND} seminar'")
    (folder / "dataset.yaml").write_text(text, encoding="utf-8")
    return folder


def html_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_every_record_and_concept_has_a_page_and_data_files(site):
    for path in ("project/liaise-2", "event/liaise-2-seminar-3", "vocab/role/partner"):
        for extension in (".html", ".ttl", ".jsonld", ".nt"):
            assert (site / f"{path}{extension}").is_file(), path + extension
    graph = Graph().parse(site / "project/liaise-2.ttl")
    assert (URIRef("https://data.example.org/liaise2/project/liaise-2"), None, None) in graph
    assert len(Graph().parse(site / "project/liaise-2.nt")) == len(graph)


def test_project_page_shows_partners_by_role_and_events_in_order(site):
    page = (site / "project/liaise-2.html").read_text(encoding="utf-8")
    assert "<h3>Coordinator</h3>" in page and "<h3>Associate partner</h3>" in page
    assert '<a href="../organisation/efus">' in page
    dates = [page.index(f'datetime="{d}"') for d in ("2016-05-26", "2016-10-11", "2017-03-29")]
    assert dates == sorted(dates)
    # Language versions by the languages' own names, each marked as in its language.
    assert 'lang="fr" hreflang="fr">Français</a>' in page
    assert "creativecommons.org/licenses/by/4.0/" in page


class _Loaded(HTMLParser):
    """Every address a page makes the browser load: scripts, styles, icons, images, frames,
    media, SVG references and CSS ``url()``; links to follow are not loaded."""

    LOADED: ClassVar = {
        ("script", "src"),
        ("img", "src"),
        ("img", "srcset"),
        ("iframe", "src"),
        ("source", "src"),
        ("source", "srcset"),
        ("video", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("image", "href"),
        ("use", "href"),
        ("input", "src"),
        ("track", "src"),
    }

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in values.items():
            if (tag, name) in self.LOADED or name == "xlink:href":
                self.urls.append(value or "")
        rel = (values.get("rel") or "").split()
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(
            rel
        ):
            self.urls.append(values.get("href") or "")
        self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", values.get("style") or "")
        self.in_style = tag == "style"

    def handle_data(self, data):
        if self.in_style:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)


def test_every_page_states_the_licence_and_loads_nothing_external(site):
    """No page, nor its style sheet or script, makes a browser load anything from elsewhere."""
    loaded = set()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert 'rel="license"' in text, page
        parser = _Loaded()
        parser.feed(text)
        external = [url for url in parser.urls if re.match(r"\s*(https?:)?//", url, re.I)]
        assert external == [], page
        loaded.update(parser.urls)
    assert {"style.css", "search.js"} <= loaded  # the parser sees what pages load
    for own in ("style.css", "search.js"):
        text = (site / own).read_text(encoding="utf-8")
        assert not re.search(r"url\(|@import|https?://", text), own


def test_relative_links_resolve_to_pages(site):
    page = (site / "event/liaise-2-seminar-3.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="(\.\./[^"#]+)"', page):
        if not href.endswith((".css", ".ttl", ".jsonld", ".nt")):
            assert (site / "event" / f"{href}.html").resolve().is_file(), href


class _LinksAndIds(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])


def links_and_ids(page: Path) -> _LinksAndIds:
    parser = _LinksAndIds()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_link_in_the_site_leads_to_a_file_and_every_fragment_to_an_element(site):
    base = "https://data.example.org/liaise2/"
    parsed = {page: links_and_ids(page) for page in html_pages(site)}
    checked = 0
    for page, links in parsed.items():
        here = base + page.relative_to(site).as_posix()
        for href in links.hrefs:
            url, _, fragment = urljoin(here, href).partition("#")
            if not url.startswith(base):
                continue  # an IRI outside the site (licence, vocabularies)
            path = url[len(base) :] or "index.html"
            target = site / path if (site / path).is_file() else site / f"{path}.html"
            assert target.is_file(), f"{page}: {href} leads nowhere"
            if fragment:
                assert fragment in parsed[target].ids, f"{page}: no element #{fragment}"
            checked += 1
    assert checked > 1000


def test_value_nodes_have_sections_with_their_facts(site):
    page = (site / "event/liaise-2-seminar-3.html").read_text(encoding="utf-8")
    place = page[page.index('<section id="place"') :]
    assert "schema:Place" in place and "schema:address" in place
    address = page[page.index('<section id="place-address"') :]
    assert "<dd>The Hague</dd>" in address.split("</section>")[0]
    project = (site / "project/liaise-2.html").read_text(encoding="utf-8")
    assert '<a href="../project/liaise-2#figure-1">partner organisations</a>' in project
    assert "<dd>29</dd>" in project


def test_the_index_counts_concepts_and_schemes_apart(site):
    data = Graph().parse(data=gzip.decompress((site / "dataset.nt.gz").read_bytes()), format="nt")
    for kind, label, rdf_class in (
        ("concept", "Concepts", ns.SKOS.Concept),
        ("scheme", "Concept schemes", ns.SKOS.ConceptScheme),
    ):
        expected = len(set(data.subjects(ns.RDF.type, rdf_class)))
        row = f'<details id="kind-{kind}">\n<summary>{label} ({expected})</summary>'
        assert expected and row in (site / "index.html").read_text(encoding="utf-8")


def test_a_participation_is_titled_by_its_member_role_and_project(site):
    page = (site / "participation/liaise-2--cep--partner.html").read_text(encoding="utf-8")
    title = "Confederation of European Probation: Partner in "
    assert f"<h1>{title}Local Institutions Against Violent Extremism II</h1>" in page
    project = (site / "project/liaise-2.html").read_text(encoding="utf-8")
    assert f'<a href="../participation/liaise-2--cep--partner">{title}' in project


def test_hostile_text_is_escaped_and_cannot_leave_the_script(hostile_dataset, tmp_path):
    out = tmp_path / "site"
    publish(hostile_dataset, out)
    organisation = (out / "organisation/forum.html").read_text(encoding="utf-8")
    event = (out / "event/seminar-1.html").read_text(encoding="utf-8")
    for page in (organisation, event, (out / "project/alpha.html").read_text("utf-8")):
        assert "<script>alert(1)" not in page
        assert page.count("</script>") == 1
        assert "<b>&" not in page
    assert html.escape(HOSTILE, quote=False) in organisation
    assert "&lt;b&gt;&amp; seminar" in event
    names = str(islands(organisation)[0]["name"])
    assert HOSTILE in names
    assert "\\u003c/script\\u003e" in organisation
    assert AMPERSAND in str(islands(event)[0]["name"])
    for page in html_pages(out):
        assert islands(page.read_text(encoding="utf-8")), page


def test_every_page_is_valid_html5(site):
    """The W3C's Nu Html Checker finds no error and no warning on any page of the example."""
    pages = html_pages(site)
    assert len(pages) > 150
    assert html_problems(pages) == []


def test_pages_with_hostile_text_are_valid_html5(hostile_dataset, tmp_path):
    out = tmp_path / "site"
    publish(hostile_dataset, out)
    assert html_problems(html_pages(out)) == []


def assert_same_trees(first: Path, second: Path) -> None:
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_publishing_twice_gives_the_same_bytes(tmp_path):
    """In two interpreters with different string hashes (the example has links with equal
    texts: language versions of one guide)."""
    sites = [tmp_path / "seed-1", tmp_path / "seed-2"]
    for seed, site in zip("12", sites, strict=True):
        run_cli(["publish", str(EXAMPLE), "--out", str(site), "--modified", "2026-01-01"], seed)
    assert_same_trees(*sites)


def test_several_processes_write_the_same_site(tmp_path, monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("liaise_lod.publish.site"), "PAGE_BATCH", 7)
    one, three = tmp_path / "one", tmp_path / "three"
    alone = publish(EXAMPLE, one, Settings(processes=1))
    shared = publish(EXAMPLE, three, Settings(processes=3))
    assert_same_trees(one, three)
    assert shared.files == alone.files and shared.pages == alone.pages
    assert len(alone.pages) > 7 * 3


def test_the_heaviest_pages_are_written_first(tmp_path, monkeypatch):
    """Batches of pages go out heaviest first (the pages most linked to), so that the last
    ones taken are short and no process waits long for another."""
    import importlib

    site_module = importlib.import_module("liaise_lod.publish.site")
    monkeypatch.setattr(site_module, "PAGE_BATCH", 3)
    handed_out = []

    def recording_fork_map(work, items, processes, on_progress=None, meanwhile=None):
        if meanwhile:
            meanwhile()
        if all(isinstance(item, list) for item in items):  # batches of pages, not languages
            handed_out.extend(items)
        return [work(item) for item in items]

    monkeypatch.setattr(site_module, "fork_map", recording_fork_map)
    result = publish(EXAMPLE, tmp_path / "site", Settings(processes=1))
    from liaise_lod.iris import Iris
    from liaise_lod.publish.index import SiteIndex

    index = SiteIndex.of(result.build.graph, Iris(result.build.dataset.info.base))
    weights = [sum(map(index.weight, batch)) for batch in handed_out]
    assert weights == sorted(weights, reverse=True) and weights[0] > weights[-1]
    most_linked = max(index.page_resources(), key=lambda iri: len(index.incoming.get(iri, ())))
    assert most_linked in handed_out[0]
    assert sorted(iri for batch in handed_out for iri in batch) == index.page_resources()


def test_a_failing_publish_leaves_the_previous_site(tmp_path, write_dataset, monkeypatch):
    out = tmp_path / "site"
    publish(MINI, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    from liaise_lod.publish import site as site_module

    def broken(*args, **kwargs):
        raise OutputError("disk full")

    monkeypatch.setattr(site_module.sitemap, "robots", broken)
    with pytest.raises(OutputError):
        publish(MINI, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_a_full_disk_in_a_page_writer_is_reported_in_a_line(tmp_path, monkeypatch, capsys):
    """A helper process that meets a full disk: the command says so without a traceback,
    exits non-zero, and the previous site stays."""
    import errno
    import os
    import time

    from liaise_lod.publish import paths

    out = tmp_path / "site"
    publish(MINI, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    parent, write = os.getpid(), paths.SiteFolder.write

    def full_in_helpers(self, relative, data):
        if relative.endswith(".html") and "/" in relative:
            if os.getpid() != parent:
                raise OSError(errno.ENOSPC, "No space left on device")
            time.sleep(0.005)  # so that the helper gets pages to write
        write(self, relative, data)

    monkeypatch.setattr(paths.SiteFolder, "write", full_in_helpers)
    # --full: into the same site an incremental publish would link the pages, not write them
    assert main(["publish", str(MINI), "--out", str(out), "--processes", "2", "--full"]) != 0
    error = capsys.readouterr().err
    assert "No space left on device" in error and "Traceback" not in error
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


class _Violating:
    """A validation report with one violation, standing in for a dataset that violates."""

    conforms = False

    def text(self) -> str:
        return "1 violation: made up for the test"

    summary_text = text


def _violations_made_up(monkeypatch) -> None:
    from liaise_lod.publish import site as site_module

    validated = site_module._validated_since

    def violating(*arguments, **options):
        result = validated(*arguments, **options)
        result.report = _Violating()
        return result

    monkeypatch.setattr(site_module, "_validated_since", violating)


def test_violations_write_nothing_and_exit_1(tmp_path, monkeypatch, capsys):
    _violations_made_up(monkeypatch)
    out = tmp_path / "out"
    with pytest.raises(InvalidGraphError):
        publish(MINI, out)
    assert not out.exists()
    assert main(["publish", str(MINI), "--out", str(out)]) == 1
    assert not out.exists()
    assert "made up for the test" in capsys.readouterr().err


def test_violations_found_while_the_dumps_are_written_leave_the_previous_site(
    tmp_path, monkeypatch
):
    """With two processes the dumps are written while the graph is validated: violations
    stop them, and the previous site stays as it was, with no folder left beside it."""
    out = tmp_path / "out"
    publish(MINI, out)

    def files() -> list[tuple[Path, bytes]]:
        return sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())

    before = files()
    _violations_made_up(monkeypatch)
    with pytest.raises(InvalidGraphError):
        publish(MINI, out, Settings(processes=2))
    assert files() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_cli_publish_exit_codes(tmp_path, capsys):
    assert main(["publish", str(MINI), "--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s/index.html").is_file()
    assert main(["publish", str(MINI), "--out", str(tmp_path / "t"), "--modified", "soon"]) == 2


def test_paths_never_leave_the_site(tmp_path):
    with pytest.raises(OutputError):
        inside(tmp_path, "../escape.html")
    with pytest.raises(OutputError):
        inside(tmp_path, "/etc/passwd")
    assert inside(tmp_path, "project/a.html") == (tmp_path / "project/a.html").resolve()
    assert relative_url("project/a", "event/b") == "../event/b"
    assert relative_url("vocab/role/partner", "") == "../../"


def test_site_folder_checks_every_file_once_per_folder(tmp_path):
    from liaise_lod.publish.paths import SiteFolder

    site = tmp_path / "site"
    site.mkdir()
    (site / "link").symlink_to(tmp_path)  # a folder that leads outside
    folder = SiteFolder(site)
    assert folder.file("project/a.html") == site.resolve() / "project/a.html"
    assert (site / "project").is_dir()
    assert folder.file("index.html") == site.resolve() / "index.html"
    for bad in (
        "../escape.html",
        "/etc/passwd",
        "project/../../x",
        "link/x.html",
        "project/..",
        "a/",
    ):
        with pytest.raises(OutputError):
            folder.file(bad)
        with pytest.raises(OutputError):
            folder.write(bad, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    folder.write("project/a.html", b"<p>a</p>")
    folder.write("project/a.html", b"<p>b</p>")  # written over, not appended to
    assert (site / "project/a.html").read_bytes() == b"<p>b</p>"
    (site / "project/sneaky.html").symlink_to(tmp_path / "outside.html")
    with pytest.raises(OSError):
        folder.write("project/sneaky.html", b"x")  # a link is not followed out of the site
    assert not (tmp_path / "outside.html").exists()


def test_site_path_refuses_foreign_and_unsafe_iris():
    from liaise_lod.iris import Iris
    from liaise_lod.publish.paths import site_path

    iris = Iris("https://data.example.org/x/")
    assert site_path("https://data.example.org/x/project/a", iris) == "project/a"
    for bad in ("https://elsewhere.org/project/a", "https://data.example.org/x/project/../a"):
        with pytest.raises(OutputError):
            site_path(bad, iris)


def test_dumps_are_gzipped_deterministically_and_complete(site):
    turtle = gzip.decompress((site / "dataset.ttl.gz").read_bytes())
    graph = Graph().parse(data=turtle, format="turtle")
    nt = Graph().parse(data=gzip.decompress((site / "dataset.nt.gz").read_bytes()), format="nt")
    assert len(graph) == len(nt) > 1000
    assert (site / "dataset.ttl.gz").read_bytes()[4:8] == b"\0\0\0\0"
    for name in ("context.jsonld", "shapes/records.ttl", "schemes/roles.ttl", "robots.txt"):
        assert (site / name).is_file(), name
    queries = sorted(path.name for path in (EXAMPLE / "queries").glob("*.rq"))
    assert len(queries) == 12 and sorted(p.name for p in (site / "queries").iterdir()) == queries
    assert (site / ".webconfig/nginx.conf").is_file() and (site / ".htaccess").is_file()


def gzip_in_one_piece(text: bytes) -> bytes:
    """``text`` gzipped by zlib in one call, framed as our dumps are: level 6, no name, time 0,
    operating system "unknown" (zlib's own framing names the system it runs on)."""
    import struct
    import zlib

    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<LL", zlib.crc32(text), len(text))
    return header + zlib.compress(text, 6, wbits=-15) + trailer


@pytest.mark.parametrize(
    ("name", "fmt"), [("ttl", "turtle"), ("nt", "ntriples"), ("jsonld", "jsonld")]
)
def test_dumps_are_the_build_serialisations_gzipped(site, name, fmt):
    """Streamed into gzip as they are written, the dumps are still byte for byte the text
    ``serialize`` gives, compressed as in one piece."""
    from liaise_lod.pipeline import check
    from liaise_lod.serialize import serialize

    build = check(EXAMPLE)
    text = serialize(build.graph, fmt, build.dataset.info.base)
    dump = (site / f"dataset.{name}.gz").read_bytes()
    assert gzip.decompress(dump) == text
    assert dump == gzip_in_one_piece(text)


def test_gzip_writer_writes_what_zlib_writes_in_one_piece(tmp_path):
    import random

    from liaise_lod.publish.gzipped import BUFFER, gzip_writer

    rng = random.Random(7)
    sizes = [0, 1, 100, BUFFER + 3]
    pieces = [rng.randbytes(rng.choice(sizes)) * rng.randrange(1, 4) for _ in range(12)]
    with gzip_writer(tmp_path / "out.gz") as stream:
        for piece in pieces:
            stream.write(piece)
    assert (tmp_path / "out.gz").read_bytes() == gzip_in_one_piece(b"".join(pieces))


def test_description_is_dcat_and_void_with_checksums(site):
    graph = Graph().parse(site / "description.ttl")
    dataset = URIRef("https://data.example.org/liaise2/")
    distributions = list(graph.objects(dataset, ns.DCAT.distribution))
    assert len(distributions) == 3
    for distribution in distributions:
        url = str(graph.value(distribution, ns.DCAT.accessURL))
        data = (site / url.rsplit("/", 1)[1]).read_bytes()
        assert int(graph.value(distribution, ns.DCAT.byteSize)) == len(data)
        sha = hashlib.sha256(data).hexdigest()
        checksum = graph.value(distribution, SPDX.checksum)
        assert graph.value(checksum, SPDX.checksumValue) == Literal(sha, datatype=ns.XSD.hexBinary)
    triples = int(graph.value(dataset, ns.VOID.triples))
    dump = gzip.decompress((site / "dataset.nt.gz").read_bytes()).decode()
    assert triples == len(dump.splitlines())
    # void:vocabulary: the known namespaces of the dump's properties and classes, worked out
    # here from the dump by SPARQL
    data = Graph().parse(data=dump, format="nt")
    used = {str(row[0]) for row in data.query("SELECT DISTINCT ?p { ?s ?p ?o }")}
    used |= {str(row[0]) for row in data.query("SELECT DISTINCT ?c { ?s a ?c }")}
    expected = {
        namespace
        for namespace in ns.PREFIXES.values()
        if any(
            term.startswith(namespace)
            and not any(
                term.startswith(longer) and len(longer) > len(namespace)
                for longer in ns.PREFIXES.values()
            )
            for term in used
        )
    }
    vocabularies = {str(v) for v in graph.objects(dataset, ns.VOID.vocabulary)}
    assert vocabularies == expected
    assert {str(ns.SCHEMA), str(ns.ORG), str(ns.SKOS)} <= vocabularies


def test_description_passes_the_dcat_ap_profile(site):
    import pyshacl

    shapes = Graph().parse(REPO / "shapes/profiles/dcat-ap.ttl")
    data = Graph().parse(site / "description.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    assert conforms, text
    data.remove((None, ns.DCTERMS.title, None))
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    assert not conforms


def test_sitemap_lists_every_page_with_dates_from_the_setting(site):
    import xml.etree.ElementTree as ET

    root = ET.parse(site / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in root
    }
    pages = [p for p in html_pages(site) if p.name != "index.html"]
    assert len(urls) == len(pages) + 1
    assert set(urls.values()) == {"2026-01-15"}
    assert "https://data.example.org/liaise2/project/liaise-2" in urls
    canonical = re.compile(r'<link rel="canonical" href="([^"]+)">')
    pages_say = {canonical.search(page.read_text("utf-8")).group(1) for page in pages}
    assert pages_say | {"https://data.example.org/liaise2/"} == set(urls)  # concepts too
    robots = (site / "robots.txt").read_text()
    assert "Sitemap: https://data.example.org/liaise2/sitemap.xml" in robots


def test_a_large_sitemap_is_split_under_a_sitemap_index(tmp_path, monkeypatch):
    """A sitemap lists at most 50,000 URLs (sitemaps.org); beyond that ``sitemap.xml`` is an
    index of several (here the limit is made 3)."""
    import xml.etree.ElementTree as ET

    from liaise_lod.publish import sitemap as sitemap_module

    whole = tmp_path / "whole"
    publish(MINI, whole)
    monkeypatch.setattr(sitemap_module, "SITEMAP_LIMIT", 3)
    split = tmp_path / "split"
    result = publish(MINI, split)
    s = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

    def entries(path):
        return [
            (e.findtext(f"{s}loc"), e.findtext(f"{s}lastmod")) for e in ET.parse(path).getroot()
        ]

    index = ET.parse(split / "sitemap.xml").getroot()
    assert index.tag == f"{s}sitemapindex"
    parts = entries(split / "sitemap.xml")
    base = "https://data.example.org/mini/"
    assert [loc for loc, _ in parts] == [f"{base}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    listed = []
    for loc, lastmod in parts:
        chunk = entries(split / loc.removeprefix(base))
        assert 1 <= len(chunk) <= 3
        dates = [date for _, date in chunk if date]
        assert lastmod == (max(dates) if dates else None)
        listed += chunk
    assert listed == entries(whole / "sitemap.xml")
    assert {f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)} <= set(result.files)


def test_sitemap_dates_come_from_the_data_without_a_setting(tmp_path):
    out = tmp_path / "site"
    publish(MINI, out)
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://data.example.org/mini/news/news-1</loc><lastmod>2017-04-02</lastmod>" in (
        sitemap
    )


def test_the_datasets_own_date_dates_every_page_that_states_none(tmp_path):
    folder = tmp_path / "dated"
    shutil.copytree(MINI, folder)
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    (folder / "dataset.yaml").write_text(
        text.replace("  language: en\n", "  language: en\n  modified: 2025-05-01\n", 1), "utf-8"
    )
    publish(folder, tmp_path / "site")
    sitemap = (tmp_path / "site/sitemap.xml").read_text()
    urls = re.findall(r"<url><loc>([^<]+)</loc><lastmod>([^<]+)</lastmod></url>", sitemap)
    assert len(urls) == sitemap.count("<url>") > 20
    dates = dict(urls)
    assert dates["https://data.example.org/mini/news/news-1"] == "2017-04-02"  # its own
    assert dates["https://data.example.org/mini/organisation/forum"] == "2025-05-01"
    description = Graph().parse(tmp_path / "site/description.ttl")
    modified = description.value(URIRef("https://data.example.org/mini/"), ns.DCTERMS.modified)
    assert str(modified) == "2025-05-01"


def test_the_datasets_date_must_be_a_day(tmp_path):
    folder = tmp_path / "dated"
    shutil.copytree(MINI, folder)
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    (folder / "dataset.yaml").write_text(
        text.replace("  language: en\n", "  language: en\n  modified: 2025-05\n", 1), "utf-8"
    )
    with pytest.raises(
        LiaiseError, match=r"dataset\.yaml:5: .*field 'modified': '2025-05' is not a day"
    ):
        publish(folder, tmp_path / "site")


def test_licence_setting_appears_everywhere(tmp_path):
    out = tmp_path / "site"
    licence = "https://creativecommons.org/publicdomain/zero/1.0/"
    publish(MINI, out, Settings(license=licence))
    assert licence in (out / "project/alpha.html").read_text()
    assert licence in (out / "description.ttl").read_text()


def test_bad_modified_date_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        publish(MINI, tmp_path / "s", Settings(modified="2026-13-45"))


@pytest.mark.parametrize(
    "licence", ["javascript:alert(1)", 'https://x.org/"><script>alert(1)</script>', "CC-BY-4.0"]
)
def test_a_licence_that_is_no_http_iri_is_refused_and_nothing_written(tmp_path, capsys, licence):
    """The licence is a link on every page: a javascript: one would run when clicked."""
    out = tmp_path / "site"
    with pytest.raises(ConfigError, match=r"--license .* is not an http"):
        publish(MINI, out, Settings(license=licence))
    assert not out.exists()
    assert main(["publish", str(MINI), "--out", str(out), "--license", licence]) == 2
    error = capsys.readouterr().err
    assert "is not an http(s) IRI" in error and "Traceback" not in error


@pytest.mark.parametrize(
    "base",
    [
        "https://a.example/../x/",
        "https://a.example/x/./",
        "https://a.example/x/%2E%2e/",
        "https://a.example/x/..",
    ],
)
def test_a_base_with_dot_segments_is_refused(tmp_path, base):
    """A client resolving a link removes dot segments, so pages would not be at their IRIs."""
    with pytest.raises(ConfigError, match=re.escape("'.' or '..' segments")):
        publish(MINI, tmp_path / "site", Settings(base=base))


def test_a_base_with_dots_inside_segments_is_kept(tmp_path):
    publish(MINI, tmp_path / "site", Settings(base="https://a.example/v1.0/..data/"))
    graph = Graph().parse(tmp_path / "site/project/alpha.ttl")
    assert (URIRef("https://a.example/v1.0/..data/project/alpha"), None, None) in graph


def test_resource_files_do_not_depend_on_the_order_of_a_description():
    """``SiteIndex.parts`` (and so ``description``) promises no order, of the parts or of the
    triples in each: every writer of a resource's files puts them in its own."""
    import dataclasses
    import random

    from liaise_lod.iris import Iris
    from liaise_lod.pipeline import check
    from liaise_lod.publish.index import SiteIndex
    from liaise_lod.publish.pages import ResourceFiles, SiteInfo

    build = check(EXAMPLE)
    index = SiteIndex.of(build.graph, Iris(build.dataset.info.base))
    site = SiteInfo("LIAISE", index.iris.base, "https://example.org/licence", "Licence")
    resources = index.page_resources()
    files_of = ResourceFiles(index, site)
    expected = [files_of(iri) for iri in resources]
    in_order = index.parts
    rng = random.Random(3)

    def shuffled(iri: str) -> list:
        parts = [
            dataclasses.replace(part, triples=rng.sample(part.triples, len(part.triples)))
            for part in in_order(iri)
        ]
        return rng.sample(parts, len(parts))

    index.parts = shuffled
    assert sorted(map(str, index.description(resources[0]))) == sorted(
        map(str, [t for part in in_order(resources[0]) for t in part.triples])
    )
    # a fresh writer, with nothing remembered, and the same one, remembering
    assert [ResourceFiles(index, site)(iri) for iri in resources] == expected
    assert [files_of(iri) for iri in reversed(resources)] == expected[::-1]


def test_writing_order_lists_every_resource_once_whichever_page_includes_it_first():
    """An inline record is written right after the first page that includes it, and only
    there, even when that page's IRI sorts before it (an organisation linking a membership)."""
    from liaise_lod.iris import Iris
    from liaise_lod.publish.index import SiteIndex

    base = "https://example.org/"
    index = SiteIndex(Iris(base))
    link = URIRef("https://example.org/ontology#mentions")

    def links(page: str, *targets: str) -> None:
        index.own[base + page] = [(URIRef(base + page), link, URIRef(base + t)) for t in targets]

    links("organisation/a", "participation/m", "participation/n")
    links("participation/m", "project/p")
    links("participation/n", "project/p")
    links("participation/o", "project/p")
    links("project/p", "participation/m", "participation/o")
    resources = index.page_resources()
    assert index.writing_order(resources) == [
        base + page
        for page in (
            "organisation/a",
            "participation/m",
            "participation/n",
            "project/p",
            "participation/o",
        )
    ]


def test_inline_records_come_after_their_page_and_their_texts_are_handed_over():
    """A participation is written whole in its project's files: writing it next reuses those
    texts (``ResourceFiles``), which must give the bytes of writing it afresh."""
    from liaise_lod.iris import Iris
    from liaise_lod.pipeline import check
    from liaise_lod.publish.index import SiteIndex
    from liaise_lod.publish.pages import ResourceFiles, SiteInfo

    build = check(EXAMPLE)
    index = SiteIndex.of(build.graph, Iris(build.dataset.info.base))
    site = SiteInfo("LIAISE", index.iris.base, "https://example.org/licence", "Licence")
    resources = index.page_resources()
    order = index.writing_order(resources)
    assert sorted(order) == resources
    project = f"{index.iris.base}project/liaise-2"
    participations = sorted(
        iri
        for iri in resources
        if index.kind(iri) == "participation"
        and (URIRef(iri), ns.ORG.organization, URIRef(project)) in build.graph
    )
    assert len(participations) > 5
    at = order.index(project)
    assert order[at + 1 : at + 1 + len(participations)] == participations
    afresh = {iri: ResourceFiles(index, site)(iri) for iri in resources}
    files_of = ResourceFiles(index, site)
    assert {iri: files_of(iri) for iri in order} == afresh
    assert files_of._inline == {}  # every text handed over was taken


def test_the_index_page_lists_the_first_resources_of_each_kind_and_counts_them_all(
    tmp_path, monkeypatch
):
    """A large site's index page names at most ``INDEX_LISTED`` resources of a kind (a page
    of every one of 172,000 would weigh megabytes); the counts are of all of them."""
    import importlib

    whole = publish(EXAMPLE, tmp_path / "whole")
    monkeypatch.setattr(importlib.import_module("liaise_lod.publish.site"), "INDEX_LISTED", 2)
    publish(EXAMPLE, tmp_path / "short")

    def section(site, kind):
        text = (site / "index.html").read_text()
        start = text.index(f'<details id="kind-{kind}">')
        return text[start : text.index("</ul>", start)]

    organisations = [
        p
        for p in html_pages(tmp_path / "whole")
        if p.parent.name == "organisation" and "." not in p.stem  # not project/x.fr.html
    ]
    assert len(organisations) > 2
    long, short = (
        section(tmp_path / "whole", "organisation"),
        section(tmp_path / "short", "organisation"),
    )
    assert long.count("<li>") == len(organisations) and short.count("<li>") == 2
    assert long.split("<li>")[1:3] == short.split("<li>")[1:3]  # the first two by name
    index = (tmp_path / "short" / "index.html").read_text()
    assert f"<summary>Organisations ({len(organisations)})</summary>" in index
    assert f"The first 2 of {len(organisations)}" in index
    assert "The first 2 of" not in (tmp_path / "whole" / "index.html").read_text()
    assert len(whole.pages) > 100


def test_no_licence_is_stated_that_nobody_chose(tmp_path, write_dataset):
    """Without a licence in the settings or on the command line the site states none (and
    says so), and publish warns."""
    import warnings as python_warnings

    from liaise_lod import LiaiseWarning

    folder = write_dataset(
        data__yaml="dataset: {base: 'https://data.example.org/n/', language: en}\n"
        "organisations:\n  - {id: o, name: O}\n"
    )
    with python_warnings.catch_warnings(record=True) as caught:
        python_warnings.simplefilter("always")
        publish(folder, tmp_path / "site")
    assert any(
        issubclass(w.category, LiaiseWarning) and "no licence" in str(w.message) for w in caught
    )
    page = (tmp_path / "site" / "organisation" / "o.html").read_text(encoding="utf-8")
    assert "No licence is stated" in page and 'rel="license"' not in page
    description = (tmp_path / "site" / "description.nt").read_text(encoding="utf-8")
    assert "http://purl.org/dc/terms/license" not in description
