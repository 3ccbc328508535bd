"""Files to records: read a dataset folder of YAML, JSON and CSV files into a checked ``Dataset``.

Every problem found is reported at once, each with its file, line, record and field. JSON is
parsed with the standard library for speed; its line numbers are worked out only when there is a
problem to report.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import io
import json
import re
import typing
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from ._internal.allocation import bulk_allocation
from ._internal.quoting import NAME_LENGTH, printable, quote
from .errors import InputError, Problem
from .model import (
    BY_COLLECTION,
    LONGEST_NUMBER_TEXT,
    NUMBER_BOUNDS,
    SLUG_PATTERN,
    Dataset,
    DatasetInfo,
    Record,
    Source,
    check_dataset,
    model_at,
    raw_references,
    reference_problem,
    referenced_kinds,
    with_article,
)
from .schemes import Vocabulary, read_vocabulary_with_problems, vocabulary_files
from .vocabulary import normalise_language_tag

SUFFIXES = (".yaml", ".yml", ".json", ".csv")
#: JSON Schemas for editors (``liaise-lod schema > dataset.schema.json``), kept beside the data.
SCHEMA_SUFFIX = ".schema.json"
_ACCEPTED = "a dataset is a folder, or one file named .yaml, .yml, .json or .csv"
SETTINGS_KEY = "dataset"
LIST_SEPARATOR = "|"

Path_ = tuple[str | int, ...]


# --------------------------------------------------------------------------- located values


class LocatedDict(dict):
    """A mapping that remembers the line of each of its keys."""

    line: int | None = None
    lines: dict[str, int]


class LocatedList(list):
    """A sequence that remembers the line of each of its items."""

    line: int | None = None
    lines: list[int]


def line_of(root: Any, path: Iterable[str | int]) -> int | None:
    """The line of the deepest element along ``path`` that has a known line."""
    line = getattr(root, "line", None)
    node = root
    for step in path:
        lines = getattr(node, "lines", None)
        try:
            line = lines[step] if lines is not None else line
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return line


#: Deeper than any record needs. Our own bound, so that the message is ours whatever the
#: library version: libyaml 0.2.6 has a bound of its own (1,000 levels) in its own words.
MAX_DEPTH = 100
#: Aliases may repeat at most this many nodes more than the file itself holds: a few hundred
#: bytes of nested anchors would otherwise expand to billions of values.
ALIAS_ALLOWANCE = 10_000


class _BoundExceeded(yaml.MarkedYAMLError):
    """The file is nested too deeply or its aliases expand too much."""

    def __init__(self, problem: str, mark: yaml.Mark):
        super().__init__(problem=problem, problem_mark=mark)


def _too_deep(mark: yaml.Mark) -> _BoundExceeded:
    return _BoundExceeded(
        f"lists or mappings are nested too deeply (more than {MAX_DEPTH} levels)", mark
    )


class _BoundedComposer(yaml.composer.Composer):
    """PyYAML's composer, with the nesting depth and what aliases expand to bounded.

    It recurses in Python: libyaml's composer recurses in C and overflowed the C stack at
    30,000 levels, killing the process.
    """

    if TYPE_CHECKING:  # the parser it is mixed with has them

        def check_event(self, *choices: Any) -> bool: ...

        def peek_event(self) -> Any: ...

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._composed = 0
        self._repeated = 0
        #: id of each node composed so far -> how many values it stands for, expanded
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        is_key = isinstance(parent, yaml.MappingNode) and index is None
        if is_key and not self.check_event(yaml.ScalarEvent):
            # Keys become text: a key that is a collection, or an alias to one, could expand
            # to gigabytes of text.
            raise _BoundExceeded(
                "a key must be a plain value, not a list, a mapping or an alias",
                self.peek_event().start_mark,
            )
        if self.check_event(yaml.AliasEvent):
            return self._alias()
        opens = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if opens and self._depth >= MAX_DEPTH:
            raise _too_deep(self.peek_event().start_mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        assert node is not None  # an event was there to compose
        self._composed += 1
        self._sizes[id(node)] = 1 + sum(self._sizes[id(child)] for child in _children(node))
        return node

    def _alias(self) -> yaml.Node:
        event = self.peek_event()
        node = super().compose_node(None, None)  # type: ignore[arg-type]
        assert node is not None
        size = self._sizes.get(id(node))
        if size is None:
            raise _BoundExceeded(
                f"alias *{event.anchor} stands inside the value it refers to", event.start_mark
            )
        self._repeated += size
        if self._repeated > self._composed + ALIAS_ALLOWANCE:
            raise _BoundExceeded(
                f"aliases repeat too much: the file would expand to over "
                f"{self._composed + self._repeated:,} values; write the values out instead",
                event.start_mark,
            )
        return node


def _children(node: yaml.Node) -> Iterable[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return (child for pair in node.value for child in pair)
    return ()


class _BoundedScanner(yaml.scanner.Scanner):
    if TYPE_CHECKING:  # the reader it is mixed with has it

        def get_mark(self) -> yaml.Mark: ...

    def fetch_flow_collection_start(self, TokenClass: type) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise _too_deep(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


class _PythonParser(yaml.reader.Reader, _BoundedScanner, yaml.parser.Parser):
    """PyYAML's own parser, in Python, with the flow depth bounded."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        _BoundedScanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def _fast_parser() -> type:
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return _PythonParser
    return CParser


