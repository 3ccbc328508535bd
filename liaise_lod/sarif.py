"""Validation results and input problems as SARIF 2.1.0, the format code-review tools and
editors read: each result at the file and line of the record it is about.

One run, whose tool is liaise-lod; each SHACL shape that fired is a rule (its IRI the rule's
help address), as is each rich-result rule (Google's documentation its help address), each
input problem a result of the rule ``input``. File locations are relative
to the current folder (``%SRCROOT%``), as code-review tools expect.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import __version__
from .errors import Problem
from .rich_results import rule_source
from .validation import ValidationReport, rule_name

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"violation": "error", "warning": "warning", "info": "note"}
INPUT_RULE = "input"


def report_sarif(report: ValidationReport) -> dict[str, Any]:
    """A SARIF log of a validation report."""
    rules = report.rules()
    index = {rule.shape: number for number, rule in enumerate(rules)}
    descriptors = [
        {
            "id": rule.rule,
            "shortDescription": {"text": rule.message},
            "helpUri": rule_source(rule.shape) or rule.shape,
            "defaultConfiguration": {"level": LEVELS.get(rule.severity, "note")},
        }
        for rule in rules
    ]
    results = [
        {
            "ruleId": rule_name(result.source_shape),
            "ruleIndex": index[result.source_shape],
            "level": LEVELS.get(result.severity, "note"),
            "message": {"text": _message(result.message, result.path, result.value)},
            "locations": [
                _location(
                    result.file,
                    result.line,
                    logical=result.focus_node,
                    record=result.record,
                )
            ],
        }
        for result in report.results
    ]
    return _log(descriptors, results)


def problems_sarif(problems: Iterable[Problem]) -> dict[str, Any]:
    """A SARIF log of input problems (what ``InputError`` lists)."""
    descriptor = {
        "id": INPUT_RULE,
        "shortDescription": {"text": "The input files must be well formed and complete."},
        "defaultConfiguration": {"level": "error"},
    }
    results = [
        {
            "ruleId": INPUT_RULE,
            "ruleIndex": 0,
            "level": "error",
            "message": {"text": _problem_text(problem)},
            "locations": [_location(problem.file, problem.line, record=problem.record)],
        }
        for problem in problems
    ]
    return _log([descriptor], results)


def _log(rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    driver = {
        "name": "liaise-lod",
        "version": __version__,
        "informationUri": "https://w3id.org/liaise-lod/",
        "rules": rules,
    }
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }


def _location(
    file: str | None, line: int | None, *, logical: str | None = None, record: str | None = None
) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if file is not None:
        physical: dict[str, Any] = {"artifactLocation": _artifact(file)}
        if line is not None:
            physical["region"] = {"startLine": line, "startColumn": 1}
        location["physicalLocation"] = physical
    names = [name for name in (record, logical) if name]
    if names:
        location["logicalLocations"] = [
            {"name": names[0], "fullyQualifiedName": names[-1], "kind": "object"}
        ]
    return location


def _artifact(file: str) -> dict[str, str]:
    path = Path(file)
    try:
        relative = Path(os.path.relpath(path.absolute(), Path.cwd()))
    except ValueError:  # another drive (Windows)
        return {"uri": path.absolute().as_uri()}
    if relative.parts and relative.parts[0] == "..":
        return {"uri": path.absolute().as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "SRCROOT"}


def _message(message: str, path: str | None, value: str | None) -> str:
    parts = [message]
    if path:
        parts.append(f"(property {path})")
    if value is not None:
        parts.append(f"[value: {value}]")
    return " ".join(parts)


def _problem_text(problem: Problem) -> str:
    what = problem.what()
    return f"{what}: {problem.message}" if what else problem.message
