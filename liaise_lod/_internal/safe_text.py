"""Text from the other side (a store's error page, a header, a URL someone typed) made safe to
print on a terminal: one line, no control characters, bounded in length.

A store's message is quoted in our errors; printed raw, an escape sequence in it would reach the
terminal (recolour it, move the cursor, rewrite what was printed before, set the window title).
"""

from __future__ import annotations

import re
import unicodedata

#: Characters shown escaped: controls (C0, C1, DEL), format characters such as the bidi overrides
#: that reorder what is shown, surrogates, private-use and unassigned points, line separators.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def neutralise(text: str, limit: int | None = None) -> str:
    """``text`` with every control or invisible character written as a visible escape (``\\x1b``),
    cut to ``limit`` characters (an ellipsis marks the cut)."""
    shown = "".join(_visible(character) for character in text[: (limit or len(text)) + 1])
    return truncate(shown, limit)


def _visible(character: str) -> str:
    if character == " " or unicodedata.category(character) not in _HIDDEN_CATEGORIES:
        return character
    return ascii(character)[1:-1]


def truncate(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def one_line(html_or_text: str, limit: int) -> str:
    """A store's error page as one readable line: tags, scripts and styles dropped, whitespace
    collapsed, controls escaped, at most ``limit`` characters."""
    text = _TAG.sub(" ", _without_scripts(html_or_text))
    return neutralise(" ".join(text.split()), limit)


# Neither pattern can run past the next "<": linear time whatever the page (Python's HTMLParser,
# and the patterns this replaces, took minutes over 64 KB of "<a " or "<script").
_TAG = re.compile(r"<[^<>]*>")
_SCRIPT_EDGE = re.compile(r"<(/?)(script|style)\b[^<>]*>", re.IGNORECASE)


def _without_scripts(text: str) -> str:
    kept: list[str] = []
    position, inside = 0, ""
    for edge in _SCRIPT_EDGE.finditer(text):
        closing, name = edge.group(1), edge.group(2).lower()
        if not inside and not closing:
            kept.append(text[position : edge.start()])
            inside = name
        elif inside == name and closing:
            position, inside = edge.end(), ""
    if not inside:
        kept.append(text[position:])
    return " ".join(kept)
