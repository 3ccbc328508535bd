"""The input model: typed records a dataset is made of.

The same classes serve files (``load_dataset``) and Python code: build ``Project(...)``,
``Organisation(...)`` and friends, put them in a ``Dataset`` and every check runs the same way.

Text that exists in several languages is a mapping from a BCP 47 tag to the text
(``{"en": "The Hague", "fr": "La Haye"}``); a plain string takes the dataset's default language.
References to other records are their ids; ids are unique across the whole dataset.
"""

from __future__ import annotations

import re
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from typing_extensions import TypeAliasType

from . import identifiers, vocabulary
from ._internal import schema_patterns as patterns
from ._internal.cycles import loops
from ._internal.iri_syntax import base_iri_problem, http_iri_problem
from ._internal.quoting import quote
from .errors import InputError, Problem
from .schemes import Vocabulary

# --------------------------------------------------------------------------- value types

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$"
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class Shown:
    """How the data-format reference (``liaise-lod schema --format markdown``) names a kind of
    value."""

    name: str
    plural: str = ""

    def names(self, plural: bool) -> str:
        return (self.plural or self.name + "s") if plural else self.name


# Each value type states its JSON Schema (``liaise-lod schema``): what the loader takes, spaces
# around it included, as exactly as a pattern can; what no pattern can say is listed in
# reference.py's introduction to the data format.
Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN),
    WithJsonSchema({"type": "string", "pattern": patterns.padded(SLUG_PATTERN[1:-1])}),
    Shown("id"),
]
NonEmpty = TypeAliasType(
    "NonEmpty",
    Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1),
        WithJsonSchema({"type": "string", "pattern": patterns.TEXT}),
        Shown("text", "texts"),
    ],
)


@dataclass(frozen=True)
class RefTo:
    """Marks a field as a reference to records of the given kinds (empty: any kind)."""

    kinds: tuple[str, ...] = ()


# Written out rather than made by a function, so that type checkers read them as types.
OrganisationRef = Annotated[Slug, RefTo(("organisation",))]
PersonRef = Annotated[Slug, RefTo(("person",))]
AgentRef = Annotated[Slug, RefTo(("organisation", "person"))]
ProjectRef = Annotated[Slug, RefTo(("project",))]
EventRef = Annotated[Slug, RefTo(("event",))]
PublicationRef = Annotated[Slug, RefTo(("publication",))]
AnyRef = Annotated[Slug, RefTo()]


def _language_tag(value: str) -> str:
    return vocabulary.normalise_language_tag(value)


def _language_tag_schema() -> dict[str, Any]:
    letter = patterns.IGNORECASE_LETTERS
    codes = sorted(vocabulary.languages().eu_codes, key=lambda code: (-len(code), code))
    primary = patterns.one_of(codes, upper=False)
    subtags = (
        f"(?:-[{letter}]{{4}})?(?:-(?:[{letter}]{{2}}|[0-9]{{3}}))?"
        f"(?:-(?:[{letter}0-9]{{5,8}}|[0-9][{letter}0-9]{{3}}))*"
    )
    return {"type": "string", "pattern": patterns.padded(f"(?:{primary}){subtags}")}


# Named, so that the JSON Schema states its long pattern once, in its $defs.
LanguageTag = TypeAliasType(
    "LanguageTag",
    Annotated[
        str,
        AfterValidator(_language_tag),
        patterns.LazyJsonSchema(_language_tag_schema),
        Shown("language tag (BCP 47)", "language tags (BCP 47)"),
    ],
)


def _lang_text(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, str):
        language = (info.context or {}).get("language")
        if not language:
            raise ValueError(
                "text needs a language: write {en: '...'} or set 'language' in the dataset settings"
            )
        return {language: value}
    return value


def _no_empty_text(value: dict[str, str]) -> dict[str, str]:
    if not value:
        raise ValueError("give the text in at least one language")
    return dict(sorted(value.items()))


LangText = TypeAliasType(
    "LangText",
    Annotated[
        dict[LanguageTag, NonEmpty],
        BeforeValidator(
            _lang_text,
            json_schema_input_type=NonEmpty
            | Annotated[dict[LanguageTag, NonEmpty], Field(min_length=1)],
        ),
        AfterValidator(_no_empty_text),
        Shown("text in one or more languages"),
    ],
)

_WHEN = re.compile(
    r"^\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
PRECISIONS = ("year", "month", "day", "datetime")


def _when(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("expected a date such as 2016, 2016-05 or 2016-05-26")
    if isinstance(value, int):
        value = f"{value:04d}"
    elif isinstance(value, (datetime, date)):
        value = value.isoformat()
    if not isinstance(value, str) or not _WHEN.match(value.strip()):
        raise ValueError(
            f"{quote(value)} is not a date: write 2016, 2016-05, 2016-05-26 or "
            "2016-05-26T09:30+02:00"
        )
    value = value.strip()
    precision = precision_of(value)
    try:
        if precision == "datetime":
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError(f"{quote(value)} needs a time-zone offset, e.g. +02:00")
            return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
        padded = {"year": "-01-01", "month": "-01", "day": ""}[precision]
        date.fromisoformat(value + padded)
    except ValueError as error:
        if "offset" in str(error):
            raise
        raise ValueError(f"{quote(value)} is not a real calendar date") from None
    return value


def precision_of(when: str) -> str:
    """``year``, ``month``, ``day`` or ``datetime``: how precise a normalised date is."""
    if "T" in when:
        return "datetime"
    return PRECISIONS[when.count("-")]


When = TypeAliasType(
    "When",
    Annotated[
        str,
        BeforeValidator(_when),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "integer", "minimum": 1, "maximum": 9999},
                    {
                        "type": "string",
                        "pattern": patterns.padded(patterns.WHEN, patterns.STRIPPED_BY_PYTHON),
                    },
                ]
            }
        ),
        Shown("date: year, month, day or date-time"),
    ],
)


