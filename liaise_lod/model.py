"""The input model: typed records a dataset is made of.

The same classes serve files (``load_dataset``) and Python code: build ``Project(...)``,
``Organisation(...)`` and friends, put them in a ``Dataset`` and every check runs the same way.

Text that exists in several languages is a mapping from a BCP 47 tag to the text
(``{"en": "The Hague", "fr": "La Haye"}``); a plain string takes the dataset's default language.
References to other records are their ids; ids are unique across the whole dataset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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
    field_validator,
    model_validator,
)

from . import vocabulary
from ._internal.iri_syntax import base_iri_problem, http_iri_problem
from ._internal.quoting import quote
from .errors import InputError, Problem

# --------------------------------------------------------------------------- value types

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


@dataclass(frozen=True)
class RefTo:
    """Marks a field as a reference to records of the given kinds (empty: any kind)."""

    kinds: tuple[str, ...] = ()


def _ref(*kinds: str) -> Any:
    return Annotated[Slug, RefTo(kinds)]


OrganisationRef = _ref("organisation")
PersonRef = _ref("person")
AgentRef = _ref("organisation", "person")
ProjectRef = _ref("project")
EventRef = _ref("event")
PublicationRef = _ref("publication")
AnyRef = _ref()


def _language_tag(value: str) -> str:
    return vocabulary.normalise_language_tag(value)


LanguageTag = Annotated[str, AfterValidator(_language_tag)]


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


LangText = Annotated[
    dict[LanguageTag, NonEmpty], BeforeValidator(_lang_text), AfterValidator(_no_empty_text)
]

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


When = Annotated[str, BeforeValidator(_when)]


def _day(value: str) -> str:
    if precision_of(value) != "day":
        raise ValueError(f"{quote(value)} is not a day (YYYY-MM-DD)")
    return value


Day = Annotated[When, AfterValidator(_day)]


def http_url(value: str) -> str:
    """``value`` if it is an absolute http(s) IRI (RFC 3987) that every writer takes; else
    ValueError saying which character of which part is wrong."""
    problem = http_iri_problem(value)
    if problem:
        raise ValueError(f"{quote(value)} is not an http(s) URL: {problem}")
    return value


Url = Annotated[str, AfterValidator(http_url)]


def _base_iri(value: str) -> str:
    problem = base_iri_problem(value)
    if problem:
        raise ValueError(f"base IRI {quote(value)} is not usable: {problem}")
    return value


#: The base IRI of a dataset's resources: an http(s) IRI without query or fragment.
BaseIri = Annotated[str, AfterValidator(_base_iri)]

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


_NUMBER_TEXT = BeforeValidator(_number_text)
_BOUNDED_NUMBER = AfterValidator(_bounded_number)
# Constraints stand inside the type, before the validators, so that the JSON Schema states them.
Number = Annotated[Decimal, _NUMBER_TEXT, _BOUNDED_NUMBER]
PositiveNumber = Annotated[Decimal, Field(gt=0), _NUMBER_TEXT, _BOUNDED_NUMBER]
Rate = Annotated[Decimal, Field(gt=0, le=1), _NUMBER_TEXT, _BOUNDED_NUMBER]


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or code not in vocabulary.countries():
        raise ValueError(
            f"unknown country {quote(value)}: use an ISO 3166-1 alpha-2 code such as FR"
        )
    return code


Country = Annotated[str, AfterValidator(_country)]


def _code_in(slug: str) -> Any:
    def check(value: str) -> str:
        codes = vocabulary.scheme(slug).codes
        if value not in codes:
            raise ValueError(
                f"unknown {slug.replace('-', ' ')} {quote(value)}; use one of: " + ", ".join(codes)
            )
        return value

    return AfterValidator(check)


Role = Annotated[str, _code_in("role")]
OrganisationKind = Annotated[str, _code_in("organisation-kind")]
EventKind = Annotated[str, _code_in("event-kind")]
PublicationKind = Annotated[str, _code_in("publication-kind")]
Topic = Annotated[str, _code_in("topic")]


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{quote(value)} is not an ISO 4217 currency code such as EUR")
    return value


Currency = Annotated[str, AfterValidator(_currency)]

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


def _comparable(when: str) -> str | datetime:
    if precision_of(when) == "datetime":
        return datetime.fromisoformat(when.replace("Z", "+00:00"))
    return when


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
    same_as: list[Url] = []


class Organisation(Record):
    record_kind = "organisation"
    collection = "organisations"

    name: LangText
    acronym: NonEmpty | None = None
    kind: OrganisationKind | None = None
    description: LangText | None = None
    country: Country | None = None
    locality: NonEmpty | None = None
    website: Url | None = None
    parent: OrganisationRef | None = None
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
    def _default_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("id"):
            parts = [data.get(key) for key in ("project", "organisation", "role")]
            if all(isinstance(part, str) for part in parts):
                data = {**data, "id": "--".join(parts)}
        return data


class Event(Record):
    record_kind = "event"
    collection = "events"

    name: LangText
    kind: EventKind | None = None
    description: LangText | None = None
    start: When | None = None
    end: When | None = None
    venue: LangText | None = None
    locality: NonEmpty | None = None
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


class Publication(Record):
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

    @model_validator(mode="before")
    @classmethod
    def _title_in_its_language(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("title"), str):
            langs = data.get("languages")
            if isinstance(langs, list) and len(langs) == 1 and isinstance(langs[0], str):
                data = {**data, "title": {langs[0]: data["title"]}}
        return data


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


class Person(Record):
    """A person. E-mail and phone are published only when ``publish_contact`` is true."""

    record_kind = "person"
    collection = "people"

    name: NonEmpty
    job_title: LangText | None = None
    affiliation: OrganisationRef | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ().-]{5,}$")] | None = None
    publish_contact: bool = False
    website: Url | None = None
    same_as: list[Url] = []


RECORD_TYPES: tuple[type[Record], ...] = (
    Project,
    Organisation,
    Participation,
    Event,
    Publication,
    NewsArticle,
    Person,
)
BY_COLLECTION: dict[str, type[Record]] = {cls.collection: cls for cls in RECORD_TYPES}
BY_KIND: dict[str, type[Record]] = {cls.record_kind: cls for cls in RECORD_TYPES}


class DatasetInfo(Model):
    """Settings of a dataset: where its IRIs live, its title, default language, licence,
    publisher and when it last changed."""

    base: BaseIri | None = None
    title: LangText | None = None
    description: LangText | None = None
    language: LanguageTag | None = None
    license: Url | None = None
    publisher: OrganisationRef | None = None
    #: The day the dataset last changed: stated in its description, and the last-modified
    #: date of every page whose resource states no date of its own.
    modified: Day | None = None


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
    news: list[NewsArticle] = []
    people: list[Person] = []

    _sources: dict[str, Source] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_whole(self) -> Dataset:
        problems = check_dataset(self)
        if problems:
            raise InputError(problems)
        return self

    def records(self) -> Iterator[Record]:
        for cls in RECORD_TYPES:
            yield from getattr(self, cls.collection)

    def source(self, record_id: str) -> Source | None:
        """Where the record with this id was written, when it came from a file."""
        return self._sources.get(record_id)

    def memberships(self) -> list[Participation]:
        """Every participation, including the coordinator role implied by a project's ``lead``."""
        stated = {(p.project, p.organisation, p.role) for p in self.participations}
        implied = [
            Participation(organisation=project.lead, project=project.id, role="coordinator")
            for project in self.projects
            if project.lead and (project.id, project.lead, "coordinator") not in stated
        ]
        return sorted([*self.participations, *implied], key=lambda p: p.id)


