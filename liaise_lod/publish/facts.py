"""The names of resources, links between their pages, and every statement about a resource as
the table for data users below its page, in each page language."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

from markupsafe import escape
from rdflib import Literal, URIRef
from rdflib.term import Node

from .._internal.reads import Reads
from ..iris import is_member_fragment
from ..namespaces import ORG, RDF_TYPE, SCHEMA, same_term, shorten
from .index import LABELS, LinkTo, SiteIndex
from .interface import interface
from .paths import PageLanguages, relative_url, site_path

LANGUAGE_ORDER = ("en", "fr")
_LABEL_PREDICATES = frozenset(LABELS)
_FUNDER = SCHEMA.funder


@dataclass(frozen=True)
class Link:
    """A value on a page: text, with a URL when it points somewhere. ``lang`` is the language
    of the text where it differs from the page's; ``hreflang`` that of the page led to, where
    it is a document in one language."""

    text: str
    href: str | None = None
    lang: str | None = None
    hreflang: str | None = None

    def __html__(self) -> str:
        """The value as HTML, every part escaped: a link, a text marked with its language, or
        plain text. Templates write ``{{ link }}``; this runs for every value of every page,
        where a template macro cost twice as much."""
        return self._html

    @cached_property
    def _html(self) -> str:  # a link to a much-linked resource is written on many pages
        text = escape(self.text)
        lang = f' lang="{escape(self.lang)}"' if self.lang else ""
        if self.href:
            hreflang = f' hreflang="{escape(self.hreflang)}"' if self.hreflang else ""
            return f'<a href="{escape(self.href)}"{lang}{hreflang}>{text}</a>'
        if self.lang:
            return f"<span{lang}>{text}</span>"
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
    """Every statement about a resource, for data users: the table below a page."""

    iri: str
    path: str
    kind: str
    title: str
    types: list[str]
    properties: list[tuple[str, list[Link]]]
    nodes: list[NodeFacts] = field(default_factory=list)


class Describer:
    """Names, links and statements of resources from the site index, in each page language.

    A resource is linked from many pages: its label in each language, its page, its country
    and the link to it from pages as deep in the site are worked out once."""

    def __init__(
        self,
        index: SiteIndex,
        languages: PageLanguages | None = None,
        remembered: int | None = None,
    ):
        self.index = index
        self.iris = index.iris
        self.languages = languages or PageLanguages()
        #: values of each kind remembered at most (then forgotten, and made again alike when
        #: asked for): a site of millions of pages would otherwise be remembered whole
        self.remembered = remembered
        # Each remembered with what it was made from, noted again on every page using it.
        self._names: dict[tuple[str, str], tuple[Literal | str, Reads]] = {}
        self._paths: dict[str, str | None] = {}
        self._links: dict[tuple[int, str, str], tuple[Link, Reads]] = {}
        #: the links to the resource at hand only: its page asks for them a dozen times
        self._links_to: dict[str, tuple[list[LinkTo], Reads]] = {}

    def _bounded(self, values: dict) -> dict:
        if self.remembered is not None and len(values) > self.remembered:
            values.clear()
        return values

    # ---------------------------------------------------------------------------- names

    def name(self, iri: str, language: str) -> Literal | str:
        """The best name of a resource for a page in ``language``: in that language, else in
        the dataset's, English, French, any (a ``Literal``, whose language is known); a
        participation's made of its parts; else the last segment of its IRI."""
        return self.index.reads.remembered(
            self._bounded(self._names), (iri, language), lambda: self._name(iri, language)
        )

    def _name(self, iri: str, language: str) -> Literal | str:
        values = self._values(self.index.context.get(iri, ()), iri, _LABEL_PREDICATES)
        if values:
            return min(values, key=self._rank(language))
        return self._membership_label(iri, language) or iri.rsplit("/", 1)[-1]

    def label(self, iri: str, language: str | None = None) -> str:
        """The best name of a resource as text (see ``name``)."""
        return str(self.name(iri, language or self.languages.default))

    def best(self, literals: list[Literal], language: str) -> Literal | None:
        """Of several texts (a description in three languages), the one to show in
        ``language``."""
        return min(literals, key=self._rank(language)) if literals else None

    def _rank(self, language: str) -> Callable[[Literal], tuple[int, str]]:
        order = (language, self.languages.default, *LANGUAGE_ORDER)
        return lambda label: _label_rank(label, order)

    def _membership_label(self, iri: str, language: str) -> str | None:
        """A participation, which has no name of its own, as "Efus: Coordinator in LIAISE 2"."""
        members = self._objects(iri, ORG.member)
        projects = self._objects(iri, ORG.organization)
        if not (members and projects):
            return None
        roles = self._objects(iri, ORG.role)
        ui = interface(language)
        role = self.label(str(roles[0]), language) if roles else ui("Member")
        return ui(
            "{member}: {role} in {project}",
            member=self.label(str(members[0]), language),
            role=role,
            project=self.label(str(projects[0]), language),
        )

    # ---------------------------------------------------------------------------- links

    def link(self, source: str, target: Node, language: str | None = None) -> Link:
        """A value as a link on the page at ``source`` in ``language``: a page of the site by
        relative URL, in that language; another IRI as it is; a text marked with its language
        where it differs from the page's."""
        language = language or self.languages.default
        if isinstance(target, Literal):
            tag = target.language
            return Link(str(target), lang=tag if tag and tag != language else None)
        # The same for every page as deep in the site as ``source``: made once.
        key = (source.count("/"), str(target), language)
        return self.index.reads.remembered(
            self._bounded(self._links), key, lambda: self._link(source, target, language)
        )

    def _link(self, source: str, target: Node, language: str) -> Link:
        iri = str(target)
        document, _, fragment = iri.partition("#")
        path = self.path(document)
        if path is not None:
            url = relative_url(source, self.languages.page(path, language))
            if fragment:  # a value node: named as the heading of its section
                return Link(self._node_title(iri, fragment, language), f"{url}#{fragment}")
            name = self.name(document, language)
            tag = name.language if isinstance(name, Literal) else None
            return Link(str(name), url, tag if tag and tag != language else None)
        return Link(self.compact(target), iri)

    def path(self, document: str) -> str | None:
        """The site path of a document's page (in the default language); ``None`` if it has
        none."""
        if document in self._paths:
            self.index.reads.content(document)
            return self._paths[document]
        has_page = self.index.kind(document) is not None and document in self.index.own
        path = site_path(document, self.iris) if has_page else None
        self._bounded(self._paths)[document] = path
        return path

    def compact(self, iri: Node) -> str:
        """``schema:name`` for ``http://schema.org/name``; the IRI when no prefix fits."""
        return _compact(str(iri))

    # ------------------------------------------------------------------------ statements

    def facts(self, iri: str, language: str | None = None) -> Facts:
        """Every statement about ``iri``, for its page in ``language``."""
        language = language or self.languages.default
        own = self.own(iri)
        path = site_path(iri, self.iris)
        facts = Facts(
            iri=iri,
            path=path,
            kind=self.index.kind(iri) or "resource",
            title=self.label(iri, language),
            types=sorted(self.compact(o) for _, p, o in own if same_term(p, RDF_TYPE)),
            properties=[],
        )
        source = self.languages.page(path, language)
        facts.properties = self._properties(source, own, language)
        facts.nodes = self._nodes(source, iri, language)
        return facts

    def own(self, iri: str) -> list:
        """The resource's own triples (its ``#parts``' apart)."""
        return [t for t in self.index.own.get(iri, ()) if same_term(t[0], iri)]

    def _values(self, triples, iri: str, predicates) -> list[Literal]:
        return [o for s, p, o in triples if p in predicates and same_term(s, iri)]

    def _properties(self, source: str, own, language: str) -> list[tuple[str, list[Link]]]:
        grouped: dict[str, list[Link]] = defaultdict(list)
        for _, predicate, obj in own:
            if not same_term(predicate, RDF_TYPE):
                grouped[self.compact(predicate)].append(self._stated(source, obj, language))
        return sorted(grouped.items())

    def _stated(self, source: str, obj: Node, language: str) -> Link:
        """A value in the table of statements: a text shows its language tag, as data users
        read it (``Radicalisation @fr``)."""
        if isinstance(obj, Literal) and obj.language:
            return Link(str(obj), lang=obj.language, hreflang=None)
        return self.link(source, obj, language)

    def _nodes(self, source: str, iri: str, language: str) -> list[NodeFacts]:
        prefix = iri + "#"
        by_node: dict[str, list] = defaultdict(list)
        for triple in self.index.own.get(iri, ()):  # sorted by subject: nodes in order
            if triple[0].startswith(prefix):
                by_node[str(triple[0])].append(triple)
        return [
            self._node(source, node, prefix, triples, language) for node, triples in by_node.items()
        ]

    def _node(self, source: str, node: str, prefix: str, triples, language: str) -> NodeFacts:
        fragment = node[len(prefix) :]
        return NodeFacts(
            fragment=fragment,
            title=self._node_title(node, fragment, language, triples),
            types=sorted(self.compact(o) for _, p, o in triples if same_term(p, RDF_TYPE)),
            properties=self._properties(source, triples, language),
        )

    def _node_title(self, node: str, fragment: str, language: str, triples=None) -> str:
        """A value node's name if it has one; a participation's, made of its parts; a grant's,
        its funders'; else its fragment."""
        if triples is None:
            triples = self.index.own.get(node.partition("#")[0], ())
        labels = self._values(triples, node, _LABEL_PREDICATES)
        if labels:
            return str(self.best(labels, language))
        if is_member_fragment(node):  # a participation, a part of its project's page
            return self._membership_label(node, language) or fragment
        funders = [o for s, p, o in triples if same_term(s, node) and same_term(p, _FUNDER)]
        if funders:
            return ", ".join(sorted(self.label(str(f), language) for f in funders))
        return fragment

    def objects(self, iri: str, predicate: URIRef) -> list[Node]:
        """The values of ``predicate`` on ``iri`` (a resource or one of its ``#parts``)."""
        return self._objects(iri, predicate)

    def _objects(self, iri: str, predicate: URIRef) -> list[Node]:
        own = self.index.own.get(iri.partition("#")[0], ())
        # ``own`` is sorted by subject: a project's document holds its participations' triples
        # too (participation_iris: fragments), hundreds that a walk would read for each value.
        start = bisect_left(own, iri, key=_subject)
        values: list[Node] = []
        for s, p, o in islice(own, start, None):
            if not same_term(s, iri):
                break
            if same_term(p, predicate):
                values.append(o)
        return values

    def linking(self, iri: str, predicate: URIRef, kind: str | None = None) -> list[str]:
        """The documents (of ``kind``) that state ``predicate`` with ``iri`` as its value,
        in IRI order."""
        return sorted(
            {
                link.source
                for link in self.links_to(iri)
                if same_term(link.predicate, predicate)
                and (kind is None or self.index.kind(link.source) == kind)
            }
        )

    def links_to(self, iri: str) -> list[LinkTo]:
        """``SiteIndex.links_to``, made once for the resource at hand."""
        if iri not in self._links_to:
            self._links_to.clear()
        return self.index.reads.remembered(self._links_to, iri, lambda: self.index.links_to(iri))

    def referenced_by(self, iri: str) -> list[str]:
        """The documents with pages that link to ``iri``."""
        return sorted(d for d in self.index.incoming.get(iri, ()) if self.index.kind(d) is not None)


def _subject(triple: tuple[Node, Node, Node]) -> str:
    return str(triple[0])


def _compact(iri: str) -> str:
    return shorten(iri) or iri


def link_key(link: Link) -> tuple[str, str]:
    """The order of links in a list: by text, then by address (texts repeat: language
    versions of one work share a title)."""
    return (link.text.casefold(), link.href or "")


def _label_rank(label: Literal, order: tuple[str, ...]) -> tuple[int, str]:
    language = label.language or ""
    rank = order.index(language) if language in order else len(order)
    return (rank, str(label))
