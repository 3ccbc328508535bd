"""Benchmark the pipeline stage by stage on synthetic datasets.

    python benchmarks/bench_pipeline.py 1000 10000

prints, per stage (load, map, validate, the three dumps, the validation report), seconds,
triples per second, the process's peak memory so far and the whole machine's (forked helpers
included). Each size runs in a fresh process so peaks do not mix.

    python benchmarks/bench_pipeline.py --build 10000 30000 [--data DIR] [--baseline-up-to N]

runs ``build`` itself, in one partition (the baseline, up to ``--baseline-up-to`` projects) and
in partitions (as many as it chooses), each in a fresh process, and prints seconds per stage,
the peak memory of the process, of the process with its helpers (the sum of their
proportional set sizes, sampled: shared pages counted once) and of the largest helper (its
peak RSS, shared pages included), CPU seconds (helpers included) and whether the files are the
same, with the speed of a reference loop (the machine's speed: other jobs may run).
``--data DIR`` keeps the generated datasets there for the next run.

    python benchmarks/bench_pipeline.py --publish 10000 30000 [--data DIR] [--baseline-up-to N]

does the same for ``publish`` (the baseline: in one piece; the sites compared file for file,
but for the manifest a site in partitions does not keep). ``--shape cordis`` generates the
dataset in the shape issue 22 targets (see ``synthetic``), ``--participations fragments``
makes participations parts of their project's document, the setting for a large dataset.
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

from bench_publish import reference_loop_seconds

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


def cpu_seconds() -> float:
    """CPU seconds (user and system) of this process and of the helpers it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + helpers.ru_utime + helpers.ru_stime


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


