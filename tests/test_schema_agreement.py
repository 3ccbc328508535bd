"""The JSON Schema and the loader agree: what one takes, the other takes.

The judge of the schema is the ``jsonschema`` package, which shares no code with pydantic. The
bundled example, the starter dataset and every test dataset validate against it, CSV rows read
as the loader reads them. Generated records (valid values of each field's syntax, then
mutated: wrong types, characters put in or swapped, unknown fields, missing required fields,
numbers out of range, codes that are none) are judged by both:

- what the loader takes, the schema takes: an editor never flags a value that is fine;
- what the schema takes, the loader takes, but for the checks no JSON Schema can state, each
  named below by the loader's message (``LOADER_ONLY``) and the input it concerns.

A long campaign (cases drawn at random, not the same each run)::

    LIAISE_FUZZ_EXAMPLES=20000 .venv/bin/pytest -q -s tests/test_schema_agreement.py

In the suite the cases are the same each run, a few hundred per kind of record; ``-s`` shows
how many agreed and which loader-only checks made the difference.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import subprocess
import typing
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import UnionType
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from test_iri_syntax import mutated_iris, rfc3987_iris
from typing_extensions import TypeAliasType

from checkers import require_executable
from liaise_lod import model, vocabulary
from liaise_lod._internal import schema_patterns
from liaise_lod.load import READERS
from liaise_lod.reference import documented_models
from liaise_lod.schema import json_schema
from liaise_lod.schemes import Vocabulary

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = int(os.environ.get("LIAISE_FUZZ_EXAMPLES", "0"))
CASES_PER_MODEL = CAMPAIGN or 100
_SETTINGS = settings(
    deadline=None,
    derandomize=not CAMPAIGN,
    database=None,
    max_examples=CASES_PER_MODEL,
    suppress_health_check=list(HealthCheck),
)

SCHEMA = json_schema()


@functools.cache
def _validator(definition: str | None = None) -> jsonschema.Draft202012Validator:
    schema = (
        SCHEMA
        if definition is None
        else {"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"}
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# --------------------------------------------------------------------------- the datasets

DATASETS = [
    ROOT / "examples" / "liaise2",
    ROOT / "tests" / "data" / "mini",
    ROOT / "liaise_lod" / "starter",
]
DATA_FILES = sorted(
    path for folder in DATASETS for path in folder.rglob("*") if path.suffix in READERS
)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_data_file_we_ship_validates_against_the_schema(path):
    data = READERS[path.suffix](path).data  # a CSV file's rows as the loader reads them
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in _validator().iter_errors(json.loads(json.dumps(data)))
    ]
    assert not errors, errors


def test_the_data_files_include_csv_rows():
    assert {path.suffix for path in DATA_FILES} >= {".yaml", ".csv"}


# --------------------------------------------------------------------------- values


def _padded(values: st.SearchStrategy[str], spaces: str) -> st.SearchStrategy[str]:
    """Values with spaces around them, which the loader strips (some of them)."""
    space = st.text(st.sampled_from(spaces), max_size=2)
    return st.builds(lambda before, value, after: before + value + after, space, values, space)


#: Spaces pydantic strips, those Python's strip takes too, and look-alikes it does not strip.
SPACES = "\t\n\x0b\r \x85\xa0\u2009\u3000"
PYTHON_SPACES = SPACES + "\x1c\x1f"
NOT_SPACES = "\u200b\ufeff\u180e"
#: Characters that trip up patterns: case mappings (ı is I, K is k, ß is SS), digits of other
#: scripts, controls, surrogates, noncharacters, bidirectional marks, separators.
TRICKY = (
    "ıİſKßﬁﬆ٢٠_-+.,:;/@%#?&=()[]{}|\\^`'\" eEZTxX0919"
    "\x00\x1c\x7f\x85\u200e\u202e\ud800\udfff\ufdd0\ufffe\U0001fffe\U0010ffff" + NOT_SPACES
)
characters = st.one_of(st.sampled_from(TRICKY), st.characters(codec=None))


@st.composite
def mutated(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> Any:
    """A value with a character put in, taken out or swapped somewhere."""
    value = draw(values)
    if not isinstance(value, str):
        return value
    at = draw(st.integers(0, len(value)))
    how = draw(st.sampled_from(["insert", "replace", "delete", "upper", "lower"]))
    if how == "upper":
        return value.upper()
    if how == "lower":
        return value.lower()
    character = draw(characters)
    kept = value[at + 1 :] if how != "insert" else value[at:]
    return value[:at] + ("" if how == "delete" else character) + kept


@st.composite
def any_case(draw: st.DrawFn, words: st.SearchStrategy[str]) -> str:
    word = draw(words)
    cases = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if up else c.lower() for c, up in zip(word, cases, strict=True))


def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


def _mostly(valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Valid values three times in four, odd ones (of the syntax, but not all valid) else."""
    return st.one_of(valid, valid, valid, odd)