def _day(value: str) -> str:
    if precision_of(value) != "day":
        raise ValueError(f"{quote(value)} is not a day (YYYY-MM-DD)")
    return value


Day = Annotated[
    When,
    AfterValidator(_day),
    WithJsonSchema(
        {"type": "string", "pattern": patterns.padded(patterns.DAY, patterns.STRIPPED_BY_PYTHON)}
    ),
    Shown("day (YYYY-MM-DD)"),
]


#: A release's version, as ``dcat:version`` states it and as it names the release
#: (``{base}#release-{version}``): a letter or digit, then letters, digits, ``.``, ``_``, ``-``.
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def _version_text(value: Any) -> Any:
    """A whole number (``version: 2`` in YAML) as its text; a decimal (``1.10`` reads as 1.1)
    is refused by the pattern, not silently shortened."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Version = Annotated[
    str,
    BeforeValidator(_version_text),
    StringConstraints(pattern=VERSION_PATTERN),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": patterns.padded(VERSION_PATTERN[1:-1])},
                {"type": "integer", "minimum": 0},
            ]
        }
    ),
    Shown("version (letters, digits, '.', '_', '-')"),
]


def http_url(value: str) -> str:
    """``value`` if it is an absolute http(s) IRI (RFC 3987) that every writer takes; else
    ValueError saying which character of which part is wrong."""
    problem = http_iri_problem(value)
    if problem:
        raise ValueError(f"{quote(value)} is not an http(s) URL: {problem}")
    return value


Url = TypeAliasType(
    "Url",
    Annotated[
        str,
        AfterValidator(http_url),
        WithJsonSchema({"type": "string", "format": "iri", "pattern": patterns.http_iri()}),
        Shown("web address (http or https)", "web addresses (http or https)"),
    ],
)


def _base_iri(value: str) -> str:
    problem = base_iri_problem(value)
    if problem:
        raise ValueError(f"base IRI {quote(value)} is not usable: {problem}")
    return value


#: The base IRI of a dataset's resources: an http(s) IRI without query or fragment.
BaseIri = Annotated[
    str,
    AfterValidator(_base_iri),
    WithJsonSchema({"type": "string", "format": "iri", "pattern": patterns.http_iri(base=True)}),
]

#: Digits a number may have before its decimal point and after it: what every SPARQL store
#: compares exactly (Oxigraph's integers are 64-bit, its decimals have 18 decimal places).
MAX_WHOLE_DIGITS = 18
MAX_DECIMAL_PLACES = 18
#: Longer text is no number within the bounds above, whatever its zeros: refused before it is
#: read as one (the readers refuse longer number tokens too).
LONGEST_NUMBER_TEXT = 1_000

NUMBER_BOUNDS = (
    f"a number has at most {MAX_WHOLE_DIGITS} digits before the decimal point "
    f"and {MAX_DECIMAL_PLACES} after it"
)


def _number_text(value: Any) -> Any:
    if isinstance(value, str) and len(value) > LONGEST_NUMBER_TEXT:
        raise ValueError(f"{quote(value)} is too long for a number: {NUMBER_BOUNDS}")
    return value


def _bounded_number(value: Decimal) -> Decimal:
    """Refuses a number with too many digits, before anything writes it out: the digits of
    ``1e999999999`` fill gigabytes."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # infinite or not a number: pydantic refused them before
        raise ValueError(f"{quote(value)} is not a finite number")
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:  # zero
        return value
    exponent += len(digits) - len(significant)  # the exponent once trailing zeros are gone
    if len(significant) + exponent > MAX_WHOLE_DIGITS or -exponent > MAX_DECIMAL_PLACES:
        raise ValueError(f"{quote(value)} is out of range: {NUMBER_BOUNDS}")
    return value


def _ascii_digits(value: Any) -> Any:
    """Refuses digits of other scripts (Decimal reads '٢' as 2), which no JSON Schema pattern
    can list the same way in every Python's Unicode."""
    if isinstance(value, str) and any(c.isdecimal() and not c.isascii() for c in value):
        raise ValueError(f"{quote(value)} is not a number: write it with the digits 0 to 9")
    return value


