"""The N-Triples dump cut into shards (``dataset-0001.nt.gz``, ...) for bulk loaders.

A subject's triples all go to one shard, chosen by the CRC-32 of its IRI without the fragment:
a record and its value nodes (``…/event/x`` and ``…/event/x#place``) share a shard, and an edit
to a record changes only the shards of its subjects, not every shard after it, as cutting the
sorted dump into ranges would. CRC-32 (not ``hash()``, which is salted per process) gives the
same shard on any machine and Python. Each shard keeps the dump's sorted order, so the shards
are the dump's lines shared out, none changed, none repeated: together they are the dataset.
(Blank nodes would be file-scoped in each shard; the mapped dataset has none.)

Shards are gzipped with ``publish.gzipped`` (no name, time 0): the same dump, the same bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from ..errors import ConfigError

#: The most shards a dump may be cut into (four digits in the name).
MAX_SHARDS = 9999
EXTENSION = ".nt.gz"


def check_count(count: int) -> int:
    """``count`` if it is a number of shards we can write, else ``ConfigError``."""
    if not 1 <= count <= MAX_SHARDS:
        raise ConfigError(f"--shards {count}: give a number of shards from 1 to {MAX_SHARDS}")
    return count


def shard_names(stem: str, count: int) -> list[str]:
    """The shards' file names, in order: ``{stem}-0001.nt.gz`` ..."""
    return [f"{stem}-{number:04d}{EXTENSION}" for number in range(1, count + 1)]


def shard_of(subject: bytes, count: int) -> int:
    """The shard (from 0) that holds the triples of ``subject``, as N-Triples writes it."""
    iri = subject.partition(b"#")[0].removesuffix(b">")
    return zlib.crc32(iri) % count


def write_shards(lines: Iterable[bytes], folder: Path, stem: str, count: int) -> list[Path]:
    """Share sorted N-Triples ``lines`` out into ``count`` gzipped shards in ``folder``; their
    paths, in order (a shard no subject falls into is an empty N-Triples document)."""
    from ..publish.gzipped import gzip_writer  # beside the pipeline, imported when used

    paths = [folder / name for name in shard_names(stem, check_count(count))]
    with ExitStack() as stack:
        streams: list[BinaryIO] = [stack.enter_context(gzip_writer(path)) for path in paths]
        subject, stream = b"", streams[0]
        for line in lines:
            if not line.startswith(subject) or line[len(subject) : len(subject) + 1] != b" ":
                subject = line[: line.index(b" ")]
                stream = streams[shard_of(subject, count)]
            stream.write(line)
    return paths