def _texts() -> st.SearchStrategy[str]:
    words = st.text(
        st.characters(codec="utf-8", categories=["L", "N", "P"]), min_size=1, max_size=8
    )
    valid = st.lists(words, min_size=1, max_size=3).map(" ".join)
    odd = st.one_of(
        st.text(max_size=12),
        st.sampled_from(["", " ", "\x0bx\x85", "a\tb", "a\x1cb", "\ufeffa", "a\u2028b", "\x00"]),
    )
    return _mostly(_padded(valid, SPACES), odd)


def _language_tags() -> st.SearchStrategy[str]:
    codes = sorted(vocabulary.languages().eu_codes)
    subtag = _regex("[a-z]{4}|[A-Z]{2}|[0-9]{3}|[a-z0-9]{5,8}|[0-9][a-z0-9]{3}")
    odd_subtag = st.sampled_from(["x", "ıt", "", "abcdefghi", "\u212ar"])
    return st.builds(
        lambda primary, rest: "-".join([primary, *rest]),
        _mostly(any_case(st.sampled_from(codes)), st.sampled_from(["zz", "qaa", "e", "\u212aa"])),
        st.lists(_mostly(subtag, odd_subtag), max_size=2),
    )


def _number_texts(
    sign: st.SearchStrategy[str], digits: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    exponent = st.builds(lambda e, n: e + n, st.sampled_from(["e", "E-", "e+"]), digits)
    return st.builds(
        lambda *parts: "".join(parts),
        sign,
        digits,
        st.sampled_from(["", ".", "._"]),
        digits,
        st.one_of(st.just(""), st.just(""), exponent),
    )


def _numbers(kind: str) -> st.SearchStrategy[Any]:
    if kind == "rate":
        valid = st.one_of(
            st.floats(0.01, 1), st.just(1), st.sampled_from(["0.5", "1", "1.000", ".25"])
        )
    else:
        low = 1 if kind == "positive" else -(10**17)
        valid = st.one_of(
            st.integers(low, 10**17),
            st.floats(max(low, 0.01) if kind == "positive" else -1e9, 1e9),
            _number_texts(
                st.sampled_from(["", "+"]),
                st.text(st.sampled_from("123456789"), min_size=1, max_size=6),
            ),
        )
    digits = st.text(st.sampled_from("0123456789_"), max_size=22)
    odd = st.one_of(
        st.integers(-(10**19), 10**19),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0, 1.0, 1e-18, 1e-19, 1e18, 999999999999999999, 1.0000000000000002]),
        _padded(_number_texts(st.sampled_from(["", "+", "-", "_"]), digits), PYTHON_SPACES),
        st.sampled_from(
            [
                "0",
                "-0",
                "1e3",
                "1_000",
                "٢",
                "NaN",
                "inf",
                "0x10",
                "1 000",
                "9" * 19,
                "0." + "0" * 17 + "1",
                "0." + "0" * 18 + "1",
                "1" + "0" * 999,
                "1" + "0" * 1000,
            ]
        ),
    )
    return _mostly(valid, odd)


