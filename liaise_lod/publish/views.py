"""What a visitor sees of a resource, in one language: what kind of thing it is, its name and
description, its key facts with human labels (dates as people write them, places as
addresses, concepts by their names), the sections its kind registers (``kinds.RecordKind``:
a project's partners and timeline, an organisation's projects by role...), and what else on
the site links to it. The table of every statement follows, for data users (``facts``).

A kind registered without sections still gets a readable page: the key facts come from one
table of properties (``KEY_FACTS``), whatever the kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..iris import is_member_fragment
from ..kinds import kind_named, record_kinds
from ..namespaces import DCTERMS, LLOD, ORG, SCHEMA, SKOS, same_term
from . import charts
from .facts import Describer, Facts, Link, link_key
from .interface import Interface, endonym, interface
from .paths import relative_url

#: Headings of the resources that are not records, and their singular.
OTHER_KINDS = {
    "concept": ("Concepts", "Concept"),
    "scheme": ("Concept schemes", "Concept scheme"),
    "resource": ("Other resources", "Resource"),
}
#: The sections of the pages of resources that are not records.
OTHER_SECTIONS = {"concept": ("labels",), "scheme": ("labels", "concepts")}
#: Statuses worth telling a visitor (a scheduled event is simply an event).
_STATUS = {
    SCHEMA.EventCancelled: "Cancelled",
    SCHEMA.EventPostponed: "Postponed",
    SCHEMA.EventRescheduled: "Rescheduled",
    SCHEMA.EventMovedOnline: "Moved online",
}
_ATTENDANCE = {
    SCHEMA.OfflineEventAttendanceMode: "In person",
    SCHEMA.OnlineEventAttendanceMode: "Online",
    SCHEMA.MixedEventAttendanceMode: "In person and online",
}
_NAMES = (SKOS.prefLabel, SCHEMA.name, SCHEMA.headline, DCTERMS.title)
_DESCRIPTIONS = (SCHEMA.description, SKOS.definition)


def kind_label(kind: str) -> str:
    """The heading of a kind of resource on the index page (in English)."""
    record_kind = kind_named(kind)
    return record_kind.label if record_kind else OTHER_KINDS.get(kind, (kind, kind))[0]


def kind_singular(kind: str) -> str:
    record_kind = kind_named(kind)
    if record_kind:
        return record_kind.singular
    return OTHER_KINDS.get(kind, (kind, kind))[1]


@dataclass
class Page:
    """A resource's page in one language."""

    iri: str
    kind: str
    language: str
    #: The page's own site path (``project/alpha.fr``).
    path: str
    kind_label: str
    title: Link
    subtitle: list[Link]
    lead: Link | None
    facts: list[tuple[str, list[Link]]]
    sections: list[tuple[str, Any]]
    related: list[tuple[str, list[Link]]]
    statements: Facts
    #: A short text about the resource for search engines' result pages.
    summary: str
    #: Figures it states: (number, what it counts).
    figures: list[tuple[str, Link]]


