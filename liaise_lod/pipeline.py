"""The whole pipeline: load, map, validate and write, into a folder that is swapped in whole."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from ._internal import engines, partitions, splice, staging, streamed
from ._internal import incremental as incremental_build
from ._internal import manifest as manifests
from ._internal.allocation import long_lived
from ._internal.exchange import exchange
from ._internal.kept import Kept
from ._internal.parallel import can_fork
from ._internal.progress import log, stage
from ._internal.resources import vocab_dir
from ._internal.shards import check_count as check_shards
from ._internal.shards import write_shards
from .errors import ConfigError, InvalidGraphError, LiaiseError, OutputError
from .formats import graph_formats
from .iris import Iris
from .load import count_records, load_dataset
from .mapping import new_graph, to_graph
from .model import Dataset, DatasetInfo
from .serialize import turtle, write_dumps
from .sources import input_path, load_and_map
from .validation import (
    DEFAULT_ENGINE,
    Description,
    Sources,
    ValidationReport,
    ValidationResult,
    can_focus,
    completeness_shapes,
    dataset_sources,
    find_results,
    report_of,
    shapes_graph,
    validate,
)

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
    #: the results as the output's manifest keeps them
    kept: Kept = field(default_factory=Kept, repr=False)
    #: the triples written, where ``graph`` does not hold them (a build in partitions keeps none)
    triple_count: int | None = None

    @property
    def triples_written(self) -> int:
        return len(self.graph) if self.triple_count is None else self.triple_count


def check(
    path: str | Path | Dataset,
    base: str | None = None,
    *,
    processes: int | None = 1,
    strict: bool | None = None,
    shacl_engine: str = DEFAULT_ENGINE,
    parallel: str | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """Load, map and validate a dataset; write nothing. ``processes``: see ``validate``;
    ``strict``: report completeness warnings too (default: as the dataset's settings say);
    ``shacl_engine``: the engine that validates (``validate``'s ``engine``); ``parallel``
    and ``scheduler``: the engine that runs the parallel work, see ``build``."""
    with engines.running(parallel, scheduler):
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
    incremental: bool = True,
    shards: int | None = None,
    parallel: str | None = None,
    scheduler: str | None = None,
    partitions: int | None = None,
) -> BuildResult:
    """Validate a dataset and write Turtle, N-Triples, JSON-LD and the validation report.

    With violations nothing is written (``InvalidGraphError``) unless ``allow_invalid``. The
    output is built in a temporary folder beside ``out`` and swapped in, so a failed build
    leaves the previous output as it was. ``processes`` caps the processes that validate and
    write the dumps: 1 (the default) starts none, ``None`` one per core for large graphs.

    Into an output an earlier build wrote, only what changed since is redone (unless not
    ``incremental``): the records' hashes, the shapes, vocabularies, settings and program are
    kept in a manifest in the output, and anything it cannot account for means a full build
    (``-v`` says why). Either way the files are those a build from nothing writes. With
    another engine than pySHACL the validation is always whole.
    ``shacl_engine``: the engine that validates (``validate``'s ``engine``). ``shards``: also
    cut the N-Triples dump into that many gzipped shards (``dataset-0001.nt.gz``, ...; see
    ``_internal.shards``) for bulk loaders. ``parallel``: the engine that runs the parallel
    work (``"fork"``, the default: processes forked from this one; ``"dask"``: the workers of a
    Dask cluster, the one whose scheduler is at ``scheduler`` or a local one); the files are
    the same whatever the engine (see ``_internal.engines``).

    A large dataset is built in ``partitions`` (default: one per
    ``RECORDS_PER_PARTITION`` records), mapped, validated and written one at a time so that
    memory follows the partition's size (see ``_internal.partitions``); the files are the
    same. Such a build is a full build, and keeps no manifest (the next build is full too).
    From files, its dataset is loaded and spilled into the partitions by a forked process of
    its own (even with ``processes=1``; see ``_internal.streamed``), so that no process holds
    every record while the partitions are validated: the result's ``dataset`` then holds the
    settings only.
    """
    if shards is not None:
        check_shards(shards)
    with engines.running(parallel, scheduler):
        return _build(
            path,
            out,
            base,
            allow_invalid,
            processes,
            strict,
            shacl_engine,
            incremental,
            shards,
            partitions,
        )


def _build(
    path: str | Path | Dataset,
    out: str | Path,
    base: str | None,
    allow_invalid: bool,
    processes: int | None,
    strict: bool | None,
    shacl_engine: str,
    incremental: bool,
    shards: int | None,
    partitions: int | None,
) -> BuildResult:
    if not isinstance(path, Dataset):
        built = _build_streamed(
            Path(path),
            Path(out),
            base,
            allow_invalid,
            processes,
            strict,
            shacl_engine,
            shards,
            partitions,
        )
        if built is not None:
            return built
    dataset = _dataset(path)
    iri_base = Iris(base or dataset.info.base).base
    count = _partition_count(dataset, partitions, shacl_engine, iri_base)
    if count > 1:
        strict = dataset.info.strict if strict is None else strict
        return _build_in_partitions(
            _Loaded(dataset),
            path,
            Path(out),
            iri_base,
            count,
            allow_invalid,
            processes,
            strict,
            shards,
        )
    subjects_of: dict[str, set[Node]] = {}
    with stage("map"):
        graph = to_graph(dataset, iri_base, subjects_of=subjects_of)
    strict = dataset.info.strict if strict is None else strict
    with stage("compare"):
        records = incremental_build.records_of(dataset, subjects_of)
        vocabulary = subjects_of.get(incremental_build.VOCABULARY, ())
        vocabulary_subjects = incremental_build.subject_texts(vocabulary)
        settings = f"{dataset.info.model_dump_json()}\0{iri_base}\0{strict}\0{shacl_engine}"
        fingerprint = manifests.fingerprint(settings, dataset.vocabulary.files)
        plan = None
        if incremental:
            plan = incremental_build.plan(
                _resolved(Path(out)),
                OUTPUT_MARKER,
                graph,
                records,
                vocabulary_subjects,
                fingerprint,
                _dump_files(),
                iri_base,
            )
    result = _validated_since(plan, dataset, graph, iri_base, processes, strict, shacl_engine)
    if not result.report.conforms and not allow_invalid:
        raise InvalidGraphError(result.report)
    with (
        replacing_folder(Path(out), protect=input_path(path)) as folder,
        _writing(out),
        stage("write"),
        long_lived(),
    ):
        result.files = write_outputs(result, folder, iri_base, processes, plan, shards)
        kept = result.kept
        manifest = manifests.Manifest(
            fingerprint=fingerprint,
            records=records,
            vocabulary_subjects=vocabulary_subjects,
            results=kept.results,
            held_back=kept.held_back,
            files=_digests(result.files, plan),
        )
        (folder / manifests.NAME).write_bytes(manifest.to_json())
    result.files = [Path(out) / file.name for file in result.files]
    return result


def _dataset(path: str | Path | Dataset) -> Dataset:
    """``path`` itself if it is a dataset, else the dataset its files hold."""
    if isinstance(path, Dataset):
        return path
    with stage("load"):
        return load_dataset(Path(path))


def _partition_count(dataset: Dataset, requested: int | None, engine: str, base: str) -> int:
    count = partitions.partition_count(sum(1 for _ in dataset.records()), requested)
    if count > 1 and engine != "pyshacl":
        log.info("%s validates a whole graph: building in one partition", engine)
        return 1
    if count > 1 and not partitions.can_partition(base):
        log.info("the shapes read without bound from a focus node: building in one partition")
        return 1
    return count


def _can_stream() -> bool:
    """Whether a dataset can be loaded and spilled by a process of its own (see
    ``_internal.streamed``)."""
    # Under a Dask engine, threads of its client run here: no forking under them.
    return can_fork() and isinstance(engines.current(), engines.ForkEngine)


def _streamed_count(path: Path, requested: int | None, engine: str) -> int:
    """The partitions of a build whose dataset is loaded in a process of its own (see
    ``_internal.streamed``); 1: build as usual (a small dataset, another engine)."""
    if engine != "pyshacl" or not _can_stream():
        return 1
    if requested is not None:
        return requested
    above = partitions.RECORDS_PER_PARTITION + 1
    return partitions.partition_count(count_records(path, at_least=above))


def _build_streamed(
    path: Path,
    out: Path,
    base: str | None,
    allow_invalid: bool,
    processes: int | None,
    strict: bool | None,
    shacl_engine: str,
    shards: int | None,
    requested: int | None,
) -> BuildResult | None:
    """``build`` in partitions, the dataset loaded and spilled by a process of its own, so that
    no process holds every record past the mapping; ``None``: build as usual."""
    count = _streamed_count(path, requested, shacl_engine)
    if count <= 1:
        return None
    try:
        with _partitions_folder(out, path, count) as (folder, work):
            spilled = partition_source(path, base, work, count)
            if spilled is None:  # out of the folder, which then vanishes
                raise _NotStreamed
            strict = spilled.info.strict if strict is None else strict
            layout = partitions.Layout(work, count, spilled.base)
            return _partitions_built(
                spilled.source, layout, folder, out, allow_invalid, processes, strict, shards
            )
    except _NotStreamed:  # ``_partition_count`` says why
        return None


@dataclass
class PartitionSource:
    """A dataset to be validated in partitions (see ``partition_source``)."""

    source: _Loaded | _Stored
    info: DatasetInfo
    base: str
    #: what ``describe`` made of the dataset
    described: Any


def partition_source(
    path: str | Path | Dataset,
    base: str | None,
    work: Path,
    count: int,
    describe: Callable[[Dataset, str], Any] | None = None,
) -> PartitionSource | None:
    """The dataset at ``path``, to be spilled into ``count`` partitions in ``work``: loaded and
    spilled by a process of its own, where one can be forked, else loaded here (and spilled by
    ``partitions_validated``);
    ``None`` if the shapes cannot be validated in partitions. ``describe(dataset, base)``: what
    else is needed of the records (small: it may be sent back from that process)."""
    if not isinstance(path, Dataset) and _can_stream():
        spilled = streamed.load_and_spill(Path(path), base, work, count, describe)
        if spilled is None:
            return None
        for name, seconds in spilled.seconds.items():
            log.info("%s: %.2f s", name, seconds)
        stored = _Stored(spilled.info, work / streamed.SOURCES)
        return PartitionSource(stored, spilled.info, spilled.base, spilled.described)
    dataset = _dataset(path)
    iri_base = Iris(base or dataset.info.base).base
    if not partitions.can_partition(iri_base):
        return None
    described = describe(dataset, iri_base) if describe is not None else None
    return PartitionSource(_Loaded(dataset), dataset.info, iri_base, described)


class _NotStreamed(Exception):
    """The build cannot be made in partitions after all: leave the output as it was."""


@dataclass
class _Loaded:
    """A dataset held whole, for ``_partitions_built``."""

    dataset: Dataset

    def spill(self, layout: partitions.Layout) -> None:
        with stage("map"):
            partitions.spill(self.dataset, layout.base, layout)

    def reported(self, base: str) -> tuple[Dataset, Sources]:
        return self.dataset, dataset_sources(self.dataset, base)

    def close(self) -> None:
        pass


@dataclass
class _Stored:
    """A dataset spilled already by another process: its settings, and its sources on disk."""

    info: DatasetInfo
    sources: Path
    _opened: streamed.StoredSources | None = None

    def spill(self, layout: partitions.Layout) -> None:
        pass

    def reported(self, base: str) -> tuple[Dataset, Sources]:
        # The result's dataset holds the settings only: its records were never all held.
        self._opened = streamed.StoredSources(self.sources, base)
        return Dataset.model_construct(info=self.info), self._opened

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()


def _build_in_partitions(
    loaded: _Loaded,
    path: str | Path | Dataset,
    out: Path,
    base: str,
    count: int,
    allow_invalid: bool,
    processes: int | None,
    strict: bool,
    shards: int | None,
) -> BuildResult:
    """``build`` a partition at a time (see ``_internal.partitions``): the same files."""
    with _partitions_folder(out, path, count) as (folder, work):
        layout = partitions.Layout(work, count, base)
        return _partitions_built(
            loaded, layout, folder, out, allow_invalid, processes, strict, shards
        )


@contextmanager
def _partitions_folder(
    out: Path, path: str | Path | Dataset, count: int
) -> Iterator[tuple[Path, Path]]:
    """The folder that replaces ``out`` once built, and a work folder in it for the
    partitions' files."""
    log.info("building in %d partitions, from nothing (no manifest kept)", count)
    with replacing_folder(out, protect=input_path(path)) as folder, _writing(out):
        yield folder, Path(tempfile.mkdtemp(prefix=".partitions-", dir=folder))


def _partitions_built(
    loaded: _Loaded | _Stored,
    layout: partitions.Layout,
    folder: Path,
    out: Path,
    allow_invalid: bool,
    processes: int | None,
    strict: bool,
    shards: int | None,
) -> BuildResult:
    """The partitions of ``layout`` (spilled here if not yet) validated and merged into the
    dumps in ``folder``, with the report; ``OSError`` on a failure to write."""
    result, dumps, _ = partitions_validated(loaded, layout, folder / DUMP_NAME, processes, strict)
    shutil.rmtree(layout.folder)
    if not result.report.conforms and not allow_invalid:
        raise InvalidGraphError(result.report)
    with stage("write"):
        result.files = write_outputs(result, folder, layout.base, shards=shards, dumps=dumps)
    result.files = [out / file.name for file in result.files]
    return result


def partitions_validated(
    loaded: _Loaded | _Stored,
    layout: partitions.Layout,
    stem: Path,
    processes: int | None,
    strict: bool,
    suffix: str = "",
    opener: partitions.Opener | None = None,
) -> tuple[BuildResult, dict[str, Path], list[partitions.PartitionSummary]]:
    """The partitions of ``layout`` (spilled here if not yet) validated and their chunks merged
    into the dumps (``stem`` plus each format's extension and ``suffix``, written through
    ``opener``); the build's result (its report whatever it finds), the dumps and each
    partition's summary."""
    count, base = layout.count, layout.base
    loaded.spill(layout)
    try:
        with stage("validate"):
            engine = engines.current()
            summaries = engine.map(
                partitions.partition_work,
                range(count),
                min(count, engine.width(count, 2, processes)),
                shared=(layout, strict),
            )
        with stage("write"):
            dumps = partitions.merge_dumps(layout, stem, suffix, opener)
        layout.remove_spilled()
        kept = Kept()
        for summary in summaries:
            kept.merge(summary.kept)
        rich = partitions.rich_findings(summaries)
        dataset, sources = loaded.reported(base)
        result = _reported([], kept, dataset, new_graph(), base, strict, rich, sources)
    finally:
        loaded.close()
    result.triple_count = sum(summary.triples for summary in summaries)
    return result, dumps, summaries


def _digests(files: list[Path], plan: incremental_build.Plan | None) -> dict[str, str]:
    """Each file's SHA-256; that of a file linked from the earlier output is known."""
    digests = {}
    for file in sorted(files):
        known = plan.previous.files.get(file.name) if plan is not None else None
        if known is None or not _same_file(file, plan.old / file.name):  # type: ignore[union-attr]
            known = manifests.file_digest(file)
        if known is None:
            raise OSError(f"cannot read {file} back")
        digests[file.name] = known
    return digests


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _dump_files() -> dict[str, Path]:
    return {fmt.name: Path(f"{DUMP_NAME}{fmt.extension}") for fmt in graph_formats()}


def _validated_since(
    plan: incremental_build.Plan | None,
    dataset: Dataset,
    graph: Graph,
    base: str,
    processes: int | None,
    strict: bool,
    engine: str,
    meanwhile: Callable[[], object] | None = None,
) -> BuildResult:
    """The dataset validated: only the focus nodes an edit reaches, given a ``plan`` (and
    pySHACL as the engine). ``meanwhile()``: see ``validate``."""
    focus = None
    if plan is not None and engine == "pyshacl" and can_focus():
        focus = plan.focus(graph, shapes_graph(base))
    with stage("validate"):
        if plan is not None and focus is not None:
            found = find_results(graph, base=base, focus=focus) if focus else []
            if meanwhile is not None:
                meanwhile()
            again = {str(node) for node in focus}
            kept = Kept(
                [result for result in plan.previous.results if result[0] not in again],
                {n: count for n, count in plan.previous.held_back.items() if n not in again},
            )
            log.info("validated %d focus nodes again", len(focus))
        else:
            found = find_results(
                graph, base=base, processes=processes, engine=engine, meanwhile=meanwhile
            )
            kept = Kept()
        return _reported(found, kept, dataset, graph, base, strict)


def _reported(
    found: list[tuple[ValidationResult, Description]],
    kept: Kept,
    dataset: Dataset,
    graph: Graph,
    base: str,
    strict: bool,
    rich: tuple[list, dict[str, int]] | None = None,
    sources: Sources | None = None,
) -> BuildResult:
    """The build's report from what validation ``found`` (added to what was ``kept``);
    ``rich``: the rich-result findings, found already (see ``report_of``); ``sources``: where
    the records were written (default: as ``dataset`` says)."""
    kept.add(found, strict, completeness_shapes(base))
    report = report_of(
        kept.in_order(),
        graph,
        base=base,
        sources=dataset_sources(dataset, base) if sources is None else sources,
        strict=strict,
        held_back=sum(kept.held_back.values()),
        info=dataset.info,
        rich=rich,
    )
    return BuildResult(dataset, graph, report, kept=kept)


def write_outputs(
    result: BuildResult,
    folder: Path,
    base: str,
    processes: int | None = 1,
    plan: incremental_build.Plan | None = None,
    shards: int | None = None,
    dumps: dict[str, Path] | None = None,
) -> list[Path]:
    """The build's files, written into ``folder``; with a ``plan``, the dumps rewritten only
    where they change and files whose bytes do not change linked from the earlier output;
    given ``dumps``, written already, those; with ``shards``, the N-Triples dump cut into that
    many gzipped shards too."""
    old = plan.old if plan is not None else None
    if dumps is None and plan is not None:
        dumps = _spliced_dumps(plan, folder, base)
    if dumps is None:
        dumps = write_dumps(result.graph, folder / DUMP_NAME, base=base, processes=processes)
    files = list(dumps.values())
    if shards is not None:
        with dumps["ntriples"].open("rb") as lines:
            files += write_shards(lines, folder, DUMP_NAME, shards)

    def write(name: str, data: bytes) -> None:
        if old is None or not _linked_if_same(old / name, folder / name, data):
            (folder / name).write_bytes(data)
        files.append(folder / name)

    write("validation-report.ttl", turtle(result.report.triples()))
    write("validation-report.txt", result.report.text().encode("utf-8"))
    write("context.jsonld", (vocab_dir() / "context.jsonld").read_bytes())
    return files


def _spliced_dumps(plan: incremental_build.Plan, folder: Path, base: str) -> dict[str, Path] | None:
    """The dumps rewritten around the plan's edits; None where one cannot be (write them)."""
    written: dict[str, Path] = {}
    with incremental_build.old_dumps(plan.old, _dump_files(), base) as old:
        if old is None:
            return None
        for name, relative in _dump_files().items():
            target = folder / relative
            edits = plan.edits.get(name)
            if not edits:
                link_or_copy(plan.old / relative, target)
            else:
                with target.open("wb") as stream:
                    if not splice.write_spliced(old[name], edits, stream):
                        return None
            written[name] = target
    subjects = len(plan.edits.get("jsonld", ()))
    log.info("rewrote %d subjects of %d changed records", subjects, plan.changed_records)
    return written


def _linked_if_same(old: Path, new: Path, data: bytes) -> bool:
    """Link ``old`` as ``new`` if it holds ``data``."""
    try:
        if old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
    except OSError:
        return False
    link_or_copy(old, new)
    return True


def link_or_copy(old: Path, new: Path) -> None:
    """``new`` as a hard link to ``old`` (no byte written), or a copy where links fail."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copyfile(old, new)


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
def _writing(out: str | Path) -> Iterator[None]:
    """An ``OSError`` while the output is written (a full disk, say) as an ``OutputError``:
    the previous output stays as it was."""
    try:
        yield
    except OSError as error:
        raise OutputError(
            f"could not write the output for {out}: {error.strerror or error}"
        ) from error


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
