"""The words of the site around the data, in each page's language: interface texts, names of
languages and countries, and dates, written as people read them (CLDR, through Babel).

Interface texts are keyed by their English wording, as gettext has them: a template writes
``{{ ui("Partners") }}``; ``translations/{tag}.json`` maps each English text to the language's.
A language has pages of its own only if a translation file exists for it (English needs none).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton, match_skeleton, parse_pattern

from ..errors import ConfigError

#: The language of the interface texts as written in templates and code.
SOURCE_LANGUAGE = "en"
#: The CLDR locale whose conventions a page in a language follows, where not the language's
#: own: the site speaks to a European audience (29 March 2017, not March 29, 2017).
_FORMAT_LOCALES = {"en": "en_150"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_WIDE_MONTH = re.compile(r"(?<!M)MMM(?!M)")
_DATE = re.compile(r"(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2}))?")


@cache
def interface_languages() -> tuple[str, ...]:
    """The languages the interface is written in: English and each translation shipped."""
    folder = files(__package__).joinpath("translations")
    tags = sorted(item.name[:-5] for item in folder.iterdir() if item.name.endswith(".json"))
    return (SOURCE_LANGUAGE, *[tag for tag in tags if tag != SOURCE_LANGUAGE])


@cache
def _translations(language: str) -> Mapping[str, str]:
    if language == SOURCE_LANGUAGE:
        return {}
    path = files(__package__).joinpath("translations", f"{language}.json")
    texts: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return texts


def check_page_languages(languages: list[str]) -> None:
    """``ConfigError`` for a page language without an interface translation."""
    missing = [tag for tag in languages if tag not in interface_languages()]
    if missing:
        available = ", ".join(interface_languages())
        raise ConfigError(
            f"the dataset's 'languages' name {', '.join(missing)}, for which liaise-lod has no "
            f"interface texts (it has: {available}); see docs/publishing.md, 'Languages'"
        )


def _locale(language: str) -> Locale:
    return _cached_locale(_FORMAT_LOCALES.get(language, language))


@cache
def _cached_locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag, sep="-" if "-" in tag else "_")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_150")


class Interface:
    """The interface of pages in one language: ``ui("Partners")`` is its text for Partners."""

    def __init__(self, language: str):
        self.language = language
        self._texts = _translations(language)
        self._locale = _locale(language)
        self._dates: dict[tuple[str, str], str] = {}

    def __call__(self, text: str, /, **values: object) -> str:
        """The interface text ``text`` in this language, ``{name}`` placeholders filled."""
        translated = self._texts.get(text, text)
        if values:
            return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), translated)
        return translated

    def country(self, code: str) -> str:
        """A country's name in this language, from its ISO 3166 alpha-2 code."""
        return self._locale.territories.get(code.upper(), code)

    def date(self, value: str, style: str = "long") -> str:
        """A date as ``xsd:date``, ``gYearMonth``, ``gYear`` or ``dateTime`` gives it, written
        as people read it: 29 March 2017, January 2016, 2016, 29 March 2017, 09:30. Anything
        else is shown as it is."""
        key = (value, style)
        written = self._dates.get(key)
        if written is None:
            written = self._dates[key] = self._write_date(value, style)
        return written

    def _write_date(self, value: str, style: str) -> str:
        parsed = parse_date(value)
        if parsed is None:
            return value
        day, precision, timed = parsed
        skeleton = {"year": "y", "month": "yMMMM", "day": "yMMMMd"}[precision]
        if style == "short":
            skeleton = {"year": "y", "month": "yMMM", "day": "yMMMd"}[precision]
        written = format_skeleton(skeleton, day, locale=self._locale)
        if timed:  # the time of day as stated, in the event's own time zone
            return f"{written}, {format_skeleton('Hm', day, locale=self._locale)}"
        return written

    def period(self, start: str | None, end: str | None, style: str = "long") -> str:
        """A span of dates: 26–27 May 2016, January 2016 – January 2018 (``short``: 11–12 Oct
        2016); one end alone as "from"/"until"."""
        if start and end:
            first, last = parse_date(start), parse_date(end)
            if first and last and first[1:] == last[1:] and not first[2]:
                month = "MMM" if style == "short" else "MMMM"
                skeleton = {"year": "y", "month": f"y{month}", "day": f"y{month}d"}[first[1]]
                if first[0] == last[0]:
                    return self.date(start, style)
                if first[0] < last[0]:
                    return self._interval(first[0], last[0], skeleton)
            return f"{self.date(start, style)} – {self.date(end, style)}"
        if start:
            return self("from {date}", date=self.date(start, style))
        if end:
            return self("until {date}", date=self.date(end, style))
        return ""

    def _interval(self, first: datetime.date, last: datetime.date, skeleton: str) -> str:
        """``format_interval``, but with months as wide as the skeleton asks: CLDR lets a
        locale without a "14–16 October 2025" pattern widen its "14–16 Oct 2025" one, which
        Babel does not do."""
        formats = self._locale.interval_formats
        if skeleton in formats or "MMMM" not in skeleton:
            return format_interval(first, last, skeleton, locale=self._locale)
        narrower = match_skeleton(skeleton.replace("MMMM", "MMM"), formats)
        differs = "y" if first.year != last.year else "M" if first.month != last.month else "d"
        patterns = formats[narrower].get(differs) if narrower else None
        if not patterns:
            return format_interval(first, last, skeleton, locale=self._locale)
        return "".join(
            parse_pattern(_WIDE_MONTH.sub("MMMM", pattern)).apply(day, self._locale)
            for pattern, day in zip(patterns, (first, last), strict=False)
        )

    def time_of(self, value: str) -> str | None:
        """The time of day of a ``dateTime`` (09:30), or None for a date."""
        parsed = parse_date(value)
        if parsed is None or not parsed[2]:
            return None
        return format_skeleton("Hm", parsed[0], locale=self._locale)


def parse_date(value: str) -> tuple[datetime.datetime, str, bool] | None:
    """``(moment, precision, timed)`` of an ISO date, year-month, year or date-time; None if it
    is none of those (or out of range)."""
    match = _DATE.fullmatch(value.strip()[:16]) if value else None
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        moment = datetime.datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0)
        )
    except ValueError:
        return None
    precision = "day" if day else "month" if month else "year"
    return moment, precision, hour is not None


def endonym(tag: str) -> str:
    """A language's name in that language, capitalised as a heading: English, Français,
    Español; the tag itself for a language CLDR does not know."""
    return _endonym(tag.lower())


@cache
def _endonym(tag: str) -> str:
    try:
        name = Locale.parse(tag, sep="-").get_display_name(Locale.parse(tag, sep="-"))
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


@cache
def interface(language: str) -> Interface:
    """The interface of pages in ``language``, made once per process."""
    return Interface(language)
