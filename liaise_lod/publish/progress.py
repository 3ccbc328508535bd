"""A progress bar on the terminal for long runs; silent when the output is not a terminal."""

from __future__ import annotations

from typing import TextIO

from .site import Progress

WIDTH = 30
MINIMUM = 500


def progress_bar(stream: TextIO, minimum: int = MINIMUM) -> Progress | None:
    """A callback drawing ``[####    ] n/total pages`` on ``stream``, or None when ``stream`` is
    not a terminal. Runs of fewer than ``minimum`` pages draw nothing."""
    if not stream.isatty():
        return None

    def draw(done: int, total: int) -> None:
        if total < minimum or (done % 50 and done != total):
            return
        filled = WIDTH * done // total
        stream.write(f"\r[{'#' * filled}{' ' * (WIDTH - filled)}] {done}/{total} pages")
        if done == total:
            stream.write("\n")
        stream.flush()

    return draw
