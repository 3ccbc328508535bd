"""Absolute http(s) IRIs as RFC 3987 defines them, checked part by part so that a refusal says
which character of which part is wrong.

Every writer takes what this check takes: pyoxigraph (whose parser follows RFC 3987 to the
letter) and rdflib's writers and parsers, and serd (tests/test_iri_syntax.py holds them to it).
On top of the grammar it refuses what would be published wrongly: a user name or password
before the host, a port past 65535, '.' or '..' path segments (which a client resolving the
IRI removes) and the bidirectional formatting characters RFC 3987 forbids in section 4.1.
"""

from __future__ import annotations

import re

from .quoting import quote

# RFC 3987 section 2.2, in character-class form.
_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane)}-{chr(plane + 0xFFFD)}" for plane in range(0x10000, 0xE0000, 0x10000))
    + "\U000e1000-\U000efffd"
)
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_UNRESERVED = "A-Za-z0-9._~\\-" + _UCSCHAR
_SUB_DELIMS = "!$&'()*+,;="
_PCHAR = _UNRESERVED + _SUB_DELIMS + ":@"

#: Which characters may stand in each part, besides percent-escapes.
_ALLOWED = {
    "host": _UNRESERVED + _SUB_DELIMS,
    "path": _PCHAR + "/",
    "query": _PCHAR + _IPRIVATE + "/?",
    "fragment": _PCHAR + "/?",
}
_VALID_PREFIX = {
    part: re.compile(f"(?:[{allowed}]|%[0-9A-Fa-f]{{2}})*") for part, allowed in _ALLOWED.items()
}

# RFC 3986 appendix B, with '//' required: an http(s) IRI has a host.
_PARTS = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<authority>[^/?#]*)"
    r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?",
    re.DOTALL,
)

_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = rf"{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}}"
_H16 = "[0-9A-Fa-f]{1,4}"
_LS32 = rf"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6 = "|".join(
    (
        rf"(?:{_H16}:){{6}}{_LS32}",
        rf"::(?:{_H16}:){{5}}{_LS32}",
        rf"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
        rf"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
        rf"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
        rf"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
        rf"(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}",
        rf"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
        rf"(?:(?:{_H16}:){{0,6}}{_H16})?::",
    )
)
_IPV_FUTURE = rf"[vV][0-9A-Fa-f]+\.[A-Za-z0-9._~\-{re.escape(_SUB_DELIMS)}:]+"
_IP_LITERAL = re.compile(rf"\[(?:{_IPV6}|{_IPV_FUTURE})\]")

# RFC 3987 section 4.1: "IRIs MUST NOT contain bidirectional formatting characters"; the
# isolates, which came later, do the same harm.
_BIDI_FORMATTING = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# RFC 3987 lets a few spaces from beyond ASCII (U+00A0, U+3000, ...) stand in an IRI, but
# readers (rdflib's N-Triples parser among them) end an IRI at any space.
_SPACE = re.compile(r"\s")
_DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?=/|$)", re.IGNORECASE)
_HIGHEST_PORT = 65_535
_DIGITS = re.compile("[0-9]+")


def http_iri_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) IRI that every writer takes; None if it is."""
    parts = _PARTS.fullmatch(value)
    if parts is None or parts["scheme"].lower() not in ("http", "https"):
        return "it must start with http:// or https:// and a host"
    bidi = _BIDI_FORMATTING.search(value)
    if bidi:
        return (
            f"character {bidi.start() + 1} is a bidirectional formatting character "
            f"(U+{ord(bidi.group()):04X}), which RFC 3987 forbids in IRIs"
        )
    space = _SPACE.search(value)
    if space:
        return (
            f"character {space.start() + 1} is a space (U+{ord(space.group()):04X}), where "
            f"readers take the IRI to end: write it {_percent_encoded(space.group())}"
        )
    return (
        _authority_problem(parts["authority"], parts.start("authority"))
        or _characters_problem(value, parts, "path")
        or _characters_problem(value, parts, "query")
        or _characters_problem(value, parts, "fragment")
        or _dot_segments_problem(parts["path"])
    )


def base_iri_problem(value: str) -> str | None:
    """As ``http_iri_problem``, for a base IRI: nor may it have a query or a fragment."""
    problem = http_iri_problem(value)
    if problem is None and ("?" in value or "#" in value):
        problem = "a base IRI has no query ('?') or fragment ('#')"
    return problem


def _authority_problem(authority: str, start: int) -> str | None:
    if "@" in authority:
        return (
            "it holds a user name or password (the part before '@'): leave it out, "
            "it would be published"
        )
    if authority.startswith("["):
        end = authority.find("]") + 1
        host, rest = (authority[:end], authority[end:]) if end else (authority, "")
        if not _IP_LITERAL.fullmatch(host):
            return f"its host {quote(host)} is not an IPv6 address in brackets"
        if rest and not rest.startswith(":"):
            return f"its host {quote(host)} is followed by {quote(rest)}, not by ':' and a port"
        port = rest[1:]
    else:
        host, _, port = authority.partition(":")
        if not host:
            return "its host is empty"
        problem = _text_problem(host, start, "host")
        if problem:
            return problem
    return _port_problem(port)


def _port_problem(port: str) -> str | None:
    if port and not _DIGITS.fullmatch(port):
        return f"its port {quote(port)} is not a number"
    if port and (len(port.lstrip("0")) > 5 or int(port) > _HIGHEST_PORT):
        return f"its port {quote(port)} is past the highest port, {_HIGHEST_PORT}"
    return None


def _characters_problem(value: str, parts: re.Match[str], part: str) -> str | None:
    text = parts[part]
    return None if text is None else _text_problem(text, parts.start(part), part)


def _text_problem(text: str, start: int, part: str) -> str | None:
    valid = _VALID_PREFIX[part].match(text).end()  # type: ignore[union-attr]
    if valid == len(text):
        return None
    position = start + valid + 1
    character = text[valid]
    if character == "%":
        return (
            f"character {position} starts {quote(text[valid : valid + 3])}, which is no "
            "percent-escape: '%' is followed by two hexadecimal digits (a '%' itself is "
            "written %25)"
        )
    where = f"character {position}, {quote(character)}, may not stand in its {part}"
    try:
        return where + f" (write {_percent_encoded(character)})"
    except UnicodeEncodeError:  # half of a surrogate pair: no way to write it
        return where


def _percent_encoded(character: str) -> str:
    return "".join(f"%{byte:02X}" for byte in character.encode())


def _dot_segments_problem(path: str) -> str | None:
    if _DOT_SEGMENT.search(path):
        # Clients remove dot segments when they resolve an IRI, so it would not stay the same.
        return (
            "its path has '.' or '..' segments, which clients remove: write the path they lead to"
        )
    return None
