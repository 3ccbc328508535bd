"""Two texts of sorted, distinct lines (each ending in a line feed) compared at the speed of
``memcmp``: the runs they share are skipped by comparing bytes, galloping, and only the lines
where they differ are read one by one. A graph of millions of triples, changed in one place,
is compared in about the time it takes to read it.

The old text must be sorted and distinct (the canonical N-Triples of a graph is); the new one
is checked as it goes, and ``None`` says it is not sorted (then compare its canonical form).
"""

from __future__ import annotations

import hashlib
from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass

_FIRST_STEP = 1 << 16  # bytes compared at once, doubling while they are equal


@dataclass(frozen=True)
class LineDiff:
    """The lines only the old text has (each with its offset in it), and those only the new
    text has, in order."""

    removed: list[tuple[int, bytes]]
    added: list[bytes]


def common_length(old: bytes, i: int, new: bytes, j: int) -> int:
    """The length of the longest common prefix of ``old[i:]`` and ``new[j:]``."""
    limit = min(len(old) - i, len(new) - j)
    done, step = 0, _FIRST_STEP
    view = memoryview(new)  # startswith compares a view without copying it: one memcmp

    def same(start: int, end: int) -> bool:
        return old.startswith(view[j + start : j + end], i + start)

    while done < limit:
        size = min(step, limit - done)
        if not same(done, done + size):
            low, high = done, done + size  # old[i:i+low] == new[j:j+low]; not so for high
            while high - low > 1:
                middle = (low + high) // 2
                if same(low, middle):
                    low = middle
                else:
                    high = middle
            return low
        done += size
        step *= 2
    return limit


def _line_at(text: bytes, start: int) -> bytes:
    end = text.find(b"\n", start)
    return text[start : len(text) if end < 0 else end + 1]


def sorted_diff(old: bytes, new: bytes) -> LineDiff | None:
    """The lines removed and added from ``old`` to ``new``; ``None`` when ``new`` is not
    sorted and distinct. Both end in a line feed (or are empty)."""
    removed: list[tuple[int, bytes]] = []
    added: list[bytes] = []
    i = j = 0
    previous = b""  # the last line of the new text taken, to check its order
    while i < len(old) or j < len(new):
        shared = common_length(old, i, new, j)
        cut = old.rfind(b"\n", i, i + shared)
        if cut >= 0:  # whole lines in common: skip them, checking the order where they start
            if previous and _line_at(new, j) <= previous:
                return None
            before = old.rfind(b"\n", i, cut)
            previous = old[i if before < 0 else before + 1 : cut + 1]
            j += cut + 1 - i
            i = cut + 1
            continue
        line_old = _line_at(old, i) if i < len(old) else None
        line_new = _line_at(new, j) if j < len(new) else None
        if line_new is not None and (line_old is None or line_new < line_old):
            if (previous and line_new <= previous) or not line_new.endswith(b"\n"):
                return None
            added.append(line_new)
            previous = line_new
            j += len(line_new)
        else:
            assert line_old is not None
            removed.append((i, line_old))
            i += len(line_old)
    return LineDiff(removed, added)


def find_line(text: bytes, line: bytes) -> tuple[bool, int]:
    """Whether the sorted ``text`` holds ``line``, and the offset of the first line not
    below it (where it would go)."""
    low, high = 0, len(text)  # both at the start of a line
    while low < high:
        middle = (low + high) // 2
        before = text.rfind(b"\n", low, middle)
        start = low if before < 0 else before + 1
        current = _line_at(text, start)
        if current < line:
            low = start + len(current)
        elif current > line:
            high = start
        else:
            return True, start
    return False, low


def patched_sha256(old: bytes, removed: Iterable[tuple[int, bytes]], added: list[bytes]) -> str:
    """The SHA-256 of the sorted text ``old`` with the ``removed`` lines (at their offsets)
    taken out and the ``added`` lines (none of them in ``old``) put in their places, without
    making that text."""
    events: dict[int, list[bytes]] = {}
    for line in added:
        insort(events.setdefault(find_line(old, line)[1], []), line)
    skipped = {offset: len(line) for offset, line in removed}
    digest = hashlib.sha256()
    position = 0
    for offset in sorted(events.keys() | skipped.keys()):
        digest.update(memoryview(old)[position:offset])
        for line in events.get(offset, ()):
            digest.update(line)
        position = offset + skipped.get(offset, 0)
    digest.update(memoryview(old)[position:])
    return digest.hexdigest()
