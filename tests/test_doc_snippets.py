"""The code in README.md and docs/*.md runs, and says what it does.

Every fenced block is read with its info string (```` ```python ````, ```` ```sh norun ````):

- ``python``: run, in document order, in one namespace per page;
- ``sh`` (``bash``, ``shell``): every line a ``liaise-lod`` command, each run through the
  installed ``liaise-lod`` (the one beside ``sys.executable``); it must exit 0;
- ``text`` whose first line is ``$ liaise-lod ...``: a transcript; the command is run and its
  output must read as shown (a line ``...`` stands for lines left out);
- ``yaml``/``json``/``csv``/``turtle`` with ``file=PATH``: written to PATH for the blocks after it;
  with ``dataset``: loaded with ``load_dataset``, which must find no problem.

A block (or one line of a ``sh`` block, by a trailing ``# norun``) that must not run (it
installs, serves, pushes to a server) says ``norun``; a ``python`` or ``sh`` block that neither
runs nor says so fails ``test_every_block_runs_or_says_why_not``.

Each page runs in a fresh folder holding a copy of ``examples/`` and of the example built into
``out/liaise2``, so that paths read as in a checkout and nothing is written into the repository.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELLS = {"sh", "bash", "shell"}
DATA = {"yaml", "json", "csv", "turtle"}
#: Every language a block may be written in; a block without one fails.
LANGUAGES = {"python", "text", "turtle", "sparql", "json", "jsonld", "nginx", "html", "http"}
LANGUAGES |= SHELLS | DATA
COMMAND_TIMEOUT = 300  # seconds: a command that hangs (a server started by mistake) fails

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    words: tuple[str, ...]
    body: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def runs(self) -> bool:
        return "norun" not in self.words

    def option(self, name: str) -> str | None:
        for word in self.words:
            if word.startswith(name + "="):
                return word.partition("=")[2]
        return None


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        indent = len(match["indent"])
        body = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
        words = tuple(match["info"].split())
        language = words[0] if words else ""
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(page, line, language, words[1:], body))
    return found


def commands(body: str) -> list[str]:
    """The lines of a shell block, continuations joined, without comments or ``# norun`` lines."""
    joined = re.sub(r"\\\n\s*", " ", body)
    lines = []
    for line in joined.splitlines():
        if re.search(r"#\s*norun\b", line):
            continue
        code = _without_comment(line).strip()
        if code:
            lines.append(code)
    return lines


def _without_comment(line: str) -> str:
    quoted = re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: "x" * len(m[0]), line)
    cut = re.search(r"(^|\s)#", quoted)
    return line[: cut.start()] if cut else line


def _is_command(line: str) -> bool:
    return line.startswith("liaise-lod ")


def test_every_block_runs_or_says_why_not():
    unmarked = []
    for page in PAGES:
        for block in blocks(page):
            if block.language not in LANGUAGES:
                unmarked.append(f"{block.where}: say the block's language ({block.language!r})")
            elif block.language == "python" and not block.runs:
                try:
                    compile(block.body, block.where, "exec")
                except SyntaxError as error:
                    unmarked.append(f"{block.where}: {error}")
            elif block.language in SHELLS and block.runs:
                others = [line for line in commands(block.body) if not _is_command(line)]
                if others:
                    unmarked.append(
                        f"{block.where}: not a liaise-lod command: {others[0]!r} "
                        "(make it one, or mark the block or line 'norun')"
                    )
    assert not unmarked, "\n".join(unmarked)


# ------------------------------------------------------------------------------- running


