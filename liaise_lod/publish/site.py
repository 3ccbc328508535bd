"""``publish``: validate a dataset, then write a static Linked Data site, built aside and swapped
in whole."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sqlite3
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from .. import pipeline, vocabulary
from .._internal import engines, partitions, splice
from .._internal import incremental as incremental_build
from .._internal import manifest as manifests
from .._internal.allocation import bulk_allocation, long_lived
from .._internal.parallel import fork_map, forked, processes_for
from .._internal.partitions import partition_count
from .._internal.progress import stage
from .._internal.reads import Reads
from .._internal.republish import SitePlan, encoded, site_plan
from .._internal.resources import shapes_dir, vocab_dir
from .._internal.shards import check_count as check_shards
from .._internal.shards import write_shards
from .._internal.store import distinct_objects
from ..errors import ConfigError, InvalidGraphError, LiaiseWarning, OutputError
from ..formats import get_format, graph_formats
from ..graph_diff import GraphText
from ..iris import Iris
from ..kinds import record_kinds
from ..load import count_records, load_dataset
from ..mapping import to_graph
from ..model import ContactPoint, Dataset, http_url
from ..namespaces import CONCEPTS, same_term
from ..pipeline import (
    OUTPUT_MARKER,
    BuildResult,
    _resolved,
    _validated_since,
    link_or_copy,
    replacing_folder,
)
from ..rich_results import DEFAULT_TITLE
from ..serialize import PARALLEL_DUMPS_MINIMUM, write_dumps
from ..sources import input_path
from ..validation import DEFAULT_ENGINE
from ..vocabulary import countries, scheme_slugs
from . import metadata, mqa, releases, sitemap, webconfig
from .changes import ChangesWriter, author_names, notes
from .facts import Describer
from .gzipped import gzip_writer
from .home import Home, home
from .index import SiteIndex
from .interface import check_page_languages, interface, interface_languages
from .jsonld_island import plain_dates, script_json
from .pages import CHANGES_PAGE, QUERIES_PAGE, ResourceFiles, SiteInfo, frame, render
from .paths import PageLanguages, SiteFolder, site_path
from .queries import Query, published_queries
from .search import search_files
from .stored_index import PartitionDocuments, StoredIndex, link_tables, write_tables

#: What --license's message gives as an example.
EXAMPLE_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
Progress = Callable[[int, int], None]
#: Resources per unit of work handed to a process.
PAGE_BATCH = 50
#: The queries page's opening sentence, also its description for search engines.
QUERIES_LEAD = (
    "Questions these data answer, as SPARQL queries: run them with liaise-lod query, or on a "
    "SPARQL endpoint holding the whole dataset."
)
#: Up to this many records a site is published in one piece, by default: its graph, index and
#: pages' helpers take about 3.5 GiB at 160,000 records (10,000 projects); a publish in one
#: piece keeps a manifest, so that the next one redoes only what changed.
WHOLE_RECORDS = 200_000
#: Values of each kind a process writing pages of a site published in partitions remembers of
#: the resources they link to (names, links, data files' texts), before it forgets them.
REMEMBERED = 50_000
#: Below this many resources pages are written in one process: starting others costs more.
PARALLEL_MINIMUM = 2_000
#: The index page lists this many resources of each kind at most (by name): a large site's
#: would otherwise be a page of megabytes (16 MB for 10,000 projects).
INDEX_LISTED = 1_000
#: Site paths of the site's own pages and files, which no resource's page may take.
RESERVED_PATHS = frozenset(
    {"index", QUERIES_PAGE, "search", "style", "description", "context", "ontology", "sitemap"}
    | {"robots", "dataset", "shapes", "schemes", CHANGES_PAGE}
)
#: The index page's contents in a language, and the paths of its search's files (written).
Shown = tuple[Home, list[str]]


@dataclass(frozen=True)
class Settings:
    """Options of a publish run: base IRI, licence, the dates stated as last modified and as
    issued, and how many processes may validate and write pages (default 1: this one only;
    ``None``: one per core for large datasets, as the command line does)."""

    base: str | None = None
    license: str | None = None
    modified: str | None = None
    processes: int | None = 1
    #: The day this release is published (``None``: as the dataset's settings say).
    issued: str | None = None
    #: This release's version (``None``: as the settings say, else counted on from the
    #: previous release's).
    version: str | None = None
    #: The site of the previous release (``None``: the one ``out`` holds, if any).
    previous: str | Path | None = None
    #: Report completeness warnings too (``None``: as the dataset's settings say).
    strict: bool | None = None
    #: The SHACL engine that validates (``validate``'s ``engine``).
    shacl_engine: str = DEFAULT_ENGINE
    #: Also cut the N-Triples dump into this many gzipped shards, each a distribution of its own.
    shards: int | None = None
    #: The engine that runs the parallel work, and its Dask scheduler (see ``pipeline.build``).
    parallel: str | None = None
    scheduler: str | None = None
    #: Publish in this many partitions (``None``: one per ``RECORDS_PER_PARTITION`` records
    #: above ``WHOLE_RECORDS``; 1: whole). See ``_publish_in_partitions``.
    partitions: int | None = None


@dataclass
class PublishResult:
    """What a publish wrote: the build it came from, the pages and every file."""

    build: BuildResult
    pages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: The data.europa.eu metadata quality score of the site's DCAT-AP description.
    quality: mqa.Assessment | None = None


@dataclass(frozen=True)
class RecordFacts:
    """What the site's description states of the records as a whole (small: a process that
    loads the records in a publish in partitions sends it back)."""

    countries: tuple[str, ...]
    period: tuple[str | None, str | None]
    publisher: metadata.Agent | None
    vocabulary_files: tuple[Path, ...]

    @classmethod
    def of(cls, dataset: Dataset, base: str) -> RecordFacts:
        return cls(
            countries=tuple(
                sorted({_eu_country(o.country) for o in dataset.organisations if o.country})
            ),
            period=metadata.period_of(
                (p.start for p in dataset.projects if p.start),
                (p.end for p in dataset.projects if p.end),
            ),
            publisher=_publisher(dataset, Iris(base)),
            vocabulary_files=tuple(dataset.vocabulary.files),
        )


@dataclass(frozen=True)
class GraphFacts:
    """What the site's description states of the graph as a whole."""

    triples: int
    #: the languages of its texts
    languages: frozenset[str]
    #: its subjects typed ``skos:ConceptScheme``
    schemes: frozenset[str]
    #: the names of the topics the records are about, as ``(language, name)``
    keywords: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, graph: Graph) -> GraphFacts:
        return cls(
            triples=len(graph),
            languages=frozenset(_languages(graph)),
            schemes=frozenset(str(s) for s in graph.subjects(RDF.type, SKOS.ConceptScheme)),
            keywords=_keywords(graph),
        )

    @classmethod
    def of_partitions(
        cls, triples: int, found: list[PartitionDocuments], index: SiteIndex
    ) -> GraphFacts:
        """The facts of a graph published in partitions: what each sent back, and the names
        of the topics from the index."""
        topics = sorted({topic for part in found for topic in part.topics})
        names = {
            (label.language, str(label))
            for topic in topics
            for subject, predicate, label in index.own.get(topic.partition("#")[0], ())
            if str(subject) == topic and same_term(predicate, SKOS.prefLabel)
            if isinstance(label, Literal) and label.language
        }
        return cls(
            triples=triples,
            languages=frozenset(tag for part in found for tag in part.languages),
            schemes=frozenset(scheme for part in found for scheme in part.schemes),
            keywords=tuple(sorted(names)),
        )


