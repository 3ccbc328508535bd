"""The pipeline end to end: exit codes, atomic output, determinism, nothing half-written."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys

import pytest
from processes import children, gone, require_proc, wait_for

from conftest import EXAMPLE, MINI, REPO, run_cli
from liaise_lod._internal.manifest import NAME as MANIFEST
from liaise_lod.cli import main
from liaise_lod.errors import ConfigError, InputError, OutputError
from liaise_lod.pipeline import OUTPUT_MARKER, build

OUTPUTS = {
    "dataset.ttl",
    "dataset.nt",
    "dataset.jsonld",
    "context.jsonld",
    "validation-report.ttl",
    "validation-report.txt",
    OUTPUT_MARKER,
    MANIFEST,
}


def snapshot(folder):
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_build_writes_every_output(tmp_path):
    result = build(MINI, tmp_path / "out")
    assert result.report.conforms, result.report.text()
    assert {path.name for path in (tmp_path / "out").iterdir()} == OUTPUTS


def test_two_builds_give_identical_bytes(tmp_path):
    """In two interpreters with different string hashes."""
    for seed, name in (("1", "one"), ("2", "two")):
        run_cli(["build", str(EXAMPLE), "--out", str(tmp_path / name)], seed)
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert set(one) == OUTPUTS and one == two


def test_bad_input_exits_2_and_leaves_previous_output(tmp_path, write_dataset, capsys):
    out = tmp_path / "out"
    assert main(["build", str(MINI), "--out", str(out)]) == 0
    before = snapshot(out)
    bad = write_dataset(
        data__yaml="dataset: {base: 'https://x.example.org/', language: en}\n"
        "organisations:\n  - {id: o, nmae: O}\n"
    )
    assert main(["build", str(bad), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "data.yaml:3: record 'o', field 'nmae': unknown field" in error
    assert "Traceback" not in error
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_violations_write_nothing_unless_allowed(tmp_path, monkeypatch, capsys):
    from liaise_lod import pipeline as build_module

    real_find = build_module.find_results

    def validate_elsewhere(graph, *, base, **options):
        # every record IRI is then outside the base: a real violation of the IRI shape
        return real_find(graph, base="https://elsewhere.example.org/", **options)

    monkeypatch.setattr(build_module, "find_results", validate_elsewhere)
    out = tmp_path / "out"
    assert main(["build", str(MINI), "--out", str(out)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert not out.exists()
    assert main(["build", str(MINI), "--out", str(out), "--allow-invalid"]) == 1
    assert (out / "dataset.ttl").exists()
    assert "<http://www.w3.org/ns/shacl#Violation>" in (out / "validation-report.ttl").read_text()
    assert not (out / "validation-report.txt").read_text().startswith("0 violations")


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(ConfigError, match="not written by liaise-lod"):
        build(MINI, precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_refuses_to_write_over_its_input(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    with pytest.raises(ConfigError, match="would overwrite the input"):
        build(data, tmp_path)
    with pytest.raises(ConfigError, match="would overwrite the input"):
        build(data, data)


@pytest.mark.parametrize("processes", [1, 2])
def test_failure_while_writing_leaves_previous_output(tmp_path, monkeypatch, capsys, processes):
    out = tmp_path / "out"
    build(MINI, out)
    before = snapshot(out)

    from liaise_lod import serialize

    real = serialize.jsonld_nodes

    def broken(graph):  # the disk fills up halfway through the JSON-LD dump
        nodes = real(graph)
        yield next(nodes)
        raise OSError(errno.ENOSPC, "No space left on device", "dataset.jsonld")

    monkeypatch.setattr(serialize, "jsonld_nodes", broken)
    with pytest.raises(OutputError, match=r"could not write dataset\.jsonld: No space left"):
        # with 2 processes, the JSON-LD may be written by a helper
        build(MINI, out, processes=processes, incremental=False)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert main(["build", str(MINI), "--out", str(out), "-j", str(processes), "--full"]) != 0
    error = capsys.readouterr().err
    assert "could not write dataset.jsonld: No space left on device" in error
    assert "Traceback" not in error
    assert snapshot(out) == before


def test_failure_while_writing_the_report_is_an_output_error(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(MINI, out)
    before = snapshot(out)

    from liaise_lod import pipeline

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "turtle", full)
    with pytest.raises(OutputError, match=r"could not write the output for .*No space left"):
        build(MINI, out)
    assert snapshot(out) == before


def test_validate_command_exit_codes(write_dataset, capsys):
    assert main(["validate", str(MINI)]) == 0
    bad = write_dataset(data__yaml="projects:\n  - {id: p}\n")
    assert main(["validate", str(bad)]) == 2
    assert "missing required field 'name'" in capsys.readouterr().err


def test_missing_base_is_a_clear_error(write_dataset, capsys):
    folder = write_dataset(data__yaml="dataset: {language: en}\nprojects:\n  - {id: p, name: P}\n")
    assert main(["validate", str(folder)]) == 2
    assert "no base IRI" in capsys.readouterr().err


def test_example_loads_without_problems():
    from liaise_lod.load import load_dataset

    try:
        load_dataset(EXAMPLE)
    except InputError as error:  # pragma: no cover - shows every problem at once
        pytest.fail(str(error))


def _can_exchange(folder) -> bool:
    from liaise_lod._internal.exchange import exchange

    (folder / "a").mkdir()
    (folder / "b").mkdir()
    try:
        return exchange(folder / "a", folder / "b")
    finally:
        (folder / "a").rmdir()
        (folder / "b").rmdir()


def test_folders_trade_places_and_a_missing_one_is_an_error(tmp_path):
    from liaise_lod._internal.exchange import exchange

    if not _can_exchange(tmp_path):
        pytest.skip("this system cannot exchange two folders in one step")
    for name in ("old", "new"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(name)
    assert exchange(tmp_path / "new", tmp_path / "old")
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["new.txt"]
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["old.txt"]
    with pytest.raises(FileNotFoundError):
        exchange(tmp_path / "new", tmp_path / "missing")
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["old.txt"]


def test_a_new_output_takes_the_place_of_the_old_in_one_step(tmp_path, monkeypatch):
    """Where the system can exchange two folders, the output is never renamed away: a web
    server reading it finds the old files or the new, never no folder."""
    if not _can_exchange(tmp_path):
        pytest.skip("this system cannot exchange two folders in one step")
    out = tmp_path / "out"
    build(MINI, out)
    (out / "stale.txt").write_text("from the previous build")
    from liaise_lod import pipeline

    def no_rename(source, target):
        raise AssertionError(f"renamed {source} to {target}: the output was missing meanwhile")

    monkeypatch.setattr(pipeline.os, "rename", no_rename)
    build(MINI, out)
    assert {path.name for path in out.iterdir()} == OUTPUTS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_where_folders_cannot_trade_places_the_output_is_renamed_twice(tmp_path, monkeypatch):
    from liaise_lod import pipeline

    out = tmp_path / "out"
    build(MINI, out)
    (out / "stale.txt").write_text("from the previous build")
    monkeypatch.setattr(pipeline, "exchange", lambda first, second: False)
    build(MINI, out)
    assert {path.name for path in out.iterdir()} == OUTPUTS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --------------------------------------------------------------------------- runs killed


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "liaise_lod.cli", *args]


def staging_folders(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if ".liaise-lod-staging." in path.name)


def test_a_killed_run_leaves_no_helper_and_the_next_run_removes_its_folder(tmp_path):
    """kill -9 of `publish -j 2` while it validates: its helpers end with it; the folder it
    was building the site in stays behind until the next run beside the same output."""
    require_proc()
    sys.path.insert(0, str(REPO / "benchmarks"))
    import synthetic

    data = synthetic.write(tmp_path / "data", 30)
    out = tmp_path / "site"
    run = subprocess.Popen(
        cli("publish", str(data), "--out", str(out), "-j", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = wait_for(lambda: staging_folders(tmp_path) and children(run.pid), 60)
        helpers = children(run.pid)
    finally:
        run.kill()
        run.wait()
    assert started, "the run ended before it could be killed"
    assert wait_for(lambda: all(map(gone, helpers)), 10), "helpers outlived the killed run"
    assert staging_folders(tmp_path) and not out.exists()
    build(MINI, out)
    assert staging_folders(tmp_path) == [] and (out / OUTPUT_MARKER).is_file()


def test_only_folders_of_runs_that_are_gone_are_removed(tmp_path):
    from liaise_lod._internal import staging

    out = tmp_path / "out"
    build(MINI, out)
    finished = subprocess.Popen(["true"])
    finished.wait()
    alive = subprocess.Popen(["sleep", "60"])
    machine, start = staging._machine(), staging.start_time(alive.pid) or "0"
    ours = f".out.liaise-lod-staging.{machine}"
    removed = {
        f"{ours}.{finished.pid}.{start}.abcd_123",  # its run is gone
        f"{ours}.{os.getpid()}.{int(start) + 1}.abcd_123",  # a new process has its number
    }
    kept = {
        f"{ours}.{alive.pid}.{start}.abcd_123",  # its run is at work
        f".out.liaise-lod-staging.{'0' * 12}.{finished.pid}.{start}.abcd_123",  # other machine
        f".other.liaise-lod-staging.{machine}.{finished.pid}.{start}.abcd_123",  # other output
        f"{ours}.{finished.pid}.{start}.abcd_123.more",  # not of our naming
        f"{ours}.{finished.pid}.abcd_123",
        ".out.abcd_123",  # an earlier version's naming: whose it is cannot be told
        "out.liaise-lod-staging.x",
    }
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    try:
        for name in removed | kept:
            (tmp_path / name).mkdir()
            (tmp_path / name / "file.txt").write_text("something")
        linked = f"{ours}.{finished.pid}.{start}.link_123"
        (tmp_path / linked).symlink_to(elsewhere)  # not a folder of ours: left, and what it names
        a_file = f"{ours}.{finished.pid}.{start}.file_123"
        (tmp_path / a_file).write_text("not a folder")
        build(MINI, out)
        left = {path.name for path in tmp_path.iterdir()}
        assert left == kept | {linked, a_file, "out", "elsewhere"}
        assert (elsewhere / "keep.txt").read_text() == "mine"
    finally:
        alive.kill()
        alive.wait()


def test_an_output_with_a_long_name_is_built_beside_it(tmp_path):
    out = tmp_path / ("o" * 250)  # the old naming of the folder beside it was too long
    build(MINI, out)
    build(MINI, out)
    assert {path.name for path in tmp_path.iterdir()} == {out.name}


# --------------------------------------------------------------------------- unusable output


@pytest.mark.parametrize("command", ["build", "publish"])
@pytest.mark.parametrize("where", ["loop", "loop/site"])
def test_an_output_in_a_symbolic_link_loop_is_one_line(tmp_path, capsys, command, where):
    (tmp_path / "loop").symlink_to("loop")
    assert main([command, str(MINI), "--out", str(tmp_path / where)]) == 2
    error = capsys.readouterr().err
    assert "cannot be used: a symbolic link loop" in error and "Traceback" not in error


@pytest.mark.parametrize("command", ["build", "publish"])
def test_an_output_below_a_file_is_one_line(tmp_path, capsys, command):
    (tmp_path / "file").write_text("a file")
    assert main([command, str(MINI), "--out", str(tmp_path / "file/site")]) == 2
    error = capsys.readouterr().err
    assert "a part of its path is a file, not a folder" in error and "Traceback" not in error


def test_an_output_named_with_a_nul_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="holds a NUL character"):
        build(MINI, tmp_path / "a\x00b")


READ_ONLY = """
import contextlib, io, json, os, subprocess, sys
from liaise_lod.cli import main

