"""The schema.org JSON-LD block of a page: the resource as the top node, with what search engines
read nested inside it, and safe inside ``<script>``.

Values keep their language and datatype, but for dates, written as the plain ISO 8601 text
search engines' documentation shows (``"startDate": "2017-03-29"``): schema.org's own context
reads them as ``schema:Date``. SKOS concepts and schemes, which say nothing in schema.org, are
read as the ``schema:DefinedTerm`` and ``schema:DefinedTermSet`` they are (their labels as
names, their codes as ``termCode``), so that a concept's page has an island too."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from markupsafe import Markup
from rdflib import Literal, URIRef
from rdflib.term import Node

from .._internal import json_text
from ..namespaces import (
    RDF_TYPE,
    SCHEMA,
    SCHEMA_CONTEXT_IRI,
    SKOS,
    XSD,
    XSD_STRING,
    Triple,
    same_term,
)

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_SCHEMA = str(SCHEMA)
_TYPE = str(RDF_TYPE)
#: Written as their plain text: the dates of our data (``liaise_lod.mapping.emit.DATE_TYPES``).
_DATES = frozenset(map(str, (XSD.date, XSD.dateTime, XSD.dateTimeStamp, XSD.gYearMonth, XSD.gYear)))
#: How a SKOS concept and a scheme read in schema.org: their class, and property for property.
_SKOS_AS_SCHEMA: dict[str, tuple[str, dict[str, str]]] = {
    str(SKOS.Concept): (
        _SCHEMA + "DefinedTerm",
        {
            str(SKOS.prefLabel): _SCHEMA + "name",
            str(SKOS.altLabel): _SCHEMA + "alternateName",
            str(SKOS.definition): _SCHEMA + "description",
            str(SKOS.notation): _SCHEMA + "termCode",
            str(SKOS.inScheme): _SCHEMA + "inDefinedTermSet",
        },
    ),
    str(SKOS.ConceptScheme): (
        _SCHEMA + "DefinedTermSet",
        {
            str(SKOS.prefLabel): _SCHEMA + "name",
            str(SKOS.definition): _SCHEMA + "description",
            str(SKOS.hasTopConcept): _SCHEMA + "hasDefinedTerm",
        },
    ),
}
_TERM_CLASSES = frozenset(schema_class for schema_class, _ in _SKOS_AS_SCHEMA.values())


def schema_subset(triples: Iterable[Triple]) -> list[Triple]:
    """The triples that use only schema.org: schema.org properties, and schema.org classes."""
    starts = str.startswith  # not rdflib's own startswith, which costs a call more
    return [
        (s, p, o)
        for s, p, o in triples
        if starts(p, _SCHEMA) or (same_term(p, RDF_TYPE) and starts(o, _SCHEMA))
    ]


def skos_as_schema(triples: Iterable[Triple]) -> list[tuple[str, str, Node]]:
    """What the SKOS concepts and schemes among ``triples`` say, in schema.org: each concept a
    ``DefinedTerm`` (name, alternate names, description, ``termCode`` from its code,
    ``inDefinedTermSet``), each scheme a ``DefinedTermSet`` (name, description, its top
    concepts as ``hasDefinedTerm``)."""
    triples = list(triples)
    reading: dict[str, dict[str, str]] = {}
    derived: list[tuple[str, str, Node]] = []
    for subject, predicate, obj in triples:
        if same_term(predicate, RDF_TYPE) and str(obj) in _SKOS_AS_SCHEMA:
            schema_class, properties = _SKOS_AS_SCHEMA[str(obj)]
            reading.setdefault(str(subject), {}).update(properties)
            derived.append((str(subject), _TYPE, URIRef(schema_class)))
    for subject, predicate, obj in triples:
        schema_property = reading.get(str(subject), {}).get(str(predicate))
        if schema_property is None:
            continue
        if schema_property == _SCHEMA + "termCode" and isinstance(obj, Literal):
            obj = Literal(str(obj))  # a code is text, whatever datatype the notation has
        derived.append((str(subject), schema_property, obj))
    return derived


def island(resource: str, triples: Iterable[Triple], page: str | None = None) -> dict[str, Any]:
    """The resource framed as a schema.org JSON-LD tree: each node embedded once, where it is
    first reached from the resource; later mentions are ``{"@id": ...}`` references.

    A concept or scheme, whose IRI is not its page's address, gets ``page`` as its ``url``."""
    triples = list(triples)
    by_subject: dict[str, list[tuple[str, Node]]] = defaultdict(list)
    for subject, predicate, obj in schema_subset(triples):
        by_subject[str(subject)].append((str(predicate), obj))
    for term, schema_property, value in skos_as_schema(triples):
        by_subject[term].append((schema_property, value))
    own = by_subject[resource]
    is_term = any(p == _TYPE and str(o) in _TERM_CLASSES for p, o in own)
    if page is not None and is_term and not any(p == _SCHEMA + "url" for p, _ in own):
        own.append((_SCHEMA + "url", URIRef(page)))
    embedded = {resource}
    return {"@context": SCHEMA_CONTEXT_IRI, **_node(resource, by_subject, embedded)}