@cache
def licence_names() -> dict[str, str]:
    """The short names of the licences we know (``CC BY 4.0``), by IRI."""
    return {iri: licence.name for iri, licence in vocabulary.licences().items()}


def publish(
    path: str | Path | Dataset,
    out: str | Path,
    settings: Settings = Settings(),
    progress: Progress | None = None,
    *,
    incremental: bool = True,
) -> PublishResult:
    """Validate the dataset (violations raise ``InvalidGraphError`` and nothing is written),
    then write the site to ``out`` atomically.

    Into a site an earlier publish wrote, only what changed since is redone (unless not
    ``incremental``): the validation of the focus nodes an edit reaches and the files of the
    resources whose pages read what changed; the others are linked from the earlier site.
    Anything its manifest cannot account for means a full publish (``-v`` says why). Either
    way the files are those a publish from nothing writes."""
    with engines.running(settings.parallel, settings.scheduler):
        return _publish(path, out, settings, progress, incremental)


def _publish(
    path: str | Path | Dataset,
    out: str | Path,
    settings: Settings,
    progress: Progress | None,
    incremental: bool,
) -> PublishResult:
    _check_date(settings.modified, "--modified")
    _check_date(settings.issued, "--issued")
    _check_version(settings.version)
    _check_license(settings.license)
    if settings.shards is not None:
        check_shards(settings.shards)
    count = _partitions_of(path, settings)
    if count > 1:
        published = _publish_in_partitions(path, Path(out), settings, progress, count)
        if published is not None:
            return published
    dataset, graph, subjects_of = _loaded(path, settings.base)
    iris = Iris(settings.base or dataset.info.base)
    webconfig.nginx(iris.base)  # refuses a base IRI that no server could serve, before any work
    _keep_participation_pages(dataset, Path(out))
    # A dataset made in Python names its queries from the current folder.
    queries = published_queries(input_path(path) or Path.cwd(), dataset.info.queries)
    strict = dataset.info.strict if settings.strict is None else settings.strict
    with ExitStack() as old_files:
        with stage("compare"):
            state = _State.of(dataset, subjects_of, settings, iris, strict, queries)
            plan = state.plan(Path(out), graph, old_files) if incremental else None
        return _published(path, out, settings, progress, dataset, graph, iris, queries, plan, state)


@dataclass
class _State:
    """What the site's manifest keeps of the input: records, vocabularies' subjects and the
    fingerprint of everything else."""

    records: dict[str, list]
    vocabulary_subjects: list[str]
    fingerprint: dict[str, str]
    base: str
    strict: bool

    @classmethod
    def of(
        cls,
        dataset: Dataset,
        subjects_of: dict,
        settings: Settings,
        iris: Iris,
        strict: bool,
        queries: list[Query],
    ) -> _State:
        records = incremental_build.records_of(dataset, subjects_of)
        vocabulary = subjects_of.get(incremental_build.VOCABULARY, ())
        options = (
            "publish",
            dataset.info.model_dump_json(),
            iris.base,
            str(strict),
            settings.shacl_engine,
            str(settings.license),
            str(settings.modified),
            str(settings.issued),
            *(query.site_path for query in queries),
        )
        fingerprint = manifests.fingerprint("\0".join(options), dataset.vocabulary.files)
        subjects = incremental_build.subject_texts(vocabulary)
        return cls(records, subjects, fingerprint, iris.base, strict)

    def plan(self, out: Path, graph: Graph, keep: ExitStack) -> SitePlan | None:
        found = incremental_build.plan(
            _resolved(out),
            OUTPUT_MARKER,
            graph,
            self.records,
            self.vocabulary_subjects,
            self.fingerprint,
            _dump_files(),
            self.base,
            keep,
        )
        if found is None:
            return None
        if not found.previous.pages:
            incremental_build.log.info("full build: the earlier site's pages are not listed")
            return None
        return site_plan(found)