if TYPE_CHECKING:
    _Parser = yaml.parser.Parser
else:
    _Parser = _fast_parser()


class _PythonComposer(_BoundedComposer, _PythonParser, yaml.resolver.Resolver):
    """Composes with PyYAML's Python parser: the judge of a file libyaml refused."""

    def __init__(self, stream: str) -> None:
        _PythonParser.__init__(self, stream)
        _BoundedComposer.__init__(self)
        yaml.resolver.Resolver.__init__(self)


# Our composer comes first in the order: libyaml's parser has a composer of its own, in C.
class _YamlLoader(
    _BoundedComposer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
):
    """YAML 1.1 loader without its traps: only true/false are booleans (``NO`` is Norway), and
    dates stay text so that the model checks them (``2016-02-30`` is reported, not a crash)."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)  # type: ignore[call-arg]
        _BoundedComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


_UNTRUSTED_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _UNTRUSTED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {quote(key)}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _bounded_number(construct: Callable[[Any, yaml.ScalarNode], Any]) -> Callable:
    """A constructor of numbers that refuses a number too long to be one of ours before making
    it: Python reads no int of over 4,300 digits, and a sexagesimal one grows without bound."""

    def bounded(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        if len(node.value) > LONGEST_NUMBER_TEXT:
            raise yaml.constructor.ConstructorError(
                None, None, _too_long_number(node.value), node.start_mark
            )
        return construct(loader, node)

    return bounded


def _too_long_number(text: str) -> str:
    return f"a number of {len(text):,} characters: {NUMBER_BOUNDS}"


_YamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_YamlLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
for _tag, _construct in (
    ("tag:yaml.org,2002:int", yaml.constructor.SafeConstructor.construct_yaml_int),
    ("tag:yaml.org,2002:float", yaml.constructor.SafeConstructor.construct_yaml_float),
):
    _YamlLoader.add_constructor(_tag, _bounded_number(_construct))


def _parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_YamlLoader)  # type: ignore[arg-type]
    except yaml.MarkedYAMLError as error:
        if _Parser is not _PythonParser:
            _raise_if_out_of_bounds(text, error)
        raise


def _raise_if_out_of_bounds(text: str, refused: yaml.MarkedYAMLError) -> None:
    """Raise our own error if the text up to where libyaml stopped is out of our bounds.

    libyaml scans far ahead inside flow collections, so its own depth bound can stop it before
    our composer sees the depth. PyYAML's Python parser, bounded as ours, tells. It reads only
    up to the line libyaml stopped on, so a refused file costs no more than that.
    """
    mark = refused.problem_mark or refused.context_mark
    if mark is None:
        return
    end = -1
    for _ in range(mark.line + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            break
    end = len(text) if end < 0 else end + 1
    if text.count("[", 0, end) + text.count("{", 0, end) <= MAX_DEPTH:
        # Not enough flow collections to go past our bound: no need to read the text again,
        # in Python, slowly (20 MB on one line took 50 seconds).
        return
    try:
        _PythonComposer(text[:end]).get_single_node()
    except _BoundExceeded as ours:
        raise ours from None
    except yaml.YAMLError:
        pass


# --------------------------------------------------------------------------- files


class _FileProblem(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class DataFile:
    """One parsed file: its top-level data and a way to find the line of anything in it."""

    path: Path
    data: Any
    locate: Callable[[Path_], int | None]


def _read_text(path: Path, newlines: bool = True) -> str:
    """The file's text: UTF-8, with or without a byte order mark; every line break made a line
    feed (as Python's text files make them) unless ``newlines`` is false."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _FileProblem(
            f"the file is not UTF-8 text: byte {data[error.start]:#04x} cannot stand there "
            "(save the file as UTF-8)",
            line,
        ) from None
    if newlines and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _read_yaml(path: Path) -> DataFile:
    text = _read_text(path)
    try:
        data = _parse_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise _FileProblem(_yaml_message(error), mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError:
        raise _unreadable_character(text) from None
    return DataFile(path, data, lambda where: line_of(data, where))


# What YAML 1.1 lets a file hold (its "printable" characters).
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _unreadable_character(text: str) -> _FileProblem:
    """The problem with the first character a YAML reader refuses (which its error locates
    in bytes or characters, depending on the reader)."""
    found = _NOT_YAML.search(text)
    if found is None:
        return _FileProblem("the file holds a character YAML does not allow")
    return _FileProblem(
        f"a YAML file may not hold the character U+{ord(found.group()):04X} (a control "
        "character or a noncharacter): remove it",
        text.count("\n", 0, found.start()) + 1,
    )


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    return " ".join(part for part in (error.context, error.problem) if part) or str(error)


class _DuplicateKey(ValueError):
    pass


class _TooLongNumber(ValueError):
    def __init__(self, text: str):
        super().__init__(_too_long_number(text))
        self.text = text


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"duplicate key {quote(key)}")
        result[key] = value
    return result