def _node(iri: str, by_subject: dict[str, list[tuple[str, Node]]], embedded: set[str]) -> dict:
    node: dict[str, Any] = {"@id": iri}
    types = sorted(_local(str(o)) for p, o in by_subject.get(iri, ()) if p == _TYPE)
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    values: dict[str, list[Any]] = defaultdict(list)
    pending: list[tuple[str, str]] = []
    for predicate, obj in sorted(by_subject.get(iri, ()), key=_pair_key):
        if predicate == _TYPE:
            continue
        key = _local(predicate)
        if isinstance(obj, Literal):
            values[key].append(_literal(obj))
        elif str(obj) in by_subject and str(obj) not in embedded:
            embedded.add(str(obj))
            pending.append((key, str(obj)))
            values[key].append(str(obj))
        else:
            values[key].append({"@id": str(obj)})
    for key, child in pending:
        index = values[key].index(child)
        values[key][index] = _node(child, by_subject, embedded)
    for key in sorted(values):
        node[key] = values[key][0] if len(values[key]) == 1 else values[key]
    return node


def _pair_key(pair: tuple[str, Node]) -> tuple[str, str, bool, str]:
    """Values in a stable order whatever order the triples came in (an IRI and a text with
    the same characters included)."""
    predicate, obj = pair
    if isinstance(obj, Literal):
        return (predicate, str(obj), True, obj.language or str(obj.datatype or ""))
    return (predicate, str(obj), False, "")


def _local(iri: str) -> str:
    return iri[len(_SCHEMA) :] if iri.startswith(_SCHEMA) else iri


def _literal(literal: Literal) -> Any:
    if literal.language:
        return {"@value": str(literal), "@language": literal.language}
    datatype = literal.datatype
    if datatype is None or same_term(datatype, XSD_STRING) or str(datatype) in _DATES:
        return str(literal)
    return {"@value": str(literal), "@type": str(datatype)}


def plain_dates(document: Any) -> Any:
    """``document`` (JSON-LD) with every date value object written as its plain text, as the
    islands write them."""
    if isinstance(document, list):
        return [plain_dates(item) for item in document]
    if not isinstance(document, dict):
        return document
    if set(document) == {"@value", "@type"} and document["@type"] in _DATES:
        return document["@value"]
    return {key: plain_dates(value) for key, value in document.items()}


def script_json(document: dict[str, Any]) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block: ``<``, ``>`` and ``&`` become
    ``\\u003c``, ``\\u003e``, ``\\u0026`` (they occur only inside strings), so nothing in the
    data can close the script element."""
    text = json_text.dumps(document)
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


@cache
def schema_context() -> dict[str, Any]:
    """Our minimal local copy of the schema.org context, for processors reading the islands
    offline (the real one is never fetched): its ``@vocab`` (http://schema.org/) and, as the
    real one (release 29.0) has them, the date properties our islands write as plain text,
    read as ``schema:Date``."""
    text = files(__package__).joinpath("schemaorg-context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)
