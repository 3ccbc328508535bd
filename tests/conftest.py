"""Shared fixtures: the small test dataset, the bundled example, and a writer for bad inputs."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
MINI = TESTS / "data" / "mini"
EXAMPLE = REPO / "examples" / "liaise2"


def run_cli(args: list[str], hash_seed: str) -> None:
    """``liaise-lod ARGS`` in a fresh interpreter with this string-hash seed: runs with two
    seeds must agree, so nothing may follow the order of a set of strings."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "liaise_lod.cli", *args]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run(command, check=True, env=env, capture_output=True)


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


@pytest.fixture
def untuned(monkeypatch) -> Callable[[], None]:
    """Call it to make validate() run pySHACL as released, without liaise_lod._internal.pyshacl_tuning.
    Skips the test where the installed pySHACL is not one the tuning knows (then there is
    nothing to compare)."""
    import contextlib
    import importlib

    from liaise_lod._internal.pyshacl_tuning import is_tunable

    if not is_tunable():
        pytest.skip("the installed pySHACL is not tuned: validate() already runs it as released")
    module = importlib.import_module("liaise_lod.validation")  # the package exports validate()
    return lambda: monkeypatch.setattr(module, "tuned", contextlib.nullcontext)


def edited_example(folder: Path) -> Path:
    """A copy of the example with a project's end date and acronym changed and a news article
    renamed (one resource removed, one added)."""
    shutil.copytree(EXAMPLE, folder)
    projects = folder / "projects.yaml"
    text = projects.read_text(encoding="utf-8")
    text = text.replace("    end: 2018-01\n", "    end: 2018-02\n", 1)
    text = text.replace("acronym: LIAISE 2\n", "acronym: LIAISE II\n", 1)
    projects.write_text(text, encoding="utf-8")
    news = folder / "news.yaml"
    text = news.read_text(encoding="utf-8")
    renamed = "news-cep-15th-general-assembly"
    news.write_text(text.replace(f"id: {renamed}\n", f"id: {renamed}-2\n", 1), encoding="utf-8")
    return folder


class Versions(NamedTuple):
    old: Path  #: the example, built
    new_data: Path  #: its edited copy (``edited_example``)
    new: Path  #: that copy, built


@pytest.fixture(scope="session")
def example_versions(tmp_path_factory) -> Versions:
    """Two versions of the example, for ``diff`` and ``push --changes``."""
    from liaise_lod.pipeline import build

    tmp = tmp_path_factory.mktemp("versions")
    build(EXAMPLE, tmp / "old")
    build(edited_example(tmp / "new-data"), tmp / "new")
    return Versions(tmp / "old", tmp / "new-data", tmp / "new")


@pytest.fixture
def violations_everywhere(monkeypatch):
    """Validation as if the base IRI were another: every record IRI is then outside it, a
    real violation of the IRI shape, in every record."""
    from liaise_lod import pipeline, validation

    real_find = validation.find_results

    def validate_elsewhere(graph, *, base, **options):
        return real_find(graph, base="https://elsewhere.example.org/", **options)

    monkeypatch.setattr(validation, "find_results", validate_elsewhere)
    monkeypatch.setattr(pipeline, "find_results", validate_elsewhere)
