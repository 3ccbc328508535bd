"""Regular expressions for the JSON Schema that accept exactly the text the model accepts.

The model strips spaces around its values before checking them, reads numbers with Python's
``Decimal`` and letters with Python's case mapping; a pattern that ignored any of this would
flag, in an editor, a value the loader takes. Each pattern is written so that Python's ``re``
(the ``jsonschema`` package's judge) and ECMA-262 with the ``u`` flag (editors) read it alike:
explicit character classes instead of ``\\s`` and ``\\d`` (which differ between the two), and
the characters themselves instead of ``\\U`` escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue

from . import iri_syntax

#: What pydantic's ``str_strip_whitespace`` strips (Unicode White_Space, as Rust's ``trim``).
STRIPPED = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: What Python's ``str.strip`` strips (the validators of dates and identifiers call it, and
#: ``Decimal`` does the same): the above and the four information separators.
STRIPPED_BY_PYTHON = STRIPPED + "\x1c-\x1f"
#: What no text may hold (``model._UNPRINTABLE``): controls other than tab and line breaks,
#: lone surrogates and noncharacters.
UNPRINTABLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane + last) for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)
)

#: Letters beyond ASCII that Python's case mapping turns into ASCII ones: what ``str.upper``
#: (country codes, VAT prefixes) and ``str.lower`` (language codes, ROR ids) make of them.
_UPPER_PREIMAGES = {"I": "\u0131", "S": "\u017f"}
_LOWER_PREIMAGES = {"k": "\u212a"}
#: What ``[a-z]`` matches in Python's ``re`` with IGNORECASE (the language-tag check).
IGNORECASE_LETTERS = "A-Za-z\u0130\u0131\u017f\u212a"


def padded(core: str, spaces: str = STRIPPED) -> str:
    """``core``, alone in the text but for spaces the model strips around it."""
    return readable(f"^[{spaces}]*(?:{core})[{spaces}]*$")


def exact(core: str) -> str:
    """``core``, alone in the text: ``$`` in Python also matches before a last line break."""
    return readable(f"^(?:{core})$(?!\\n)")


def readable(pattern: str) -> str:
    """``pattern`` with its characters beyond printable ASCII in the Basic Multilingual Plane
    written as ``\\uXXXX`` escapes, which both dialects read: controls, spaces and surrogates
    stay visible (and a lone surrogate could not be written out). Characters beyond that plane
    stay themselves: the dialects escape them differently."""
    return "".join(
        f"\\u{ord(c):04x}" if (c != " " and not 0x21 <= ord(c) <= 0x7E and ord(c) <= 0xFFFF) else c
        for c in pattern
    )


def any_case(word: str, *, upper: bool = True) -> str:
    """``word`` in any case, as ``str.upper`` (or ``str.lower``) would read it back."""
    preimages = _UPPER_PREIMAGES if upper else _LOWER_PREIMAGES
    parts = []
    for character in word:
        if not character.isalpha():
            parts.append(escape(character))
            continue
        key = character.upper() if upper else character.lower()
        extra = preimages.get(key, "")
        parts.append(f"[{character.lower()}{character.upper()}{extra}]")
    return "".join(parts)


def escape(text: str) -> str:
    """``text`` as a pattern: unlike ``re.escape``, escapes only what ECMA-262 allows escaped
    (it refuses ``\\-`` outside a class in its ``u`` mode)."""
    return "".join("\\" + c if c in "^$\\.*+?()[]{}|/" else c for c in text)


def one_of(words: Iterable[str], *, upper: bool = True) -> str:
    return "|".join(any_case(word, upper=upper) for word in words)


def uppers_to(codes: Iterable[str]) -> list[str]:
    """Single characters whose upper case is one of the two-letter ``codes`` (ß is SS, ﬁ is
    FI); none beyond the Basic Multilingual Plane has such an upper case."""
    wanted = set(codes)
    return sorted(
        character
        for character in map(chr, range(0x80, 0x10000))
        if character.upper() in wanted and len(character) == 1
    )


# ------------------------------------------------------------------------------- texts

#: Text with something in it once stripped, and nothing unprintable left.
TEXT = readable(f"^[{STRIPPED}]*[^{STRIPPED}{UNPRINTABLE}][^{UNPRINTABLE}]*[{STRIPPED}]*$")

# ------------------------------------------------------------------------------- numbers

_DIGIT = "[0-9]_*"
_DIGITS = f"(?:{_DIGIT})+"
#: Decimal ignores every underscore; a number needs a digit before any exponent.
_HAS_DIGIT = "(?=[0-9._]*[0-9])"
_HAS_NON_ZERO = "(?=[0-9._]*[1-9])"
_WHOLE = f"(?:0_*)*(?:[1-9]_*(?:{_DIGIT}){{0,17}})?"
_FRACTION = f"\\._*(?:{_DIGIT}){{0,18}}(?:0_*)*"
_EXPONENT = f"[eE]_*[+-]?_*{_DIGITS}"
_LOOSE = f"[0-9_]*(?:\\.[0-9_]*)?{_EXPONENT}"


def number_text(kind: str) -> str:
    """A number written as text (CSV cells are): plain notation within the 18+18 digits,
    or with an exponent, whose range only the loader checks. ``kind``: ``any``,
    ``positive`` (above 0) or ``rate`` (above 0, at most 1)."""
    if kind == "any":
        sign, plain, present = "[+-]?", f"{_WHOLE}(?:{_FRACTION})?", _HAS_DIGIT
    elif kind == "positive":
        sign, plain, present = "\\+?", f"{_WHOLE}(?:{_FRACTION})?", _HAS_NON_ZERO
    else:
        one = "(?:0_*)*1_*(?:\\._*(?:0_*)*)?"
        below_one = f"(?:0_*)*\\._*(?=[0-9_]*[1-9])(?:{_DIGIT}){{0,18}}(?:0_*)*"
        sign, plain, present = "\\+?", f"{one}|{below_one}", _HAS_NON_ZERO
    core = f"_*{sign}_*{present}(?:{_LOOSE}|{plain})"
    return padded(core, STRIPPED_BY_PYTHON)


def number_schema(kind: str) -> dict[str, Any]:
    """A number (JSON's, within the bounds) or its text."""
    bounds: dict[str, Any] = {"exclusiveMinimum": -1e18, "exclusiveMaximum": 1e18}
    if kind == "positive":
        bounds["exclusiveMinimum"] = 0
    elif kind == "rate":
        bounds = {"exclusiveMinimum": 0, "maximum": 1}
    return {
        "anyOf": [
            {"type": "number", **bounds},
            {"type": "string", "pattern": number_text(kind), "maxLength": 1000},
        ]
    }


# ------------------------------------------------------------------------------- dates

_YEAR = "000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3}"
_MONTH = "0[1-9]|1[0-2]"
_DAY = "0[1-9]|[12][0-9]|3[01]"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]+)?)?"
#: Python reads any offset below a day: minutes past 59 carry into the hours.
_OFFSET = "Z|[+-](?:(?:[01][0-9]|2[0-2]):[0-9]{2}|23:[0-5][0-9])"
DAY = f"(?:{_YEAR})-(?:{_MONTH})-(?:{_DAY})"
WHEN = f"(?:{_YEAR})(?:-(?:{_MONTH})(?:-(?:{_DAY})(?:T{_TIME}(?:{_OFFSET}))?)?)?"