def _published(
    path: str | Path | Dataset,
    out: str | Path,
    settings: Settings,
    progress: Progress | None,
    dataset: Dataset,
    graph: Graph,
    iris: Iris,
    queries: list[Query],
    plan: SitePlan | None,
    state: _State,
) -> PublishResult:
    # A large dataset's dumps are written by a process of their own as soon as the graph is
    # made, while this one indexes the site (as other processes start validating), validates
    # and writes the pages: the dumps take up the time a core would idle. They are written
    # into the folder being built, which vanishes if the graph has violations.
    fork = processes_for(len(graph), PARALLEL_DUMPS_MINIMUM, settings.processes) > 1
    index = cache(lambda: _site_index(graph, iris))
    # The files of the resources that read nothing that changed are linked from the earlier
    # site by another process, while this one validates and indexes.
    languages = page_languages(dataset)
    carried = len(plan.before) - len(plan.stale) if plan is not None else 0
    link = processes_for(carried, PARALLEL_MINIMUM, settings.processes) > 1

    def linking(folder: Path) -> set[str]:
        if plan is None:
            return set()
        names = partial(file_names, iris=iris, languages=languages)
        return _link_earlier(plan, SiteFolder(folder), names)

    try:
        with (
            long_lived(),
            replacing_folder(Path(out), protect=input_path(path)) as folder,
            forked(
                lambda: _dumps(graph, SiteFolder(folder), iris.base, plan, settings.shards), fork
            ) as dumps,
            forked(lambda: linking(folder), link) as linked,
        ):
            previous = _previous(settings.previous, Path(out), iris.base)
            build = _validated_since(
                plan.build if plan else None,
                dataset,
                graph,
                iris.base,
                settings.processes,
                state.strict,
                settings.shacl_engine,
                meanwhile=index,
            )
            if not build.report.conforms:
                raise InvalidGraphError(build.report)
            result = PublishResult(build)
            writer = _Writer(folder, result)
            builder = SiteBuilder(
                build, index(), queries, settings, writer, progress, previous, plan, linked
            )
            builder.write(dumps)
            _write_manifest(folder, state, build, builder.reads, plan)
    except OSError as error:  # a full disk, say: the previous site stays as it was
        raise OutputError(f"could not write the site {out}: {error.strerror or error}") from error
    return result


def _partitions_of(path: str | Path | Dataset, settings: Settings) -> int:
    """How many partitions to publish in: as asked, else 1 up to ``WHOLE_RECORDS`` records
    (a publish in partitions keeps no manifest, so the next one is from nothing too)."""
    if settings.partitions is not None and settings.partitions <= 1:
        return 1
    if settings.shacl_engine != "pyshacl":
        incremental_build.log.info(
            "%s validates a whole graph: publishing in one piece", settings.shacl_engine
        )
        return 1
    if settings.partitions is not None:
        return settings.partitions
    if isinstance(path, Dataset):
        records = sum(1 for _ in path.records())
    else:
        records = count_records(Path(path), at_least=WHOLE_RECORDS + 1)
    return partition_count(records) if records > WHOLE_RECORDS else 1


def _publish_in_partitions(
    path: str | Path | Dataset,
    out: Path,
    settings: Settings,
    progress: Progress | None,
    count: int,
) -> PublishResult | None:
    """``publish`` a partition at a time (see ``_internal.partitions``): the records mapped
    into partition files (by a process of their own, from files), each partition validated and
    indexed for the pages by a process of its own (``stored_index``), the dumps merged from
    theirs, then the pages written from the index on disk. The same files as a publish in one
    piece, no manifest. ``None``: the shapes cannot be validated in partitions."""
    log = incremental_build.log
    log.info("publishing in %d partitions, from nothing (no manifest kept)", count)
    try:
        with long_lived(), replacing_folder(out, protect=input_path(path)) as folder:
            work = Path(tempfile.mkdtemp(prefix=".partitions-", dir=folder))
            source = pipeline.partition_source(path, settings.base, work, count, RecordFacts.of)
            if source is None:
                raise _NotPartitioned
            iris = Iris(source.base)
            webconfig.nginx(iris.base)
            _keep_participation_pages(Dataset.model_construct(info=source.info), out)
            queries = published_queries(input_path(path) or Path.cwd(), source.info.queries)
            layout = partitions.Layout(work, count, iris.base, tables=write_tables)
            build, dumps, index, facts = _indexed_partitions(source, layout, folder, settings)
            result = PublishResult(build)
            previous = _previous(settings.previous, out, iris.base)
            writer = _Writer(folder, result)
            builder = SiteBuilder(
                build,
                index,
                queries,
                settings,
                writer,
                progress,
                previous,
                facts=facts,
                keep_reads=False,
                remembered=REMEMBERED,
                rest_beside_pages=False,
            )
            builder.write(lambda: dumps)
            shutil.rmtree(work)
    except _NotPartitioned:
        log.info("the shapes read without bound from a focus node: publishing in one piece")
        return None
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or error
        raise OutputError(f"could not write the site {out}: {reason}") from error
    return result


def _indexed_partitions(
    source: pipeline.PartitionSource,
    layout: partitions.Layout,
    folder: Path,
    settings: Settings,
) -> tuple[BuildResult, list[metadata.Dump], StoredIndex, tuple[RecordFacts, GraphFacts]]:
    """The partitions validated (violations raise ``InvalidGraphError``), their dumps merged
    gzipped into the site ``folder`` and their documents indexed: the build, the dumps, the
    index and the facts of the whole."""
    strict = source.info.strict if settings.strict is None else settings.strict
    build, written, summaries = pipeline.partitions_validated(
        source.source, layout, folder / "dataset", settings.processes, strict, ".gz", gzip_writer
    )
    if not build.report.conforms:
        raise InvalidGraphError(build.report)
    found = [summary.tables for summary in summaries]
    with stage("index"):
        link_tables(layout)
        index = StoredIndex.of_partitions(layout, found)
        graph = GraphFacts.of_partitions(build.triples_written, found, index)
    return build, _listed_dumps(written, settings.shards), index, (source.described, graph)


