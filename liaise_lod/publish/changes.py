"""The site's page of changes and its Atom feed (RFC 4287): what each release added, removed
and changed, latest first, in each page language.

The feed's dates are the releases' own (``Release.date``), never the clock: a site whose
latest release has no date gets no feed. Each entry lists ``FEED_LISTED`` resources at most;
the page lists every resource the history keeps (``releases.LISTED`` per release)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import escape

from ..iris import Iris
from ..namespaces import SCHEMA_CONTEXT_IRI
from .interface import Interface, interface
from .jsonld_island import script_json
from .pages import CHANGES_PAGE, SiteInfo, frame, render
from .paths import relative_url, site_path
from .releases import NOT_TEXT, History, Release, best_label, release_iri

FEED_TYPE = "application/atom+xml"
#: Resources an entry of the feed lists.
FEED_LISTED = 50
ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HEADINGS = {"added": "Added", "removed": "Removed", "changed": "Changed"}


def feed_path(site: SiteInfo, language: str) -> str:
    return f"{site.languages.page(CHANGES_PAGE, language)}.atom"


@dataclass(frozen=True)
class Item:
    """A resource as the page lists it."""

    text: str
    lang: str | None
    href: str | None


@dataclass(frozen=True)
class Group:
    heading: str
    count: int
    items: list[Item]


@dataclass(frozen=True)
class ReleaseView:
    release: Release
    anchor: str
    notes: str
    groups: list[Group]


def notes(release: Release, ui: Interface) -> str:
    """What changed, in counts: the release's ``adms:versionNotes``."""
    if not release.compared:
        return ui(
            "The first release. Resources: {resources}; triples: {triples}.",
            resources=release.resources,
            triples=release.triples,
        )
    since = (
        ui("since version {version}", version=release.previous)
        if release.previous
        else ui("since the site published before")
    )
    return ui(
        "Resources added: {added}, removed: {removed}, changed: {changed}, {since}.",
        added=release.added,
        removed=release.removed,
        changed=release.changed,
        since=since,
    )


