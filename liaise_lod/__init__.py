"""liaise-lod: publish European cooperation projects as Linked Open Data.

The pipeline, one module a stage::

    dataset = load_dataset("examples/liaise2")       # files -> checked records (load, model)
    graph = to_graph(dataset)                          # records -> RDF (mapping)
    report = validate(graph, base=dataset.info.base)   # SHACL (validate)
    turtle(graph)                                      # RDF -> text (serialize)
    build("examples/liaise2", "out")                   # all of it, written atomically (pipeline)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public API. Each name is imported on first use, so that `liaise-lod --help` and
# `import liaise_lod` stay quick and a host application loads pySHACL, rdflib and pyoxigraph
# only when it calls on them. tests/test_api.py pins the list.
_EXPORTS: dict[str, str] = {
    "ConfigError": ".errors",
    "InputError": ".errors",
    "InvalidGraphError": ".errors",
    "LiaiseError": ".errors",
    "LiaiseWarning": ".errors",
    "OutputError": ".errors",
    "Problem": ".errors",
    "PushError": ".errors",
    "QueryError": ".errors",
    "QueryTimeout": ".errors",
    "UntunedValidationWarning": ".errors",
    "Iris": ".iris",
    "load_dataset": ".load",
    "to_graph": ".mapping",
    "Dataset": ".model",
    "DatasetInfo": ".model",
    "Deliverable": ".model",
    "Event": ".model",
    "Funding": ".model",
    "NewsArticle": ".model",
    "Organisation": ".model",
    "Participation": ".model",
    "Person": ".model",
    "Project": ".model",
    "Publication": ".model",
    "StatedFigure": ".model",
    "BuildResult": ".pipeline",
    "build": ".pipeline",
    "check": ".pipeline",
    "GraphDiff": ".graph_diff",
    "diff": ".graph_diff",
    "PushResult": ".graph_store",
    "push": ".graph_store",
    "json_schema": ".schema",
    "jsonld": ".serialize",
    "ntriples": ".serialize",
    "turtle": ".serialize",
    "QueryResult": ".sparql",
    "load_store": ".sparql",
    "query": ".sparql",
    "ValidationReport": ".validation",
    "ValidationResult": ".validation",
    "validate": ".validation",
}

__all__ = [
    "BuildResult",
    "ConfigError",
    "Dataset",
    "DatasetInfo",
    "Deliverable",
    "Event",
    "Funding",
    "GraphDiff",
    "InputError",
    "InvalidGraphError",
    "Iris",
    "LiaiseError",
    "LiaiseWarning",
    "NewsArticle",
    "Organisation",
    "OutputError",
    "Participation",
    "Person",
    "Problem",
    "Project",
    "Publication",
    "PushError",
    "PushResult",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "StatedFigure",
    "UntunedValidationWarning",
    "ValidationReport",
    "ValidationResult",
    "__version__",
    "build",
    "check",
    "diff",
    "json_schema",
    "jsonld",
    "load_dataset",
    "load_store",
    "ntriples",
    "push",
    "query",
    "to_graph",
    "turtle",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'liaise_lod' has no attribute '{name}'")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:
    from .errors import (
        ConfigError,
        InputError,
        InvalidGraphError,
        LiaiseError,
        LiaiseWarning,
        OutputError,
        Problem,
        PushError,
        QueryError,
        QueryTimeout,
        UntunedValidationWarning,
    )
    from .graph_diff import (
        GraphDiff,
        diff,
    )
    from .graph_store import (
        PushResult,
        push,
    )
    from .iris import (
        Iris,
    )
    from .load import (
        load_dataset,
    )
    from .mapping import (
        to_graph,
    )
    from .model import (
        Dataset,
        DatasetInfo,
        Deliverable,
        Event,
        Funding,
        NewsArticle,
        Organisation,
        Participation,
        Person,
        Project,
        Publication,
        StatedFigure,
    )
    from .pipeline import (
        BuildResult,
        build,
        check,
    )
    from .schema import (
        json_schema,
    )
    from .serialize import (
        jsonld,
        ntriples,
        turtle,
    )
    from .sparql import (
        QueryResult,
        load_store,
        query,
    )
    from .validation import (
        ValidationReport,
        ValidationResult,
        validate,
    )