def _json_int(text: str) -> int:
    """An int, if it is short enough to be one of ours: Python reads none of over 4,300
    digits."""
    if len(text) > LONGEST_NUMBER_TEXT:
        raise _TooLongNumber(text)
    return int(text)


_JSON = json.JSONDecoder(object_pairs_hook=_reject_duplicate_keys, parse_int=_json_int)
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class _JsonLines:
    """Line numbers in a JSON file, found by walking its text along the path asked for.

    Each mapping or list on the way is scanned once, its members' offsets remembered, and
    values off the path are skipped by the standard library's C decoder: finding the lines of
    100,000 records takes a pass over the file, not a parse of it with line marks. Lines are
    those the YAML reading would give (a key's line for a member, an item's first line).
    """

    def __init__(self, text: str):
        self.text = text
        self._members: dict[int, dict[str | int, tuple[int, int]]] = {}

    @cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.text)]

    def _line(self, offset: int) -> int:
        return bisect.bisect_right(self._newlines, offset) + 1

    def __call__(self, where: Path_) -> int | None:
        value = _skip_space(self.text, 0)
        line = self._line(value)
        for step in where:
            members = self._members_at(value)
            if step not in members:
                break
            at, value = members[step]
            line = self._line(at)
        return line

    def _members_at(self, start: int) -> dict[str | int, tuple[int, int]]:
        """The members of the mapping or list whose text starts at ``start`` (none for other
        values): key or index -> (where the member starts, where its value starts)."""
        members = self._members.get(start)
        if members is None:
            opening = self.text[start : start + 1]
            members = self._scan(start, _CLOSING[opening]) if opening in _CLOSING else {}
            self._members[start] = members
        return members

    def _scan(self, start: int, closing: str) -> dict[str | int, tuple[int, int]]:
        text = self.text
        members: dict[str | int, tuple[int, int]] = {}
        at = _skip_space(text, start + 1)
        while text[at] != closing:
            if closing == "}":
                key, after_key = _scanstring(text, at + 1)
                value = _skip_space(text, _skip_space(text, after_key) + 1)  # past the colon
                members[key] = (at, value)
            else:
                value = at
                members[len(members)] = (at, value)
            _, end = _JSON.raw_decode(text, value)
            at = _skip_space(text, end)
            if text[at] == ",":
                at = _skip_space(text, at + 1)
        return members


_CLOSING = {"{": "}", "[": "]"}
_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]


