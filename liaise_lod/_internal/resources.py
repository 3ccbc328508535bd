"""Locate the data files (SHACL shapes, SKOS schemes, JSON-LD context) that ship with the package.

In a wheel they sit inside the package (``liaise_lod/shapes``, ``liaise_lod/vocab``); in a source
checkout they sit at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``shapes`` or ``vocab``, wherever this installation keeps it."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"liaise-lod is installed without its '{name}' folder")


def shapes_dir() -> Path:
    return data_dir("shapes")


def vocab_dir() -> Path:
    return data_dir("vocab")
