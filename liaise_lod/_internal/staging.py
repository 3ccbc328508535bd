"""Folders in which a run builds its output, beside the output, named after the run that made
them: a run killed before it could tidy up leaves its folder behind, and a later run removes
it. Only folders of this naming beside the same output are removed, and only once the run
named is gone.

A name reads ``.{output}.liaise-lod-staging.{machine}.{pid}.{start}.{random}``: ``machine``
tells this machine (and PID namespace) from another sharing the folder, whose processes cannot
be seen from here (such folders are left alone); ``start`` is when the process started, so that
a new process that was given the same number does not keep a dead run's folder alive.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import tempfile
from functools import cache
from pathlib import Path

TAG = "liaise-lod-staging"
#: Output names longer than this (in bytes) are named by a digest: the whole name must fit
#: in the 255 bytes a file name may have.
_LONGEST_NAME = 120
_UNKNOWN_START = "0"
_OWNER = re.compile(r"([0-9a-f]{12})\.([0-9]+)\.([0-9]+)\.[A-Za-z0-9_]+")


def new_folder(out: Path) -> Path:
    """A new empty folder beside ``out``, named for this run."""
    machine, pid, start = _this_run()
    return Path(
        tempfile.mkdtemp(prefix=f"{_prefix(out.name)}{machine}.{pid}.{start}.", dir=out.parent)
    )


def remove_abandoned(out: Path) -> list[Path]:
    """Remove the folders beside ``out`` that runs now gone left behind; returns them. Only
    a tidying: what cannot be listed or removed stays."""
    prefix = _prefix(out.name)
    removed: list[Path] = []
    try:
        entries = os.scandir(out.parent)
    except OSError:  # a folder that can be written but not listed, say
        return removed
    with entries:
        for entry in entries:
            if not entry.name.startswith(prefix):
                continue
            owner = _OWNER.fullmatch(entry.name[len(prefix) :])
            if owner is None:
                continue
            machine, pid, start = owner.groups()
            if entry.is_dir(follow_symlinks=False) and _gone(machine, int(pid), start):
                shutil.rmtree(entry.path, ignore_errors=True)  # another run may be at it too
                removed.append(Path(entry.path))
    return removed


def _prefix(name: str) -> str:
    if len(os.fsencode(name)) > _LONGEST_NAME:
        name = hashlib.sha256(os.fsencode(name)).hexdigest()[:32]
    return f".{name}.{TAG}."


def _this_run() -> tuple[str, int, str]:
    return _machine(), os.getpid(), start_time(os.getpid()) or _UNKNOWN_START


def _gone(machine: str, pid: int, start: str) -> bool:
    if machine != _machine():
        return False  # its processes are not ours to see
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        pass
    return start != _UNKNOWN_START and start_time(pid) not in (None, start)


@cache
def _machine() -> str:
    """This machine, and the PID namespace this process sees (containers share hosts)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return hashlib.sha256(f"{socket.gethostname()}\0{namespace}".encode()).hexdigest()[:12]


def start_time(pid: int) -> str | None:
    """When a process started, in clock ticks since boot (Linux); None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19].decode() if len(fields) > 19 else None  # field 22 of proc(5)
