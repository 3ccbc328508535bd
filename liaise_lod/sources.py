"""Where a graph comes from: a dataset (a folder, a file, or a ``Dataset`` built in Python),
loaded and mapped; an rdflib ``Graph``; or a Turtle / N-Triples dump. ``build``, ``publish``,
``query`` and ``push`` all read their sources here."""

from __future__ import annotations

import gzip
import os
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
#: The dumps a source may be, by suffix: the Turtle and N-Triples that ``build`` writes, and
#: gzipped, as ``publish`` writes them.
DUMP_SUFFIXES = (".ttl", ".nt", ".ttl.gz", ".nt.gz")


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
        if path.is_file() and path.suffix.lower() not in SUFFIXES:
            raise ConfigError(
                f"{path} is neither a dataset (a folder, or one .yaml, .yml, .json or .csv "
                f"file) nor a dump ({', '.join(DUMP_SUFFIXES)})"
            )
    dataset, graph = load_and_map(source, base)
    return GraphSource(graph=graph, base=Iris(base or dataset.info.base).base)


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
    try:
        with _open(path) as stream:
            yield stream, rdf_format
    except SyntaxError as error:
        raise ConfigError(f"{path}: not valid RDF: {neutralise(str(error), 300)}") from None
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


def input_path(source: Dataset | str | os.PathLike[str]) -> Path | None:
    """The folder or file a dataset was read from; ``None`` for one made in Python."""
    return None if isinstance(source, Dataset) else Path(source)


def _no_base(base: str | None, what: str) -> None:
    if base is not None:
        raise ConfigError(f"--base applies to a dataset, not to {what}")
