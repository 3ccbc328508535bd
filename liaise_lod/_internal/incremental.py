"""A build into an output an earlier build wrote, redoing only what the edit reaches.

``plan`` compares the dataset with the output's manifest: the records whose hash changed (or
that came or went) name the subjects whose triples may differ (each record noted the subjects it
gave triples, then and now). Those subjects' lines in the old N-Triples dump, beside their
triples now, give the triples added and removed; the dumps are rewritten around them
(``splice``), and only the focus nodes those triples can reach (``reach``) are validated again.
Anything the manifest cannot account for gives ``None`` and says why: build from nothing.
"""

from __future__ import annotations

import gzip
import logging
import mmap
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..kinds import record_kinds
from ..model import Dataset
from ..namespaces import RDFS
from ..serialize import Piece, piece
from . import manifest as manifests
from . import splice
from .reach import reach_of
from .store import by_subject

log = logging.getLogger("liaise_lod")

#: The dumps, by format name: the file they are in, relative to the output.
Dumps = dict[str, Path]
#: Where the vocabularies' subjects are noted among the records' (no record has an empty id).
VOCABULARY = ""


def records_of(dataset: Dataset, subjects_of: dict[str, set[Node]]) -> dict[str, list[Any]]:
    """Each mapped record's kind, hash and subjects, as a manifest keeps them."""
    found: dict[str, list[Any]] = {}
    for kind in record_kinds():
        for record in kind.records_of(dataset):
            found[record.id] = [
                kind.name,
                manifests.record_hash(kind.name, record.model_dump_json()),
                subject_texts(subjects_of.get(record.id, ())),
            ]
    return found


def subject_texts(subjects: Iterable[Node]) -> list[str]:
    """Subjects as a manifest keeps them, sorted: IRIs as they are, blank nodes ``_:id``."""
    texts = [str(s) if type(s) is URIRef else _subject_text(s) for s in subjects]
    texts.sort()
    return texts


def _subject_text(subject: Node) -> str:
    return f"_:{subject}" if isinstance(subject, BNode) else str(subject)


@dataclass
class Plan:
    """What an incremental build redoes."""

    previous: manifests.Manifest
    old: Path
    #: per format, the subjects whose text changes: their new piece, or None (gone)
    edits: dict[str, splice.Edits] = field(default_factory=dict)
    #: the triples added or removed
    changed: list[tuple[Node, Node, Node]] = field(default_factory=list)
    changed_records: int = 0
    #: the earlier dumps as read, where the caller keeps them open (see ``plan``)
    dumps: dict[str, splice.SortedDump] | None = None

    def focus(self, graph: Graph, shapes: Graph) -> frozenset[Node] | None:
        """The focus nodes whose results can change; None: validate all of them."""
        reach = reach_of(shapes)
        if reach is None:
            log.info("validating everything: the shapes' paths have no bound")
            return None
        if any(predicate == RDFS.subClassOf for _, predicate, _ in self.changed):
            log.info("validating everything: a class hierarchy changed")
            return None
        if any(str(result[0]).startswith("_:") for result in self.previous.results):
            log.info("validating everything: a result is about a blank node")
            return None
        return frozenset(reach.affected(graph, self.changed))


def plan(
    out: Path,
    marker: str,
    graph: Graph,
    records: dict[str, list[Any]],
    vocabulary_subjects: list[str],
    fingerprint: dict[str, str],
    dumps: Dumps,
    base: str,
    keep: ExitStack | None = None,
) -> Plan | None:
    """How to bring the output ``out`` up to date; None (the reason logged) to build it anew.
    With ``keep``, the earlier dumps stay open until it closes, as the plan's ``dumps``."""
    reason, previous = _previous(out, marker, fingerprint)
    if previous is None:
        log.info("full build: %s", reason)
        return None
    changed_ids = _changed_records(previous.records, records)
    if changed_ids is None:
        log.info("full build: a record id now names a record of another kind")
        return None
    dirty = set(previous.vocabulary_subjects) ^ set(vocabulary_subjects)
    for record_id in changed_ids:
        for known in (previous.records, records):
            if record_id in known:
                dirty.update(known[record_id][2])
    if any(subject.startswith("_:") for subject in dirty):
        log.info("full build: blank nodes changed")
        return None
    found = Plan(previous, out, changed_records=len(changed_ids))
    try:
        with ExitStack() as here:
            old = (keep or here).enter_context(old_dumps(out, dumps, base))
            if old is None:
                log.info("full build: the earlier dumps are not as liaise-lod writes them")
                return None
            _compare(found, old, graph, sorted(dirty), base)
            if keep is not None:
                found.dumps = old
    except (OSError, ValueError, SyntaxError, EOFError, zlib.error) as error:
        log.info("full build: the earlier dumps cannot be read (%s)", error)
        return None
    return found