def _read_json(path: Path) -> DataFile:
    text = _read_text(path)
    try:
        data = _JSON.decode(text)
    except json.JSONDecodeError as error:
        raise _FileProblem(f"invalid JSON: {error.msg}", error.lineno) from None
    except _TooLongNumber as error:
        line = text.count("\n", 0, max(text.find(error.text), 0)) + 1
        raise _FileProblem(str(error), line) from None
    except _DuplicateKey as error:  # YAML's reading says where
        line = None
        try:
            _parse_yaml(text)
        except yaml.MarkedYAMLError as marked:
            line = marked.problem_mark.line + 1 if marked.problem_mark else None
        except yaml.YAMLError:
            pass
        raise _FileProblem(str(error), line) from None
    return DataFile(path, data, _JsonLines(text))


def _read_csv(path: Path) -> DataFile:
    collection = path.stem
    model = BY_COLLECTION.get(collection)
    if model is None:
        raise _FileProblem(
            f"a CSV file holds one collection and is named after it: rename it to one of "
            f"{', '.join(sorted(name + '.csv' for name in BY_COLLECTION))}"
        )
    records = LocatedList()
    records.line, records.lines = 1, []
    reader = csv.DictReader(io.StringIO(_read_text(path, newlines=False), newline=""))
    try:
        # Read the header now, so that line_num counts it before the first row.
        reader.fieldnames  # noqa: B018
        previous_line = reader.line_num
        for row in reader:
            start_line, previous_line = previous_line + 1, reader.line_num
            if None in row:
                raise _FileProblem("this row has more cells than the header", start_line)
            records.append(_csv_record(row, model, start_line))
            records.lines.append(start_line)
    except csv.Error as error:
        raise _FileProblem(_csv_message(error), reader.reader.line_num or None) from None
    data = LocatedDict({collection: records})
    data.line, data.lines = 1, {collection: 1}
    return DataFile(path, data, lambda where: line_of(data, where))


def _csv_message(error: csv.Error) -> str:
    if "field limit" in str(error):
        return (
            f"a cell holds over {csv.field_size_limit():,} characters, the most a CSV cell may "
            "hold: put long texts in a YAML or JSON file"
        )
    return f"invalid CSV: {error}"


