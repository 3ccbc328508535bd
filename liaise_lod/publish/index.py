"""The graph cut into documents: one per resource that gets a page, with its own triples (and
those of its ``#parts``), the labels of what it links to, and what links to it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Literal as OneOf
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .._internal.reads import ReadLog, Watched
from .._internal.store import all_triples
from ..iris import Iris
from ..kinds import kind_named
from ..namespaces import CONCEPTS, DCTERMS, FOAF, RDF_TYPE, SCHEMA, SKOS, Triple, same_term
from . import sitemap

#: Properties that name a resource, in the order a title is chosen from them.
LABELS = (SKOS.prefLabel, SCHEMA.name, SCHEMA.headline, DCTERMS.title, FOAF.name)
#: What a linked resource's description brings along besides labels.
CONTEXT = frozenset({*LABELS, RDF_TYPE, SCHEMA.url})
#: A path under the base that a page can have (see ``paths.site_path``).
_SAFE_PATH = re.compile(r"[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*")
#: Records with no names of their own, described as part of the resources that link to them.
INLINE_KINDS = frozenset({"participation"})

#: What writing a page costs before the links to it: about as much as 80 of them (0.3-0.5 ms;
#: each link 5-7 µs).
PAGE_WEIGHT = 80

#: What a subject is to the description it is part of (see ``Part``).
PartRole = OneOf["own", "inline", "linked"]


class LinkTo(NamedTuple):
    """A statement of one document whose value is (a part of) another."""

    #: the document that states it
    source: str
    #: the document or one of its ``#parts``
    subject: str
    #: the property whose value it is
    predicate: str


@dataclass
class SiteIndex:
    """Triples grouped by document, with incoming links, for fast per-resource descriptions."""

    iris: Iris
    #: each document's triples (and its ``#parts``'), sorted
    own: Mapping[str, list[Triple]] = field(default_factory=dict)
    #: the documents that link to each document
    incoming: Mapping[str, set[str]] = field(default_factory=dict)
    #: each document's labels, types and web address (``CONTEXT``), sorted
    context: Mapping[str, list[Triple]] = field(default_factory=dict)
    #: every property the graph uses, and every class (object of ``rdf:type``)
    terms: set[Node] = field(default_factory=set)
    _kinds: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    #: where lookups are noted, while a page is written (see ``_internal.reads``)
    reads: ReadLog = field(default_factory=ReadLog, repr=False, compare=False)

    @classmethod
    def of(cls, graph: Graph, iris: Iris) -> SiteIndex:
        """Index a whole graph in one pass."""
        index = cls(iris)
        own: dict[str, list[Triple]] = defaultdict(list)
        context: dict[str, list[Triple]] = defaultdict(list)
        incoming: dict[str, set[str]] = defaultdict(set)
        terms = index.terms
        for triple in all_triples(graph):
            subject, predicate, obj = triple
            document, hashed, _ = str(subject).partition("#")
            own[document].append(triple)
            terms.add(predicate)
            if predicate in CONTEXT and not hashed:
                context[document].append(triple)
            if same_term(predicate, RDF_TYPE):
                terms.add(obj)
            elif isinstance(obj, URIRef):
                target = str(obj).partition("#")[0]
                if target != document:
                    incoming[target].add(document)
        for triples in (*own.values(), *context.values()):
            triples.sort(key=_triple_key)
        index.own = Watched(own, index.reads.content)
        index.context = Watched(context, index.reads.content)
        index.incoming = Watched(incoming, index.reads.incoming)
        return index

    def kind(self, iri: str) -> str | None:
        """``project``, ``organisation``, … for a record; ``concept`` or ``scheme`` for our SKOS."""
        self.reads.content(iri)
        try:
            return self._kinds[iri]
        except KeyError:
            kind = self._kinds[iri] = self._kind(iri)
            return kind

    def _kind(self, iri: str) -> str | None:
        split = self.iris.split(iri)
        if split is not None and kind_named(split[0]) is not None:
            return split[0]
        if iri.startswith(str(CONCEPTS)):  # vocab/{scheme} or vocab/{scheme}/{concept}
            return "concept" if "/" in iri[len(CONCEPTS) :] else "scheme"
        if iri.startswith(self.iris.base) and _SAFE_PATH.fullmatch(iri[len(self.iris.base) :]):
            types = {o for s, p, o in self.own.get(iri, ()) if same_term(p, RDF_TYPE)}
            if SKOS.ConceptScheme in types:  # the dataset's own
                return "scheme"
            if SKOS.Concept in types:
                return "concept"
        return None

    def page_resources(self) -> list[str]:
        """Every document that gets a page: records and our SKOS concepts and schemes."""
        return sorted(doc for doc in self.own if self.kind(doc) is not None)

    def holding(self) -> AbstractContextManager[None]:
        """Keep what is read in the block at hand (an index on disk reads it once)."""
        return nullcontext()

    def last_modified(self, iri: str) -> str | None:
        """The latest publication or modification date the resource states about itself."""
        return sitemap.last_modified(self.own.get(iri, ()), iri)

    def weight(self, iri: str) -> int:
        """A rough measure of the work of writing a resource's files, in links to it."""
        return PAGE_WEIGHT + len(self.incoming.get(iri, ()))

    def writing_order(self, resources: list[str]) -> list[str]:
        """``resources`` with each page followed by the inline records it includes (a project
        by its participations), so that one process writes both, one after the other."""
        inline = frozenset(iri for iri in resources if self.kind(iri) in INLINE_KINDS)
        # Kept apart from ``inline``, not removed from it: a set that loses most of its
        # members keeps their slots, and every later lookup walks them (at 10,000 projects,
        # seconds per thousand pages).
        placed: set[str] = set()
        order = []
        for iri in resources:
            if iri in inline:
                continue
            order.append(iri)
            included = sorted(self.inline_candidates(iri).intersection(inline).difference(placed))
            placed.update(included)
            order += included
        return order + sorted(inline.difference(placed))

    def links_to(self, iri: str) -> list[LinkTo]:
        """The statements of other documents whose value is ``iri`` (an IRI, not a text; not
        ``rdf:type``, as for ``incoming``), in the order of their documents, subjects and
        predicates."""
        target = URIRef(iri)
        return [
            LinkTo(source, str(subject), str(predicate))
            for source in sorted(self.incoming.get(iri.partition("#")[0], ()))
            for subject, predicate, obj in self.own.get(source, ())
            if obj == target and not same_term(predicate, RDF_TYPE)
        ]

    def inline_candidates(self, iri: str) -> set[str]:
        """What the resource links to that may be an inline record included in its page."""
        return self._linked(self.own.get(iri, ()))

    def description(self, iri: str) -> list[Triple]:
        """The resource's own triples, those of inline records it links to, and the labels,
        types and web addresses of everything they link to; in no set order (each writer puts
        them in its own)."""
        return triples_of(self.parts(iri))

    def parts(self, iri: str) -> list[Part]:
        """``description(iri)`` a subject at a time, no subject twice, in no set order."""
        parts = _subject_parts(self.own.get(iri, ()))
        whole = {iri}
        for linked in self._linked(self.own.get(iri, ())):
            if linked != iri and self.kind(linked) in INLINE_KINDS:
                whole.add(linked)
                parts += _subject_parts(self.own.get(linked, ()), "inline")
        linked_from_parts = self._linked(triple for part in parts for triple in part.triples)
        for linked in linked_from_parts - whole:
            context = self.context.get(linked)
            if context:
                parts.append(Part(context[0][0], context, "linked"))
        return parts

    def _linked(self, triples: Iterable[Triple]) -> set[str]:
        return {
            str(obj)
            for _, predicate, obj in triples
            if isinstance(obj, URIRef) and not same_term(predicate, RDF_TYPE) and "#" not in obj
        }


@dataclass(frozen=True)
class Part:
    """The triples of one subject in a resource's description."""

    subject: Node
    triples: Sequence[Triple]
    #: ``own``: a subject of the resource itself; ``inline``: a subject of an inline record,
    #: whole, as its own description has it too; ``linked``: a linked resource's labels, type
    #: and web address, the same in every description that links to it
    role: PartRole = "own"


def triples_of(parts: Iterable[Part]) -> list[Triple]:
    """The triples of these parts, one list."""
    return [triple for part in parts for triple in part.triples]


def _subject_parts(triples: Iterable[Triple], role: PartRole = "own") -> list[Part]:
    """Sorted triples (as ``own`` holds them) cut into one part per subject."""
    return [
        Part(subject, list(group), role) for subject, group in groupby(triples, key=itemgetter(0))
    ]


def _triple_key(triple: Triple) -> tuple[str, str, str, str]:
    subject, predicate, obj = triple
    extra = (obj.language or str(obj.datatype or "")) if isinstance(obj, Literal) else ""
    return (str(subject), str(predicate), str(obj), extra)
