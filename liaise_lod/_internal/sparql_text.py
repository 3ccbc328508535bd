"""SPARQL query text split into tokens the way a SPARQL parser splits it, before any parsing.

What the checks made ahead of the engine need: whether a keyword is really a keyword (not part
of a string, a comment, an IRI or a prefixed name), how deeply the query nests, where a string
is left open. The rules are SPARQL 1.1's terminals (section 19.8) as Oxigraph reads them:

- a comment runs from ``#`` to the end of the line, and a line ends at CR as well as at LF;
- a prefixed name may hold escapes (``ex:a\\#b``, ``ex:it\\'s``): the ``#`` or ``'`` there
  starts neither a comment nor a string;
- an IRI may hold ``\\u`` escapes; the ``\\u`` escapes elsewhere are not expanded (Oxigraph
  does not: ``\\u0053ERVICE`` is no keyword to it).

A scan is one pass of one regular expression over the text; its time grows with the length
of the text (measured: a few seconds for a megabyte of the worst input found).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

Kind = Literal["comment", "string", "unclosed", "iri", "variable", "word", "punctuation"]

_NAME_CHAR = r"\w\u00B7\u0300-\u036F\u203F\u2040"
_IRI_BODY = r"(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*"
_LOCAL_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_PATTERNS: list[tuple[Kind | None, str]] = [
    (None, r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("string", r"'''(?:'{0,2}(?:[^'\\]|\\.))*'''|\"\"\"(?:\"{0,2}(?:[^\"\\]|\\.))*\"\"\""),
    ("string", r"'(?:[^'\\\r\n]|\\.)*'|\"(?:[^\"\\\r\n]|\\.)*\""),
    ("unclosed", r"'[^\r\n]*|\"[^\r\n]*"),
    ("iri", rf"<{_IRI_BODY}>"),
    ("variable", rf"[?$][{_NAME_CHAR}]*"),
    # Keywords, prefixed names, numbers and blank node labels: a dot may sit inside a name
    # ("ex:a.b") but never starts one ("?o.SERVICE" is a variable, a dot and a keyword).
    ("word", rf"(?:[{_NAME_CHAR}:]|%[0-9A-Fa-f]{{2}}|{_LOCAL_ESCAPE})"
     rf"(?:[{_NAME_CHAR}:.\-]|%[0-9A-Fa-f]{{2}}|{_LOCAL_ESCAPE})*"),
    # "?a<<http://x>" is less than an IRI, not a quoted triple.
    ("punctuation", rf"<<(?!{_IRI_BODY}>)|>>|\^\^|&&|\|\||!=|<=|>=|[\s\S]"),
]  # fmt: skip
_SCANNER = re.compile(
    "|".join(f"(?P<g{index}>{pattern})" for index, (_, pattern) in enumerate(_PATTERNS)),
    re.DOTALL,
)
_OPENING = {"(": ")", "[": "]", "{": "}", "<<": ">>"}
_CLOSING = frozenset(_OPENING.values())


class Token(NamedTuple):
    kind: Kind
    start: int
    end: int
    text: str


def tokens(sparql: str) -> Iterator[Token]:
    """Every token of ``sparql`` in order (spaces left out)."""
    for match in _SCANNER.finditer(sparql):
        kind = _PATTERNS[int(match.lastgroup[1:])][0]  # type: ignore[index]
        if kind is not None:
            yield Token(kind, match.start(), match.end(), match.group())


def keyword_at(sparql: str, keyword: str) -> int | None:
    """Where ``keyword`` (any case) first stands as a keyword in the query, or None."""
    wanted = keyword.lower()
    for token in tokens(sparql):
        if token.kind == "word" and token.text.lower() == wanted:
            return token.start
    return None


def too_deep_at(sparql: str, limit: int) -> int | None:
    """Where the query first nests more than ``limit`` levels, or None.

    A level is an open bracket, brace, parenthesis or ``<<``, or a ``!`` in a run of them
    (``!!!x`` nests like ``!(!(!x))`` in a parser)."""
    depth = negations = 0
    for token in tokens(sparql):
        text = token.text if token.kind == "punctuation" else ""
        negations = negations + 1 if text == "!" else 0
        if text in _OPENING:
            depth += 1
        elif text in _CLOSING:
            depth = max(depth - 1, 0)
        if depth + negations > limit:
            return token.start
    return None


def unclosed_string_at(sparql: str) -> int | None:
    """Where a string that is never closed starts, or None."""
    return next((token.start for token in tokens(sparql) if token.kind == "unclosed"), None)


def code_only(sparql: str) -> str:
    """The query with comments and strings blanked and IRIs emptied, each keeping its length
    (so that positions still match); a string left open keeps its opening quote."""
    parts: list[str] = []
    position = 0
    for token in tokens(sparql):
        if token.kind in ("comment", "string", "iri", "unclosed"):
            parts.append(sparql[position : token.start])
            parts.append(_blank(token))
            position = token.end
    parts.append(sparql[position:])
    return "".join(parts)


def _blank(token: Token) -> str:
    if token.kind == "iri":
        return "<" + "_" * (len(token.text) - 2) + ">"
    blanked = re.sub(r"[^\n]", " ", token.text)
    return token.text[0] + blanked[1:] if token.kind == "unclosed" else blanked


_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def expand_unicode_escapes(sparql: str) -> str:
    """The text with ``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by what they stand for, as SPARQL
    1.1 (section 19.2) has it done before parsing; an escape of no character is left as is."""

    def expand(match: re.Match[str]) -> str:
        point = int(match.group(1) or match.group(2), 16)
        return chr(point) if point <= 0x10FFFF else match.group()

    return _UNICODE_ESCAPE.sub(expand, sparql)