def check_dataset(dataset: Dataset, also_known: Iterable[str] = ()) -> list[Problem]:
    """Problems that only show across records: duplicate ids, dangling or mistyped references.

    ``also_known`` are ids of records that exist but failed their own checks: references to them
    are not reported again.
    """
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    unchecked = set(also_known)
    for record in dataset.records():
        if record.id in kinds:
            problems.append(
                _problem(
                    record,
                    "id",
                    f"duplicate id '{record.id}' (ids are unique "
                    f"across the dataset; also used by a {kinds[record.id]})",
                )
            )
        else:
            kinds[record.id] = record.record_kind
    for record in dataset.records():
        for field_name, target, expected in _references(record):
            actual = kinds.get(target)
            if actual is None and target in unchecked:
                continue
            if actual is None:
                problems.append(_problem(record, field_name, f"unknown reference '{target}'"))
            elif expected and actual not in expected:
                wanted = " or ".join(expected)
                problems.append(
                    _problem(record, field_name, f"'{target}' is a {actual}, expected a {wanted}")
                )
    problems += _duplicate_participations(dataset)
    problems += _duplicate_fundings(dataset)
    if dataset.info.publisher and kinds.get(dataset.info.publisher) != "organisation":
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
    for participation in dataset.participations:
        key = (participation.project, participation.organisation, participation.role)
        if key in seen:
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