class View:
    """Reads one resource for its page in one language; remembers what the page has shown,
    so that "more on this site" lists only the rest."""

    def __init__(self, describer: Describer, iri: str, path: str, language: str):
        self.describer = describer
        self.iri = iri
        self.path = path
        self.language = language
        self.ui: Interface = interface(language)
        self.kind = describer.index.kind(iri) or "resource"
        self.shown: set[str] = {iri}

    # --------------------------------------------------------------------------- reading

    def values(self, predicate: URIRef, subject: str | None = None) -> list[Node]:
        return self.describer.objects(subject or self.iri, predicate)

    def first(self, predicate: URIRef, subject: str | None = None) -> Node | None:
        values = sorted(self.values(predicate, subject), key=str)
        return values[0] if values else None

    def text(self, predicates: Iterable[URIRef], subject: str | None = None) -> Link | None:
        """The best of the texts under ``predicates``, for this page's language."""
        literals = [
            value
            for predicate in predicates
            for value in self.values(predicate, subject)
            if isinstance(value, Literal)
        ]
        best = self.describer.best(literals, self.language)
        return self.describer.link(self.path, best, self.language) if best is not None else None

    def linking(self, predicate: URIRef, kind: str | None = None) -> list[str]:
        return self.describer.linking(self.iri, predicate, kind)

    # ---------------------------------------------------------------------------- writing

    def link(self, target: Node | str) -> Link:
        node = target if isinstance(target, Node) else URIRef(target)
        if isinstance(node, URIRef):
            self.shown.add(str(node).partition("#")[0])
        return self.describer.link(self.path, node, self.language)

    def links(self, targets: Iterable[Node | str]) -> list[Link]:
        return sorted((self.link(target) for target in targets), key=link_key)

    def name(self, iri: str) -> str:
        return self.describer.label(iri, self.language)

    def date(self, value: Node | None, style: str = "long") -> str:
        return self.ui.date(str(value), style) if value is not None else ""

    def period(self, start: Node | None, end: Node | None, style: str = "long") -> str:
        return self.ui.period(
            str(start) if start is not None else None,
            str(end) if end is not None else None,
            style,
        )

    def country(self, subject: str) -> str | None:
        """The country of an address, or of what has one (its code)."""
        code = self.first(SCHEMA.addressCountry, subject)
        return str(code) if code is not None else None

    def address(self, node: str) -> str:
        """A postal address as one line: street, postcode and place, region, country."""
        parts = [self.first(p, node) for p in (SCHEMA.streetAddress,)]
        place = " ".join(
            str(value)
            for value in (
                self.first(SCHEMA.postalCode, node),
                self.first(SCHEMA.addressLocality, node),
            )
            if value is not None
        )
        region = self.first(SCHEMA.addressRegion, node)
        code = self.country(node)
        words = [str(p) for p in parts if p is not None] + [place] + [str(region or "")]
        words.append(self.ui.country(code) if code else "")
        return ", ".join(word for word in words if word)

    def place(self, event: str) -> str:
        """Where an event takes place, as one line: its venue and address."""
        location = self.first(SCHEMA.location, event)
        if location is None:
            return ""
        venue = self.text((SCHEMA.name,), str(location))
        address = self.first(SCHEMA.address, str(location))
        line = self.address(str(address)) if address is not None else ""
        return ", ".join(part for part in (venue.text if venue else "", line) if part)

    def town(self, event: str) -> str:
        """An event's town and country, for lists (Bordeaux, France)."""
        location = self.first(SCHEMA.location, event)
        address = self.first(SCHEMA.address, str(location)) if location is not None else None
        if address is None:
            return ""
        town = self.first(SCHEMA.addressLocality, str(address))
        code = self.country(str(address))
        parts = [str(town) if town is not None else "", self.ui.country(code) if code else ""]
        return ", ".join(part for part in parts if part)

    def start(self, iri: str) -> str:
        start = self.first(SCHEMA.startDate, iri)
        return str(start) if start is not None else ""

    def language_of(self, iri: str) -> list[str]:
        return sorted(str(tag) for tag in self.values(SCHEMA.inLanguage, iri))

    def version_link(self, iri: str) -> Link:
        """A link to a work, with the language it is in (for the page led to)."""
        link = self.link(iri)
        tags = self.language_of(iri)
        return Link(link.text, link.href, link.lang, tags[0] if len(tags) == 1 else None)

    def language_name(self, tag: str) -> Link:
        """A language by its own name (Français), marked as in that language."""
        return Link(endonym(tag), lang=tag if tag != self.language else None)


# --------------------------------------------------------------------------- key facts


@dataclass(frozen=True)
class KeyFact:
    """A line of a page's key facts: its label and how its values are read and written."""

    label: str
    #: The resource's properties it shows; none: it reads other resources (then ``kinds``
    #: says for which kinds of page).
    predicates: tuple[URIRef, ...]
    write: Callable[[View, list[Node]], list[Link]]
    kinds: tuple[str, ...] = ()


def _links(view: View, values: list[Node]) -> list[Link]:
    return view.links(values)


def _dates(view: View, values: list[Node]) -> list[Link]:
    return [Link(view.date(value)) for value in sorted(values, key=str)]


def _period(predicates: tuple[URIRef, URIRef]) -> Callable[[View, list[Node]], list[Link]]:
    def write(view: View, values: list[Node]) -> list[Link]:
        start, end = (view.first(predicate) for predicate in predicates)
        text = view.period(start, end)
        return [Link(text)] if text else []

    return write


def _event_period(view: View, values: list[Node]) -> list[Link]:
    """An event's dates (a start alone is its day), a membership's period."""
    start, end = view.first(SCHEMA.startDate), view.first(SCHEMA.endDate)
    if view.kind == "event" and end is None:
        return [Link(view.date(start))] if start is not None else []
    text = view.period(start, end)
    return [Link(text)] if text else []


def _texts(view: View, values: list[Node]) -> list[Link]:
    literals = [value for value in values if isinstance(value, Literal)]
    best = view.describer.best(literals, view.language)
    return [view.link(best)] if best is not None else []


def _plain(view: View, values: list[Node]) -> list[Link]:
    return [view.link(value) for value in sorted(values, key=str)]


