"""Benchmark ``publish`` with participations as pages of their own and as fragments of their
project's page (``participation_iris``), on the same synthetic datasets in the same run.

    python benchmarks/bench_participations.py 1000 10000

prints, per size and mode, the seconds ``publish`` took, the pages and files it wrote, the
site's size and the share of it under participation/; then what each participation page cost
(the difference between the modes over the participations) and what that comes to for
CORDIS's shape (80,000 projects, 72,000 organisations, 400,000 participations). The modes
alternate (pages, fragments, pages, fragments) so that a change of the machine's speed
during the run shows; each run is a fresh process. With ``--render``, only the CPU time of
making each kind of resource's files (in memory, one process) is measured: a figure that a
loaded disk does not blur.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publish import file_creation_us, reference_loop_seconds

import synthetic

MODES = ("pages", "fragments")
#: CORDIS's shape (FP7 and Horizon 2020 together, rounded).
CORDIS_PROJECTS, CORDIS_ORGANISATIONS, CORDIS_PARTICIPATIONS = 80_000, 72_000, 400_000


def run_one(projects: int, mode: str) -> dict[str, float]:
    from liaise_lod.publish import Settings, publish

    with tempfile.TemporaryDirectory() as tmp:
        probe = file_creation_us(Path(tmp) / "probe")
        loop = reference_loop_seconds()
        folder = synthetic.write(
            Path(tmp) / "data", projects, settings={"participation_iris": mode}
        )
        start = time.perf_counter()
        result = publish(folder, Path(tmp) / "site", Settings(modified="2026-01-01"))
        seconds = time.perf_counter() - start
        site = Path(tmp) / "site"
        sizes = [(p, p.stat().st_size) for p in site.rglob("*") if p.is_file()]
        participation = site / "participation"
        return {
            "seconds": seconds,
            "pages": len(result.pages),
            "files": len(sizes),
            "bytes": sum(size for _, size in sizes),
            "participation_files": sum(1 for p, _ in sizes if participation in p.parents),
            "participation_bytes": sum(s for p, s in sizes if participation in p.parents),
            "participations": sum(1 for _ in result.build.dataset.memberships()),
            "file_us": probe,
            "loop_s": loop,
        }


def render_one(projects: int, mode: str) -> dict[str, float]:
    """Milliseconds of CPU to make (not write) each kind of resource's files, in one process:
    what a participation page costs, and what its project's page costs more in fragments."""
    from liaise_lod.iris import Iris
    from liaise_lod.publish.index import SiteIndex
    from liaise_lod.publish.pages import ResourceFiles, SiteInfo
    from liaise_lod.sources import load_and_map

    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic.write(
            Path(tmp) / "data", projects, settings={"participation_iris": mode}
        )
        dataset, graph = load_and_map(folder)
    iris = Iris(dataset.info.base)
    index = SiteIndex.of(graph, iris)
    files_of = ResourceFiles(index, SiteInfo("Benchmark", iris.base, None, None))
    by_kind: dict[str, list[str]] = {}
    for iri in index.writing_order(index.page_resources()):
        by_kind.setdefault(index.kind(iri) or "resource", []).append(iri)
    times = {"loop_s": reference_loop_seconds()}
    for kind, resources in by_kind.items():
        start = time.process_time()
        sizes = [sum(map(len, files_of(iri).values())) for iri in resources]
        times[f"{kind}_ms"] = (time.process_time() - start) / len(resources) * 1e3
        times[f"{kind}_kib"] = sum(sizes) / len(resources) / 1024
        times[f"{kind}_count"] = len(resources)
    return times


def measure_rendering(projects: int) -> None:
    rendered = {}
    for mode in MODES:
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(projects), "--mode", mode, "--render"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rendered[mode] = json.loads(output.splitlines()[-1])
        run = rendered[mode]
        kinds = sorted(k.removesuffix("_ms") for k in run if k.endswith("_ms"))
        print(
            f"{projects:>6} projects, {mode:<9}, making files (CPU ms and KiB a resource): "
            + ", ".join(f"{k} {run[k + '_ms']:.2f} ms {run[k + '_kib']:.1f} KiB" for k in kinds)
            + f" (loop {run['loop_s']:.2f} s)",
            flush=True,
        )
    pages, fragments = rendered["pages"], rendered["fragments"]
    participation = pages["participation_ms"]
    extra = (fragments["project_ms"] - pages["project_ms"]) * pages["project_count"]
    extra /= pages["participation_count"]
    print(
        f"        a participation page's files: {participation:.2f} ms of CPU; in fragments "
        f"its project's files cost {extra:.2f} ms more per participation"
    )


def _line(projects: int, mode: str, run: dict[str, float]) -> str:
    return (
        f"{projects:>6} projects, {mode:<9}: {run['seconds']:7.1f} s, {run['pages']:>7.0f} pages, "
        f"{run['files']:>7.0f} files, site {run['bytes'] / 2**20:7.1f} MiB, participation/ "
        f"{run['participation_files']:>6.0f} files {run['participation_bytes'] / 2**20:6.1f} MiB "
        f"(machine: file {run['file_us']:.0f} µs, loop {run['loop_s']:.2f} s)"
    )


def measure(projects: int, repeats: int) -> None:
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(repeats):
        for mode in MODES:
            output = subprocess.run(
                [sys.executable, __file__, "--one", str(projects), "--mode", mode],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            run = json.loads(output.splitlines()[-1])
            runs[mode].append(run)
            print(_line(projects, mode, run), flush=True)
    best = {mode: min(runs[mode], key=lambda run: run["seconds"]) for mode in MODES}
    pages, fragments = best["pages"], best["fragments"]
    participations = pages["participations"]
    per_page = (pages["seconds"] - fragments["seconds"]) / participations
    saved_files = pages["files"] - fragments["files"]
    print(
        f"        best of {repeats}: fragments take {fragments['seconds'] / pages['seconds']:.0%} "
        f"of the time and write {fragments['files'] / pages['files']:.0%} of the files "
        f"({saved_files:.0f} fewer, {(pages['bytes'] - fragments['bytes']) / 2**20:.0f} MiB); "
        f"a participation page cost {per_page * 1e3:.2f} ms"
    )
    others = fragments["pages"]  # the pages both modes write
    per_other = fragments["seconds"] / others
    cordis_others = CORDIS_PROJECTS + CORDIS_ORGANISATIONS
    print(
        f"        CORDIS ({CORDIS_PARTICIPATIONS:,} participations): participation pages would "
        f"add {CORDIS_PARTICIPATIONS * per_page / 60:.0f} min and "
        f"{CORDIS_PARTICIPATIONS * saved_files / participations:,.0f} files to the "
        f"~{cordis_others * per_other / 60:.0f} min of the {cordis_others:,} other pages "
        "(each at the cost measured here)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument(
        "--render", action="store_true", help="only time making each kind's files, in memory"
    )
    args = parser.parse_args()
    if args.one:
        run = render_one if args.render else run_one
        print(json.dumps(run(args.one, args.mode)))
        return
    for size in args.sizes:
        if args.render:
            measure_rendering(size)
        else:
            measure(size, args.repeats)


if __name__ == "__main__":
    main()
