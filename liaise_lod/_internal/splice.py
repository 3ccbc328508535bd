"""A dump rewritten for a few changed subjects: the unchanged stretches of the previous file are
copied as they are, the changed subjects' pieces (``serialize.piece``) put in their places.

Every dump ``serialize`` writes is sorted by subject, a subject's triples together: N-Triples
and Turtle by the subject's N-Triples form, JSON-LD by its ``@id``. So a subject's stretch of an
old file is found by binary search, and the result is the bytes a full write gives (the tests
compare them with a clean build). A file that does not look as ``serialize`` writes it gives
``None``: the caller writes the whole dump instead.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: What takes a subject's place: its new piece in that format, or nothing (it is gone).
Edits = dict[str, bytes | None]


@dataclass
class SortedDump:
    """An old dump's bytes, read as units (one subject each) between ``start`` and ``end``,
    ``separator`` between units, in the order of ``key_at``."""

    data: bytes | mmap.mmap
    head: bytes
    tail: bytes
    separator: bytes
    #: the first unit boundary at or after an offset (``end`` if none)
    boundary_after: Callable[[int], int]
    #: the key of the unit starting at a boundary
    key_at: Callable[[int], str]

    @property
    def start(self) -> int:
        return len(self.head)

    @property
    def end(self) -> int:
        return len(self.data) - len(self.tail)

    def first_unit(self, key: str, *, after: bool = False) -> int:
        """The first boundary whose unit's key is at least ``key`` (above it, ``after``)."""
        low, high = self.start, self.end
        while low < high:
            middle = (low + high) // 2
            boundary = self.boundary_after(middle)
            if boundary < self.end and (
                self.key_at(boundary) <= key if after else self.key_at(boundary) < key
            ):
                low = boundary + 1
            else:
                high = middle
        return self.boundary_after(low)

    def stretch(self, start: int, stop: int) -> bytes:
        """The units from boundary ``start`` to boundary ``stop``, without a trailing separator."""
        if stop < self.end:
            stop -= len(self.separator)
        return self.data[start:stop]

    def spliced(self, edits: Edits) -> Iterator[bytes]:
        """The new document's bytes, in pieces."""
        yield self.head
        written = False
        for chunk in self._chunks(edits):
            yield self.separator + chunk if written else chunk
            written = True
        if not written:
            raise _Empty
        yield self.tail

    def _chunks(self, edits: Edits) -> Iterator[bytes]:
        """Stretches of old units and new pieces, in order, the separators between them left out."""
        cursor = self.start
        for key in sorted(edits):
            low = self.first_unit(key)
            if low > cursor:
                yield self.stretch(cursor, low)
            new = edits[key]
            if new:
                yield new
            cursor = max(cursor, self.first_unit(key, after=True))
        if cursor < self.end:
            yield self.stretch(cursor, self.end)


class _Empty(Exception):
    """The new document has no unit: its form differs (the caller writes it whole)."""


def ntriples(data: bytes | mmap.mmap) -> SortedDump:
    def boundary_after(offset: int) -> int:
        if offset <= 0:
            return 0
        found = data.find(b"\n", offset - 1)
        return len(data) if found < 0 else found + 1

    def key_at(boundary: int) -> str:
        return bytes(data[boundary : data.find(b" ", boundary)]).decode()

    return SortedDump(data, b"", b"", b"", boundary_after, key_at)


def turtle(data: bytes | mmap.mmap, head: bytes, prefixes: dict[str, str]) -> SortedDump | None:
    """A Turtle dump written with ``head`` (its ``@prefix`` lines) and these prefixes; a block
    starts each line that does not start with a tab."""
    if data[: len(head)] != head or len(data) == len(head):
        return None
    end = len(data)

    def boundary_after(offset: int) -> int:
        if offset <= len(head):
            return len(head)
        found = data.find(b"\n", offset - 1)
        while 0 <= found < end - 1 and data[found + 1 : found + 2] in (b"\t", b" "):
            found = data.find(b"\n", found + 1)
        return end if found < 0 or found >= end - 1 else found + 1

    def key_at(boundary: int) -> str:
        token = bytes(data[boundary : data.find(b" ", boundary)]).decode()
        return _ntriples_subject(token, prefixes)

    return SortedDump(data, head, b"", b"", boundary_after, key_at)


def _ntriples_subject(token: str, prefixes: dict[str, str]) -> str:
    """A Turtle subject (``<iri>``, ``_:b``, ``prefix:local``) as N-Triples writes it."""
    if token.startswith(("<", "_:")):
        return token
    prefix, colon, local = token.partition(":")
    if not colon or prefix not in prefixes:
        raise ValueError(f"not a subject written by liaise-lod: {token!r}")
    unescaped = "".join(
        character for index, character in enumerate(local) if not _escape_at(local, index)
    )
    return f"<{prefixes[prefix]}{unescaped}>"


def _escape_at(local: str, index: int) -> bool:
    """Whether the backslash at ``index`` escapes the next character (``\\#``)."""
    if local[index] != "\\":
        return False
    backslashes = len(local[:index]) - len(local[:index].rstrip("\\"))
    return backslashes % 2 == 0


_JSONLD_TAIL = b"\n ]\n}\n"
_NODE_START = b"\n  {\n"
_ID_KEY = b'   "@id": '


def jsonld(data: bytes | mmap.mmap, head: bytes) -> SortedDump | None:
    """A JSON-LD dump whose ``@graph`` array starts after ``head``, a node a unit."""
    head += b"\n"
    if data[: len(head)] != head or data[-len(_JSONLD_TAIL) :] != _JSONLD_TAIL:
        return None
    end = len(data) - len(_JSONLD_TAIL)
    decoder = json.JSONDecoder()

    def boundary_after(offset: int) -> int:
        if offset <= len(head):
            return len(head)
        found = data.find(_NODE_START, offset - 1, end)
        return end if found < 0 else found + 1

    def key_at(boundary: int) -> str:
        line = boundary + len(_NODE_START) - 1
        if data[line : line + len(_ID_KEY)] != _ID_KEY:
            raise ValueError("a JSON-LD node that does not start with its @id")
        text = bytes(data[line + len(_ID_KEY) : data.find(b"\n", line)]).decode()
        key, _ = decoder.raw_decode(text)
        return str(key)

    return SortedDump(data, head, _JSONLD_TAIL, b",\n", boundary_after, key_at)


@contextmanager
def mapped(path: Path) -> Iterator[bytes | mmap.mmap]:
    """A file's bytes, mapped into memory (read only)."""
    with path.open("rb") as stream:
        if path.stat().st_size == 0:
            yield b""
            return
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data


def write_spliced(dump: SortedDump, edits: Edits, output: BinaryIO) -> bool:
    """Write the spliced document; False (having written part of it) where it would be empty."""
    try:
        for chunk in dump.spliced(edits):
            output.write(chunk)
    except _Empty:
        return False
    return True
