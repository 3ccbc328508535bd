"""The data format in words: what each field of each record means, its kind of value and an
example, made from the model and ``vocab/fields.yaml``.

The JSON Schema (``schema.json_schema``) takes its descriptions and examples from here, and
``liaise-lod schema --format markdown`` writes docs/data-format.md.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel
from typing_extensions import TypeAliasType

from . import vocabulary
from ._internal.resources import vocab_dir
from .kinds import record_kinds
from .model import Agent, CodeIn, ContactPoint, DatasetInfo, Funding, RefTo, Shown, StatedFigure

#: The models a data file is made of, in the order the reference describes them.
NESTED = (Funding, StatedFigure, Agent, ContactPoint)


@dataclass(frozen=True)
class FieldDoc:
    description: str
    example: Any


@cache
def field_docs() -> dict[str, dict[str, FieldDoc]]:
    """model name -> field name (``_``: the model itself) -> its description and example."""
    text = (vocab_dir() / "fields.yaml").read_text(encoding="utf-8")
    documented: dict[str, dict[str, FieldDoc]] = {}
    for model, fields in yaml.safe_load(text).items():
        documented[model] = {
            name: FieldDoc(entry, None)
            if isinstance(entry, str)
            else FieldDoc(entry["description"], entry.get("example"))
            for name, entry in fields.items()
        }
    return documented


def documented_models() -> list[type[BaseModel]]:
    """Every model of a data file: the settings, each kind of record, the nested parts."""
    return [DatasetInfo, *(kind.model for kind in record_kinds()), *NESTED]


# --------------------------------------------------------------------------- kinds of value


def value_kind(annotation: Any, metadata: list[Any] | None = None, plural: bool = False) -> str:
    """A field's kind of value in words: "id of a project", "list of topic codes", ..."""
    described = _described(metadata or [], plural)
    if described:
        return described
    if isinstance(annotation, TypeAliasType):  # named for the JSON Schema: LangText, Url...
        return value_kind(annotation.__value__, plural=plural)
    origin = typing.get_origin(annotation)
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return value_kind(arguments[0], list(annotation.__metadata__), plural)
    if origin in (typing.Union, _UNION_TYPE) and len(arguments) == 1:
        return value_kind(arguments[0], plural=plural)
    if origin is list:
        return "list of " + value_kind(arguments[0], plural=True)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{choice}`" for choice in arguments)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"{annotation.__name__}{'s' if plural else ''} (see below)"
    return _PLAIN.get(annotation, getattr(annotation, "__name__", str(annotation)))


_UNION_TYPE = type(int | None)
_PLAIN = {bool: "true or false", Decimal: "number", int: "whole number", str: "text"}
_PLURALS = {"person": "people", "any record": "records"}


def _described(metadata: list[Any], plural: bool) -> str | None:
    """What the markers say: a reference or a code first, else the last ``Shown`` (an alias
    made of another, ``Day`` of ``When``, names itself after it)."""
    shown = None
    for meta in metadata:
        if isinstance(meta, RefTo):
            return _reference(meta.kinds or ("any record",), plural)
        check = getattr(meta, "func", None)
        if isinstance(check, CodeIn):
            return f"{'codes' if plural else 'code'} of the {check.scheme} scheme"
        if isinstance(meta, Shown):
            shown = meta.names(plural)
    return shown


def _reference(kinds: tuple[str, ...], plural: bool) -> str:
    if plural:
        return "ids of " + " or ".join(_PLURALS.get(kind, kind + "s") for kind in kinds)
    first = kinds[0]
    article = "" if first == "any record" else ("an " if first[0] in "aeiou" else "a ")
    return "id of " + article + " or ".join(kinds)


# --------------------------------------------------------------------------- the reference


def markdown() -> str:
    """docs/data-format.md: every model, field by field, and the codes of our schemes."""
    lines = [
        "# The data format",
        "",
        "<!-- Made by `liaise-lod schema --format markdown` from the model and "
        "vocab/fields.yaml; tests/test_docs.py fails when it is out of date. -->",
        "",
        "A dataset is a folder of YAML, JSON or CSV files. A YAML or JSON file holds a mapping",
        "of collections (`projects:`, `organisations:`, ...), each a list of records, and at",
        "most one file holds the `dataset:` settings. A CSV file holds one collection and is",
        "named after it (`participations.csv`); its columns are fields, `name.fr` columns give",
        "a text in one language, and list fields separate their items with `|`.",
        "",
        "Text in one or more languages is a mapping from a BCP 47 language tag to the text",
        "(`{en: The Hague, fr: La Haye}`), or plain text in the dataset's `language`.",
        "Dates are as precise as the source: `2016`, `2016-05`, `2016-05-26` or",
        "`2016-05-26T09:30:00+02:00`. Ids are lower-case letters, digits, `-` and `_`.",
        "",
        *_LOADER_ONLY,
    ]
    docs = field_docs()
    collections: dict[type[BaseModel], str] = {k.model: k.collection for k in record_kinds()}
    for model in documented_models():
        lines += _model_section(model, docs.get(model.__name__, {}), collections.get(model))
    lines += _codes_section()
    return "\n".join(lines) + "\n"


#: What the JSON Schema cannot say; model.py's value types state the rest
#: (tests/test_schema_agreement.py holds the two to it).
_LOADER_ONLY = [
    "## What only `liaise-lod validate` checks",
    "",
    "The JSON Schema (`liaise-lod schema`, which editors read) takes what the loader takes, spaces",
    "around a value included, as exactly as a schema can: ids, dates, language tags, country and",
    "currency codes, identifiers, web addresses, numbers and codes by their patterns. No JSON",
    "Schema can state the following; only `liaise-lod validate` (and `build`) checks them:",
    "",
    "- that a day is in the calendar: `2015-02-29`, `2016-04-31` (the schema checks months 01 to",
    "  12 and days 01 to 31);",
    "- that an end is not before its start, and that both are as precise (years, months, days",
    "  or date-times);",
    "- check digits (ROR ids, VAT numbers) and the national format of a VAT number, which",
    "  python-stdnum checks country by country (the schema checks its prefix and characters);",
    "- that a project's `doi` names its `grant_agreement`;",
    "- references: that each id a record names exists, is of the right kind and leads to no",
    "  loop; that ids are unique across the dataset; that no participation or funding is",
    "  stated twice; that the `dataset:` settings are given once;",
    "- that plain text (not a mapping of languages) has a `language` in the settings to be in;",
    "- the 18 decimal places of a number written as a JSON or YAML number (a binary fraction: to",
    '  have the schema count them, write it as text, `"0.000000000000000001"`), and the range',
    '  of a number written as text with an exponent (`"1e30"`);',
    "- `.nan` and a year written with a decimal point (`2016.0`), which JSON Schema takes for a",
    "  number and for a whole number;",
    "- that the id a participation without one is given, `{project}--{organisation}--{role}`,",
    "  has at most 100 characters.",
    "",
]


def _model_section(
    model: type[BaseModel], docs: dict[str, FieldDoc], collection: str | None
) -> list[str]:
    if model is DatasetInfo:
        heading = "## Settings (`dataset:`)"
    elif collection:
        heading = f"## {model.__name__} (`{collection}:`)"
    else:
        heading = f"## {model.__name__}"
    about = docs.get("_")
    lines = [heading, "", about.description if about else "", ""]
    lines += ["| field | value | what it is | example |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        doc = docs.get(name)
        required = " (required)" if info.is_required() else ""
        kind = value_kind(info.annotation, list(info.metadata))
        description = doc.description if doc else ""
        example = f"`{_example(doc.example)}`" if doc and doc.example is not None else ""
        lines.append(f"| `{name}`{required} | {kind} | {_cell(description)} | {example} |")
    return [*lines, ""]


def _example(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False).replace('"', "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _codes_section() -> list[str]:
    lines = [
        "## Codes",
        "",
        "The codes that fields of a scheme take, with their English names.",
        "",
    ]
    for slug in vocabulary.scheme_slugs():
        scheme = vocabulary.scheme(slug)
        lines += [f"### {slug}", ""]
        lines += [f"- `{code}`: {_label(scheme, code)}" for code in scheme.codes]
        lines.append("")
    lines += [
        "### data-theme (EU authority table, for `themes`)",
        "",
        *(f"- `{t.code}`: {t.names['en']}" for t in vocabulary.data_themes().values()),
        "",
    ]
    return lines


def _label(scheme: vocabulary.Scheme, code: str) -> str:
    from .namespaces import SKOS

    labels = {
        label.language: str(label)
        for label in scheme.graph.objects(scheme.concept(code), SKOS.prefLabel)
        if hasattr(label, "language")
    }
    return labels.get("en") or next(iter(labels.values()), code)
