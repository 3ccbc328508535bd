"""Benchmark SPARQL on synthetic datasets: embedded pyoxigraph, the Oxigraph server, rdflib.

    python benchmarks/bench_sparql.py 1000 10000

For each size (in a fresh process): build the synthetic dataset (benchmarks/synthetic.py), load
it into the embedded store (``liaise_lod.sparql.load_store``) and into an Oxigraph server started
on 127.0.0.1 (with its own bulk loader, ``oxigraph load``, or with ``--push`` through
``liaise_lod.graph_store``, which is transactional and much slower), then time every competency
question of
examples/queries (with the project "LIAISE 2" replaced by a synthetic one) and three analytic
queries over the whole graph, each as JSON results: embedded and server as the median of three
runs, rdflib's own SPARQL engine (the baseline) once, stopped after ``--rdflib-cap`` seconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

REPO = Path(__file__).resolve().parents[1]
QUERIES = REPO / "examples" / "queries"
PROJECT = "P17"
GRAPH = synthetic.BASE
REPEATS = 3

ANALYTIC = {
    "A1-partners-by-country-all": """
PREFIX schema: <http://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?country (COUNT(DISTINCT ?partner) AS ?partners) WHERE {
  ?membership org:member ?partner ; org:organization ?project .
  ?project a schema:Project .
  OPTIONAL { ?partner schema:address/schema:addressCountry ?country }
} GROUP BY ?country ORDER BY DESC(?partners) ?country""",
    "A2-busiest-organisations": """
PREFIX schema: <http://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?organisation (COUNT(DISTINCT ?project) AS ?projects) WHERE {
  ?membership org:member ?organisation ; org:organization ?project .
} GROUP BY ?organisation ORDER BY DESC(?projects) ?organisation LIMIT 10""",
    "A3-events-per-year": """
PREFIX schema: <http://schema.org/>
SELECT ?year (COUNT(?event) AS ?events) WHERE {
  ?project schema:event ?event .
  ?event schema:startDate ?start .
  BIND(SUBSTR(STR(?start), 1, 4) AS ?year)
} GROUP BY ?year ORDER BY ?year""",
}


def queries() -> dict[str, str]:
    """The competency questions (aimed at a synthetic project) and the analytic queries."""
    found = {
        rq.stem: rq.read_text(encoding="utf-8").replace('"LIAISE 2"', f'"{PROJECT}"')
        for rq in sorted(QUERIES.glob("*.rq"))
    }
    return {**found, **ANALYTIC}


# --------------------------------------------------------------------------- engines


def timed(work: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    """Median seconds over ``repeats`` runs, and the last run's value."""
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def json_rows(payload: bytes) -> int:
    return len(json.loads(payload)["results"]["bindings"])


