"""Check a graph against the SHACL shapes in ``shapes/`` and report what to fix, and where.

The shapes use SHACL Core only. Their placeholder ``{BASE}`` is replaced with the dataset's base
IRI (regex-escaped in ``sh:pattern``, as is in ``sh:message``). pySHACL runs over the whole graph,
without inference: the graph must already hold the SKOS schemes, as ``to_graph`` adds them.

pySHACL uses one core. On a large graph the shapes with targets are shared out between forked
processes, each validating the whole graph (shared copy-on-write) against its shapes, and the
reports are merged: the same results as one run, sooner. Splitting the graph instead would need
each part's neighbours (classes of linked resources, inverse paths) in every part.

Another engine may validate instead (``engine``): TopBraid SHACL, in Java, when it is installed
(``liaise_lod._internal.topbraid``). Its report is read into the same ``ValidationReport``.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import cache, lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from . import rich_results
from ._internal import engines, topbraid
from ._internal.allocation import bulk_allocation, long_lived
from ._internal.progress import stage
from ._internal.pyshacl_tuning import RawResult, focused, is_tunable, raw_results, tuned
from ._internal.resources import shapes_dir
from ._internal.shacl_engines import DEFAULT_ENGINE, ENGINES
from .errors import ConfigError, Problem
from .iris import Iris
from .namespaces import OWL, PREFIXES, RDF, RDFS, SCHEMA, SH, SHAPES, XSD, shorten

if TYPE_CHECKING:
    from .model import Dataset, DatasetInfo

#: Where a record was written: ``(file, line, record id)``, each None when unknown.
Sources = Callable[[str], tuple[str | None, int | None, str | None] | None]

BASE_PLACEHOLDER = "{BASE}"
SHAPES_NS = str(SHAPES)
SEVERITIES: dict[Node | None, str] = {
    SH.Violation: "violation",
    SH.Warning: "warning",
    SH.Info: "info",
}
_RANK = {"violation": 0, "warning": 1, "info": 2}
_PREFIXES = {**PREFIXES, "sh": str(SH), "shape": SHAPES_NS}
_XSD_STRING = str(XSD.string)
_PATH_SUFFIXES = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

#: How deep a report's blank nodes are described: deeper than pySHACL's clones of them go.
_DEEPEST = 24
#: Below this many triples validation runs in one process: starting others costs more.
PARALLEL_MINIMUM = 40_000


# --------------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, located: the resource, the property, the offending value, and where
    the record was written when that is known."""

    focus_node: str
    path: str | None
    value: str | None
    severity: str
    message: str
    source_shape: str
    file: str | None = None
    line: int | None = None
    record: str | None = None

    @property
    def resource(self) -> str:
        """The record the focus node belongs to: ``…/event/x`` for ``…/event/x#place``."""
        return self.focus_node.split("#", 1)[0]

    @property
    def where(self) -> str | None:
        """``file:line``, or just the file, when known."""
        if self.file is None:
            return None
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def sort_key(self) -> tuple:
        return (
            self.resource,
            _RANK.get(self.severity, 9),
            self.focus_node,
            self.path or "",
            self.message,
            self.value or "",
            self.source_shape,
        )


#: A SHACL result node's description: its (predicate, object) pairs, sorted, with the blank
#: nodes it leads to (nested results, paths) described in turn instead of named.
Description = tuple[tuple[Node, "Node | Description"], ...]


