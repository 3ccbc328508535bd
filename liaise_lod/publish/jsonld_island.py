"""The schema.org JSON-LD block of a page: the resource as the top node, with what search engines
read nested inside it, every value exact (language and datatype kept), and safe inside
``<script>``."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from markupsafe import Markup
from rdflib import Literal
from rdflib.term import Node

from .._internal import json_text
from ..namespaces import RDF_TYPE, SCHEMA, SCHEMA_CONTEXT_IRI, XSD_STRING, Triple, same_term

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_SCHEMA = str(SCHEMA)
_TYPE = str(RDF_TYPE)


def schema_subset(triples: Iterable[Triple]) -> list[Triple]:
    """The triples that use only schema.org: schema.org properties, and schema.org classes."""
    starts = str.startswith  # not rdflib's own startswith, which costs a call more
    return [
        (s, p, o)
        for s, p, o in triples
        if starts(p, _SCHEMA) or (same_term(p, RDF_TYPE) and starts(o, _SCHEMA))
    ]


def island(resource: str, triples: Iterable[Triple]) -> dict[str, Any]:
    """The resource framed as a schema.org JSON-LD tree: each node embedded once, where it is
    first reached from the resource; later mentions are ``{"@id": ...}`` references."""
    by_subject: dict[str, list[tuple[str, Node]]] = defaultdict(list)
    for subject, predicate, obj in schema_subset(triples):
        by_subject[str(subject)].append((str(predicate), obj))
    embedded = {resource}
    top = {"@context": SCHEMA_CONTEXT_IRI, **_node(resource, by_subject, embedded)}
    return top


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
    if literal.datatype is None or same_term(literal.datatype, XSD_STRING):
        return str(literal)
    return {"@value": str(literal), "@type": str(literal.datatype)}


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
    """Our minimal local copy of the schema.org context (``@vocab`` http://schema.org/), for
    processors reading the islands offline; the real one is never fetched."""
    text = files(__package__).joinpath("schemaorg-context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)
