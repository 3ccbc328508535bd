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
    roles = definitions["Participation"]["properties"]["role"]["anyOf"]
    assert set(roles[0]["enum"]) == {"coordinator", "partner", "associate-partner", "contact"}
    assert any(iri.endswith("/coordinator") for iri in roles[1]["enum"])  # or a concept's IRI
    assert "city" in json.dumps(definitions["Organisation"]["properties"]["kind"])
    assert definitions["Organisation"]["additionalProperties"] is False


def test_a_datasets_schema_offers_its_own_codes(capsys):
    from pathlib import Path

    from liaise_lod.cli import main

    climate = Path(__file__).parent / "data" / "climate"
    assert main(["schema", str(climate)]) == 0
    definitions = json.loads(capsys.readouterr().out)["$defs"]
    topics = definitions["Project"]["properties"]["topics"]["items"]["anyOf"][0]["enum"]
    assert {"adaptation", "sea-level-rise", "radicalisation"} <= set(topics)
    kinds = json.dumps(definitions["Organisation"]["properties"]["kind"])
    assert "water-authority" in kinds
