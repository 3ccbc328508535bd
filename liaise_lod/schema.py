"""The JSON Schema of the data files, so editors can autocomplete and check them.

Generated from the input model; the codes of roles, kinds and topics come from the SKOS schemes.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from .model import RECORD_TYPES, CodeIn, DatasetInfo
from .namespaces import LLOD_HOME
from .schemes import Vocabulary

SCHEMA_IRI = LLOD_HOME + "dataset.schema.json"

#: One data file: the dataset settings and any of the collections of records.
_COLLECTIONS: dict[str, Any] = {cls.collection: (list[cls], []) for cls in RECORD_TYPES}  # type: ignore[valid-type]
DataFile = create_model(
    "DataFile",
    __config__=ConfigDict(extra="forbid", title="liaise-lod data file"),
    dataset=(DatasetInfo | None, None),
    **_COLLECTIONS,
)


def json_schema(vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a YAML or JSON data file, listing the codes of our
    schemes, or of ``vocabulary`` (a dataset's, with its own)."""
    vocabulary = vocabulary or Vocabulary.ours()
    schema = DataFile.model_json_schema()
    for model in _models(DataFile):
        definition = schema["$defs"].get(model.__name__)
        for name, info in model.model_fields.items():
            coded = _code_marker(info.annotation, info.metadata)
            if definition is not None and coded is not None:
                codes = vocabulary.codes(coded.scheme)
                _add_codes(definition["properties"][name], codes)
    _add_docs(schema["$defs"])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_IRI, **schema}


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The models a model's fields hold, nested ones too."""
    for info in model.model_fields.values():
        for inner in _annotations(info.annotation):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                yield inner
                yield from _models(inner)


def _annotations(annotation: Any) -> Iterator[Any]:
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _annotations(argument)


def _code_marker(annotation: Any, metadata: list[Any]) -> CodeIn | None:
    """The ``CodeIn`` check of a field (``Role``, ``list[Topic]``, ``Topic | None``), if any."""
    found = [*metadata]
    for inner in _annotations(annotation):
        found.extend(getattr(inner, "__metadata__", ()))
    for meta in found:
        check = getattr(meta, "func", None)
        if isinstance(check, CodeIn):
            return check
    return None


def _add_docs(definitions: dict[str, Any]) -> None:
    """Descriptions and examples (``vocab/fields.yaml``), which editors show."""
    from .reference import field_docs

    for model_name, fields in field_docs().items():
        definition = definitions.get(model_name)
        if definition is None:
            continue
        for name, doc in fields.items():
            target = definition if name == "_" else definition["properties"].get(name)
            if target is None:
                continue
            target["description"] = doc.description
            if doc.example is not None:
                target["examples"] = [doc.example]


def _add_codes(property_schema: dict[str, Any], codes: tuple[str, ...]) -> None:
    """A field that names a concept: one of these codes, or a concept's full IRI."""
    named = {"anyOf": [{"type": "string", "enum": list(codes)}, _CONCEPT_IRI]}
    if property_schema.get("type") == "array":
        property_schema["items"] = named
        return
    for option in property_schema.get("anyOf", [property_schema]):
        if option.get("type") == "string":
            option.clear()
            option.update(named)


_CONCEPT_IRI = {
    "type": "string",
    "format": "iri",
    "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$",
    "description": "the full IRI of a concept the dataset's vocab/ folder describes",
}
