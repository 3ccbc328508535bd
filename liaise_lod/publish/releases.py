"""Every publish is a release: a version of the dataset, with its date and what changed since
the release before (the site being replaced, or ``--previous``).

The history of releases lives in the site itself, in ``changes.json`` (the latest
``RELEASES_KEPT`` releases, newest first), which the next publish reads back; the changes are
worked out by ``graph_diff`` between the previous site's N-Triples dump and the new graph, per
resource (a subject and its ``#parts``). Nothing comes from the clock: a release's date is
its ``issued`` day (settings or ``--issued``), else the dataset's ``modified`` day, else none.

Republishing the same data under the same version (or none) is the same release again: the
history is kept as it was, so that the site comes out the same, byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import warnings
import zlib
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ConfigError, LiaiseWarning
from ..graph_diff import (
    VERSION_PREFIX,
    Change,
    DumpText,
    GraphDiff,
    GraphText,
    compare,
    graph_text,
    sorted_dump_text,
)
from ..model import Day, Version
from .index import LABELS

#: The file of a site that holds its release history.
HISTORY_FILE = "changes.json"
FORMAT: Literal["liaise-lod releases 1"] = "liaise-lod releases 1"
#: Releases the history (and so the changes page and feed) keeps, newest first.
RELEASES_KEPT = 20
#: Resources listed per release (all are counted): a large edit would otherwise make pages
#: and a history of megabytes; ``liaise-lod diff`` lists every change.
LISTED = 200
#: A history file larger than this is not one publish wrote.
MAX_HISTORY_BYTES = 16 * 1024 * 1024
#: The previous site's dump compared with the new graph (N-Triples parses fastest).
PREVIOUS_DUMP = "dataset.nt.gz"
#: A label is cut to this many characters.
LABEL_LENGTH = 300

Text = Annotated[str, Field(max_length=LABEL_LENGTH)]
#: What neither XML 1.0 nor HTML can hold as text, even escaped: C0 and C1 controls (but tab,
#: line feed and carriage return), surrogates and non-characters.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Listed(_Model):
    """A resource a release added, removed or changed, with its names by language."""

    iri: Annotated[str, Field(max_length=4096)]
    change: Change
    labels: Annotated[dict[Annotated[str, Field(max_length=35)], Text], Field(max_length=50)]

    @field_validator("labels")
    @classmethod
    def _shown_as_text(cls, labels: dict[str, str]) -> dict[str, str]:
        """Names with what neither HTML nor XML can hold (a control character, from an old
        dump or an edited history) replaced by U+FFFD."""
        return {tag: NOT_TEXT.sub("\ufffd", text) for tag, text in labels.items()}


class Release(_Model):
    """One release: its version, dates, graph and what changed since the one before."""

    version: Version
    issued: Day | None = None
    #: The dataset's ``modified`` day when it was published: the release's date if it has
    #: no ``issued``.
    modified: Day | None = None
    #: The graph's name (``graph_diff.GraphText.version``) and size.
    graph: Annotated[str, Field(max_length=200)]
    triples: Annotated[int, Field(ge=0)]
    resources: Annotated[int, Field(ge=0)]
    #: The version of the release before; ``None`` for the first.
    previous: Version | None = None
    #: Whether it was compared with a release before (the first one was not).
    compared: bool = False
    added: Annotated[int, Field(ge=0)] = 0
    removed: Annotated[int, Field(ge=0)] = 0
    changed: Annotated[int, Field(ge=0)] = 0
    listed: Annotated[list[Listed], Field(max_length=LISTED)] = []

    @property
    def date(self) -> str | None:
        """The day the release is dated: issued, else the dataset's last modification."""
        return self.issued or self.modified

    @property
    def unlisted(self) -> int:
        return self.added + self.removed + self.changed - len(self.listed)