_NUMBER_TEXT = BeforeValidator(_number_text)
_ASCII_DIGITS = BeforeValidator(_ascii_digits)
_BOUNDED_NUMBER = AfterValidator(_bounded_number)
# Constraints stand inside the type, before the validators (the last before-validator runs
# first: the length of a text before its digits).
Number = Annotated[
    Decimal,
    _ASCII_DIGITS,
    _NUMBER_TEXT,
    _BOUNDED_NUMBER,
    WithJsonSchema(patterns.number_schema("any")),
]
PositiveNumber = Annotated[
    Decimal,
    Field(gt=0),
    _ASCII_DIGITS,
    _NUMBER_TEXT,
    _BOUNDED_NUMBER,
    WithJsonSchema(patterns.number_schema("positive")),
]
Rate = Annotated[
    Decimal,
    Field(gt=0, le=1),
    _ASCII_DIGITS,
    _NUMBER_TEXT,
    _BOUNDED_NUMBER,
    WithJsonSchema(patterns.number_schema("rate")),
]


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or code not in vocabulary.countries():
        raise ValueError(
            f"unknown country {quote(value)}: use an ISO 3166-1 alpha-2 code such as FR"
        )
    return code


def _country_schema() -> dict[str, Any]:
    codes = sorted(code for code in vocabulary.countries().eu_codes if len(code) == 2)
    written = [patterns.one_of(codes), *patterns.uppers_to(codes)]  # 'fr', 'Fr', 'ß' (SS)
    return {
        "type": "string",
        "anyOf": [{"enum": codes}, {"pattern": patterns.padded("|".join(written))}],
    }


Country = TypeAliasType(
    "Country",
    Annotated[
        str,
        AfterValidator(_country),
        patterns.LazyJsonSchema(_country_schema),
        Shown("country code (ISO 3166-1 alpha-2)"),
    ],
)


@dataclass(frozen=True)
class CodeIn:
    """Marks a field whose values name a concept of one of the SKOS schemes, by code or IRI
    (the JSON Schema lists the codes), and checks them: against ours, or the vocabulary the
    validation context gives (``{"vocabulary": ...}``, a dataset's with its own schemes)."""

    scheme: str

    def __call__(self, value: str, info: ValidationInfo) -> str:
        vocabulary = (info.context or {}).get("vocabulary") or Vocabulary.ours()
        vocabulary.resolve(self.scheme, value)
        return value

    def json_schema(self, vocabulary: Vocabulary) -> JsonSchemaValue:
        """What such a field takes in ``vocabulary``: a code or a concept's IRI, spaces around
        it aside (the loader strips them); the codes also as a list for editors to offer."""
        codes, iris = list(vocabulary.codes(self.scheme)), list(vocabulary.iris(self.scheme))
        written = "|".join(patterns.escape(name) for name in [*codes, *iris])
        return {
            "type": "string",
            "anyOf": [{"enum": codes}, {"enum": iris}, {"pattern": patterns.padded(written)}],
        }


Role = Annotated[str, AfterValidator(CodeIn("role"))]
OrganisationKind = Annotated[str, AfterValidator(CodeIn("organisation-kind"))]
EventKind = Annotated[str, AfterValidator(CodeIn("event-kind"))]
PublicationKind = Annotated[str, AfterValidator(CodeIn("publication-kind"))]
DeliverableKind = Annotated[str, AfterValidator(CodeIn("deliverable-kind"))]
Topic = Annotated[str, AfterValidator(CodeIn("topic"))]


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{quote(value)} is not an ISO 4217 currency code such as EUR")
    return value


Currency = Annotated[
    str,
    AfterValidator(_currency),
    WithJsonSchema({"type": "string", "pattern": patterns.padded("[A-Z]{3}")}),
    Shown("currency code (ISO 4217)"),
]


def _checks(name: str) -> BeforeValidator:
    return BeforeValidator(identifiers.checked(name))


def _looks(name: str) -> Shown:
    return Shown(identifiers.SCHEMES[name].looks_like)


def _syntax(name: str) -> patterns.LazyJsonSchema:
    return patterns.LazyJsonSchema(lambda: patterns.identifier_schema(name))


RorId = Annotated[str, _checks("ror"), _looks("ror"), _syntax("ror")]
WikidataId = Annotated[str, _checks("wikidata"), _looks("wikidata"), _syntax("wikidata")]
Pic = Annotated[str, _checks("pic"), _looks("pic"), _syntax("pic")]
VatNumber = Annotated[str, _checks("vat"), _looks("vat"), _syntax("vat")]
FunderId = Annotated[str, _checks("funder_id"), _looks("funder_id"), _syntax("funder_id")]
GrantAgreementNumber = Annotated[
    str, _checks("grant_agreement"), _looks("grant_agreement"), _syntax("grant_agreement")
]
CordisId = Annotated[str, _checks("cordis"), _looks("cordis"), _syntax("cordis")]
ProjectDoi = Annotated[str, _checks("doi"), _looks("doi"), _syntax("doi")]

# --------------------------------------------------------------------------- records


# Code points that no HTML page may hold, even as a character reference: controls other
# than tab and line breaks, lone surrogates (JSON can write them) and noncharacters.
_NONCHARACTERS = "".join(
    chr(plane + last) for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)
)
_UNPRINTABLE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]"
)


def _unprintable(character: str) -> str:
    point = ord(character)
    if 0xD800 <= point <= 0xDFFF:
        return f"half of a surrogate pair (U+{point:04X}), which is not a character"
    if point >= 0xFDD0 and (point <= 0xFDEF or point & 0xFFFE == 0xFFFE):
        return f"a Unicode noncharacter (U+{point:04X})"
    return f"a control character (U+{point:04X}); tabs and line breaks are the only ones allowed"