def _identifiers(name: str) -> st.SearchStrategy[str]:
    valid = {
        "ror": ["03yrm5c26", "https://ror.org/03yrm5c26", "HTTPS://ROR.ORG/03YRM5C26"],
        "wikidata": ["Q458", "https://www.wikidata.org/wiki/Q458"],
        "pic": ["999999999"],
        "vat": ["BE0403019261", "be 0403.019.261", "FR40303265045", "DE136695976", "EL094259216"],
        "funder_id": [
            "501100000780",
            "10.13039/501100000780",
            "https://doi.org/10.13039/501100000780",
        ],
        "grant_agreement": ["101021817"],
        "cordis": ["101021817"],
        "doi": ["10.3030/101021817", "doi:10.3030/101021817"],
    }[name]
    pattern = schema_patterns.identifier_schema(name)["pattern"]
    return _mostly(_padded(st.sampled_from(valid), PYTHON_SPACES), _regex(pattern))


ROLE = "https://w3id.org/liaise-lod/vocab/role"
SCHEMES = (
    "role",
    "organisation-kind",
    "event-kind",
    "publication-kind",
    "deliverable-kind",
    "topic",
)


def _codes(scheme: str) -> st.SearchStrategy[str]:
    """Codes and concept IRIs the field takes, and those of other schemes, which it does not
    (but a topic does: it may be any concept)."""
    ours = Vocabulary.ours()
    everything = sorted({*ours.iris("topic"), *(c for s in SCHEMES for c in ours.codes(s))})
    named = st.sampled_from([*ours.codes(scheme), *ours.iris(scheme), *everything])
    return _padded(named, SPACES)


def _countries() -> st.SearchStrategy[str]:
    codes = sorted(code for code in vocabulary.countries().eu_codes if len(code) == 2)
    oddities = ["ﬁ", "ß", "ſe", "ıt", "FRA", "xx", "F", "f r"]
    return _padded(st.one_of(any_case(st.sampled_from(codes)), st.sampled_from(oddities)), SPACES)


def _data_themes() -> st.SearchStrategy[str]:
    codes = sorted(vocabulary.data_themes())
    oddities = ["CRIME", "JUSTICE", "ju st", "juſt", "AGRİ", "OP DATPRO"]
    return _padded(st.one_of(any_case(st.sampled_from(codes)), st.sampled_from(oddities)), SPACES)


