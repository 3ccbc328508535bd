"""Running code that cannot open a file or a socket, for the process that runs a query.

pyoxigraph sends a query's ``SERVICE`` calls over HTTP and offers no way to turn that off. Its
query process (forked for the purpose) lowers its own limit of open file descriptors to zero
while the engine runs: every descriptor it holds keeps working, but no new file or socket can
be opened, so no request can leave whatever the query says.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_new_descriptors() -> Iterator[None]:
    """While inside: this process can open no file and no socket (``EMFILE``). POSIX only, and
    for a process of its own: the limit is the whole process's, other threads included."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (0, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
