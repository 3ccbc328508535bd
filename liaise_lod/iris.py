"""IRI minting: every record is ``{base}{kind}/{id}``; its value nodes hang off it as ``#part``.

Hash IRIs for value nodes (an event's place, a project's period) mean that dereferencing the
record's IRI also describes them, and no blank node is ever needed.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from ._internal.iri_syntax import base_iri_problem
from ._internal.quoting import quote
from .errors import ConfigError
from .model import MEMBER_FRAGMENT, SLUG_PATTERN, Participation, Record, member_fragment

_SLUG = re.compile(SLUG_PATTERN)


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

    def participation(self, participation: Participation, fragments: bool) -> URIRef:
        """A participation's IRI: a page of its own (``{base}participation/{id}``), or with
        ``fragments`` a part of its project's document (``{project}#member-...``, see
        ``member_fragment``)."""
        if not fragments:
            return self.of(participation)
        project = self.record("project", participation.project)
        return URIRef(f"{project}#{member_fragment(participation)}")

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
    problem = base_iri_problem(base)
    if problem:
        raise ConfigError(f"base IRI {quote(base)} is not usable: {problem}")
    return base if base.endswith("/") else base + "/"


def is_member_fragment(iri: str) -> bool:
    """Whether an IRI is a participation's as a part of its project's document."""
    return iri.partition("#")[2].startswith(MEMBER_FRAGMENT)
