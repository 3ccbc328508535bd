"""People. E-mail and phone are published only when the record says ``publish_contact``."""

from __future__ import annotations

from ..model import Person
from ..namespaces import FOAF, SCHEMA
from .emit import Emitter


def map_person(person: Person, out: Emitter) -> None:
    iri = out.iris.of(person)
    out.types(iri, SCHEMA.Person, FOAF.Person, FOAF.Agent)
    out.plain(iri, SCHEMA.name, person.name)
    out.plain(iri, FOAF.name, person.name)
    out.text(iri, (SCHEMA.jobTitle,), person.job_title)
    if person.affiliation:
        out.add(iri, SCHEMA.affiliation, out.ref(person.affiliation))
    if person.publish_contact:
        out.plain(iri, SCHEMA.email, person.email)
        out.plain(iri, SCHEMA.telephone, person.phone)
    out.url(iri, SCHEMA.url, person.website)
    for same in person.same_as:
        out.url(iri, SCHEMA.sameAs, same)
