"""Every vocabulary IRI the project uses, in one place.

schema.org is ``http://schema.org/``: the IRI its official JSON-LD context expands to. rdflib's
``SDO`` uses ``https://`` and is deliberately not used.
"""

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD


class _Namespace(Namespace):
    """An rdflib ``Namespace`` that makes each of its terms once. rdflib's makes a new
    ``URIRef`` at every ``SCHEMA.name``: mapping 2,000 projects asked for nearly half a million,
    and a graph keeps every copy its triples use."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)  # raises AttributeError for Python's special names
        self.__dict__[name] = term  # found without this method from now on
        return term


#: A term of our graphs. Every one is a string, which rdflib's ``Node`` is not.
Term = URIRef | Literal | BNode
#: A triple of our graphs.
Triple = tuple[Term, Term, Term]

SCHEMA = _Namespace("http://schema.org/")

#: Made once, for loops that compare many terms: rdflib builds a new term at each ``RDF.type``.
RDF_TYPE = RDF.type
XSD_STRING = XSD.string
#: How those loops compare terms: as text. rdflib's own equality runs in Python (and never
#: holds between a term and a plain string).
same_term: Callable[[Any, Any], bool] = str.__eq__
ORG = _Namespace("http://www.w3.org/ns/org#")
LOCN = _Namespace("http://www.w3.org/ns/locn#")
SH = _Namespace("http://www.w3.org/ns/shacl#")

#: The home of everything liaise-lod defines itself (ontology terms, SKOS schemes, JSON-LD context).
LLOD_HOME = "https://w3id.org/liaise-lod/"
LLOD = _Namespace(LLOD_HOME + "ns#")
CONCEPTS = _Namespace(LLOD_HOME + "vocab/")
CONTEXT_IRI = LLOD_HOME + "context.jsonld"

FRAPO = _Namespace("http://purl.org/cerif/frapo/")
EU_COUNTRY = _Namespace("http://publications.europa.eu/resource/authority/country/")
EU_LANGUAGE = _Namespace("http://publications.europa.eu/resource/authority/language/")
EU_FILE_TYPE = _Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LICENCE = _Namespace("http://publications.europa.eu/resource/authority/licence/")
EU_DATA_THEME = _Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_ACCESS_RIGHT = _Namespace("http://publications.europa.eu/resource/authority/access-right/")
#: The EU data-theme table itself (the scheme its themes are in).
EU_DATA_THEMES = URIRef("http://publications.europa.eu/resource/authority/data-theme")
VCARD = _Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = _Namespace("http://www.w3.org/ns/adms#")
#: DCAT's namespace, open: rdflib's ``DCAT`` lists DCAT 2's terms and warns at DCAT 3's
#: (``dcat:DatasetSeries``, ``dcat:inSeries``, ``dcat:version``, ``dcat:previousVersion``).
DCAT3 = _Namespace(str(DCAT))

SCHEMA_CONTEXT_IRI = "https://schema.org"
SHAPES = _Namespace(LLOD_HOME + "shapes#")
SPDX = _Namespace("http://spdx.org/rdf/terms#")
IANA_MEDIA_TYPES = _Namespace("https://www.iana.org/assignments/media-types/")

#: Prefixes used when writing Turtle, in the order they are written.
PREFIXES: dict[str, str] = {
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "eucountry": str(EU_COUNTRY),
    "eulang": str(EU_LANGUAGE),
    "foaf": str(FOAF),
    "frapo": str(FRAPO),
    "llod": str(LLOD),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "time": str(TIME),
    "void": str(VOID),
    "xsd": str(XSD),
}

_LONGEST_FIRST = tuple(sorted(PREFIXES.items(), key=lambda item: -len(item[1])))

# One rule for every prefixed name we write or show (Turtle, SPARQL, JSON-LD, pages, reports):
# a local part that all three syntaxes read as is. Turtle and SPARQL allow a leading digit;
# "/" or "#" would need escapes, and a bare namespace ("schema:") reads oddly everywhere.
_LOCAL_PART = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def shorten(iri: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    """``schema:name`` for ``http://schema.org/name``: the IRI as a prefixed name, with the
    longest of ``prefixes`` (default: ours) that leaves a plain local part; ``None`` if none
    does."""
    if prefixes is None:
        return _shortened(iri)
    return _shorten(iri, tuple(sorted(prefixes.items(), key=lambda item: -len(item[1]))))


@lru_cache(maxsize=2**16)  # the same properties and classes, on every page and in every report
def _shortened(iri: str) -> str | None:
    return _shorten(iri, _LONGEST_FIRST)


def _shorten(iri: str, longest_first: tuple[tuple[str, str], ...]) -> str | None:
    for prefix, namespace in longest_first:
        if iri.startswith(namespace) and _LOCAL_PART.fullmatch(iri, len(namespace)):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


__all__ = [
    "CONCEPTS",
    "CONTEXT_IRI",
    "DCAT",
    "DCTERMS",
    "EU_ACCESS_RIGHT",
    "EU_COUNTRY",
    "EU_DATA_THEME",
    "EU_DATA_THEMES",
    "EU_FILE_TYPE",
    "EU_LANGUAGE",
    "EU_LICENCE",
    "FOAF",
    "FRAPO",
    "IANA_MEDIA_TYPES",
    "LLOD",
    "LLOD_HOME",
    "LOCN",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "RDF_TYPE",
    "SCHEMA",
    "SCHEMA_CONTEXT_IRI",
    "SH",
    "SHAPES",
    "SKOS",
    "SPDX",
    "TIME",
    "VCARD",
    "VOID",
    "XSD",
    "XSD_STRING",
    "Term",
    "Triple",
    "same_term",
    "shorten",
]
