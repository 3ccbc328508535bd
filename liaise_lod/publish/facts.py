"""Readable facts about a resource, for its HTML page: every property with linked values, the
partners of a project by role and country, its events in date order, publications with their
language versions, and what links to the resource."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import escape
from rdflib import Literal, URIRef
from rdflib.term import Node

from ..kinds import kind_named
from ..namespaces import ORG, RDF_TYPE, SCHEMA, same_term, shorten
from ..vocabulary import countries, languages
from .index import LABELS, SiteIndex
from .paths import relative_url, site_path

LANGUAGE_ORDER = ("en", "fr")
_LABEL_PREDICATES = frozenset(LABELS)
_ADDRESS_COUNTRY = SCHEMA.addressCountry


@dataclass(frozen=True)
class Link:
    """A value on a page: text, with a URL when it points somewhere, and its language tag."""

    text: str
    href: str | None = None
    lang: str | None = None

    def __html__(self) -> str:
        """The value as HTML, every part escaped: a link, a text marked with its language, or
        plain text. Templates write ``{{ link }}``; this runs for every value of every page,
        where a template macro cost twice as much."""
        return self._html

    @cached_property
    def _html(self) -> str:  # a link to a much-linked resource is written on many pages
        text = escape(self.text)
        if self.href:
            hreflang = f' hreflang="{escape(self.lang)}"' if self.lang else ""
            return f'<a href="{escape(self.href)}"{hreflang}>{text}</a>'
        if self.lang:
            return f'<span lang="{escape(self.lang)}">{text}</span>'
        return str(text)


@dataclass
class NodeFacts:
    """A value node of the resource (``#place``, ``#address``, ``#period``): its own section
    of the page, with the fragment as its id, so that links to it lead somewhere."""

    fragment: str
    title: str
    types: list[str]
    properties: list[tuple[str, list[Link]]]


@dataclass
class Facts:
    """Everything a resource page shows."""

    iri: str
    path: str
    kind: str
    title: str
    types: list[str]
    properties: list[tuple[str, list[Link]]]
    #: The sections its kind shows above all facts (``kinds.RecordKind.sections``), those
    #: that have something to show: (name, content), rendered by ``templates/sections/{name}``.
    sections: list[tuple[str, Any]] = field(default_factory=list)
    referenced_by: list[Link] = field(default_factory=list)
    nodes: list[NodeFacts] = field(default_factory=list)


class Describer:
    """Builds the facts of each page from the site index."""

    def __init__(self, index: SiteIndex):
        self.index = index
        self.iris = index.iris
        # A resource is linked from many pages: its label, page and country are worked out once.
        self._labels: dict[str, str] = {}
        self._paths: dict[str, str | None] = {}
        self._countries: dict[str, str] = {}
        self._links: dict[tuple[int, str], Link] = {}

    def facts(self, iri: str) -> Facts:
        """The facts shown on the page of ``iri``."""
        own = [t for t in self.index.own.get(iri, ()) if same_term(t[0], iri)]
        kind = self.index.kind(iri) or "resource"
        facts = Facts(
            iri=iri,
            path=site_path(iri, self.iris),
            kind=kind,
            title=self.label(iri),
            types=sorted(self.compact(o) for _, p, o in own if same_term(p, RDF_TYPE)),
            properties=[],
        )
        facts.properties = self._properties(facts.path, own)
        record_kind = kind_named(kind)
        for name in record_kind.sections if record_kind else ():
            content = SECTIONS[name](self, facts.path, iri)
            if content:
                facts.sections.append((name, content))
        facts.referenced_by = self._referenced_by(facts.path, iri)
        facts.nodes = self._nodes(facts.path, iri)
        return facts

    def label(self, iri: str) -> str:
        """The best label of a resource: English first, then French, then any."""
        label = self._labels.get(iri)
        if label is None:
            values = self._values(self.index.context.get(iri, ()), iri, _LABEL_PREDICATES)
            if values:
                label = str(min(values, key=_label_rank))
            else:
                label = self._membership_label(iri) or iri.rsplit("/", 1)[-1]
            self._labels[iri] = label
        return label

    def _membership_label(self, iri: str) -> str | None:
        """A participation, which has no name of its own, as "Efus: Coordinator in LIAISE 2"."""
        members = self._objects(iri, ORG.member)
        projects = self._objects(iri, ORG.organization)
        if not (members and projects):
            return None
        roles = self._objects(iri, ORG.role)
        role = self.label(str(roles[0])) if roles else "Member"
        return f"{self.label(str(members[0]))}: {role} in {self.label(str(projects[0]))}"

    def link(self, source: str, target: Node) -> Link:
        """A value as a link: a page of the site by relative URL, another IRI as it is."""
        if isinstance(target, Literal):
            return Link(str(target), lang=target.language)
        # The same for every page as deep in the site as ``source``: made once.
        key = (source.count("/"), str(target))
        link = self._links.get(key)
        if link is None:
            link = self._links[key] = self._link(source, target)
        return link

    def _link(self, source: str, target: Node) -> Link:
        iri = str(target)
        document, _, fragment = iri.partition("#")
        path = self._path(document)
        if path is not None:
            url = relative_url(source, path)
            if fragment:  # a value node: named as the heading of its section
                return Link(self._node_title(iri, fragment), f"{url}#{fragment}")
            return Link(self.label(document), url)
        return Link(self.compact(target), iri)

    def _path(self, document: str) -> str | None:
        """The site path of a document's page; ``None`` if it has none."""
        if document in self._paths:
            return self._paths[document]
        has_page = self.index.kind(document) is not None and document in self.index.own
        path = self._paths[document] = site_path(document, self.iris) if has_page else None
        return path

    def compact(self, iri: Node) -> str:
        """``schema:name`` for ``http://schema.org/name``; the IRI when no prefix fits."""
        return _compact(str(iri))

    def _values(self, triples, iri: str, predicates) -> list[Literal]:
        return [o for s, p, o in triples if p in predicates and same_term(s, iri)]

    def _properties(self, source: str, own) -> list[tuple[str, list[Link]]]:
        grouped: dict[str, list[Link]] = defaultdict(list)
        for _, predicate, obj in own:
            if not same_term(predicate, RDF_TYPE):
                grouped[self.compact(predicate)].append(self.link(source, obj))
        return sorted(grouped.items())

    def _nodes(self, source: str, iri: str) -> list[NodeFacts]:
        prefix = iri + "#"
        by_node: dict[str, list] = defaultdict(list)
        for triple in self.index.own.get(iri, ()):  # sorted by subject: nodes in order
            if triple[0].startswith(prefix):
                by_node[str(triple[0])].append(triple)
        return [self._node(source, node, prefix, triples) for node, triples in by_node.items()]

    def _node(self, source: str, node: str, prefix: str, triples) -> NodeFacts:
        fragment = node[len(prefix) :]
        return NodeFacts(
            fragment=fragment,
            title=self._node_title(node, fragment, triples),
            types=sorted(self.compact(o) for _, p, o in triples if same_term(p, RDF_TYPE)),
            properties=self._properties(source, triples),
        )

    def _node_title(self, node: str, fragment: str, triples=None) -> str:
        """A value node's name if it has one, else its fragment."""
        if triples is None:
            triples = self.index.own.get(node.partition("#")[0], ())
        labels = self._values(triples, node, _LABEL_PREDICATES)
        return str(min(labels, key=_label_rank)) if labels else fragment

    def _objects(self, iri: str, predicate: URIRef) -> list[Node]:
        own = self.index.own.get(iri, ())
        return [o for s, p, o in own if same_term(p, predicate) and same_term(s, iri)]

    def _partners(self, source: str, project: str) -> list[tuple[str, list[tuple[str, list]]]]:
        by_role: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        for membership in self._participations(project):
            roles = self._objects(membership, ORG.role)
            role = self.label(str(roles[0])) if roles else "member"
            for member in self._objects(membership, ORG.member):
                country = self._country(str(member))
                by_role[role][country].append(self.link(source, member))
        return [
            (role, [(c, sorted(links, key=link_key)) for c, links in sorted(ctry.items())])
            for role, ctry in sorted(by_role.items(), key=lambda item: _role_rank(item[0]))
        ]

    def _participations(self, project: str) -> list[str]:
        return sorted(
            doc
            for doc in self.index.incoming.get(project, ())
            if self.index.kind(doc) == "participation"  # a cheap test before the triples
            and URIRef(project) in self._objects(doc, ORG.organization)
        )

    def _country(self, organisation: str) -> str:
        country = self._countries.get(organisation)
        if country is None:
            country = self._countries[organisation] = self._find_country(organisation)
        return country

    def _find_country(self, organisation: str) -> str:
        for s, p, o in self.index.own.get(organisation, ()):
            if same_term(p, _ADDRESS_COUNTRY) and s.startswith(organisation + "#"):
                code = str(o)
                return f"{countries().names.get(code, code)} ({code})"
        return "country not stated"

    def _events(self, source: str, iri: str) -> list[tuple[str, Link]]:
        events = {*self._objects(iri, SCHEMA.event), *self._objects(iri, SCHEMA.subEvent)}
        dated = []
        for event in events:
            starts = self._objects(str(event), SCHEMA.startDate)
            dated.append((str(starts[0]) if starts else "", self.link(source, event)))
        return sorted(dated, key=lambda item: (item[0] == "", item[0], *link_key(item[1])))

    def _outputs(self, source: str, project: str) -> list[tuple[Link, list[Link]]]:
        return [self._versions(source, work)[0] for work in self._produced(project, "publication")]

    def _deliverables(self, source: str, project: str) -> list[Link]:
        links = [self._with_language(source, d) for d in self._produced(project, "deliverable")]
        return sorted(links, key=link_key)

    def _produced(self, project: str, kind: str) -> list[str]:
        return [
            doc
            for doc in sorted(self.index.incoming.get(project, ()))
            if self.index.kind(doc) == kind
            and URIRef(project) in self._objects(doc, SCHEMA.producer)
        ]

    def _versions(self, source: str, iri: str) -> list[tuple[Link, list[Link]]]:
        others = {
            *self._objects(iri, SCHEMA.workTranslation),
            *self._objects(iri, SCHEMA.translationOfWork),
        }
        versions = [self._with_language(source, o) for o in sorted(str(o) for o in others)]
        return [(self._with_language(source, iri), versions)]

    def _with_language(self, source: str, iri: str) -> Link:
        link = self.link(source, URIRef(iri))
        tags = sorted(str(o) for o in self._objects(iri, SCHEMA.inLanguage))
        if not tags:
            return link
        names = ", ".join(languages().names.get(tag, tag) for tag in tags)
        return Link(f"{link.text} ({names})", link.href, tags[0] if len(tags) == 1 else None)

    def _referenced_by(self, source: str, iri: str) -> list[Link]:
        docs = [d for d in self.index.incoming.get(iri, ()) if self.index.kind(d) is not None]
        return sorted((self.link(source, URIRef(d)) for d in docs), key=link_key)


#: The sections a page may show, by the name ``kinds.RecordKind.sections`` gives: each makes the
#: content of ``templates/sections/{name}.html`` from (describer, page path, resource IRI).
SECTIONS: dict[str, Callable[[Describer, str, str], Any]] = {
    "partners": Describer._partners,
    "events": Describer._events,
    "outputs": Describer._outputs,
    "deliverables": Describer._deliverables,
    "versions": Describer._versions,
}


def _compact(iri: str) -> str:
    return shorten(iri) or iri


def link_key(link: Link) -> tuple[str, str]:
    """The order of links in a list: by text, then by address (texts repeat: language
    versions of one work share a title)."""
    return (link.text, link.href or "")


def _label_rank(label: Literal) -> tuple[int, str]:
    language = label.language or ""
    rank = LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else len(LANGUAGE_ORDER)
    return (rank, str(label))


def _role_rank(role: str) -> tuple[int, str]:
    order = ("Coordinator", "Partner", "Associate partner", "Contact")
    return (order.index(role) if role in order else len(order), role)
