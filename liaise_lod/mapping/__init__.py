"""Records to triples: one module per kind of record, all writing through one ``Emitter``."""

from __future__ import annotations

from rdflib import Graph
from rdflib.term import Node

from .._internal.allocation import bulk_allocation
from .._internal.store import LeanMemory
from ..iris import Iris
from ..kinds import record_kinds
from ..model import Dataset
from ..namespaces import PREFIXES
from .emit import Emitter


def to_graph(
    dataset: Dataset,
    base: str | None = None,
    *,
    vocabularies: bool = True,
    subjects_of: dict[str, set[Node]] | None = None,
) -> Graph:
    """Map a dataset to one RDF graph speaking schema.org and the W3C Organization Ontology.

    ``base`` overrides the dataset's own base IRI. With ``vocabularies`` (the default) the SKOS
    schemes the data points at are included, whole (and the concepts of outside thesauri it
    names, as the dataset describes them), so that roles, kinds and topics carry their labels.
    Given ``subjects_of``, it is filled with the subjects each record (by id) gave triples,
    and under ``""`` those of the vocabularies.
    """
    iris = Iris(base or dataset.info.base)
    graph = new_graph()
    out = Emitter(dataset, iris, graph)
    with bulk_allocation():
        for kind in record_kinds():
            mapper = kind.map_function()
            for record in kind.records_of(dataset):
                if subjects_of is not None:
                    out.touched = subjects_of.setdefault(record.id, set())
                mapper(record, out)
    if vocabularies:
        used = dataset.vocabulary.used(out.concepts.values())
        graph += used
        if subjects_of is not None:  # under an id no record has
            subjects_of[""] = set(used.subjects())
    return graph


def new_graph() -> Graph:
    """An empty graph that knows our prefixes (and no others), in a ``LeanMemory`` store."""
    graph = Graph(store=LeanMemory(), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


__all__ = ["Iris", "new_graph", "to_graph"]
