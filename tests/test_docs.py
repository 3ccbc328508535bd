"""The documentation: what is generated (the data format from the model, the command-line
reference from the parser) is up to date, every field is described with an example that the
model accepts, every relative link leads somewhere, and the README stays short.

The code in the pages is run by tests/test_doc_snippets.py."""

from __future__ import annotations

import re
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


# ------------------------------------------------------------------- the pages written by hand

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def test_the_command_line_reference_is_up_to_date():
    from liaise_lod._internal.cli_reference import generated_part, reference

    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert generated_part(written) == reference(), (
        "regenerate: python -m liaise_lod._internal.cli_reference docs/cli.md"
    )


def test_the_readme_stays_short():
    size = len((ROOT / "README.md").read_bytes())
    assert size <= 10_000, f"README.md is {size} bytes: move detail into docs/"


def test_the_readme_starts_with_the_fresh_machine_command():
    """CI's notes rely on the README's first command and its test command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"^```[^\n]*\n(.*?)^```", readme, re.MULTILINE | re.DOTALL)
    assert first and first[1].strip() == (
        "python3 -m venv .venv && .venv/bin/pip install . && "
        ".venv/bin/liaise-lod build examples/liaise2 --out out/liaise2"
    )
    assert "\nbash .ci/run\n" in readme


def test_the_python_api_page_names_every_public_name():
    import liaise_lod

    page = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in liaise_lod.__all__
        if not re.search(rf"`(liaise_lod\.)?{re.escape(name)}\b", page)
    ]
    assert not missing, f"docs/python-api.md does not describe {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_leads_somewhere(page):
    broken = []
    text = _without_code(page.read_text(encoding="utf-8"))
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        path = (page.parent / path_part).resolve() if path_part else page
        if not path.exists():
            broken.append(f"{target}: no file {path}")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no heading #{anchor} in {path.name}")
        elif not path.is_relative_to(ROOT):
            broken.append(f"{target}: outside the repository")
    assert not broken, "\n".join(broken)


def _without_code(text: str) -> str:
    return re.sub(r"`[^`\n]*`", "", _fenced_out(text))


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings (``## Pushing to a store`` ->
    ``pushing-to-a-store``, repeats numbered ``-1``, ``-2``), and explicit ``id="..."``."""
    text = _fenced_out(page.read_text(encoding="utf-8"))
    found: set[str] = set(re.findall(r"\bid=\"([^\"]+)\"", text))
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6}[ \t]+(.+?)[ \t]*#*$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower().replace("`", "")).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def _fenced_out(text: str) -> str:
    return re.sub(r"^([ \t]*)(```+|~~~+).*?^\1\2[ \t]*$", "", text, flags=re.MULTILINE | re.DOTALL)
