"""Benchmark the pipeline stage by stage on synthetic datasets.

    python benchmarks/bench_pipeline.py 1000 10000

prints, per stage (load, map, validate, each serialisation), seconds, triples per second and the
process's peak memory so far. Each size runs in a fresh process so peaks do not mix.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def helpers_peak_mib() -> float:
    """The largest peak of the processes this one forked (validation helpers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_one(projects: int, skip_validation: bool) -> None:
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import to_graph
    from liaise_lod.serialize import FORMATS, sorted_triples, write_dump

    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic.write(Path(tmp) / "data", projects)
        rows = []
        total_start = time.perf_counter()

        def stage(name, work):
            start = time.perf_counter()
            value = work()
            rows.append((name, time.perf_counter() - start, peak_mib()))
            return value

        dataset = stage("load", lambda: load_dataset(folder))
        graph = stage("map", lambda: to_graph(dataset))
        triples = len(graph)
        if not skip_validation:
            from liaise_lod.validate import validate

            report = stage("validate", lambda: validate(graph, base=synthetic.BASE))
            assert report.conforms, report.text()[:2000]
        ordered = stage("sort", lambda: sorted_triples(graph))
        out = Path(tmp) / "out"
        out.mkdir()

        # written as the pipeline writes them: streamed into files
        def dump(fmt: str, **options) -> None:
            stage(fmt, lambda: write_dump(graph, fmt, out / f"d{FORMATS[fmt]}", **options))

        dump("turtle", base=synthetic.BASE, triples=ordered)
        dump("ntriples", triples=ordered)
        ordered.clear()  # as the pipeline does: free the sorted list before the JSON-LD
        dump("jsonld")
        total = time.perf_counter() - total_start
    print(f"\n{projects} projects, {triples} triples")
    print(f"{'stage':<10} {'seconds':>8} {'triples/s':>11} {'peak MiB':>9}")
    for name, seconds, peak in rows:
        print(f"{name:<10} {seconds:>8.2f} {triples / seconds:>11,.0f} {peak:>9.0f}")
    print(f"{'total':<10} {total:>8.2f} {triples / total:>11,.0f} {peak_mib():>9.0f}")
    if helpers_peak_mib():
        helpers = helpers_peak_mib()
        print(f"validation helpers (forked; shared pages counted in each): peak {helpers:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.sizes[0], args.skip_validation)
        return
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", str(size)]
        if args.skip_validation:
            command.append("--skip-validation")
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
