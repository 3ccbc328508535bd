"""The pages for visitors: each kind answers its visitor's questions first, in the page's
language, with every text marked with its own; charts are drawn at publish time; the pages in
each language point at one another. Read with Beautiful Soup over lxml's HTML parser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import EXAMPLE
from liaise_lod.publish import Settings, publish
from liaise_lod.publish.interface import interface, interface_languages

TEMPLATES = Path(__file__).resolve().parent.parent / "liaise_lod" / "publish" / "templates"
UI_TEXT = re.compile(r"""ui\(\s*(["'])(.+?)\1\s*[,)]""", re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "liaise2"
    publish(EXAMPLE, out, Settings(modified="2026-01-15"))
    return out


def read(site: Path, path: str) -> Tag:
    return BeautifulSoup((site / f"{path}.html").read_bytes(), "lxml")


def key_facts(page: Tag) -> dict[str, str]:
    """The key facts box: label -> text."""
    box = page.select("dl.facts")[0]
    labels = [dt.get_text().strip() for dt in box.select("dt")]
    values = [" ".join(dd.get_text().split()) for dd in box.select("dd")]
    return dict(zip(labels, values, strict=True))


def before_the_statements(page: Tag, text: str) -> bool:
    """``text`` is on the page above the table of every statement (it answers first)."""
    html = str(page)
    return -1 < html.find(text) < html.index('id="facts"')


def test_a_project_page_answers_when_who_and_where_first(site):
    page = read(site, "project/liaise-2")
    facts = key_facts(page)
    assert facts["Period"] == "January 2016 – January 2018"
    assert facts["Funding"] == "European Union"
    assert facts["Coordinator"] == "European Forum for Urban Security"
    partners = page.select("#partners")[0]
    roles = [h.get_text() for h in partners.select("h3")]
    assert roles == ["Coordinator", "Partner", "Associate partner"]
    text = " ".join(partners.get_text().split())
    assert "BelgiumBelgian Forum for Urban Security" in text  # its country's label, then it
    # The chart's text alternative counts countries as the list does (not "not stated").
    assert "35 organisations from 10 countries" in text
    assert "35 partner organisations in 10 countries: France 8" in text
    # A country chart and an event timeline, drawn as SVG when the site was published.
    svgs = page.select("svg")
    assert len(svgs) == 2 and all(svg.get("role") == "img" for svg in svgs)
    assert all(svg.select("title") and not svg.select("script") for svg in svgs)
    assert before_the_statements(page, "Partner organisations by country")


def test_an_event_page_says_when_where_who(site):
    facts = key_facts(read(site, "event/liaise-2-seminar-3"))
    assert facts["When"] == "29 March 2017"
    assert facts["Where"] == "The Hague, Netherlands"
    assert "Confederation of European Probation" in facts["Organisers"]
    assert "Tim Chapman" in facts["Speakers"]


def test_a_span_of_days_is_written_out_in_key_facts_and_short_in_lists(site):
    page = read(site, "event/cep-vienna-2025")
    assert key_facts(page)["When"] == "14–16 October 2025"
    listed = read(site, "organisation/cep").select('#events time[datetime="2025-10-14"]')
    assert listed[0].get_text() == "14–16 Oct 2025"


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "29 September\u2009–\u20093 October 2025", "29 Sept\u2009–\u20093 Oct 2025"),
        ("fr", "29 septembre\u2009–\u20093 octobre 2025", "29 sept.\u2009–\u20093 oct. 2025"),
    ],
)
def test_periods_are_written_in_the_pages_language(language, long, short):
    ui = interface(language)
    assert ui.period("2025-09-29", "2025-10-03") == long
    assert ui.period("2025-09-29", "2025-10-03", "short") == short


def test_an_organisation_page_lists_projects_by_role_and_events(site):
    page = read(site, "organisation/cep")
    projects = page.select("#projects")[0]
    assert [h.get_text() for h in projects.select("h3")] == ["Partner"]
    assert "Local Institutions Against Violent Extremism II" in projects.get_text()
    events = " ".join(page.select("#events")[0].get_text().split())
    assert "Prevention of radicalisation in the context of probation and prison" in events


def test_a_publication_page_names_its_language_versions(site):
    page = read(site, "publication/preventing-fighting-radicalisation-en")
    versions = page.select("#versions")[0]
    names = {a.get_text(): a.get("lang") for a in versions.select("a[hreflang]")}
    assert names == {"Español": "es", "Français": "fr", "Italiano": "it"}


def test_french_pages_carry_the_language_of_each_text(site):
    page = read(site, "project/liaise-2.fr")
    assert page.html.get("lang") == "fr"
    assert key_facts(page)["Période"] == "janvier 2016 – janvier 2018"
    # The description exists in English only: marked as English inside the French page.
    lead = page.select("p.lead [lang]")[0]
    assert lead.get("lang") == "en" and "LIAISE 2 gathers European cities" in lead.get_text()
    # Names of countries, roles and languages are in French.
    text = " ".join(page.get_text().split())
    assert "Coordinateur" in text or "Coordinatrice" in text or "Coordination" in text
    assert "Belgique" in text


@pytest.mark.parametrize(
    "path", ["", "project/liaise-2", "event/liaise-2-seminar-3", "person/tim-chapman", "queries"]
)
def test_each_language_version_points_at_the_others(site, path):
    english, french = path or "index", f"{path or 'index'}.fr"
    for own, other, tag in ((english, french, "fr"), (french, english, "en")):
        page = read(site, own)
        alternates = {
            link.get("hreflang"): link.get("href") for link in page.select("link[hreflang]")
        }
        assert set(alternates) == {"en", "fr"}
        assert alternates[tag] == "https://data.example.org/liaise2/" + (
            "" if other == "index" else other
        )
        switch = page.select(f'nav.languages a[hreflang="{tag}"]')
        assert len(switch) == 1 and switch[0].get("lang") == tag


def test_the_index_answers_visitors_and_keeps_queries_apart(site):
    page = read(site, "index")
    headings = [h.get_text() for h in page.select("h2")]
    for heading in ("Search", "Projects", "Events", "Latest publications"):
        assert heading in headings
    events = page.select("#events")[0].get_text()
    assert "Upcoming, as of 15 January 2026" in events and "Past, latest first" in events
    assert not page.select("pre")  # the SPARQL text is on its own page
    queries = read(site, "queries")
    assert len(queries.select("pre code")) == len(list((site / "queries").glob("*.rq"))) > 1
    assert queries.select('meta[name="description"]')
    search = json.loads((site / "search.json").read_text(encoding="utf-8"))
    assert search and any("Tim Chapman" in json.dumps(entry) for entry in search)


def test_every_interface_text_is_translated():
    """Each ui("...") text of the templates and the code has its French, so a French page
    never shows a stray English label."""
    sources = [*TEMPLATES.rglob("*.html"), *TEMPLATES.parent.glob("*.py")]
    texts = {match[2] for path in sources for match in UI_TEXT.finditer(path.read_text())}
    texts = {text for text in texts if "{{" not in text}
    assert len(texts) > 50
    folder = TEMPLATES.parent / "translations"
    for language in interface_languages()[1:]:
        translated = json.loads((folder / f"{language}.json").read_text(encoding="utf-8"))
        assert sorted(texts - set(translated)) == [], language