def _check_printable(value: Any) -> None:
    if isinstance(value, str):
        found = _UNPRINTABLE.search(value)
        if found:
            raise ValueError(
                f"remove character {found.start() + 1} of the text: {_unprintable(found.group())}"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_printable(key)
            _check_printable(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_printable(item)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        # Nested records check their own fields; this sees only strings, mappings and lists.
        _check_printable(value)
        return value


class StatedFigure(Model):
    """A figure the source states, such as "29 partner organisations" or "over 100 participants"."""

    label: LangText
    value: Number | None = None
    min_value: Number | None = None
    max_value: Number | None = None

    @model_validator(mode="after")
    def _has_a_number(self) -> StatedFigure:
        if self.value is None and self.min_value is None and self.max_value is None:
            raise ValueError("a figure needs 'value', 'min_value' or 'max_value'")
        return self


class Record(Model):
    """Anything with an id: every record becomes a resource ``{base}{kind}/{id}``."""

    record_kind: ClassVar[str]
    collection: ClassVar[str]
    id: Slug

    @field_validator("end", check_fields=False)
    @classmethod
    def _end_not_before_start(cls, end: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("start")
        if start and end:
            if precision_of(start) != precision_of(end):
                raise ValueError(
                    f"start {start} and end {end} must be equally precise (both years, months, "
                    "days or date-times) so that every consumer can compare them"
                )
            if _comparable(end) < _comparable(start):
                raise ValueError(f"end {end} is before start {start}")
        return end


def _comparable(when: str) -> tuple[datetime | None, str]:
    """Sorts dates of one precision: date-times by the instant, others by their text."""
    if precision_of(when) == "datetime":
        return datetime.fromisoformat(when.replace("Z", "+00:00")), ""
    return None, when


class Funding(Model):
    """Who funds a project, under which programme, and what is known of the grant."""

    id: Slug | None = None
    funder: OrganisationRef
    programme: OrganisationRef | None = None
    grant_id: NonEmpty | None = None
    amount: PositiveNumber | None = None
    currency: Currency | None = None
    cofunding_rate: Rate | None = None

    @model_validator(mode="after")
    def _amount_has_currency(self) -> Funding:
        if (self.amount is None) != (self.currency is None):
            raise ValueError("give 'amount' and 'currency' together")
        return self

    @property
    def key(self) -> str:
        return self.id or self.funder


class Project(Record):
    record_kind = "project"
    collection = "projects"

    name: LangText
    acronym: NonEmpty | None = None
    description: LangText | None = None
    start: When | None = None
    end: When | None = None
    website: Url | None = None
    lead: OrganisationRef | None = None
    funding: list[Funding] = []
    topics: list[Topic] = []
    contacts: list[PersonRef] = []
    continues: list[ProjectRef] = []
    related: list[ProjectRef] = []
    outputs: list[PublicationRef] = []
    figures: list[StatedFigure] = []
    grant_agreement: GrantAgreementNumber | None = None
    cordis: CordisId | None = None
    doi: ProjectDoi | None = None
    wikidata: WikidataId | None = None
    same_as: list[Url] = []

    @field_validator("doi")
    @classmethod
    def _doi_names_the_grant(cls, doi: str | None, info: ValidationInfo) -> str | None:
        number = doi.partition("/")[2] if doi else None
        grant = info.data.get("grant_agreement")
        if number and grant and number != grant:
            raise ValueError(f"the DOI {doi} names grant agreement {number}, not {grant}")
        return doi


class Organisation(Record):
    record_kind = "organisation"
    collection = "organisations"

    name: LangText
    acronym: NonEmpty | None = None
    kind: OrganisationKind | None = None
    description: LangText | None = None
    street: NonEmpty | None = None
    postcode: NonEmpty | None = None
    locality: NonEmpty | None = None
    region: NonEmpty | None = None
    country: Country | None = None
    website: Url | None = None
    logo: Url | None = None
    parent: OrganisationRef | None = None
    ror: RorId | None = None
    wikidata: WikidataId | None = None
    pic: Pic | None = None
    vat: VatNumber | None = None
    funder_id: FunderId | None = None
    same_as: list[Url] = []


class Participation(Record):
    """An organisation's part in a project, with its role and, where known, its period."""

    record_kind = "participation"
    collection = "participations"

    id: Slug = ""
    organisation: OrganisationRef
    project: ProjectRef
    role: Role
    start: When | None = None
    end: When | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and not data.get("id"):
            project, organisation, role = (data.get(k) for k in ("project", "organisation", "role"))
            if isinstance(project, str) and isinstance(organisation, str) and isinstance(role, str):
                made = f"{project}--{organisation}--{_role_code(role, info)}"
                data = {**data, "id": made}
        return data


#: What begins the fragment of a participation in its project's document: apart from the
#: project's other parts (``#period``, ``#funding-...``, ``#contact-...``).
MEMBER_FRAGMENT = "member-"


def member_fragment(participation: Participation) -> str:
    """``member-{id}``, less the project the id already begins with (the id made for a
    participation without one, ``{project}--{organisation}--{role}``, gives
    ``member-{organisation}--{role}``)."""
    return MEMBER_FRAGMENT + participation.id.removeprefix(f"{participation.project}--")


def _role_code(role: str, info: ValidationInfo) -> str:
    """A role named by its concept's IRI stands in an id by the concept's code."""
    if ":" not in role:
        return role
    vocabulary = (info.context or {}).get("vocabulary") or Vocabulary.ours()
    try:
        return vocabulary.code(vocabulary.resolve("role", role.strip())) or role
    except ValueError:
        return role  # the role field says what is wrong with it


class Event(Record):
    record_kind = "event"
    collection = "events"

    name: LangText
    kind: EventKind | None = None
    description: LangText | None = None
    start: When | None = None
    end: When | None = None
    venue: LangText | None = None
    street: NonEmpty | None = None
    postcode: NonEmpty | None = None
    locality: NonEmpty | None = None
    region: NonEmpty | None = None
    country: Country | None = None
    website: Url | None = None
    status: Literal["scheduled", "cancelled", "postponed", "rescheduled", "moved-online"] | None = (
        None
    )
    attendance_mode: Literal["offline", "online", "mixed"] | None = None
    project: ProjectRef | None = None
    super_event: EventRef | None = None
    organisers: list[AgentRef] = []
    speakers: list[AgentRef] = []
    attendees: list[AgentRef] = []
    presentations: list[PublicationRef] = []
    topics: list[Topic] = []
    figures: list[StatedFigure] = []


class _Work(Record):
    """A record with a title, written in the languages it lists."""

    @model_validator(mode="before")
    @classmethod
    def _title_in_its_language(cls, data: Any) -> Any:
        """A plain-text title of a work in one stated language is in that language."""
        if isinstance(data, dict) and isinstance(data.get("title"), str):
            langs = data.get("languages")
            if isinstance(langs, list) and len(langs) == 1 and _is_language_tag(langs[0]):
                data = {**data, "title": {langs[0]: data["title"]}}
        return data


def _is_language_tag(value: Any) -> bool:
    """Whether ``value`` is a tag ``languages`` accepts (a wrong one is reported there only)."""
    try:
        return isinstance(value, str) and bool(vocabulary.normalise_language_tag(value))
    except ValueError:
        return False


class Publication(_Work):
    record_kind = "publication"
    collection = "publications"

    title: LangText
    kind: PublicationKind | None = None
    languages: list[LanguageTag] = []
    translation_of: PublicationRef | None = None
    description: LangText | None = None
    publisher: OrganisationRef | None = None
    authors: list[AgentRef] = []
    editors: list[AgentRef] = []
    date: When | None = None
    url: Url | None = None
    file_url: Url | None = None
    media_type: NonEmpty | None = None
    about: list[AnyRef] = []
    topics: list[Topic] = []


class Deliverable(_Work):
    """What a project set out to deliver, or delivered: a report, a demonstrator, a data set,
    numbered (``D2.1``) and dated as the grant agreement says."""

    record_kind = "deliverable"
    collection = "deliverables"

    title: LangText
    project: ProjectRef
    number: NonEmpty | None = None
    kind: DeliverableKind | None = None
    work_package: NonEmpty | None = None
    description: LangText | None = None
    due: When | None = None
    delivered: When | None = None
    languages: list[LanguageTag] = []
    url: Url | None = None
    topics: list[Topic] = []


class NewsArticle(Record):
    record_kind = "news"
    collection = "news"

    headline: LangText
    date: When | None = None
    summary: LangText | None = None
    categories: list[NonEmpty] = []
    about: list[AnyRef] = []
    topics: list[Topic] = []
    publisher: OrganisationRef | None = None
    url: Url | None = None


_IN_ADDRESS = f"[^@{patterns.STRIPPED}{patterns.UNPRINTABLE}]+"
EmailAddress = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": patterns.padded(f"{_IN_ADDRESS}@{_IN_ADDRESS}\\.{_IN_ADDRESS}"),
        }
    ),
    Shown("e-mail address", "e-mail addresses"),
]
PhoneNumber = Annotated[
    str,
    StringConstraints(pattern=r"^\+?[0-9 ().-]{5,}$"),
    # Spaces around the number are stripped before the pattern is matched.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": patterns.padded(
                "\\+[0-9 ().-]{4,}[0-9().-]|[0-9().-][0-9 ().-]{3,}[0-9().-]"
            ),
        }
    ),
    Shown("phone number"),
]