def _leaf_values() -> list[tuple[Any, Callable[[], st.SearchStrategy[Any]]]]:
    """Valid values (and near misses) of each kind of value, by its type."""
    identifier_types = {
        "RorId": "ror", "WikidataId": "wikidata", "Pic": "pic", "VatNumber": "vat",
        "FunderId": "funder_id", "GrantAgreementNumber": "grant_agreement", "CordisId": "cordis",
        "ProjectDoi": "doi",
    }  # fmt: skip
    leaves: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
        "Slug": lambda: _padded(_regex(model.SLUG_PATTERN), SPACES),
        "NonEmpty": _texts,
        "LanguageTag": lambda: _padded(_language_tags(), SPACES),
        "LangText": lambda: st.one_of(
            _texts(), st.dictionaries(_padded(_language_tags(), SPACES), _texts(), max_size=3)
        ),
        "When": lambda: _mostly(
            st.one_of(st.integers(1, 9999), _padded(_regex(schema_patterns.WHEN), PYTHON_SPACES)),
            st.one_of(
                st.integers(-5, 10005),
                st.sampled_from([2016.0, 2016.5, True, "2016-02-30", "2015-02-29", "2016-02-29"]),
                _regex(model._WHEN.pattern),  # the loader's own syntax: \d is any digit
            ),
        ),
        "Day": lambda: _padded(_regex(schema_patterns.DAY), PYTHON_SPACES),
        "Url": lambda: _padded(_mostly(rfc3987_iris(), mutated_iris()), SPACES),
        "BaseIri": lambda: _padded(
            st.one_of(rfc3987_iris(), mutated_iris(), st.just("https://example.org/x/")), SPACES
        ),
        "Number": lambda: _numbers("any"),
        "PositiveNumber": lambda: _numbers("positive"),
        "Rate": lambda: _numbers("rate"),
        "Country": _countries,
        "DataThemeCode": _data_themes,
        "Currency": lambda: _padded(_regex("[A-Za-z]{2,4}"), SPACES),
        "Version": lambda: _mostly(
            st.one_of(st.integers(0, 10**6), _padded(_regex(model.VERSION_PATTERN), SPACES)),
            st.one_of(
                st.integers(-3, -1),
                st.sampled_from([1.1, True, "1.10", "-1", ".1", "1 0", "v" * 65, ""]),
            ),
        ),
        "EmailAddress": lambda: _padded(_regex(r"[a-z.]{1,5}@[a-z]{1,5}\.[a-z]{2,3}"), SPACES),
        "PhoneNumber": lambda: _padded(_regex(r"\+?[0-9 ().-]{3,8}"), SPACES),
        "QueryPath": lambda: _padded(
            st.one_of(_regex(model._QUERY_PATH), st.sampled_from(["a/../b.rq", "a" * 300 + ".rq"])),
            SPACES,
        ),
        "bool": lambda: st.sampled_from(
            [
                True,
                False,
                0,
                1,
                0.0,
                1.0,
                2,
                "true",
                "Yes",
                "OFF",
                "t",
                "N",
                "maybe",
                "true\n",
                " true",
                "1.0",
            ]
        ),
        **{kind: (lambda name=name: _identifiers(name)) for kind, name in identifier_types.items()},
    }
    for name in (
        "Role",
        "OrganisationKind",
        "EventKind",
        "PublicationKind",
        "DeliverableKind",
        "Topic",
    ):
        checks = (getattr(m, "func", None) for m in getattr(model, name).__metadata__)
        scheme = next(check for check in checks if isinstance(check, model.CodeIn))
        leaves[name] = lambda scheme=scheme.scheme: _codes(scheme)
    return [
        (bool if name == "bool" else getattr(model, name), values)
        for name, values in leaves.items()
    ]


LEAVES = _leaf_values()
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _cached(
    make: Callable[[Any], st.SearchStrategy[Any]],
) -> Callable[[Any], st.SearchStrategy[Any]]:
    """Each type's strategy made once (a pattern's strategy is slow to make), by the type's
    text: ``Annotated`` types holding a schema are not hashable."""
    made: dict[str, st.SearchStrategy[Any]] = {}

    def cached(annotation: Any) -> st.SearchStrategy[Any]:
        key = repr(annotation)
        if key not in made:
            made[key] = make(annotation)
        return made[key]

    return cached


@_cached
def _near_misses(annotation: Any) -> st.SearchStrategy[Any]:
    """Values close to those of the field's syntax, or of another type altogether."""
    valid = _valid(annotation)
    if typing.get_origin(annotation) is list:
        item = typing.get_args(annotation)[0]
        valid = st.lists(st.one_of(_valid(item), _near_misses(item)), min_size=1, max_size=3)
    return st.one_of(mutated(valid), st.just(""), st.text(characters, max_size=3), junk)