@dataclass(frozen=True)
class ValidationReport:
    """Every result of one validation, sorted; ``to_graph()`` gives them as a SHACL report."""

    results: tuple[ValidationResult, ...]
    #: each result as pySHACL described it, in the order of ``results``
    descriptions: tuple[Description, ...] = field(default=(), repr=False, compare=False)
    #: completeness warnings (asking for what the data may not know) left out: see ``strict``
    held_back: int = 0
    #: every item Google will show no rich result for, and why (``liaise_lod.rich_results``),
    #: as warnings; among ``results`` only when ``strict``
    rich_results: tuple[ValidationResult, ...] = ()
    #: rich-result warnings left out of ``results``
    held_back_rich_results: int = 0
    #: how many items of each rich-result type (Event, ...) the dataset has
    rich_result_items: tuple[tuple[str, int], ...] = ()

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return self._of("violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return self._of("warning")

    @property
    def infos(self) -> tuple[ValidationResult, ...]:
        return self._of("info")

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not count)."""
        return not self.violations

    def _of(self, severity: str) -> tuple[ValidationResult, ...]:
        return tuple(result for result in self.results if result.severity == severity)

    def summary(self) -> str:
        """``N violations, M warnings in K resources``."""
        counts = [_count(len(self.violations), "violation"), _count(len(self.warnings), "warning")]
        if self.infos:
            counts.append(_count(len(self.infos), "info"))
        resources = len({result.resource for result in self.results})
        if not resources:
            return ", ".join(counts)
        return f"{', '.join(counts)} in {_count(resources, 'resource')}"

    def rules(self) -> list[RuleCount]:
        """The results counted by the shape that gave them: violations first, then the most
        frequent."""
        by_rule: dict[tuple[str, str], list[ValidationResult]] = defaultdict(list)
        for result in self.results:
            by_rule[(result.severity, result.source_shape)].append(result)
        counts = [
            RuleCount(rule_name(shape), shape, severity, results[0].message, tuple(results))
            for (severity, shape), results in by_rule.items()
        ]
        return sorted(counts, key=lambda r: (_RANK.get(r.severity, 9), -len(r.results), r.rule))

    def headline(self) -> str:
        """The counts, and how many completeness and rich-result warnings were held back
        (``strict``)."""
        held_back = [
            _count(number, noun)
            for number, noun in (
                (self.held_back, "completeness warning"),
                (self.held_back_rich_results, "rich-result warning"),
            )
            if number
        ]
        if not held_back:
            return self.summary()
        return f"{self.summary()} ({' and '.join(held_back)} not shown: --strict shows them)"

    def rich_result_summary(self) -> list[str]:
        """One sentence per rich-result type with items that will get no rich result, and why
        (whether or not ``results`` has them)."""
        missed = ((result.source_shape, result.focus_node) for result in self.rich_results)
        return rich_results.summary(missed, dict(self.rich_result_items))

    def summary_text(self, locations: int = 3) -> str:
        """The first screen: the counts, then each rule with how often it fired and where first;
        ``text()`` has every result."""
        lines = [self.headline()]
        for rule in self.rules():
            lines += ["", f"{rule.severity:<9} {rule.rule} ({len(rule.results)}): {rule.message}"]
            lines.append(f"          {_first_places(rule.results, locations)}")
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        """The report for a person: a summary line, then the results grouped by resource."""
        lines = [self.headline()]
        for resource, group in groupby(self.results, key=lambda result: result.resource):
            results = list(group)
            lines += ["", _heading(resource, results[0])]
            lines += [_result_line(result) for result in results]
        return "\n".join(lines) + "\n"

    def to_graph(self) -> Graph:
        """The SHACL validation report as RDF, e.g. for ``validation-report.ttl``."""
        graph = _new_graph()
        for triple in self.triples():
            graph.add(triple)
        return graph

    def triples(self) -> Iterator[tuple[Node, Node, Node]]:
        """The triples of ``to_graph()``, without building a graph: blank nodes are named in
        result order (``_:result-000001``, its nested nodes ``_:result-000001-1``, ...), so
        the report serialises the same way every time."""
        report = BNode("report")
        yield report, RDF.type, SH.ValidationReport
        yield report, SH.conforms, Literal(self.conforms)
        for number, description in enumerate(self.descriptions, start=1):
            node = BNode(f"result-{number:06d}")
            yield report, SH.result, node
            yield from _described(node, description)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for JSON)."""
        return {
            "conforms": self.conforms,
            "summary": self.summary(),
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "infos": len(self.infos),
            "held_back": self.held_back,
            "held_back_rich_results": self.held_back_rich_results,
            "rules": [
                {
                    "rule": rule.rule,
                    "shape": rule.shape,
                    "severity": rule.severity,
                    "message": rule.message,
                    "help": rich_results.rule_source(rule.shape) or rule.shape,
                    "count": len(rule.results),
                }
                for rule in self.rules()
            ],
            "results": [asdict(result) for result in self.results],
            "problems": [],
        }

    @staticmethod
    def problems_dict(problems: Iterable[Problem]) -> dict[str, Any]:
        """Input problems in the shape of ``to_dict()``: what tools read either way."""
        listed = [asdict(problem) for problem in problems]
        return {
            **ValidationReport(results=()).to_dict(),
            "conforms": False,
            "summary": f"{_count(len(listed), 'problem')} in the input",
            "problems": listed,
        }