# ------------------------------------------------------------------------------- web addresses

_PERCENT = "%[0-9A-Fa-f]{2}"
#: What ``http_iri_problem`` refuses on top of RFC 3987's grammar: bidirectional formatting
#: characters and spaces (U+00A0, U+3000 and others are ucschars).
_REFUSED_IN_IRIS = "\u200e\u200f\u202a-\u202e\u2066-\u2069" + STRIPPED
_PORT = (
    "0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})?"
)
_IPV_FUTURE = "[vV][0-9A-Fa-f]+\\.[A-Za-z0-9._~\\-!$&'()*+,;=:]+"
#: A path segment that clients would remove ('.', '..', written plainly or escaped).
_DOT_SEGMENT = "(?:\\.|%2[eE]){1,2}"


def _chars(part: str, less: str = "") -> str:
    allowed = iri_syntax._ALLOWED[part].replace(less, "")
    allowed = allowed.replace(iri_syntax._UCSCHAR, subtract(iri_syntax._UCSCHAR, _REFUSED_IN_IRIS))
    return f"(?:[{allowed}]|{_PERCENT})"


def http_iri(*, base: bool = False) -> str:
    """An absolute http(s) IRI as ``iri_syntax.http_iri_problem`` takes it; a base IRI has
    no query or fragment."""
    host = f"{_chars('host')}+|\\[(?:{iri_syntax._IPV6}|{_IPV_FUTURE})\\]"
    path_end = f"(?:[/?#]|[{STRIPPED}]*$)"
    path = f"(?:/(?!{_DOT_SEGMENT}{path_end}){_chars('path', less='/')}*)*"
    core = f"[hH][tT][tT][pP][sS]?://(?:{host})(?::{_PORT})?{path}"
    if not base:
        core += f"(?:\\?{_chars('query')}*)?(?:#{_chars('fragment')}*)?"
    return padded(core)