class Person(Record):
    """A person. E-mail and phone are published only when ``publish_contact`` is true."""

    record_kind = "person"
    collection = "people"

    name: NonEmpty
    job_title: LangText | None = None
    affiliation: OrganisationRef | None = None
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None
    publish_contact: bool = False
    website: Url | None = None
    same_as: list[Url] = []


#: A query file named in the dataset settings: a path below the dataset folder, of plain names.
_QUERY_PATH = r"(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.rq"


def _query_path(value: str) -> str:
    if not re.fullmatch(_QUERY_PATH, value) or len(value) > 255:
        raise ValueError(
            f"'{value}' is not a query file in the dataset folder: give its path from there "
            "(e.g. queries/partners.rq), of letters, digits, '.', '_' and '-', no segment "
            "starting with '.', ending in .rq"
        )
    return value


QueryPath = Annotated[
    str,
    AfterValidator(_query_path),
    WithJsonSchema(
        {
            "type": "string",
            # At most 255 characters once stripped; none of them is a space.
            "pattern": patterns.padded(
                f"(?=[A-Za-z0-9._/-]{{1,255}}(?![A-Za-z0-9._/-])){_QUERY_PATH}"
            ),
        }
    ),
    Shown("query file path (.rq, from the dataset folder)", "query file paths"),
]