class ChangesWriter:
    """Writes the page of changes and the feed in each page language."""

    def __init__(
        self,
        site: SiteInfo,
        iris: Iris,
        history: History,
        pages: set[str],
        author: Callable[[str], str],
    ):
        self.site = site
        self.iris = iris
        self.history = history
        self.pages = pages  # the resources that have a page in this site
        self.author = author

    @property
    def has_feed(self) -> bool:
        return self.history.latest.date is not None

    def files(self) -> dict[str, bytes]:
        files = {}
        for language in self.site.languages.all:
            here = self.site.languages.page(CHANGES_PAGE, language)
            files[f"{here}.html"] = self._page(language)
            if self.has_feed:
                files[feed_path(self.site, language)] = self._feed(language)
        return files

    def feed_link(self, language: str, here: str) -> str | None:
        """The feed's URL relative to the page at ``here``, if the site has a feed."""
        return relative_url(here, feed_path(self.site, language)) if self.has_feed else None

    def _page(self, language: str) -> bytes:
        ui = interface(language)
        here = self.site.languages.page(CHANGES_PAGE, language)
        lead = "What each release of the data added, removed and changed, latest first."
        views = [self._view(release, language, here) for release in self.history.releases]
        island = {
            "@context": SCHEMA_CONTEXT_IRI,
            "@id": self.site.base + here,
            "@type": "WebPage",
            "name": ui("Changes"),
            "inLanguage": language,
            "about": {
                "@id": self.site.base,
                "@type": "Dataset",
                "name": self.site.title,
                "version": self.history.latest.version,
            },
        }
        return render(
            "changes.html",
            island=script_json(island),
            title=ui("Changes"),
            summary=ui(lead),
            lead=lead,
            releases=views,
            feed=self.feed_link(language, here),
            feed_type=FEED_TYPE,
            **frame(self.site, CHANGES_PAGE, language),
        )

    def _view(self, release: Release, language: str, here: str) -> ReleaseView:
        ui = interface(language)
        groups = []
        for change, heading in _HEADINGS.items():
            items = [
                self._item(listed.iri, listed.labels, language, here)
                for listed in release.listed
                if listed.change == change
            ]
            count = getattr(release, change)
            if count:
                groups.append(Group(ui(heading), count, items))
        return ReleaseView(release, f"release-{release.version}", notes(release, ui), groups)

    def _item(self, iri: str, labels: dict[str, str], language: str, here: str) -> Item:
        text, lang = best_label(labels, language, iri)
        href = None
        if iri in self.pages:
            page = self.site.languages.page(site_path(iri, self.iris), language)
            href = relative_url(here, page)
        return Item(text, lang, href)

    def _feed(self, language: str) -> bytes:
        ui = interface(language)
        base = self.site.base
        page_url = base + self.site.languages.page(CHANGES_PAGE, language)
        dated = [release for release in self.history.releases if release.date]
        feed = ET.Element("feed", {"xmlns": ATOM, _XML_LANG: language})
        _text(feed, "id", base + feed_path(self.site, language))
        _text(feed, "title", ui("Changes to {title}", title=self.site.title))
        _text(feed, "updated", _moment(dated[0].date))
        author = ET.SubElement(feed, "author")
        _text(author, "name", self.author(language))
        _link(feed, "self", base + feed_path(self.site, language), FEED_TYPE)
        _link(feed, "alternate", page_url, "text/html")
        for release in dated:
            feed.append(self._entry(release, ui, page_url))
        ET.indent(feed)
        # Names without namespace, the default one declared by hand: ElementTree would give
        # Atom's a prefix, or refuse the unprefixed attributes Atom's elements have.
        return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"

    def _entry(self, release: Release, ui: Interface, page_url: str) -> ET.Element:
        entry = ET.Element("entry")
        _text(entry, "id", release_iri(self.site.base, release.version))
        _text(entry, "title", ui("Version {version}", version=release.version))
        _text(entry, "updated", _moment(release.date))
        if release.issued:
            _text(entry, "published", _moment(release.issued))
        _link(entry, "alternate", f"{page_url}#release-{release.version}", "text/html")
        summary = notes(release, ui)
        _text(entry, "summary", summary)
        content = _text(entry, "content", self._entry_html(release, ui, summary))
        content.set("type", "html")
        return entry

    def _entry_html(self, release: Release, ui: Interface, summary: str) -> str:
        """The entry's content, as HTML (escaped once more as the element's text)."""
        rows = []
        for listed in release.listed[:FEED_LISTED]:
            text, lang = best_label(listed.labels, ui.language, listed.iri)
            label = f'<span lang="{escape(lang)}">{escape(text)}</span>' if lang else escape(text)
            if listed.iri in self.pages:
                label = f'<a href="{escape(listed.iri)}">{label}</a>'
            # the values escaped, the translation (ours) not
            change = escape(ui(_HEADINGS[listed.change]))
            rows.append(f"<li>{ui('{change}: {resource}', change=change, resource=label)}</li>")
        html = f"<p>{escape(summary)}</p>"
        if rows:
            html += "<ul>" + "".join(rows) + "</ul>"
        more = release.added + release.removed + release.changed - len(rows)
        if rows and more:
            html += f"<p>{escape(ui('{count} more not listed here.', count=more))}</p>"
        return html


def _text(parent: ET.Element, name: str, text: str | None) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = NOT_TEXT.sub("\ufffd", text or "")
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "href": href, "type": media_type})


def _moment(day: str | None) -> str:
    """An Atom date (RFC 3339 date-time) for a day: its start, in UTC."""
    return f"{day}T00:00:00Z"


def author_names(names: dict[str, str] | None, fallback: str) -> Callable[[str], str]:
    def name(language: str) -> str:
        if not names:
            return fallback
        return names.get(language) or names.get("en") or names[sorted(names)[0]]

    return name