@dataclass(frozen=True)
class RuleCount:
    """The results one shape gave."""

    rule: str
    shape: str
    severity: str
    message: str
    results: tuple[ValidationResult, ...]


def rule_name(shape: str) -> str:
    """``Project-description`` for ``…/shapes#Project-description`` (and ``RichResult-Event-
    startDate`` for that rich-result rule)."""
    return shape[len(SHAPES_NS) :] if shape.startswith(SHAPES_NS) else shape


def _first_places(results: tuple[ValidationResult, ...], shown: int) -> str:
    places = []
    for result in results[:shown]:
        record = f"'{result.record}'" if result.record else result.focus_node
        places.append(f"{result.where} {record}" if result.where else record)
    more = len(results) - shown
    return ", ".join(places) + (f" and {more} more" if more > 0 else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _heading(resource: str, first: ValidationResult) -> str:
    where = ", ".join(
        part for part in (first.where, f"record '{first.record}'" if first.record else None) if part
    )
    return f"{resource} ({where})" if where else resource


def _result_line(result: ValidationResult) -> str:
    fragment = result.focus_node[len(result.resource) :]
    subject = " ".join(part for part in (fragment, result.path) if part)
    value = f" [value: {result.value}]" if result.value is not None else ""
    text = f"{subject}: {result.message}" if subject else result.message
    return f"  {result.severity:<9} {text}{value}"


# -------------------------------------------------------------------------------- validation


def validate(
    graph: Graph,
    *,
    base: str,
    sources: Sources | None = None,
    processes: int | None = 1,
    meanwhile: Callable[[], object] | None = None,
    strict: bool = False,
    info: DatasetInfo | None = None,
    engine: str = DEFAULT_ENGINE,
) -> ValidationReport:
    """Validate ``graph`` against the liaise-lod shapes for a dataset under ``base``, and say
    which of its items Google will show no rich result for (``liaise_lod.rich_results``: the
    dataset itself too, from its settings ``info``, when given).

    Completeness warnings, which ask for what the data may honestly not know (a description,
    a website: the shapes of the ``shape:Completeness`` group), are counted in ``held_back``
    but left out of the results unless ``strict``; so are rich-result warnings, which follow
    from the same gaps (an event's date or place), counted in ``held_back_rich_results``.

    ``sources(record_iri)`` tells where a record was written (``file``, ``line``, ``record id``);
    value nodes (``…/event/x#place``) are looked up by their record's IRI. Without it the
    record id is read off the IRI. ``processes`` caps how many processes validate: 1 (the default)
    starts none; ``None`` uses ``available_processes()`` for graphs of ``PARALLEL_MINIMUM``
    triples or more, as the command line does; the
    report is the same whatever the number. ``meanwhile()``, if given, is called in this
    process while the others start validating (see ``fork_map``).

    ``engine``: one of ``ENGINES``. ``"topbraid"`` runs TopBraid SHACL in Java (one process,
    whatever ``processes`` says; ``meanwhile()`` is called while it runs) and raises
    ``ConfigError`` when it is not installed (see ``engine_available``).
    """
    found = find_results(graph, base=base, processes=processes, meanwhile=meanwhile, engine=engine)
    return report_of(found, graph, base=base, sources=sources, strict=strict, info=info)


def find_results(
    graph: Graph,
    *,
    base: str,
    processes: int | None = 1,
    meanwhile: Callable[[], object] | None = None,
    focus: frozenset[Node] | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Found:
    """The results of validating ``graph`` with ``engine``, not yet located nor sorted (see
    ``report_of``). With ``focus``, only the shapes' targets among those nodes are validated
    (by pySHACL, in this process): their results are those a whole validation gives them
    (``can_focus()``)."""
    iris = Iris(base)
    shapes = shapes_graph(iris.base)
    if focus is not None:
        if not can_focus():
            raise ValueError("this pySHACL cannot validate chosen focus nodes alone")
        with long_lived(), tuned(), focused(focus):
            if meanwhile:
                meanwhile()
            return _pyshacl(graph, shapes)
    if engine == "topbraid":
        return _topbraid(graph, shapes, meanwhile)
    if engine != "pyshacl":
        raise ConfigError(f"unknown SHACL engine {engine!r}: choose one of {', '.join(ENGINES)}")
    processes = engines.current().width(len(graph), PARALLEL_MINIMUM, processes)
    with long_lived(), tuned():
        return _run(graph, shapes, processes, meanwhile)


def can_focus() -> bool:
    """Whether ``find_results`` can take ``focus`` (with the pySHACL releases it is tuned for)."""
    return is_tunable()


def report_of(
    found: Found,
    graph: Graph | None,
    *,
    base: str,
    sources: Sources | None = None,
    strict: bool = False,
    held_back: int = 0,
    info: DatasetInfo | None = None,
    rich: tuple[list[rich_results.Finding], dict[str, int]] | None = None,
) -> ValidationReport:
    """The report of ``graph`` from the results ``find_results`` found (see ``validate``);
    ``held_back`` completeness warnings left out before are counted with those left out
    here. ``rich``: the graph's rich-result findings and items of each type, found already
    (a partitioned build finds them a partition at a time); then ``graph`` is not read."""
    iris = Iris(base)
    with bulk_allocation():
        located = _Locator(iris, sources)
        ordered = sorted(
            ((located(result), description) for result, description in found),
            key=lambda pair: (pair[0].sort_key(), _sort_text(pair[1])),
        )
        completeness = completeness_shapes(iris.base)
        kept = [pair for pair in ordered if strict or pair[0].source_shape not in completeness]
        rich_found, items = _rich_results(graph, iris.base, info, located, rich)
    results = [result for result, _ in kept] + (rich_found if strict else [])
    return ValidationReport(
        results=tuple(sorted(results, key=ValidationResult.sort_key)),  # stable: SHACL's order kept
        descriptions=tuple(description for _, description in kept),
        held_back=held_back + len(ordered) - len(kept),
        rich_results=tuple(rich_found),
        held_back_rich_results=0 if strict else len(rich_found),
        rich_result_items=tuple(sorted(items.items())),
    )


def _rich_results(
    graph: Graph | None,
    base: str,
    info: DatasetInfo | None,
    located: _Locator,
    found: tuple[list[rich_results.Finding], dict[str, int]] | None = None,
) -> tuple[list[ValidationResult], dict[str, int]]:
    """The rich-result findings as located warnings, sorted, and the items of each type
    (those of ``graph`` ``found`` already, if given)."""
    graphs = [] if found is not None else [graph]
    assumed: frozenset[tuple[str, str]] = frozenset()
    if info is not None:
        dataset, assumed = rich_results.dataset_graph(base, info.title, info.description)
        graphs.append(dataset)
    findings, items = rich_results.check(graphs, assumed)  # type: ignore[arg-type]
    if found is not None:
        findings = [*found[0], *findings]
        items = {name: items.get(name, 0) + found[1].get(name, 0) for name in {*items, *found[1]}}
    results = [
        located(
            ValidationResult(
                focus_node=finding.item,
                path=_compact(SCHEMA[finding.requirement.property]),
                value=_term_text(finding.value) if finding.value is not None else None,
                severity="warning",
                message=finding.requirement.message,
                source_shape=finding.rule,
            )
        )
        for finding in findings
    ]
    return sorted(results, key=ValidationResult.sort_key), items


def engine_available(engine: str) -> bool:
    """Whether ``engine`` can run here (for ``"topbraid"``: its jars and a Java runtime)."""
    return engine == "pyshacl" or (engine == "topbraid" and topbraid.is_available())


@lru_cache(maxsize=8)
def completeness_shapes(base: str) -> frozenset[str]:
    """The shapes whose warnings ask for what the data may not know (``shape:Completeness``)."""
    group = SHAPES["Completeness"]
    return frozenset(str(shape) for shape in shapes_graph(base).subjects(SH.group, group))


def dataset_sources(dataset: Dataset, base: str) -> Sources:
    """A ``sources`` for ``validate``: where each record of ``dataset`` was written."""
    iris = Iris(base)

    def lookup(iri: str) -> tuple[str | None, int | None, str | None]:
        parts = iris.split(iri)
        if parts is None:
            return None, None, None
        record_id = parts[1]
        source = dataset.source(record_id)
        if source is None:
            return None, None, record_id
        return source.file, source.line, record_id

    return lookup


@cache
def _shapes_template() -> Graph:
    """Every ``*.ttl`` file of the shapes folder, parsed once, with ``{BASE}`` still in it."""
    graph = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


class _RememberingStore(Memory):
    """An in-memory store that remembers the answer to each lookup until it is written to.

    pySHACL reads the shapes graph afresh for every focus node: the same few hundred lookups,
    hundreds of thousands of times on a large graph. Remembered, validation takes about a fifth
    less time. Any write forgets everything, so answers are never stale.
    """

    def __init__(self) -> None:
        super().__init__()
        self._answers: dict[tuple, list] = {}

    def triples(self, triple_pattern, context=None):
        key = (triple_pattern, None if context is None else context.identifier)
        answer = self._answers.get(key)
        if answer is None:
            answer = [
                (triple, list(contexts))
                for triple, contexts in super().triples(triple_pattern, context)
            ]
            self._answers[key] = answer
        for triple, contexts in answer:
            yield triple, iter(contexts)

    # Forget before and after each write: listeners may read during it, and remove() looks up
    # what to remove. (addN and remove_graph come through add and remove.)
    def add(self, triple, context, quoted=False):
        self._answers.clear()
        try:
            super().add(triple, context, quoted)
        finally:
            self._answers.clear()

    def remove(self, triple_pattern, context=None):
        self._answers.clear()
        try:
            super().remove(triple_pattern, context)
        finally:
            self._answers.clear()


def _shapes_copy(shapes: Graph) -> Graph:
    """A copy of a shapes graph, on a store that remembers lookups (see ``_RememberingStore``)."""
    graph = Graph(store=_RememberingStore())
    graph += shapes
    return graph


@lru_cache(maxsize=8)
def shapes_graph(base: str) -> Graph:
    """The shapes graph for a dataset under ``base`` (cached: do not modify it)."""
    graph = _shapes_copy(_shapes_template())
    for predicate, replacement in ((SH.pattern, re.escape(base)), (SH.message, base)):
        for subject, text in list(graph.subject_objects(predicate)):
            if BASE_PLACEHOLDER in str(text):
                graph.remove((subject, predicate, text))
                graph.add(
                    (subject, predicate, Literal(str(text).replace(BASE_PLACEHOLDER, replacement)))
                )
    return graph


# ------------------------------------------------------------------------------ running pySHACL


#: A run's results, read where pySHACL ran: small enough to send back from a helper process.
Found = list[tuple[ValidationResult, Description]]


def _pyshacl(graph: Graph, shapes: Graph) -> Found:
    """One pySHACL run; its results, read off its report graph."""
    with bulk_allocation():
        found = _pyshacl_run(graph, shapes)
    gc.collect()
    return found


def _pyshacl_run(graph: Graph, shapes: Graph) -> Found:
    with raw_results():
        _, report, _ = pyshacl.validate(
            graph,
            shacl_graph=shapes,
            inference="none",
            advanced=False,
            allow_infos=True,
            allow_warnings=True,
            abort_on_first=False,
            meta_shacl=False,
        )
    if isinstance(report, Graph):  # pySHACL as released (not tuned): its report graph
        return [_read(report, node) for node in _result_nodes(report)]
    return [_read(_RawReport(raw), raw.node) for raw in report]


def _read(report: Graph | _Report, node: Node) -> tuple[ValidationResult, Description]:
    description = _describe(report, node)  # a result node is a blank node, so described
    return _result(report, node), description if isinstance(description, tuple) else ()


def _run(
    graph: Graph, shapes: Graph, processes: int, meanwhile: Callable[[], object] | None
) -> Found:
    """Validate ``graph``, the targeted shapes shared out between up to ``processes``
    processes; every run's results."""
    if processes > 1 and not _has_implicit_targets(shapes):
        targeted = _targeted_shapes(graph, shapes)
        if len(targeted) > 1:
            runs = engines.current().map(
                _pyshacl_one_shape,
                targeted,
                processes,
                shared=(graph, shapes, targeted),
                meanwhile=meanwhile,
            )
            return [found for run in runs for found in run]
    if meanwhile:
        meanwhile()
    return _pyshacl(graph, shapes)


def _pyshacl_one_shape(graph: Graph, shapes: Graph, targeted: list[Node], shape: Node) -> Found:
    """One targeted shape's results (a unit an engine runs: here, or on a Dask worker, which
    tunes pySHACL and keeps the graph it was sent out of garbage collection for itself)."""
    with long_lived(), tuned():
        return _pyshacl(graph, _only(shapes, shape, targeted))


def _targeted_shapes(graph: Graph, shapes: Graph) -> list[URIRef | Node]:
    """The shapes with targets, the costliest first, so that the last ones taken are short.

    A shape's cost is guessed as its targeted instances times its size (the shapes and nodes
    it leads to: property shapes, lists and the shapes in them); the number of property
    shapes alone takes a shape with one ``sh:or`` of ``sh:lessThan`` checks for a cheap one.
    """

    def cost(shape: Node) -> tuple[int, str]:
        instances = {
            instance
            for cls in shapes.objects(shape, SH.targetClass)
            for instance in graph.subjects(RDF.type, cls)
        }
        return (-len(instances) * _size(shapes, shape), str(shape))

    found = {shape for target in _TARGETS for shape in shapes.subjects(target, None)}
    return sorted(found, key=cost)


def _size(shapes: Graph, shape: Node) -> int:
    """How many nodes of the shapes graph ``shape`` leads to, itself included (targets and
    types aside)."""
    seen, waiting = {shape}, [shape]
    while waiting:
        for predicate, node in shapes.predicate_objects(waiting.pop()):
            if predicate in _TARGETS or predicate == RDF.type or node in seen:
                continue
            if isinstance(node, BNode) or (node, None, None) in shapes:
                seen.add(node)
                waiting.append(node)
    return len(seen)


def _has_implicit_targets(shapes: Graph) -> bool:
    """Shapes that are also classes target their instances without a target triple."""
    return any(
        (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes
        for shape in shapes.subjects(RDF.type, SH.NodeShape)
    )


def _only(shapes: Graph, keep: Node, targeted: list[Node]) -> Graph:
    """``shapes`` with the targets of every targeted shape but ``keep`` taken away."""
    graph = _shapes_copy(shapes)
    for shape in targeted:
        if shape != keep:
            for target in _TARGETS:
                graph.remove((shape, target, None))
    return graph


# ------------------------------------------------------------------------ running TopBraid SHACL


def _topbraid(graph: Graph, shapes: Graph, meanwhile: Callable[[], object] | None) -> Found:
    """One TopBraid SHACL run in Java, on the graph and shapes written to files; its results."""
    from .serialize import write_ntriples

    settings = topbraid.Settings.from_environment()
    with topbraid.workspace() as folder:
        data, shapes_file = folder / "data.nt", folder / "shapes.nt"
        with stage("validate: write N-Triples for TopBraid SHACL"):
            write_ntriples(topbraid.without_imports(graph), data)
            write_ntriples(topbraid.without_imports(shapes), shapes_file)
        with stage("validate: TopBraid SHACL (Java)"):
            report = topbraid.validate(folder, data, shapes_file, settings, meanwhile)
        with stage("validate: read TopBraid's report"), bulk_allocation():
            read = _TurtleReport(report)
            return [_read(read, node) for node in read.results()]


# --------------------------------------------------------------------- reading the SHACL report


def _result_nodes(graph: Graph) -> Iterator[Node]:
    """The report's own results (not the ``sh:detail`` results nested in them)."""
    for report in graph.subjects(RDF.type, SH.ValidationReport):
        yield from graph.objects(report, SH.result)


class _Report:
    """A report read from something other than a graph: answers the few questions the report
    reader asks of a graph, given ``predicate_objects``."""

    def predicate_objects(self, node: Node) -> Iterator[tuple[Node, Node]]:
        raise NotImplementedError

    def objects(self, node: Node, predicate: Node) -> Iterator[Node]:
        return (obj for found, obj in self.predicate_objects(node) if found == predicate)

    def value(self, node: Node, predicate: Node) -> Node | None:
        return next(self.objects(node, predicate), None)

    def items(self, node: Node) -> Iterator[Node]:
        seen = set()
        item: Node | None = node
        while item is not None and item not in seen:
            first = self.value(item, RDF.first)
            if first is None:
                return
            seen.add(item)
            yield first
            item = self.value(item, RDF.rest)

    def __contains__(self, pattern: tuple[Node, None, None]) -> bool:
        return next(self.predicate_objects(pattern[0]), None) is not None


class _RawReport(_Report):
    """One ``RawResult`` read as the report graph pySHACL would clone it into: its own triples,
    and what the data and shapes graphs say of the blank nodes they lead to (a property path,
    a shape)."""

    def __init__(self, raw: RawResult):
        self.own: dict[Node, dict[tuple[Node, Node], None]] = {}
        self.graphs: list[Graph] = []
        for subject, predicate, obj in raw.triples:
            if isinstance(obj, tuple):
                source, obj = obj
                if isinstance(obj, BNode) and all(source is not known for known in self.graphs):
                    self.graphs.append(source)
            self.own.setdefault(subject, {})[predicate, obj] = None  # a set, in order

    def predicate_objects(self, node: Node) -> Iterator[tuple[Node, Node]]:
        if node in self.own:
            return iter(self.own[node])
        if isinstance(node, BNode):
            for graph in self.graphs:
                pairs = list(graph.predicate_objects(node))
                if pairs:
                    return iter(pairs)
        return iter(())


class _TurtleReport(_Report):
    """A SHACL report in a Turtle file (another engine's), its terms made rdflib's."""

    def __init__(self, path: Path):
        self.own: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        term = _RdflibTerms()
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            self.own[term(quad.subject)].append((term(quad.predicate), term(quad.object)))

    def predicate_objects(self, node: Node) -> Iterator[tuple[Node, Node]]:
        return iter(self.own.get(node, ()))

    def results(self) -> Iterator[Node]:
        for node, pairs in list(self.own.items()):
            if (RDF.type, SH.ValidationReport) in pairs:
                yield from self.objects(node, SH.result)


class _RdflibTerms:
    """pyoxigraph terms to rdflib's, remembering IRIs (they repeat a lot)."""

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}

    def __call__(self, term: Any) -> Node:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=self.iri(datatype))

    def iri(self, text: str) -> URIRef:
        iri = self.iris.get(text)
        if iri is None:
            iri = self.iris[text] = URIRef(text)
        return iri


def _result(graph: Graph | _Report, node: Node) -> ValidationResult:
    severity = graph.value(node, SH.resultSeverity)
    path = graph.value(node, SH.resultPath)
    focus = graph.value(node, SH.focusNode)
    value = graph.value(node, SH.value)
    if value == focus:
        value = None
    return ValidationResult(
        focus_node=_iri_text(focus),
        path=_path_text(graph, path) if path is not None else None,
        value=_term_text(value) if value is not None else None,
        severity=SEVERITIES.get(severity, str(severity)),
        message=" / ".join(sorted(str(text) for text in graph.objects(node, SH.resultMessage))),
        source_shape=_iri_text(graph.value(node, SH.sourceShape)),
    )


class _Locator:
    """Adds file, line and record id to results, asking ``sources`` once per record."""

    def __init__(self, iris: Iris, sources: Sources | None):
        self.iris, self.sources = iris, sources
        self.known: dict[str, tuple[str | None, int | None, str | None]] = {}

    def __call__(self, result: ValidationResult) -> ValidationResult:
        resource = result.resource
        if resource not in self.known:
            self.known[resource] = self._lookup(resource)
        file, line, record = self.known[resource]
        return replace(result, file=file, line=line, record=record)

    def _lookup(self, resource: str) -> tuple[str | None, int | None, str | None]:
        found = self.sources(resource) if self.sources else None
        file, line, record = found or (None, None, None)
        if record is None:
            parts = self.iris.split(resource)
            record = parts[1] if parts else None
        return file, line, record


def _iri_text(node: Node | None) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _compact(iri: Node) -> str:
    """``schema:name`` for IRIs in a known namespace, else ``<iri>``."""
    return shorten(str(iri), _PREFIXES) or f"<{iri}>"


def _term_text(term: Node) -> str:
    """A value as it would be written in Turtle, with known prefixes."""
    if isinstance(term, Literal):
        text = '"' + str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^{_compact(term.datatype)}"
        return text
    if isinstance(term, URIRef):
        return _compact(term)
    return _iri_text(term)


def _path_text(graph: Graph | _Report, path: Node) -> str:
    """A SHACL property path in SPARQL notation: ``schema:address/schema:addressCountry``."""
    if isinstance(path, URIRef):
        return _compact(path)
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, step) for step in graph.items(path))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, step) for step in graph.items(alternatives)) + ")"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    for predicate, suffix in _PATH_SUFFIXES.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            return _path_text(graph, inner) + suffix
    return _iri_text(path)