class TreeMemory:
    """Samples, in a thread, the memory of this process and every process under it: the sum
    of their proportional set sizes (``Pss``: a page shared by n processes counts 1/n in
    each), so forked helpers' shared pages are counted once. Linux only; else None."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        found, waiting = [], [pid]
        while waiting:
            current = waiting.pop()
            found.append(current)
            try:
                for task in Path(f"/proc/{current}/task").iterdir():
                    waiting += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    @staticmethod
    def _pss_kib(pid: int) -> int:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
        return 0

    def _sample(self, interval: float) -> None:
        import os

        while not self._stop.wait(interval):
            total = sum(self._pss_kib(pid) for pid in self._tree(os.getpid()))
            self.peak = max(self.peak, total)

    def stop(self) -> float | None:
        self._stop.set()
        self._thread.join()
        return self.peak / 1024 if self.peak else None


def run_build(command: str, folder: Path, out: Path, partitions: int | None) -> None:
    """One ``build`` or ``publish`` (``partitions=None``: as many as it chooses), measured;
    one line of JSON."""
    import json
    import logging
    import warnings

    from liaise_lod.pipeline import build
    from liaise_lod.publish import Settings, publish

    warnings.simplefilter("ignore")  # the synthetic data's rich-result warnings

    stages: list[tuple[str, str]] = []

    class Stages(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if message.endswith(" s") and ": " in message:
                stages.append(tuple(message.split(": ", 1)))  # type: ignore[arg-type]

    logger = logging.getLogger("liaise_lod")
    logger.addHandler(Stages())
    logger.setLevel(logging.INFO)
    tree = TreeMemory()
    start = time.perf_counter()
    if command == "build":
        built = build(folder, out, partitions=partitions, incremental=False, processes=None)
    else:
        settings = Settings(modified="2026-01-01", processes=None, partitions=partitions)
        built = publish(folder, out, settings, incremental=False).build
    seconds = time.perf_counter() - start
    figures = {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds(), 1),
        "triples": built.triples_written,
        "peak_process_mib": round(peak_mib()),
        "peak_with_helpers_mib": round(tree.stop() or 0),
        "largest_helper_mib": round(helpers_peak_mib()),
        "stages": stages,
    }
    print(json.dumps(figures))


def _same_files(one: Path, other: Path) -> bool:
    """Whether two outputs hold the same files, byte for byte (but for their manifests)."""
    import filecmp

    def names(folder: Path) -> list[str]:
        return sorted(
            path.relative_to(folder).as_posix()
            for path in folder.rglob("*")
            if path.is_file() and path.name != ".liaise-lod-manifest"
        )

    listed = names(one)
    if listed != names(other):
        return False
    return all(filecmp.cmp(one / n, other / n, shallow=False) for n in listed)


def compare_builds(
    sizes: list[int],
    data: Path | None,
    baseline_up_to: int,
    command: str = "build",
    shape: str = "liaise",
    participations: str = "pages",
) -> None:
    import json
    import os

    from liaise_lod._internal.partitions import RECORDS_PER_PARTITION, partition_count
    from liaise_lod.load import count_records

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{cores} cores; load average at the start {os.getloadavg()[0]:.2f} (other jobs run)")
    print(f"reference loop {reference_loop_seconds():.2f} s at the start (lower is faster)")
    with tempfile.TemporaryDirectory() as tmp:
        root = data or Path(tmp)
        for size in sizes:
            variant = (
                ""
                if (shape, participations) == ("liaise", "pages")
                else "-".join((shape, participations, ""))
            )
            folder = root / f"synthetic-{variant}{size}"
            if not (folder / "dataset.json").exists():
                settings = {"participation_iris": participations} if variant else None
                synthetic.write(folder, size, settings=settings, shape=shape)
            runs = {}
            # As many as a build chooses (``publish`` stays whole up to 200,000 records).
            chosen = partition_count(count_records(folder)) if command == "publish" else None
            modes = [("partitioned", chosen)]
            if size <= baseline_up_to:
                modes.insert(0, ("one partition", 1))
            for name, partitions in modes:
                out = Path(tmp) / f"out-{size}-{partitions}"
                one = [sys.executable, __file__, "--build-one", command, str(folder), str(out)]
                if partitions is not None:
                    one.append(str(partitions))
                done = subprocess.run(one, check=True, capture_output=True, text=True)
                runs[name] = (json.loads(done.stdout.strip().splitlines()[-1]), out)
            print(
                f"\n{command}, {size} projects, {shape} shape, participations as {participations}"
                f" ({RECORDS_PER_PARTITION:,} records a partition)"
            )
            print(
                f"{'mode':<14} {'seconds':>8} {'CPU s':>8} {'triples':>11} {'peak MiB':>9} "
                f"{'+helpers':>9} {'helper':>7}"
            )
            for name, (figures, _) in runs.items():
                print(
                    f"{name:<14} {figures['seconds']:>8} {figures['cpu_seconds']:>8} "
                    f"{figures['triples']:>11,} {figures['peak_process_mib']:>9} "
                    f"{figures['peak_with_helpers_mib']:>9} {figures['largest_helper_mib']:>7}"
                )
                print("   " + ", ".join(f"{stage} {took}" for stage, took in figures["stages"]))
            if len(runs) == 2:
                same = _same_files(*(out for _, out in runs.values()))
                print(f"same files: {same}")
            for _, out in runs.values():
                import shutil

                shutil.rmtree(out, ignore_errors=True)
            print(f"load average now {os.getloadavg()[0]:.2f}")
            print(f"reference loop {reference_loop_seconds():.2f} s now")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--build", action="store_true", help="measure build, partitioned or not")
    parser.add_argument(
        "--publish", action="store_true", help="measure publish, partitioned or not"
    )
    parser.add_argument("--data", type=Path, help="keep the generated datasets in this folder")
    parser.add_argument("--baseline-up-to", type=int, default=30_000)
    parser.add_argument("--shape", choices=sorted(synthetic.SHAPES), default="liaise")
    parser.add_argument("--participations", choices=("pages", "fragments"), default="pages")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build-one", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_one:
        command, folder, out, *partitions = args.build_one
        number = int(partitions[0]) if partitions else None
        run_build(command, Path(folder), Path(out), number)
        return
    if args.build or args.publish:
        command = "publish" if args.publish else "build"
        compare_builds(
            args.sizes, args.data, args.baseline_up_to, command, args.shape, args.participations
        )
        return
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