def _places(view: View, values: list[Node]) -> list[Link]:
    text = view.place(view.iri)
    return [Link(text)] if text else []


def _addresses(view: View, values: list[Node]) -> list[Link]:
    return [Link(text) for text in sorted({view.address(str(v)) for v in values}) if text]


def _web(view: View, values: list[Node]) -> list[Link]:
    return [Link(_short_url(str(v)), str(v)) for v in sorted(values, key=str)]


def _mail(view: View, values: list[Node]) -> list[Link]:
    return [Link(str(v).removeprefix("mailto:"), str(v)) for v in sorted(values, key=str)]


def _languages(view: View, values: list[Node]) -> list[Link]:
    return [view.language_name(str(tag)) for tag in sorted(values, key=str)]


def _enumeration(names: dict[URIRef, str]) -> Callable[[View, list[Node]], list[Link]]:
    def write(view: View, values: list[Node]) -> list[Link]:
        return [Link(view.ui(names[v])) for v in sorted(values, key=str) if v in names]  # type: ignore[index]

    return write


def _grants(view: View, values: list[Node]) -> list[Link]:
    """A grant as its funders (funder, programme), its number and its amount."""
    written = []
    for grant in sorted(values, key=str):
        funders = view.links(view.values(SCHEMA.funder, str(grant)))
        written += funders
        number = view.first(SCHEMA.identifier, str(grant))
        if number is not None:
            written.append(Link(view.ui("grant {number}", number=number)))
        amount = view.first(SCHEMA.amount, str(grant))
        if amount is not None:
            value = view.first(SCHEMA.value, str(amount))
            currency = view.first(SCHEMA.currency, str(amount))
            written.append(Link(" ".join(str(v) for v in (value, currency) if v is not None)))
    return written


def _figures(view: View) -> list[tuple[str, Link]]:
    """Figures the resource states, as number and what it counts: 29 | partner organisations;
    10 to 20 | countries."""
    written = []
    for figure in sorted(view.values(LLOD.statedFigure), key=lambda node: _number_key(str(node))):
        name = view.text((SCHEMA.name,), str(figure))
        value, low, high = (
            view.first(p, str(figure)) for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)
        )
        if value is not None:
            amount = str(value)
        elif low is not None and high is not None:
            amount = view.ui("{low} to {high}", low=low, high=high)
        elif low is not None:
            amount = view.ui("at least {low}", low=low)
        elif high is not None:
            amount = view.ui("at most {high}", high=high)
        else:
            amount = ""
        written.append((amount, name or Link("")))
    return written


def _identifiers(view: View, values: list[Node]) -> list[Link]:
    """Identifiers in other registries (PIC 999999999, ROR ...), linked where they lead."""
    written = []
    for node in sorted(values, key=str):
        if isinstance(node, Literal):
            continue  # a deliverable's number: shown as its number
        scheme = view.first(SCHEMA.propertyID, str(node))
        value = view.first(SCHEMA.value, str(node))
        url = view.first(SCHEMA.url, str(node))
        text = f"{scheme}: {value}" if scheme is not None else str(value)
        written.append(Link(text, str(url) if url is not None else None))
    return written


def _numbers(view: View, values: list[Node]) -> list[Link]:
    return [Link(str(v)) for v in sorted(values, key=str) if isinstance(v, Literal)]


def _downloads(view: View, values: list[Node]) -> list[Link]:
    written = []
    for media in sorted(values, key=str):
        url = view.first(SCHEMA.contentUrl, str(media))
        if url is not None:
            form = view.first(SCHEMA.encodingFormat, str(media))
            text = _short_url(str(url)) + (f" ({form})" if form is not None else "")
            written.append(Link(text, str(url)))
    return written


def _coordinators(view: View, values: list[Node]) -> list[Link]:
    members = [
        member
        for membership, role in _memberships(view)
        if role.endswith("/coordinator")
        for member in view.values(ORG.member, membership)
    ]
    return view.links(members)


def _contacts(view: View, values: list[Node]) -> list[Link]:
    """The people a project names as contacts (its ``#contact-...`` memberships)."""
    people = [
        person
        for node in view.values(SCHEMA.member)
        if "#" in str(node) and not is_member_fragment(str(node))
        for person in view.values(ORG.member, str(node))
    ]
    return view.links(people)


def _projects_of_event(view: View, values: list[Node]) -> list[Link]:
    return view.links(view.linking(SCHEMA.event, "project"))


def _related(view: View, values: list[Node]) -> list[Link]:
    continued = {str(v) for v in view.values(LLOD.continues)}
    return view.links(v for v in values if str(v) not in continued)