@_cached
def _valid(annotation: Any) -> st.SearchStrategy[Any]:
    for kind, values in LEAVES:
        if annotation is kind or (not isinstance(kind, TypeAliasType) and annotation == kind):
            return values()
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated and any(
        isinstance(m, model.RefTo) for m in annotation.__metadata__
    ):
        return _valid(model.Slug)
    if origin is typing.Annotated and typing.get_origin(arguments[0]) in (typing.Union, UnionType):
        return st.one_of(*(_valid(option) for option in typing.get_args(arguments[0])))  # publisher
    if origin is typing.Annotated and typing.get_origin(arguments[0]) is list:  # queries: ≤ 100
        return st.lists(_valid(typing.get_args(arguments[0])[0]), max_size=3)
    if origin is list:
        return st.lists(_valid(arguments[0]), max_size=3)
    if origin is typing.Literal:
        return st.one_of(st.sampled_from(arguments), _padded(st.sampled_from(arguments), " "))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return records_of(annotation)
    if type(None) in arguments:
        (inner,) = [argument for argument in arguments if argument is not type(None)]
        return st.one_of(st.none(), _valid(inner))
    raise AssertionError(f"no values for {annotation!r}: add its kind to _leaf_values")


@st.composite
def records_of(draw: st.DrawFn, kind: type[BaseModel]) -> dict[str, Any]:
    """A record: its required fields, some others, of their syntax; then maybe a few changes: a
    field's value made a near miss or another type, a field left out, an unknown field."""
    fields = kind.model_fields
    hints = _hints(kind)
    record = {
        name: draw(_valid(hints[name]))
        for name, info in fields.items()
        if info.is_required() or draw(st.integers(0, 2)) == 0
    }
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        name = draw(st.sampled_from(sorted(fields)))
        change = draw(st.sampled_from(["near miss", "near miss", "leave out", "unknown field"]))
        if change == "near miss":
            record[name] = draw(_near_misses(hints[name]))
        elif change == "leave out":
            record.pop(name, None)
        else:
            record[draw(st.sampled_from(["extra", name.title(), name + " ", "ids"]))] = "x"
    return record


