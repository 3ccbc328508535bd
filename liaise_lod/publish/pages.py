"""HTML pages (Jinja2, autoescaped) and the per-resource data files beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, Template, select_autoescape
from rdflib.term import Node

from ..formats import graph_formats
from ..serialize import Piece, join_pieces, piece
from . import views
from .facts import Describer
from .index import Part, SiteIndex, triples_of
from .interface import endonym, interface
from .jsonld_island import island, script_json
from .paths import PageLanguages, relative_url, site_path


@dataclass(frozen=True)
class SiteInfo:
    """What every page states about the site: its title, base IRI and licence."""

    title: str
    base: str
    #: None where neither the settings nor --license name one: the site states no licence.
    license: str | None
    license_name: str | None
    languages: PageLanguages = field(default_factory=PageLanguages)
    #: Whether the site has a page of example SPARQL queries.
    queries: bool = False


#: The site path of the page of example queries (its own page: they are for data users).
QUERIES_PAGE = "queries"
#: The site path of the page saying what each release changed.
CHANGES_PAGE = "changes"


@dataclass(frozen=True)
class LanguageLink:
    """One language's version of a page, for the language switch and ``hreflang`` links."""

    tag: str
    name: str
    #: Its address, absolute (search engines want it so) and relative (for visitors).
    url: str
    href: str
    current: bool


def frame(site: SiteInfo, path: str, language: str) -> dict[str, Any]:
    """What every page around its content needs: the interface in its language, the way
    home, its address and the other languages' versions. ``path`` is the default language's
    site path of the page (``""``: the index)."""
    here = site.languages.page(path, language)
    return {
        "site": site,
        "ui": interface(language),
        "root": root_of(here),
        "home": relative_url(here, site.languages.page("", language)),
        "canonical": site.base + here,
        "queries_page": (
            relative_url(here, site.languages.page(QUERIES_PAGE, language))
            if site.queries
            else None
        ),
        "changes_page": relative_url(here, site.languages.page(CHANGES_PAGE, language)),
        "languages": [
            LanguageLink(
                tag,
                endonym(tag),
                site.base + site.languages.page(path, tag),
                relative_url(here, site.languages.page(path, tag)),
                tag == language,
            )
            for tag in site.languages.all
        ],
    }


@cache
def environment() -> Environment:
    """The Jinja2 environment: templates from the package, HTML always escaped."""
    return Environment(
        loader=PackageLoader("liaise_lod.publish", "templates"),
        auto_reload=False,  # templates ship with the package: no stat() before every page
        autoescape=select_autoescape(["html"], default=True),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def template(name: str) -> Template:
    """A template of the package, loaded once (Jinja2 would look it up before every page)."""
    return environment().get_template(name)


def render(name: str, /, **values: Any) -> bytes:
    """A template rendered to UTF-8 bytes."""
    return template(name).render(**values).encode("utf-8")


def root_of(path: str) -> str:
    """The relative URL of the site root from the page at ``path``."""
    url = relative_url(path, "")
    return "" if url == "./" else url


class ResourceFiles:
    """Writes each resource's page and its description as Turtle, JSON-LD and N-Triples.

    What many resources' files share is remembered between them: the facts of linked
    resources (see ``Describer``), and the data files' texts of what a linked resource
    brings along (its labels, type and address), written once for every file that links to
    it. Those make up most of the data files: about 60 % of their triples, in the synthetic
    benchmark's. The texts of an inline record (a participation, whole in its project's
    files) are kept until its own files are written, if they come next (see
    ``SiteIndex.writing_order``).
    """

    def __init__(self, index: SiteIndex, site: SiteInfo, remembered: int | None = None):
        self.index = index
        self.site = site
        #: linked resources' texts remembered at most (see ``Describer.remembered``)
        self.remembered = remembered
        self.describer = Describer(index, site.languages, remembered)
        self._linked: dict[Node, Piece] = {}
        self._inline: dict[Node, Piece] = {}

    def __call__(self, iri: str) -> dict[str, bytes]:
        """The files of one resource, keyed by their path in the site: its page in each
        language and its data files."""
        path = site_path(iri, self.index.iris)
        parts = self.index.parts(iri)
        triples = triples_of(parts)
        files = {}
        for language in self.site.languages.all:
            page = views.page(self.describer, iri, language)
            # the page, served here (a concept IRI is not), in this language
            canonical = self.site.base + self.site.languages.page(path, language)
            files[f"{page.path}.html"] = render(
                "resource.html",
                page=page,
                title=page.title.text,
                summary=page.summary,
                kind_heading=views.kind_label(page.kind),
                name=path.rpartition("/")[2],
                island=script_json(island(iri, triples, canonical)),
                formats=graph_formats(),
                **frame(self.site, path, language),
            )
        data = join_pieces(map(self._piece, parts), self.site.base)
        files.update({f"{path}{fmt.extension}": data[fmt.name] for fmt in graph_formats()})
        return files

    def _piece(self, part: Part) -> Piece:
        if part.role == "linked":
            written = self._linked.get(part.subject)
            if written is None:
                if self.remembered is not None and len(self._linked) > self.remembered:
                    self._linked.clear()
                written = self._linked[part.subject] = _piece_of(part, self.site.base)
            return written
        if part.role == "inline":
            written = self._inline[part.subject] = _piece_of(part, self.site.base)
            return written
        return self._inline.pop(part.subject, None) or _piece_of(part, self.site.base)

    def forget_inline(self) -> None:
        """Forget inline records' texts not asked for again (their own files are written by
        another process)."""
        self._inline.clear()


def _piece_of(part: Part, base: str) -> Piece:
    return piece(part.subject, ((p, o) for _, p, o in part.triples), base)
