"""A build in partitions that never holds every record in the process that runs it.

The dataset is loaded, checked and spilled into the partition files (``partitions.spill``) by a
forked process, which then ends: the memory of every record (the bulk of a partitioned build's)
goes back to the system before validation starts its own helpers. What the rest of the build
needs of the dataset comes back small: its settings, and where each record was written, kept
on disk (``sources.sqlite``) and looked up only for the records a validation result names,
whose lines are found by reading their file again.

A dataset with problems fails in that process as it fails in this one: the same
``InputError``, the same problems, located the same way (it is the same loader).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import LiaiseError
from ..iris import Iris
from ..load import Path_, load_dataset, locator
from ..model import Dataset, DatasetInfo
from . import partitions
from .parallel import isolated

SOURCES = "sources.sqlite"
#: What a loaded record takes, measured (80,000 synthetic projects: 1,296,000 records, 1,917 MiB).
RECORD_KIB = 1.5
#: Rows written to the sources table at once.
_BATCH = 50_000


@dataclass
class Spilled:
    """What the process that loaded and spilled the dataset sends back: small."""

    info: DatasetInfo
    base: str
    #: seconds each stage took there: load, map
    seconds: dict[str, float]
    #: what ``describe`` made of the dataset
    described: Any = None


def load_and_spill(
    path: Path,
    base: str | None,
    folder: Path,
    count: int,
    describe: Callable[[Dataset, str], Any] | None = None,
) -> Spilled | None:
    """Load ``path`` and spill it into ``count`` partitions in ``folder``, in a forked process;
    ``None`` if the shapes cannot be validated in partitions (build it whole). What the caller
    needs of the records besides their triples comes back as ``describe(dataset, base)``
    made it (small, as it is sent back)."""
    return isolated(lambda: _load_and_spill(path, base, folder, count, describe), _died)


def _died(exit_code: int | None) -> LiaiseError:
    # Not the helpers' usual advice (``-j 1``): this process is started whatever ``-j`` says.
    return LiaiseError(
        f"the process that loads the dataset ended without its result (exit code "
        f"{exit_code}), perhaps out of memory: it holds every record at once (about "
        f"{RECORD_KIB:.1f} KiB each) while it writes them into the partitions; build where more "
        "memory is free"
    )


def _load_and_spill(
    path: Path,
    base: str | None,
    folder: Path,
    count: int,
    describe: Callable[[Dataset, str], Any] | None,
) -> Spilled | None:
    start = time.perf_counter()
    dataset = load_dataset(path)
    loaded = time.perf_counter()
    iri_base = Iris(base or dataset.info.base).base
    if not partitions.can_partition(iri_base):
        return None
    layout = partitions.Layout(folder, count, iri_base)
    partitions.spill(dataset, iri_base, layout)
    write_sources(dataset, folder / SOURCES)
    seconds = {"load": loaded - start, "map": time.perf_counter() - loaded}
    described = describe(dataset, iri_base) if describe is not None else None
    return Spilled(dataset.info, iri_base, seconds, described)


def write_sources(dataset: Dataset, database: Path) -> None:
    """Where each record of ``dataset`` was written: its file and its place in it."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute(
            "CREATE TABLE sources (id TEXT PRIMARY KEY, file TEXT, collection TEXT, position INT)"
        )
        rows = _rows(dataset)
        while batch := [row for _, row in zip(range(_BATCH), rows, strict=False)]:
            # As ``Dataset.source``: of two records with one id, the later one's place.
            connection.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)", batch)
        connection.commit()
    finally:
        connection.close()


def _rows(dataset: Dataset) -> Iterable[tuple[str, str, str, int]]:
    for record in dataset.records():
        source = dataset.source(record.id)
        place = getattr(source, "place", None)
        if source is not None and place is not None:
            collection, position = place
            yield record.id, source.file, str(collection), int(position)


class StoredSources:
    """The sources ``write_sources`` kept: a ``validation.Sources`` lookup (record IRI ->
    file, line, record id), each file read again for its lines only when one is asked for."""

    def __init__(self, database: Path, base: str) -> None:
        self._connection = sqlite3.connect(database)
        self._iris = Iris(base)
        self._lines: dict[str, Callable[[Path_], int | None]] = {}

    def __call__(self, iri: str) -> tuple[str | None, int | None, str | None]:
        parts = self._iris.split(iri)
        if parts is None:
            return None, None, None
        record_id = parts[1]
        row = self._connection.execute(
            "SELECT file, collection, position FROM sources WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            return None, None, record_id
        file, collection, position = row
        lines = self._lines.get(file)
        if lines is None:
            lines = self._lines[file] = locator(Path(file))
        return file, lines((collection, position)), record_id

    def close(self) -> None:
        self._connection.close()
        self._lines.clear()
