"""liaise-lod: publish European cooperation projects as Linked Open Data.

The pipeline, one module a stage::

    dataset = load_dataset("examples/liaise2")       # files -> checked records (load, model)
    graph = to_graph(dataset)                          # records -> RDF (mapping)
    report = validate(graph, base=dataset.info.base)   # SHACL (validate)
    turtle(graph)                                      # RDF -> text (serialize)
    build("examples/liaise2", "out")                   # all of it, written atomically (pipeline)
"""

__version__ = "0.1.0"

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
from .iris import Iris
from .load import load_dataset
from .mapping import to_graph
from .model import (
    Dataset,
    DatasetInfo,
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
from .pipeline import BuildResult, build, check
from .push import PushResult, push
from .schema import json_schema
from .serialize import jsonld, ntriples, turtle
from .sparql import QueryResult, load_store, query
from .validate import ValidationReport, ValidationResult, validate

__all__ = [
    "BuildResult",
    "ConfigError",
    "Dataset",
    "DatasetInfo",
    "Event",
    "Funding",
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
