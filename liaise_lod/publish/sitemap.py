"""``sitemap.xml`` (every HTML page, with its last-modified date from the data or a setting; a
sitemap index of several sitemaps for a large site) and ``robots.txt`` pointing to it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from rdflib import Literal
from rdflib.term import Node

from ..namespaces import DCTERMS, SCHEMA

#: Properties whose values say when a resource was published or last changed.
DATE_PROPERTIES = (SCHEMA.dateModified, SCHEMA.datePublished, DCTERMS.modified, DCTERMS.issued)


def last_modified(triples: Iterable[tuple[Node, Node, Node]], resource: str) -> str | None:
    """The latest publication or modification date the resource states about itself."""
    dates = [
        str(o)
        for s, p, o in triples
        if str(s) == resource and p in DATE_PROPERTIES and isinstance(o, Literal)
    ]
    return max(dates) if dates else None


#: The most URLs one sitemap file may list (sitemaps.org); more go into several, named by a
#: sitemap index.
SITEMAP_LIMIT = 50_000
_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemaps(base: str, entries: Sequence[tuple[str, str | None]]) -> dict[str, bytes]:
    """``sitemap.xml`` listing ``(url, lastmod)`` entries in the order given; beyond
    ``SITEMAP_LIMIT`` of them, ``sitemap.xml`` is a sitemap index naming ``sitemap-1.xml``,
    ``sitemap-2.xml``, … (the same name, so ``robots.txt`` points to it either way)."""
    if len(entries) <= SITEMAP_LIMIT:
        return {"sitemap.xml": _document("urlset", "url", entries)}
    files: dict[str, bytes] = {}
    parts: list[tuple[str, str | None]] = []
    for start in range(0, len(entries), SITEMAP_LIMIT):
        chunk = entries[start : start + SITEMAP_LIMIT]
        name = f"sitemap-{len(parts) + 1}.xml"
        files[name] = _document("urlset", "url", chunk)
        dates = [lastmod for _, lastmod in chunk if lastmod]
        parts.append((base + name, max(dates) if dates else None))
    return {"sitemap.xml": _document("sitemapindex", "sitemap", parts), **files}


def _document(root: str, element: str, entries: Iterable[tuple[str, str | None]]) -> bytes:
    """``<root>`` holding an ``<element>`` with ``<loc>`` and ``<lastmod>`` per entry."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{_NAMESPACE}">']
    for url, lastmod in entries:
        modified = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<{element}><loc>{escape(url)}</loc>{modified}</{element}>")
    lines.append(f"</{root}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(base: str) -> bytes:
    """``robots.txt``: everything may be crawled; the sitemap is named."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n".encode()
