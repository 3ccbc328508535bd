"""Benchmark ``push --bulk`` against a push over the Graph Store Protocol.

    python benchmarks/bench_bulk.py 1000 10000 --dumps /tmp/bench-dumps

For each size, a synthetic dataset's N-Triples dump (made once; ``--dumps DIR`` keeps it, in
the layout of ``bench_push.py``) is loaded, timed, in triples per second:

- ``push --bulk oxigraph:DIR`` into a fresh store folder,
- ``push --bulk virtuoso:HOST:PORT`` into a fresh Virtuoso (when ``virtuoso-t`` and its
  Debian configuration are installed; started on free 127.0.0.1 ports, stopped after),
- the baseline: a full ``push`` (upload, ``MOVE``, count) to an Oxigraph server in memory.

Each figure includes reading and parsing the dump. The machine's speed (a fixed pure-Python
loop) is printed before and after: this VM's CPU speed varies, and other jobs may share it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publish import reference_loop_seconds
from bench_push import dumps
from bench_sparql import Server, free_port, oxigraph_binary

GRAPH = "https://bench.example.org/graph/bulk"
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@contextmanager
def virtuoso(folder: Path):
    """A fresh Virtuoso in ``folder`` (listed in DirsAllowed): yields its SQL HOST:PORT."""
    sql, http = free_port(), free_port()
    text = VIRTUOSO_INI.read_text().replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*1111\s*$", rf"ServerPort\g<1>= 127.0.0.1:{sql}", text)
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*8890\s*$", rf"ServerPort\g<1>= 127.0.0.1:{http}", text)
    text = re.sub(r"(?m)^(DirsAllowed\s*=.*)$", rf"\g<1>, {folder}", text)
    (folder / "virtuoso.ini").write_text(text)
    command = ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")]
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D"
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        yield f"127.0.0.1:{sql}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def timed(label: str, triples: int, work) -> None:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:7.1f} s  {triples / seconds:9,.0f} triples/s")


def run(projects: int, keep: Path | None) -> None:
    from liaise_lod._internal.bulk import bulk_push
    from liaise_lod.graph_store import push

    print(f"machine: a fixed Python loop takes {reference_loop_seconds():.2f} s (before)")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        _, dump, _ = dumps((keep or tmp) / str(projects), projects)
        triples = sum(1 for _ in dump.open("rb"))
        print(f"{projects} projects: {triples} triples")
        folder = f"oxigraph:{tmp / 'oxigraph'}"
        timed("push --bulk oxigraph:DIR", triples, lambda: bulk_push(dump, folder, graph=GRAPH))
        if shutil.which("virtuoso-t") and VIRTUOSO_INI.is_file():
            (tmp / "virtuoso").mkdir()
            with virtuoso(tmp / "virtuoso") as where:
                os.environ["BENCH_VIRTUOSO_LOGIN"] = "dba:dba"
                options = {"auth_env": "BENCH_VIRTUOSO_LOGIN", "staging": tmp / "virtuoso"}
                timed(
                    "push --bulk virtuoso:HOST:PORT",
                    triples,
                    lambda: bulk_push(dump, f"virtuoso:{where}", graph=GRAPH, **options),
                )
        binary = oxigraph_binary()
        if binary is not None:
            server = Server(binary, None)
            try:
                options = {"update_endpoint": f"{server.root}/update", "progress": False}
                timed(
                    "push (Graph Store Protocol, Oxigraph in memory)",
                    triples,
                    lambda: push(dump, f"{server.root}/store", graph=GRAPH, **options),
                )
            finally:
                server.stop()
    print(f"machine: a fixed Python loop takes {reference_loop_seconds():.2f} s (after)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("projects", type=int, nargs="*", default=[1000])
    parser.add_argument("--dumps", type=Path, metavar="DIR", help="keep and reuse the dumps")
    args = parser.parse_args()
    for projects in args.projects:
        run(projects, args.dumps)


if __name__ == "__main__":
    main()