class _NotPartitioned(Exception):
    """The site cannot be published in partitions after all: leave the output as it was."""


def _loaded(path: str | Path | Dataset, base: str | None) -> tuple[Dataset, Graph, dict]:
    """The dataset, its graph, and the subjects each record gave triples."""
    if isinstance(path, Dataset):
        dataset = path
    else:
        with stage("load"):
            dataset = load_dataset(Path(path))
    subjects_of: dict = {}
    with stage("map"):
        graph = to_graph(dataset, Iris(base or dataset.info.base).base, subjects_of=subjects_of)
    return dataset, graph, subjects_of


def _dump_files() -> dict[str, Path]:
    return {fmt.name: Path(f"dataset{fmt.extension}.gz") for fmt in graph_formats()}


def _write_manifest(
    folder: Path,
    state: _State,
    build: BuildResult,
    reads: dict[str, Reads],
    plan: SitePlan | None,
) -> None:
    """The manifest a later publish starts from: the input, the validation results, what
    each page read, and the digests of the dumps (which it reads)."""
    documents, pages = encoded(reads)
    files = {}
    for relative in _dump_files().values():
        digest = manifests.file_digest(folder / relative)
        if digest is None:
            raise OSError(f"cannot read {relative} back")
        files[str(relative)] = digest
    manifest = manifests.Manifest(
        fingerprint=state.fingerprint,
        records=state.records,
        vocabulary_subjects=state.vocabulary_subjects,
        results=build.kept.results,
        held_back=build.kept.held_back,
        files=files,
        documents=documents,
        pages=pages,
    )
    (folder / manifests.NAME).write_bytes(manifest.to_json())


def page_languages(dataset: Dataset) -> PageLanguages:
    """The languages the dataset's pages are written in, checked."""
    default = dataset.info.language or "en"
    tags = dataset.info.languages or [default]
    check_page_languages(tags)
    return PageLanguages(tags[0], tuple(tags[1:]))


def _site_index(graph: Graph, iris: Iris) -> SiteIndex:
    with stage("index"), bulk_allocation():
        return SiteIndex.of(graph, iris)


def _keep_participation_pages(dataset: Dataset, out: Path) -> None:
    """Refuse to replace a site that has participation pages with one whose participations
    are parts of their projects' pages: every participation IRI it published would stop
    resolving (liaise-lod writes no redirects to their fragments)."""
    if dataset.info.participation_iris != "fragments" or not (out / "participation").is_dir():
        return
    raise ConfigError(
        f"{out} has participation pages (participation/), and with 'participation_iris: "
        "fragments' the new site would have none: the participation IRIs published there "
        "would stop resolving. Keep 'participation_iris: pages' for this dataset, or, if "
        "those IRIs were never shared, remove the old site first"
    )


def _check_date(value: str | None, option: str) -> None:
    import datetime

    if value is None:
        return
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # fromisoformat takes 20260115 too
            raise ValueError(value)
        datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ConfigError(f"{option} '{value}' is not a date (YYYY-MM-DD)") from error


def _check_version(value: str | None) -> None:
    from pydantic import TypeAdapter, ValidationError

    from ..model import Version

    if value is None:
        return
    try:
        TypeAdapter(Version).validate_python(value)
    except ValidationError:
        raise ConfigError(
            f"--release '{value}' is not a version: a letter or digit, then letters, digits, "
            "'.', '_' or '-' (64 at most)"
        ) from None


def _previous(given: str | Path | None, out: Path, base: str) -> releases.Previous | None:
    """The release the site in ``given`` (else ``out``) holds, if any."""
    if given is None:
        return releases.read_previous(out, base)
    folder = Path(given)
    previous = releases.read_previous(folder, base) if folder.is_dir() else None
    if previous is None:
        raise ConfigError(
            f"--previous {folder} is not a site that liaise-lod published for {base} (it "
            f"needs its {releases.PREVIOUS_DUMP}, and its {releases.HISTORY_FILE} if it has one "
            "must name the same base IRI)"
        )
    return previous


def _check_license(value: str | None) -> None:
    if value is None:
        return
    try:
        http_url(value)
    except ValueError:
        raise ConfigError(
            f"--license '{value}' is not an http(s) IRI (e.g. {EXAMPLE_LICENSE})"
        ) from None


class _Writer:
    """Writes files under the site folder, refusing any path that resolves outside it, and
    records them (pages apart) in the result."""

    def __init__(self, folder: Path, result: PublishResult):
        self.folder = SiteFolder(folder)
        self.result = result

    def put(self, relative: str, data: bytes) -> None:
        """Write without recording (in a helper process, whose result is recorded here)."""
        self.folder.write(relative, data)

    def record(self, written: list[str]) -> None:
        self.result.files.extend(written)
        self.result.pages.extend(relative for relative in written if relative.endswith(".html"))


