"""Work done in forked processes: shared out between them for the stages that use one core each
(pySHACL, page writing), or moved aside to be stopped at a deadline (a SPARQL query).

Helpers are forked from this process, so they see its memory as it was, copy-on-write: the graph
and indexes are not copied or pickled, only results travel back, each down a pipe of its own.
This process works too (``fork_map``), goes on with something else (``forked``) or waits with a
deadline (``within``). Where ``fork`` is missing (Windows, or when asked for one process)
everything runs here.

A helper ends with this process, however it ends (even ``kill -9``): on Linux the kernel kills
it (``PR_SET_PDEATHSIG``), elsewhere it watches for its parent to change.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
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
#: How often a helper checks that its parent lives, where the kernel cannot tell it.
PARENT_CHECK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def can_fork() -> bool:
    """Whether work can run in a forked process (POSIX), and so be stopped at any moment."""
    return "fork" in multiprocessing.get_all_start_methods()


def available_processes() -> int:
    """How many processes to use by default: one per usable core, at most ``MAX_PROCESSES``;
    1 where processes cannot be forked."""
    if not can_fork():
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
    A helper's failure is raised here (see ``_Helper.result``).

    ``meanwhile()`` is called here first, while the helpers start on the items: work of this
    process's own that would otherwise leave the other cores idle. What it makes is kept out
    of garbage collection, as everything that existed when the helpers started.
    """
    processes = min(processes, len(items))
    if processes <= 1 or not can_fork():
        if meanwhile:
            meanwhile()
        return _here(work, items, on_progress)
    context = multiprocessing.get_context("fork")
    # The next item's number, shared: each process takes the next one as it becomes free.
    # (Not a queue of item numbers: a pipe holds 64 KiB, and filling it before any process
    # reads from it would block this one for good.)
    claimed = context.Value("q", 0)
    done = context.Value("q", 0)
    helpers: list[_Helper] = []
    results: dict[int, Any] = {}

    def take(on_progress: Callable[[int], None] | None = None) -> dict[int, Any]:
        """Claim items one at a time until none is left; their results by item number."""
        taken: dict[int, Any] = {}
        while (index := _claim(claimed)) < len(items):
            taken[index] = work(items[index])
            with done.get_lock():
                done.value += 1
                finished = done.value
            if on_progress:
                on_progress(finished)
        return taken

    try:
        with long_lived():  # shared objects stay unwritten by collections on either side
            helpers = [_Helper(take) for _ in range(processes - 1)]
            if meanwhile:
                meanwhile()
            with long_lived():  # now what ``meanwhile`` made too
                results.update(take(on_progress))
            for helper in helpers:
                results.update(helper.result())
    finally:
        for helper in helpers:
            helper.stop()
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
    if not fork or not can_fork():
        yield cache(work)
        return
    with long_lived():  # shared objects stay unwritten by collections on either side
        helper = _Helper(work)
        try:
            yield cache(helper.result)
        finally:
            helper.stop()


def within(
    work: Callable[[], Result],
    seconds: float | None,
    timed_out: Callable[[], BaseException],
    died: Callable[[int | None], BaseException] | None = None,
) -> Result:
    """``work()`` computed in a forked process, killed if it takes longer than ``seconds``
    (``None``: no limit; ``timed_out()`` is then raised): a way to stop code that cannot be
    interrupted, or keep its crash from ending this process (``died(exit code)`` is raised)."""
    helper = _Helper(work)
    try:
        if not helper.ready(seconds):
            raise timed_out()
        return helper.result(died)
    finally:
        helper.stop()


def isolated(work: Callable[[], Result], died: Callable[[int | None], BaseException]) -> Result:
    """``work()`` computed in a forked process of its own, so that all it allocated goes back
    to the system when it ends (what the collector was kept from walking, what the allocators
    kept for reuse), where this process may fork; else here. A process that ends without its
    result raises ``died(exit code)``."""
    if not can_fork() or multiprocessing.current_process().daemon:  # a Dask worker, say
        try:
            return work()
        finally:
            gc.collect()  # what can be given back here: its garbage in reference cycles
    helper = _Helper(work)
    try:
        return helper.result(died)
    finally:
        helper.stop()


def _here(work: Callable, items: Sequence, on_progress: Callable[[int], None] | None) -> list:
    results = []
    for item in items:
        results.append(work(item))
        if on_progress:
            on_progress(len(results))
    return results


def _claim(claimed) -> int:
    with claimed.get_lock():
        index = claimed.value
        claimed.value += 1
    return index


# --------------------------------------------------------------------------- one helper


class _Helper:
    """A forked process computing ``work()``, whose outcome comes back down a pipe: its result,
    or its failure (see ``_failure``). It ends when this process does."""

    def __init__(self, work: Callable[[], Any]):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        # Not a daemon, so that a helper may have helpers of its own: each is stopped by
        # the code that started it, and ends with its parent (``_end_with_parent``).
        self._process = context.Process(
            target=_helper_main, args=(work, send, os.getpid()), daemon=False
        )
        self._process.start()
        send.close()

    def ready(self, seconds: float | None) -> bool:
        """Whether the outcome came (or the process ended) within ``seconds``."""
        return self._receive.poll(seconds)

    def result(self, died: Callable[[int | None], BaseException] | None = None) -> Any:
        """Wait for the result. A ``LiaiseError`` or ``OSError`` of the helper's is raised
        here as it was (a full disk is reported as one, not as a bug); any other failure as a
        ``LiaiseError`` carrying the helper's traceback; a helper that died without a word,
        as ``died(exit code)`` says, or as a ``LiaiseError``."""
        try:
            ok, payload = self._receive.recv()
        except EOFError:
            self._process.join()
            if died is not None:
                raise died(self._process.exitcode) from None
            raise LiaiseError(
                f"a helper process ended without its results (exit code "
                f"{self._process.exitcode}), perhaps out of memory: try one process (-j 1)"
            ) from None
        if ok:
            return payload
        if isinstance(payload, BaseException):
            raise payload
        raise LiaiseError(f"a helper process failed:\n{payload}")

    def stop(self) -> None:
        """End the process (at once, if it is still at work) and close the pipe."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receive.close()


def _helper_main(work: Callable[[], Any], send, parent: int) -> None:
    """The forked process: compute, send the outcome, end."""
    _end_with_parent(parent)
    try:
        try:
            outcome: tuple[bool, Any] = (True, work())
        except BaseException as error:  # reported to the parent, which raises
            outcome = (False, _failure(error))
        try:
            send.send(outcome)
        except Exception as error:  # a result that does not pickle: a bug, reported
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


def _end_with_parent(parent: int) -> None:
    """Make this forked process end when ``parent`` ends, even killed: a helper left running
    would go on writing into a folder nobody owns, and hold memory and cores for nothing."""
    told = _ask_kernel_for_death_signal()
    # The parent may have died between the fork and the line above: then this process was
    # given to another parent already, and no signal will come.
    if os.getppid() != parent:
        os._exit(1)
    if not told:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _ask_kernel_for_death_signal() -> bool:
    """On Linux, have the kernel kill this process when the thread that forked it ends (the
    forking thread waits for its helpers, so in practice: when the parent ends)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
