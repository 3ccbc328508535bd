"""The documentation: what is made from the model is up to date, and every field is described
with an example that the model accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaise_lod.reference import documented_models, field_docs, markdown

ROOT = Path(__file__).resolve().parent.parent


def test_the_data_format_reference_is_up_to_date():
    written = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert written == markdown(), (
        "regenerate: liaise-lod schema --format markdown > docs/data-format.md"
    )


@pytest.mark.parametrize("model", documented_models(), ids=lambda model: model.__name__)
def test_every_field_is_described_with_an_example(model):
    docs = field_docs()[model.__name__]
    assert set(docs) - {"_"} == set(model.model_fields), "vocab/fields.yaml and the model differ"
    assert docs["_"].description
    for name, doc in docs.items():
        if name != "_":
            assert doc.description and doc.example is not None, f"{model.__name__}.{name}"


@pytest.mark.parametrize("model", documented_models(), ids=lambda model: model.__name__)
def test_the_examples_are_values_the_model_accepts(model):
    examples = {name: doc.example for name, doc in field_docs()[model.__name__].items()}
    examples.pop("_")
    model.model_validate(examples, context={"language": "en"})


def test_the_json_schema_carries_the_descriptions_and_examples():
    from liaise_lod.schema import json_schema

    definitions = json_schema()["$defs"]
    lead = definitions["Project"]["properties"]["lead"]
    assert lead["description"] == field_docs()["Project"]["lead"].description
    assert lead["examples"] == ["efus"]
    assert definitions["Deliverable"]["description"].startswith("What a project set out")