mounted, dataset, outcomes = os.environ["RO"], sys.argv[1], []
for command in ("build", "publish"):
    assert main([command, dataset, "--out", f"{mounted}/{command}"]) == 0
subprocess.run(["mount", "-o", "remount,ro", mounted], check=True)
for command in ("build", "publish"):
    for out in (f"{mounted}/{command}", f"{mounted}/new/{command}"):  # to replace, to make
        error = io.StringIO()
        with contextlib.redirect_stderr(error):
            outcomes.append([command, out, main([command, dataset, "--out", out]), error.getvalue()])
print(json.dumps(outcomes))
"""


def test_an_output_on_a_read_only_file_system_is_one_line(tmp_path):
    """On a real read-only file system (a tmpfs mounted in a mount namespace of the test's)."""
    import json

    unshare, mounted = shutil.which("unshare"), tmp_path / "mounted"
    mounted.mkdir()
    probe = [unshare or "unshare", "-m", "sh", "-c", f"mount -t tmpfs tmpfs {mounted}"]
    if unshare is None or subprocess.run(probe, capture_output=True).returncode != 0:
        pytest.skip("cannot mount a file system here (needs unshare and the right to mount)")
    script = 'mount -t tmpfs tmpfs "$RO" && exec "$@"'
    command = [unshare, "-m", "sh", "-c", script, "sh", sys.executable, "-c", READ_ONLY, str(MINI)]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "RO": str(mounted)}
    )
    assert done.returncode == 0, done.stderr
    for command, out, code, error in json.loads(done.stdout.splitlines()[-1]):
        assert code == 1, (command, out, error)
        assert "Read-only file system" in error and "Traceback" not in error, (command, out)


def test_a_read_only_output_while_swapping_is_an_output_error(tmp_path, monkeypatch):
    from liaise_lod import pipeline

    out = tmp_path / "out"
    build(MINI, out)
    before = snapshot(out)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(out))

    monkeypatch.setattr(pipeline, "exchange", read_only)
    with pytest.raises(OutputError, match=r"could not write the output .*: Read-only file system"):
        build(MINI, out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_dataset_made_in_python_builds_and_publishes(tmp_path, mini_dataset):
    from liaise_lod.publish import publish

    result = build(mini_dataset, tmp_path / "out")
    assert (tmp_path / "out" / "dataset.ttl").is_file() and result.report.conforms
    site = publish(mini_dataset, tmp_path / "site")
    assert (tmp_path / "site" / "project" / "alpha.html").is_file() and site.pages