def _csv_record(row: dict[str, str], model: type[Record], line: int) -> LocatedDict:
    """A CSV row as a record: ``name.fr`` columns nest, list fields split on ``|``."""
    record = LocatedDict()
    record.line, record.lines = line, {}
    for column, cell in row.items():
        if cell is None or not cell.strip():
            continue
        name, _, sub_key = column.strip().partition(".")
        value: Any = cell.strip()
        if _is_list_field(model, name):
            value = [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
        if sub_key:
            nested = record.setdefault(name, {})
            if isinstance(nested, dict):
                nested[sub_key] = value
        else:
            record[name] = value
        record.lines[name] = line
    return record


def _is_list_field(model: type[Record], name: str) -> bool:
    info = model.model_fields.get(name)
    return info is not None and typing.get_origin(info.annotation) is list


READERS: dict[str, Callable[[Path], DataFile]] = {
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
    ".json": _read_json,
    ".csv": _read_csv,
}


def data_files(path: Path) -> list[Path]:
    """The data files of a dataset: a file itself, or every data file below a folder, sorted."""
    if path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            raise InputError([_file_problem(path, f"not a data file: {_ACCEPTED}")])
        return [path]
    if not path.is_dir():
        exists = path.exists() or path.is_symlink()
        message = "not a file or a folder" if exists else "no such file or folder"
        raise InputError([_file_problem(path, message)])
    return sorted(
        candidate
        for candidate in path.rglob("*")
        if candidate.suffix.lower() in SUFFIXES
        and candidate.is_file()
        and not candidate.name.lower().endswith(SCHEMA_SUFFIX)
        and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
    )


#: No record takes fewer bytes of its file (``{},``; a CSV row and its line break).
SMALLEST_RECORD_BYTES = 2


def count_records(path: str | Path, at_least: int = 0) -> int:
    """How many records the dataset's files hold, read but not checked (a file that cannot
    be read holds none): as many as ``load_dataset`` returns, when it returns. Files of
    fewer bytes than ``at_least`` records take are not read (0 is returned)."""
    files = data_files(Path(path))
    if sum(_size(file) for file in files) < at_least * SMALLEST_RECORD_BYTES:
        return 0
    count = 0
    for file_path in files:
        try:
            data = READERS[file_path.suffix.lower()](file_path).data
        except (_FileProblem, OSError, RecursionError):
            continue
        if isinstance(data, dict):
            count += sum(
                len(value)
                for key, value in data.items()
                if key in BY_COLLECTION and isinstance(value, list)
            )
    return count


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def locator(path: Path) -> Callable[[Path_], int | None]:
    """The lines of a data file read again (see ``DataFile.locate``); none if it cannot be."""
    try:
        if path.suffix.lower() == ".json":
            return _JsonLines(_read_text(path))
        return READERS[path.suffix.lower()](path).locate
    except (_FileProblem, OSError, RecursionError, KeyError):
        return lambda where: None


# --------------------------------------------------------------------------- records


@dataclass
class _Loading:
    """What a load has gathered so far: raw records, problems, and where things were written."""

    problems: list[Problem] = field(default_factory=list)
    settings: list[tuple[DataFile, Any]] = field(default_factory=list)
    raw: list[tuple[DataFile, str, int, Any]] = field(default_factory=list)
    #: Records that failed their own checks: their file, place, model and raw fields.
    failed: list[tuple[DataFile, Path_, type[Record], dict]] = field(default_factory=list)
    #: Whether a data file could not be read at all: then no reference is called unknown.
    unreadable: bool = False

    def problem(
        self,
        file: DataFile | Path,
        line: int | None,
        message: str,
        record: str | None = None,
        field_name: str | None = None,
    ) -> None:
        path = file.path if isinstance(file, DataFile) else file
        self.problems.append(_bounded(Problem(str(path), line, record, field_name, message)))


def load_dataset(path: str | Path) -> Dataset:
    """Read a dataset (a folder of YAML, JSON and CSV files, or one file) and check it whole.

    Raises ``InputError`` listing every problem found, each with file, line, record and field.
    """
    # Parsed files and records hold no reference cycles: collections would only walk them
    # again and again (a third of the time on 2,000 projects).
    with bulk_allocation():
        return _load(Path(path))


def _load(root: Path) -> Dataset:
    loading = _Loading()
    files = data_files(root)
    if not files:
        loading.problem(root, None, "no data files (.yaml, .yml, .json, .csv) found")
    for file_path in files:
        _gather(file_path, loading)
    vocabulary = _vocabulary(root, loading)
    language = _default_language(loading)
    context: dict[str, Any] = {"vocabulary": vocabulary}
    if language:
        context["language"] = language
    info = _settings(loading, context)
    collections, sources, ids = _validate_records(loading, context)
    dataset = Dataset.model_construct(None, info=info or DatasetInfo(), **collections)
    dataset._sources.update(sources)
    dataset._vocabulary = vocabulary
    _check_whole(dataset, loading, ids - sources.keys())
    if loading.problems:
        raise InputError(loading.problems)
    return dataset


def _vocabulary(root: Path, loading: _Loading) -> Vocabulary:
    """Ours, with the dataset's own ``vocab/*.ttl``; what is wrong in those is a problem of
    the load."""
    vocabulary, problems = read_vocabulary_with_problems(vocabulary_files(root))
    loading.problems.extend(problems)
    return vocabulary


def _gather(file_path: Path, loading: _Loading) -> None:
    try:
        file = READERS[file_path.suffix.lower()](file_path)
    except _FileProblem as problem:
        loading.problem(file_path, problem.line, str(problem))
        loading.unreadable = True
        return
    except OSError as error:
        loading.problem(file_path, None, f"cannot read the file: {error.strerror or error}")
        loading.unreadable = True
        return
    except RecursionError:
        loading.problem(file_path, None, "lists or mappings are nested too deeply to read")
        loading.unreadable = True
        return
    if file.data is None:
        return
    if not isinstance(file.data, dict):
        loading.problem(
            file,
            file.locate(()),
            "the file must hold a mapping of collections, "
            "e.g. 'organisations:' followed by a list of records",
        )
        return
    for key, value in file.data.items():
        if key == SETTINGS_KEY:
            loading.settings.append((file, value))
        elif key not in BY_COLLECTION:
            loading.problem(
                file,
                file.locate((key,)),
                _unknown(key, [*BY_COLLECTION, SETTINGS_KEY], "collection"),
            )
        elif not isinstance(value, list):
            loading.problem(file, file.locate((key,)), f"'{key}' must be a list of records")
        else:
            loading.raw.extend((file, key, index, raw) for index, raw in enumerate(value))
    if isinstance(file.locate, _JsonLines):
        # Its lines are found in its text: its parsed data would only hold every raw record
        # alive beside the checked one (a third of a loaded dataset's memory).
        file.data = None


def _default_language(loading: _Loading) -> str | None:
    """The settings' default language, read first: the settings' own texts need it too."""
    for _, raw in loading.settings[:1]:
        if isinstance(raw, dict) and isinstance(raw.get("language"), str):
            try:
                return normalise_language_tag(raw["language"])
            except ValueError:
                return None  # reported when the settings are checked
    return None


def _settings(loading: _Loading, context: dict[str, Any]) -> DatasetInfo | None:
    if len(loading.settings) > 1:
        for file, _ in loading.settings[1:]:
            loading.problem(
                file,
                file.locate((SETTINGS_KEY,)),
                "the dataset settings are given twice: keep one 'dataset:' block",
            )
    if not loading.settings:
        return None
    file, raw = loading.settings[0]
    try:
        return DatasetInfo.model_validate(raw, context=context)
    except ValidationError as error:
        _report(error, loading, file, (SETTINGS_KEY,), "dataset", DatasetInfo)
        return None


def _validate_records(
    loading: _Loading, context: dict[str, Any]
) -> tuple[dict[str, list[Record]], dict[str, Source], set[str]]:
    """The records checked, where each was written, and the ids of all, checked or not. The
    raw records are let go of as they are checked: they and the checked ones are never all
    held at once."""
    collections: dict[str, list[Record]] = {name: [] for name in BY_COLLECTION}
    sources: dict[str, Source] = {}
    ids: set[str] = set()
    fields_given: dict[frozenset[str], set[str]] = {}
    waiting = deque(loading.raw)
    loading.raw.clear()
    while waiting:
        file, collection, index, raw = waiting.popleft()
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            ids.add(raw["id"])
        model = BY_COLLECTION[collection]
        where = (collection, index)
        record_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(raw, dict):
            loading.problem(
                file, file.locate(where), f"each item of '{collection}' must be a mapping of fields"
            )
            continue
        try:
            record = model.model_validate(raw, context=context)
        except ValidationError as error:
            _report(error, loading, file, where, record_id, model)
            loading.failed.append((file, where, model, raw))
            continue
        _share_fields_given(record, fields_given)
        collections[collection].append(record)
        sources[record.id] = _FileSource(file, where)
    return collections, sources, ids


def _share_fields_given(record: Record, shared: dict[frozenset[str], set[str]]) -> None:
    """Records written with the same fields share one set of their names. Pydantic makes one
    per record (a quarter of a loaded dataset's memory), and changes none on a frozen model."""
    given = record.__pydantic_fields_set__
    object.__setattr__(
        record, "__pydantic_fields_set__", shared.setdefault(frozenset(given), given)
    )


def _check_whole(dataset: Dataset, loading: _Loading, failed_ids: set[str]) -> None:
    complete = not loading.unreadable
    _check_failed_references(dataset, loading, failed_ids, complete)
    for problem in check_dataset(dataset, failed_ids, complete=complete):
        source = dataset.source(problem.record) if problem.record else None
        if source is not None:
            problem = Problem(
                source.file,
                source.line_of(problem.field),
                problem.record,
                problem.field,
                problem.message,
            )
        elif problem.record == SETTINGS_KEY and loading.settings:  # e.g. an unknown publisher
            file, _ = loading.settings[0]
            where = (SETTINGS_KEY, *_parse_field_path(problem.field or ""))
            problem = Problem(
                str(file.path), file.locate(where), problem.record, problem.field, problem.message
            )
        loading.problems.append(_bounded(problem))


def _check_failed_references(
    dataset: Dataset, loading: _Loading, failed_ids: set[str], complete: bool
) -> None:
    """The references of records that failed their own checks, as far as they read: every
    problem is reported at once, not after the record's own are fixed."""
    kinds = {record.id: record.record_kind for record in dataset.records()}
    for _, _, model, raw in loading.failed:
        if isinstance(raw.get("id"), str):
            kinds.setdefault(raw["id"], model.record_kind)
    for file, where, model, raw in loading.failed:
        record_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        for field_name, target, expected in raw_references(model, raw):
            message = reference_problem(
                target, expected, kinds, failed_ids - kinds.keys(), complete
            )
            if message:
                line = file.locate(where + _parse_field_path(field_name))
                loading.problem(file, line, message, record_id, field_name)


class _FileSource:
    """A record's ``Source`` whose lines are looked up in its file only when asked for."""

    __slots__ = ("_file", "_where")  # one per record: no dict of its own

    def __init__(self, file: DataFile, where: Path_):
        self._file, self._where = file, where

    @property
    def place(self) -> Path_:
        """Where the record is in its file: (collection, index)."""
        return self._where

    @property
    def file(self) -> str:
        return str(self._file.path)

    @property
    def line(self) -> int | None:
        return self._file.locate(self._where)

    def line_of(self, field_path: str | None) -> int | None:
        if not field_path:
            return self.line
        return self._file.locate(self._where + _parse_field_path(field_path))


def _parse_field_path(field_path: str) -> Path_:
    steps: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field_path):
        steps.append(int(index) if index else name)
    return tuple(steps)