def _memberships(view: View) -> list[tuple[str, str]]:
    """A project's participations (pages of their own, or parts of its page), with each
    one's role IRI."""
    found = []
    pages = [
        membership
        for membership in view.describer.index.incoming.get(view.iri, ())
        if view.describer.index.kind(membership) == "participation"
    ]
    parts = [str(n) for n in view.values(SCHEMA.member) if is_member_fragment(str(n))]
    for membership in pages + parts:
        if URIRef(view.iri) not in view.values(ORG.organization, membership):
            continue
        role = view.first(ORG.role, membership)
        found.append((membership, str(role) if role is not None else ""))
    return sorted(found)


#: The key facts of every page, in this order, each shown where the resource states it.
KEY_FACTS: tuple[KeyFact, ...] = (
    KeyFact("When", (SCHEMA.startDate, SCHEMA.endDate), _event_period),
    KeyFact(
        "Period",
        (SCHEMA.foundingDate, SCHEMA.dissolutionDate),
        _period((SCHEMA.foundingDate, SCHEMA.dissolutionDate)),
    ),
    KeyFact("Where", (SCHEMA.location,), _places),
    KeyFact("Status", (SCHEMA.eventStatus,), _enumeration(_STATUS)),
    KeyFact("Attendance", (SCHEMA.eventAttendanceMode,), _enumeration(_ATTENDANCE)),
    KeyFact("Project", (), _projects_of_event, ("event",)),
    KeyFact("Part of", (SCHEMA.superEvent,), _links),
    KeyFact("Funding", (SCHEMA.funding,), _grants),
    KeyFact("Coordinator", (), _coordinators, ("project",)),
    KeyFact("Organisers", (SCHEMA.organizer,), _links),
    KeyFact("Speakers", (SCHEMA.performer,), _links),
    KeyFact("Participants", (SCHEMA.attendee,), _links),
    KeyFact("Number", (SCHEMA.identifier,), _numbers),
    KeyFact("Work package", (LLOD.workPackage,), _plain),
    KeyFact("Due", (LLOD.dueDate,), _dates),
    KeyFact("Delivered", (DCTERMS.dateSubmitted,), _dates),
    KeyFact("Language", (SCHEMA.inLanguage,), _languages),
    KeyFact("Published", (SCHEMA.datePublished,), _dates),
    KeyFact("Publisher", (SCHEMA.publisher,), _links),
    KeyFact("Authors", (SCHEMA.author,), _links),
    KeyFact("Editors", (SCHEMA.editor,), _links),
    KeyFact("Project", (SCHEMA.producer,), _links),
    KeyFact("Member", (ORG.member,), _links),
    KeyFact("Role", (ORG.role,), _links),
    KeyFact("Project", (ORG.organization,), _links),
    KeyFact("Position", (SCHEMA.jobTitle,), _texts),
    KeyFact("Affiliation", (SCHEMA.affiliation,), _links),
    KeyFact("Address", (SCHEMA.address,), _addresses),
    KeyFact("Part of", (SCHEMA.parentOrganization,), _links),
    KeyFact("Includes", (SCHEMA.subOrganization,), _links),
    KeyFact("Contacts", (), _contacts, ("project",)),
    KeyFact("Continues", (LLOD.continues,), _links),
    KeyFact("Related projects", (DCTERMS.relation,), _related),
    KeyFact("About", (SCHEMA.about,), _links),
    KeyFact("Topics", (DCTERMS.subject,), _links),
    KeyFact("Section", (SCHEMA.articleSection,), _plain),
    KeyFact("Code", (SKOS.notation,), _plain),
    KeyFact("In scheme", (SKOS.inScheme,), _links),
    KeyFact("Broader", (SKOS.broader,), _links),
    KeyFact("Narrower", (SKOS.narrower,), _links),
    KeyFact("Website", (SCHEMA.url,), _web),
    KeyFact("Download", (SCHEMA.encoding,), _downloads),
    KeyFact("Email", (SCHEMA.email,), _mail),
    KeyFact("Phone", (SCHEMA.telephone,), _plain),
    KeyFact("Identifiers", (SCHEMA.identifier,), _identifiers),
    KeyFact("Elsewhere", (SCHEMA.sameAs,), _web),
)


def key_facts(view: View) -> list[tuple[str, list[Link]]]:
    facts = []
    stated = {str(p) for _, p, _ in view.describer.own(view.iri)}
    for fact in KEY_FACTS:
        if not fact.predicates:
            if view.kind not in fact.kinds:
                continue
            values: list[Node] = []
        elif not stated.intersection(map(str, fact.predicates)):
            continue
        else:
            values = [v for p in fact.predicates for v in view.values(p)]
        written = fact.write(view, values)
        if written:
            facts.append((view.ui(fact.label), written))
    return facts