def _previous(
    out: Path, marker: str, fingerprint: dict[str, str]
) -> tuple[str, manifests.Manifest | None]:
    if not (out / marker).is_file():
        return "no earlier output", None
    previous, why = manifests.read(out)
    if previous is None:
        return why, None
    for part, digest in fingerprint.items():
        if previous.fingerprint.get(part) != digest:
            return f"the {part} changed since the last build", None
    return "", previous


def _changed_records(old: dict[str, list[Any]], new: dict[str, list[Any]]) -> set[str] | None:
    changed = set(old) ^ set(new)
    for record_id in set(old) & set(new):
        if old[record_id][0] != new[record_id][0]:
            return None
        if old[record_id][1] != new[record_id][1] or old[record_id][2] != new[record_id][2]:
            changed.add(record_id)
    return changed


@contextmanager
def old_dumps(out: Path, dumps: Dumps, base: str) -> Iterator[dict[str, splice.SortedDump] | None]:
    from ..serialize import _JSONLD_HEAD, _prefixes, _turtle_head

    with ExitStack() as stack:
        data = {name: stack.enter_context(_opened(out / path)) for name, path in dumps.items()}
        readers = {
            "ntriples": splice.ntriples(data["ntriples"]),
            "turtle": splice.turtle(data["turtle"], _turtle_head(base), _prefixes(base)),
            "jsonld": splice.jsonld(data["jsonld"], _JSONLD_HEAD),
        }
        if any(reader is None for reader in readers.values()) or set(readers) != set(dumps):
            yield None
            return
        yield {name: reader for name, reader in readers.items() if reader is not None}


@contextmanager
def _opened(path: Path) -> Iterator[bytes | mmap.mmap]:
    """A dump's bytes: mapped into memory, or ungzipped (``.gz``) into it."""
    if path.suffix != ".gz":
        with splice.mapped(path) as data:
            yield data
        return
    with path.open("rb") as stream:
        yield gzip.decompress(stream.read())


def _compare(
    found: Plan, old: dict[str, splice.SortedDump], graph: Graph, dirty: list[str], base: str
) -> None:
    """Fill ``found`` with the edits of the dumps and the triples that changed."""
    _, pairs_of = by_subject(graph)
    lines = old["ntriples"]
    added: list[bytes] = []
    removed: list[bytes] = []
    for subject in dirty:
        node = URIRef(subject)
        pairs = list(pairs_of(node))
        new: Piece | None = piece(node, pairs, base) if pairs else None
        key = new.ntriples_subject if new else str(ox.NamedNode(subject))
        before = lines.stretch(lines.first_unit(key), lines.first_unit(key, after=True))
        after = new.ntriples if new else b""
        if before == after:
            continue
        old_lines, new_lines = set(before.splitlines()), set(after.splitlines())
        removed.extend(old_lines - new_lines)
        added.extend(new_lines - old_lines)
        found.edits.setdefault("ntriples", {})[key] = new.ntriples if new else None
        found.edits.setdefault("turtle", {})[key] = new.turtle if new else None
        found.edits.setdefault("jsonld", {})[subject] = new.jsonld if new else None
    found.changed = _triples(added + removed)


def _triples(lines: list[bytes]) -> list[tuple[Node, Node, Node]]:
    """N-Triples lines as rdflib terms (literals as any non-IRI: they seed nothing)."""
    if not lines:
        return []
    parsed = ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_TRIPLES)
    return [
        (_node(triple.subject), URIRef(triple.predicate.value), _node(triple.object))
        for triple in parsed
    ]


def _node(term: Any) -> Node:
    from rdflib import Literal

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return Literal(str(term.value))
