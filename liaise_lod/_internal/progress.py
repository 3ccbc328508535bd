"""Progress of long runs: a one-line bar (publish, push), drawn only on a terminal, and the
time each stage took, logged at INFO on the ``liaise_lod`` logger (``liaise-lod -v`` shows it)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

log = logging.getLogger("liaise_lod")

WIDTH = 30


class ProgressBar:
    """``label [#########.....]  42% 420/1000 unit`` on one line of ``stream`` (default stderr).

    Call it as ``bar(done, total)``, the callback ``publish`` accepts (``push`` makes its own).
    It draws only when ``enabled`` (default: ``stream`` is a terminal) and the run has at least
    ``minimum`` items, redraws only when the percentage moves, and ends its line when
    ``done == total`` (calls after that draw nothing) or on ``close()``.
    """

    def __init__(
        self,
        label: str,
        unit: str,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        minimum: int = 1,
    ):
        self.label, self.unit, self.minimum = label, unit, max(1, minimum)
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._shown: int | None = None  # the percentage on screen, None when no line is open
        self._finished = False  # reached done == total: later calls draw nothing

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.minimum or self._finished:
            return
        percent = 100 * done // total
        if percent != self._shown:
            filled = WIDTH * done // total
            bar = "#" * filled + "." * (WIDTH - filled)
            line = f"\r{self.label} [{bar}] {percent:3d}% {done}/{total} {self.unit}"
            self.stream.write(line)
            self.stream.flush()
            self._shown = percent
        if done >= total:
            self._finished = True
            self.close()

    def close(self) -> None:
        """End the bar's line, if one is open (e.g. before an error message)."""
        if self._shown is not None:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = None


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Log how long the ``with`` block took: ``validate: 37.62 s``."""
    start = time.perf_counter()
    yield
    log.info("%s: %.2f s", name, time.perf_counter() - start)
