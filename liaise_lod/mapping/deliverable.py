"""Deliverables: ``schema:CreativeWork`` (and the class of their kind) and ``frapo:Deliverable``,
produced by their project (vocab/README.md says why these terms)."""

from __future__ import annotations

from ..model import Deliverable
from ..namespaces import DCTERMS, FRAPO, LLOD, SCHEMA
from .emit import Emitter


def map_deliverable(deliverable: Deliverable, out: Emitter) -> None:
    iri = out.iris.of(deliverable)
    out.types(iri, FRAPO.Deliverable)
    out.kind_type(iri, "deliverable-kind", deliverable.kind, SCHEMA.CreativeWork)
    out.concept(iri, DCTERMS.type, "deliverable-kind", deliverable.kind)
    out.text(iri, (SCHEMA.name, DCTERMS.title), deliverable.title)
    out.text(iri, (SCHEMA.description,), deliverable.description)
    if deliverable.number is not None:
        out.plain(iri, SCHEMA.identifier, deliverable.number)
        out.plain(iri, DCTERMS.identifier, deliverable.number)
    out.add(iri, SCHEMA.producer, out.ref(deliverable.project))
    out.plain(iri, LLOD.workPackage, deliverable.work_package)
    out.date(iri, LLOD.dueDate, deliverable.due)
    out.date(iri, DCTERMS.dateSubmitted, deliverable.delivered)
    out.languages(iri, deliverable.languages)
    out.url(iri, SCHEMA.url, deliverable.url)
    out.topics(iri, deliverable.topics)
