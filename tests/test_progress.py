"""The progress bar: drawn on a terminal only, by `publish` (pages) and `push` (triples)."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest

from conftest import EXAMPLE, REPO
from liaise_lod._internal.progress import ProgressBar

sys.path.insert(0, str(REPO / "benchmarks"))
import synthetic


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_draws_on_a_terminal_and_ends_its_line():
    stream = Terminal()
    bar = ProgressBar("pushing", "triples", stream=stream)
    for done in range(0, 201, 50):
        bar(done, 200)
    drawn = stream.getvalue()
    assert drawn.endswith("\n") and drawn.count("\n") == 1
    frames = drawn.rstrip("\n").split("\r")[1:]
    assert frames[1] == "pushing [#######.......................]  25% 50/200 triples"
    assert frames[-1] == "pushing [##############################] 100% 200/200 triples"
    assert len(frames) == 5


def test_bar_redraws_only_when_the_percentage_moves():
    stream = Terminal()
    bar = ProgressBar("publishing", "pages", stream=stream)
    for done in range(1, 100_001):
        bar(done, 100_000)
    assert stream.getvalue().count("\r") == 101  # 0 %, 1 %, .. 100 %


def test_bar_is_quiet_off_a_terminal_and_below_its_minimum():
    off = io.StringIO()
    ProgressBar("pushing", "triples", stream=off)(10, 10)
    assert off.getvalue() == ""
    small = Terminal()
    ProgressBar("publishing", "pages", stream=small, minimum=500)(10, 10)
    assert small.getvalue() == ""


def test_calls_after_the_end_draw_nothing():
    """fork_map reports its total once more after the last unit: no second finished line."""
    stream = Terminal()
    bar = ProgressBar("publishing", "pages", stream=stream)
    for done in (5, 10, 10, 10):
        bar(done, 10)
    assert stream.getvalue().count("100%") == 1 and stream.getvalue().count("\n") == 1


def test_close_ends_an_open_line_once():
    stream = Terminal()
    bar = ProgressBar("pushing", "triples", stream=stream)
    bar(3, 10)
    bar.close()
    bar.close()
    assert stream.getvalue().count("\n") == 1


def publish_command(tmp_path) -> list[str]:
    # 30 synthetic projects: about 560 resources, above publish's 500-page minimum.
    data = synthetic.write(tmp_path / "data", 30)
    return [
        sys.executable,
        "-m",
        "liaise_lod.cli",
        "publish",
        str(data),
        "--out",
        str(tmp_path / "site"),
    ]


def test_publish_draws_a_bar_on_a_terminal(tmp_path):
    command = publish_command(tmp_path)
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            seen += chunk
        out, _ = process.communicate(timeout=300)
    finally:
        os.close(leader)
    assert process.returncode == 0, seen.decode()
    pages = int(out.decode().split(" pages,")[0].split()[-1])
    resources = pages - 2  # every page but the index and the changes is a resource's
    text = seen.decode()
    assert f"publishing [##############################] 100% {resources}/{resources} pages" in text
    assert text.count("\rpublishing [") >= 5
    assert text.count(" 100% ") == 1


def test_publish_is_quiet_off_a_terminal(tmp_path):
    done = subprocess.run(publish_command(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "publishing [" not in done.stderr
    assert "pages" in done.stdout


def test_verbose_says_how_long_each_stage_took(tmp_path, capsys):
    from liaise_lod.cli import main

    assert main(["-v", "build", str(EXAMPLE), "--out", str(tmp_path / "out")]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if line.endswith(" s")]
    stages = ["load", "map", "compare", "validate", "write"]
    assert [line.split(":")[1].strip() for line in said] == stages
    assert all(float(line.rsplit(" ", 2)[1]) >= 0 for line in said)

    assert main(["build", str(EXAMPLE), "--out", str(tmp_path / "quiet")]) == 0
    assert " s\n" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "command", [["build", "--out", "OUT", "-v"], ["publish", "-v", "--out", "OUT", "--full"]]
)
def test_verbose_may_come_after_the_command(tmp_path, capsys, command):
    """As most tools take it: ``liaise-lod publish DATA -v`` (validate's own ``-v`` lists
    every result, and is tested with validate)."""
    from liaise_lod.cli import main

    out = str(tmp_path / "out")
    arguments = [out if part == "OUT" else part for part in command]
    assert main([*arguments, str(EXAMPLE)]) == 0
    assert "liaise-lod: load: " in capsys.readouterr().err
