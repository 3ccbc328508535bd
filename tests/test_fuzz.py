"""Fuzzing the loaders and the command line: whatever the dataset, the contract holds.

The contract: exit 0, 1 or 2 and nothing else; exit 2 says where (every problem has its file,
and most a line); never a traceback; on failure nothing written (``build --out`` leaves no
output folder, or the previous one as it was); bounded time, and bounded memory (checked in a
child process under a 2 GiB address-space limit).

Datasets are mutations of a small valid one: wrong types, huge numbers, odd unicode, control
characters, deep nesting, aliases, odd URLs, duplicate ids, dangling references, CSV quirks,
broken bytes. Most cases run in process through ``liaise_lod.cli.main``; a few in a child
process, for the memory and time bounds.

A long campaign (cases are drawn at random, not the same each run)::

    LIAISE_FUZZ_EXAMPLES=20000 .venv/bin/pytest -q tests/test_fuzz.py tests/test_iri_syntax.py

In the suite the cases are the same each run (derandomised), a few hundred of them.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import hashlib
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_iri_syntax import mutated_iris, rfc3987_iris

CAMPAIGN = int(os.environ.get("LIAISE_FUZZ_EXAMPLES", "0"))
IN_PROCESS_CASES = CAMPAIGN or 200
CHILD_CASES = max(CAMPAIGN // 50, 6)
_SETTINGS = settings(
    deadline=None,
    derandomize=not CAMPAIGN,
    database=None,
    suppress_health_check=list(HealthCheck),
)
#: A case taking longer is a hang (a case takes under a second).
CASE_SECONDS = 120
MEMORY_LIMIT = 2 * 1024**3

# --------------------------------------------------------------------------- the valid dataset

VALID: dict[str, Any] = {
    "dataset": {
        "base": "https://data.example.org/fz/",
        "language": "en",
        "title": {"en": "Fuzz", "fr": "Flou"},
        "publisher": "o1",
    },
    "organisations": [
        {
            "id": "o1",
            "name": {"en": "One", "fr": "Un"},
            "kind": "network",
            "country": "FR",
            "website": "https://one.example.org/",
            "same_as": ["https://www.wikidata.org/entity/Q1"],
        },
        {"id": "o2", "name": "Two", "kind": "city", "parent": "o1", "country": "NL"},
    ],
    "people": [
        {
            "id": "ann",
            "name": "Ann Example",
            "affiliation": "o1",
            "email": "ann@example.org",
            "publish_contact": True,
        }
    ],
    "projects": [
        {
            "id": "p1",
            "name": "Project one",
            "acronym": "P1",
            "description": "A project.",
            "start": "2016-01",
            "end": "2018-01",
            "lead": "o1",
            "topics": ["radicalisation"],
            "contacts": ["ann"],
            "funding": [
                {"funder": "o2", "amount": 1000.5, "currency": "EUR", "cofunding_rate": 0.8}
            ],
            "figures": [{"label": "partners", "value": 2}, {"label": "people", "min_value": 100}],
        }
    ],
    "participations": [{"organisation": "o2", "project": "p1", "role": "partner"}],
    "events": [
        {
            "id": "e1",
            "name": "Seminar",
            "kind": "seminar",
            "start": "2017-03-29",
            "end": "2017-03-30",
            "project": "p1",
            "organisers": ["o1"],
            "locality": "The Hague",
            "country": "NL",
        }
    ],
    "publications": [
        {
            "id": "g1",
            "title": "Guide",
            "kind": "guide",
            "languages": ["en"],
            "publisher": "o1",
            "date": "2017-06",
            "url": "https://one.example.org/guide",
        }
    ],
    "news": [{"id": "n1", "headline": "News", "date": "2017-04-02", "about": ["e1"]}],
}

# --------------------------------------------------------------------------- values


class Raw(str):
    """A number written as it is (``1e999999999``, 5,000 digits): no Python value writes it."""


HUGE_NUMBERS = [
    "1e999999999",
    "-1e-999999999",
    "9" * 5_000,
    "1" + "0" * 1_200,
    "0x" + "f" * 2_000,
    ":".join(["59"] * 500),
    "1.0e+99999",
    "123456789012345678901234567890",
    "0." + "0" * 40 + "1",
    ".nan",
    "-.inf",
    "1_000_000",
]
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "\x07bell",
    "\x1b[31mred\x1b[0m",
    "\u202egnp.exe",
    "\ufeff",
    "\ufffe",
    "\udc80",
    "a\u0085b",
    "\u2028",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "x" * 200_000,
    "NO",
    "null",
    "~",
    "2016-02-30",
    "2016-05-26T09:00",
    "2016-05-26T09:00:00." + "0" * 500 + "+02:00",
    "99999",
    "-0001",
    "en_GB",
    "x-" * 300 + "x",
    "*alias",
    "&anchor x",
    "!!binary aGVsbG8=",
    "{{ template }}",
    "<script>alert(1)</script>",
]
ODD_URLS = [
    "https://x.org/a?[b]",
    "https://x.org/%zz",
    "https://x.org:99999/",
    "https://u:p@x.org/",
    "https://[::1/",
    "https://x.org/a#b#c",
    "https://x.org/a/../b",
    "javascript:alert(1)",
    "https://x.org/\u00a0",
    "https://xn--80ak6aa92e.com/",
    "https://[v1.x]/",
    "http://x.org:/",
]


def _nested(depth: int) -> Any:
    value: Any = "x"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**18, max_value=10**40),
    st.floats(),
    st.sampled_from(HUGE_NUMBERS).map(Raw),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=30),
    st.sampled_from(ODD_URLS),
    mutated_iris(),
    st.integers(1, 150).map(_nested),
    st.lists(st.text(max_size=5), max_size=4),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)

# --------------------------------------------------------------------------- mutations


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _parent(data: Any, path: tuple) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


def _set_value(draw: st.DrawFn, data: dict) -> None:
    path = draw(st.sampled_from([p for p in _paths(data) if p]))
    _parent(data, path)[path[-1]] = draw(odd_values)


def _delete(draw: st.DrawFn, data: dict) -> None:
    path = draw(st.sampled_from([p for p in _paths(data) if p]))
    del _parent(data, path)[path[-1]]


def _add_key(draw: st.DrawFn, data: dict) -> None:
    mappings = [p for p in _paths(data) if isinstance(_parent(data, (*p, None)), dict)]
    path = draw(st.sampled_from(mappings))
    key = draw(st.one_of(st.sampled_from(["nmae", "id", "dataset", "x" * 2_000]), st.text()))
    _parent(data, (*path, None))[key] = draw(odd_values)


def _duplicate_record(draw: st.DrawFn, data: dict) -> None:
    collection = draw(st.sampled_from([k for k, v in data.items() if isinstance(v, list) and v]))
    records = data[collection]
    record = draw(st.sampled_from(records))
    # The same object twice: YAML writes it once, with an anchor, and an alias.
    records.append(record if draw(st.booleans()) else copy.deepcopy(record))


def _dangling(draw: st.DrawFn, data: dict) -> None:
    references = [
        p
        for p in _paths(data)
        if p and p[-1] in ("lead", "parent", "publisher", "funder", "project", "about")
    ]
    if references:
        path = draw(st.sampled_from(references))
        _parent(data, path)[path[-1]] = draw(st.sampled_from(["ghost", "p1", "ann", "e1"]))


TEXT_FIELDS = ("name", "description", "title", "headline", "label", "acronym", "locality")
URL_FIELDS = ("website", "url", "file_url", "same_as", "base", "license")
NUMBER_FIELDS = ("amount", "value", "min_value", "max_value")
#: Text any field may hold: no control characters, surrogates or noncharacters.
printable_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1, max_size=40
).filter(lambda text: bool(text.strip()))
bounded_numbers = st.one_of(
    st.integers(1, 10**18 - 1),
    st.decimals(min_value=0, max_value=10**17, places=6, allow_nan=False).map(str),
    st.floats(min_value=0.001, max_value=1e15),
)


def _odd_but_valid(draw: st.DrawFn, data: dict) -> None:
    """A value as odd as the model takes: the case goes on to the mapping and the writers."""
    paths = [p for p in _paths(data) if p and p[-1] in (*TEXT_FIELDS, *URL_FIELDS, *NUMBER_FIELDS)]
    path = draw(st.sampled_from(paths))
    name = path[-1]
    if name in TEXT_FIELDS:
        value: Any = draw(
            st.one_of(printable_text, st.sampled_from(["<b>&amp;</b>", "\\x", "@en"]))
        )
    elif name in URL_FIELDS:
        iri = draw(rfc3987_iris())
        value = [iri] if name == "same_as" else iri
        if name == "base":
            value = iri.split("?")[0].split("#")[0]
    else:
        value = draw(bounded_numbers)
    _parent(data, path)[name] = value


MUTATIONS: list[Callable[[st.DrawFn, dict], None]] = [
    _odd_but_valid,
    _odd_but_valid,
    _odd_but_valid,
    _set_value,
    _set_value,
    _delete,
    _add_key,
    _duplicate_record,
    _dangling,
]

# --------------------------------------------------------------------------- files


def _raws(value: Any, found: list[str]) -> Any:
    """``value`` with each ``Raw`` replaced by a placeholder written in its place later."""
    if isinstance(value, Raw):
        found.append(str(value))
        return f"RAW{len(found) - 1}RAW"
    if isinstance(value, dict):
        return {key: _raws(item, found) for key, item in value.items()}
    if isinstance(value, list):
        return [_raws(item, found) for item in value]
    return value


def _put_raws(text: str, raws: list[str]) -> str:
    for number, raw in enumerate(raws):
        text = re.sub(f"[\"']?RAW{number}RAW[\"']?", lambda _, r=raw: r, text)  # type: ignore[misc]
    return text


def _yaml(draw: st.DrawFn, data: Any) -> bytes:
    raws: list[str] = []
    value = _raws(data, raws)
    try:
        text = yaml.safe_dump(
            value,
            allow_unicode=draw(st.booleans()),
            default_flow_style=draw(st.sampled_from([False, None, True])),
            sort_keys=False,
            width=draw(st.sampled_from([80, 10**6])),
        )
    except (yaml.YAMLError, ValueError, RecursionError):  # what YAML cannot write, JSON does
        return _json(draw, data)
    return _put_raws(text, raws).encode("utf-8", "surrogatepass")


def _json(draw: st.DrawFn, data: Any) -> bytes:
    raws: list[str] = []
    value = _raws(data, raws)
    try:
        text = json.dumps(
            value,
            ensure_ascii=draw(st.booleans()),
            indent=draw(st.sampled_from([None, 1, 2])),
            allow_nan=True,
        )
    except (ValueError, RecursionError):  # an int too long to write
        text = "{}"
    return _put_raws(text, raws).encode("utf-8", "surrogatepass")


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    return "" if value is None else str(value)


def _csv(draw: st.DrawFn, records: Any) -> bytes:
    if not isinstance(records, list):
        records = [records]
    columns: dict[str, None] = {}
    rows = []
    for record in records:
        row: dict[str, str] = {}
        for key, value in record.items() if isinstance(record, dict) else [("id", record)]:
            if isinstance(value, dict):
                for sub_key, sub_value in value.items():
                    row[f"{key}.{sub_key}"] = _cell(sub_value)
            else:
                row[str(key)] = _cell(value)
        columns.update(dict.fromkeys(row))
        rows.append(row)
    out = io.StringIO()
    quote_all = draw(st.booleans())
    writer = csv.DictWriter(
        out,
        list(columns),
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


CSV_COLLECTIONS = ("participations", "people")


def _files(draw: st.DrawFn, data: dict) -> dict[str, bytes]:
    layout = draw(st.sampled_from(["yaml", "json", "split", "csv"]))
    if layout in ("yaml", "json"):
        return {f"data.{layout}": (_yaml if layout == "yaml" else _json)(draw, data)}
    files: dict[str, bytes] = {}
    rest = {}
    for key, value in data.items():
        if layout == "csv" and key in CSV_COLLECTIONS:
            files[f"{key}.csv"] = _csv(draw, value)
        elif key == "organisations":
            files["organisations.json"] = _json(draw, {key: value})
        else:
            rest[key] = value
    files["data.yaml"] = _yaml(draw, rest)
    return files


ALIAS_BOMB = "".join(
    f"b{level}: &b{level} [{', '.join([f'*b{level - 1}' if level else '1'] * 9)}]\n"
    for level in range(9)
).encode()
INSERTIONS = [
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\t",
    b"\r",
    b"\n- x\n",
    b": :",
    b"&a ",
    b"*a ",
    b"!!python/object:os.system ",
    b'"',
    b"'",
    b"{",
    b"]",
    b",",
    b"|\n",
    b"[" * 2_000,
    b"\n" + ALIAS_BOMB,
    b"\n" + b"x" * 200_000,
]


def _damage(draw: st.DrawFn, files: dict[str, bytes]) -> None:
    """Damage to the bytes of one file."""
    name = draw(st.sampled_from(sorted(files)))
    data = files[name]
    at = draw(st.integers(0, len(data)))
    how = draw(st.sampled_from(["insert", "insert-character", "cut", "truncate", "bom", "line"]))
    if how == "insert":
        data = data[:at] + draw(st.sampled_from(INSERTIONS)) + data[at:]
    elif how == "insert-character":
        character = draw(st.characters()).encode("utf-8", "surrogatepass")
        data = data[:at] + character + data[at:]
    elif how == "cut":
        data = data[:at] + data[at + draw(st.integers(1, 40)) :]
    elif how == "truncate":
        data = data[:at]
    elif how == "bom":
        data = b"\xef\xbb\xbf" + data
    else:
        lines = data.split(b"\n")
        line = draw(st.integers(0, len(lines) - 1))
        lines.insert(line, lines[line])
        data = b"\n".join(lines)
    files[name] = data


EXTRA_FILES: list[tuple[str, bytes | None]] = [
    ("empty.yaml", b""),
    ("empty.json", b""),
    ("people.csv", b""),
    ("notes.txt", b"\x00\xff not data"),
    (".hidden.yaml", b"[[["),
    ("dir.yaml", None),  # a folder named like a file
    ("nested/more.yml", b"organisations: []\n"),
    ("projects.csv", b'id,name.en\r\n"q1","Q\r\nwith a line break"\r\nq2,\r\n,\r\n'),
    ("participations.csv", b"organisation,project,role,\r\no1,p1,coordinator,extra\r\n"),
    ("people.csv", b"id,id,name\r\nbob,bob,Bob\r\n"),
    ("events.csv", b"\x00id\r\n"),
]


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, bytes | None]:
    """A dataset folder: file name -> bytes (None: a folder of that name)."""
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(0, 3))):
        draw(st.sampled_from(MUTATIONS))(draw, data)
    files: dict[str, bytes | None] = dict(_files(draw, data))
    if draw(st.integers(0, 3)) == 0:
        _damage(draw, files)  # type: ignore[arg-type]
    if draw(st.integers(0, 4)) == 0:
        name, content = draw(st.sampled_from(EXTRA_FILES))
        files.setdefault(name, content)
    return files


def _write(folder: Path, files: dict[str, bytes | None]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir()
            (path / "inside.yaml").write_text("organisations: []\n")
        else:
            path.write_bytes(content)


# --------------------------------------------------------------------------- the contract

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: Exit 2 that says where in no file, as there is nowhere to say: the settings give no base.
UNLOCATED = ("liaise-lod: no base IRI: set 'base' in the dataset settings",)


def _tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (names relative to it) with a digest of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_contract(code: int, stderr: str, dataset: Path) -> None:
    assert code in (0, 1, 2), (code, stderr[-2_000:])
    assert "Traceback" not in stderr, stderr[-4_000:]
    for line in stderr.splitlines():
        assert len(line) < 2_000, line[:300]
        assert "\x1b" not in line and "\x07" not in line, line[:300]
    if code != 2:
        return
    lines = [line for line in stderr.splitlines() if line.startswith("liaise-lod: ")]
    assert lines, stderr[-2_000:]
    message = lines[-1]
    if message.startswith(UNLOCATED):
        return
    assert re.match(r"liaise-lod: \d+ problems? in the input:$", message), stderr[-2_000:]
    problems = stderr[stderr.index(message) + len(message) :].strip("\n").splitlines()
    assert problems, stderr
    for problem in problems:
        assert problem.startswith(f"  {dataset}"), problem[:300]


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """A hang in Python code raises; one in C code ends the test run (after twice as long)
    with every thread's stack, rather than stalling CI."""
    import faulthandler

    def hang(signum: int, frame: Any) -> None:
        raise TimeoutError(f"a case took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    faulthandler.dump_traceback_later(seconds * 2, exit=True)
    try:
        yield
    finally:
        signal.alarm(0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


def _main(args: list[str]) -> tuple[int, str]:
    from liaise_lod.cli import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(args)
    return code, stderr.getvalue()


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory) -> Path:
    """A build of the valid dataset: what a failed build must leave as it was."""
    folder = tmp_path_factory.mktemp("valid")
    (folder / "data.json").write_text(json.dumps(VALID))
    out = folder / "out"
    code, stderr = _main(["build", str(folder), "--out", str(out)])
    assert code == 0, stderr
    return out


COMMANDS = ["validate", "query", "build", "build-over", "publish", "single-file"]


@settings(_SETTINGS, max_examples=IN_PROCESS_CASES)
@given(files=datasets(), command=st.sampled_from(COMMANDS))
def test_the_command_line_keeps_its_contract_in_process(previous_output, files, command):
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        dataset = root / "dataset"
        dataset.mkdir()
        _write(dataset, files)
        out = root / "out"
        if command == "build-over":
            shutil.copytree(previous_output, out)
        before = _tree(dataset)
        with _time_limit(CASE_SECONDS):
            code, stderr = _run_in_process(command, dataset, out)
        event(f"{command}: exit {code}")
        assert_contract(code, stderr, dataset)
        assert _tree(dataset) == before  # the input is never written
        _assert_output(command, code, out, previous_output)
        assert {path.name for path in root.iterdir()} <= {"dataset", "out"}  # no leftovers


def _run_in_process(command: str, dataset: Path, out: Path) -> tuple[int, str]:
    if command == "query":
        return _main(["query", str(dataset), QUERY])
    if command == "single-file":
        first = sorted(path for path in dataset.iterdir() if path.is_file())[0]
        return _main(["validate", str(first)])
    if command in ("build", "build-over", "publish"):
        return _main([command.removesuffix("-over"), str(dataset), "--out", str(out)])
    return _main([command, str(dataset)])


def _assert_output(command: str, code: int, out: Path, previous: Path) -> None:
    if code == 0:
        if command.startswith(("build", "publish")):
            assert out.is_dir()
        return
    if command == "build-over":
        assert _tree(out) == _tree(previous)
    else:
        assert not out.exists()


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@settings(_SETTINGS, max_examples=CHILD_CASES)
@given(files=datasets())
def test_the_command_line_keeps_its_contract_in_bounded_memory_and_time(files):
    """In a child process under a 2 GiB address-space limit: a build either ends in time
    within it or says what is wrong; MemoryError and a hang both fail."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        dataset = root / "dataset"
        dataset.mkdir()
        _write(dataset, files)
        out = root / "out"
        command = [sys.executable, "-m", "liaise_lod.cli", "build", str(dataset), "--out", str(out)]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=CASE_SECONDS,
            preexec_fn=_limited,
            check=False,
        )
        event(f"build: exit {result.returncode}")
        assert "MemoryError" not in result.stderr, result.stderr[-2_000:]
        assert_contract(result.returncode, result.stderr, dataset)
        assert out.is_dir() == (result.returncode == 0)


def test_the_valid_dataset_is_valid(previous_output):
    """The mutations start from a dataset that builds: else they would test little."""
    assert (previous_output / "dataset.ttl").is_file()
