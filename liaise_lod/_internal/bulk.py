"""``push --bulk oxigraph:DIR``: a graph written straight into an Oxigraph store folder with
its bulk loader (pyoxigraph's ``Store.bulk_extend``, the engine of ``oxigraph load``), for
a server to serve afterwards (``oxigraph serve --location DIR``).

The folder is opened for writing, so no server may hold it meanwhile (RocksDB locks it). The
named graph is replaced: cleared, then loaded, from triples already parsed, so that a syntax
error cannot stop the load halfway. The bulk loader writes as it goes, not in one
transaction: a crash or a full disk halfway leaves the graph incomplete, and the version
marker dropped (see ``graph_version.py``), which the next ``push --changes`` sees. The load
ends by counting the graph's triples in the store.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, PushError
from .safe_text import neutralise

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..graph_store import PushResult, Source

SCHEMES = ("oxigraph",)


def bulk_target(target: str) -> tuple[str, Path]:
    """``oxigraph:DIR`` as (store kind, folder); ``ConfigError`` for anything else."""
    kind, separator, where = target.partition(":")
    if not separator or kind not in SCHEMES or not where:
        raise ConfigError(
            f"--bulk takes oxigraph:DIR (an Oxigraph store folder), not '{neutralise(target, 200)}'"
        )
    return kind, Path(where)


def bulk_push(
    source: Source, target: str, *, graph: str | None = None, base: str | None = None
) -> PushResult:
    """Replace ``graph`` (default: the dataset's base IRI) in the store ``target``
    (``oxigraph:DIR``) with the source's triples, through the store's bulk loader."""
    import pyoxigraph as ox

    from ..graph_store import PushResult, _graph_iri, _version, source_triples
    from .graph_version import HAS_VERSION, marker_graph

    _, folder = bulk_target(target)
    started = time.monotonic()
    triples, default_graph = source_triples(source, base)
    triples = list(dict.fromkeys(triples))
    named = _graph_iri(graph or default_graph)
    version = _version(triples)
    store = _opened(folder)
    marker = ox.NamedNode(marker_graph(named))
    try:
        store.remove_graph(marker)  # a marker left from before would name a version gone
        store.remove_graph(ox.NamedNode(named))
        store.bulk_extend(
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(named)) for t in triples
        )
        held = _count(store, named)
        if held != len(triples):
            raise PushError(
                f"the bulk load into {folder} ended, but <{named}> holds {held} triples, not "
                f"the {len(triples)} loaded"
            )
        if version is not None:
            quad = ox.Quad(ox.NamedNode(named), ox.NamedNode(HAS_VERSION), ox.NamedNode(version))
            store.add(ox.Quad(quad.subject, quad.predicate, quad.object, marker))
        store.flush()
    except OSError as error:
        raise PushError(
            f"the bulk load into {folder} failed: {neutralise(str(error), 300)}"
        ) from None
    finally:
        del store  # closes the folder: a server may open it now
    seconds = time.monotonic() - started
    return PushResult(f"oxigraph:{folder}", named, len(triples), 1, False, seconds, check="bulk")


def _opened(folder: Path) -> ox.Store:
    import pyoxigraph as ox

    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder: --bulk oxigraph:DIR takes a store folder")
    try:
        return ox.Store(str(folder))
    except OSError as error:
        raise PushError(
            f"cannot open the Oxigraph store in {folder} for writing: "
            f"{neutralise(str(error), 300)} (is a server using it? stop it, load, then serve "
            "it again)"
        ) from None


def _count(store: ox.Store, graph: str) -> int:
    import pyoxigraph as ox

    answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(answer, ox.QuerySolutions)
    (solution,) = list(answer)
    value = solution["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)
