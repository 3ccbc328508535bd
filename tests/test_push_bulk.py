"""``push --bulk oxigraph:DIR``: the graph written into an Oxigraph store folder by its bulk
loader. The judge: a real Oxigraph server started on that folder afterwards, read over the
SPARQL protocol and parsed by rdflib, holds the source's triples, triple for triple."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from test_push import BASE, EXAMPLE_TRIPLES, Store, free_port, oxigraph_binary, running, virtuoso
from test_push_changes import held, marker_of

from conftest import EXAMPLE
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, PushError
from liaise_lod.graph_diff import diff
from liaise_lod.graph_store import push

GRAPH = "https://test.example.org/graph/bulk"
__all__ = ["virtuoso"]  # a fixture, used by name


def served(folder: Path):
    """An Oxigraph server on the store folder, for as long as the block runs."""
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    command = [oxigraph_binary(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    return running(command, folder.parent, f"{root}/query?query=ASK%7B%7D", 30), Store(
        f"{root}/store", f"{root}/update", f"{root}/query"
    )


def test_bulk_load_then_serve_holds_the_source_and_its_marker(example_versions, tmp_path, capsys):
    old, new = example_versions.old, example_versions.new
    folder = tmp_path / "store"
    args = ["push", str(new), "--bulk", f"oxigraph:{folder}", "--graph", GRAPH]
    assert main(args) == 0  # a first version, replaced below
    assert main(["push", str(old), "--bulk", f"oxigraph:{folder}", "--graph", GRAPH]) == 0
    out = capsys.readouterr().out
    assert f"loaded into <{GRAPH}> at oxigraph:{folder} by its bulk loader, counted" in out
    server, store = served(folder)
    with server:
        assert held(store, GRAPH) == set(Graph().parse(old / "dataset.nt", format="nt"))
        assert marker_of(store, GRAPH) == {(GRAPH, diff(old, new).old_version)}
        options = {"update_endpoint": store.update, "progress": False, "log": print}
        result = push(new, store.endpoint, graph=GRAPH, changes_from=old, **options)
        assert result.check == "version checked"  # the marker the bulk load left
        assert held(store, GRAPH) == set(Graph().parse(new / "dataset.nt", format="nt"))


def test_a_folder_a_server_holds_is_refused(example_versions, tmp_path):
    folder = tmp_path / "store"
    from liaise_lod._internal.bulk import bulk_push

    bulk_push(example_versions.old, f"oxigraph:{folder}", graph=GRAPH)
    server, _ = served(folder)
    with server, pytest.raises(PushError, match="is a server using it"):
        bulk_push(example_versions.new, f"oxigraph:{folder}", graph=GRAPH)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--bulk", "virtuoso:1111"], "--bulk takes oxigraph:DIR"),
        (["--bulk", "virtuoso:h:1"], "takes --bulk-dir DIR"),
        (["--bulk", "oxigraph:x", "--bulk-dir", "."], "takes neither --auth-env nor --bulk-dir"),
        (["--bulk", "oxigraph:"], "--bulk takes oxigraph:DIR"),
        (["--bulk", "oxigraph:x", "--endpoint", "http://127.0.0.1:1/s"], "--endpoint does not"),
        ([], "give the store: --endpoint URL, or --bulk STORE"),
    ],
)
def test_bulk_settings_are_checked(example_versions, capsys, extra, message):
    assert main(["push", str(example_versions.old), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    with pytest.raises(ConfigError):
        from liaise_lod._internal.bulk import bulk_target

        bulk_target("nope")


@pytest.mark.slow
def test_virtuoso_bulk_load_holds_the_source(virtuoso, example_versions, monkeypatch, capsys):
    old, new = example_versions.old, example_versions.new
    staging = virtuoso.folder / "staging"
    staging.mkdir(exist_ok=True)
    monkeypatch.setenv("VIRTUOSO_LOGIN", "dba:dba")
    args = ["push", str(old), "--bulk", f"virtuoso:{virtuoso.sql}", "--graph", GRAPH]
    args += ["--bulk-dir", str(staging), "--auth-env", "VIRTUOSO_LOGIN"]
    assert main([*args[:1], str(new), *args[2:]]) == 0  # a first version, replaced below
    assert main(args) == 0, capsys.readouterr().err
    assert held(virtuoso, GRAPH) == set(Graph().parse(old / "dataset.nt", format="nt"))
    assert marker_of(virtuoso, GRAPH) == {(GRAPH, diff(old, new).old_version)}
    assert list(staging.iterdir()) == []  # the staged file is gone
    assert virtuoso.graphs("urn:liaise-lod:push:") == set()
    options = {"update_endpoint": virtuoso.update, "progress": False, "auth_env": "VIRTUOSO_LOGIN"}
    result = push(new, virtuoso.endpoint, graph=GRAPH, changes_from=old, **options)
    assert result.check == "version checked"  # the marker the bulk load left
    monkeypatch.setenv("VIRTUOSO_LOGIN", "dba:wrong-secret")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Bad login" in err and "wrong-secret" not in err and err.count("\n") == 1


@pytest.mark.slow
def test_virtuoso_refuses_a_folder_not_in_dirs_allowed(
    virtuoso, example_versions, monkeypatch, tmp_path
):
    from liaise_lod._internal.bulk import bulk_push

    monkeypatch.setenv("VIRTUOSO_LOGIN", "dba:dba")
    outside = Path("/var/tmp") if Path("/var/tmp").is_dir() else tmp_path
    staging = outside / f"liaise-lod-test-{free_port()}"
    staging.mkdir()
    try:
        with pytest.raises(PushError, match=r"FA003.*DirsAllowed in its virtuoso.ini"):
            bulk_push(
                example_versions.old,
                f"virtuoso:{virtuoso.sql}",
                graph=GRAPH + "/refused",
                auth_env="VIRTUOSO_LOGIN",
                staging=staging,
            )
        assert list(staging.iterdir()) == []
    finally:
        staging.rmdir()
    assert virtuoso.graphs(GRAPH + "/refused") == set()


def test_a_dataset_and_a_broken_dump(tmp_path):
    """A dataset goes in (its base IRI the graph); a broken dump is refused before the store
    is touched."""
    import pyoxigraph as ox

    from liaise_lod._internal.bulk import bulk_push
    from liaise_lod._internal.graph_version import marker_graph
    from liaise_lod.graph_diff import graph_text

    folder = tmp_path / "store"
    result = bulk_push(EXAMPLE, f"oxigraph:{folder}")
    assert result.graph == BASE and result.triples == EXAMPLE_TRIPLES
    broken = tmp_path / "broken.nt"
    broken.write_text('<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "open .\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid RDF"):
        bulk_push(broken, f"oxigraph:{folder}", graph=GRAPH)
    store = ox.Store(str(folder))
    version = graph_text(EXAMPLE).version
    markers = {
        str(q.object.value)
        for q in store.quads_for_pattern(None, None, None, None)
        if q.graph_name == ox.NamedNode(marker_graph(BASE))
    }
    assert markers == {version}
    assert not list(store.quads_for_pattern(None, None, None, ox.NamedNode(marker_graph(GRAPH))))
