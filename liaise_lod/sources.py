"""Where a graph comes from: a dataset (a folder, a file, or a ``Dataset`` built in Python),
loaded and mapped; an rdflib ``Graph``; or a Turtle / N-Triples dump. ``build``, ``publish``,
``query`` and ``push`` all read their sources here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ._internal.progress import stage
from .errors import ConfigError
from .iris import Iris
from .load import load_dataset
from .mapping import to_graph
from .model import Dataset

Source = Dataset | Graph | str | os.PathLike[str]
#: The dumps a source may be, by suffix: the Turtle and N-Triples that ``build`` writes.
DUMP_SUFFIXES = (".ttl", ".nt")


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
        if path.suffix in DUMP_SUFFIXES and path.is_file():
            _no_base(base, "an RDF dump")
            return GraphSource(dump=path)
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


def _no_base(base: str | None, what: str) -> None:
    if base is not None:
        raise ConfigError(f"--base applies to a dataset, not to {what}")
