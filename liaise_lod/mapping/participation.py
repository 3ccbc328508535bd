"""Participations: one node that is both an ``org:Membership`` and a ``schema:OrganizationRole``."""

from __future__ import annotations

from rdflib import URIRef

from ..model import Participation
from ..namespaces import ORG, SCHEMA
from .emit import Emitter


def map_participation(participation: Participation, out: Emitter) -> None:
    membership(
        out,
        node=out.iris.participation(
            participation, fragments=out.dataset.info.participation_iris == "fragments"
        ),
        member=out.ref(participation.organisation),
        project=out.ref(participation.project),
        role=participation.role,
        start=participation.start,
        end=participation.end,
    )


def membership(
    out: Emitter,
    *,
    node: URIRef,
    member: URIRef,
    project: URIRef,
    role: str,
    start: str | None = None,
    end: str | None = None,
) -> None:
    """A member's role in a project, readable by schema.org and W3C Org consumers alike.

    schema.org's Role pattern puts the role node between project and member
    (project ``schema:member`` role ``schema:member`` member), so the direct
    ``org:hasMember`` / ``org:memberOf`` shortcuts are stated too.
    """
    out.types(node, ORG.Membership, SCHEMA.OrganizationRole)
    out.add(node, ORG.member, member)
    out.add(node, ORG.organization, project)
    out.concept(node, ORG.role, "role", role)
    out.concept(node, SCHEMA.roleName, "role", role)
    out.add(project, SCHEMA.member, node)
    out.add(node, SCHEMA.member, member)
    out.add(project, ORG.hasMember, member)
    out.add(member, ORG.memberOf, project)
    out.date(node, SCHEMA.startDate, start)
    out.date(node, SCHEMA.endDate, end)
    out.interval(node, ORG.memberDuring, start, end)
