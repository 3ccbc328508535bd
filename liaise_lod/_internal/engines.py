"""Engines that run the parallel units of work: ``fork`` (the default: processes forked from
this one, see ``parallel``) or ``dask`` (the workers of a Dask distributed cluster, local or
reached at a scheduler's address). Registered by name, as the output formats are.

An engine maps a top-level function over items, results in the items' order:
``engine.map(work, items, shared=(a, b))`` is ``[work(a, b, item) for item in items]``. The
``shared`` arguments are what every item needs (the graph to validate): the fork engine hands
them over by fork, copy-on-write; the dask engine pickles them once to every worker. So a unit
run through ``map`` must be a top-level function whose arguments and result pickle.

Units that lean on state only a fork inherits (a publish's page batches need the whole site
index; the dumps are written by a process of their own beside the pages) stay on ``fork`` with
any engine: they are not routed here. Which engine runs is chosen once per command with
``running(name, scheduler)``; the parallel stages ask ``current()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol
from uuid import uuid4

from ..errors import ConfigError, LiaiseError, OutputError
from .parallel import fork_map, processes_for

DEFAULT_ENGINE = "fork"
#: How long to wait for a Dask scheduler to answer before saying it cannot be reached.
CONNECT_SECONDS = 10.0


class Engine(Protocol):
    name: str

    def width(self, size: int, minimum: int, requested: int | None) -> int:
        """How many units to run at once on work of ``size`` (see ``processes_for``)."""
        ...

    def map(
        self,
        work: Callable[..., Any],
        items: Sequence[Any],
        processes: int,
        shared: tuple[Any, ...] = (),
        meanwhile: Callable[[], object] | None = None,
    ) -> list[Any]:
        """``[work(*shared, item) for item in items]`` on up to ``processes`` at once;
        ``meanwhile()`` is called here while the others work."""
        ...


class ForkEngine:
    """Today's engine: processes forked from this one (``parallel.fork_map``)."""

    name = "fork"

    def width(self, size: int, minimum: int, requested: int | None) -> int:
        return processes_for(size, minimum, requested)

    def map(
        self,
        work: Callable[..., Any],
        items: Sequence[Any],
        processes: int,
        shared: tuple[Any, ...] = (),
        meanwhile: Callable[[], object] | None = None,
    ) -> list[Any]:
        return fork_map(lambda item: work(*shared, item), items, processes, meanwhile=meanwhile)


class DaskEngine:
    """The workers of a Dask distributed cluster: the one whose scheduler is at ``scheduler``
    (``tcp://host:8786``), or a local one of one worker process per core started for the
    command (and stopped after it)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None) -> None:
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None

    def start(self) -> None:
        distributed = _distributed()
        try:
            if self.scheduler is None:
                from .parallel import available_processes

                self._cluster = distributed.LocalCluster(
                    n_workers=available_processes(),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",  # its HTTP server: a free port, not 8787
                    silence_logs=logging.ERROR,
                    # as forked processes have none: a worker paused at 80 % of a share of
                    # the memory would wait for good
                    memory_limit=0,
                )
                self._client = distributed.Client(self._cluster, timeout=CONNECT_SECONDS)
            else:
                self._client = distributed.Client(self.scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            self.stop()
            where = f"at {self.scheduler}" if self.scheduler else "of the local cluster"
            raise ConfigError(
                f"could not reach the Dask scheduler {where} within {CONNECT_SECONDS:g} s "
                f"({error}): start one with 'dask scheduler' and workers with 'dask worker "
                "ADDRESS', or give its address as --scheduler tcp://HOST:8786"
            ) from None
        except ValueError as error:  # an address Dask cannot read
            self.stop()
            raise ConfigError(f"--scheduler {self.scheduler!r}: {error}") from None
        except RuntimeError as error:  # workers that could not start
            self.stop()
            raise ConfigError(
                f"the local Dask cluster did not start ({error}); from a Python script, call "
                "liaise-lod under 'if __name__ == \"__main__\":', as the workers import it"
            ) from None

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def width(self, size: int, minimum: int, requested: int | None) -> int:
        """Every worker of the cluster, whatever the size and ``-j`` (the cluster was asked
        for, and its workers are what it has), and at least 2, so that the work is split."""
        info = self._client.scheduler_info(n_workers=-1) if self._client else {}
        return max(2, len(info.get("workers", ())))

    def map(
        self,
        work: Callable[..., Any],
        items: Sequence[Any],
        processes: int,
        shared: tuple[Any, ...] = (),
        meanwhile: Callable[[], object] | None = None,
    ) -> list[Any]:
        client = self._client
        if client is None:
            raise RuntimeError("the dask engine was not started (see engines.running)")
        on_workers = [client.scatter(value, broadcast=True, hash=False) for value in shared]
        futures = [
            # a key of its own: a cluster shared by several commands reuses the result of an
            # equal key, whoever computed it
            client.submit(work, *on_workers, item, pure=False, key=f"{work.__name__}-{uuid4()}")
            for item in items
        ]
        if meanwhile:
            meanwhile()
        try:
            return client.gather(futures)
        except (LiaiseError, OSError):  # ours, or a full disk: as they were raised
            raise
        except Exception as error:  # a worker that died, a bug in a unit
            raise OutputError(
                f"a Dask worker failed: {type(error).__name__}: {error} (each worker needs the "
                "same liaise-lod as this command: pip install 'liaise-lod[dask]')"
            ) from None
        finally:
            client.cancel(futures)


_ENGINES: dict[str, Callable[[str | None], Engine]] = {}


def register_engine(name: str, make: Callable[[str | None], Engine]) -> None:
    """Make ``--engine NAME`` run the parallel work on ``make(scheduler)``."""
    if name in _ENGINES:
        raise ValueError(f"the engine '{name}' is registered twice")
    _ENGINES[name] = make


def engine_names() -> tuple[str, ...]:
    return tuple(_ENGINES)


register_engine("fork", lambda scheduler: ForkEngine())
register_engine("dask", DaskEngine)

_current: ContextVar[Engine | None] = ContextVar("liaise_lod_engine", default=None)


def current() -> Engine:
    """The engine the command runs on (``fork`` outside ``running``)."""
    return _current.get() or ForkEngine()


@contextmanager
def running(name: str | None = None, scheduler: str | None = None) -> Iterator[Engine]:
    """Run the parallel work inside the block on the engine called ``name`` (started here,
    stopped when the block ends); ``scheduler`` is the address of the dask engine's cluster."""
    name = name or DEFAULT_ENGINE
    make = _ENGINES.get(name)
    if make is None:
        raise ConfigError(f"unknown engine '{name}': use one of {', '.join(_ENGINES)}")
    if scheduler is not None and name != "dask":
        raise ConfigError("--scheduler is the address of a Dask cluster: add --engine dask")
    engine = make(scheduler)
    start = getattr(engine, "start", None)
    if start:
        start()
    token = _current.set(engine)
    try:
        yield engine
    finally:
        _current.reset(token)
        stop = getattr(engine, "stop", None)
        if stop:
            stop()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ConfigError(
            "--engine dask needs Dask's distributed scheduler: pip install 'liaise-lod[dask]'"
        ) from None
    return distributed
