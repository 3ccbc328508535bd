"""Benchmark the pipeline stage by stage on synthetic datasets.

    python benchmarks/bench_pipeline.py 1000 10000

prints, per stage (load, map, validate, the three dumps, the validation report), seconds,
triples per second, the process's peak memory so far and the whole machine's (forked helpers
included). Each size runs in a fresh process so peaks do not mix.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mib() -> float | None:
    """This process's resident memory now (Linux only)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return None
    return pages * resource.getpagesize() / 2**20


def helpers_peak_mib() -> float:
    """The largest peak of the processes this one forked (validation helpers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class MachineMemory:
    """Samples the memory in use on the whole machine (``MemTotal - MemAvailable``) in a
    thread: counts this process and its forked helpers once each, pages shared between them
    once. Linux only; elsewhere it reports nothing."""

    def __init__(self, interval: float = 0.1) -> None:
        self.baseline = self.peak = self._in_use()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    @staticmethod
    def _in_use() -> int:
        try:
            lines = Path("/proc/meminfo").read_text().splitlines()
        except OSError:
            return 0
        pairs = (line.split(":", 1) for line in lines)
        fields = {name: int(rest.split()[0]) for name, rest in pairs}
        return fields["MemTotal"] - fields["MemAvailable"]

    def _sample(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.peak = max(self.peak, self._in_use())

    def peak_so_far_mib(self) -> float | None:
        """The peak so far above the start (in use when sampling began), None off Linux."""
        return (max(self.peak, self._in_use()) - self.baseline) / 1024 if self.baseline else None

    def stop(self) -> float | None:
        self._stop.set()
        self._thread.join()
        return self.peak_so_far_mib()


def run_one(projects: int, skip_validation: bool) -> None:
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import to_graph
    from liaise_lod.serialize import turtle, write_dumps

    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic.write(Path(tmp) / "data", projects)
        machine = MachineMemory()
        at_start = resident_mib()
        rows = []
        total_start = time.perf_counter()

        def stage(name, work):
            start = time.perf_counter()
            value = work()
            rows.append((name, time.perf_counter() - start, peak_mib(), machine.peak_so_far_mib()))
            return value

        dataset = stage("load", lambda: load_dataset(folder))
        graph = stage("map", lambda: to_graph(dataset))
        triples = len(graph)
        if not skip_validation:
            from liaise_lod.validation import validate

            report = stage("validate", lambda: validate(graph, base=synthetic.BASE))
            assert report.conforms, report.text()[:2000]
        else:
            report = None
        out = Path(tmp) / "out"
        out.mkdir()
        # written as the pipeline writes them: Turtle and N-Triples in one pass, the JSON-LD
        # beside them in a second process
        stage("dumps", lambda: write_dumps(graph, out / "dataset", base=synthetic.BASE))
        if report is not None:  # as the pipeline writes it
            stage("report", lambda: (out / "report.ttl").write_bytes(turtle(report.triples())))
        total = time.perf_counter() - total_start
    print(f"\n{projects} projects, {triples} triples")
    machine_peak = machine.stop()
    print(f"{'stage':<10} {'seconds':>8} {'triples/s':>11} {'peak MiB':>9} {'machine MiB':>12}")
    for name, seconds, peak, machine_so_far in [*rows, ("total", total, peak_mib(), machine_peak)]:
        in_use = "" if machine_so_far is None else f"{machine_so_far:>12.0f}"
        print(f"{name:<10} {seconds:>8.2f} {triples / seconds:>11,.0f} {peak:>9.0f} {in_use}")
    if helpers_peak_mib():
        helpers = helpers_peak_mib()
        print(f"largest forked helper (shared pages counted in it): peak {helpers:.0f} MiB")
    if machine_peak is not None:
        print("machine MiB: memory in use on the whole machine, peak so far above the start")
    if at_start is not None:
        print(f"this process held {at_start:.0f} MiB at the start (interpreter and libraries)")


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
