"""Shared fixtures: the small test dataset, the bundled example, and a writer for bad inputs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
MINI = TESTS / "data" / "mini"
EXAMPLE = REPO / "examples" / "liaise2"


@pytest.fixture(scope="session")
def mini_dataset():
    from liaise_lod.load import load_dataset

    return load_dataset(MINI)


@pytest.fixture(scope="session")
def mini_graph(mini_dataset):
    from liaise_lod.mapping import to_graph

    return to_graph(mini_dataset)


@pytest.fixture
def write_dataset(tmp_path):
    """Write files (name -> text, dedented) into a fresh dataset folder and return its path."""

    def write(**files: str) -> Path:
        folder = tmp_path / "dataset"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            (folder / name.replace("__", ".")).write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return write
