"""The index page as visitors read it (projects, events by date, latest publications and news,
a search by name (see ``search``), every resource by kind).

Which events are upcoming is told relative to the data, never the clock: the day the site is
published as of (``--modified``, else the dataset's ``modified``). Without one, events are
listed by date, latest first. The same input gives the same pages, whenever published.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import SCHEMA
from .facts import Describer, Link, link_key
from .views import Dated, View, Work, _dated_events, _works, kind_label

#: Events listed on the index page in each list (upcoming, past), publications and news.
LISTED_EVENTS = 10
LISTED_WORKS = 10
LISTED_NEWS = 5


@dataclass(frozen=True)
class ProjectLine:
    link: Link
    acronym: str
    period: str
    summary: Link | None


@dataclass
class Home:
    """What the index page shows a visitor in one language."""

    projects: list[ProjectLine] = field(default_factory=list)
    projects_count: int = 0
    #: As of the reference date: upcoming (soonest first) and past (latest first); without
    #: one, ``past`` holds every dated event, latest first.
    upcoming: list[Dated] = field(default_factory=list)
    past: list[Dated] = field(default_factory=list)
    events_count: int = 0
    reference: str | None = None
    works: list[Work] = field(default_factory=list)
    news: list[Dated] = field(default_factory=list)
    #: Every kind: (kind, heading, count, first links).
    kinds: list[tuple[str, str, int, list[Link]]] = field(default_factory=list)


def home(
    describer: Describer,
    by_kind: dict[str, list[str]],
    language: str,
    reference: str | None,
    listed: int,
) -> Home:
    """The index page's contents in ``language``; ``listed`` links at most per kind."""
    path = describer.languages.page("", language)
    view = View(describer, describer.iris.base, path, language)
    page = Home(reference=reference)
    projects = by_kind.get("project", [])
    page.projects_count = len(projects)
    page.projects = [_project(view, iri) for iri in _by_start(view, projects)[:listed]]
    events = [iri for iri in by_kind.get("event", []) if view.start(iri)]
    page.events_count = len(by_kind.get("event", []))
    dated = _dated_events(view, events)
    if reference:
        page.upcoming = [e for e in dated if e.date[:10] >= reference][:LISTED_EVENTS]
        page.past = [e for e in reversed(dated) if e.date[:10] < reference][:LISTED_EVENTS]
    else:
        page.past = list(reversed(dated))[: 2 * LISTED_EVENTS]
    page.works = _latest_works(view, by_kind.get("publication", []))
    page.news = _latest_news(view, by_kind.get("news", []))
    for kind, iris in by_kind.items():
        # The first ``listed`` as sorted (ties kept in order), not all the kind's links at once.
        links = (describer.link(path, URIRef(iri), language) for iri in iris)
        first = heapq.nsmallest(listed, links, key=link_key)
        page.kinds.append((kind, view.ui(kind_label(kind)), len(iris), first))
    return page


def _by_start(view: View, projects: list[str]) -> list[str]:
    """Projects, the latest started first, then by name."""

    def key(iri: str) -> tuple[bool, str, str]:
        start = view.first(SCHEMA.foundingDate, iri)
        return (start is None, _negated(str(start or "")), view.name(iri).casefold())

    return sorted(projects, key=key)


def _negated(text: str) -> str:
    """A text that sorts the other way round (for dates of equal form: latest first)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def _project(view: View, iri: str) -> ProjectLine:
    acronym = view.first(SCHEMA.alternateName, iri)
    return ProjectLine(
        view.link(iri),
        str(acronym) if acronym is not None else "",
        view.period(view.first(SCHEMA.foundingDate, iri), view.first(SCHEMA.dissolutionDate, iri)),
        _short(view.text((SCHEMA.description,), iri)),
    )


def _short(text: Link | None, length: int = 220) -> Link | None:
    if text is None or len(text.text) <= length:
        return text
    return Link(text.text[: length - 1].rsplit(" ", 1)[0] + "…", lang=text.lang)


def _latest_works(view: View, publications: list[str]) -> list[Work]:
    """Publications, each work once with its language versions: the latest dated first."""
    works = _works(view, publications)

    def key(work: Work) -> tuple[bool, str, str]:
        date = view.first(SCHEMA.datePublished, work.iri)
        return (date is None, _negated(str(date or "")), work.link.text.casefold())

    return sorted(works, key=key)[:LISTED_WORKS]


def _latest_news(view: View, news: list[str]) -> list[Dated]:
    items = [
        Dated(str(date), view.date(date), view.link(iri))
        for iri in news
        if (date := view.first(SCHEMA.datePublished, iri)) is not None
    ]
    items.sort(key=lambda item: (_negated(item.date), *link_key(item.link)))
    return items[:LISTED_NEWS]
