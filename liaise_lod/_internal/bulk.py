"""``push --bulk``: a graph loaded by a store's own bulk loader. ``virtuoso:HOST:PORT`` goes
through Virtuoso's ``isql`` (``virtuoso_bulk.py``); ``oxigraph:DIR`` writes straight into an
Oxigraph store folder (pyoxigraph's ``Store.bulk_extend``, the engine of ``oxigraph load``),
for a server to serve afterwards (``oxigraph serve --location DIR``).

The folder is opened for writing, so no server may hold it meanwhile (RocksDB locks it). The
named graph is replaced: cleared, then loaded, from triples already parsed, so that a syntax
error cannot stop the load halfway. The bulk loader writes as it goes, not in one
transaction: a crash or a full disk halfway leaves the graph incomplete, and the version
marker dropped (see ``graph_version.py``), which the next ``push --changes`` sees. The load
ends by counting the graph's triples in the store.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, PushError
from .safe_text import neutralise

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..graph_store import PushResult, Source

SCHEMES = ("oxigraph", "virtuoso")
_TARGETS = "oxigraph:DIR (an Oxigraph store folder) or virtuoso:HOST:PORT (Virtuoso's SQL port)"


def bulk_target(target: str) -> tuple[str, str]:
    """``oxigraph:DIR`` or ``virtuoso:HOST:PORT`` as (store kind, where); ``ConfigError`` for
    anything else."""
    kind, separator, where = target.partition(":")
    valid = bool(separator) and kind in SCHEMES and bool(where)
    if kind == "virtuoso" and not re.fullmatch(r"[A-Za-z0-9.\-]+:[0-9]{1,5}", where):
        valid = False
    if not valid:
        raise ConfigError(f"--bulk takes {_TARGETS}, not '{neutralise(target, 200)}'")
    return kind, where


def bulk_push(
    source: Source,
    target: str,
    *,
    graph: str | None = None,
    base: str | None = None,
    auth_env: str | None = None,
    staging: Path | None = None,
    timeout: float = 3600,
) -> PushResult:
    """Replace ``graph`` (default: the dataset's base IRI) in the store ``target``
    (``oxigraph:DIR`` or ``virtuoso:HOST:PORT``) with the source's triples, through the
    store's bulk loader. For Virtuoso, ``auth_env`` names the variable holding
    ``user:password`` and ``staging`` is a folder the server may read (its ``DirsAllowed``)."""
    from ..graph_store import PushResult, _graph_iri, _version, source_triples

    kind, where = bulk_target(target)
    secret = _settings(kind, auth_env, staging)
    started = time.monotonic()
    triples, default_graph = source_triples(source, base)
    triples = list(dict.fromkeys(triples))
    named = _graph_iri(graph or default_graph)
    version = _version(triples)
    if kind == "virtuoso":
        from .virtuoso_bulk import load

        assert secret is not None and staging is not None
        load(triples, named, version, where, secret, staging, timeout)
    else:
        _oxigraph(triples, named, version, Path(where))
    seconds = time.monotonic() - started
    return PushResult(target, named, len(triples), 1, False, seconds, check="bulk")


def _settings(kind: str, auth_env: str | None, staging: Path | None) -> str | None:
    """The credentials (Virtuoso's ``user:password``), after checking the settings."""
    from ..graph_store import credentials

    if kind == "oxigraph":
        if auth_env is not None or staging is not None:
            raise ConfigError("--bulk oxigraph:DIR takes neither --auth-env nor --bulk-dir")
        return None
    if staging is None:
        raise ConfigError(
            "--bulk virtuoso:HOST:PORT takes --bulk-dir DIR: a folder on the server's machine "
            "listed in DirsAllowed in its virtuoso.ini, where the file to load goes"
        )
    if auth_env is None:
        raise ConfigError("--bulk virtuoso:HOST:PORT takes --auth-env VAR (user:password)")
    login = credentials(auth_env)
    if login is None or login.startswith("Bearer ") or not staging.is_dir():
        raise ConfigError(
            "--bulk virtuoso:HOST:PORT takes 'user:password' in --auth-env and an existing "
            "folder as --bulk-dir"
        )
    return login


def _oxigraph(triples: list[ox.Triple], named: str, version: str | None, folder: Path) -> None:
    import pyoxigraph as ox

    from .graph_version import HAS_VERSION, marker_graph

    store = _opened(folder)
    marker = ox.NamedNode(marker_graph(named))
    into = ox.NamedNode(named)
    try:
        store.remove_graph(marker)  # a marker left from before would name a version gone
        store.remove_graph(into)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, into) for t in triples)
        held = _count(store, named)
        if held != len(triples):
            raise PushError(
                f"the bulk load into {folder} ended, but <{named}> holds {held} triples, not "
                f"the {len(triples)} loaded"
            )
        if version is not None:
            store.add(ox.Quad(into, ox.NamedNode(HAS_VERSION), ox.NamedNode(version), marker))
        store.flush()
    except OSError as error:
        reason = neutralise(str(error), 300)
        raise PushError(f"the bulk load into {folder} failed: {reason}") from None
    finally:
        del store  # closes the folder: a server may open it now


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
