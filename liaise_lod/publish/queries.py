"""The SPARQL queries a site publishes: those the dataset settings name (``queries:``), read
from the dataset folder, and no other file. A query is public once published, so nothing is
picked up by where it lies (a draft holding a password sat beside the example queries), and
nothing is read from outside the dataset folder, whatever a symbolic link says."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError, Problem
from ..model import _check_printable

#: The largest query published, in bytes: the index page shows each in full.
MAX_QUERY_BYTES = 64 * 1024
_FIELD = "queries"
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class Query:
    """A query as the site publishes it: ``queries/{name}``, and shown on the index page."""

    name: str
    text: str

    @property
    def site_path(self) -> str:
        return f"queries/{self.name}"


class _Refused(Exception):
    """Why a named query is not published."""


def published_queries(source: Path, named: list[str] | None) -> list[Query]:
    """The queries ``named`` (paths from the dataset folder: ``source``, or the folder of
    ``source`` when it is one file), in that order. ``InputError`` lists every one that is
    missing, leads outside the folder, is not a small UTF-8 text file, or whose file name
    another one already has."""
    folder = source if source.is_dir() else source.parent
    root = folder.resolve()
    queries: dict[str, Query] = {}
    problems = []
    for relative in named or []:
        path = folder / relative
        name = PurePosixPath(relative).name
        try:
            if name in queries:
                raise _Refused(f"another query named '{name}' is published already")
            queries[name] = Query(name, _read_inside(path, root))
        except _Refused as why:
            problems.append(Problem(str(path), None, "dataset", _FIELD, str(why)))
    if problems:
        raise InputError(problems)
    return list(queries.values())


def _read_inside(path: Path, root: Path) -> str:
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise _Refused("no such file in the dataset folder") from None
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop (< 3.13)
        raise _Refused(f"cannot be read: {_reason(error)}") from None
    if not real.is_relative_to(root):
        raise _Refused(f"leads outside the dataset folder {root} (to {real})")
    try:
        descriptor = os.open(real, _READ_FLAGS)
    except OSError as error:
        raise _Refused(f"cannot be read: {_reason(error)}") from None
    try:
        return _text(descriptor)
    finally:
        os.close(descriptor)


def _text(descriptor: int) -> str:
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        raise _Refused("is not a file")
    if status.st_size > MAX_QUERY_BYTES:
        raise _Refused(f"is larger than {MAX_QUERY_BYTES // 1024} KiB")
    try:
        text = _read_at_most(descriptor, MAX_QUERY_BYTES).decode("utf-8")
        _check_printable(text)
    except OSError as error:
        raise _Refused(f"cannot be read: {_reason(error)}") from None
    except UnicodeDecodeError as error:
        raise _Refused(f"is not UTF-8 text (byte {error.start + 1})") from None
    except ValueError as error:
        raise _Refused(str(error)) from None
    return text


def _read_at_most(descriptor: int, limit: int) -> bytes:
    data = b""
    while chunk := os.read(descriptor, limit + 1 - len(data)):
        data += chunk
        if len(data) > limit:  # grown since it was measured
            raise _Refused(f"is larger than {limit // 1024} KiB")
    return data


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return (error.strerror or str(error)).lower()
    return "a symbolic link loop"