# --------------------------------------------------------------------------- messages


def _report(
    error: ValidationError,
    loading: _Loading,
    file: DataFile,
    where: Path_,
    record_id: Any,
    model: type,
) -> None:
    record = record_id if isinstance(record_id, str) else None
    for detail in error.errors(include_url=False):
        loc = tuple(step for step in detail["loc"] if step != "[key]")
        field_name = _field_path(loc)
        line = file.locate(where + loc)
        loading.problem(file, line, _message(detail, loc, model), record, field_name or None)


def _field_path(loc: tuple) -> str:
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _message(detail: Mapping[str, Any], loc: tuple, model: type[BaseModel]) -> str:
    kind = detail["type"]
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return _unknown(str(name), list(_fields_at(model, loc[:-1])), "field")
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "string_pattern_mismatch" and detail.get("ctx", {}).get("pattern") == SLUG_PATTERN:
        return _not_an_id(detail["input"], referenced_kinds(model, loc))
    message = detail["msg"].removeprefix("Value error, ")
    value = detail.get("input")
    if kind not in ("value_error",) and isinstance(value, str | int | float) and value != "":
        message += f" (got {quote(value)})"
    return message


def _not_an_id(value: Any, kinds: tuple[str, ...] | None) -> str:
    rule = "lower-case letters, digits, '-' and '_', starting and ending with a letter or digit"
    if kinds is None:
        return f"{quote(value)} is not a safe id: use {rule}"
    named = " or ".join(kinds) or "record"
    return (
        f"{quote(value)} is not an id: this field names {with_article(named)} of the dataset "
        f"by its id ({rule}); describe the {named} as a record of its own and give its id here"
    )


def _fields_at(model: type[BaseModel], loc: tuple) -> Iterable[str]:
    found = model_at(model, loc)
    return found.model_fields.keys() if found is not None else ()


def _unknown(name: str, allowed: list[str], what: str) -> str:
    # No name of ours is long: a long one is like none of them (and comparing is slow).
    close = difflib.get_close_matches(name, allowed, n=1) if len(name) <= NAME_LENGTH else []
    hint = (
        f"; did you mean '{close[0]}'?"
        if close
        else f"; expected one of: {', '.join(sorted(allowed))}"
    )
    return f"unknown {what} {quote(name)}{hint}"


def _bounded(problem: Problem) -> Problem:
    """The problem with every part of it on one line and of bounded length, whatever the input:
    values are quoted short where messages are made, this is the net under them."""
    return Problem(
        printable(problem.file, 4096) if problem.file else None,
        problem.line,
        printable(problem.record, NAME_LENGTH) if problem.record else None,
        printable(problem.field, NAME_LENGTH) if problem.field else None,
        printable(problem.message),
    )


def _file_problem(path: Path, message: str) -> Problem:
    return _bounded(Problem(str(path), None, None, None, message))
