"""Validation results as a build keeps them: in its manifest, and from a partition to the process
that merges the partitions.

Plain values (strings, lists, a JSON-like description), never rdflib terms: a large build finds
hundreds of thousands of results, each of which took dozens of objects as terms and tuples,
held until the report was made and pickled from process to process. Completeness warnings
left out of the report are only counted, by focus node (``held_back``), as the report needs
no more of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..validation import Description, ValidationResult
from . import manifest


@dataclass
class Kept:
    """Results encoded as the manifest keeps them, and the completeness warnings left out."""

    results: list = field(default_factory=list)
    held_back: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        found: Iterable[tuple[ValidationResult, Description]],
        strict: bool,
        completeness: frozenset[str],
    ) -> None:
        """Keep what validation ``found``; without ``strict``, count the results of the
        ``completeness`` shapes instead."""
        for result, description in found:
            if strict or result.source_shape not in completeness:
                self.results.append(encoded(result, description))
            else:
                self.count_held_back(result.focus_node, 1)

    def merge(self, other: Kept) -> None:
        self.results += other.results
        for focus, count in other.held_back.items():
            self.count_held_back(focus, count)

    def count_held_back(self, focus: str, count: int) -> None:
        self.held_back[focus] = self.held_back.get(focus, 0) + count

    def in_order(self) -> list[tuple[ValidationResult, Description]]:
        """The results kept, sorted (the manifest keeps them so) and decoded."""
        self.results.sort(key=lambda kept: [part or "" for part in kept[:6]])
        return [decoded(kept) for kept in self.results]


def encoded(result: ValidationResult, description: Description) -> list:
    return [
        result.focus_node,
        result.path,
        result.value,
        result.severity,
        result.message,
        result.source_shape,
        manifest.encode_node(description),
    ]


def decoded(kept: list) -> tuple[ValidationResult, Description]:
    focus, path, value, severity, message, shape, description = kept
    result = ValidationResult(focus, path, value, severity, message, shape)
    return result, manifest.decode_node(description)
