"""Benchmark ``publish`` on synthetic datasets.

    python benchmarks/bench_publish.py 1000 10000 [--partitions N] [-j N]

prints, per size, the seconds ``publish`` took in all (validation included), pages per second,
the number of files, the site's size on disk and peak memory, then the time of each stage.
Each size runs in a fresh process.
"""

from __future__ import annotations

import argparse
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _helpers_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class StageTimes(logging.Handler):
    """Collects the stage times ``publish`` logs."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def file_creation_us(folder: Path, files: int = 2000) -> float:
    """Microseconds to create one small file in ``folder`` now. On ext4 without a journal
    (this VM's disk) it is about 30 µs, but up to ten times that for some minutes after many
    files were deleted (the kernel skips recently freed inodes one by one): a figure to read
    the run's time against."""
    folder.mkdir()
    start = time.perf_counter()
    for number in range(files):
        (folder / f"{number}.txt").write_bytes(b"x" * 1000)
    return (time.perf_counter() - start) / files * 1e6


def reference_loop_seconds() -> float:
    """Seconds a fixed pure-Python loop takes now: this VM's CPU speed varies by half from hour
    to hour, and this figure says how fast it was during the run."""
    start = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - start


def run_one(projects: int, partitions: int | None, processes: int | None) -> None:
    from liaise_lod._internal.progress import log
    from liaise_lod.publish import Settings, publish

    stages = StageTimes()
    log.addHandler(stages)
    log.setLevel(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        probe = file_creation_us(Path(tmp) / "probe")
        loop_before = reference_loop_seconds()
        folder = synthetic.write(Path(tmp) / "data", projects)
        start = time.perf_counter()
        settings = Settings(modified="2026-01-01", partitions=partitions, processes=processes)
        result = publish(folder, Path(tmp) / "site", settings)
        seconds = time.perf_counter() - start
        loops = (loop_before, reference_loop_seconds())
        site = Path(tmp) / "site"
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        pages = len(result.pages)
        print(
            f"{projects:>6} projects: {result.build.triples_written:>8} triples, {pages:>6} pages, "
            f"{len(result.files):>6} files, {seconds:7.1f} s, {pages / seconds:7.0f} pages/s, "
            f"site {size / 2**20:7.1f} MiB, peak {_peak_mib():.0f} MiB "
            f"(helpers {_helpers_mib():.0f})",
            flush=True,
        )
        print("        " + "; ".join(stages.lines), flush=True)
        print(
            f"        creating a file took {probe:.0f} µs before the run; the reference loop "
            f"took {loops[0]:.2f} s before and {loops[1]:.2f} s after",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument(
        "--partitions", type=int, help="publish in N partitions (default: as publish chooses)"
    )
    parser.add_argument(
        "-j", "--processes", type=int, default=1, help="processes (default 1; 0: one per core)"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    processes = args.processes or None
    if args.one:
        run_one(args.one, args.partitions, processes)
        return
    for size in args.sizes:
        options = ["-j", str(args.processes)]
        if args.partitions is not None:
            options += ["--partitions", str(args.partitions)]
        command = [sys.executable, __file__, "--one", str(size), *options]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
