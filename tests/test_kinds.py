"""The registry of record kinds: every kind has every part, and every record class is a kind.

Forgetting a part of a new kind fails here, not silently: a kind without a mapper would have
its records dropped from the graph while every other test passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from liaise_lod import kinds, model
from liaise_lod.mapping import to_graph
from liaise_lod.namespaces import RDF, SH, SHAPES
from liaise_lod.publish import views
from liaise_lod.schema import json_schema
from liaise_lod.validation import shapes_graph

KINDS = kinds.record_kinds()
BASE = "https://data.example.org/mini/"


def _concrete_record_classes(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        if "collection" in vars(sub) and sub.__module__.startswith("liaise_lod."):
            found.add(sub)
        found |= _concrete_record_classes(sub)
    return found


def test_every_record_class_is_a_registered_kind():
    registered = {kind.model for kind in KINDS}
    assert _concrete_record_classes(model.Record) == registered
    assert set(model.RECORD_TYPES) == registered


def test_a_model_outside_the_dataset_cannot_be_registered():
    class Stray(model.Record):
        record_kind = "stray"
        collection = "strays"

    with pytest.raises(ValueError, match="not a list field of Dataset"):
        kinds.register_kind(kinds.RecordKind(Stray, "x:y", shape="Stray", label="Strays"))


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_each_kind_has_a_mapper(kind):
    assert callable(kind.map_function())


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_each_kind_has_a_node_shape(kind):
    shapes = shapes_graph(BASE)
    shape = SHAPES[kind.shape]
    assert (shape, RDF.type, SH.NodeShape) in shapes
    assert list(shapes.objects(shape, SH.targetClass)), f"{shape} targets nothing"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_each_kind_has_its_page_sections_and_a_label(kind):
    templates = Path(views.__file__).parent / "templates" / "sections"
    for section in kind.sections:
        assert section in views.SECTIONS, section
        assert (templates / f"{section}.html").is_file(), section
    assert kind.label and kind.label[0].isupper()
    assert kind.singular and kind.singular[0].isupper()


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_each_kind_has_its_json_schema_part(kind):
    schema = json_schema()
    definition = schema["$defs"][kind.model.__name__]
    assert definition["additionalProperties"] is False
    assert kind.collection in schema["properties"]


def test_each_kind_is_in_the_test_dataset_and_mapped_to_its_shapes_targets(mini_dataset):
    """Every record of every kind becomes a resource that its kind's shape validates."""
    graph = to_graph(mini_dataset)
    shapes = shapes_graph(BASE)
    for kind in KINDS:
        records = list(kind.records_of(mini_dataset))
        assert records, f"tests/data/mini has no {kind.name}: add one"
        targets = set(shapes.objects(SHAPES[kind.shape], SH.targetClass))
        for record in records:
            iri = URIRef(f"{BASE}{kind.name}/{record.id}")
            types = set(graph.objects(iri, RDF.type))
            assert types & targets, f"{iri} is not a focus node of shape:{kind.shape}"
