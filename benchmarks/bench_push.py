"""Benchmark ``push --changes`` against a full push, on the Oxigraph server.

    python benchmarks/bench_push.py 10000

makes a synthetic dataset of N projects and a copy with one project edited (its name and
description), writes each as an N-Triples dump, and starts an Oxigraph server on a free
127.0.0.1 port (in memory; with ``--on-disk``, in a temporary folder). The store's graph
holds the old version; then it prints the seconds of

- a full push of the new version (upload to a temporary graph, MOVE, count: the baseline),
- ``push --changes OLD`` of the new version (the store's version marker read and claimed, the
  two dumps compared by bytes, the changes in one SPARQL Update, the marker read back),

each from the dumps, and checks that both graphs end equal (the marker graphs aside).
``--verify`` adds ``push --changes OLD --verify`` (the store's graph read back and compared
before, counted after) on a third graph. ``--dumps DIR`` keeps the dumps in DIR/N/ and reuses
them (making the 10,000-project dumps takes minutes). The machine's speed (a fixed
pure-Python loop) is printed before and after: this VM's CPU speed varies from hour to hour,
and other jobs may share it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publish import reference_loop_seconds
from bench_sparql import Server, oxigraph_binary

import synthetic

OLD_GRAPH = "https://bench.example.org/graph/changes"
FULL_GRAPH = "https://bench.example.org/graph/full"
VERIFIED_GRAPH = "https://bench.example.org/graph/verified"


def edited(data: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """A copy with one project's name and description changed."""
    copy = json.loads(json.dumps(data))
    project = copy["projects"][len(copy["projects"]) // 2]
    project["name"]["en"] += " (edited)"
    project["description"] = {"en": "An edited description."}
    return copy


def write(folder: Path, data: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True)
    dataset = {"dataset": {"base": synthetic.BASE, "language": "en"}}
    (folder / "dataset.json").write_text(json.dumps(dataset))
    for name, items in data.items():
        (folder / f"{name}.json").write_text(json.dumps({name: items}))
    return folder


def dump(folder: Path, out: Path) -> Path:
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import to_graph
    from liaise_lod.serialize import ntriples

    out.write_bytes(ntriples(to_graph(load_dataset(folder))))
    return out


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def ask(server: Server, sparql: str) -> bool:
    body = urlencode({"query": sparql}).encode()
    headers = {"Accept": "application/sparql-results+json"}
    request = urllib.request.Request(f"{server.root}/query", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=3600) as response:
        return bool(json.loads(response.read())["boolean"])


def dumps(folder: Path, projects: int) -> tuple[float, Path, Path]:
    """The old and new dumps in ``folder`` (made unless there), and the seconds making one."""
    old, new = folder / "old.nt", folder / "new.nt"
    if old.is_file() and new.is_file():
        return 0.0, old, new
    data = synthetic.records(projects)
    seconds, _ = timed(lambda: dump(write(folder / "old", data), old))
    dump(write(folder / "new", edited(data)), new)
    return seconds, old, new


def run(projects: int, on_disk: bool, verify: bool, keep: Path | None) -> None:
    from liaise_lod.graph_store import push

    binary = oxigraph_binary()
    if binary is None:
        sys.exit("the Oxigraph server is not installed (pip install oxigraph)")
    print(f"machine: a fixed Python loop takes {reference_loop_seconds():.2f} s (before)")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        seconds, old, new = dumps((keep or tmp) / str(projects), projects)
        triples = sum(1 for _ in old.open("rb"))
        print(f"{projects} projects: {triples} triples, dumps made ({seconds:.0f} s each)")
        server = Server(binary, tmp / "store" if on_disk else None)
        print(f"  Oxigraph server {'on disk' if on_disk else 'in memory'}")
        endpoint, update = f"{server.root}/store", f"{server.root}/update"
        options = {"update_endpoint": update, "progress": False, "log": lambda message: None}
        try:
            seconds, _ = timed(lambda: push(old, endpoint, graph=OLD_GRAPH, **options))
            print(f"  full push of the old version (setup)   {seconds:7.1f} s")
            seconds, full = timed(lambda: push(new, endpoint, graph=FULL_GRAPH, **options))
            print(f"  full push of the new version          {seconds:7.1f} s  ({full.summary()})")
            seconds, delta = timed(
                lambda: push(new, endpoint, graph=OLD_GRAPH, changes_from=old, **options)
            )
            print(f"  push --changes OLD                     {seconds:7.1f} s  ({delta.summary()})")
            if verify:
                push(old, endpoint, graph=VERIFIED_GRAPH, **options)
                seconds, checked = timed(
                    lambda: push(
                        new,
                        endpoint,
                        graph=VERIFIED_GRAPH,
                        changes_from=old,
                        verify=True,
                        **options,
                    )
                )
                line = f"  push --changes OLD --verify            {seconds:7.1f} s"
                print(f"{line}  ({checked.summary()})")
            differ = ask(
                server,
                f"ASK {{ {{ GRAPH <{OLD_GRAPH}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH "
                f"<{FULL_GRAPH}> {{ ?s ?p ?o }} }} }} UNION {{ GRAPH <{FULL_GRAPH}> {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ GRAPH <{OLD_GRAPH}> {{ ?s ?p ?o }} }} }} }}",
            )
            print(f"  the two graphs are {'NOT ' if differ else ''}equal, triple for triple")
        finally:
            server.stop()
    print(f"machine: a fixed Python loop takes {reference_loop_seconds():.2f} s (after)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("projects", type=int, nargs="*", default=[10_000])
    parser.add_argument(
        "--on-disk", action="store_true", help="the server keeps its data in a folder (RocksDB)"
    )
    parser.add_argument("--verify", action="store_true", help="also time --changes --verify")
    parser.add_argument("--dumps", type=Path, metavar="DIR", help="keep and reuse the dumps")
    args = parser.parse_args()
    for projects in args.projects:
        run(projects, args.on_disk, args.verify, args.dumps)


if __name__ == "__main__":
    main()