class SiteBuilder:
    """Writes every part of the site through a writer."""

    def __init__(
        self,
        build: BuildResult,
        index: SiteIndex,
        queries: list[Query],
        settings: Settings,
        writer: _Writer,
        progress: Progress | None,
        previous: releases.Previous | None = None,
        plan: SitePlan | None = None,
        linked: Callable[[], set[str]] = set,
        facts: tuple[RecordFacts, GraphFacts] | None = None,
        keep_reads: bool = True,
        remembered: int | None = None,
        rest_beside_pages: bool = True,
    ):
        self.build = build
        #: what the description states of the records and the graph as a whole (default:
        #: found in the build's dataset and graph when first needed, by the process that
        #: writes the description)
        self._given_facts = facts
        #: whether to keep what each page read (for the manifest: a publish in partitions
        #: keeps none, and at millions of pages they would take gigabytes)
        self.keep_reads = keep_reads
        #: how much the page writers remember of what pages link to (see ``Describer``)
        self.remembered = remembered
        #: whether everything but the pages is written by a process of its own beside them
        #: (else after them: a publish in partitions, whose memory is bounded, does one thing at
        #: a time, as the index page reads every resource as the pages do)
        self.rest_beside_pages = rest_beside_pages
        self.previous = previous
        self.plan = plan
        #: the resources whose files were linked from the earlier site (see ``_link_earlier``)
        self.linked = linked
        #: what each resource's files read of the index (see ``_internal.reads``)
        self.reads: dict[str, Reads] = {}
        self.index = index
        self.iris = index.iris
        self.resources = index.page_resources()
        _refuse_shared_pages(self.resources, self.iris)
        info = build.dataset.info
        self.languages = page_languages(build.dataset)
        self.queries = queries
        self.writer = writer
        self.progress = progress
        self.settings = settings
        self.processes = processes_for(len(self.resources), PARALLEL_MINIMUM, settings.processes)
        self.modified = settings.modified
        #: for pages whose resource states no date
        self.dataset_modified = settings.modified or build.dataset.info.modified
        self.issued = settings.issued or build.dataset.info.issued
        self.version = settings.version or build.dataset.info.version
        if not (self.issued or self.dataset_modified):
            warnings.warn(
                "no release date: neither 'issued' nor 'modified' (the dataset settings, or "
                "--issued and --modified) give one, so the site has no feed of changes",
                LiaiseWarning,
                stacklevel=2,
            )
        licence = settings.license or info.license
        if licence is None:
            warnings.warn(
                "no licence: neither the dataset settings ('license') nor --license name one, "
                "so the site states none, and others cannot tell whether they may reuse the "
                f"data; name one, e.g. license: {EXAMPLE_LICENSE}",
                LiaiseWarning,
                stacklevel=2,
            )
        for line in build.report.rich_result_summary():
            warnings.warn(
                f"{line}; liaise-lod validate --strict lists them", LiaiseWarning, stacklevel=2
            )
        title = _pick(info.title) or DEFAULT_TITLE
        name = licence_names().get(licence, licence) if licence else None
        self.site = SiteInfo(title, self.iris.base, licence, name, self.languages, bool(queries))

    @cached_property
    def records(self) -> RecordFacts:
        if self._given_facts is not None:
            return self._given_facts[0]
        return RecordFacts.of(self.build.dataset, self.iris.base)

    @cached_property
    def graph_facts(self) -> GraphFacts:
        if self._given_facts is not None:
            return self._given_facts[1]
        return GraphFacts.of(self.build.graph)

    def write(self, dumps: Callable[[], list[metadata.Dump]]) -> None:
        """The pages and, beside them, everything else: copies of the shapes and schemes,
        metadata, index page, sitemap and config. ``dumps()`` returns the dumps once they
        are written (the metadata gives their sizes)."""
        with stage("dumps, before the pages"):
            written = dumps()
        # The rest needs no page: a large site's is written by a process of its own.
        beside = self.processes > 1 and self.rest_beside_pages
        with forked(lambda: self._rest(written), beside) as rest:
            with stage("pages"):
                self._pages()
            with stage("metadata, index page and sitemap, after the pages"):
                files, quality = rest()
                self.writer.record([dump.name for dump in written] + files)
                self.writer.result.quality = quality

    def _rest(self, dumps: list[metadata.Dump]) -> tuple[list[str], mqa.Assessment]:
        """Write everything but the pages and dumps; returns the files written and the
        metadata quality score of the description."""
        files = self._copies()
        made: list[releases.History] = []
        # The history is worked out here while helpers make the index page's contents.
        shown = self._home_pages(meanwhile=lambda: made.append(self._history(dumps)))
        history = made[0]
        changes = ChangesWriter(
            self.site, self.iris, history, set(self.resources), self._author_names()
        )
        facts = self._facts(history)
        description = metadata.description_graph(facts, dumps)
        for fmt in graph_formats():
            files[f"description{fmt.extension}"] = fmt.write(description, None)
        own = {self.iris.base + dump.name for dump in dumps}
        quality = mqa.assess(description, own, metadata.dcat_ap_conforms(description))
        files.update(changes.files())
        files[releases.HISTORY_FILE] = history.to_json()
        files.update(self._index(facts, dumps, changes, shown))
        searched = [path for language in self.languages.all for path in shown[language][1]]
        files.update(sitemap.sitemaps(self.iris.base, self._sitemap_entries(history.latest.date)))
        files["robots.txt"] = sitemap.robots(self.iris.base)
        files["style.css"] = _template_bytes("style.css")
        files["search.js"] = _template_bytes("search.js")
        files[".webconfig/nginx.conf"] = webconfig.nginx(self.iris.base)
        files[".htaccess"] = webconfig.htaccess()
        for relative, data in files.items():
            self.writer.put(relative, data)
        return list(files) + searched, quality

    def _pages(self) -> None:
        """Every resource's page and data files, in batches shared out between processes;
        with a plan, those of the resources whose files read nothing that changed are linked
        from the earlier site instead."""
        plan = self.plan
        with stage("pages linked from the earlier site"):
            kept = self.linked()
        if plan is not None:
            self.reads.update((iri, plan.before[iri]) for iri in kept)
        order = [iri for iri in self.index.writing_order(self.resources) if iri not in kept]
        total = len(order)
        processes = processes_for(total, PARALLEL_MINIMUM, self.settings.processes)
        batches = [order[i : i + PAGE_BATCH] for i in range(0, total, PAGE_BATCH)]
        # The heaviest first (a concept that thousands of records link to has a page of
        # thousands of links): what is left at the end is short, so no process waits long.
        batches.sort(key=lambda batch: sum(map(self.index.weight, batch)), reverse=True)
        files_of = ResourceFiles(self.index, self.site, self.remembered)

        def work(batch: list[str]) -> list[tuple[str, list[str], Reads | None]]:
            files_of.forget_inline()
            written = [(iri, *self._resource(iri, files_of)) for iri in batch]
            # Without reads to keep, nothing need come back: the files are ``_names``'.
            return written if self.keep_reads else []

        report = self.progress

        def progress(batches_done: int) -> None:
            if report is not None:
                report(min(total, batches_done * PAGE_BATCH), total)

        done = fork_map(work, batches, processes, progress if report else None)
        by_resource = {iri: written for batch in done for iri, written, _ in batch}
        self.reads.update((iri, reads) for batch in done for iri, _, reads in batch if reads)
        for iri in self.resources:  # in order again, as the sitemap lists them
            self.writer.record(by_resource[iri] if iri in by_resource else self._names(iri))

    def _resource(self, iri: str, files_of: ResourceFiles) -> tuple[list[str], Reads | None]:
        """Write one resource's files; returns their paths and what they read (if kept)."""
        with self.index.holding():
            return self._written(iri, files_of)

    def _written(self, iri: str, files_of: ResourceFiles) -> tuple[list[str], Reads | None]:
        written = []
        reads: Reads | None = None
        if self.keep_reads:
            with self.index.reads.recording() as reads:
                files = files_of(iri)
                # what it links to: the earlier links of a resource that changes are among them
                for _, _, obj in self.index.own.get(iri, ()):
                    if isinstance(obj, URIRef):
                        reads.content.add(str(obj).partition("#")[0])
        else:
            files = files_of(iri)
        for relative, data in files.items():
            self.writer.put(relative, data)
            written.append(relative)
        return written, reads

    def _names(self, iri: str) -> list[str]:
        return file_names(iri, self.iris, self.languages)

    def _copies(self) -> dict[str, bytes]:
        files = {"context.jsonld": (vocab_dir() / "context.jsonld").read_bytes()}
        for relative, path in _tree(shapes_dir(), "shapes"):
            files[relative] = path.read_bytes()
        for name, path in self._scheme_files():
            files[f"schemes/{name}"] = path.read_bytes()
        files["ontology.ttl"] = (vocab_dir() / "ontology.ttl").read_bytes()
        for query in self.queries:
            files[query.site_path] = query.text.encode("utf-8")
        return files

    def _scheme_files(self) -> list[tuple[str, Path]]:
        """The files of the schemes the site publishes: those of ours its data uses, and the
        dataset's own vocabulary files (``own/``)."""
        used = self.graph_facts.schemes
        ours = [
            (f"{slug}s.ttl", vocab_dir() / f"{slug}s.ttl")
            for slug in scheme_slugs()
            if str(CONCEPTS[slug]) in used
        ]
        return ours + [(f"own/{p.name}", p) for p in self.records.vocabulary_files]

    def _history(self, dumps: list[metadata.Dump]) -> releases.History:
        """The release history once this publish is made, compared with the previous site."""
        with stage("what changed since the previous release"):
            new = self._graph_text(dumps)
            release = releases.NewRelease(
                self.iris.base,
                self.version,
                self.issued,
                self.dataset_modified,
                len(self.resources),
            )
            return releases.next_history(self.previous, new, release)

    def _graph_text(self, dumps: list[metadata.Dump]) -> GraphText:
        """The new graph as text: its N-Triples dump, just written, read as it is (its lines
        are the text, read only if a comparison needs them), else the graph converted (or,
        published in partitions, the dump parsed)."""
        from ..graph_diff import DumpText, graph_text, sorted_dump_text, text_of
        from ..serialize import to_oxigraph

        path = next(
            (self.writer.folder.file(dump.name) for dump in dumps if dump.key == "ntriples"), None
        )
        text = (DumpText.of(path) or sorted_dump_text(path)) if path is not None else None
        if text is not None:
            return text
        if path is not None and self.build.triple_count is not None:
            return graph_text(path, name=str(path))
        return text_of(to_oxigraph(self.build.graph))

    def _author_names(self) -> Callable[[str], str]:
        publisher = self.records.publisher
        return author_names(publisher.names if publisher else None, self.site.title)

    def _series(self, history: releases.History) -> metadata.SeriesFacts:
        tags = [tag for tag in self.languages.all if tag in interface_languages()]
        kept = [
            metadata.ReleaseFacts(
                release.version,
                release.issued,
                release.previous,
                {tag: notes(release, interface(tag)) for tag in tags},
            )
            for release in history.releases
        ]
        about = (
            "Every release of this dataset, latest first: each a version with its date and "
            "what changed since the one before."
        )
        return metadata.SeriesFacts(
            tuple(kept),
            {tag: interface(tag)(about) for tag in tags},
            history.issued,
            history.latest.date,
        )

    def _facts(self, history: releases.History) -> metadata.DatasetFacts:
        info = self.build.dataset.info
        counts = self._by_kind()
        description = info.description or {"en": _generated_description(counts)}
        examples = [
            links[0] for kind, links in sorted(counts.items()) if kind not in ("concept", "scheme")
        ]
        return metadata.DatasetFacts(
            base=self.iris.base,
            title=info.title or {"en": self.site.title},
            description=description,
            license=self.site.license,
            publisher=self.records.publisher,
            modified=self.dataset_modified,
            triples=self.graph_facts.triples,
            examples=examples,
            vocabularies=metadata.vocabularies_used(self.index.terms),
            issued=self.issued,
            contact=_contact(info.contact),
            rights=info.rights,
            themes=tuple(info.themes),
            keywords=self.graph_facts.keywords,
            countries=self.records.countries,
            languages=metadata.eu_languages(set(self.graph_facts.languages)),
            period=self.records.period,
            series=self._series(history),
        )

    def _by_kind(self) -> dict[str, list[str]]:
        kinds: dict[str, list[str]] = defaultdict(list)
        for iri in self.resources:
            kinds[self.index.kind(iri) or "resource"].append(iri)
        return kinds

    def _home_pages(self, meanwhile: Callable[[], object]) -> dict[str, Shown]:
        """By language, the index page's contents and the search's index: each read from
        every resource, so each made by a process of its own (``meanwhile`` runs here
        meanwhile)."""
        describer = Describer(self.index, self.languages, self.remembered)
        by_kind = dict(sorted(self._by_kind().items(), key=lambda item: _kind_rank(item[0])))

        def visitors(language: str) -> Home:
            return home(describer, by_kind, language, self.dataset_modified, INDEX_LISTED)

        def searched(language: str) -> list[str]:
            # Written here, one at a time: a large site's shards are several times its names.
            paths = []
            name = self.languages.page("search", language)
            for relative, data in search_files(describer, self.resources, language, name):
                self.writer.put(relative, data)
                paths.append(relative)
            return paths

        languages = list(self.languages.all)
        jobs = [(make, language) for language in languages for make in (visitors, searched)]
        made = fork_map(lambda job: job[0](job[1]), jobs, self.processes, meanwhile=meanwhile)
        homes, written = {}, {}
        for (_, language), value in zip(jobs, made, strict=True):
            if isinstance(value, Home):
                homes[language] = value
            else:
                written[language] = value
        return {language: (homes[language], written[language]) for language in languages}

    def _index(
        self,
        facts: metadata.DatasetFacts,
        dumps: list[metadata.Dump],
        changes: ChangesWriter,
        shown: dict[str, Shown],
    ) -> dict[str, bytes]:
        """The index page, the page of example queries and the search's index, in each
        language."""
        island = script_json(plain_dates(metadata.schema_dataset(facts, dumps)))
        files = {}
        for language in self.languages.all:
            page = self.languages.page("", language)
            visitors = shown[language][0]
            files[f"{page or 'index'}.html"] = render(
                "index.html",
                title=self.site.title,
                summary=_pick(facts.description, language),
                island=island,
                description=_best(facts.description, language),
                home_page=visitors,
                search_index=self.languages.page("search", language) + ".json",
                triples=facts.triples,
                dumps=dumps,
                shapes=[name for name, _ in _tree(shapes_dir(), "")],
                schemes=[name for name, _ in self._scheme_files()],
                feed=changes.feed_link(language, page or "index"),
                version=changes.history.latest.version,
                citation=f"{self.site.title}. {self.site.base}."
                + (f" Licensed under {self.site.license_name}." if self.site.license_name else ""),
                **frame(self.site, "", language),
            )
            if self.queries:
                files[f"{self.languages.page(QUERIES_PAGE, language)}.html"] = render(
                    "queries.html",
                    title="SPARQL",
                    summary=interface(language)(QUERIES_LEAD),
                    lead=QUERIES_LEAD,
                    queries=[(q.name, q.text, _query_title(q.text)) for q in self.queries],
                    **frame(self.site, QUERIES_PAGE, language),
                )
        return files

    def _sitemap_entries(self, release_date: str | None) -> list[tuple[str, str | None]]:
        """Every page's URL with its last-modified date: the one set, else the latest its
        resource states, else the dataset's (the index page's: the latest of all; the page of
        changes': the release's)."""
        lastmods = {
            iri: self.modified or self.index.last_modified(iri) or self.dataset_modified
            for iri in self.resources
        }
        dates = [date for date in lastmods.values() if date]
        latest = self.modified or (max(dates) if dates else None)
        entries = [(self.iris.base + self.languages.page("", tag), latest) for tag in self._tags()]
        if self.queries:
            entries += [
                (self.iris.base + self.languages.page(QUERIES_PAGE, tag), latest)
                for tag in self._tags()
            ]
        entries += [
            (self.iris.base + self.languages.page(CHANGES_PAGE, tag), release_date or latest)
            for tag in self._tags()
        ]
        for iri, lastmod in lastmods.items():
            path = site_path(iri, self.iris)
            entries += [
                (self.iris.base + self.languages.page(path, tag), lastmod) for tag in self._tags()
            ]
        return entries

    def _tags(self) -> tuple[str, ...]:
        return self.languages.all