class History(_Model):
    """What ``changes.json`` holds."""

    format: Literal["liaise-lod releases 1"] = FORMAT
    base: Annotated[str, Field(max_length=4096)]
    #: The first release's day, kept once it has left the list.
    issued: Day | None = None
    releases: Annotated[list[Release], Field(min_length=1, max_length=RELEASES_KEPT)]

    @property
    def latest(self) -> Release:
        return self.releases[0]

    def to_json(self) -> bytes:
        data = self.model_dump(mode="json", exclude_defaults=False)
        return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class Previous:
    """The site a publish replaces: its history (``None`` for a site without one) and dump."""

    folder: Path
    history: History | None
    dump: Path | None


def read_previous(folder: Path, base: str) -> Previous | None:
    """The previous release in ``folder`` (a site ``publish`` wrote), or ``None`` if it holds
    none: no such folder, or one without a dump. A history of another base IRI starts a new
    series (its IRIs are not this dataset's); a malformed one is a ``ConfigError``."""
    if not folder.is_dir():
        return None
    dump: Path | None = _within(folder, PREVIOUS_DUMP)
    dump = dump if dump and dump.is_file() else None
    history = _read_history(_within(folder, HISTORY_FILE))
    if history is not None and history.base != base:
        warnings.warn(
            f"the site in {folder} was published for {history.base}, not {base}: this "
            "release starts a new series (its IRIs are not the earlier releases')",
            LiaiseWarning,
            stacklevel=3,
        )
        return None
    if dump is None and history is None:
        return None
    if dump is None:
        raise ConfigError(
            f"{folder} has a release history ({HISTORY_FILE}) but no {PREVIOUS_DUMP} to "
            "compare the new release with: restore it, or remove the folder to start anew"
        )
    return Previous(folder, history, dump)


def _within(folder: Path, name: str) -> Path:
    """``folder / name``, refused if a link leads it out of the folder: nothing outside the
    site is read."""
    path = folder / name
    if path.exists() and not path.resolve().is_relative_to(folder.resolve()):
        raise ConfigError(f"{path} leads outside {folder}: the previous site is not read")
    return path


def _read_history(path: Path) -> History | None:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as file:
            data = file.read(MAX_HISTORY_BYTES + 1)
        if len(data) > MAX_HISTORY_BYTES:
            raise ValueError(f"larger than {MAX_HISTORY_BYTES} bytes")
        return History.model_validate(json.loads(data.decode("utf-8")))
    except (OSError, ValueError, ValidationError) as error:  # JSON and UTF-8 errors too
        reason = str(error).splitlines()[0][:300]
        raise ConfigError(
            f"{path} is not a release history that liaise-lod wrote ({reason}): remove it to "
            "start a new series of releases"
        ) from None


@dataclass(frozen=True)
class NewRelease:
    """What the publish states of the release it makes."""

    base: str
    version: str | None
    issued: str | None
    modified: str | None
    resources: int


def next_history(previous: Previous | None, new: GraphText, release: NewRelease) -> History:
    """The history once this release is made: the previous one's with this release first (or
    in place of the latest, if it is that release again)."""
    history = previous.history if previous else None
    if history is not None:
        again = _same_release(history, new, release)
        if again is not None:
            return again
        _check_new_version(history, release.version)
    version = release.version or _next_version(history)
    base = Release(
        version=version,
        issued=release.issued,
        modified=release.modified,
        graph=new.version,
        triples=len(new),
        resources=release.resources,
        previous=history.latest.version if history else None,
    )
    if previous is not None and previous.dump is not None:
        streamed = _streamed_changes(previous.dump, history, new)
        if streamed is not None:
            base = base.model_copy(update=streamed)
        else:
            old = _previous_text(previous.dump, history.latest.graph if history else None)
            base = _with_changes(base, compare(old, new), old, new)
    kept = [base, *(history.releases if history else [])][:RELEASES_KEPT]
    first_issued = history.issued if history else release.issued
    return History(base=release.base, issued=first_issued, releases=kept)


def _previous_text(dump: Path, version: str | None) -> GraphText:
    """The previous release's graph: its dump read as it is if it is still the text of the
    version its history names, else parsed."""
    try:
        text = sorted_dump_text(dump, version) if version is not None else None
        return text if text is not None else graph_text(dump, name=str(dump))
    except ConfigError as error:
        raise ConfigError(
            f"{error} (the previous release's dump, which this release is compared with: "
            "restore it, name another earlier site with --previous, or remove the folder to "
            "start a new series)"
        ) from None


