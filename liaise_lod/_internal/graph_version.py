"""The version of a graph held by a store, as ``push`` records it, and the texts compared to
change it.

Every push writes, beside the graph ``G`` it replaced, a companion graph
``urn:liaise-lod:version-of:`` + ``G`` percent-encoded that holds one triple,
``<G> dcterms:hasVersion <urn:liaise-lod:graph:sha256:HEX>``: the version of the graph pushed,
named as ``diff`` names it (the SHA-256 of its canonical N-Triples, sorted). The marker is
dropped before a graph is replaced and written once the store holds the new graph, so a marker
present says which version the last push left. ``push --changes OLD`` reads that one triple
instead of the whole graph. Then it claims the graph: one SPARQL Update operation moves the
marker from OLD to a pending IRI of its own, only where it names OLD
(``DELETE { ... } INSERT { ... } WHERE { ... }``), and the marker is read back: a store whose
marker said something else changed nothing. Only then go the changes (``DELETE DATA`` and
``INSERT DATA``), then the marker moves from pending to the new version. A push that fails
halfway leaves the marker pending: no later push of the changes trusts it.

A version is checked without parsing the file when an N-Triples dump is the canonical text of
the version the marker names: then its bytes hash to the marker, and they are sorted, distinct
and canonical (SHA-256 does not collide). Lines compared from such a text are triples compared.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..errors import ConfigError
from .safe_text import neutralise
from .sorted_lines import LineDiff, find_line, patched_sha256, sorted_diff

if TYPE_CHECKING:
    from ..graph_diff import GraphText

HAS_VERSION = "http://purl.org/dc/terms/hasVersion"
MARKER_PREFIX = "urn:liaise-lod:version-of:"
PENDING_PREFIX = "urn:liaise-lod:pending:"


def marker_graph(graph: str) -> str:
    """The companion graph holding the version of ``graph``."""
    return MARKER_PREFIX + quote(graph, safe="")


def marker_statement(graph: str, version: str) -> str:
    return f"<{graph}> <{HAS_VERSION}> <{version}>"


def version_in(statements: set[str], graph: str) -> str | None:
    """The IRI the marker statements name for ``graph`` (a version, or a push pending);
    ``None`` unless exactly one."""
    head = f"<{graph}> <{HAS_VERSION}> <"
    found = [s[len(head) : -1] for s in statements if s.startswith(head) and s.endswith(">")]
    return found[0] if len(found) == 1 else None


def marker_update(graph: str, old: str, new: str) -> str:
    """One SPARQL Update operation: the marker of ``graph`` moved from ``old`` to ``new``, only
    where it names ``old``."""
    marker = marker_graph(graph)
    before = f"GRAPH <{marker}> {{ {marker_statement(graph, old)} }}"
    after = f"GRAPH <{marker}> {{ {marker_statement(graph, new)} }}"
    return f"DELETE {{ {before} }}\nINSERT {{ {after} }}\nWHERE {{ {before} }}\n"


def data_update(graph: str, removed: list[str], added: list[str]) -> str:
    """One SPARQL Update request: ``DELETE DATA`` then ``INSERT DATA`` in ``graph``, the
    triples given as N-Triples statements without blank nodes (valid SPARQL as they are).

    Not a ``DELETE { ... } INSERT { ... } WHERE`` guarded by the marker: Virtuoso 7.2 does
    not delete a language-tagged literal holding a non-ASCII character through a template
    (``DELETE DATA`` it does), so the guard is a claim on the marker made before."""
    operations = []
    for verb, statements in (("DELETE", removed), ("INSERT", added)):
        if statements:
            body = "\n".join(f"{statement} ." for statement in statements)
            operations.append(f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
    return " ;\n".join(operations) + "\n"


def pending() -> str:
    """A marker naming a push of the changes under way (and its own, by a random part)."""
    return f"{PENDING_PREFIX}{uuid.uuid4()}"


# --------------------------------------------------------------------------- texts


def sha256_version(text: bytes) -> str:
    from ..graph_diff import VERSION_PREFIX

    return VERSION_PREFIX + hashlib.sha256(text).hexdigest()


def canonical_bytes(text: GraphText) -> bytes:
    return "".join(f"{line} .\n" for line in text.lines).encode("utf-8")


def ntriples_bytes(source: object) -> bytes | None:
    """The bytes of a source that is an N-Triples dump (or a folder ``build`` wrote around
    one), ungzipped, ending in a line feed; ``None`` for any other source."""
    from ..sources import DUMP_SUFFIXES, is_dataset, opened_dump, output_dump

    if not isinstance(source, str | os.PathLike) or is_dataset(source):
        return None
    path = Path(source)
    dump = path if path.name.endswith(DUMP_SUFFIXES) and path.is_file() else output_dump(path)
    if dump is None or not dump.name.removesuffix(".gz").endswith(".nt"):
        return None
    with opened_dump(dump) as (stream, _):
        text = stream.read()
    return text if not text or text.endswith(b"\n") else text + b"\n"


@dataclass(frozen=True)
class Change:
    """What a push of the changes sends: canonical statements (without the final `` .``),
    and the version and size of the graph it makes."""

    removed: list[str]
    added: list[str]
    new_version: str
    new_triples: int


def change(old: bytes, new: bytes, new_name: str, new_is_canonical: bool) -> Change | None:
    """From ``old`` (a canonical text) to ``new`` (N-Triples); ``None`` when ``new`` is not
    sorted and distinct (then give its canonical text)."""
    lines = sorted_diff(old, new)
    if lines is None:
        return None
    return _canonical_change(old, lines, new_name, new_is_canonical)


def _canonical_change(old: bytes, lines: LineDiff, name: str, canonical: bool) -> Change:
    added = {line.decode("utf-8") for line in lines.added} if canonical else None
    if added is None:  # spelled as the file spells them: read as pyoxigraph writes them
        added = {f"{statement} .\n" for statement in _statements(b"".join(lines.added), name)}
    removed = [(offset, line) for offset, line in lines.removed if line.decode() not in added]
    gone = {line for _, line in lines.removed}
    inserted = sorted(
        line.encode()
        for line in added
        if line.encode() not in gone and not find_line(old, line.encode())[0]
    )
    from ..graph_diff import VERSION_PREFIX

    version = VERSION_PREFIX + patched_sha256(old, removed, inserted)
    return Change(
        [line.decode()[:-3] for _, line in removed],
        [line.decode()[:-3] for line in inserted],
        version,
        old.count(b"\n") - len(removed) + len(inserted),
    )


def _statements(text: bytes, name: str) -> set[str]:
    import pyoxigraph as ox

    try:
        triples = [quad.triple for quad in ox.parse(text, ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as error:
        raise ConfigError(
            f"{name}: a line that differs from the old version is not valid N-Triples: "
            f"{neutralise(str(error), 300)}"
        ) from None
    from ..graph_diff import text_of

    return set(text_of(triples, name).lines)
