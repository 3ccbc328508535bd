"""Where the dump writers spend their time: turning rdflib terms into pyoxigraph's (and sorting
them) against pyoxigraph's own writing, and the JSON-LD writer, on a synthetic dataset.

    python benchmarks/bench_writers.py 10000

prints seconds per part, and the machine's speed (a fixed pure-Python loop) before and after:
this VM's CPU speed varies by half from hour to hour, and other jobs may be running.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publish import reference_loop_seconds

import synthetic


def timed(name: str, work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = work()
    print(f"  {name:50s} {time.perf_counter() - start:7.2f} s", flush=True)
    return result


def run(projects: int) -> None:
    from liaise_lod import serialize
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import to_graph

    print(f"machine: a fixed loop takes {reference_loop_seconds():.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        graph = to_graph(load_dataset(synthetic.write(Path(tmp) / "data", projects)))
    print(f"{projects} projects, {len(graph)} triples")
    ordered = timed("rdflib -> pyoxigraph terms, sorted", lambda: serialize.sorted_triples(graph))
    timed("rdflib -> pyoxigraph terms only", lambda: serialize.to_oxigraph(graph))
    timed(
        "pyoxigraph writes Turtle (sorted triples given)",
        lambda: serialize.from_sorted(ordered, "turtle", synthetic.BASE),
    )
    timed(
        "pyoxigraph writes N-Triples (sorted triples given)",
        lambda: serialize.from_sorted(ordered, "ntriples"),
    )
    timed(
        "Turtle and N-Triples as build writes them",
        lambda: serialize.write_turtle_and_ntriples(
            graph, io.BytesIO(), io.BytesIO(), synthetic.BASE
        ),
    )
    timed("JSON-LD as build writes it", lambda: serialize.write_jsonld(graph, io.BytesIO()))
    print(f"machine: a fixed loop takes {reference_loop_seconds():.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="?", type=int, default=10000)
    run(parser.parse_args().projects)


if __name__ == "__main__":
    main()
