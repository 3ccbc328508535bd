"""The dataset described for portals and search engines: DCAT-AP (``dcat:Dataset`` with one
``dcat:Distribution`` per dump), VoID (size, example resources, vocabularies) and, for the index
page, a ``schema:Dataset``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import (
    DCAT,
    DCTERMS,
    EU_FILE_TYPE,
    IANA_MEDIA_TYPES,
    PREFIXES,
    RDF,
    SCHEMA_CONTEXT_IRI,
    SPDX,
    VOID,
    XSD,
)

IANA = str(IANA_MEDIA_TYPES)
GZIP = URIRef(IANA + "application/gzip")


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
class DatasetFacts:
    """What the description says about the dataset as a whole."""

    base: str
    title: dict[str, str]
    description: dict[str, str]
    license: str | None
    publisher: str | None
    modified: str | None
    triples: int
    examples: list[str]
    vocabularies: list[str]


def description_graph(facts: DatasetFacts, dumps: list[Dump]) -> Graph:
    """The DCAT-AP and VoID description: one node, both ``dcat:Dataset`` and ``void:Dataset``."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("void", VOID)
    graph.bind("spdx", SPDX)
    dataset = URIRef(facts.base)
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    for lang, text in sorted(facts.title.items()):
        graph.add((dataset, DCTERMS.title, Literal(text, lang=lang)))
    for lang, text in sorted(facts.description.items()):
        graph.add((dataset, DCTERMS.description, Literal(text, lang=lang)))
    if facts.license:
        graph.add((dataset, DCTERMS.license, URIRef(facts.license)))
    graph.add((dataset, DCAT.landingPage, dataset))
    if facts.publisher:
        graph.add((dataset, DCTERMS.publisher, URIRef(facts.publisher)))
    if facts.modified:
        graph.add((dataset, DCTERMS.modified, Literal(facts.modified, datatype=XSD.date)))
    _void(graph, dataset, facts)
    for dump in dumps:
        _distribution(graph, dataset, facts, dump)
    return graph


def _void(graph: Graph, dataset: URIRef, facts: DatasetFacts) -> None:
    graph.add((dataset, VOID.triples, Literal(facts.triples, datatype=XSD.integer)))
    graph.add((dataset, VOID.uriSpace, Literal(facts.base)))
    graph.add((dataset, VOID.rootResource, dataset))
    for example in facts.examples:
        graph.add((dataset, VOID.exampleResource, URIRef(example)))
    for vocabulary in facts.vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))


def _distribution(graph: Graph, dataset: URIRef, facts: DatasetFacts, dump: Dump) -> None:
    node = URIRef(f"{facts.base}#distribution-{dump.key}")
    checksum = URIRef(f"{facts.base}#distribution-{dump.key}-checksum")
    url = URIRef(facts.base + dump.name)
    graph.add((dataset, DCAT.distribution, node))
    graph.add((dataset, VOID.dataDump, url))
    if facts.license:
        graph.add((node, DCTERMS.license, URIRef(facts.license)))
    for triple in (
        (node, RDF.type, DCAT.Distribution),
        (node, DCTERMS.title, Literal(dump.title, lang="en")),
        (node, DCAT.accessURL, url),
        (node, DCAT.downloadURL, url),
        (node, DCAT.mediaType, URIRef(IANA + dump.media_type)),
        (node, DCAT.compressFormat, GZIP),
        (node, DCTERMS.format, EU_FILE_TYPE[dump.file_type]),
        (node, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)),
        (node, SPDX.checksum, checksum),
        (checksum, RDF.type, SPDX.Checksum),
        (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)),
    ):
        graph.add(triple)
    if facts.modified:
        graph.add((node, DCTERMS.modified, Literal(facts.modified, datatype=XSD.date)))


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


def schema_dataset(facts: DatasetFacts, dumps: list[Dump], language: str = "en") -> dict:
    """The ``schema:Dataset`` JSON-LD (Google Dataset Search) for the index page."""
    document: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT_IRI,
        "@id": facts.base,
        "@type": "Dataset",
        "name": _texts(facts.title),
        "description": _texts(facts.description),
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
        document["publisher"] = {"@id": facts.publisher}
    if facts.modified:
        document["dateModified"] = {"@value": facts.modified, "@type": str(XSD.date)}
    return document


def _texts(texts: dict[str, str]) -> Any:
    values = [{"@value": text, "@language": lang} for lang, text in sorted(texts.items())]
    return values[0] if len(values) == 1 else values
