"""The JSON Schema of the data files, so editors can autocomplete and check them.

Generated from the input model, whose value types state their own schemas (model.py: patterns
that take what the loader takes, spaces around a value included); the codes of roles, kinds and
topics come from the SKOS schemes. What no JSON Schema can state (a day of the calendar, check
digits, references between records, an end before its start) only ``liaise-lod validate``
checks: reference.py's introduction to the data format lists it.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from ._internal import schema_patterns as patterns
from .model import RECORD_TYPES, SLUG_PATTERN, CodeIn, DatasetInfo
from .namespaces import LLOD_HOME
from .schemes import Vocabulary

SCHEMA_IRI = LLOD_HOME + "dataset.schema.json"

#: One data file: the dataset settings and any of the collections of records.
_COLLECTIONS: dict[str, Any] = {cls.collection: (list[cls], []) for cls in RECORD_TYPES}  # type: ignore[valid-type]
DataFile = create_model(
    "DataFile",
    __config__=ConfigDict(extra="forbid", title="liaise-lod data file"),
    # Absent, not null: the loader reads 'dataset:' with nothing after it as settings.
    dataset=(DatasetInfo, None),
    **_COLLECTIONS,
)

#: What pydantic reads as true or false besides JSON's booleans, in any case.
_BOOLEAN_WORDS = ("0", "1", "f", "false", "n", "no", "off", "on", "t", "true", "y", "yes")
#: What makes a participation's id missing, so that it is made of its project, organisation
#: and role: any false value.
_NO_ID: list[Any] = ["", None, False, 0, [], {}]


class _LoaderJsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, with true and false as the loader reads them."""

    def bool_schema(self, schema: Any) -> JsonSchemaValue:
        words = "|".join(
            "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word)
            for word in _BOOLEAN_WORDS
        )
        return {
            "anyOf": [
                {"type": "boolean"},
                {"enum": [0, 1]},
                {"type": "string", "pattern": patterns.exact(words)},
            ]
        }


def json_schema(vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a YAML or JSON data file, listing the codes of our
    schemes, or of ``vocabulary`` (a dataset's, with its own)."""
    schema = DataFile.model_json_schema(schema_generator=_LoaderJsonSchema)
    definitions = schema["$defs"]
    _add_codes(definitions, vocabulary or Vocabulary.ours())
    for name, rule in _record_rules().items():
        definitions[name].update(rule)
    _participation_id(definitions["Participation"])
    _add_docs(definitions)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_IRI, **schema}


def _add_codes(definitions: dict[str, Any], vocabulary: Vocabulary) -> None:
    """Fields that name a concept (``Role``, ``list[Topic]``, ``Topic | None``) take the codes
    and concept IRIs of ``vocabulary``."""
    for model in _models(DataFile):
        definition = definitions.get(model.__name__)
        for name, info in model.model_fields.items():
            coded = _code_marker(info.annotation, info.metadata)
            if definition is not None and coded is not None:
                _name_concepts(definition["properties"][name], coded.json_schema(vocabulary))


def _name_concepts(property_schema: dict[str, Any], named: dict[str, Any]) -> None:
    if property_schema.get("type") == "array":
        property_schema["items"] = named
        return
    for option in property_schema.get("anyOf", [property_schema]):
        if option.get("type") == "string":
            option.clear()
            option.update(named)


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
    """The ``CodeIn`` check of a field, if any."""
    found = [*metadata]
    for inner in _annotations(annotation):
        found.extend(getattr(inner, "__metadata__", ()))
    for meta in found:
        check = getattr(meta, "func", None)
        if isinstance(check, CodeIn):
            return check
    return None


def _given(name: str) -> dict[str, Any]:
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def _record_rules() -> dict[str, dict[str, Any]]:
    """What a record's checks ask of its fields together, where a schema can say it."""
    return {
        # A figure needs a number (model.StatedFigure._has_a_number).
        "StatedFigure": {"anyOf": [_given(n) for n in ("value", "min_value", "max_value")]},
        # Amount and currency come together (model.Funding._amount_has_currency).
        "Funding": {
            "anyOf": [
                {"allOf": [_given("amount"), _given("currency")]},
                {"properties": {"amount": {"type": "null"}, "currency": {"type": "null"}}},
            ]
        },
        # A contact can be reached (model.ContactPoint._reachable).
        "ContactPoint": {"anyOf": [_given(n) for n in ("email", "website")]},
    }


def _participation_id(definition: dict[str, Any]) -> None:
    """A participation without an id (or with a false one) gets ``project--organisation--role``
    (model.Participation._default_id): then only spaces before the project and after the role
    are stripped from it. That it stays within 100 characters only the loader checks."""
    properties = definition["properties"]
    slug_id = {k: v for k, v in properties["id"].items() if k != "default"}
    properties["id"] = {"anyOf": [slug_id, {"enum": _NO_ID}]}
    slug, spaces = SLUG_PATTERN[1:-1], patterns.STRIPPED
    roles, role_iris = (properties["role"]["anyOf"][i]["enum"] for i in (0, 1))
    definition["if"] = {"properties": {"id": {"enum": _NO_ID}}}
    role = "|".join(map(patterns.escape, roles))
    role_iri = "|".join(map(patterns.escape, role_iris))
    definition["then"] = {
        "properties": {
            "project": {"pattern": patterns.readable(f"^[{spaces}]*(?:{slug})$(?!\\n)")},
            "organisation": {"pattern": patterns.exact(slug)},
            "role": {
                "pattern": patterns.readable(
                    f"^(?:{role})[{spaces}]*$|^[{spaces}]*(?:{role_iri})[{spaces}]*$"
                )
            },
        }
    }


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