# ---------------------------------------------------------------------------- sections


def _partners(view: View) -> dict[str, Any] | None:
    """A project's partners by role and country, with a chart of the countries."""
    by_role: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
    per_country: dict[str, set[str]] = defaultdict(set)
    role_order: dict[str, tuple[int, str]] = {}
    for membership, role in _memberships(view):
        role_name = view.name(role) if role else view.ui("Member")
        role_order[role_name] = _role_rank(role)
        for member in view.values(ORG.member, membership):
            code = _organisation_country(view, str(member))
            country = view.ui.country(code) if code else view.ui("Country not stated")
            by_role[role_name][country].append(view.link(member))
            per_country[country].add(str(member))
    if not by_role:
        return None
    unknown = view.ui("Country not stated")
    roles = [
        (
            role,
            [
                (c, sorted(links, key=link_key))
                for c, links in sorted(countries.items(), key=lambda i: (i[0] == unknown, i[0]))
            ],
        )
        for role, countries in sorted(by_role.items(), key=lambda item: role_order[item[0]])
    ]
    counts = sorted(
        ((c, len(m)) for c, m in per_country.items()), key=lambda i: (i[0] == unknown, -i[1], i[0])
    )
    partners = len({m for members in per_country.values() for m in members})
    countries = len([c for c in per_country if c != unknown])
    return {
        "roles": roles,
        "count": partners,
        "countries": countries,
        "chart": charts.country_bars(counts, view.ui, partners, countries),
    }


def _organisation_country(view: View, organisation: str) -> str | None:
    for address in view.values(SCHEMA.address, organisation):
        code = view.country(str(address))
        if code:
            return code
    return None


def _role_rank(role: str) -> tuple[int, str]:
    order = ("coordinator", "partner", "associate-partner", "contact")
    slug = role.rsplit("/", 1)[-1]
    return (order.index(slug) if slug in order else len(order), role)


@dataclass(frozen=True)
class Dated:
    """An event or work in a list by date."""

    date: str
    written: str
    link: Link
    where: str = ""
    note: str = ""


def _dated_events(view: View, events: Iterable[str], note: Callable[[str], str] | None = None):
    items = [
        Dated(
            view.start(event),
            _when(view, event),
            view.link(event),
            view.town(event),
            note(event) if note else "",
        )
        for event in set(events)
    ]
    return sorted(items, key=lambda item: (item.date == "", item.date, *link_key(item.link)))


def _when(view: View, event: str) -> str:
    """When an event takes place, short: 26–27 May 2016; 29 Mar 2017 (one day)."""
    start, end = view.first(SCHEMA.startDate, event), view.first(SCHEMA.endDate, event)
    if start is not None and end is None:
        return view.date(start, "short")
    return view.period(start, end, "short")


def _timeline(view: View) -> dict[str, Any] | None:
    """A project's events in date order, drawn on a line across its period."""
    events = _dated_events(view, (str(e) for e in view.values(SCHEMA.event)))
    if not events:
        return None
    start = view.first(SCHEMA.foundingDate)
    end = view.first(SCHEMA.dissolutionDate)
    chart = charts.timeline(
        [(item.date, item.link.text) for item in events],
        str(start) if start is not None else None,
        str(end) if end is not None else None,
        view.ui,
    )
    return {"events": events, "chart": chart}


def _programme(view: View) -> list[Dated] | None:
    """An event's parts (sub-events) in date order."""
    return _dated_events(view, (str(e) for e in view.values(SCHEMA.subEvent))) or None


@dataclass(frozen=True)
class Work:
    """A publication with its language versions (each by the language's own name)."""

    link: Link
    kind: str
    date: str
    versions: list[Link]
    #: The version shown.
    iri: str = ""


def _family(view: View, work: str) -> list[str]:
    """A work and its translations, each way, transitively, in IRI order."""
    seen, todo = {work}, [work]
    while todo:
        current = todo.pop()
        for predicate in (SCHEMA.workTranslation, SCHEMA.translationOfWork):
            for other in view.values(predicate, current):
                if str(other) not in seen and view.describer.path(str(other)) is not None:
                    seen.add(str(other))
                    todo.append(str(other))
    return sorted(seen)


