"""bulk_allocation and long_lived: the garbage collector kept off graph-sized data."""

from __future__ import annotations

import gc

from liaise_lod._internal.allocation import bulk_allocation, long_lived


def test_long_lived_freezes_what_exists_and_releases_it_when_the_outermost_block_ends():
    gc.unfreeze()
    kept = [[] for _ in range(1000)]
    with long_lived():
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        made_inside = [[] for _ in range(500)]
        with long_lived():
            assert gc.get_freeze_count() >= frozen + len(made_inside)
        assert gc.get_freeze_count() >= frozen + len(made_inside)  # the outer block holds on
    assert gc.get_freeze_count() == 0


def test_long_lived_releases_on_an_exception():
    gc.unfreeze()
    try:
        with long_lived():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.get_freeze_count() == 0


def test_cycles_made_in_a_frozen_block_are_still_collected():
    gc.unfreeze()
    with long_lived():
        cycle: list = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1


def test_bulk_allocation_pauses_collection_and_restores_it():
    assert gc.isenabled()
    with bulk_allocation():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk_allocation():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_long_lived_leaves_what_the_host_froze_frozen():
    """A host application's frozen objects stay frozen: Python can only unfreeze all."""
    gc.unfreeze()
    hosts = [[] for _ in range(100)]
    gc.freeze()
    theirs = gc.get_freeze_count()
    try:
        with long_lived():
            ours = [[] for _ in range(100)]
            assert gc.get_freeze_count() == theirs  # ours are not frozen on top
        assert gc.get_freeze_count() == theirs
        assert hosts and ours
    finally:
        gc.unfreeze()