@functools.cache
def _hints(kind: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(kind, include_extras=True)


# --------------------------------------------------------------------------- the judges

#: What only the loader checks: (name, the loader's message says, the input is such).
LOADER_ONLY: list[tuple[str, str, Callable[[Any], bool]]] = [
    ("a day the calendar lacks (2015-02-29)", "is not a real calendar date", lambda raw: True),
    ("check digits", "check digits do not match", lambda raw: True),
    ("a VAT number's national format (python-stdnum)", "is not an EU VAT number", lambda raw: True),
    ("an end before its start", "is before start", lambda raw: True),
    ("start and end of different precision", "must be equally precise", lambda raw: True),
    ("a DOI naming another grant agreement", "names grant agreement", lambda raw: True),
    (
        "decimal places of a binary float (JSON and YAML numbers)",
        "is out of range",
        lambda raw: isinstance(raw, float),
    ),
    (
        "the range of a number written as text with an exponent",
        "",
        lambda raw: isinstance(raw, str) and any(e in raw for e in "eE"),
    ),
    ("NaN (YAML's .nan), which is no JSON number", "finite number", lambda raw: raw != raw),
    (
        "a year with a decimal point (2016.0), which JSON Schema calls an integer",
        "is not a date",
        lambda raw: isinstance(raw, float) and raw.is_integer(),
    ),
]
#: A participation without an id gets project--organisation--role: JSON Schema cannot add up
#: the lengths of three fields to check it stays within 100 characters.
MADE_ID_TOO_LONG = "a participation's made id over 100 characters"
OUTCOMES: Counter[str] = Counter()


def _raw_at(record: Any, loc: tuple[Any, ...]) -> Any:
    """The input the loader's error is about (pydantic's loc may name union members too)."""
    value = record
    for step in loc:
        in_dict = isinstance(value, dict) and step in value
        if in_dict or (isinstance(value, list) and isinstance(step, int) and step < len(value)):
            value = value[step]
    return value


def loader_only(error: dict[str, Any], kind: type[BaseModel], record: dict[str, Any]) -> str | None:
    """Which check no JSON Schema can state made the loader refuse, if one did."""
    raw = _raw_at(record, error["loc"])
    for name, message, about in LOADER_ONLY:
        if message in error["msg"] and about(raw):
            return name
    if kind is model.Participation and error["loc"] == ("id",) and not record.get("id"):
        parts = [record.get(key) for key in ("project", "organisation", "role")]
        if len("--".join(map(str, parts)).strip()) > 100:
            return MADE_ID_TOO_LONG
    return None


def _judge(kind: type[BaseModel], validator: jsonschema.Draft202012Validator, record: dict) -> None:
    try:
        kind.model_validate(record, context={"language": "en"})
        refused = None
    except ValidationError as error:
        refused = error
    schema_errors = [
        f"{list(e.absolute_path)}: {e.message[:300]}" for e in validator.iter_errors(record)
    ]
    if refused is None:
        assert not schema_errors, (
            f"the loader takes {record!r}, the schema refuses it: {schema_errors}"
        )
        OUTCOMES["both take it"] += 1
    elif schema_errors:
        OUTCOMES["both refuse it"] += 1
    else:
        reasons = {loader_only(error, kind, record) for error in refused.errors()}
        assert None not in reasons, f"the schema takes {record!r}, the loader refuses it: {refused}"
        OUTCOMES["the schema takes it, a loader-only check refuses it"] += 1
        for reason in reasons:
            OUTCOMES[f"  loader only: {reason}"] += 1


MODELS = documented_models()


@pytest.mark.parametrize("kind", MODELS, ids=lambda kind: kind.__name__)
def test_the_schema_and_the_loader_agree_on_generated_records(kind):
    validator = _validator(kind.__name__)
    before = OUTCOMES.copy()

    @_SETTINGS
    @given(records_of(kind))
    def agree(record):
        _judge(kind, validator, record)

    agree()
    taken = OUTCOMES["both take it"] - before["both take it"]
    assert taken >= CASES_PER_MODEL // 10, "too few valid records to judge: widen the strategies"


def test_how_many_cases_agreed():
    """Run last (-s shows it): the count of generated cases by outcome."""
    if not OUTCOMES:
        pytest.skip("the agreement tests did not run")
    total = sum(v for k, v in OUTCOMES.items() if not k.startswith(" "))
    print(f"\n{total} generated records, judged by the loader and by jsonschema:")
    for outcome, count in sorted(
        OUTCOMES.items(), key=lambda item: (item[0].startswith(" "), -item[1])
    ):
        print(f"  {count:6}  {outcome}")


# --------------------------------------------------------------------------- known cases

KNOWN = [
    ("Organisation", {"id": "x", "name": "Plain text in the default language"}, True),
    ("Project", {"id": "x", "name": {"en": "x"}, "start": 2016, "end": " 2018 "}, True),
    ("Project", {"id": " x ", "name": {" EN ": "x"}}, True),
    ("Project", {"id": "x", "name": {}}, False),
    ("Project", {"id": "x", "name": {"en": " "}}, False),
    ("Project", {"id": "X", "name": "x"}, False),
    ("Project", {"id": "x", "name": "x", "start": "2016-05-26T09:30"}, False),  # no offset
    ("Project", {"id": "x", "name": "x", "start": "2016-13"}, False),
    ("Project", {"id": "x", "name": "x", "website": "https://a.org/./b"}, False),
    ("Project", {"id": "x", "name": "x", "website": "https://user@a.org/"}, False),
    ("Project", {"id": "x", "name": "x", "website": "https://a.org:65536/"}, False),
    ("Project", {"id": "x", "name": "x", "website": "HTTPS://a.org:00080/%2e%2ex/b"}, True),
    ("Organisation", {"id": "x", "name": "x", "country": "fr"}, True),
    ("Organisation", {"id": "x", "name": "x", "country": "ﬁ"}, True),  # upper-cased: FI
    ("Organisation", {"id": "x", "name": "x", "country": "FRA"}, False),
    ("Organisation", {"id": "x", "name": "x", "pic": 999999999}, False),  # a number: write '…'
    ("Funding", {"funder": "f", "amount": "1_500.50", "currency": " EUR"}, True),
    ("Funding", {"funder": "f", "amount": "١٥٠٠", "currency": "EUR"}, False),
    ("Funding", {"funder": "f", "amount": 1500}, False),  # no currency
    ("Funding", {"funder": "f", "cofunding_rate": "1.0000000000000000000000"}, True),
    ("Funding", {"funder": "f", "cofunding_rate": "1.0000000000000000001"}, False),
    ("StatedFigure", {"label": "x"}, False),
    ("Participation", {"organisation": "o", "project": " p", "role": "partner "}, True),
    ("Participation", {"organisation": "o ", "project": "p", "role": "partner"}, False),
    ("Participation", {"id": False, "organisation": "o", "project": "p", "role": "partner"}, True),
    ("Participation", {"organisation": "o", "project": "p", "role": f" {ROLE}/partner "}, True),
    ("Participation", {"organisation": "o", "project": "p", "role": f"{ROLE}/nobody"}, False),
    ("Person", {"id": "x", "name": "x", "publish_contact": "Yes", "phone": " +33 1 23 45 "}, True),
    ("Person", {"id": "x", "name": "x", "publish_contact": "true\n"}, False),
    ("DatasetInfo", {"dataset": 1}, False),
    ("DatasetInfo", {"modified": 2016}, False),
]


@pytest.mark.parametrize(("definition", "record", "valid"), KNOWN, ids=lambda v: repr(v)[:50])
def test_known_cases(definition, record, valid):
    kind = next(m for m in MODELS if m.__name__ == definition)
    assert _validator(definition).is_valid(record) is valid
    try:
        kind.model_validate(record, context={"language": "en"})
        taken = True
    except ValidationError:
        taken = False
    assert taken is valid


#: One record per loader-only check: the schema takes it, the loader refuses it for that reason.
LOADER_ONLY_CASES = [
    ("Project", {"id": "x", "name": "x", "start": "2015-02-29"}),
    ("Organisation", {"id": "x", "name": "x", "ror": "03yrm5c27"}),
    ("Organisation", {"id": "x", "name": "x", "vat": "BE12"}),
    ("Project", {"id": "x", "name": "x", "start": 2018, "end": 2016}),
    ("Project", {"id": "x", "name": "x", "start": 2016, "end": "2016-05"}),
    ("Project", {"id": "x", "name": "x", "grant_agreement": "101021817", "doi": "10.3030/1010218"}),
    ("Funding", {"funder": "f", "amount": 1e-19, "currency": "EUR"}),
    ("Funding", {"funder": "f", "amount": "1e30", "currency": "EUR"}),
    ("StatedFigure", {"label": "x", "value": math.nan}),
    ("Project", {"id": "x", "name": "x", "start": 2016.0}),
    ("Participation", {"organisation": "o" * 50, "project": "p" * 50, "role": "partner"}),
]


def test_each_loader_only_check_is_one_the_loader_makes():
    """The list of exceptions holds no dead entry: each is met, and nothing else is."""
    met = set()
    for definition, record in LOADER_ONLY_CASES:
        kind = next(m for m in MODELS if m.__name__ == definition)
        assert _validator(definition).is_valid(record), record
        with pytest.raises(ValidationError) as refused:
            kind.model_validate(record, context={"language": "en"})
        reasons = {loader_only(error, kind, record) for error in refused.value.errors()}
        assert None not in reasons and len(reasons) == 1, (record, refused.value)
        met |= reasons
    assert met == {name for name, _, _ in LOADER_ONLY} | {MADE_ID_TOO_LONG}


def test_dataset_settings_are_a_mapping_not_null():
    assert not _validator().is_valid({"dataset": None})


# --------------------------------------------------------------------------- the patterns in editors


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


SAMPLES = [
    "x", " x ", "x\n", "\x0bx", "2016", "2016-05-26T09:30+02:00", "fr", "ﬁ", "ıt", "K\u212a",
    "https://a.org/é/%2e/", "https://a.org/\U0001f600", "\U0001fffe", "\ud800", "1_000.5",
    "true", "TRUE\n", "03YRM5C26", "BE 0403.019.261", "en-GB", "\u212aa", "a@b.c", "",
]  # fmt: skip


def test_every_pattern_reads_the_same_in_ecma_262_as_in_python():
    """Editors match patterns with JavaScript's RegExp (the u flag): each pattern compiles
    there and takes the same samples as Python's re does (the jsonschema judge)."""

    node = require_executable("node", "apt-get install nodejs")
    patterns = sorted(set(_patterns(SCHEMA)))
    script = (
        "const [patterns, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(patterns.map(p => { const r = new RegExp(p, 'u');"
        " return samples.map(s => r.test(s)); })));"
    )
    run = subprocess.run(
        [node, "-e", script],
        input=json.dumps([patterns, SAMPLES]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    in_javascript = json.loads(run.stdout)
    in_python = [[re.search(p, s) is not None for s in SAMPLES] for p in patterns]
    differ = [
        (pattern[:80], sample)
        for pattern, js, py in zip(patterns, in_javascript, in_python, strict=True)
        for sample, a, b in zip(SAMPLES, js, py, strict=True)
        if a != b
    ]
    assert not differ, differ


def test_the_number_bounds_are_those_of_the_model():
    assert math.isclose(10.0**model.MAX_WHOLE_DIGITS, 1e18)
    assert model.LONGEST_NUMBER_TEXT == 1000


# --------------------------------------------------------------------------- the constants


def _matching(body: str) -> set[str]:
    """Every character the class ``[body]`` matches."""
    return set(re.findall(f"[{body}]", EVERY_CHARACTER))


EVERY_CHARACTER = "".join(map(chr, range(0x110000)))
LETTERS = [c for c in EVERY_CHARACTER if c.isalpha()]


def test_the_spaces_are_those_pydantic_and_python_strip():
    from pydantic import BaseModel, ConfigDict

    class Stripped(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True)
        text: str

    candidates = {
        c
        for c in _matching("\\s\\x00-\\x1f\\x7f-\\x9f\\u200b-\\u200f\\u2060-\\u206f\\ufeff")
        if not 0xD800 <= ord(c) <= 0xDFFF  # pydantic takes no str holding one
    }
    stripped = {c for c in candidates if Stripped(text=f"x{c}").text == "x"}
    assert stripped == _matching(schema_patterns.STRIPPED)
    assert {c for c in candidates if c.isspace()} == _matching(schema_patterns.STRIPPED_BY_PYTHON)


def test_unprintable_is_the_model_s_class():
    assert _matching(schema_patterns.UNPRINTABLE) == set(
        model._UNPRINTABLE.findall(EVERY_CHARACTER)
    )


def test_the_case_mappings_are_those_of_this_python():
    beyond_ascii = [c for c in LETTERS if not c.isascii()]
    uppers = {c: c.upper() for c in beyond_ascii if len(c.upper()) == 1 and c.upper().isascii()}
    lowers = {c: c.lower() for c in beyond_ascii if len(c.lower()) == 1 and c.lower().isascii()}
    assert uppers == {c: u for u, c in schema_patterns._UPPER_PREIMAGES.items()}
    assert lowers == {c: u for u, c in schema_patterns._LOWER_PREIMAGES.items()}
    ignoring_case = set(re.findall("[a-z]", EVERY_CHARACTER, re.IGNORECASE))
    assert ignoring_case == _matching(schema_patterns.IGNORECASE_LETTERS)
