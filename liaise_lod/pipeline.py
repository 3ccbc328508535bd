"""The whole pipeline: load, map, validate and write, into a folder that is swapped in whole."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ._internal import staging
from ._internal.allocation import long_lived
from ._internal.exchange import exchange
from ._internal.progress import stage
from ._internal.resources import vocab_dir
from .errors import ConfigError, InvalidGraphError, LiaiseError, OutputError
from .iris import Iris
from .model import Dataset
from .serialize import turtle, write_dumps
from .sources import input_path, load_and_map
from .validation import DEFAULT_ENGINE, ValidationReport, dataset_sources, validate

#: Marks a folder as written by liaise-lod: only such a folder is ever replaced.
OUTPUT_MARKER = ".liaise-lod-output"
DUMP_NAME = "dataset"


@dataclass
class BuildResult:
    """What a build made: the graph, its validation report and the files written."""

    dataset: Dataset
    graph: Graph
    report: ValidationReport
    files: list[Path] = field(default_factory=list)


def check(
    path: str | Path | Dataset,
    base: str | None = None,
    *,
    processes: int | None = 1,
    strict: bool | None = None,
    shacl_engine: str = DEFAULT_ENGINE,
) -> BuildResult:
    """Load, map and validate a dataset; write nothing. ``processes``: see ``validate``;
    ``strict``: report completeness warnings too (default: as the dataset's settings say);
    ``shacl_engine``: the engine that validates (``validate``'s ``engine``)."""
    dataset, graph = load_and_map(path, base)
    return validated(
        dataset, graph, base, processes=processes, strict=strict, shacl_engine=shacl_engine
    )


def validated(
    dataset: Dataset,
    graph: Graph,
    base: str | None = None,
    *,
    processes: int | None = 1,
    meanwhile: Callable[[], object] | None = None,
    strict: bool | None = None,
    shacl_engine: str = DEFAULT_ENGINE,
) -> BuildResult:
    """``dataset`` and its graph with their validation report. ``meanwhile()``: work this
    process does while others start validating (see ``validate``). ``strict``: report
    completeness warnings too; ``None`` takes the dataset's ``strict`` setting.
    ``shacl_engine``: the engine that validates (``validate``'s ``engine``)."""
    iris = Iris(base or dataset.info.base)
    sources = dataset_sources(dataset, iris.base)
    with stage("validate"):
        report = validate(
            graph,
            base=iris.base,
            sources=sources,
            processes=processes,
            meanwhile=meanwhile,
            strict=dataset.info.strict if strict is None else strict,
            info=dataset.info,
            engine=shacl_engine,
        )
    return BuildResult(dataset, graph, report)


def build(
    path: str | Path | Dataset,
    out: str | Path,
    *,
    base: str | None = None,
    allow_invalid: bool = False,
    processes: int | None = 1,
    strict: bool | None = None,
    shacl_engine: str = DEFAULT_ENGINE,
) -> BuildResult:
    """Validate a dataset and write Turtle, N-Triples, JSON-LD and the validation report.

    With violations nothing is written (``InvalidGraphError``) unless ``allow_invalid``. The
    output is built in a temporary folder beside ``out`` and swapped in, so a failed build
    leaves the previous output as it was. ``processes`` caps the processes that validate and
    write the dumps: 1 (the default) starts none, ``None`` one per core for large graphs.
    ``shacl_engine``: the engine that validates (``validate``'s ``engine``).
    """
    result = check(path, base, processes=processes, strict=strict, shacl_engine=shacl_engine)
    if not result.report.conforms and not allow_invalid:
        raise InvalidGraphError(result.report)
    iri_base = Iris(base or result.dataset.info.base).base
    with replacing_folder(Path(out), protect=input_path(path)) as folder:
        try:
            with stage("write"), long_lived():
                result.files = write_outputs(result, folder, iri_base, processes)
        except OSError as error:  # e.g. a full disk: the previous output stays as it was
            raise OutputError(
                f"could not write the output for {out}: {error.strerror or error}"
            ) from error
    result.files = [Path(out) / file.name for file in result.files]
    return result


def write_outputs(
    result: BuildResult, folder: Path, base: str, processes: int | None = 1
) -> list[Path]:
    dumps = write_dumps(result.graph, folder / DUMP_NAME, base=base, processes=processes)
    files = list(dumps.values())

    def write(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        files.append(folder / name)

    write("validation-report.ttl", turtle(result.report.triples()))
    write("validation-report.txt", result.report.text().encode("utf-8"))
    write("context.jsonld", (vocab_dir() / "context.jsonld").read_bytes())
    return files


@contextmanager
def replacing_folder(out: Path, protect: Path | None = None) -> Iterator[Path]:
    """Yield a fresh folder; on success it replaces ``out`` at once, on failure it vanishes.

    Refuses to replace a folder that liaise-lod did not write (one without the marker file) or
    one that holds the input. The folder is built beside ``out``; folders that earlier runs,
    killed before they could remove theirs, left there are removed first. Every failure of the
    system's on this side (a read-only disk, a symbolic link loop) is an ``OutputError`` or,
    for an unusable ``out``, a ``ConfigError``.
    """
    out = _resolved(out)
    _check_replaceable(out, protect)
    with _as_output_error(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        staging.remove_abandoned(out)
        folder = staging.new_folder(out)
    try:
        with _as_output_error(out):
            (folder / OUTPUT_MARKER).write_text("written by liaise-lod; safe to replace\n")
        yield folder
        with _as_output_error(out):
            _swap(folder, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _resolved(out: Path) -> Path:
    try:
        return out.resolve()
    except RuntimeError:  # a symbolic link loop, before Python 3.13
        raise _unusable(out, _PATH_ERRORS[errno.ELOOP]) from None
    except ValueError:  # no file name holds one
        raise _unusable(out, "its name holds a NUL character") from None
    except OSError as error:
        raise _output_error(out, error) from None


@contextmanager
def _as_output_error(out: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise _output_error(out, error) from error


#: Errors that say the output path itself is unusable, rather than the disk failing.
_PATH_ERRORS = {
    errno.ELOOP: "a symbolic link loop",
    errno.ENOTDIR: "a part of its path is a file, not a folder",
    errno.EEXIST: "a part of its path is a file, not a folder",
    errno.ENAMETOOLONG: "its name is too long",
}


def _output_error(out: Path, error: OSError) -> LiaiseError:
    if error.errno in _PATH_ERRORS:
        return _unusable(out, _PATH_ERRORS[error.errno])
    reason = error.strerror or str(error)
    named = Path(os.fsdecode(error.filename)) if error.filename else out
    where = "" if out in (named, named.parent) or named.parent == out.parent else f" ({named})"
    return OutputError(f"could not write the output {out}: {reason}{where}")


def _unusable(out: Path, reason: str) -> ConfigError:
    return ConfigError(f"the output folder {out} cannot be used: {reason}")


def _check_replaceable(out: Path, protect: Path | None) -> None:
    if protect is not None:
        protected = protect.resolve()
        if out == protected or out in protected.parents:
            raise ConfigError(f"the output folder {out} would overwrite the input {protected}")
    with _as_output_error(out):
        if out.exists() and not out.is_dir():
            raise ConfigError(f"the output {out} exists and is not a folder")
        if out.is_dir() and any(out.iterdir()) and not (out / OUTPUT_MARKER).exists():
            raise ConfigError(
                f"the output folder {out} is not empty and was not written by liaise-lod: "
                "choose another folder, or empty it first"
            )


def _swap(folder: Path, out: Path) -> None:
    os.chmod(folder, 0o755)
    if out.exists() and exchange(folder, out):  # a server reading ``out`` sees old or new
        shutil.rmtree(folder, ignore_errors=True)  # which now holds the previous output
        return
    # Where folders cannot trade places, ``out`` is missing between two renames.
    old = None
    if out.exists():
        old = staging.new_folder(out)
        os.rename(out, old / out.name)
    try:
        os.rename(folder, out)
    except OSError as error:
        if old is not None:
            os.rename(old / out.name, out)
        raise OutputError(f"could not put the new output in place at {out}: {error}") from error
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
