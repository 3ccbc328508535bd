"""The JSON Schema of the data files, so editors can autocomplete and check them.

Generated from the input model; the codes of roles, kinds and topics come from the SKOS schemes.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, create_model

from . import vocabulary
from .model import RECORD_TYPES, DatasetInfo
from .namespaces import LLOD_HOME

SCHEMA_IRI = LLOD_HOME + "dataset.schema.json"

#: (model, field) -> the SKOS scheme its codes come from.
CODED_FIELDS = {
    ("Participation", "role"): "role",
    ("Organisation", "kind"): "organisation-kind",
    ("Event", "kind"): "event-kind",
    ("Publication", "kind"): "publication-kind",
    ("Project", "topics"): "topic",
    ("Event", "topics"): "topic",
    ("Publication", "topics"): "topic",
    ("NewsArticle", "topics"): "topic",
}


#: One data file: the dataset settings and any of the collections of records.
DataFile = create_model(
    "DataFile",
    __config__=ConfigDict(extra="forbid", title="liaise-lod data file"),
    dataset=(DatasetInfo | None, None),
    **{cls.collection: (list[cls], []) for cls in RECORD_TYPES},
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a YAML or JSON data file."""
    schema = DataFile.model_json_schema()
    for (model, field), slug in CODED_FIELDS.items():
        _add_codes(schema["$defs"][model]["properties"][field], vocabulary.scheme(slug).codes)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_IRI, **schema}


def _add_codes(property_schema: dict[str, Any], codes: tuple[str, ...]) -> None:
    if property_schema.get("type") == "array":
        property_schema["items"] = {"type": "string", "enum": list(codes)}
        return
    for option in property_schema.get("anyOf", [property_schema]):
        if option.get("type") == "string":
            option["enum"] = list(codes)
