"""``liaise-lod diff``: what changed between two versions of a graph.

The RDF Patch is judged by an applier written here from the specification
(https://afs.github.io/rdf-patch/), each statement parsed by rdflib: the old graph, patched,
must be the new graph, triple for triple. The version IRIs are checked against
``LC_ALL=C sort -u dataset.nt | sha256sum``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import EXAMPLE, edited_example
from liaise_lod import GraphDiff, diff
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError

PROJECT = "https://data.example.org/liaise2/project/liaise-2"
RENAMED = "news-cep-15th-general-assembly"


@pytest.fixture
def versions(example_versions) -> tuple[Path, Path]:
    """The example and its edited copy, each built: (old output, new output)."""
    return example_versions.old, example_versions.new


def nt_graph(path: Path) -> Graph:
    return Graph().parse(path, format="nt")


def apply_patch(graph: Graph, patch: str) -> Graph:
    """Apply an RDF Patch as its specification says, one row at a time: ``H`` header rows,
    ``TX``/``TC`` around a transaction, ``A`` adds a triple, ``D`` deletes one. Each statement
    must change the graph (a minimal patch adds nothing present, deletes nothing absent)."""
    patched = Graph()
    for triple in graph:
        patched.add(triple)
    rows = patch.splitlines()
    assert rows[-1] == "TC ." and "TX ." in rows
    for row in rows:
        code, _, rest = row.partition(" ")
        if code in ("H", "TX", "TC"):
            continue
        assert code in ("A", "D"), row
        (triple,) = Graph().parse(data=rest, format="nt")
        assert (triple in patched) == (code == "D"), row
        (patched.remove if code == "D" else patched.add)(triple)
    return patched


def header(patch: str) -> dict[str, str]:
    return dict(re.findall(r"^H (\w+) <([^>]*)> \.$", patch, flags=re.MULTILINE))


def sorted_nt_sha256(path: Path) -> str:
    """The version of an N-Triples dump as a shell would work it out."""
    sort = subprocess.run(
        ["sort", "-u", str(path)],
        env={**os.environ, "LC_ALL": "C"},
        capture_output=True,
        check=True,
    )
    return "urn:liaise-lod:graph:sha256:" + hashlib.sha256(sort.stdout).hexdigest()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_old_patched_is_new_triple_for_triple(versions, capsys):
    old, new = versions
    code, patch, _ = run(capsys, str(old), str(new))
    assert code == 1  # as diff(1): 1 when the versions differ
    patched = apply_patch(nt_graph(old / "dataset.nt"), patch)
    expected = nt_graph(new / "dataset.nt")
    assert set(patched) == set(expected)
    assert isomorphic(patched, expected)


def test_the_header_names_both_versions_by_their_sorted_n_triples(versions, capsys):
    old, new = versions
    _, patch, _ = run(capsys, str(old), str(new))
    assert patch.splitlines()[:3] == [
        f"H id <{sorted_nt_sha256(new / 'dataset.nt')}> .",
        f"H prev <{sorted_nt_sha256(old / 'dataset.nt')}> .",
        "TX .",
    ]


def test_every_kind_of_source_gives_the_same_patch(versions, tmp_path, capsys):
    old, new = versions
    _, expected, _ = run(capsys, str(old), str(new))
    gzipped = tmp_path / "dataset.nt.gz"
    subprocess.run(["gzip", "-k", "-c", str(old / "dataset.nt")], stdout=gzipped.open("wb"))
    new_data = edited_example(tmp_path / "new-data")
    pairs = [(EXAMPLE, new_data), (old / "dataset.ttl", new / "dataset.nt")]
    pairs += [(old / "dataset.jsonld", new / "dataset.jsonld"), (gzipped, new)]
    for before, after in pairs:
        assert run(capsys, str(before), str(after))[1] == expected, (before, after)


def test_changes_are_grouped_by_resource_and_sorted(versions):
    old, new = versions
    changes = diff(old, new)
    assert isinstance(changes, GraphDiff)
    iris = [resource.iri for resource in changes.resources]
    assert iris == sorted(iris)
    kinds = {resource.iri: resource.change for resource in changes.resources}
    news = "https://data.example.org/liaise2/news/"
    assert kinds[PROJECT] == "changed"
    assert kinds[PROJECT + "#end"] == "changed"
    assert kinds[news + RENAMED] == "removed"
    assert kinds[news + RENAMED + "-2"] == "added"
    for resource in changes.resources:
        assert resource.removed == sorted(resource.removed)
        assert resource.added == sorted(resource.added)
        subject = f"<{resource.iri}> "
        assert all(line.startswith(subject) for line in resource.removed + resource.added)
    assert sum(len(r.removed) for r in changes.resources) == len(changes.removed)
    assert sum(len(r.added) for r in changes.resources) == len(changes.added)


def test_json_and_table(versions, capsys):
    old, new = versions
    code, out, _ = run(capsys, str(old), str(new), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["equal"] is False
    assert data["old"]["version"] == sorted_nt_sha256(old / "dataset.nt")
    project = next(r for r in data["resources"] if r["iri"] == PROJECT)
    assert project["change"] == "changed"
    assert any('"LIAISE II"' in line for line in project["added"])
    assert data["added"] == sum(len(r["added"]) for r in data["resources"])
    _, table, _ = run(capsys, str(old), str(new), "--format", "table")
    block = table.split(f"changed  <{PROJECT}>\n")[1].split("\n\n")[0]
    assert '  - schema:alternateName "LIAISE 2"' in block.splitlines()
    assert '  + schema:alternateName "LIAISE II"' in block.splitlines()
    summary = table.rstrip().splitlines()[-1]
    changed = sum(r["change"] == "changed" for r in data["resources"])
    assert summary == (
        f"{len(data['resources'])} resources: 1 added, 1 removed, {changed} changed; "
        f"{data['removed']} triples removed, {data['added']} added"
    )


def test_the_same_graph_is_no_change(versions, capsys):
    old, _ = versions
    code, patch, _ = run(capsys, str(EXAMPLE), str(old / "dataset.ttl"))
    assert code == 0
    assert patch.splitlines()[2:] == ["TX .", "TC ."]
    assert header(patch)["id"] == header(patch)["prev"]
    code, table, _ = run(capsys, str(old), str(old), "--format", "table")
    triples = len(nt_graph(old / "dataset.nt"))
    assert code == 0 and table.rstrip().splitlines()[-1] == f"no change ({triples} triples)"


def test_output_is_the_same_whatever_the_hash_seed(versions, capsys):
    import sys

    old, new = versions
    _, here, _ = run(capsys, str(old), str(new))
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    there = subprocess.run(
        [sys.executable, "-m", "liaise_lod.cli", "diff", str(old), str(new)],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
    )
    assert there.stdout.decode() == here


def test_blank_nodes_are_refused_with_the_reason(tmp_path, capsys, versions):
    old, _ = versions
    dump = tmp_path / "blank.nt"
    dump.write_text(
        '_:b <http://schema.org/name> "x" .\n<http://a.example/s> <http://p.example/p> _:b .\n'
    )
    code, out, err = run(capsys, str(old), str(dump))
    assert code == 2 and out == ""
    assert "2 triples with blank nodes" in err and "give the blank nodes IRIs" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    with pytest.raises(ConfigError, match="blank nodes"):
        diff(dump, old)


def test_unreadable_sides_are_errors_without_traceback(tmp_path, capsys, versions):
    old, _ = versions
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://a.example/s> <http://p.example/p> .\n")
    for other in (bad, tmp_path / "missing.nt", tmp_path):
        code, out, err = run(capsys, str(old), str(other))
        assert code == 2 and out == "", other
        assert err.startswith("liaise-lod: ") and "Traceback" not in err, err