def _data_theme(value: str) -> str:
    code = value.strip().upper()
    if code not in vocabulary.data_themes():
        raise ValueError(
            f"unknown data theme {quote(value)}: use a code of the EU data-theme table ("
            + ", ".join(sorted(vocabulary.data_themes()))
            + ")"
        )
    return code


def _data_theme_schema() -> dict[str, Any]:
    codes = sorted(vocabulary.data_themes())
    return {
        "type": "string",
        "anyOf": [{"enum": codes}, {"pattern": patterns.padded(patterns.one_of(codes))}],
    }


DataThemeCode = Annotated[
    str,
    AfterValidator(_data_theme),
    patterns.LazyJsonSchema(_data_theme_schema),
    Shown("EU data-theme code", "EU data-theme codes"),
]


class Agent(Model):
    """Who publishes a dataset when it is none of the dataset's own organisations: its name
    and, where it has one, its website."""

    name: LangText
    website: Url | None = None


#: The publisher: an organisation of the dataset, by id, or an agent named in place.
Publisher = Annotated[
    OrganisationRef | Agent,
    Shown("id of an organisation, or an Agent (see below)"),
]


class ContactPoint(Model):
    """Where people can write about a dataset: an e-mail address, a web page (a contact
    form), or both, and a name."""

    name: LangText | None = None
    email: EmailAddress | None = None
    website: Url | None = None

    @model_validator(mode="after")
    def _reachable(self) -> ContactPoint:
        if self.email is None and self.website is None:
            raise ValueError("a contact needs an 'email' or a 'website'")
        return self


class DatasetInfo(Model):
    """Settings of a dataset: where its IRIs live, its title, default language, licence,
    publisher, contact, rights statement, themes, when it was issued and last changed, and the
    queries its site publishes."""

    base: BaseIri | None = None
    title: LangText | None = None
    description: LangText | None = None
    language: LanguageTag | None = None
    #: The languages of the site's pages (``publish``), each with pages of its own: the
    #: first at the resources' own paths. By default the dataset's language (else English)
    #: alone. Each needs interface texts: liaise-lod has English and French.
    languages: Annotated[list[LanguageTag], Field(min_length=1, max_length=20)] | None = None
    license: Url | None = None
    publisher: Publisher | None = None
    #: Stated only when given: liaise-lod never makes up a contact.
    contact: ContactPoint | None = None
    #: What the licence and access rights leave unsaid (a copyright or attribution notice).
    rights: LangText | None = None
    #: Codes of the EU data-theme table the dataset is filed under (data portals' categories).
    themes: Annotated[list[DataThemeCode], Field(max_length=14)] = []
    #: The day this release was published (``publish --issued`` overrides it).
    issued: Day | None = None
    #: This release's version (``publish --release`` overrides it; by default one more than
    #: the previous release's, if that is a whole number, else 1).
    version: Version | None = None
    #: The day the dataset last changed: stated in its description, and the last-modified
    #: date of every page whose resource states no date of its own.
    modified: Day | None = None
    #: SPARQL queries that ``publish`` copies into the site and shows on its index page: .rq
    #: files in the dataset folder, by their paths from there. No other query is published.
    queries: Annotated[list[QueryPath], Field(max_length=100)] | None = None
    #: Whether validation reports completeness warnings (a missing description, website,
    #: date...), which ask for what the data may honestly not know.
    strict: bool = False
    #: How participations are published. ``pages``: each is a resource with a page and data
    #: files of its own, ``{base}participation/{id}``. ``fragments``: each is a part of its
    #: project's document, ``{base}project/{project}#member-{id}`` (less the project the id
    #: begins with), described there and nowhere else: a site with under a third of the files for
    #: CORDIS-sized data (see docs/performance.md). Changing it changes every participation's
    #: IRI: ``publish`` refuses to drop the participation pages of a site it wrote before.
    participation_iris: Literal["pages", "fragments"] = "pages"

    @field_validator("languages")
    @classmethod
    def _languages_once(cls, languages: list[str] | None) -> list[str] | None:
        if languages and len(set(languages)) < len(languages):
            raise ValueError("a language is named twice")
        return languages


# --------------------------------------------------------------------------- the dataset


class Source(Protocol):
    """Where a record was written: its file, its line, and the line of any of its fields."""

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int | None: ...

    def line_of(self, field_path: str | None) -> int | None: ...


