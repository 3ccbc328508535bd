"""IRI minting: every record is ``{base}{kind}/{id}``; its value nodes hang off it as ``#part``.

Hash IRIs for value nodes (an event's place, a project's period) mean that dereferencing the
record's IRI also describes them, and no blank node is ever needed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rdflib import URIRef

from .errors import ConfigError
from .model import SLUG_PATTERN, Record

_SLUG = re.compile(SLUG_PATTERN)
_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f#?]")
_DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)


class Iris:
    """Mints the IRIs of a dataset under one base."""

    def __init__(self, base: str | None):
        self.base = check_base(base)

    def record(self, kind: str, record_id: str) -> URIRef:
        if not _SLUG.match(record_id):
            raise ConfigError(f"'{record_id}' is not a safe id")
        return URIRef(f"{self.base}{kind}/{record_id}")

    def of(self, record: Record) -> URIRef:
        return self.record(record.record_kind, record.id)

    @staticmethod
    def part(owner: URIRef, name: str) -> URIRef:
        """A value node: ``{record}#{name}``, or ``{record}#{part}-{name}`` below a value node."""
        document, _, fragment = owner.partition("#")
        return URIRef(f"{document}#{fragment}-{name}" if fragment else f"{document}#{name}")

    def split(self, iri: str) -> tuple[str, str] | None:
        """``(kind, id)`` of the record an IRI (or one of its value nodes) belongs to."""
        if not iri.startswith(self.base):
            return None
        kind, _, rest = iri[len(self.base) :].partition("/")
        record_id = rest.split("#", 1)[0]
        return (kind, record_id) if kind and _SLUG.match(record_id) else None


def check_base(base: str | None) -> str:
    """A usable base IRI (absolute http(s), no query or fragment), ending with ``/``."""
    if not base:
        raise ConfigError(
            "no base IRI: set 'base' in the dataset settings or pass --base "
            "(e.g. https://data.example.org/liaise/)"
        )
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or _FORBIDDEN.search(base):
        raise ConfigError(
            f"base IRI '{base}' must be an absolute http(s) IRI without query or fragment"
        )
    if _DOT_SEGMENT.search(parts.path):
        # Clients remove dot segments when they resolve links, so pages would not be where
        # the IRIs say they are.
        raise ConfigError(f"base IRI '{base}' must not have '.' or '..' segments in its path")
    return base if base.endswith("/") else base + "/"