def _dumps(
    graph: Graph,
    folder: SiteFolder,
    base: str,
    plan: SitePlan | None,
    shards: int | None = None,
) -> list[metadata.Dump]:
    """The whole dataset in each format, gzipped into the site as it is written (with a
    ``plan``: the earlier dumps, rewritten around the changed subjects, or linked where none
    did); then, given ``shards``, its N-Triples in that many shards (each a distribution of
    its own)."""
    written = _spliced_dumps(plan.build, folder) if plan is not None else None
    if written is None:
        written = write_dumps(
            graph, folder.file("dataset"), base=base, processes=1, suffix=".gz", opener=gzip_writer
        )
    return _listed_dumps(written, shards)


def _listed_dumps(written: dict[str, Path], shards: int | None) -> list[metadata.Dump]:
    """The dumps written, as the site's metadata lists them; given ``shards``, the N-Triples
    one cut into that many gzipped shards too, each a distribution of its own."""
    dumps = [
        metadata.Dump.of(
            written[fmt.name],
            fmt.name,
            fmt.media_type,
            fmt.eu_file_type,
            f"Whole dataset, {fmt.label}",
        )
        for fmt in graph_formats()
    ]
    if shards is None:
        return dumps
    lines = get_format("ntriples")
    with gzip.open(written["ntriples"], "rb") as dump:
        paths = write_shards(dump, written["ntriples"].parent, "dataset", shards)
    return dumps + [
        metadata.Dump.of(
            path,
            f"ntriples-{number:04d}",
            lines.media_type,
            lines.eu_file_type,
            f"Dataset shard {number} of {shards}, {lines.label}",
        )
        for number, path in enumerate(paths, 1)
    ]