def subtract(body: str, taken: str) -> str:
    """The character-class body ``body`` less the characters of ``taken`` (both made only of
    characters and ``a-b`` ranges)."""
    refused = sorted(point for start, end in _ranges(taken) for point in range(start, end + 1))
    kept: list[tuple[int, int]] = []
    for start, end in _ranges(body):
        for point in refused:
            if start <= point <= end:
                if start < point:
                    kept.append((start, point - 1))
                start = point + 1
        if start <= end:
            kept.append((start, end))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in kept)


def _ranges(body: str) -> list[tuple[int, int]]:
    found = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            found.append((ord(body[index]), ord(body[index + 2])))
            index += 3
        else:
            found.append((ord(body[index]), ord(body[index])))
            index += 1
    return found


# ------------------------------------------------------------------------------- schemas


class LazyJsonSchema:
    """As pydantic's ``WithJsonSchema``, made when the JSON Schema is asked for: the code lists
    are files read only then, not when the model is imported."""

    def __init__(self, make: Callable[[], dict[str, Any]]):
        self.make = make

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.make()

    def __repr__(self) -> str:
        return f"LazyJsonSchema({self.make.__name__})"


# ------------------------------------------------------------------------------- identifiers

_DOI_RESOLVER = "(?:(?:https?://)?(?:dx\\.)?doi\\.org/|doi:)?"
#: What each identifier scheme's check (``identifiers.SCHEMES``) takes, before its check digits.
IDENTIFIER_SYNTAX = {
    # ROR ids are read in lower case: any case is fine, and the Kelvin sign is a k.
    "ror": (
        f"(?:{any_case('http', upper=False)}[sS]?://{any_case('ror.org', upper=False)}/)?"
        "0[0-9a-hjkmnp-tv-zA-HJKMNP-TV-Z\u212a]{6}[0-9]{2}"
    ),
    "wikidata": "(?:https?://(?:www\\.)?wikidata\\.org/(?:wiki|entity)/)?Q[1-9][0-9]*",
    "pic": "[0-9]{9}",
    # python-stdnum checks what follows the prefix, country by country.
    "vat": "(?:{prefixes})[0-9A-Za-z \\-./,:]{{2,}}",
    "funder_id": f"{_DOI_RESOLVER}(?:10\\.13039/)?[1-9][0-9]{{8,11}}",
    "grant_agreement": "[1-9][0-9]{3,9}",
    "cordis": "[1-9][0-9]{3,9}",
    "doi": f"{_DOI_RESOLVER}10\\.3030/[1-9][0-9]{{3,9}}",
}


def identifier_schema(name: str) -> dict[str, Any]:
    syntax = IDENTIFIER_SYNTAX[name]
    if name == "vat":
        syntax = syntax.format(prefixes=one_of(_vat_prefixes()))
    return {"type": "string", "pattern": padded(syntax, STRIPPED_BY_PYTHON)}


def _vat_prefixes() -> list[str]:
    """The prefixes python-stdnum takes: the member states', Greece's EL, and the EU and IM
    of the one-stop shop."""
    from stdnum.eu import vat

    return sorted({code.upper() for code in vat.MEMBER_STATES} | {"EL", "EU", "IM"})