# ------------------------------------------------------------------ the report graph, stable


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _describe(graph: Graph | _Report, node: Node, depth: int = 0) -> Node | Description:
    """``node``'s description if it is a blank node the report describes, else ``node``.
    Nested no deeper than pySHACL clones into a report graph (blank nodes of the shapes graph
    may form a cycle)."""
    if not isinstance(node, BNode) or depth > _DEEPEST or (node, None, None) not in graph:
        return node
    pairs = [
        (predicate, _describe(graph, obj, depth + 1))
        for predicate, obj in graph.predicate_objects(node)
    ]
    return tuple(sorted(pairs, key=lambda pair: (pair[0], _sort_text(pair[1]))))


def _sort_text(value: Node | Description) -> str:
    """A description in a Turtle-like notation, to order descriptions by their content."""
    if isinstance(value, tuple):
        return "[" + " ; ".join(f"{p.n3()} {_sort_text(o)}" for p, o in value) + "]"
    return value.n3()


def _described(node: BNode, description: Description) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of ``description`` about ``node``, nested blank nodes named after it."""
    for number, (predicate, value) in enumerate(description, start=1):
        if isinstance(value, tuple):
            nested = BNode(f"{node}-{number}")
            yield node, predicate, nested
            yield from _described(nested, value)
        else:
            yield node, predicate, value