def with_cap(work: Callable[[], bytes], cap: float) -> tuple[float | None, bytes | None]:
    """Run ``work`` in a forked child, killed after ``cap`` seconds: (seconds, result) or None."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        start = time.perf_counter()
        payload = work()
        sender.send((time.perf_counter() - start, payload))

    process = context.Process(target=child, daemon=True)
    process.start()
    sender.close()
    try:
        if receiver.poll(cap):
            return receiver.recv()
        return None, None
    finally:
        if process.is_alive():
            process.kill()
        process.join()


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bulk_load(binary: str, folder: Path, dump: Path) -> None:
    """Load an N-Triples dump into the named graph ``GRAPH`` of a store folder, offline."""
    command = [binary, "load", "--location", str(folder), "--file", str(dump), "--graph", GRAPH]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Server:
    """An Oxigraph server on a free 127.0.0.1 port: with its data in ``folder``, or in memory."""

    def __init__(self, binary: str, folder: Path | None):
        self.root = f"http://127.0.0.1:{free_port()}"
        command = [binary, "serve", "--bind", self.root.removeprefix("http://")]
        if folder is not None:
            command += ["--location", str(folder)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.root}/query?query=ASK%7B%7D", timeout=2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the Oxigraph server did not start")

    def query(self, sparql: str) -> bytes:
        body = urlencode({"query": sparql, "default-graph-uri": GRAPH}).encode()
        request = urllib.request.Request(
            f"{self.root}/query", data=body, headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=3600) as response:
            return response.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


# --------------------------------------------------------------------------- one size


def run_one(projects: int, rdflib_cap: float, use_server: bool, by_push: bool) -> None:
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import to_graph
    from liaise_lod.sparql import load_store, query

    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic.write(Path(tmp) / "data", projects)
        start = time.perf_counter()
        graph = to_graph(load_dataset(folder))
        print(f"\n{projects} projects: {len(graph)} triples (load + map {_s(start)})")

        start = time.perf_counter()
        store = load_store(graph)
        print(f"embedded store: bulk load {_s(start)}")
        binary = oxigraph_binary() if use_server else None
        if use_server and not binary:
            print("oxigraph server: not installed (pip install oxigraph), column left empty")
        server = _start_server(binary, graph, Path(tmp), by_push) if binary else None
        try:
            _time_queries(graph, store, server, query, rdflib_cap)
        finally:
            if server:
                server.stop()


def _start_server(binary: str, graph, tmp: Path, by_push: bool) -> Server:
    """An Oxigraph server holding the graph in ``GRAPH``, loaded by push or by its bulk loader."""
    from liaise_lod.graph_store import push
    from liaise_lod.serialize import ntriples

    location = tmp / "oxigraph"
    if not by_push:
        dump = tmp / "dump.nt"
        dump.write_bytes(ntriples(graph))
        start = time.perf_counter()
        bulk_load(binary, location, dump)
        print(f"oxigraph server: bulk load (oxigraph load) {_s(start)}")
    server = Server(binary, location)
    if by_push:
        start = time.perf_counter()
        result = push(
            graph,
            f"{server.root}/store",
            graph=GRAPH,
            update_endpoint=f"{server.root}/update",
            progress=False,
        )
        print(f"oxigraph server: liaise-lod push {_s(start)} ({result.chunks} chunks, then MOVE)")
    return server


def _time_queries(graph, store, server, query, rdflib_cap: float) -> None:
    print(
        f"{'query':<36} {'rows':>6} {'embedded ms':>12} {'server ms':>10} {'rdflib ms':>10}  agree"
    )
    for name, sparql in queries().items():
        embedded, result = timed(lambda sparql=sparql: query(store, sparql).to_json())
        rows = json_rows(result)
        counts = {rows}
        served = "-"
        if server:
            seconds, payload = timed(lambda sparql=sparql: server.query(sparql))
            served = f"{seconds * 1000:.1f}"
            counts.add(json_rows(payload))
        baseline, payload = with_cap(
            lambda sparql=sparql: graph.query(sparql).serialize(format="json"), rdflib_cap
        )
        if baseline is None:
            rdflib = f">{rdflib_cap:g} s"
        else:
            rdflib = f"{baseline * 1000:.0f}"
            counts.add(json_rows(payload))
        agree = "yes" if len(counts) == 1 else f"NO {sorted(counts)}"
        print(f"{name:<36} {rows:>6} {embedded * 1000:>12.1f} {served:>10} {rdflib:>10}  {agree}")


def _s(start: float) -> str:
    return f"{time.perf_counter() - start:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--rdflib-cap", type=float, default=120, metavar="S")
    parser.add_argument("--no-server", action="store_true", help="skip the Oxigraph server")
    parser.add_argument("--push", action="store_true", help="load the server with liaise-lod push")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.sizes[0], args.rdflib_cap, not args.no_server, args.push)
        return
    for size in args.sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--rdflib-cap",
            str(args.rdflib_cap),
        ]
        command += [
            flag for flag, on in (("--no-server", args.no_server), ("--push", args.push)) if on
        ]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
