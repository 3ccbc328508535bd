"""The small toolkit every mapping module writes triples with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..identifiers import SCHEMES
from ..iris import Iris
from ..model import Dataset, Event, Organisation, Record, StatedFigure, precision_of
from ..namespaces import DCTERMS, LLOD, OWL, RDF_TYPE, SCHEMA, TIME, XSD
from ..vocabulary import country_iri, language_iri

DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date, "datetime": XSD.dateTime}
INSTANT_PROPERTIES = {
    "year": TIME.inXSDgYear,
    "month": TIME.inXSDgYearMonth,
    "day": TIME.inXSDDate,
    "datetime": TIME.inXSDDateTimeStamp,
}


class Emitter:
    """Adds triples for records of one dataset to one graph."""

    def __init__(self, dataset: Dataset, iris: Iris, graph: Graph):
        self.dataset = dataset
        self.iris = iris
        self.graph = graph
        # Straight to the store: rdflib's Graph.add only checks that terms are terms, which
        # ours are, two million times for 10,000 projects.
        self._add = graph.store.add
        self._context = graph
        self.kinds = {record.id: record.record_kind for record in dataset.records()}
        self._terms: dict[Node, Node] = {}
        self.vocabulary = dataset.vocabulary
        #: (scheme, code or IRI) -> the concept: every concept the records name, once
        self.concepts: dict[tuple[str, str], URIRef] = {}
        #: where the subjects of the triples added are noted, if anywhere
        self.touched: set[Node] | None = None

    def add(self, subject: Node, predicate: URIRef, obj: Node) -> None:
        # One object per distinct term, however many triples use it: an organisation's IRI
        # is made afresh for each of its hundreds of links, and the graph would keep each copy.
        terms = self._terms
        if self.touched is not None:
            self.touched.add(subject)
        self._add(
            (
                terms.setdefault(subject, subject),
                terms.setdefault(predicate, predicate),
                terms.setdefault(obj, obj),
            ),
            self._context,
        )

    def forget_terms(self, most: int) -> None:
        """Forget the terms shared so far once there are more than ``most``: where the triples
        are not kept (a partitioned build writes them out), sharing them saves nothing."""
        if len(self._terms) > most:
            self._terms.clear()

    def ref(self, record_id: str) -> URIRef:
        """The IRI of the record with this id."""
        return self.iris.record(self.kinds[record_id], record_id)

    def refs(self, subject: URIRef, predicates: Iterable[URIRef], ids: Iterable[str]) -> None:
        predicates = tuple(predicates)
        for record_id in ids:
            target = self.ref(record_id)
            for predicate in predicates:
                self.add(subject, predicate, target)

    def types(self, subject: URIRef, *classes: URIRef | None) -> None:
        for cls in classes:
            if cls is not None:
                self.add(subject, RDF_TYPE, cls)

    def text(
        self, subject: URIRef, predicates: Iterable[URIRef], text: Mapping[str, str] | None
    ) -> None:
        """Language-tagged literals, one per language, under each predicate."""
        if not text:
            return
        predicates = tuple(predicates)
        for language, value in text.items():
            literal = Literal(value, lang=language)
            for predicate in predicates:
                self.add(subject, predicate, literal)

    def plain(self, subject: URIRef, predicate: URIRef, value: str | None) -> None:
        if value is not None:
            self.add(subject, predicate, Literal(value))

    def url(self, subject: URIRef, predicate: URIRef, value: str | None) -> None:
        if value is not None:
            self.add(subject, predicate, URIRef(value))

    def date(self, subject: URIRef, predicate: URIRef, when: str | None) -> None:
        if when is not None:
            self.add(subject, predicate, date_literal(when))

    def concept(
        self, subject: URIRef, predicate: URIRef, scheme_slug: str, code: str | None
    ) -> None:
        if code is not None:
            self.add(subject, predicate, self.concept_iri(scheme_slug, code))

    def concept_iri(self, scheme_slug: str, code: str) -> URIRef:
        """The concept a field of ``scheme_slug`` names with ``code`` (a code or an IRI)."""
        key = (scheme_slug, code)
        concept = self.concepts.get(key)
        if concept is None:
            concept = self.concepts[key] = self.vocabulary.resolve(scheme_slug, code)
        return concept

    def kind_type(
        self, subject: URIRef, scheme_slug: str, code: str | None, default: URIRef
    ) -> None:
        """The schema.org class a resource of this kind gets (the kind's ``llod:schemaType``),
        and always ``default`` too: consumers without inference (SPARQL, search engines, the
        shapes' ``sh:class``) then find every event as a ``schema:Event``."""
        concept = self.concept_iri(scheme_slug, code) if code else None
        schema_type = self.vocabulary.schema_type(concept) if concept else None
        self.types(subject, default, schema_type if schema_type != default else None)

    def languages(self, subject: URIRef, tags: Iterable[str]) -> None:
        """The languages a work is written in: BCP 47 tags (``schema:inLanguage``) and, where
        the EU authority table has the language, its IRI (``dcterms:language``)."""
        for tag in tags:
            self.add(subject, SCHEMA.inLanguage, Literal(tag))
            eu_language = language_iri(tag)
            if eu_language is not None:
                self.add(subject, DCTERMS.language, eu_language)

    def topics(self, subject: URIRef, codes: Iterable[str]) -> None:
        for code in codes:
            self.concept(subject, DCTERMS.subject, "topic", code)

    def interval(
        self, owner: URIRef, predicate: URIRef, start: str | None, end: str | None
    ) -> None:
        """An OWL-Time interval ``{owner}#period`` with its beginning and end instants."""
        if start is None and end is None:
            return
        period = self.iris.part(owner, "period")
        self.add(owner, predicate, period)
        self.types(period, TIME.Interval)
        for name, relation, when in (
            ("start", TIME.hasBeginning, start),
            ("end", TIME.hasEnd, end),
        ):
            if when is None:
                continue
            instant = self.iris.part(owner, name)
            self.add(period, relation, instant)
            self.types(instant, TIME.Instant)
            self.add(instant, INSTANT_PROPERTIES[precision_of(when)], instant_literal(when))

    def address(self, owner: URIRef, record: Organisation | Event) -> URIRef | None:
        """The record's ``schema:PostalAddress`` as ``{owner}#address`` (none if it states no
        part of one); the country also as an EU IRI."""
        parts = [
            (SCHEMA.streetAddress, record.street),
            (SCHEMA.postalCode, record.postcode),
            (SCHEMA.addressLocality, record.locality),
            (SCHEMA.addressRegion, record.region),
            (SCHEMA.addressCountry, record.country),
        ]
        if all(value is None for _, value in parts):
            return None
        address = self.iris.part(owner, "address")
        self.types(address, SCHEMA.PostalAddress)
        for predicate, value in parts:
            self.plain(address, predicate, value)
        if record.country is not None:
            self.add(owner, DCTERMS.spatial, country_iri(record.country))
        return address

    def identifiers(self, owner: URIRef, record: Record) -> None:
        """Each identifier the record states (``identifiers.SCHEMES``), as a
        ``schema:PropertyValue`` ``{owner}#identifier-{scheme}``, and where the identifier is
        an IRI, ``owl:sameAs`` and ``schema:sameAs`` it."""
        for kind in SCHEMES.values():
            value = getattr(record, kind.name, None)
            if value is None:
                continue
            node = self.iris.part(owner, "identifier-" + kind.name.replace("_", "-"))
            self.add(owner, SCHEMA.identifier, node)
            self.types(node, SCHEMA.PropertyValue)
            self.add(node, SCHEMA.propertyID, Literal(kind.label))
            self.add(node, SCHEMA.value, Literal(value))
            if kind.page:
                self.add(node, SCHEMA.url, URIRef(kind.page.format(value)))
            if kind.iri:
                same = URIRef(kind.iri.format(value))
                self.add(node, SCHEMA.url, same)
                self.add(owner, OWL.sameAs, same)
                self.add(owner, SCHEMA.sameAs, same)

    def figures(self, owner: URIRef, figures: Iterable[StatedFigure]) -> None:
        """Figures the source states, each a ``schema:PropertyValue`` ``{owner}#figure-N``."""
        for number, figure in enumerate(figures, start=1):
            node = self.iris.part(owner, f"figure-{number}")
            self.add(owner, LLOD.statedFigure, node)
            self.types(node, SCHEMA.PropertyValue)
            self.text(node, [SCHEMA.name], figure.label)
            for predicate, value in (
                (SCHEMA.value, figure.value),
                (SCHEMA.minValue, figure.min_value),
                (SCHEMA.maxValue, figure.max_value),
            ):
                if value is not None:
                    self.add(node, predicate, number_literal(value))


def date_literal(when: str) -> Literal:
    return Literal(when, datatype=DATE_TYPES[precision_of(when)])


def instant_literal(when: str) -> Literal:
    """As ``date_literal``, but a date-time is an ``xsd:dateTimeStamp`` (it always has an offset),
    the range of ``time:inXSDDateTimeStamp``."""
    if precision_of(when) == "datetime":
        return Literal(when, datatype=XSD.dateTimeStamp)
    return date_literal(when)


def number_literal(value: Decimal) -> Literal:
    """An ``xsd:integer`` for whole numbers, else an ``xsd:decimal``, in canonical form.

    The model bounds the digits (``liaise_lod.model.Number``); nothing here rounds them
    (``Decimal.normalize`` would, to the context's 28 digits).
    """
    if value == value.to_integral_value():
        return Literal(str(int(value)), datatype=XSD.integer)
    return Literal(format(value, "f").rstrip("0"), datatype=XSD.decimal)