class Dataset(BaseModel):
    """A whole dataset: settings plus every record, checked as a whole (ids, references)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    info: DatasetInfo = DatasetInfo()
    projects: list[Project] = []
    organisations: list[Organisation] = []
    participations: list[Participation] = []
    events: list[Event] = []
    publications: list[Publication] = []
    deliverables: list[Deliverable] = []
    news: list[NewsArticle] = []
    people: list[Person] = []

    _sources: dict[str, Source] = PrivateAttr(default_factory=dict)
    _vocabulary: Vocabulary | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_whole(self) -> Dataset:
        problems = check_dataset(self)
        if problems:
            raise InputError(problems)
        return self

    def records(self) -> Iterator[Record]:
        """Every record, collection by collection."""
        for cls in RECORD_TYPES:
            yield from getattr(self, cls.collection)

    def source(self, record_id: str) -> Source | None:
        """Where the record with this id was written, when it came from a file."""
        return self._sources.get(record_id)

    @property
    def vocabulary(self) -> Vocabulary:
        """The SKOS schemes its codes come from: ours, and its own (``vocab/*.ttl``)."""
        return self._vocabulary or Vocabulary.ours()

    def memberships(self) -> list[Participation]:
        """Every participation, including the coordinator role implied by a project's ``lead``."""
        stated = {(p.project, p.organisation, p.role) for p in self.participations}
        implied = [
            Participation(organisation=project.lead, project=project.id, role="coordinator")
            for project in self.projects
            if project.lead and (project.id, project.lead, "coordinator") not in stated
        ]
        return sorted([*self.participations, *implied], key=lambda p: p.id)


#: The record classes, in the order of the dataset's collections.
RECORD_TYPES: tuple[type[Record], ...] = tuple(
    typing.get_args(info.annotation)[0]
    for name, info in Dataset.model_fields.items()
    if name != "info"
)
BY_COLLECTION: dict[str, type[Record]] = {cls.collection: cls for cls in RECORD_TYPES}
BY_KIND: dict[str, type[Record]] = {cls.record_kind: cls for cls in RECORD_TYPES}


def check_dataset(
    dataset: Dataset, also_known: Iterable[str] = (), *, complete: bool = True
) -> list[Problem]:
    """Problems that only show across records: duplicate ids, dangling or mistyped references,
    and references that lead a record back to itself (its own parent, its own super-event).

    ``also_known`` are ids of records that exist but failed their own checks: references to them
    are not reported again. Without ``complete`` (a file could not be read) no reference is
    called unknown: its target may be in that file.
    """
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    for record in dataset.records():
        if record.id not in kinds:
            kinds[record.id] = record.record_kind
        else:
            problems.append(
                _problem(
                    record,
                    "id",
                    f"duplicate id '{record.id}' (ids are unique "
                    f"across the dataset; also used by {with_article(kinds[record.id])})",
                )
            )
    for record in dataset.records():
        for field_name, target, expected in _references(record):
            problem = reference_problem(target, expected, kinds, set(also_known), complete)
            if problem:
                problems.append(_problem(record, field_name, problem))
    problems += _cycles(dataset)
    problems += _duplicate_participations(dataset)
    if dataset.info.participation_iris == "fragments":
        problems += _shared_member_fragments(dataset)
    problems += _duplicate_fundings(dataset)
    publisher = dataset.info.publisher
    if isinstance(publisher, str) and kinds.get(publisher) != "organisation":
        problems.append(
            Problem(
                None,
                None,
                "dataset",
                "publisher",
                f"unknown organisation '{dataset.info.publisher}'",
            )
        )
    return problems


def reference_problem(
    target: str,
    expected: tuple[str, ...],
    kinds: Mapping[str, str],
    also_known: set[str],
    complete: bool = True,
) -> str | None:
    """What is wrong with a reference to ``target`` (``None``: nothing, or nothing more than its
    field's own check says: no record has an id that is not one)."""
    if not _SLUG.fullmatch(target.strip()):
        return None
    actual = kinds.get(target)
    if actual is None:
        if target in also_known or not complete:
            return None
        return f"unknown reference {quote(target)}"
    if expected and actual not in expected:
        wanted = with_article(" or ".join(expected))
        return f"{quote(target)} is {with_article(actual)}, expected {wanted}"
    return None


def with_article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


#: References that must not lead a record back to itself, directly or through others; and
#: those that may (two projects related to each other) but not to the record itself.
ACYCLIC = ("parent", "super_event", "translation_of", "continues")
NOT_TO_ITSELF = ("related",)


def _cycles(dataset: Dataset) -> list[Problem]:
    """Each record that reaches itself through one kind of reference (its own parent, a
    super-event of its own super-event), once per loop."""
    problems = []
    for name in (*ACYCLIC, *NOT_TO_ITSELF):
        targets: dict[str, list[str]] = {}
        records: dict[str, Record] = {}
        for record in dataset.records():
            value = getattr(record, name, None)
            if value:
                targets[record.id] = value if isinstance(value, list) else [value]
                records.setdefault(record.id, record)
        for start, loop in loops(targets):
            if name in NOT_TO_ITSELF and len(loop) > 2:
                continue
            path = " → ".join(f"'{step}'" for step in loop)
            what = f"'{start}' refers to itself" if len(loop) == 2 else f"a loop: {path}"
            problems.append(_problem(records[start], name, what))
    return problems


def raw_references(
    model: type[Model], raw: Mapping[str, Any]
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """As ``_references``, over the raw fields of a record that failed its own checks: the
    references that read as ids."""
    for name, marker in _reference_fields(model):
        value = raw.get(name)
        if marker is not None:
            for target in value if isinstance(value, list) else [value]:
                if isinstance(target, str):
                    yield name, target, marker.kinds
        elif isinstance(value, list):
            nested = _nested_model(model, name)
            for index, item in enumerate(value):
                if nested is not None and isinstance(item, Mapping):
                    for field_name, target, kinds in raw_references(nested, item):
                        yield f"{name}[{index}].{field_name}", target, kinds


def referenced_kinds(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, ...] | None:
    """The kinds of record the field at ``loc`` refers to (empty: any), or ``None`` if it makes
    no reference."""
    holder = model_at(model, loc[:-1]) if loc else None
    if holder is None or not issubclass(holder, Model) or not isinstance(loc[-1], str):
        return None
    marker = dict(_reference_fields(holder)).get(loc[-1])
    return marker.kinds if marker is not None else None


def model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose fields a place in a record (``("funding", 0)``) holds, if any."""
    for step in loc:
        if isinstance(step, int):
            continue
        info = model.model_fields.get(step)
        inner = typing.get_args(info.annotation) if info else ()
        nested = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nested is None:
            return None
        model = nested
    return model


def _nested_model(model: type[Model], name: str) -> type[Model] | None:
    annotation = model.model_fields[name].annotation
    for argument in typing.get_args(annotation):
        if isinstance(argument, type) and issubclass(argument, Model):
            return argument
    return None


def _references(record: Model) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(field, target id, expected kinds) for every reference a record makes, nested ones too."""
    for name, marker in _reference_fields(type(record)):
        value = getattr(record, name)
        if marker is not None:
            for target in value if isinstance(value, list) else [value]:
                if target is not None:
                    yield name, target, marker.kinds
        elif isinstance(value, list) and value and isinstance(value[0], Model):
            for index, item in enumerate(value):
                for field_name, target, kinds in _references(item):
                    yield f"{name}[{index}].{field_name}", target, kinds


@cache
def _reference_fields(model: type[Model]) -> tuple[tuple[str, RefTo | None], ...]:
    """A model's fields with the reference each makes (``None``: none, or nested records):
    worked out once per model, as reading type annotations is slow next to checking values."""
    fields = []
    for name, info in model.model_fields.items():
        marker = next((m for m in info.metadata if isinstance(m, RefTo)), None)
        if marker is None and info.annotation is not None:
            marker = _ref_marker(info.annotation)
        fields.append((name, marker))
    return tuple(fields)


def _ref_marker(annotation: Any) -> RefTo | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        for meta in getattr(candidate, "__metadata__", ()):
            if isinstance(meta, RefTo):
                return meta
        for inner in getattr(candidate, "__args__", ()):
            for meta in getattr(inner, "__metadata__", ()):
                if isinstance(meta, RefTo):
                    return meta
    return None


def _duplicate_participations(dataset: Dataset) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    problems = []
    ids: set[str] = set()
    for participation in dataset.participations:
        key = (participation.project, participation.organisation, participation.role)
        repeated_id = participation.id in ids  # said already: a duplicate id
        ids.add(participation.id)
        if key in seen and not repeated_id:
            problems.append(
                _problem(
                    participation,
                    "role",
                    (
                        f"'{participation.organisation}' already has the role "
                        f"'{participation.role}' in '{participation.project}'"
                    ),
                )
            )
        seen.add(key)
    return problems


def _shared_member_fragments(dataset: Dataset) -> list[Problem]:
    """Participations of one project whose IRIs as fragments would be one, or one of which
    would begin the IRIs of the other's parts (``#member-x`` and ``#member-x-period``): ids
    that differ only by the project they begin with (``p--a`` and ``a`` in ``p``), or an id
    that extends another."""
    by_project: dict[str, dict[str, Participation]] = defaultdict(dict)
    problems = []
    for participation in sorted(dataset.memberships(), key=member_fragment):
        fragments = by_project[participation.project]
        fragment = member_fragment(participation)
        # sorted: of two fragments one of which begins the other, the shorter comes first
        shorter = [fragment[:i] for i, c in enumerate(fragment) if c == "-"] + [fragment]
        other = next((fragments[f] for f in shorter if f in fragments), None)
        if other is not None and not _same_participation(other, participation):
            problems.append(
                _problem(
                    participation,
                    "id",
                    f"as a part of project '{participation.project}' (participation_iris: "
                    f"fragments) its IRI #{fragment} would clash with that of participation "
                    f"'{other.id}' (#{member_fragment(other)}): give one of them another id",
                )
            )
        fragments[fragment] = participation
    return problems


def _same_participation(one: Participation, other: Participation) -> bool:
    """Whether two participations are one stated twice (a duplicate, reported as such)."""
    return one.id == other.id or (one.organisation, one.role) == (other.organisation, other.role)


def _duplicate_fundings(dataset: Dataset) -> list[Problem]:
    problems = []
    for project in dataset.projects:
        keys = [funding.key for funding in project.funding]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                problems.append(
                    _problem(
                        project,
                        f"funding[{index}]",
                        (f"two fundings are both called '{key}': give each an 'id'"),
                    )
                )
    return problems


def _problem(record: Record, field_name: str, message: str) -> Problem:
    return Problem(None, None, record.id, field_name, message)