def file_names(iri: str, iris: Iris, languages: PageLanguages) -> list[str]:
    """The paths of a resource's files, as ``ResourceFiles`` writes them."""
    path = site_path(iri, iris)
    pages = [f"{languages.page(path, language)}.html" for language in languages.all]
    return pages + [f"{path}{fmt.extension}" for fmt in graph_formats()]


def _link_earlier(
    plan: SitePlan, folder: SiteFolder, names: Callable[[str], list[str]]
) -> set[str]:
    """Link the files of the resources that read nothing that changed from the earlier site;
    returns those resources. One whose files are not all there is left to be written."""
    old, carried = os.fspath(plan.build.old), set()
    for iri in sorted(plan.before.keys() - plan.stale):
        if _linked(old, folder, names(iri)):
            carried.add(iri)
    incremental_build.log.info("linked the files of %d resources", len(carried))
    return carried


def _linked(old: str, folder: SiteFolder, names: list[str]) -> bool:
    """Link these files of the earlier site; False (none linked) if one is missing. (Paths
    as text: a large site has hundreds of thousands of files.)"""
    done = []
    try:
        for relative in names:
            source, target = f"{old}/{relative}", folder.file_text(relative)
            try:
                os.link(source, target)
            except FileNotFoundError:
                raise
            except OSError:  # no hard links here (another file system...): a copy
                shutil.copyfile(source, target)
            done.append(target)
    except FileNotFoundError:
        for target in done:  # written later: never through a link to the earlier site
            os.unlink(target)
        return False
    return True