@pytest.fixture(scope="session")
def built_example(tmp_path_factory) -> Path:
    """The example, built once for every page."""
    out = tmp_path_factory.mktemp("built") / "liaise2"
    subprocess.run(
        [
            str(_cli(tmp_path_factory)),
            "build",
            str(ROOT / "examples" / "liaise2"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=COMMAND_TIMEOUT,
    )
    return out


def _cli(tmp_path_factory) -> Path:
    """The ``liaise-lod`` of this interpreter: the one installed beside it, or a script."""
    installed = Path(sys.executable).parent / "liaise-lod"
    if installed.is_file():
        return installed
    script = tmp_path_factory.getbasetemp() / "bin" / "liaise-lod"
    if not script.exists():
        script.parent.mkdir(exist_ok=True)
        script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m liaise_lod.cli "$@"\n')
        script.chmod(0o755)
    return script


@pytest.fixture(scope="session")
def page_runs(request, tmp_path_factory, built_example) -> Iterator[dict[Path, Future]]:
    """Every selected page, run in its own folder; pages run side by side, each in order."""
    wanted = [
        item.callspec.params["page"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_the_code_of_the_page_runs"
    ]
    env = dict(os.environ)
    env["PATH"] = f"{_cli(tmp_path_factory).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("COLUMNS", None)
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        runs = {
            page: pool.submit(
                run_page, page, tmp_path_factory.mktemp(page.stem), built_example, env
            )
            for page in wanted
        }
        yield runs
        for run in runs.values():
            run.cancel()


def _does_something(block: Block) -> bool:
    if block.language in ("python", *SHELLS):
        return True
    if block.language == "text":
        return block.body.startswith("$ liaise-lod ")
    return block.language in DATA and ("dataset" in block.words or bool(block.option("file")))


def _runnable(page: Path) -> list[Block]:
    return [block for block in blocks(page) if block.runs and _does_something(block)]


@pytest.mark.parametrize(
    "page", [page for page in PAGES if _runnable(page)], ids=lambda page: page.name
)
def test_the_code_of_the_page_runs(page, page_runs):
    failures = page_runs[page].result()
    assert not failures, "\n\n".join(failures)


def run_page(page: Path, folder: Path, built: Path, env: dict) -> list[str]:
    """Run a page's blocks in order; what went wrong."""
    runnable = _runnable(page)
    work = folder / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    shutil.copytree(built, work / "out" / "liaise2")
    with PythonRunner(work, env, folder / "python-output.txt") as python:
        for block in runnable:
            if block.language == "python":
                failure = python.run(block)
            elif block.language in SHELLS:
                failure = next(
                    (
                        f
                        for line in commands(block.body)
                        if (f := _run_command(block, line, work, env))
                    ),
                    None,
                )
            elif block.language == "text":
                failure = _check_transcript(block, work, env)
            else:
                failure = _write_or_load(block, work, python)
            if failure:
                return [failure]  # the blocks after it may need what it made
    return []


class PythonRunner:
    """One Python interpreter for a page: its blocks run in order in one namespace, in the
    page's folder, as in a fresh ``python`` a reader would start."""

    PROGRAM = r"""
import json, sys, traceback
answers, sys.stdout = sys.stdout, sys.stderr
namespace = {"__name__": "__main__"}
for line in sys.stdin:
    where, code = json.loads(line)
    try:
        exec(compile(code, where, "exec"), namespace)
        answer = ""
    except BaseException:
        answer = traceback.format_exc()
    answers.write(json.dumps(answer) + "\n")
    answers.flush()
"""

    def __init__(self, work: Path, env: dict, output: Path):
        self.work, self.env, self.output = work, env, output
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> PythonRunner:
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def run(self, block: Block) -> str | None:
        process = self._started()
        assert process.stdin and process.stdout
        process.stdin.write(json.dumps([block.where, block.body]) + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], COMMAND_TIMEOUT)
        answer = (
            json.loads(process.stdout.readline() or '"the interpreter ended"')
            if ready
            else (f"no answer in {COMMAND_TIMEOUT} s")
        )
        if answer:
            printed = self.output.read_text(encoding="utf-8", errors="replace")[-3000:]
            return f"{block.where}: the block failed:\n{answer}\nit printed:\n{printed}"
        return None

    def _started(self) -> subprocess.Popen:
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", self.PROGRAM],
                cwd=self.work,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.output.open("w"),
                text=True,
            )
        return self.process


def _shell(line: str, work: Path, env: dict) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["bash", "-c", line],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(line, -1, "", f"no end in {COMMAND_TIMEOUT} s")


def _run_command(block: Block, line: str, work: Path, env: dict) -> str | None:
    if not _is_command(line):  # never run what a page did not mean to be run here
        return f"{block.where}: not a liaise-lod command, not run: {line!r}"
    done = _shell(line, work, env)
    if done.returncode != 0:
        return f"{block.where}: `{line}` exited {done.returncode}:\n{done.stderr}{done.stdout}"
    return None


def _check_transcript(block: Block, work: Path, env: dict) -> str | None:
    first, _, shown = block.body.partition("\n")
    line = first.removeprefix("$ ")
    done = _shell(line, work, env)
    output = _lines(done.stdout + done.stderr)
    position = 0
    for part in re.split(r"^\.\.\.\n", shown, flags=re.MULTILINE):
        expected = _lines(part)
        if expected:
            position = _find(expected, output, position)
            if position < 0:
                printed = done.stdout + done.stderr
                return (
                    f"{block.where}: `{line}` printed\n{printed}\nnot what the page shows:\n{shown}"
                )
    return None


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def _find(expected: list[str], output: list[str], start: int) -> int:
    """Where ``expected`` ends in ``output``, found at or after ``start``; -1 if nowhere."""
    for at in range(start, len(output) - len(expected) + 1):
        if output[at : at + len(expected)] == expected:
            return at + len(expected)
    return -1


def _write_or_load(block: Block, work: Path, python: PythonRunner) -> str | None:
    target = block.option("file")
    path = work / (target or f"samples/line-{block.line}/sample.{block.language}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block.body, encoding="utf-8")
    if "dataset" not in block.words:
        return None
    check = Block(
        block.page,
        block.line,
        "python",
        (),
        f"from liaise_lod import load_dataset\nload_dataset({str(path)!r})\n",
    )
    return python.run(check)
