"""Benchmark ``build`` on the default engine (fork) against ``--engine dask`` on a local cluster
of two worker processes, on synthetic datasets.

    python benchmarks/bench_dask.py 1000 10000

prints, per size, the seconds of each whole build (load, map, validate, write; the cluster is
started before and not counted, as a running cluster would be), their ratio, whether the files
are the same, and the machine's speed (a fixed pure-Python loop) before and after: this VM's CPU
speed varies by half from hour to hour, and other jobs may be running.
"""

from __future__ import annotations

import argparse
import filecmp
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publish import reference_loop_seconds

import synthetic


def same_files(one: Path, other: Path) -> bool:
    names = sorted(path.name for path in one.iterdir() if not path.name.startswith("."))
    _, mismatch, errors = filecmp.cmpfiles(one, other, names, shallow=False)
    return not mismatch and not errors


def timed_build(data: Path, out: Path, **options) -> float:
    from liaise_lod.pipeline import build

    start = time.perf_counter()
    build(data, out, processes=None, incremental=False, **options)
    return time.perf_counter() - start


def run(sizes: list[int], workers: int) -> None:
    import distributed

    print(f"machine: a fixed loop takes {reference_loop_seconds():.2f} s")
    with distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # its HTTP server: a free port, not 8787
        silence_logs=logging.ERROR,
        memory_limit=0,  # as the engine's own local cluster
    ) as cluster:
        for projects in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                data = synthetic.write(Path(tmp) / "data", projects)
                fork = timed_build(data, Path(tmp) / "fork")
                dask = timed_build(
                    data,
                    Path(tmp) / "dask",
                    parallel="dask",
                    scheduler=cluster.scheduler_address,
                )
                same = same_files(Path(tmp) / "fork", Path(tmp) / "dask")
                print(
                    f"{projects:>6} projects: fork {fork:7.1f} s, dask ({workers} workers) "
                    f"{dask:7.1f} s, ratio {dask / fork:4.2f}, same files: {same}",
                    flush=True,
                )
    print(f"machine: a fixed loop takes {reference_loop_seconds():.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    run(args.sizes, args.workers)


if __name__ == "__main__":
    main()
