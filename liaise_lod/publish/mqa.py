"""The score data.europa.eu's Metadata Quality Assessment (MQA) would give a site's DCAT-AP
description, worked out offline by its published method (indicators and points in
``mqa.yaml``, beside this module).

Two kinds of indicator cannot be settled from the description alone:

- *reachable* (an access or download URL answers HTTP 200): a URL that names a file this
  publish wrote into the site is counted, and reported as assumed, since it answers once the
  site is deployed at its base IRI; any other URL is not counted and reported as not checked
  offline (nothing here touches the network);
- *compliant* (DCAT-AP compliance): the caller says whether the description passed a DCAT-AP
  validation (``publish`` checks it against ``shapes/profiles/dcat-ap.ttl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import DCAT, EU_FILE_TYPE, PREFIXES, RDF

#: The notes an indicator's result may carry.
ASSUMED = "assumed"
UNCHECKED = "not checked offline"


@cache
def method() -> dict[str, Any]:
    """The MQA method: ``mqa.yaml`` as read."""
    return yaml.safe_load(files(__package__).joinpath("mqa.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Result:
    """How one indicator scored."""

    dimension: str
    id: str
    label: str
    properties: tuple[str, ...]
    points: int
    earned: float
    note: str = ""

    @property
    def missing(self) -> float:
        return self.points - self.earned


@dataclass(frozen=True)
class Assessment:
    """Every indicator's result, the score and its rating."""

    results: tuple[Result, ...]
    maximum: int
    ratings: tuple[tuple[str, int], ...]

    @property
    def score(self) -> float:
        return sum(result.earned for result in self.results)

    @property
    def rating(self) -> str:
        return next(name for name, minimum in self.ratings if self.score >= minimum)

    def by_dimension(self) -> dict[str, tuple[float, int]]:
        totals: dict[str, tuple[float, int]] = {}
        for result in self.results:
            earned, points = totals.get(result.dimension, (0.0, 0))
            totals[result.dimension] = (earned + result.earned, points + result.points)
        return totals

    def lines(self) -> list[str]:
        """The report ``publish`` prints: the score and rating, the dimensions, what was
        assumed or left unchecked, and each missing indicator, one line each."""
        lines = [
            f"data.europa.eu metadata quality (MQA, computed offline): "
            f"{_number(self.score)}/{self.maximum} points, {self.rating}",
            "  "
            + ", ".join(
                f"{name} {_number(earned)}/{points}"
                for name, (earned, points) in self.by_dimension().items()
            ),
        ]
        assumed = [r for r in self.results if r.note == ASSUMED and r.earned]
        if assumed:
            lines.append(
                "  assumed: "
                + ", ".join(f"{r.label} ({_number(r.earned)})" for r in assumed)
                + ": the site's own files, which answer once it is deployed at its base IRI"
            )
        for result in self.results:
            if result.missing:
                why = f" ({result.note})" if result.note else ""
                lines.append(
                    f"  missing: {result.label} [{', '.join(result.properties)}] "
                    f"-{_number(result.missing)}{why}"
                )
        return lines


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def assess(graph: Graph, own_files: set[str], compliant: bool) -> Assessment:
    """Score the ``dcat:Dataset`` of a description. ``own_files``: the URLs of the files the
    site holds (counted as reachable); ``compliant``: whether it passed DCAT-AP validation."""
    spec = method()
    dataset = min(graph.subjects(RDF.type, DCAT.Dataset), key=str, default=None)
    distributions = sorted(graph.objects(dataset, DCAT.distribution), key=str) if dataset else []
    context = _Context(graph, spec, own_files, compliant)
    results = []
    for dimension, indicators in spec["dimensions"].items():
        for indicator in indicators:
            nodes = [dataset] if indicator["scope"] == "dataset" else distributions
            results.append(context.result(dimension, indicator, [n for n in nodes if n]))
    ratings = tuple((band["name"], band["minimum"]) for band in spec["ratings"])
    return Assessment(tuple(results), spec["maximum"], ratings)


class _Context:
    def __init__(self, graph: Graph, spec: dict[str, Any], own: set[str], compliant: bool):
        self.graph = graph
        self.lists = {
            name: {str(EU_FILE_TYPE[c]) for c in codes} for name, codes in spec["lists"].items()
        }
        self.own = own
        self.compliant = compliant

    def result(self, dimension: str, indicator: dict[str, Any], nodes: list[Node]) -> Result:
        prop = indicator.get("property", [])
        properties = tuple(prop if isinstance(prop, list) else [prop])
        outcomes = [self.check(indicator, node, properties) for node in nodes]
        passed = [ok for ok, _ in outcomes]
        if not passed:
            share = 0.0
        elif indicator.get("aggregate") == "best":
            share = 1.0 if any(passed) else 0.0
        else:
            share = sum(passed) / len(passed)
        notes = sorted({note for _, note in outcomes if note})
        return Result(
            dimension,
            indicator["id"],
            indicator["label"],
            properties,
            indicator["points"],
            indicator["points"] * share,
            ", ".join(notes),
        )

    def check(
        self, indicator: dict[str, Any], node: Node, properties: tuple[str, ...]
    ) -> tuple[bool, str]:
        values = [v for p in properties for v in self.graph.objects(node, _expand(p))]
        check = indicator["check"]
        if check == "compliant":
            return self.compliant, ""
        if check == "present":
            return bool(values), ""
        if check == "vocabulary":
            prefixes = tuple(indicator["vocabularies"])
            return any(isinstance(v, URIRef) and str(v).startswith(prefixes) for v in values), ""
        if check == "listed":
            return any(str(v) in self.lists[indicator["list"]] for v in values), ""
        if check == "reachable":
            if not values:
                return False, ""
            own = all(str(v) in self.own for v in values)
            return own, ASSUMED if own else UNCHECKED
        raise ValueError(f"mqa.yaml: unknown check '{check}'")


#: The prefixes mqa.yaml writes properties with (``dct:`` as DCAT-AP writes it).
_PREFIXES = {**PREFIXES, "dct": PREFIXES["dcterms"]}


def _expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(_PREFIXES[prefix] + local)
