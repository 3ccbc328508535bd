"""Two folders trading places in one step, so that a web server reading one never finds it
missing or half old, half new.

Linux has a system call for it (``renameat2`` with ``RENAME_EXCHANGE``, since 3.15, in glibc
since 2.28); Python does not wrap it, so it is called through ``ctypes``. Elsewhere, or on a
file system that cannot exchange, ``exchange`` says so and the caller renames twice.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import sys
from functools import cache
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: What the kernel or C library answers where the call, or the flag, is not supported.
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


@cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):  # no C library found, or one older than glibc 2.28
        return None
    path, directory = ctypes.c_char_p, ctypes.c_int
    function.argtypes = [directory, path, directory, path, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Make ``first`` and ``second`` (both existing) trade places at once. ``False`` where the
    system cannot, and nothing changed; ``OSError`` for any other failure."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    paths = os.fsencode(first), os.fsencode(second)
    if renameat2(_AT_FDCWD, paths[0], _AT_FDCWD, paths[1], _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
