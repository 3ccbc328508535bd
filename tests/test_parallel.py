"""fork_map and forked: work done by forked processes, results in order, failures reported."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from processes import children, gone, require_proc, wait_for

from liaise_lod._internal.parallel import available_processes, fork_map, forked
from liaise_lod.errors import LiaiseError


def test_results_come_back_in_order_from_several_processes():
    parent = os.getpid()
    table = {number: number * number for number in range(200)}  # seen by helpers via fork

    def work(number):
        time.sleep(0.002)  # slow enough that every process gets some
        return table[number], os.getpid() != parent

    results = fork_map(work, list(range(200)), 3)
    assert [square for square, _ in results] == [n * n for n in range(200)]
    assert any(in_helper for _, in_helper in results)  # really shared out


def test_tens_of_thousands_of_items_are_shared_out():
    """More items than a pipe could hold as numbers (the 64 KiB a queue of them blocked on);
    run in a child process so that a hang fails the test instead of stopping the suite."""
    script = (
        "from liaise_lod._internal.parallel import fork_map\n"
        "results = fork_map(lambda n: n * 2, list(range(50_000)), 2)\n"
        "assert results == [n * 2 for n in range(50_000)]\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_one_process_works_here():
    parent = os.getpid()
    assert fork_map(lambda n: os.getpid(), [1, 2, 3], 1) == [parent] * 3


def test_progress_counts_every_item_and_ends_at_the_total():
    seen = []
    fork_map(lambda n: n, list(range(50)), 2, seen.append)
    assert seen[-1] == 50
    assert seen == sorted(seen) and all(1 <= done <= 50 for done in seen)


def test_a_failure_in_a_helper_is_raised_here():
    parent = os.getpid()

    def work(number):
        time.sleep(0.002)
        if os.getpid() != parent:
            raise ValueError(f"cannot do {number}")
        return number

    with pytest.raises(LiaiseError, match=r"a helper process failed:(.|\n)*ValueError: cannot do"):
        fork_map(work, list(range(100)), 2)


def test_a_helpers_system_error_is_raised_here_as_it_was():
    """A full disk in a helper is reported like a full disk here (the command line then says
    so in a line), not as a traceback; so is one of our own errors."""
    import errno

    from liaise_lod.errors import OutputError

    parent = os.getpid()

    def work(number):
        time.sleep(0.002)
        if os.getpid() != parent:
            raise OSError(errno.ENOSPC, "No space left on device")
        return number

    with pytest.raises(OSError) as raised:
        fork_map(work, list(range(100)), 2)
    assert raised.value.errno == errno.ENOSPC and not isinstance(raised.value, LiaiseError)

    def ours():
        raise OutputError("refusing to write 'x'")

    with pytest.raises(OutputError, match="refusing to write 'x'"), forked(ours) as result:
        result()


def test_a_failure_here_is_raised_as_is():
    with pytest.raises(ZeroDivisionError):
        fork_map(lambda n: 1 / n, [0], 1)


def test_available_processes_is_at_least_one():
    assert 1 <= available_processes() <= 4


def test_forked_work_runs_in_another_process_while_this_one_goes_on():
    parent = os.getpid()
    started = time.perf_counter()
    with forked(lambda: (time.sleep(0.5), os.getpid())[1]) as result:
        went_on = time.perf_counter() - started
        assert result() != parent
        assert result() == result()  # asked again: the same result, not a second run
    assert went_on < 0.4


def test_forked_work_runs_here_when_not_forking():
    calls = []
    with forked(lambda: calls.append(os.getpid()) or len(calls), fork=False) as result:
        assert calls == []  # nothing runs until the result is asked for
        assert result() == result() == 1
    assert calls == [os.getpid()]


def test_a_forked_failure_is_raised_with_its_traceback():
    def work():
        raise ValueError("no dumps today")

    failed = r"a helper process failed:(.|\n)*no dumps today"
    with forked(work) as result, pytest.raises(LiaiseError, match=failed):
        result()


def test_forked_work_not_waited_for_is_stopped(tmp_path):
    mark = tmp_path / "finished"
    with forked(lambda: (time.sleep(1), mark.write_text("yes"))):
        pass
    time.sleep(1.5)
    assert not mark.exists()


# --------------------------------------------------------------------------- parent killed

KILLED_PARENT = """
import sys, time
from liaise_lod._internal import parallel
if sys.argv[1] == "watching":  # as where the kernel cannot be asked (not Linux)
    parallel._ask_kernel_for_death_signal = lambda: False
parallel.fork_map(lambda n: time.sleep(0.05), list(range(100_000)), 3)
"""


@pytest.mark.parametrize("how", ["kernel", "watching"])
def test_helpers_end_when_their_parent_is_killed(how):
    """kill -9 of the parent: its helpers, with thousands of items still to take, end too
    (they went on for good: each held the other's pipe open, so neither saw the parent go)."""
    require_proc()
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, how])
    try:
        assert wait_for(lambda: len(children(parent.pid)) == 2, 60), "no helpers started"
        helpers = children(parent.pid)
    finally:
        parent.kill()
        parent.wait()
    assert wait_for(lambda: all(map(gone, helpers)), 10), "helpers outlived their parent"
