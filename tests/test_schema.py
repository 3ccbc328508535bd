"""The published JSON Schema is current and accepts what the loader accepts."""

from __future__ import annotations

import json

from liaise_lod._internal.resources import vocab_dir
from liaise_lod.schema import json_schema


def test_published_schema_is_current():
    published = json.loads((vocab_dir() / "dataset.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), "regenerate: liaise-lod schema > vocab/dataset.schema.json"


def test_schema_lists_the_codes_of_the_skos_schemes():
    definitions = json_schema()["$defs"]
    roles = definitions["Participation"]["properties"]["role"]
    assert set(roles["anyOf"][0]["enum"]) == {
        "coordinator",
        "partner",
        "associate-partner",
        "contact",
    }
    assert "city" in json.dumps(definitions["Organisation"]["properties"]["kind"])
    assert definitions["Organisation"]["additionalProperties"] is False
