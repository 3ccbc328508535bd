"""Benchmark the SHACL engines side by side on synthetic datasets, and compare their results.

    python benchmarks/bench_shacl_engines.py 1000 10000
    python benchmarks/bench_shacl_engines.py 1000 --cli      # also `liaise-lod validate`, whole

Engines, each in a fresh process on the same graph (loaded and mapped there):

- ``tuned``: liaise-lod's pySHACL, tuned and split between processes as the command line runs
  it: the baseline;
- ``plain``: pySHACL as released (no tuning, one process);
- ``topbraid``: TopBraid SHACL in Java (``pip install 'liaise-lod[topbraid]'``), including
  writing the graph as N-Triples for it and reading its report back; ``--topbraid-jars DIR``
  and ``--java-home DIR`` try another TopBraid release or Java runtime (e.g. TopBraid 1.5 with
  Jena 6 needs Java 21), and each ``--topbraid-variant NAME JARS JAVA_HOME`` adds a row NAME:
  TopBraid with those jars on that Java, beside the others in the same run.

Printed per engine: seconds to validate (and, for TopBraid, its parts), the CPU seconds of the
process (load, map and validate) and of its children, the Python process's peak memory and its
largest child's (Java, or a forked pySHACL helper), the number of results
and whether they are the baseline's, result for result (focus node, path, value, severity,
source shape and constraint component). With ``--cli``, `liaise-lod validate --strict` is also
timed whole for each engine that runs from the command line, with its peak memory (GNU time).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publish import reference_loop_seconds

import synthetic

ENGINES = ("tuned", "plain", "topbraid")


def peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_one(folder: Path, engine: str, out: Path, jars: str | None, java_home: str | None) -> None:
    """Load, map and validate ``folder`` with ``engine``; figures and results into ``out``."""
    from liaise_lod._internal.progress import log
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import to_graph
    from liaise_lod.validation import SH, validate

    stages: dict[str, float] = {}

    class Stages:  # the validate: ... stages the TopBraid engine logs
        level = 0

        def handle(self, record):
            name, seconds = record.args
            stages[name] = seconds

    log.addHandler(Stages())  # type: ignore[arg-type]
    log.setLevel("INFO")
    from liaise_lod._internal import topbraid

    if jars:
        topbraid.jars = lambda: Path(jars).resolve()  # Java runs in a folder of its own
    if java_home:
        topbraid.java = lambda: str(Path(java_home).resolve() / "bin" / "java")
    start = time.perf_counter()
    dataset = load_dataset(folder)
    loaded = time.perf_counter()
    graph = to_graph(dataset)
    mapped = time.perf_counter()
    options: dict = {"base": synthetic.BASE, "strict": True}
    if engine == "tuned":
        options["processes"] = None
    elif engine == "plain":
        import contextlib

        import liaise_lod.validation as validation

        validation.tuned = contextlib.nullcontext  # type: ignore[assignment]
    else:
        options["engine"] = "topbraid"
    report = validate(graph, **options)
    validated = time.perf_counter()
    components = [
        dict(description).get(SH.sourceConstraintComponent) for description in report.descriptions
    ]
    results = Counter(
        (r.focus_node, r.path, r.value, r.severity, r.source_shape, str(component))
        for r, component in zip(report.results, components, strict=True)
    )
    figures = {
        "triples": len(graph),
        "load": loaded - start,
        "map": mapped - loaded,
        "validate": validated - mapped,
        "stages": stages,
        "cpu": cpu_seconds(resource.RUSAGE_SELF),
        "child_cpu": cpu_seconds(resource.RUSAGE_CHILDREN),
        "peak": peak_mib(resource.RUSAGE_SELF),
        "child_peak": peak_mib(resource.RUSAGE_CHILDREN),
        "results": sum(results.values()),
        "violations": len(report.violations),
    }
    out.write_bytes(pickle.dumps((figures, results)))
    print(
        f"  {engine}: validate {figures['validate']:.1f} s; CPU (load, map and validate) "
        f"{figures['cpu']:.1f} s here, {figures['child_cpu']:.1f} s in child processes",
        flush=True,
    )


def run_cli(folder: Path, engine: str, env: dict[str, str]) -> tuple[float, float] | None:
    """``liaise-lod validate --strict`` run whole: seconds and peak memory (MiB) of the largest
    process (Python or Java), from GNU time; None where GNU time is missing."""
    if not Path("/usr/bin/time").exists():
        return None
    with tempfile.NamedTemporaryFile("r") as figures:
        command = ["/usr/bin/time", "-o", figures.name, "-f", "%e %M"]
        command += [sys.executable, "-m", "liaise_lod.cli", "validate", str(folder), "--strict"]
        command += ["--format", "json", "--shacl-engine", engine]
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
        seconds, kib = figures.read().split()[-2:]
    return float(seconds), int(kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--topbraid-jars", help="a folder of TopBraid SHACL jars to use instead")
    parser.add_argument("--java-home", help="the Java runtime TopBraid runs on (JAVA_HOME)")
    parser.add_argument(
        "--topbraid-variant",
        nargs=3,
        action="append",
        default=[],
        metavar=("NAME", "JARS", "JAVA_HOME"),
        help="also TopBraid with these jars on this Java, as the row NAME",
    )
    parser.add_argument("--cli", action="store_true", help="also time `liaise-lod validate`")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        folder, engine, out = args.one
        run_one(Path(folder), engine, Path(out), args.topbraid_jars, args.java_home)
        return
    env = dict(os.environ)
    if args.java_home:
        env["JAVA_HOME"] = args.java_home
    # name: (engine, jars, Java home), each run in a process of its own
    rows_to_run = {
        engine: (engine, args.topbraid_jars, args.java_home) for engine in args.engines.split(",")
    }
    rows_to_run.update(
        {name: ("topbraid", jars, home) for name, jars, home in args.topbraid_variant}
    )
    for name, (engine, _, home) in rows_to_run.items():
        if engine == "topbraid":
            print(f"{name}: {java_version(home)}")
    print(f"cores: {os.cpu_count()}; load average: {load()}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = synthetic.write(Path(tmp) / "data", size)
            loop, load_before = reference_loop_seconds(), load()
            rows = {}
            for name, (engine, jars, home) in rows_to_run.items():
                out = Path(tmp) / f"{name}.pickle"
                command = [sys.executable, __file__, "--one", str(folder), engine, str(out)]
                command += ["--topbraid-jars", jars] if jars else []
                command += ["--java-home", home] if home else []
                subprocess.run(command, env=env, check=True)
                rows[name] = pickle.loads(out.read_bytes())
            cli = {}
            if args.cli:
                for engine in ("pyshacl", "topbraid"):
                    cli[engine] = run_cli(folder, engine, env)
            print_size(size, rows, cli, loop, reference_loop_seconds())
            print(f"load average: {load_before} before, {load()} after")


def java_version(home: str | None) -> str:
    """The first line of ``java -version`` for the Java in ``home``, else the one TopBraid uses."""
    from liaise_lod._internal import topbraid

    java = str(Path(home) / "bin" / "java") if home else topbraid.java()
    if java is None:
        return "no Java"
    printed = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    return f"{java}: {(printed.stderr.splitlines() or ['?'])[0]}"


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def print_size(size: int, rows: dict, cli: dict, loop: float, loop_after: float) -> None:
    first = next(iter(rows.values()))[0]
    print(f"\n{size} projects, {first['triples']:,} triples")
    print(f"reference loop: {loop:.2f} s before, {loop_after:.2f} s after (lower is faster)")
    print(f"load {first['load']:.1f} s, map {first['map']:.1f} s (rdflib graph, in each process)")
    baseline = rows.get("tuned", (None, None))[1]
    heading = f"{'engine':<10} {'validate s':>10} {'CPU s':>7} {'child CPU':>9}"
    print(f"{heading} {'peak MiB':>9} {'child MiB':>10} {'results':>8}  agreement")
    for engine, (figures, results) in rows.items():
        if baseline is None or engine == "tuned":
            agreement = "baseline" if engine == "tuned" else "-"
        elif results == baseline:
            agreement = "same results"
        else:
            extra, missing = results - baseline, baseline - results
            agreement = f"{sum(extra.values())} more, {sum(missing.values())} fewer"
        print(
            f"{engine:<10} {figures['validate']:>10.1f} {figures['cpu']:>7.1f} "
            f"{figures['child_cpu']:>9.1f} {figures['peak']:>9.0f} "
            f"{figures['child_peak']:>10.0f} {figures['results']:>8}  {agreement}"
        )
        for name, seconds in figures["stages"].items():
            print(f"    {name}: {seconds:.1f} s")
        if baseline is not None and engine != "tuned" and results != baseline:
            for key in list((results - baseline) + (baseline - results))[:5]:
                print(f"    differs: {json.dumps(key)}")
    for engine, figures in cli.items():
        if figures:
            print(
                f"liaise-lod validate --shacl-engine {engine}: {figures[0]:.1f} s, "
                f"peak {figures[1]:.0f} MiB (largest process)"
            )


if __name__ == "__main__":
    main()
