"""Record kinds, registered once: for each, its model class, mapper, SHACL shape, page sections
and index label. The IRI path of a record is ``{base}{kind}/{id}``, its kind the model's
``record_kind``; the JSON Schema part is generated from the model class.

The pipeline reads this table: ``to_graph`` maps each kind's records with its mapper, the site
shows the sections and labels, and ``tests/test_kinds.py`` fails when a kind lacks a part or a
model class is not registered. Adding a kind: docs/extending.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import (
    RECORD_TYPES,
    Dataset,
    Deliverable,
    Event,
    NewsArticle,
    Organisation,
    Participation,
    Person,
    Project,
    Publication,
    Record,
)

if TYPE_CHECKING:
    from .mapping.emit import Emitter

Mapper = Callable[[Any, "Emitter"], None]


@dataclass(frozen=True)
class RecordKind:
    model: type[Record]
    #: ``"module:function"`` mapping one record: ``(record, Emitter) -> None``.
    mapper: str
    #: The local name of its node shape in ``shapes/records.ttl`` (``shape:Project``).
    shape: str
    #: The heading of its resources on the index page.
    label: str
    #: What one of them is, on its page ("Project"); by default ``label``.
    singular: str = ""
    #: The sections its page shows below its key facts and above the table of all facts, by
    #: name (``publish.views.SECTIONS``). Without any, a page shows the key facts (dates,
    #: places, people, topics... as ``publish.views.KEY_FACTS`` reads them) and what links
    #: to the resource.
    sections: tuple[str, ...] = ()
    #: Its records in a dataset, if not simply the dataset's list of them.
    records: Callable[[Dataset], Iterable[Record]] | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.model.record_kind

    @property
    def collection(self) -> str:
        return self.model.collection

    def records_of(self, dataset: Dataset) -> Iterable[Record]:
        if self.records is not None:
            return self.records(dataset)
        return getattr(dataset, self.collection)

    def __post_init__(self) -> None:
        if not self.singular:
            object.__setattr__(self, "singular", self.label)

    def map_function(self) -> Mapper:
        module, _, name = self.mapper.partition(":")
        function: Mapper = getattr(importlib.import_module(module), name)
        return function


_KINDS: dict[str, RecordKind] = {}


def register_kind(kind: RecordKind) -> RecordKind:
    if kind.model not in RECORD_TYPES:
        raise ValueError(
            f"{kind.model.__name__} is not a list field of Dataset: add "
            f"'{kind.collection}: list[{kind.model.__name__}] = []' to liaise_lod.model.Dataset"
        )
    if kind.name in _KINDS:
        raise ValueError(f"the record kind '{kind.name}' is registered twice")
    _KINDS[kind.name] = kind
    return kind


def record_kinds() -> tuple[RecordKind, ...]:
    """Every kind, in the order of the dataset's collections."""
    return tuple(sorted(_KINDS.values(), key=lambda kind: RECORD_TYPES.index(kind.model)))


def kind_named(name: str) -> RecordKind | None:
    return _KINDS.get(name)


register_kind(
    RecordKind(
        Project,
        "liaise_lod.mapping.project:map_project",
        shape="Project",
        label="Projects",
        singular="Project",
        sections=("partners", "timeline", "outputs", "deliverables"),
    )
)
register_kind(
    RecordKind(
        Organisation,
        "liaise_lod.mapping.organisation:map_organisation",
        shape="Organisation",
        label="Organisations",
        singular="Organisation",
        sections=("projects", "activities", "works", "people"),
    )
)
register_kind(
    RecordKind(
        Participation,
        "liaise_lod.mapping.participation:map_participation",
        shape="Membership",
        label="Participations",
        singular="Participation",
        # With the coordinator roles that projects' 'lead' implies.
        records=Dataset.memberships,
    )
)
register_kind(
    RecordKind(
        Event,
        "liaise_lod.mapping.event:map_event",
        shape="Event",
        label="Events",
        singular="Event",
        sections=("programme", "presentations"),
    )
)
register_kind(
    RecordKind(
        Publication,
        "liaise_lod.mapping.publication:map_publication",
        shape="Publication",
        label="Publications",
        singular="Publication",
        sections=("versions",),
    )
)
register_kind(
    RecordKind(
        Deliverable,
        "liaise_lod.mapping.deliverable:map_deliverable",
        shape="Deliverable",
        label="Deliverables",
        singular="Deliverable",
    )
)
register_kind(
    RecordKind(
        NewsArticle,
        "liaise_lod.mapping.news:map_news",
        shape="NewsArticle",
        label="News",
        singular="News article",
    )
)
register_kind(
    RecordKind(
        Person,
        "liaise_lod.mapping.person:map_person",
        shape="Person",
        label="People",
        singular="Person",
        sections=("roles", "activities", "works"),
    )
)
