"""Input values as messages show them: quoted, escaped, and never longer than a line.

A message about a bad value quotes it so that the reader finds it in the file, but the value
comes from the input: a megabyte of text, a number of thousands of digits, an escape sequence
that repaints the terminal. Every message quotes through here.
"""

from __future__ import annotations

from decimal import Decimal

#: Characters of a value a message shows; the rest is counted, not shown.
QUOTED_LENGTH = 80
#: Longest message, record id or field name a problem may carry (a safety net: values are
#: quoted short where the message is made).
MESSAGE_LENGTH = 1_000
NAME_LENGTH = 120

#: Python refuses to write an int of more digits than this as text (sys.int_info).
_LONGEST_WRITABLE_INT = 4_000


def quote(value: object, length: int = QUOTED_LENGTH) -> str:
    """``value`` quoted for a message: ``'text'``, with control and invisible characters
    escaped and at most ``length`` characters of it shown."""
    if isinstance(value, str):
        return _quote_text(value, length)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return _quote_int(value, length)
    if isinstance(value, float | Decimal):
        return _shortened(str(value), length)
    return f"a {type(value).__name__}"


def _quote_text(text: str, length: int) -> str:
    shown = repr(text[:length])
    if len(text) <= length:
        return shown
    return f"{shown}… ({len(text):,} characters)"


def _quote_int(number: int, length: int) -> str:
    # bit_length first: writing a huge int as text is slow, and refused past 4,300 digits.
    if number.bit_length() > _LONGEST_WRITABLE_INT * 3.33:
        return f"a whole number of about {int(number.bit_length() * 0.30103):,} digits"
    return _shortened(str(number), length)


def _shortened(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    return f"{text[:length]}… ({len(text):,} characters)"


def printable(text: str, length: int = MESSAGE_LENGTH) -> str:
    """``text`` on one line, control and invisible characters escaped, cut after ``length``
    characters."""
    head = text[:length]
    if not head.isprintable():
        head = "".join(c if c.isprintable() else repr(c)[1:-1] for c in head)
    return head if len(text) <= length else f"{head}… (cut)"
