"""Which focus nodes' validation results a change of some triples can alter.

A shape's result for a focus node reads only triples along its paths, followed through the
shapes it leads to (``sh:node``, ``sh:property``, ``sh:or``, ...): the ``d``-th step of a path
from the focus node crosses a triple whose subject (or, for an inverse step, object) lies ``d``
steps away. So from the nodes of the changed triples, walking back over the predicates each step
can take, ``d`` steps for a node ``d`` steps away, finds every focus node whose results can
change, and no other. Shapes whose paths have no bound (``sh:zeroOrMorePath``), that lead back to
themselves, or that use SPARQL give ``None``: validate everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import OWL, RDF, RDFS, SH

#: Paths and nestings deeper than this are taken as unbounded.
DEEPEST = 8
#: Alternatives a path may expand to before it is taken as unbounded.
MOST_PATHS = 256
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_COMPARISONS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_NESTED = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["and"], SH["or"], SH.xone)
_UNBOUNDED = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.sparql, SH.target)
Step = tuple[URIRef, bool]  # a predicate, and whether it is walked backwards (sh:inversePath)


class _Unbounded(Exception):
    pass


@dataclass(frozen=True)
class Reach:
    """The predicates each step from a focus node can take (``forward[d - 1]`` for step ``d``)."""

    forward: tuple[frozenset[URIRef], ...]
    inverse: tuple[frozenset[URIRef], ...]
    #: predicates whose triples concern their objects too (inverse steps, sh:targetObjectsOf)
    object_seeded: frozenset[URIRef]

    def affected(self, graph: Graph, changed: Iterable[tuple[Node, Node, Node]]) -> set[Node]:
        """The nodes of ``graph`` (as it is now) whose results a change of these triples (added
        or removed) can alter."""
        seeds: set[Node] = set()
        for subject, predicate, obj in changed:
            seeds.add(subject)
            if predicate in self.object_seeded and not isinstance(obj, Literal):
                seeds.add(obj)
        depth = len(self.forward)
        at: list[set[Node]] = [set(seeds) for _ in range(depth + 1)]
        for distance in range(depth, 0, -1):
            back = at[distance - 1]
            for node in at[distance]:
                for predicate in self.forward[distance - 1]:
                    back.update(graph.subjects(predicate, node))
                for predicate in self.inverse[distance - 1]:
                    back.update(
                        o for o in graph.objects(node, predicate) if not isinstance(o, Literal)
                    )
        return at[0]


def reach_of(shapes: Graph) -> Reach | None:
    """How far the shapes read from a focus node; ``None`` if there is no bound."""
    forward: dict[int, set[URIRef]] = defaultdict(set)
    inverse: dict[int, set[URIRef]] = defaultdict(set)
    object_seeded: set[URIRef] = set(shapes.objects(None, SH.targetObjectsOf))  # type: ignore[arg-type]

    def visit(shape: Node, offset: int, stack: frozenset[Node]) -> None:
        if offset > DEEPEST or shape in stack:
            raise _Unbounded
        if any((shape, predicate, None) in shapes for predicate in _UNBOUNDED):
            raise _Unbounded
        stack = stack | {shape}
        path = shapes.value(shape, SH.path)
        if path is None:
            nested(shape, offset, stack)
            return
        for predicate in _COMPARISONS:
            forward[offset + 1].update(shapes.objects(shape, predicate))  # type: ignore[arg-type]
        for steps in _path_options(shapes, path):
            for number, (predicate, backwards) in enumerate(steps, start=offset + 1):
                (inverse if backwards else forward)[number].add(predicate)
                if backwards:
                    object_seeded.add(predicate)
            nested(shape, offset + len(steps), stack)

    def nested(shape: Node, offset: int, stack: frozenset[Node]) -> None:
        for predicate in _NESTED:
            for member in shapes.objects(shape, predicate):
                visit(member, offset, stack)
        for predicate in _LISTS:
            for members in shapes.objects(shape, predicate):
                for member in shapes.items(members):
                    visit(member, offset, stack)

    try:
        for shape in _targeted(shapes):
            visit(shape, 0, frozenset())
    except _Unbounded:
        return None
    depth = max([*forward, *inverse, 0])
    return Reach(
        forward=tuple(frozenset(forward[d]) for d in range(1, depth + 1)),
        inverse=tuple(frozenset(inverse[d]) for d in range(1, depth + 1)),
        object_seeded=frozenset(object_seeded),
    )


def _targeted(shapes: Graph) -> set[Node]:
    found = {shape for target in _TARGETS for shape in shapes.subjects(target, None)}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
            found.add(shape)
    return found


def _path_options(shapes: Graph, path: Node) -> list[list[Step]]:
    """Every sequence of steps a SHACL property path can take."""
    if isinstance(path, URIRef):
        return [[(path, False)]]
    if shapes.value(path, RDF.first) is not None:
        options: list[list[Step]] = []
        for parts in product(*(_path_options(shapes, item) for item in shapes.items(path))):
            options.append([step for part in parts for step in part])
            if len(options) > MOST_PATHS:
                raise _Unbounded
        return options
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        options = [o for item in shapes.items(alternatives) for o in _path_options(shapes, item)]
        if len(options) > MOST_PATHS:
            raise _Unbounded
        return options
    inner = shapes.value(path, SH.inversePath)
    if inner is not None:
        return [[(p, not back) for p, back in reversed(o)] for o in _path_options(shapes, inner)]
    inner = shapes.value(path, SH.zeroOrOnePath)
    if inner is not None:
        return [[], *_path_options(shapes, inner)]
    raise _Unbounded  # zeroOrMore, oneOrMore, or not a path
