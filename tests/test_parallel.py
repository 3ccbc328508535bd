"""fork_map: work shared out between forked processes, results in order, failures reported."""

from __future__ import annotations

import os
import time

import pytest

from liaise_lod.errors import LiaiseError
from liaise_lod.parallel import available_processes, fork_map


def test_results_come_back_in_order_from_several_processes():
    parent = os.getpid()
    table = {number: number * number for number in range(200)}  # seen by helpers via fork

    def work(number):
        time.sleep(0.002)  # slow enough that every process gets some
        return table[number], os.getpid() != parent

    results = fork_map(work, list(range(200)), 3)
    assert [square for square, _ in results] == [n * n for n in range(200)]
    assert any(in_helper for _, in_helper in results)  # really shared out


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


def test_a_failure_here_is_raised_as_is():
    with pytest.raises(ZeroDivisionError):
        fork_map(lambda n: 1 / n, [0], 1)


def test_available_processes_is_at_least_one():
    assert 1 <= available_processes() <= 4
