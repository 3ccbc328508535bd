"""Benchmark incremental builds (or publishes) beside a clean one, on a synthetic dataset.

    python benchmarks/bench_incremental.py 10000
    python benchmarks/bench_incremental.py --publish 1000

builds the dataset from nothing, then edits one project's name and builds again into the same
output, then deletes one organisation (and its participations) and builds again; prints each
build's seconds, its stages (as ``liaise-lod -v`` logs them), the CPU seconds this process
used (other jobs on the machine stretch the wall-clock figures, not those), and checks that the
last output equals a clean build of the same input, byte for byte. With ``--publish`` the same
for ``publish`` and its site (every file of the tree compared), with the seconds of a fixed
pure-Python loop before and after as the machine's speed, and the file system's share of any
republish: linking every file of the site into a new folder and removing the old names.
"""

from __future__ import annotations

import argparse
import dataclasses
import filecmp
import json
import logging
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publish import reference_loop_seconds

import synthetic


class Stages(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, work) -> float:
    stages = Stages()
    logger = logging.getLogger("liaise_lod")
    logger.addHandler(stages)
    logger.setLevel(logging.INFO)
    start, cpu = time.perf_counter(), cpu_seconds()
    try:
        work()
    finally:
        logger.removeHandler(stages)
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:8.2f} s  (CPU {cpu_seconds() - cpu:7.2f} s)")
    print("    " + "; ".join(stages.lines))
    return seconds


def edit_name(folder: Path) -> None:
    path = folder / "projects.json"
    data = json.loads(path.read_text())
    data["projects"][len(data["projects"]) // 2]["name"]["en"] += " (renamed)"
    path.write_text(json.dumps(data))


def delete_organisation(folder: Path) -> str:
    """Delete an organisation that only takes part in projects (no lead, funder, publisher,
    organiser), with its participations."""
    records = {
        name: json.loads((folder / f"{name}.json").read_text())[name]
        for name in ("organisations", "projects", "participations", "events", "publications")
    }
    named = {p["lead"] for p in records["projects"]}
    named |= {f["funder"] for p in records["projects"] for f in p.get("funding", [])}
    named |= {o for e in records["events"] for o in e.get("organisers", [])}
    named |= {p["publisher"] for p in records["publications"]}
    free = [o["id"] for o in records["organisations"] if o["id"] not in named]
    # In a small dataset every organisation leads or publishes something: those records
    # name another one instead.
    gone = free[0] if free else records["organisations"][-1]["id"]
    records["organisations"] = [o for o in records["organisations"] if o["id"] != gone]
    other = records["organisations"][0]["id"]
    records["participations"] = [p for p in records["participations"] if p["organisation"] != gone]
    if not free:
        _rename_organisation(records, gone, other)
    for name in records:
        (folder / f"{name}.json").write_text(json.dumps({name: records[name]}))
    return gone if free else f"{gone} (its mentions now {other})"


def _rename_organisation(records: dict, gone: str, other: str) -> None:
    for project in records["projects"]:
        project["lead"] = other if project["lead"] == gone else project["lead"]
        for funding in project.get("funding", []):
            funding["funder"] = other if funding["funder"] == gone else funding["funder"]
    for event in records["events"]:
        organisers = [other if o == gone else o for o in event.get("organisers", [])]
        event["organisers"] = list(dict.fromkeys(organisers))
    for publication in records["publications"]:
        if publication["publisher"] == gone:
            publication["publisher"] = other
    leads = {(p["lead"], p["id"]) for p in records["projects"]}
    records["participations"] = [
        p for p in records["participations"] if (p["organisation"], p["project"]) not in leads
    ]


def same(one: Path, other: Path) -> bool:
    names = sorted(path.name for path in one.iterdir() if path.name != ".liaise-lod-manifest")
    _, mismatch, errors = filecmp.cmpfiles(one, other, names, shallow=False)
    return not mismatch and not errors


def different_files(one: Path, other: Path) -> list[str]:
    """The files that are in one folder and not the other, or differ."""

    def files(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}

    names, others = files(one), files(other)
    _, mismatch, errors = filecmp.cmpfiles(one, other, sorted(names & others), shallow=False)
    return sorted((names ^ others) | set(mismatch) | set(errors))


def file_system_floor(site: Path, copy: Path) -> None:
    """What any republish that builds a whole new folder beside the site and swaps it in
    costs in the file system alone: a hard link to every file, then the old names removed."""
    start, files = time.perf_counter(), 0
    for folder, _, names in os.walk(site):
        target = copy / Path(folder).relative_to(site)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(os.path.join(folder, name), target / name)
            files += 1
    linked = time.perf_counter() - start
    start = time.perf_counter()
    shutil.rmtree(copy)
    removed = time.perf_counter() - start
    print(f"file-system floor: {files} files linked in {linked:.2f} s, removed in {removed:.2f} s")


def main_publish(projects: int, processes: int | None) -> None:
    from liaise_lod.publish import Settings, publish

    settings = Settings(modified="2026-01-01", processes=processes)
    print(f"reference loop {reference_loop_seconds():.2f} s at the start")
    with tempfile.TemporaryDirectory() as tmp:
        data = synthetic.write(Path(tmp) / "data", projects)
        out, clean = Path(tmp) / "site", Path(tmp) / "clean"
        print(f"{projects} projects")
        timed("clean publish", lambda: publish(data, out, settings))
        file_system_floor(out, Path(tmp) / "linked")
        edit_name(data)
        timed("one project's name edited", lambda: publish(data, out, settings))
        gone = delete_organisation(data)
        # The site before this release, for the clean publish to compare with as this one
        # does: linked, not copied (a publish never rewrites a file in place).
        earlier = Path(tmp) / "earlier"
        shutil.copytree(out, earlier, copy_function=os.link)
        timed(f"organisation {gone} deleted", lambda: publish(data, out, settings))
        timed(
            "clean publish of the same input",
            lambda: publish(
                data, clean, dataclasses.replace(settings, previous=earlier), incremental=False
            ),
        )
        differ = different_files(out, clean)
        print("incremental site equals the clean publish's:", not differ, *differ[:10])
    print(f"reference loop {reference_loop_seconds():.2f} s at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="?", type=int, default=10000)
    parser.add_argument("-j", "--processes", type=int, default=None)
    parser.add_argument("--publish", action="store_true", help="publish a site, not build")
    args = parser.parse_args()
    from liaise_lod.pipeline import build

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the start (other jobs share the machine)"
    )
    if args.publish:
        main_publish(args.projects, args.processes)
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = synthetic.write(Path(tmp) / "data", args.projects)
        out, clean = Path(tmp) / "out", Path(tmp) / "clean"
        print(f"{args.projects} projects")
        timed("clean build", lambda: build(data, out, processes=args.processes))
        edit_name(data)
        timed("one project's name edited", lambda: build(data, out, processes=args.processes))
        gone = delete_organisation(data)
        timed(f"organisation {gone} deleted", lambda: build(data, out, processes=args.processes))
        timed(
            "clean build of the same input",
            lambda: build(data, clean, processes=args.processes, incremental=False),
        )
        print("incremental output equals the clean build's:", same(out, clean))


if __name__ == "__main__":
    main()
