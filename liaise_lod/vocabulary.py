"""The controlled vocabularies users pick codes from, read from the files in ``vocab/``.

SKOS schemes give the codes of roles, kinds and topics (and, for kinds, the schema.org class a
resource of that kind is typed with); CSV tables give country and language codes, the EU
data themes a dataset may be filed under, and the licences we know by name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, URIRef

from ._internal.quoting import quote
from ._internal.resources import vocab_dir
from .namespaces import CONCEPTS, EU_COUNTRY, EU_LANGUAGE, LLOD, SKOS


@cache
def scheme_slugs() -> tuple[str, ...]:
    """Our SKOS schemes, one file each in ``vocab/`` named after the plural of their slug
    (``role``: ``roles.ttl``; ``ontology.ttl`` is no scheme). A new scheme is a new file."""
    return tuple(path.name.removesuffix("s.ttl") for path in sorted(vocab_dir().glob("*s.ttl")))


@dataclass(frozen=True)
class Scheme:
    """A SKOS concept scheme of ours: its codes, concepts and schema.org types."""

    slug: str
    graph: Graph = field(repr=False, compare=False)
    codes: tuple[str, ...]
    schema_types: dict[str, URIRef] = field(repr=False, compare=False)

    @property
    def iri(self) -> URIRef:
        return CONCEPTS[self.slug]

    def concept(self, code: str) -> URIRef:
        return CONCEPTS[f"{self.slug}/{code}"]

    def schema_type(self, code: str) -> URIRef | None:
        return self.schema_types.get(code)


@cache
def scheme(slug: str) -> Scheme:
    """Read one of our SKOS schemes (``role``, ``organisation-kind``, ...)."""
    graph = Graph().parse(vocab_dir() / f"{slug}s.ttl", format="turtle")
    prefix = f"{CONCEPTS}{slug}/"
    codes = sorted(
        str(concept)[len(prefix) :]
        for concept in graph.subjects(SKOS.inScheme, CONCEPTS[slug])
        if str(concept).startswith(prefix)
    )
    types = {
        str(concept)[len(prefix) :]: URIRef(str(schema_type))
        for concept, schema_type in graph.subject_objects(LLOD.schemaType)
        if str(concept).startswith(prefix)
    }
    return Scheme(slug=slug, graph=graph, codes=tuple(codes), schema_types=types)


def schemes_graph() -> Graph:
    """All our schemes in one graph, as they are published with every dataset."""
    graph = Graph()
    for slug in scheme_slugs():
        graph += scheme(slug).graph
    return graph


@dataclass(frozen=True)
class CodeTable:
    """ISO codes (alpha-2 and alpha-3) and their code in an EU authority table."""

    eu_codes: dict[str, str]
    names: dict[str, str]

    def __contains__(self, code: str) -> bool:
        return code in self.eu_codes


def _read_table(filename: str) -> CodeTable:
    eu_codes: dict[str, str] = {}
    names: dict[str, str] = {}
    with open(vocab_dir() / filename, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for code in (row["alpha2"], row["alpha3"]):
                eu_codes[code] = row["eu_code"]
                names[code] = row["name"]
    return CodeTable(eu_codes, names)


@cache
def countries() -> CodeTable:
    """ISO 3166-1 countries, keyed by alpha-2 (and alpha-3) code in upper case."""
    return _read_table("countries.csv")


@cache
def languages() -> CodeTable:
    """ISO 639 languages, keyed by their 2-letter (and 3-letter) code in lower case."""
    return _read_table("languages.csv")


@dataclass(frozen=True)
class DataTheme:
    """A theme of the EU data-theme authority table (``JUST``: justice, legal system and public
    safety), with its English and French names."""

    code: str
    names: dict[str, str]


@cache
def data_themes() -> dict[str, DataTheme]:
    """The EU data-theme table (``vocab/data-themes.csv``), by code."""
    with open(vocab_dir() / "data-themes.csv", newline="", encoding="utf-8") as handle:
        return {
            row["code"]: DataTheme(row["code"], {"en": row["name_en"], "fr": row["name_fr"]})
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class Licence:
    """A licence we know by its IRI: its short name and, where it has one, its code in the EU
    licence authority table."""

    iri: str
    name: str
    eu_code: str | None


@cache
def licences() -> dict[str, Licence]:
    """The licences of ``vocab/licences.csv``, by IRI."""
    with open(vocab_dir() / "licences.csv", newline="", encoding="utf-8") as handle:
        return {
            row["iri"]: Licence(row["iri"], row["name"], row["eu_code"] or None)
            for row in csv.DictReader(handle)
        }


def country_iri(alpha2: str) -> URIRef:
    return EU_COUNTRY[countries().eu_codes[alpha2]]


def language_iri(tag: str) -> URIRef | None:
    """The EU language authority IRI for the primary language of a BCP 47 tag, if it has one."""
    code = languages().eu_codes.get(tag.split("-")[0].lower())
    return EU_LANGUAGE[code] if code else None


_LANGUAGE_TAG = re.compile(
    r"^(?P<language>[a-z]{2,3})"
    r"(?:-(?P<script>[a-z]{4}))?"
    r"(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*$",
    re.IGNORECASE,
)


def normalise_language_tag(tag: str) -> str:
    """Check a BCP 47 tag (``en``, ``fr-BE``, ``sr-Latn``) and return it in canonical case.

    Raises ValueError when the tag is malformed or its primary language is unknown.
    """
    match = _LANGUAGE_TAG.match(tag)
    if not match:
        raise ValueError(f"{quote(tag)} is not a BCP 47 language tag (e.g. en, fr, fr-BE)")
    language = match["language"].lower()
    if language not in languages():
        raise ValueError(f"{quote(tag)}: unknown language '{language}' (use an ISO 639 code)")
    return canonical_case(tag)


def canonical_case(tag: str) -> str:
    """A language tag in BCP 47's canonical case (``fr-BE``, ``sr-Latn``): a script in title
    case, a region in upper case, the rest in lower case; not checked otherwise. (Tags are
    compared ignoring case, but pyoxigraph gives them in lower case and rdflib as written.)"""
    parts = tag.split("-")
    canonical = [parts[0].lower()]
    for part in parts[1:]:
        if len(canonical[-1]) == 1:  # a singleton: what follows is an extension, lower case
            canonical += [rest.lower() for rest in parts[len(canonical) :]]
            break
        if len(part) == 4 and part.isalpha():
            canonical.append(part.title())
        elif len(part) == 2 and part.isalpha():
            canonical.append(part.upper())
        else:
            canonical.append(part.lower())
    return "-".join(canonical)