def _spliced_dumps(plan: incremental_build.Plan, folder: SiteFolder) -> dict[str, Path] | None:
    """The dumps rewritten around the plan's edits; None where one cannot be (write them)."""
    if plan.dumps is None:
        return None
    written = {}
    for name, relative in _dump_files().items():
        target = folder.file(str(relative))
        edits = plan.edits.get(name)
        if not edits:
            link_or_copy(plan.old / relative, target)
        else:
            with gzip_writer(target) as stream:
                if not splice.write_spliced(plan.dumps[name], edits, stream):
                    return None
        written[name] = target
    return written


def _publisher(dataset: Dataset, iris: Iris) -> metadata.Agent | None:
    """The publisher the settings name: one of the dataset's organisations, or an agent named
    in place."""
    publisher = dataset.info.publisher
    if publisher is None:
        return None
    if isinstance(publisher, str):
        organisation = next(o for o in dataset.organisations if o.id == publisher)
        iri = str(iris.record("organisation", publisher))
        return metadata.Agent(iri, organisation.name, organisation.website)
    return metadata.Agent(iris.base + "#publisher", publisher.name, publisher.website)


def _contact(contact: ContactPoint | None) -> metadata.Contact | None:
    if contact is None:
        return None
    return metadata.Contact(contact.name or {}, contact.email, contact.website)


def _keywords(graph: Graph) -> tuple[tuple[str, str], ...]:
    """The names of the topics the records are about, in every language they have."""
    topics = set(graph.objects(None, DCTERMS.subject))
    return tuple(
        sorted(
            {
                (label.language, str(label))
                for topic in topics
                for label in graph.objects(topic, SKOS.prefLabel)
                if isinstance(label, Literal) and label.language
            }
        )
    )


def _languages(graph: Graph) -> set[str]:
    """The languages the data's texts are written in."""
    return {o.language for o in distinct_objects(graph) if isinstance(o, Literal) and o.language}


def _eu_country(alpha2: str) -> str:
    return countries().eu_codes[alpha2]


def _refuse_shared_pages(resources: list[str], iris: Iris) -> None:
    """Two resources whose pages would be one file: a concept of the dataset's own IRI'd
    ``{base}vocab/role`` and our scheme ``vocab/role``, say."""
    pages: dict[str, str] = {}
    for iri in resources:
        path = site_path(iri, iris)
        # ``search/``: the folder of a large site's search shards
        if path in RESERVED_PATHS or path.startswith("search/"):
            raise ConfigError(
                f"<{iri}> would have the page {path}, which the site keeps for its own "
                f"({', '.join(sorted(RESERVED_PATHS))}, and the folder search/ of a large "
                "site's search): give the dataset's own concept another IRI"
            )
        if path in pages:
            raise ConfigError(
                f"<{pages[path]}> and <{iri}> would both have the page {path}: give the "
                "dataset's own concept another IRI"
            )
        pages[path] = iri


def _kind_rank(kind: str) -> tuple[int, str]:
    """Kinds in the order of the dataset's collections, concepts and schemes after."""
    order = [kind.name for kind in record_kinds()] + ["scheme", "concept"]
    return (order.index(kind) if kind in order else len(order), kind)


def _query_title(text: str) -> str:
    """A query's first comment line: what it asks."""
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
        if line.strip():
            break
    return ""


def _tree(folder: Path, prefix: str) -> Iterator[tuple[str, Path]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            relative = path.relative_to(folder).as_posix()
            yield (f"{prefix}/{relative}" if prefix else relative), path


def _template_bytes(name: str) -> bytes:
    return files(__package__).joinpath("templates", name).read_bytes()


def _best(texts: dict[str, str], language: str) -> list[tuple[str, str]]:
    """The text in ``language``, else in English, else in the first language, with its tag."""
    for tag in (language, "en", *sorted(texts)):
        if tag in texts:
            return [(tag, texts[tag])]
    return []


def _pick(texts: dict[str, str] | None, language: str = "en") -> str | None:
    if not texts:
        return None
    return texts.get(language) or texts.get("en") or texts[sorted(texts)[0]]


def _generated_description(counts: dict[str, list[str]]) -> str:
    parts = ", ".join(f"{len(iris)} {kind}" for kind, iris in sorted(counts.items()))
    return f"Linked Open Data about European cooperation projects: {parts}."


__all__ = ["PublishResult", "Settings", "publish"]
