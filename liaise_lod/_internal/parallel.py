"""Work shared out between forked processes, for the stages that use one core each (pySHACL,
page writing).

Helpers are forked from this process, so they see its memory as it was, copy-on-write: the graph
and indexes are not copied or pickled, only the items' results travel back. This process works
too (``fork_map``), or goes on with something else (``forked``). Where ``fork`` is missing
(Windows, or when asked for one process) everything runs here.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from ..errors import LiaiseError
from .allocation import long_lived

Item = TypeVar("Item")
Result = TypeVar("Result")

#: At most this many processes by default: each may copy part of the memory it reads.
MAX_PROCESSES = 4


def available_processes() -> int:
    """How many processes to use by default: one per usable core, at most ``MAX_PROCESSES``;
    1 where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:  # macOS forks, but cannot tell which cores this process may use
        cores = os.cpu_count() or 1
    return max(1, min(MAX_PROCESSES, cores))


def processes_for(size: int, minimum: int, requested: int | None = None) -> int:
    """``requested`` when given; else ``available_processes()`` for work of at least ``minimum``
    (below it, starting processes costs more than it saves), else 1."""
    if requested is not None:
        return requested
    return available_processes() if size >= minimum else 1


def fork_map(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    processes: int,
    on_progress: Callable[[int], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[Result]:
    """``[work(item) for item in items]``, computed by up to ``processes`` processes (this one
    included), items taken in order as each process becomes free. Results must pickle.
    ``on_progress(done)`` is called here with the number of items finished by all processes.
    A helper's exception is raised here as a ``LiaiseError`` carrying its traceback.

    ``meanwhile()`` is called here first, while the helpers start on the items: work of this
    process's own that would otherwise leave the other cores idle. What it makes is kept out
    of garbage collection, as everything that existed when the helpers started.
    """
    processes = min(processes, len(items))
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile:
            meanwhile()
        return _here(work, items, on_progress)
    context = multiprocessing.get_context("fork")
    # The next item's number, shared: each process takes the next one as it becomes free.
    # (Not a queue of item numbers: a pipe holds 64 KiB, and filling it before any process
    # reads from it would block this one for good.)
    claimed = context.Value("q", 0)
    done = context.Value("q", 0)
    helpers = []
    results: dict[int, Any] = {}
    try:
        with long_lived():  # shared objects stay unwritten by collections on either side
            helpers = [_start(context, work, items, claimed, done) for _ in range(processes - 1)]
            if meanwhile:
                meanwhile()
            with long_lived():  # now what ``meanwhile`` made too
                _take(work, items, claimed, done, results, on_progress)
            for helper, receive in helpers:
                results.update(_receive(helper, receive))
    finally:
        for helper, _ in helpers:
            helper.join(timeout=5)
            if helper.is_alive():
                helper.terminate()
    if on_progress:
        on_progress(len(items))
    return [results[index] for index in range(len(items))]


@contextmanager
def forked(work: Callable[[], Result], fork: bool = True) -> Iterator[Callable[[], Result]]:
    """``work()`` computed in a forked process while this one goes on with the ``with`` block,
    which gets a function that waits for the result (a failure is raised there, as in
    ``fork_map``; later calls return the same result). A process whose result was not asked
    for is stopped when the block ends. Without ``fork`` (or where processes cannot be
    forked), ``work()`` runs when its result is asked for."""
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        yield cache(work)
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_call, args=(work, send), daemon=True)
    try:
        with long_lived():  # shared objects stay unwritten by collections on either side
            process.start()
            send.close()
            yield cache(lambda: _receive(process, receive))
    finally:
        if process.is_alive():
            process.terminate()
        process.join()


def _call(work: Callable[[], Any], send) -> None:
    """A forked process computing one result, sent down ``send`` (or its failure)."""
    try:
        send.send((True, work()))
    except BaseException as error:  # reported to the parent, which raises
        send.send((False, _failure(error)))
    finally:
        send.close()


def _failure(error: BaseException) -> BaseException | str:
    """What a helper sends back about its failure: our errors and the system's (a full disk)
    as they are, for the parent to raise as if it had met them (and the command line to
    print as it prints them); anything else as its traceback, a bug to report."""
    if isinstance(error, LiaiseError | OSError):
        try:
            return pickle.loads(pickle.dumps(error))
        except Exception:  # an exception that cannot travel: its traceback does
            pass
    return traceback.format_exc()


def _here(work: Callable, items: Sequence, on_progress: Callable[[int], None] | None) -> list:
    results = []
    for item in items:
        results.append(work(item))
        if on_progress:
            on_progress(len(results))
    return results


def _start(context, work, items, claimed, done):
    receive, send = context.Pipe(duplex=False)
    helper = context.Process(target=_helper, args=(work, items, claimed, done, send), daemon=True)
    helper.start()
    send.close()
    return helper, receive


def _take(work, items, claimed, done, results: dict, on_progress=None) -> None:
    """Claim items one at a time until none is left, putting ``work(item)`` in ``results``."""
    while (index := _claim(claimed)) < len(items):
        results[index] = work(items[index])
        with done.get_lock():
            done.value += 1
            finished = done.value
        if on_progress:
            on_progress(finished)


def _claim(claimed) -> int:
    with claimed.get_lock():
        index = claimed.value
        claimed.value += 1
    return index


def _helper(work, items, claimed, done, send) -> None:
    """A forked process: its results (or its traceback) go down ``send``."""
    try:
        results: dict[int, Any] = {}
        _take(work, items, claimed, done, results)
        send.send((True, results))
    except BaseException as error:  # reported to the parent, which raises
        send.send((False, _failure(error)))
    finally:
        send.close()


def _receive(helper, receive) -> Any:
    try:
        ok, payload = receive.recv()
    except EOFError:
        helper.join()
        raise LiaiseError(
            f"a helper process ended without its results (exit code {helper.exitcode}), "
            "perhaps out of memory: run in one process (processes=1)"
        ) from None
    if not ok:
        if isinstance(payload, BaseException):
            raise payload
        raise LiaiseError(f"a helper process failed:\n{payload}")
    return payload
