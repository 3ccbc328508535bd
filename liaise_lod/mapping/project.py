"""Projects: ``schema:Project`` and ``org:OrganizationalCollaboration`` at once."""

from __future__ import annotations

from rdflib import Literal, URIRef

from ..model import Funding, Project
from ..namespaces import DCTERMS, LLOD, ORG, SCHEMA, SKOS
from .emit import Emitter, number_literal
from .participation import membership


def map_project(project: Project, out: Emitter) -> None:
    iri = out.iris.of(project)
    out.types(iri, SCHEMA.Project, ORG.OrganizationalCollaboration)
    out.text(iri, (SCHEMA.name, SKOS.prefLabel), project.name)
    if project.acronym:
        out.plain(iri, SCHEMA.alternateName, project.acronym)
        out.plain(iri, SKOS.altLabel, project.acronym)
    out.text(iri, (SCHEMA.description,), project.description)
    # schema.org gives an Organization (and so a Project) no startDate/endDate.
    out.date(iri, SCHEMA.foundingDate, project.start)
    out.date(iri, SCHEMA.dissolutionDate, project.end)
    out.interval(iri, DCTERMS.temporal, project.start, project.end)
    out.url(iri, SCHEMA.url, project.website)
    for same in project.same_as:
        out.url(iri, SCHEMA.sameAs, same)
    out.identifiers(iri, project)
    out.refs(iri, (LLOD.continues, DCTERMS.relation), project.continues)
    out.refs(iri, (DCTERMS.relation,), project.related)
    for publication in project.outputs:
        out.add(out.ref(publication), SCHEMA.producer, iri)
    out.topics(iri, project.topics)
    out.figures(iri, project.figures)
    for funding in project.funding:
        _funding(iri, funding, out)
    for person in project.contacts:
        membership(
            out,
            node=out.iris.part(iri, f"contact-{person}"),
            member=out.ref(person),
            project=iri,
            role="contact",
        )


def _funding(project: URIRef, funding: Funding, out: Emitter) -> None:
    grant = out.iris.part(project, f"funding-{funding.key}")
    out.types(grant, SCHEMA.MonetaryGrant)
    out.add(project, SCHEMA.funding, grant)
    out.add(grant, SCHEMA.fundedItem, project)
    funder = out.ref(funding.funder)
    out.add(grant, SCHEMA.funder, funder)
    out.add(project, SCHEMA.funder, funder)
    if funding.programme:
        out.add(grant, SCHEMA.funder, out.ref(funding.programme))
    out.plain(grant, SCHEMA.identifier, funding.grant_id)
    if funding.amount is not None:
        amount = out.iris.part(project, f"funding-{funding.key}-amount")
        out.types(amount, SCHEMA.MonetaryAmount)
        out.add(grant, SCHEMA.amount, amount)
        out.add(amount, SCHEMA.value, number_literal(funding.amount))
        out.add(amount, SCHEMA.currency, Literal(funding.currency))
    if funding.cofunding_rate is not None:
        out.add(grant, LLOD.cofundingRate, number_literal(funding.cofunding_rate))
