"""``sitemap.xml`` (every HTML page, with its last-modified date from the data or a setting) and
``robots.txt`` pointing to it."""

from __future__ import annotations

from collections.abc import Iterable
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


def sitemap(entries: Iterable[tuple[str, str | None]]) -> bytes:
    """A sitemap of ``(url, lastmod)`` entries, in the order given."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, lastmod in entries:
        modified = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(url)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(base: str) -> bytes:
    """``robots.txt``: everything may be crawled; the sitemap is named."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n".encode()
