"""Building millions of small objects at once, without Python's cyclic garbage collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while a graph-sized structure is built.

    The collector runs after every few hundred allocations and then walks every live object:
    with a graph of millions of terms in memory that is most of the time spent (converting a
    600,000-triple graph for sorting: 5.6 s with it, 3.4 s without). The structures we build
    hold no reference cycles; reference counting still frees everything as usual.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