def _works(view: View, works: Iterable[str]) -> list[Work]:
    """Works, each once with its language versions; shown by the version in the page's
    language where there is one."""
    listed: list[Work] = []
    done: set[str] = set()
    for work in sorted(set(works)):
        if work in done:
            continue
        family = _family(view, work)
        done.update(family)
        versions = [_in_language(view, version) for version in family]
        shown = next((v for v in family if view.language in view.language_of(v)), work)
        date = view.first(SCHEMA.datePublished, shown)
        kind = view.first(DCTERMS.type, shown)
        link = view.version_link(shown)
        kind_name = view.name(str(kind)) if kind is not None else ""
        listed.append(
            Work(
                link,
                kind_name if kind_name != link.text else "",  # not "Project description" twice
                view.date(date) if date is not None else "",
                sorted((v for v in versions if v is not None), key=link_key),
                shown,
            )
        )
    return sorted(listed, key=lambda work: link_key(work.link))


def _in_language(view: View, work: str) -> Link | None:
    """A link to a work named by its language (Français), None if it states none."""
    tags = view.language_of(work)
    if not tags:
        return None
    link = view.link(work)
    name = endonym(tags[0])
    return Link(name, link.href, tags[0] if tags[0] != view.language else None, tags[0])


def _outputs(view: View) -> dict[str, Any] | None:
    """A project's publications, each with its language versions, and how many there are in
    each language."""
    produced = view.linking(SCHEMA.producer, "publication")
    if not produced:
        return None
    per_language: dict[str, int] = defaultdict(int)
    for work in produced:
        for tag in view.language_of(work):
            per_language[tag] += 1
    languages = sorted(per_language.items(), key=lambda item: (-item[1], endonym(item[0])))
    return {
        "works": _works(view, produced),
        "languages": [(view.language_name(tag), count) for tag, count in languages],
    }


@dataclass(frozen=True)
class DeliverableRow:
    number: str
    link: Link
    work_package: str
    due: str
    delivered: str


def _deliverables(view: View) -> list[DeliverableRow] | None:
    rows = []
    for deliverable in view.linking(SCHEMA.producer, "deliverable"):
        number = view.first(SCHEMA.identifier, deliverable)
        package = view.first(LLOD.workPackage, deliverable)
        rows.append(
            DeliverableRow(
                str(number) if isinstance(number, Literal) else "",
                view.version_link(deliverable),
                str(package) if package is not None else "",
                view.date(view.first(LLOD.dueDate, deliverable)),
                view.date(view.first(DCTERMS.dateSubmitted, deliverable)),
            )
        )
    return sorted(rows, key=lambda row: (_number_key(row.number), *link_key(row.link))) or None


def _versions(view: View) -> list[tuple[Link, Link, bool]] | None:
    """A publication's language versions, this one among them."""
    family = _family(view, view.iri)
    if len(family) < 2:
        return None
    versions = [
        (view.language_name(tag), view.version_link(work), work == view.iri)
        for work in family
        for tag in (view.language_of(work) or [""])[:1]
    ]
    return sorted(versions, key=lambda item: (item[0].text.casefold(), item[1].href or ""))


def _presentations(view: View) -> list[Work] | None:
    return _works(view, (str(w) for w in view.values(SCHEMA.workFeatured))) or None


def _projects(view: View) -> list[tuple[str, list[tuple[Link, str]]]] | None:
    """An organisation's projects by its role in each (and those it funds)."""
    by_role: dict[str, list[tuple[Link, str]]] = defaultdict(list)
    ranks: dict[str, tuple[int, str]] = {}
    for membership in _participations_of(view):
        role = view.first(ORG.role, membership)
        role_name = view.name(str(role)) if role is not None else view.ui("Member")
        ranks[role_name] = _role_rank(str(role or ""))
        for project in view.values(ORG.organization, membership):
            by_role[role_name].append(_project_line(view, str(project)))
    for funded in view.linking(SCHEMA.funder, "project"):
        name = view.ui("Funder")
        ranks[name] = (10, name)
        by_role[name].append(_project_line(view, funded))
    if not by_role:
        return None
    return [
        (role, sorted(set(lines), key=lambda line: link_key(line[0])))
        for role, lines in sorted(by_role.items(), key=lambda item: ranks[item[0]])
    ]


def _participations_of(view: View) -> list[str]:
    """An organisation's participations: pages of their own, or parts of projects' pages."""
    found = view.linking(ORG.member, "participation")
    index = view.describer.index
    parts = {
        (link.source, link.subject)
        for link in view.describer.links_to(view.iri)
        if same_term(link.predicate, ORG.member)
        and is_member_fragment(link.subject)
        and index.kind(link.source) == "project"
    }
    return found + [part for _, part in sorted(parts)]


