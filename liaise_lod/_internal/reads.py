"""What a page read of the site index while it was written: the documents whose triples (or
kind, or labels) it looked at, and those whose incoming links it looked at. A later publish
rewrites a page only if one of those changed: the page is made from what it read alone, so
if none of it changed, neither do its bytes (nor what it reads).

The index's tables note every lookup; values the describer remembers between pages (a
resource's name, a link to it) keep what they were made from, and pass it on to every page
that uses them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

Value = TypeVar("Value")


@dataclass
class Reads:
    """Documents read: their triples (``content``) or the documents linking to them
    (``incoming``)."""

    content: set[str] = field(default_factory=set)
    incoming: set[str] = field(default_factory=set)

    def update(self, other: Reads) -> None:
        self.content.update(other.content)
        self.incoming.update(other.incoming)


class ReadLog:
    """Where the index's tables note lookups: into the reads of what is being made now, if
    anything is."""

    def __init__(self) -> None:
        self.current: Reads | None = None

    def content(self, document: Any) -> None:
        if self.current is not None:
            self.current.content.add(str(document))

    def incoming(self, document: Any) -> None:
        if self.current is not None:
            self.current.incoming.add(str(document))

    @contextmanager
    def recording(self) -> Iterator[Reads]:
        """Note the lookups inside the block into fresh reads (passed on to the reads around
        it, if any)."""
        outer, reads = self.current, Reads()
        self.current = reads
        try:
            yield reads
        finally:
            self.current = outer
            if outer is not None:
                outer.update(reads)

    def remembered(
        self,
        cache: dict[Any, tuple[Value, Reads]],
        key: Hashable,
        make: Callable[[], Value],
    ) -> Value:
        """``cache[key]``'s value, made by ``make()`` the first time; what it was made from
        is noted each time it is used."""
        known = cache.get(key)
        if known is None:
            with self.recording() as reads:
                value = make()
            cache[key] = (value, reads)
            return value
        if self.current is not None:
            self.current.update(known[1])
        return known[0]


class Watched(dict):
    """A table whose lookups are noted (``note(key)``); iterating it notes nothing."""

    __slots__ = ("_note",)

    def __init__(self, data: dict[Any, Any], note: Callable[[Any], None]):
        super().__init__(data)
        self._note = note

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return dict.__contains__(self, key)