def _same_release(history: History, new: GraphText, release: NewRelease) -> History | None:
    """The history again if this is its latest release once more (same graph, same or no
    version), with the dates this publish states."""
    latest = history.latest
    if latest.graph != new.version or release.version not in (None, latest.version):
        return None
    dated = latest.model_copy(update={"issued": release.issued, "modified": release.modified})
    issued = history.issued if len(history.releases) > 1 else release.issued
    return history.model_copy(update={"releases": [dated, *history.releases[1:]], "issued": issued})


def _check_new_version(history: History, version: str | None) -> None:
    if version is None:
        return
    if version == history.latest.version:
        raise ConfigError(
            f"the data differ from those of release {version}, the site's latest: give this "
            "release a version of its own ('version' in the settings, or --release)"
        )
    if any(release.version == version for release in history.releases):
        raise ConfigError(
            f"release {version} was published before: give this release a version of its own "
            "('version' in the settings, or --release)"
        )


def _next_version(history: History | None) -> str:
    if history is None:
        return "1"
    latest = history.latest.version
    if latest.isdigit():
        return str(int(latest) + 1)
    raise ConfigError(
        f"the latest release is version {latest}, which is not a whole number, so the next one "
        "cannot be counted on from it: give it a version ('version' in the settings, or "
        "--release)"
    )


def _with_changes(release: Release, diff: GraphDiff, old: GraphText, new: GraphText) -> Release:
    """The release with the resources that changed: each subject's document (``#parts``
    belong to theirs), added if the old graph did not have it, removed if the new one has it
    no more, else changed."""
    documents = sorted({resource.iri.partition("#")[0] for resource in diff.resources})
    listed: list[Listed] = []
    counts = {"added": 0, "removed": 0, "changed": 0}
    for document in documents:
        subject = f"<{document}>"
        change: Change = "changed"
        if not old.has_subject(subject):
            change = "added"
        elif not new.has_subject(subject):
            change = "removed"
        counts[change] += 1
        if len(listed) < LISTED:
            labels = labels_of(old if change == "removed" else new, document)
            listed.append(Listed(iri=document, change=change, labels=labels))
    return release.model_copy(update={"compared": True, "listed": listed, **counts})


_LABEL_PREDICATES = tuple(f"<{predicate}>" for predicate in LABELS)


def _streamed_changes(
    dump: Path, history: History | None, new: GraphText
) -> dict[str, object] | None:
    """What ``_with_changes`` finds, from the two dumps read side by side as streams (their
    lines are sorted by subject): the memory of a few resources, not of both graphs. ``None``
    where the previous dump is not, byte for byte, the graph its history names (checked as it
    is read: only then is it sorted and distinct), or the new graph is not a dump (compare them
    in memory then)."""
    if history is None or not isinstance(new, DumpText):
        return None
    digest = hashlib.sha256()
    changes = _DocumentChanges()
    try:
        for subject, removed, added in _subject_blocks(dump, new.path, digest):
            changes.see(subject, removed, added)
    except (OSError, EOFError, zlib.error, ValueError):  # not a dump liaise-lod wrote
        return None
    if VERSION_PREFIX + digest.hexdigest() != history.latest.graph:
        return None
    return changes.update()


def _subject_blocks(
    old: Path, new: Path, digest: Any
) -> Iterator[tuple[bytes, list[bytes], list[bytes]]]:
    """Each subject of either dump (``<iri>``), in order, with its lines in each; every line
    of ``old`` goes into ``digest`` too."""
    with _opened(old) as before, _opened(new) as after:
        olds = _by_subject(_digested(before, digest))
        news = _by_subject(after)
        one, other = next(olds, None), next(news, None)
        while one is not None or other is not None:
            if one is not None and (other is None or one[0] < other[0]):
                yield one[0], one[1], []
                one = next(olds, None)
            elif other is not None and (one is None or other[0] < one[0]):
                yield other[0], [], other[1]
                other = next(news, None)
            elif one is not None and other is not None:
                yield one[0], one[1], other[1]
                one, other = next(olds, None), next(news, None)