def _project_line(view: View, project: str) -> tuple[Link, str]:
    period = view.period(
        view.first(SCHEMA.foundingDate, project), view.first(SCHEMA.dissolutionDate, project)
    )
    return view.link(project), period


_EVENT_ROLES = (
    (SCHEMA.organizer, "Organiser"),
    (SCHEMA.performer, "Speaker"),
    (SCHEMA.attendee, "Participant"),
)


def _activities(view: View) -> list[Dated] | None:
    """The events an organisation or person organised, spoke at or attended, by date."""
    roles: dict[str, list[str]] = defaultdict(list)
    for predicate, role in _EVENT_ROLES:
        for event in view.linking(predicate, "event"):
            roles[event].append(view.ui(role))
    if not roles:
        return None
    return _dated_events(view, roles, lambda event: ", ".join(roles[event]))


_WORK_ROLES = (
    (SCHEMA.publisher, "Publisher"),
    (SCHEMA.author, "Author"),
    (SCHEMA.editor, "Editor"),
)


def _authored(view: View) -> list[tuple[Work, str]] | None:
    """The publications an organisation or person published, wrote or edited."""
    roles: dict[str, list[str]] = defaultdict(list)
    for predicate, role in _WORK_ROLES:
        for kind in ("publication", "deliverable", "news"):
            for work in view.linking(predicate, kind):
                roles[work].append(view.ui(role))
    if not roles:
        return None
    return [
        (
            Work(view.version_link(work), "", view.date(_published(view, work)), [], work),
            ", ".join(roles[work]),
        )
        for work in sorted(
            roles,
            key=lambda work: (_published(view, work) is None, str(_published(view, work) or "")),
            reverse=False,
        )
    ]


def _published(view: View, work: str) -> Node | None:
    return view.first(SCHEMA.datePublished, work)


def _people(view: View) -> list[tuple[Link, str]] | None:
    people = view.linking(SCHEMA.affiliation, "person")
    lines = []
    for person in people:
        title = view.text((SCHEMA.jobTitle,), person)
        lines.append((view.link(person), title.text if title else ""))
    return sorted(lines, key=lambda line: link_key(line[0])) or None


def _roles(view: View) -> list[tuple[str, Link]] | None:
    """A person's roles in projects (contact, ...), from the projects' memberships."""
    lines = []
    index = view.describer.index
    for project, subject, predicate in view.describer.links_to(view.iri):
        if "#" in subject and same_term(predicate, ORG.member) and index.kind(project) == "project":
            role = view.first(ORG.role, subject)
            role_name = view.name(str(role)) if role is not None else view.ui("Member")
            lines.append((role_name, view.link(project)))
    return sorted(lines, key=lambda line: (line[0], *link_key(line[1]))) or None


def _labels(view: View) -> list[tuple[Link, list[Link], Link | None]] | None:
    """A concept's names and definition in each language it has them."""
    by_language: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    for predicate, slot in (
        (SKOS.prefLabel, "name"),
        (SKOS.altLabel, "also"),
        (SKOS.definition, "definition"),
    ):
        for value in view.values(predicate):
            if isinstance(value, Literal):
                by_language[value.language or ""][slot].append(value)
    if not by_language:
        return None
    rows = []
    for tag in sorted(
        by_language, key=lambda tag: (tag != view.language, endonym(tag) if tag else "")
    ):
        texts = by_language[tag]
        lang = tag if tag and tag != view.language else None
        names = [Link(str(v), lang=lang) for v in sorted(texts["name"] + texts["also"], key=str)]
        definition = texts["definition"][0] if texts["definition"] else None
        rows.append(
            (
                view.language_name(tag) if tag else Link("—"),
                names,
                Link(str(definition), lang=lang) if definition is not None else None,
            )
        )
    return rows


def _concepts(view: View) -> list[tuple[Link, str]] | None:
    concepts = {str(c) for c in view.values(SKOS.hasTopConcept)}
    concepts.update(view.linking(SKOS.inScheme))
    lines = []
    for concept in concepts:
        if view.describer.path(concept) is None:
            continue
        code = view.first(SKOS.notation, concept)
        lines.append((view.link(concept), str(code) if code is not None else ""))
    return sorted(lines, key=lambda line: link_key(line[0])) or None


#: The sections a page may show, by the name ``kinds.RecordKind.sections`` gives: each makes the
#: content of ``templates/sections/{name}.html`` from the page's ``View`` (None: nothing to show).
SECTIONS: dict[str, Callable[[View], Any]] = {
    "partners": _partners,
    "timeline": _timeline,
    "outputs": _outputs,
    "deliverables": _deliverables,
    "versions": _versions,
    "programme": _programme,
    "presentations": _presentations,
    "projects": _projects,
    "activities": _activities,
    "works": _authored,
    "people": _people,
    "roles": _roles,
    "labels": _labels,
    "concepts": _concepts,
}


