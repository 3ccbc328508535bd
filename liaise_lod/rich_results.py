"""Google's rich results: the items of a dataset a search engine will show no rich result for, and
why, by the rules of ``vocab/rich-results.yaml`` (for each result type, the properties Google's
structured-data documentation requires, with that page's address).

The items are read from the graph the pages' islands are made of: its schema.org nodes of a
result type's classes. The dataset itself (the index page's ``schema:Dataset``) is made from
its settings, by ``dataset_graph``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ._internal.resources import vocab_dir
from .namespaces import RDF, SCHEMA, SHAPES

RULES_FILE = "rich-results.yaml"
#: The name ``publish`` gives a dataset whose settings give it no title.
DEFAULT_TITLE = "Linked Open Data"

_PRECISIONS = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})"),
}


@dataclass(frozen=True)
class Requirement:
    """A property a result type requires, and what its value must be, if more than there."""

    property: str
    why: str
    message: str
    #: the precisions a date may have (``day``, ``datetime``); empty: any value
    dates: tuple[str, ...] = ()
    #: the least and most characters of a text
    length: tuple[int, int] | None = None
    #: the classes a node may be of, each with the properties it must have
    one_of: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ResultType:
    """One kind of rich result (Event, Organization, Article, Dataset), as Google documents it."""

    name: str
    source: str
    #: what the items are called in a sentence ("events")
    items: str
    types: tuple[str, ...]
    required: tuple[Requirement, ...]
    recommended: tuple[str, ...]

    def rule(self, requirement: Requirement) -> str:
        """The IRI that names the rule ``RichResult-Event-startDate`` in reports."""
        return str(SHAPES[f"RichResult-{self.name}-{requirement.property}"])


@dataclass(frozen=True)
class Finding:
    """An item that misses what a result type requires: no rich result for it."""

    item: str
    result_type: ResultType
    requirement: Requirement
    #: the value that is there but not as required (a month where a day is needed), if any
    value: Node | None = None

    @property
    def rule(self) -> str:
        return self.result_type.rule(self.requirement)


@cache
def result_types() -> tuple[ResultType, ...]:
    """The rules of ``vocab/rich-results.yaml``, in its order."""
    text = (vocab_dir() / RULES_FILE).read_text(encoding="utf-8")
    return tuple(_result_type(name, entry) for name, entry in yaml.safe_load(text).items())


def _result_type(name: str, entry: Mapping) -> ResultType:
    return ResultType(
        name=name,
        source=entry["source"],
        items=entry["items"],
        types=tuple(entry["types"]),
        required=tuple(_requirement(prop, rule) for prop, rule in entry["required"].items()),
        recommended=tuple(entry["recommended"]),
    )


def _requirement(prop: str, rule: Mapping) -> Requirement:
    length = rule.get("length")
    return Requirement(
        property=prop,
        why=rule["why"],
        message=" ".join(rule["message"].split()),
        dates=tuple(rule.get("date", ())),
        length=(int(length[0]), int(length[1])) if length else None,
        one_of=tuple((option["type"], tuple(option["with"])) for option in rule.get("one_of", ())),
    )


@cache
def rules() -> dict[str, tuple[ResultType, Requirement]]:
    """Every rule, by its IRI."""
    return {t.rule(r): (t, r) for t in result_types() for r in t.required}


def rule_source(rule: str) -> str | None:
    """The address of Google's documentation behind a rule IRI of ours, if it is one."""
    found = rules().get(rule)
    return found[0].source if found else None


def items(graph: Graph, result_type: ResultType) -> list[Node]:
    """The nodes of ``graph`` that are items of ``result_type``, sorted."""
    found = {node for cls in result_type.types for node in graph.subjects(RDF.type, SCHEMA[cls])}
    return sorted(found, key=str)


def check(
    graphs: Iterable[Graph], assumed: frozenset[tuple[str, str]] = frozenset()
) -> tuple[list[Finding], dict[str, int]]:
    """What each item of ``graphs`` misses (``assumed``: ``(item, property)`` pairs another
    step states later, as ``publish`` names an untitled dataset), and how many items of each
    result type there are."""
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for graph in graphs:
        for result_type in result_types():
            found = items(graph, result_type)
            counts[result_type.name] = counts.get(result_type.name, 0) + len(found)
            for item in found:
                findings += missing(graph, item, result_type, assumed)
    return findings, counts


def missing(
    graph: Graph, item: Node, result_type: ResultType, assumed: frozenset[tuple[str, str]]
) -> Iterator[Finding]:
    """What ``item`` (of ``result_type``) misses in ``graph``, as ``check`` finds it."""
    for requirement in result_type.required:
        if (str(item), requirement.property) in assumed:
            continue
        values = list(graph.objects(item, SCHEMA[requirement.property]))
        if not any(_meets(graph, value, requirement) for value in values):
            yield Finding(str(item), result_type, requirement, values[0] if values else None)


def _meets(graph: Graph, value: Node, requirement: Requirement) -> bool:
    if requirement.dates:
        text = str(value)
        return isinstance(value, Literal) and any(
            _PRECISIONS[precision].fullmatch(text) for precision in requirement.dates
        )
    if requirement.length:
        least, most = requirement.length
        return isinstance(value, Literal) and least <= len(str(value)) <= most
    if requirement.one_of:
        return any(
            (value, RDF.type, SCHEMA[cls]) in graph
            and all((value, SCHEMA[p], None) in graph for p in needed)
            for cls, needed in requirement.one_of
        )
    return True


def dataset_graph(
    base: str, title: Mapping[str, str] | None, description: Mapping[str, str] | None
) -> tuple[Graph, frozenset[tuple[str, str]]]:
    """The dataset as the index page's ``schema:Dataset`` will state it, from its settings;
    and what ``publish`` will add: the name ``DEFAULT_TITLE`` when no title is set, a
    description of the counts of resources (over 50 characters) when none is."""
    graph = Graph()
    node = URIRef(base)
    graph.add((node, RDF.type, SCHEMA.Dataset))
    for prop, texts in ((SCHEMA.name, title), (SCHEMA.description, description)):
        for lang, text in sorted((texts or {}).items()):
            graph.add((node, prop, Literal(text, lang=lang)))
    assumed = {
        (base, prop) for prop, texts in (("name", title), ("description", description)) if not texts
    }
    return graph, frozenset(assumed)


def summary(missed: Iterable[tuple[str, str]], counts: Mapping[str, int]) -> list[str]:
    """One sentence per result type with items that will get no rich result, and why, from
    ``(rule IRI, item)`` pairs."""
    by_rule: dict[str, set[str]] = {}
    for rule, item in missed:
        if rule in rules():
            by_rule.setdefault(rule, set()).add(item)
    lines = []
    for result_type in result_types():
        reasons, ineligible = [], set()
        for requirement in result_type.required:
            missing = by_rule.get(result_type.rule(requirement), set())
            if missing:
                reasons.append(f"{len(missing)} {requirement.why}")
                ineligible |= missing
        if ineligible:
            total = max(counts.get(result_type.name, 0), len(ineligible))
            lines.append(
                f"{len(ineligible)} of {total} {result_type.items} will get no Google rich "
                f"result ({result_type.name}): {', '.join(reasons)}"
            )
    return lines
