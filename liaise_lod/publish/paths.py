"""Where each resource lives in the site, checked never to leave the site folder."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from ..iris import Iris
from ..namespaces import LLOD_HOME

_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def site_path(iri: str, iris: Iris) -> str:
    """The extension-less path of a resource's page, relative to the site root:
    ``project/alpha`` for a record, ``vocab/role/partner`` for one of our concepts."""
    if iri.startswith(iris.base):
        path = iri[len(iris.base) :]
    elif iri.startswith(LLOD_HOME):
        path = iri[len(LLOD_HOME) :]
    else:
        raise OutputError(f"{iri} is neither under the base {iris.base} nor one of our concepts")
    segments = path.split("/")
    if not all(_SEGMENT.match(segment) for segment in segments):
        raise OutputError(f"refusing to write a page for {iri}: unsafe path '{path}'")
    return path


def inside(site: Path, relative: str) -> Path:
    """``site / relative``, refusing any path that would resolve outside ``site``."""
    root = site.resolve()
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        raise OutputError(f"refusing to write {relative!r}: it resolves outside {root}")
    return target


class SiteFolder:
    """Paths for files in a site folder that is being written, each checked like ``inside``:
    the check, and the ``mkdir``, happen once per folder rather than once per file."""

    def __init__(self, root: Path):
        self.root = root
        self._folders: dict[str, Path] = {}
        self._texts: dict[str, str] = {}

    def file(self, relative: str) -> Path:
        """``root / relative``, its folder created; ``OutputError`` if it would leave ``root``."""
        folder, _, name = relative.rpartition("/")
        if name in ("", ".", ".."):
            raise OutputError(f"refusing to write {relative!r}: it does not name a file")
        checked = self._folders.get(folder)
        if checked is None:
            checked = inside(self.root, folder or ".")
            checked.mkdir(parents=True, exist_ok=True)
            self._folders[folder] = checked
        return checked / name

    def file_text(self, relative: str) -> str:
        """``file(relative)`` as text, made faster for many files of few folders."""
        folder, _, name = relative.rpartition("/")
        text = self._texts.get(folder)
        if text is None:
            text = self._texts[folder] = os.fspath(self.file(relative).parent)
        if name in ("", ".", ".."):
            raise OutputError(f"refusing to write {relative!r}: it does not name a file")
        return f"{text}/{name}"

    def write(self, relative: str, data: bytes) -> None:
        """Write ``data`` to ``file(relative)``, never through a symbolic link. (Without
        Python's file objects: a site has hundreds of thousands of small files.)"""
        descriptor = os.open(self.file(relative), _WRITE_FLAGS, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)


_WRITE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_TRUNC
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)


def relative_url(source: str, target: str) -> str:
    """A relative URL from the page at ``source`` to the page at ``target`` (both site paths,
    ``""`` being the index)."""
    prefix = "../" * source.count("/")
    return f"{prefix}{target}" if target else (prefix or "./")


@dataclass(frozen=True)
class PageLanguages:
    """The languages a site's pages are written in: the default one's page of a resource is at
    the resource's own path (``project/alpha``, so that its IRI leads to it), each other's
    beside it with the language as a suffix (``project/alpha.fr``; the index's is
    ``index.fr``). No path of a resource holds a dot, so no page of one language can be taken
    for another resource's."""

    default: str = "en"
    others: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return (self.default, *self.others)

    def page(self, path: str, language: str) -> str:
        """The extension-less site path of the page of ``path`` (``""``: the index) in
        ``language``."""
        if language == self.default:
            return path
        return f"{path or 'index'}.{language}"