# -------------------------------------------------------------------------------- page


def page(describer: Describer, iri: str, language: str) -> Page:
    """The page of ``iri`` in ``language``."""
    statements = describer.facts(iri, language)
    path = describer.languages.page(statements.path, language)
    view = View(describer, iri, path, language)
    title = view.text(_NAMES) or Link(describer.label(iri, language))
    sections = []
    for name in _section_names(view.kind):
        content = SECTIONS[name](view)
        if content:
            sections.append((name, content))
    facts = key_facts(view)
    lead = view.text(_DESCRIPTIONS)
    return Page(
        iri=iri,
        kind=view.kind,
        language=language,
        path=path,
        kind_label=_kind_of(view),
        title=Link(title.text, lang=title.lang),
        subtitle=_subtitle(view),
        lead=lead,
        facts=facts,
        sections=sections,
        related=_more(view),
        statements=statements,
        summary=_summary(view, title, lead, facts),
        figures=_figures(view),
    )


def _section_names(kind: str) -> tuple[str, ...]:
    record_kind = kind_named(kind)
    return record_kind.sections if record_kind else OTHER_SECTIONS.get(kind, ())


def _kind_of(view: View) -> str:
    """What the resource is, in a word: its kind's concept (Seminar, City) or its kind."""
    for predicate in (DCTERMS.type, ORG.classification):
        concept = view.first(predicate)
        if concept is not None:
            return view.name(str(concept))
    if view.kind == "concept":
        scheme = view.first(SKOS.inScheme)
        if scheme is not None:
            return view.ui(
                "{kind} in {scheme}", kind=view.ui("Concept"), scheme=view.name(str(scheme))
            )
    return view.ui(kind_singular(view.kind))


def _subtitle(view: View) -> list[Link]:
    lines = [view.link(v) for v in sorted(view.values(SCHEMA.alternateName), key=str)]
    lines += [view.language_name(tag) for tag in view.language_of(view.iri)]
    return lines


def _more(view: View) -> list[tuple[str, list[Link]]]:
    """What else on the site links to the resource, by kind: what the page has not shown."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    through_participations = _only_through_participations(view)
    for document in view.describer.referenced_by(view.iri):
        kind = view.describer.index.kind(document) or "resource"
        if (
            document not in view.shown
            and kind != "participation"
            and document not in through_participations
        ):
            by_kind[kind].append(document)
    order = [kind.name for kind in record_kinds()] + list(OTHER_KINDS)
    return [
        (view.ui(kind_label(kind)), view.links(by_kind[kind]))
        for kind in sorted(
            by_kind, key=lambda kind: order.index(kind) if kind in order else len(order)
        )
    ]


def _only_through_participations(view: View) -> set[str]:
    """The documents that link to the resource only from participations that are parts of
    them: a role's page does not list every project with that role, as it does not list every
    participation."""
    subjects: dict[str, list[str]] = defaultdict(list)
    for link in view.describer.links_to(view.iri):
        subjects[link.source].append(link.subject)
    return {
        document
        for document, linking in subjects.items()
        if all(is_member_fragment(subject) for subject in linking)
    }


def _summary(
    view: View, title: Link, lead: Link | None, facts: list[tuple[str, list[Link]]]
) -> str:
    """A sentence or two for search results: the description, else the kind and key facts."""
    if lead is not None:
        text = lead.text
    else:
        parts = [f"{_kind_of(view)}: {title.text}"]
        parts += [
            f"{label}: {', '.join(v.text for v in values[:3])}" for label, values in facts[:3]
        ]
        text = ". ".join(parts) + "."
    return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"


def _short_url(url: str) -> str:
    """A web address as people read it: without its scheme and trailing slash."""
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


def _number_key(text: str) -> tuple[bool, tuple[int, ...], str]:
    """Numbers in their order: D2 before D10, #figure-2 before #figure-10."""
    digits = [int(part) for part in "".join(c if c.isdigit() else " " for c in text).split()]
    return (not digits, tuple(digits), text)


def alternates(languages: Iterable[str], path: str, describer: Describer) -> list[tuple[str, str]]:
    """Each language's page of the site path ``path`` (default language's), by its URL
    relative to that path."""
    return [
        (language, relative_url(path, describer.languages.page(path, language)))
        for language in languages
    ]


__all__ = ["KEY_FACTS", "SECTIONS", "Page", "page"]
