"""Benchmark ``publish`` with participations as pages of their own and as fragments of their
project's page (``participation_iris``), on the same synthetic datasets in the same run.

    python benchmarks/bench_participations.py 1000 10000

prints, per size and mode, the seconds ``publish`` took, the pages and files it wrote, the
site's size and the share of it under participation/; then what each participation page cost
(the difference between the modes over the participations) and what that comes to for
CORDIS's shape (80,000 projects, 72,000 organisations, 400,000 participations). The modes
alternate (pages, fragments, pages, fragments) so that a change of the machine's speed
during the run shows; each run is a fresh process.
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
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.mode)))
        return
    for size in args.sizes:
        measure(size, args.repeats)


if __name__ == "__main__":
    main()
