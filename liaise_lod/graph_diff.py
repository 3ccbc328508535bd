"""What changed between two versions of a graph: per resource, the triples removed and added.

Either side is anything ``liaise_lod.sources`` reads: a dataset, a folder ``build`` or
``publish`` wrote, a Turtle, N-Triples or JSON-LD dump (gzipped or not), an rdflib ``Graph``.

A graph is compared as text: each triple written as canonical N-Triples by pyoxigraph, the
lines distinct and sorted by code point. That text also names the version: its SHA-256, as
``urn:liaise-lod:graph:sha256:HEX`` (for our own N-Triples dumps it is
``LC_ALL=C sort -u dataset.nt | sha256sum``). A resource is a subject.

Blank nodes are refused: a triple is named by its terms, and a blank node has no name that lasts
from one file to the next, so a patch could not say which one it removes. The graphs liaise-lod
makes have none.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import ConfigError

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

    from .model import Dataset

    Source = Dataset | Graph | str | os.PathLike

VERSION_PREFIX = "urn:liaise-lod:graph:sha256:"
Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class GraphText:
    """A graph as the sorted, distinct N-Triples statements of its triples (without the final
    `` .``), and the IRI of that version."""

    lines: list[str]

    def __len__(self) -> int:
        return len(self.lines)

    @cached_property
    def version(self) -> str:
        """``urn:liaise-lod:graph:sha256:`` and the SHA-256 of the canonical N-Triples."""
        digest = hashlib.sha256()
        for start in range(0, len(self.lines), 10_000):
            batch = self.lines[start : start + 10_000]
            digest.update("".join(f"{line} .\n" for line in batch).encode("utf-8"))
        return VERSION_PREFIX + digest.hexdigest()

    def has_subject(self, subject: str) -> bool:
        """Whether any triple has this subject (written as in N-Triples, ``<iri>``)."""
        prefix = subject + " "
        position = bisect_left(self.lines, prefix)
        return position < len(self.lines) and self.lines[position].startswith(prefix)


def graph_text(source: Source, base: str | None = None, name: str = "the graph") -> GraphText:
    """The graph of ``source`` as text; ``ConfigError`` if it holds blank nodes."""
    from .graph_store import source_triples

    triples, _ = source_triples(source, base)
    return text_of(triples, name)


def text_of(triples: Iterable[ox.Triple], name: str = "the graph") -> GraphText:
    import pyoxigraph as ox

    lines, blank = set(), 0
    for triple in triples:
        if type(triple.subject) is ox.BlankNode or type(triple.object) is ox.BlankNode:
            blank += 1
        else:
            lines.add(str(triple))
    if blank:
        raise ConfigError(
            f"{name} has {blank} triple{'s' if blank != 1 else ''} with blank nodes: they "
            "cannot be compared or patched, since a blank node has no name that lasts from one "
            "file to the next (the graphs liaise-lod makes have none; give the blank nodes IRIs)"
        )
    return GraphText(sorted(lines))


def sorted_dump_text(path: Path, version: str | None = None) -> GraphText | None:
    """The text of an N-Triples dump liaise-lod wrote (gzipped or not), read without parsing
    it: its lines are already canonical and sorted. Given ``version``, only if its SHA-256 is
    that version's (else the file may be older, edited or another program's). ``None`` where
    it cannot be read so, or holds blank nodes (parse it then, and say why)."""
    text = _dump_text(path, version)
    if text is None or (text and not text.endswith(" .\n")) or _has_blank_node(text):
        return None
    lines = text.split(" .\n")
    del text  # a large dump's text is as large as its lines: not both kept
    lines.pop()
    # A triple written twice (two terms that write alike) is one line of the graph's text.
    if any(line == following for line, following in pairwise(lines)):
        lines = list(dict.fromkeys(lines))
    return GraphText(lines)


class DumpText(GraphText):
    """An N-Triples dump liaise-lod wrote, as a ``GraphText`` whose version and size were read
    as a stream: its lines are read (as ``sorted_dump_text`` reads them) only when they are
    asked for, as a comparison does; a dump of millions of triples is gigabytes of lines."""

    def __init__(self, path: Path, version: str, count: int) -> None:
        self.path = path
        self.count = count
        self.__dict__["version"] = version  # the cached property's value, known already

    @cached_property
    def lines(self) -> list[str]:
        text = sorted_dump_text(self.path, self.version)
        if text is None:
            raise ConfigError(f"{self.path} changed while it was read: publish again")
        return text.lines

    def __len__(self) -> int:
        return self.count

    @classmethod
    def of(cls, path: Path) -> DumpText | None:
        """The dump at ``path`` (gzipped or not), read once, a line at a time; ``None`` where
        ``sorted_dump_text`` would give none (see there), or a line repeats the one before."""
        opener = gzip.open if path.suffix == ".gz" else open
        digest, count, previous = hashlib.sha256(), 0, b""
        try:
            with opener(path, "rb") as stream:
                for line in stream:
                    digest.update(line)
                    line.decode("utf-8")
                    if line == previous or not line.endswith(b" .\n"):
                        return None
                    if line.startswith(b"_:") or (
                        b" _:" in line and _has_blank_node(line.decode())
                    ):
                        return None
                    previous = line
                    count += 1
        except (OSError, EOFError, zlib.error, UnicodeDecodeError):
            return None
        return cls(path, VERSION_PREFIX + digest.hexdigest(), count)


def _dump_text(path: Path, version: str | None) -> str | None:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            data = stream.read()
        if version is not None and VERSION_PREFIX + hashlib.sha256(data).hexdigest() != version:
            return None
        return data.decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError):
        return None


def _has_blank_node(text: str) -> bool:
    """Whether a line of this N-Triples text has a blank node as its subject or object (a
    newline in a literal is written ``\\n``, so a line ends only at a statement's end)."""
    if text.startswith("_:") or "\n_:" in text:
        return True
    return " _:" in text and _BLANK_OBJECT.search(text) is not None


_BLANK_OBJECT = re.compile(r' _:[^\s"<>]+ \.\n')


def source_name(source: object, fallback: str) -> str:
    return str(source) if isinstance(source, str | os.PathLike) else fallback


# --------------------------------------------------------------------------- the difference


@dataclass(frozen=True)
class ResourceChange:
    """The triples of one subject that were removed and added."""

    iri: str
    change: Change
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GraphDiff:
    """The difference between two versions of a graph."""

    old_version: str
    new_version: str
    old_triples: int
    new_triples: int
    #: N-Triples statements (without the final `` .``), sorted.
    removed: list[str]
    added: list[str]
    resources: list[ResourceChange]

    @property
    def equal(self) -> bool:
        return not self.removed and not self.added

    def summary(self) -> str:
        counts = {kind: 0 for kind in ("added", "removed", "changed")}
        for resource in self.resources:
            counts[resource.change] += 1
        if self.equal:
            return f"no change ({_count(self.old_triples, 'triple')})"
        return (
            f"{_count(len(self.resources), 'resource')}: {counts['added']} added, "
            f"{counts['removed']} removed, {counts['changed']} changed; "
            f"{_count(len(self.removed), 'triple')} removed, {len(self.added)} added"
        )

    def patch(self) -> bytes:
        """The change as an RDF Patch (https://afs.github.io/rdf-patch/): a header whose ``id``
        names the version the patch makes (the new graph) and ``prev`` the version it applies
        to (the old one), then one transaction: per resource, its ``D`` lines, then its ``A``
        lines."""
        lines = [f"H id <{self.new_version}> .", f"H prev <{self.old_version}> .", "TX ."]
        for resource in self.resources:
            lines += [f"D {statement} ." for statement in resource.removed]
            lines += [f"A {statement} ." for statement in resource.added]
        lines.append("TC .")
        return ("\n".join(lines) + "\n").encode("utf-8")

    def to_dict(self) -> dict:
        return {
            "old": {"version": self.old_version, "triples": self.old_triples},
            "new": {"version": self.new_version, "triples": self.new_triples},
            "equal": self.equal,
            "removed": len(self.removed),
            "added": len(self.added),
            "resources": [
                {
                    "iri": resource.iri,
                    "change": resource.change,
                    "removed": [f"{statement} ." for statement in resource.removed],
                    "added": [f"{statement} ." for statement in resource.added],
                }
                for resource in self.resources
            ],
        }

    def to_json(self) -> bytes:
        return (json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    def table(self) -> str:
        """For people: a block per resource, ``-`` before a triple removed, ``+`` before one
        added, predicates and IRIs shortened with our prefixes; then a summary."""
        rows = [
            f"old  {self.old_version}  ({_count(self.old_triples, 'triple')})",
            f"new  {self.new_version}  ({_count(self.new_triples, 'triple')})",
        ]
        for resource in self.resources:
            rows.append(f"\n{resource.change:<8} <{resource.iri}>")
            rows += [f"  - {_short(statement)}" for statement in resource.removed]
            rows += [f"  + {_short(statement)}" for statement in resource.added]
        rows.append(f"\n{self.summary()}")
        return "\n".join(rows) + "\n"


def diff(old: Source, new: Source, *, base: str | None = None) -> GraphDiff:
    """Compare two versions of a graph: ``old`` and ``new`` are datasets, folders that
    ``build`` or ``publish`` wrote, dumps (``.nt``, ``.ttl``, ``.jsonld``, gzipped or not), or
    rdflib graphs. ``base`` overrides the base IRI of either side that is a dataset. Raises
    ``ConfigError`` for an unreadable side, or one holding blank nodes."""
    from .sources import is_dataset

    old_text = graph_text(old, base if is_dataset(old) else None, source_name(old, "the old graph"))
    new_text = graph_text(new, base if is_dataset(new) else None, source_name(new, "the new graph"))
    return compare(old_text, new_text)


def compare(old: GraphText, new: GraphText) -> GraphDiff:
    """The difference between two graphs given as text."""
    removed = sorted(set(old.lines).difference(new.lines))
    added = sorted(set(new.lines).difference(old.lines))
    resources = list(_by_resource(old, new, removed, added))
    return GraphDiff(old.version, new.version, len(old), len(new), removed, added, resources)


def _by_resource(
    old: GraphText, new: GraphText, removed: list[str], added: list[str]
) -> Iterator[ResourceChange]:
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for statement in removed:
        grouped.setdefault(subject_of(statement), ([], []))[0].append(statement)
    for statement in added:
        grouped.setdefault(subject_of(statement), ([], []))[1].append(statement)
    for subject in sorted(grouped, key=lambda subject: subject[1:-1]):  # by IRI
        gone, came = grouped[subject]
        change: Change = "changed"
        if not new.has_subject(subject):
            change = "removed"
        elif not old.has_subject(subject):
            change = "added"
        yield ResourceChange(subject[1:-1], change, gone, came)


def subject_of(statement: str) -> str:
    """The subject of an N-Triples statement without blank nodes: ``<iri>`` (an IRI holds no
    ``>``)."""
    return statement[: statement.index(">") + 1]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --------------------------------------------------------------------------- shortened terms


def _short(statement: str) -> str:
    """A statement without its subject, its IRIs (and a literal's datatype) shortened to
    ``prefix:name`` where one fits; a literal's text is left as it is."""
    rest = statement[len(subject_of(statement)) + 1 :]
    predicate, _, term = rest.partition(" ")
    if term.startswith("<"):
        term = _prefixed(term[1:-1])
    elif term.endswith(">"):
        text, _, datatype = term.rpartition('"^^<')
        term = f'{text}"^^{_prefixed(datatype[:-1])}'
    return f"{_prefixed(predicate[1:-1])} {term}"


def _prefixed(iri: str) -> str:
    from .namespaces import PREFIXES

    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
