"""A publish into a site an earlier publish wrote, redoing only what the edit reaches.

The site's manifest is a build's (``manifest``: records' hashes, fingerprints, validation
results) with, for each page resource, what its files read of the site index (``reads``). The
build's plan (``incremental``) gives the subjects whose triples changed and the triples added or
removed: a resource's files are written again if they read the triples of a document that
changed, or the incoming links of one that a changed triple links to; every other resource's
files are linked from the earlier site. The site's own pages (index, search index, sitemap,
metadata) are always written again: each depends on every resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import RDF

from . import incremental
from .reads import Reads


@dataclass
class SitePlan:
    """What an incremental publish redoes: the build's plan, and the page resources whose
    files are written again (the others' are linked, with what they read before)."""

    build: incremental.Plan
    #: what each page resource's files read, as the earlier site's manifest says
    before: dict[str, Reads]
    #: the page resources of the earlier site whose files must be written again
    stale: set[str]

    def carried(self, resource: str) -> bool:
        """Whether the resource's files are those of the earlier site."""
        return resource in self.before and resource not in self.stale


def site_plan(build: incremental.Plan) -> SitePlan:
    previous = build.previous
    before = decoded(previous.documents, previous.pages)
    changed = {_document(subject) for subject in build.edits.get("jsonld", ())}
    linked = {
        _document(str(obj))
        for _, predicate, obj in build.changed
        if isinstance(obj, URIRef) and predicate != RDF.type
    }
    stale = {
        resource
        for resource, reads in before.items()
        if not (reads.content.isdisjoint(changed) and reads.incoming.isdisjoint(linked))
    }
    incremental.log.info(
        "%d documents changed; %d of %d pages' resources read them",
        len(changed),
        len(stale),
        len(before),
    )
    return SitePlan(build, before, stale)


def _document(iri: str) -> str:
    return iri.partition("#")[0]


def encoded(pages: dict[str, Reads]) -> tuple[list[str], dict[str, list[list[int]]]]:
    """Reads as a manifest keeps them: a sorted table of documents, and per page resource
    the numbers of those it read."""
    documents = sorted(set().union(*(_all(reads) for reads in pages.values())))
    number = {document: at for at, document in enumerate(documents)}
    return documents, {
        resource: [
            sorted(number[document] for document in reads.content),
            sorted(number[document] for document in reads.incoming),
        ]
        for resource, reads in sorted(pages.items())
    }


def _all(reads: Reads) -> Iterable[str]:
    return reads.content | reads.incoming


def decoded(documents: list[str], pages: dict[str, list[list[int]]]) -> dict[str, Reads]:
    return {
        resource: Reads({documents[n] for n in content}, {documents[n] for n in incoming})
        for resource, (content, incoming) in pages.items()
    }
