"""Which processes a process started, and whether they are gone (Linux ``/proc``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

PROC = Path("/proc")


def require_proc() -> None:
    if not (PROC / "self" / "stat").is_file():
        pytest.skip("needs Linux /proc to follow processes")


def _stat(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent, or None once it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    state, parent = text[text.rindex(")") + 2 :].split()[:2]  # the name may hold ") "
    return state, int(parent)


def children(pid: int) -> set[int]:
    found = set()
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[1] == pid:
            found.add(int(entry.name))
    return found


def gone(pid: int) -> bool:
    """Ended: no longer listed, or a zombie waiting for whoever inherited it to collect it."""
    stat = _stat(pid)
    return stat is None or stat[0] in "ZX"


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