def _digested(lines: Iterable[bytes], digest: Any) -> Iterator[bytes]:
    for line in lines:
        digest.update(line)
        yield line


def _opened(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # type: ignore[return-value]


def _by_subject(lines: Iterable[bytes]) -> Iterator[tuple[bytes, list[bytes]]]:
    for subject, group in groupby(lines, key=lambda line: line[: line.index(b">") + 1]):
        yield subject, list(group)


class _DocumentChanges:
    """Documents changed (a subject and its ``#parts``: the parts' lines come first, as ``#``
    sorts before ``>``), whether each has statements of its own before and after, and the
    names of the ``LISTED`` first (by IRI)."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[bool, bool]] = {}
        self.first: list[str] = []  # the LISTED first documents so far, sorted
        self.labels: dict[str, dict[str, str]] = {}

    def see(self, subject: bytes, old: list[bytes], new: list[bytes]) -> None:
        iri = subject[1:-1].decode("utf-8")
        document = iri.partition("#")[0]
        if old != new and document not in self.documents:
            self.documents[document] = (False, False)
            self._rank(document)
        if iri != document or document not in self.documents:
            return
        self.documents[document] = (bool(old), bool(new))
        if document in self.labels:
            shown = old if old and not new else new
            statements = [line.decode("utf-8").removesuffix(" .\n") for line in shown]
            self.labels[document] = _labels(statements, f"<{iri}> ")

    def _rank(self, document: str) -> None:
        if len(self.first) == LISTED and document > self.first[-1]:
            return
        insort(self.first, document)
        self.labels[document] = {}
        if len(self.first) > LISTED:
            del self.labels[self.first.pop()]

    def update(self) -> dict[str, object]:
        counts = {"added": 0, "removed": 0, "changed": 0}
        listed = []
        for before, after in self.documents.values():
            counts[_change(before, after)] += 1
        for document in self.first:
            change = _change(*self.documents[document])
            listed.append(Listed(iri=document, change=change, labels=self.labels[document]))
        return {"compared": True, "listed": listed, **counts}


def _change(before: bool, after: bool) -> Change:
    """As ``_with_changes`` tells it: added if the old graph had no statement of the
    document's own, removed if the new one has none, else changed."""
    if not before:
        return "added"
    return "removed" if not after else "changed"


def labels_of(text: GraphText, iri: str) -> dict[str, str]:
    """A resource's names by language (``""``: no language), from the first of ``LABELS`` it
    has."""
    subject = f"<{iri}> "
    start = bisect_left(text.lines, subject)
    statements = []
    for line in text.lines[start:]:
        if not line.startswith(subject):
            break
        statements.append(line)
    return _labels(statements, subject)


def _labels(statements: list[str], subject: str) -> dict[str, str]:
    """The names by language in a subject's statements (``<iri> `` and the rest, sorted)."""
    import pyoxigraph as ox

    for predicate in _LABEL_PREDICATES:
        prefix = subject + predicate + " "
        found = [line for line in statements if line.startswith(prefix)]
        if not found:
            continue
        labels: dict[str, str] = {}
        for quad in ox.parse(("\n".join(f"{s} ." for s in found)), ox.RdfFormat.N_TRIPLES):
            term = quad.object
            if isinstance(term, ox.Literal):
                labels.setdefault(term.language or "", term.value[:LABEL_LENGTH])
        if labels:
            return dict(sorted(labels.items()))
    return {}


def best_label(labels: dict[str, str], language: str, fallback: str) -> tuple[str, str | None]:
    """The name to show on a page in ``language``, and its language tag where it is another
    one (``None``: the page's own, or unknown)."""
    for tag in (language, "en", "", *sorted(labels)):
        if tag in labels:
            return labels[tag], (tag if tag and tag != language else None)
    return fallback, None


def release_iri(base: str, version: str) -> str:
    """The IRI of a release once a later one replaces it (the latest is the dataset itself)."""
    return f"{base}#release-{version}"


def series_iri(base: str) -> str:
    return base + "#series"
