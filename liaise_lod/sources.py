"""Where a graph comes from: a dataset (a folder, a file, or a ``Dataset`` built in Python),
loaded and mapped; an rdflib ``Graph``; a Turtle, N-Triples or JSON-LD dump (gzipped or not);
or a folder that ``build`` or ``publish`` wrote (its dump is read). ``build``, ``publish``,
``query``, ``push`` and ``diff`` all read their sources here."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from rdflib import Graph

from ._internal.progress import stage
from ._internal.safe_text import neutralise
from .errors import ConfigError
from .iris import Iris
from .load import SUFFIXES, load_dataset
from .mapping import to_graph
from .model import Dataset

Source = Dataset | Graph | str | os.PathLike[str]
#: The dumps a source may be, by suffix: what ``build`` writes, and gzipped, as ``publish``
#: writes them.
DUMP_SUFFIXES = (".ttl", ".nt", ".jsonld", ".ttl.gz", ".nt.gz", ".jsonld.gz")
#: The dump read from a folder that ``build`` or ``publish`` wrote, the first found of these
#: (N-Triples parses fastest).
OUTPUT_DUMPS = ("dataset.nt", "dataset.nt.gz", "dataset.ttl", "dataset.ttl.gz")
#: How much of a JSON-LD dump is read to find the context it names.
_JSONLD_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class GraphSource:
    """A source made ready: a graph (of a dataset, or given as one), or a dump to be parsed
    by whoever reads it (a store's bulk loader is faster than rdflib)."""

    graph: Graph | None = None
    dump: Path | None = None
    #: The base IRI of a dataset's resources: the name of its graph in a store.
    base: str | None = None


def read_graph(source: Source, base: str | None = None) -> GraphSource:
    """The graph of ``source``; ``base`` overrides a dataset's base IRI and is refused for
    sources that are graphs already."""
    if isinstance(source, Graph):
        _no_base(base, "an RDF graph")
        return GraphSource(graph=source)
    if not isinstance(source, Dataset):
        path = Path(source)
        if path.name.endswith(DUMP_SUFFIXES) and path.is_file():
            _no_base(base, "an RDF dump")
            return GraphSource(dump=path)
        dump = output_dump(path)
        if dump is not None:
            _no_base(base, f"the output of build or publish ({dump.name})")
            return GraphSource(dump=dump)
        if path.is_file() and path.suffix.lower() not in SUFFIXES:
            raise ConfigError(
                f"{path} is neither a dataset (a folder, or one .yaml, .yml, .json or .csv "
                f"file) nor a dump ({', '.join(DUMP_SUFFIXES)})"
            )
    dataset, graph = load_and_map(source, base)
    return GraphSource(graph=graph, base=Iris(base or dataset.info.base).base)


def output_dump(folder: Path) -> Path | None:
    """The dump of a folder that ``build`` or ``publish`` wrote; ``None`` for any other path.
    Such a folder holds ``dataset.nt`` (or another of ``OUTPUT_DUMPS``) and either the marker
    those commands leave in it or, unlike a dataset folder, no data file (``.yaml``, ``.yml``,
    ``.json``, ``.csv``) at its top (a site has JSON files of its own: its search index)."""
    from .pipeline import OUTPUT_MARKER

    if not folder.is_dir():
        return None
    dump = next((folder / name for name in OUTPUT_DUMPS if (folder / name).is_file()), None)
    if dump is None:
        return None
    if (folder / OUTPUT_MARKER).is_file():
        return dump
    if any(entry.suffix.lower() in SUFFIXES and entry.is_file() for entry in folder.iterdir()):
        return None
    return dump


def is_dataset(source: object) -> bool:
    """Whether ``source`` is read as a dataset (loaded and mapped), to which ``--base`` applies."""
    if isinstance(source, Dataset):
        return True
    if isinstance(source, Graph) or not isinstance(source, str | os.PathLike):
        return False
    path = Path(source)
    return not (path.name.endswith(DUMP_SUFFIXES) and path.is_file()) and not output_dump(path)


def load_and_map(
    source: Dataset | str | os.PathLike[str], base: str | None = None
) -> tuple[Dataset, Graph]:
    """A dataset (loaded from its folder or file, unless given), and its graph."""
    if isinstance(source, Dataset):
        dataset = source
    else:
        with stage("load"):
            dataset = load_dataset(Path(source))
    iris = Iris(base or dataset.info.base)
    with stage("map"):
        graph = to_graph(dataset, iris.base)
    return dataset, graph


@contextmanager
def opened_dump(path: Path) -> Iterator[tuple[BinaryIO, Any]]:
    """A dump's bytes (ungzipped as they are read) and its pyoxigraph format; what is wrong
    with the file is a ``ConfigError``."""
    import pyoxigraph as ox

    name = path.name.removesuffix(".gz")
    rdf_format = ox.RdfFormat.TURTLE if name.endswith(".ttl") else ox.RdfFormat.N_TRIPLES
    if name.endswith(".jsonld"):
        rdf_format = ox.RdfFormat.JSON_LD
    try:
        with _open(path) as stream:
            if rdf_format == ox.RdfFormat.JSON_LD:
                stream = with_local_context(stream)
            yield stream, rdf_format
    except SyntaxError as error:
        message = neutralise(str(error), 300)
        if "remote context" in message:
            message += " (liaise-lod fetches no JSON-LD context but its own)"
        raise ConfigError(f"{path}: not valid RDF: {message}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid RDF: not UTF-8 text") from None
    except MemoryError as error:  # pyoxigraph's parser reads no term over 16 MB
        message = neutralise(str(error), 300)
        raise ConfigError(f"{path}: too large a term to load: {message}") from None
    except (OSError, EOFError) as error:
        reason = getattr(error, "strerror", None) or error
        raise ConfigError(f"cannot read {path}: {neutralise(str(reason), 300)}") from None


def _open(path: Path) -> BinaryIO:
    if path.name.endswith(".gz"):
        return cast(BinaryIO, gzip.open(path))
    return path.open("rb")


_CONTEXT_NAMED = re.compile(rb'\A(\s*\{\s*"@context"\s*:\s*)"([^"\\]*)"')


def with_local_context(stream: BinaryIO) -> BinaryIO:
    """A JSON-LD document whose ``@context``, when it names one of our own contexts by IRI (as
    ``build`` writes it), is that context itself: pyoxigraph fetches no context, and neither do
    we. The document is streamed, not held: only its first bytes are rewritten."""
    from .serialize import local_contexts

    head = stream.read(_JSONLD_HEAD_BYTES)
    named = _CONTEXT_NAMED.match(head)
    if named is not None:
        path = local_contexts().get(named.group(2).decode("utf-8", "replace"))
        if path is not None:
            context = json.loads(path.read_text(encoding="utf-8"))["@context"]
            inline = json.dumps(context, ensure_ascii=False).encode("utf-8")
            head = named.group(1) + inline + head[named.end() :]
    return cast(BinaryIO, io.BufferedReader(_Joined(head, stream)))


class _Joined(io.RawIOBase):
    """Some bytes, then the rest of a stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def input_path(source: Dataset | str | os.PathLike[str]) -> Path | None:
    """The folder or file a dataset was read from; ``None`` for one made in Python."""
    return None if isinstance(source, Dataset) else Path(source)


def _no_base(base: str | None, what: str) -> None:
    if base is not None:
        raise ConfigError(f"--base applies to a dataset, not to {what}")
