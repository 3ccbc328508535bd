"""Organisations: ``org:FormalOrganization`` and ``foaf:Agent`` (the class organisations and
people share), plus the schema.org class their kind calls for."""

from __future__ import annotations

from ..model import Organisation
from ..namespaces import FOAF, ORG, SCHEMA, SKOS
from .emit import Emitter


def map_organisation(organisation: Organisation, out: Emitter) -> None:
    iri = out.iris.of(organisation)
    out.types(iri, ORG.FormalOrganization, FOAF.Agent)
    out.kind_type(iri, "organisation-kind", organisation.kind, SCHEMA.Organization)
    out.concept(iri, ORG.classification, "organisation-kind", organisation.kind)
    out.text(iri, (SCHEMA.name, SKOS.prefLabel), organisation.name)
    if organisation.acronym:
        out.plain(iri, SCHEMA.alternateName, organisation.acronym)
        out.plain(iri, SKOS.altLabel, organisation.acronym)
    out.text(iri, (SCHEMA.description,), organisation.description)
    address = out.address(iri, organisation)
    if address is not None:
        out.add(iri, SCHEMA.address, address)
    out.url(iri, SCHEMA.url, organisation.website)
    out.url(iri, SCHEMA.logo, organisation.logo)
    for same in organisation.same_as:
        out.url(iri, SCHEMA.sameAs, same)
    out.identifiers(iri, organisation)
    if organisation.parent:
        parent = out.ref(organisation.parent)
        out.add(iri, ORG.subOrganizationOf, parent)
        out.add(iri, SCHEMA.parentOrganization, parent)
        out.add(parent, ORG.hasSubOrganization, iri)
        out.add(parent, SCHEMA.subOrganization, iri)
