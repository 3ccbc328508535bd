"""The dataset described for portals and search engines: DCAT-AP 3 as data.europa.eu harvests it
(a ``dcat:Catalog`` holding one ``dcat:Dataset`` with one ``dcat:Distribution`` per dump), VoID
(size, example resources, vocabularies) and, for the index page, a ``schema:Dataset``.

Everything said comes from the dataset (its settings and records) or the command line; what
neither states (a contact, a theme) is left out, never made up. Values from the EU authority
tables (countries, languages, data themes, licences, file types, access rights) are typed with
the class DCAT-AP gives their property's range, so that the description checks as a whole
without fetching those tables."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .. import vocabulary
from .._internal.resources import shapes_dir
from ..mapping.emit import date_literal
from ..namespaces import (
    ADMS,
    DCAT,
    DCAT3,
    DCTERMS,
    EU_ACCESS_RIGHT,
    EU_COUNTRY,
    EU_DATA_THEME,
    EU_DATA_THEMES,
    EU_FILE_TYPE,
    EU_LANGUAGE,
    EU_LICENCE,
    FOAF,
    IANA_MEDIA_TYPES,
    PREFIXES,
    RDF,
    RDFS,
    SCHEMA_CONTEXT_IRI,
    SKOS,
    SPDX,
    VCARD,
    VOID,
    XSD,
)
from .releases import release_iri, series_iri

IANA = str(IANA_MEDIA_TYPES)
GZIP = URIRef(IANA + "application/gzip")
#: The site is static and public: anyone may read every file.
PUBLIC = EU_ACCESS_RIGHT.PUBLIC
#: The name of the EU data-theme table, which DCAT-AP asks of a catalogue's theme scheme.
DATA_THEMES_TITLE = "Data theme"
CATALOG_FRAGMENT = "#catalog"
LANDING_PAGE = "index.html"
_PREFIXES = {p: PREFIXES[p] for p in ("dcat", "dcterms", "foaf", "skos", "void")}


@dataclass(frozen=True)
class Dump:
    """One whole-dataset dump as written to the site."""

    name: str
    key: str
    media_type: str
    file_type: str
    title: str
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path, key: str, media_type: str, file_type: str, title: str) -> Dump:
        """The dump written to ``path`` (its name, size and checksum)."""
        with path.open("rb") as file:
            sha256 = hashlib.file_digest(file, "sha256").hexdigest()
        return cls(path.name, key, media_type, file_type, title, path.stat().st_size, sha256)


@dataclass(frozen=True)
class Agent:
    """The publisher: one of the dataset's organisations (its IRI), or an agent the settings
    name (an IRI in the site's description)."""

    iri: str
    names: dict[str, str]
    website: str | None = None


@dataclass(frozen=True)
class Contact:
    """The contact point the settings state."""

    names: dict[str, str]
    email: str | None
    website: str | None


@dataclass(frozen=True)
class ReleaseFacts:
    """One release: its version, day, the version before it and what changed, by language."""

    version: str
    issued: str | None
    previous: str | None
    notes: dict[str, str]


@dataclass(frozen=True)
class SeriesFacts:
    """The dataset as a series of releases: this one first, then those before it that the
    history keeps; the first release's day and the latest's."""

    releases: tuple[ReleaseFacts, ...]
    description: dict[str, str]
    issued: str | None = None
    modified: str | None = None


@dataclass(frozen=True)
class DatasetFacts:
    """What the description says about the dataset as a whole."""

    base: str
    title: dict[str, str]
    description: dict[str, str]
    license: str | None
    publisher: Agent | None
    modified: str | None
    triples: int
    examples: list[str]
    vocabularies: list[str]
    issued: str | None = None
    contact: Contact | None = None
    #: The rights statement, by language (what the licence and access rights leave unsaid).
    rights: dict[str, str] | None = None
    #: EU data-theme codes.
    themes: tuple[str, ...] = ()
    #: (language, text) of the names of the topics the records are about.
    keywords: tuple[tuple[str, str], ...] = ()
    #: EU country codes of the organisations.
    countries: tuple[str, ...] = ()
    #: EU language codes of the data's texts.
    languages: tuple[str, ...] = ()
    #: The projects' earliest start and latest end, as precise as the data states them.
    period: tuple[str | None, str | None] = (None, None)
    #: This release and those before it.
    series: SeriesFacts | None = None

    @property
    def catalog(self) -> str:
        return self.base + CATALOG_FRAGMENT

    @property
    def landing_page(self) -> str:
        return self.base + LANDING_PAGE


def licence_iri(licence: str) -> URIRef:
    """The licence as data portals know it: its IRI in the EU licence table where it has one
    (CC BY 4.0 is ``.../licence/CC_BY_4_0``), else the IRI given."""
    known = vocabulary.licences().get(licence)
    return EU_LICENCE[known.eu_code] if known and known.eu_code else URIRef(licence)


def description_graph(facts: DatasetFacts, dumps: list[Dump]) -> Graph:
    """The DCAT-AP and VoID description: a catalogue, and one node both ``dcat:Dataset`` and
    ``void:Dataset``."""
    graph = Graph()
    for prefix, namespace in (
        *_PREFIXES.items(),
        ("spdx", SPDX),
        ("vcard", VCARD),
        ("adms", ADMS),
    ):
        graph.bind(prefix, namespace)
    dataset = URIRef(facts.base)
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    _texts(graph, dataset, facts)
    _dates(graph, dataset, facts)
    _landing_page(graph, dataset, facts)
    _publisher(graph, dataset, facts)
    _licence(graph, dataset, facts)
    graph.add((dataset, DCTERMS.accessRights, PUBLIC))
    graph.add((PUBLIC, RDF.type, DCTERMS.RightsStatement))
    _contact(graph, dataset, facts)
    _coverage(graph, dataset, facts)
    _keywords_and_themes(graph, dataset, facts)
    _languages(graph, dataset, facts.languages)
    _void(graph, dataset, facts)
    for dump in dumps:
        _distribution(graph, dataset, facts, dump)
    _catalog(graph, dataset, facts)
    _series(graph, dataset, facts)
    return graph


def _texts(graph: Graph, node: URIRef, facts: DatasetFacts) -> None:
    for lang, text in sorted(facts.title.items()):
        graph.add((node, DCTERMS.title, Literal(text, lang=lang)))
    for lang, text in sorted(facts.description.items()):
        graph.add((node, DCTERMS.description, Literal(text, lang=lang)))


def _dates(graph: Graph, node: URIRef, facts: DatasetFacts) -> None:
    if facts.issued:
        graph.add((node, DCTERMS.issued, Literal(facts.issued, datatype=XSD.date)))
    if facts.modified:
        graph.add((node, DCTERMS.modified, Literal(facts.modified, datatype=XSD.date)))


def _landing_page(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    page = URIRef(facts.landing_page)
    graph.add((dataset, DCAT.landingPage, page))
    graph.add((page, RDF.type, FOAF.Document))


def _publisher(graph: Graph, node: URIRef, facts: DatasetFacts) -> None:
    agent = facts.publisher
    if agent is None:
        return
    iri = URIRef(agent.iri)
    graph.add((node, DCTERMS.publisher, iri))
    graph.add((iri, RDF.type, FOAF.Agent))
    for lang, name in sorted(agent.names.items()):
        graph.add((iri, FOAF.name, Literal(name, lang=lang)))
    if agent.website:
        graph.add((iri, FOAF.homepage, URIRef(agent.website)))
        graph.add((URIRef(agent.website), RDF.type, FOAF.Document))


def _licence(graph: Graph, node: URIRef, facts: DatasetFacts) -> None:
    if not facts.license:
        return
    licence = licence_iri(facts.license)
    graph.add((node, DCTERMS.license, licence))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if str(licence) != facts.license:
        graph.add((licence, RDFS.seeAlso, URIRef(facts.license)))


def _rights(graph: Graph, node: URIRef, facts: DatasetFacts) -> None:
    if not facts.rights:
        return
    statement = URIRef(facts.base + "#rights")
    graph.add((node, DCTERMS.rights, statement))
    graph.add((statement, RDF.type, DCTERMS.RightsStatement))
    for lang, text in sorted(facts.rights.items()):
        graph.add((statement, RDFS.label, Literal(text, lang=lang)))


def _contact(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    contact = facts.contact
    if contact is None:
        return
    node = URIRef(facts.base + "#contact")
    graph.add((dataset, DCAT.contactPoint, node))
    graph.add((node, RDF.type, VCARD.Kind))
    for lang, name in sorted(contact.names.items()):
        graph.add((node, VCARD.fn, Literal(name, lang=lang)))
    if contact.email:
        graph.add((node, VCARD.hasEmail, URIRef("mailto:" + contact.email)))
    if contact.website:
        graph.add((node, VCARD.hasURL, URIRef(contact.website)))


def _coverage(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    for country in facts.countries:
        graph.add((dataset, DCTERMS.spatial, EU_COUNTRY[country]))
        graph.add((EU_COUNTRY[country], RDF.type, DCTERMS.Location))
    start, end = facts.period
    if start is None and end is None:
        return
    period = URIRef(facts.base + "#temporal")
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start:
        graph.add((period, DCAT.startDate, date_literal(start)))
    if end:
        graph.add((period, DCAT.endDate, date_literal(end)))


def _keywords_and_themes(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    for lang, text in facts.keywords:
        graph.add((dataset, DCAT.keyword, Literal(text, lang=lang)))
    for code in facts.themes:
        theme = EU_DATA_THEME[code]
        graph.add((dataset, DCAT.theme, theme))
        graph.add((theme, RDF.type, SKOS.Concept))
        graph.add((theme, SKOS.inScheme, EU_DATA_THEMES))
        for lang, name in sorted(vocabulary.data_themes()[code].names.items()):
            graph.add((theme, SKOS.prefLabel, Literal(name, lang=lang)))
    if facts.themes:
        graph.add((EU_DATA_THEMES, RDF.type, SKOS.ConceptScheme))
        graph.add((EU_DATA_THEMES, DCTERMS.title, Literal(DATA_THEMES_TITLE, lang="en")))


def _languages(graph: Graph, node: URIRef, codes: Iterable[str]) -> None:
    for code in codes:
        graph.add((node, DCTERMS.language, EU_LANGUAGE[code]))
        graph.add((EU_LANGUAGE[code], RDF.type, DCTERMS.LinguisticSystem))


def _catalog(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    """The catalogue data portals harvest: this site, holding its one dataset."""
    catalog = URIRef(facts.catalog)
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCAT.dataset, dataset))
    _texts(graph, catalog, facts)
    _dates(graph, catalog, facts)
    _publisher(graph, catalog, facts)
    _licence(graph, catalog, facts)
    _rights(graph, catalog, facts)
    graph.add((catalog, FOAF.homepage, URIRef(facts.landing_page)))
    for country in facts.countries:
        graph.add((catalog, DCTERMS.spatial, EU_COUNTRY[country]))
    if facts.themes:
        graph.add((catalog, DCAT.themeTaxonomy, EU_DATA_THEMES))
    metadata_languages = {lang for lang in [*facts.title, *facts.description]}
    _languages(graph, catalog, sorted(_eu_languages(metadata_languages)))


def _series(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    """The dataset as the latest release of a ``dcat:DatasetSeries`` (DCAT 3, DCAT-AP 3): each
    release with its ``dcat:version``, ``adms:versionNotes``, ``dct:issued`` and
    ``dcat:previousVersion``. An earlier release is ``{base}#release-{version}``, not typed
    ``dcat:Dataset``: its dumps are no longer served, and a portal would list it as a dataset
    without distributions."""
    if facts.series is None:
        return
    series = URIRef(series_iri(facts.base))
    graph.add((series, RDF.type, DCAT3.DatasetSeries))
    for lang, text in sorted(facts.title.items()):
        graph.add((series, DCTERMS.title, Literal(text, lang=lang)))
    for lang, text in sorted(facts.series.description.items()):
        graph.add((series, DCTERMS.description, Literal(text, lang=lang)))
    if facts.series.issued:
        graph.add((series, DCTERMS.issued, Literal(facts.series.issued, datatype=XSD.date)))
    if facts.series.modified:
        graph.add((series, DCTERMS.modified, Literal(facts.series.modified, datatype=XSD.date)))
    _publisher(graph, series, facts)
    for position, release in enumerate(facts.series.releases):
        node = dataset if position == 0 else URIRef(release_iri(facts.base, release.version))
        graph.add((node, DCAT3.inSeries, series))
        graph.add((node, DCAT3.version, Literal(release.version)))
        for lang, text in sorted(release.notes.items()):
            graph.add((node, ADMS.versionNotes, Literal(text, lang=lang)))
        if position and release.issued:
            graph.add((node, DCTERMS.issued, Literal(release.issued, datatype=XSD.date)))
        if release.previous:
            previous = URIRef(release_iri(facts.base, release.previous))
            graph.add((node, DCAT3.previousVersion, previous))


def _eu_languages(tags: Iterable[str]) -> set[str]:
    """The EU language codes of these BCP 47 tags (of those that have one)."""
    table = vocabulary.languages().eu_codes
    return {table[tag.split("-")[0].lower()] for tag in tags if tag.split("-")[0].lower() in table}


def eu_languages(tags: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(_eu_languages(tags)))


def _void(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    graph.add((dataset, VOID.triples, Literal(facts.triples, datatype=XSD.integer)))
    graph.add((dataset, VOID.uriSpace, Literal(facts.base)))
    graph.add((dataset, VOID.rootResource, dataset))
    for example in facts.examples:
        graph.add((dataset, VOID.exampleResource, URIRef(example)))
    for vocab in facts.vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(vocab)))


def _distribution(graph: Graph, dataset: URIRef, facts: DatasetFacts, dump: Dump) -> None:
    node = URIRef(f"{facts.base}#distribution-{dump.key}")
    checksum = URIRef(f"{facts.base}#distribution-{dump.key}-checksum")
    url = URIRef(facts.base + dump.name)
    media_type = URIRef(IANA + dump.media_type)
    file_type = EU_FILE_TYPE[dump.file_type]
    graph.add((dataset, DCAT.distribution, node))
    graph.add((dataset, VOID.dataDump, url))
    _licence(graph, node, facts)
    _rights(graph, node, facts)
    _dates(graph, node, facts)
    for triple in (
        (node, RDF.type, DCAT.Distribution),
        (node, DCTERMS.title, Literal(dump.title, lang="en")),
        (node, DCTERMS.description, Literal(f"{dump.title}, compressed with gzip.", lang="en")),
        (node, DCAT.accessURL, url),
        (node, DCAT.downloadURL, url),
        (node, DCAT.mediaType, media_type),
        (media_type, RDF.type, DCTERMS.MediaType),
        (node, DCAT.compressFormat, GZIP),
        (GZIP, RDF.type, DCTERMS.MediaType),
        (node, DCTERMS.format, file_type),
        (file_type, RDF.type, DCTERMS.MediaTypeOrExtent),
        (node, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)),
        (node, SPDX.checksum, checksum),
        (checksum, RDF.type, SPDX.Checksum),
        (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm),
        (checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)),
    ):
        graph.add(triple)


@cache
def _dcat_ap_profile() -> Graph:
    return Graph().parse(shapes_dir() / "profiles" / "dcat-ap.ttl")


def dcat_ap_conforms(description: Graph) -> bool:
    """Whether a description passes our DCAT-AP profile (``shapes/profiles/dcat-ap.ttl``):
    DCAT-AP 3's mandatory properties and ranges for what we write, and what we promise
    beyond them. Warnings (recommended properties) do not count."""
    import pyshacl

    conforms, _, _ = pyshacl.validate(
        description, shacl_graph=_dcat_ap_profile(), allow_warnings=True
    )
    return bool(conforms)


def vocabularies_used(terms: Iterable[Node]) -> list[str]:
    """The namespaces (of our known prefixes) of these terms: the properties and classes a
    graph uses."""
    namespaces = sorted(PREFIXES.values(), key=len, reverse=True)
    used = set()
    for term in set(terms):
        match = next((ns for ns in namespaces if str(term).startswith(ns)), None)
        if match:
            used.add(match)
    return sorted(used)


def period_of(starts: Iterable[str], ends: Iterable[str]) -> tuple[str | None, str | None]:
    """The earliest start and the latest end, each as precise as the data states it. A year
    starts on its first day and ends on its last, so that dates of different precision
    compare (``2016`` starts before ``2016-03``, ``2018`` ends after ``2018-01``)."""
    first = min(starts, key=lambda when: (_padded(when, "0000-01-01"), when), default=None)
    last = max(ends, key=lambda when: (_padded(when, "9999-12-31"), when), default=None)
    return first, last


def _padded(when: str, filler: str) -> str:
    day = when[:10]
    return day + filler[len(day) :]


def schema_dataset(facts: DatasetFacts, dumps: list[Dump], language: str = "en") -> dict:
    """The ``schema:Dataset`` JSON-LD (Google Dataset Search) for the index page."""
    document: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT_IRI,
        "@id": facts.base,
        "@type": "Dataset",
        "name": _language_values(facts.title),
        "description": _language_values(facts.description),
        "url": {"@id": facts.base},
        "distribution": [
            {
                "@id": f"{facts.base}#distribution-{dump.key}",
                "@type": "DataDownload",
                "contentUrl": {"@id": facts.base + dump.name},
                "encodingFormat": dump.media_type,
            }
            for dump in dumps
        ],
    }
    if facts.license:
        document["license"] = {"@id": facts.license}
    if facts.publisher:
        document["publisher"] = _island_agent(facts.publisher)
    if facts.modified:
        document["dateModified"] = {"@value": facts.modified, "@type": str(XSD.date)}
    if facts.series:
        document["version"] = facts.series.releases[0].version
    return document


def _island_agent(agent: Agent) -> dict[str, Any]:
    """The publisher as a typed node with its name, as search engines want it where they read
    it (an agent named in the settings has no page of its own to say so)."""
    node: dict[str, Any] = {"@id": agent.iri, "@type": "Organization"}
    if agent.names:
        node["name"] = _language_values(agent.names)
    if agent.website:
        node["url"] = {"@id": agent.website}
    return node


def _language_values(texts: dict[str, str]) -> Any:
    values = [{"@value": text, "@language": lang} for lang, text in sorted(texts.items())]
    return values[0] if len(values) == 1 else values


__all__ = ["Agent", "Contact", "DatasetFacts", "Dump", "dcat_ap_conforms", "description_graph"]
