"""Output formats, registered once: name, file extension, media type, label and writer.

``build`` and ``publish`` write the graph formats, ``serve`` and the nginx and Apache
configurations negotiate them, and ``query`` offers the formats that suit a query's answer.
This module imports nothing heavy: the command line reads it to list its choices, and a
writer is imported only when something is written.

A new format is one ``register_format`` call here plus its writer (see docs/extending.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .errors import ConfigError

#: "graph": an RDF serialisation of a graph; "results": SPARQL results of a SELECT or ASK;
#: "page": what people read (HTML).
Kind = Literal["graph", "results", "page"]


@dataclass(frozen=True)
class Format:
    name: str
    #: File extension, dot included (``None``: printed only, never a file).
    extension: str | None
    media_type: str
    label: str
    kind: Kind
    #: ``"module:function"`` that writes it: ``(graph, base) -> bytes`` for a graph format,
    #: ``(QueryResult) -> bytes | str`` for results. Imported when first used. ``query``
    #: writes every format it offers with ``QueryResult.to_<name>``.
    writer: str
    #: Whether ``query --format`` offers it (graph formats: for CONSTRUCT and DESCRIBE).
    for_queries: bool = False
    #: Its code in the EU file-type authority table
    #: (``http://publications.europa.eu/resource/authority/file-type/{code}``), which DCAT
    #: descriptions give as a distribution's ``dct:format``. Every format has one.
    eu_file_type: str = ""
    #: Other media types a client may ask for it by (JSON-LD is JSON).
    also: tuple[str, ...] = ()

    def write(self, *arguments: Any) -> bytes:
        return _resolve(self.writer)(*arguments)


_FORMATS: dict[str, Format] = {}


def register_format(fmt: Format) -> Format:
    if fmt.name in _FORMATS:
        raise ValueError(f"the format '{fmt.name}' is registered twice")
    if not fmt.eu_file_type:
        raise ValueError(f"the format '{fmt.name}' needs its EU file-type code")
    if fmt.kind == "graph" and not fmt.extension:
        raise ValueError(f"the graph format '{fmt.name}' needs a file extension")
    _FORMATS[fmt.name] = fmt
    return fmt


def get_format(name: str, kinds: tuple[Kind, ...] = ("graph", "results", "page")) -> Format:
    fmt = _FORMATS.get(name)
    if fmt is None or fmt.kind not in kinds:
        choices = ", ".join(f.name for f in all_formats() if f.kind in kinds)
        raise ConfigError(f"unknown format '{name}': use one of {choices}")
    return fmt


def all_formats() -> tuple[Format, ...]:
    """Every format, in registration order (which is the order of preference on a tie)."""
    return tuple(_FORMATS.values())


def graph_formats() -> tuple[Format, ...]:
    return tuple(fmt for fmt in _FORMATS.values() if fmt.kind == "graph")


def query_formats() -> tuple[Format, ...]:
    return tuple(fmt for fmt in _FORMATS.values() if fmt.for_queries)


def _resolve(target: str) -> Callable[..., bytes]:
    module, _, path = target.partition(":")
    found: Any = importlib.import_module(module)
    for name in path.split("."):
        found = getattr(found, name)
    return found


def _graph(
    name: str,
    extension: str,
    media_type: str,
    label: str,
    eu_file_type: str,
    also: tuple[str, ...] = (),
) -> Format:
    return Format(
        name,
        extension,
        media_type,
        label,
        "graph",
        f"liaise_lod.serialize:{name}",
        for_queries=True,
        eu_file_type=eu_file_type,
        also=also,
    )


def _results(
    name: str, extension: str | None, media_type: str, label: str, eu_file_type: str
) -> Format:
    return Format(
        name,
        extension,
        media_type,
        label,
        "results",
        f"liaise_lod.sparql:QueryResult.to_{name}",
        for_queries=True,
        eu_file_type=eu_file_type,
    )


# Graph formats in order of preference when a client accepts several equally.
register_format(
    Format(
        "html",
        ".html",
        "text/html",
        "HTML",
        "page",
        "liaise_lod.publish.pages:render",
        eu_file_type="HTML",
    )
)
register_format(_graph("turtle", ".ttl", "text/turtle", "Turtle", "RDF_TURTLE"))
register_format(
    _graph("jsonld", ".jsonld", "application/ld+json", "JSON-LD", "JSON_LD", ("application/json",))
)
register_format(_graph("ntriples", ".nt", "application/n-triples", "N-Triples", "RDF_N_TRIPLES"))
register_format(_results("table", None, "text/plain", "text table", "TXT"))
register_format(_results("csv", ".csv", "text/csv", "SPARQL results CSV", "CSV"))
register_format(_results("tsv", ".tsv", "text/tab-separated-values", "SPARQL results TSV", "TSV"))
register_format(
    _results("json", ".srj", "application/sparql-results+json", "SPARQL results JSON", "SPARQLQRES")
)
