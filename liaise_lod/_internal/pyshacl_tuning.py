"""Changes to how pySHACL 0.40 evaluates shapes: faster, with the same results.

pySHACL re-evaluates a shape from scratch for every node it is asked about. On our graphs that
per-node overhead, not the checks themselves, is most of validation. ``tuned()`` changes, for
the duration of a ``with`` block:

- **Constraint parameters** are looked up in a set, not by scanning a list of rdflib terms
  (pySHACL tests every triple of a shape against that list each time it evaluates the shape).
- **Property shapes** (``sh:property``) are evaluated once for all of a shape's value nodes
  instead of once per value node (pySHACL evaluates a shape on a list of focus nodes anyway).
  A value node reached from several focus nodes is evaluated again for each further one, as
  pySHACL does, so that its results are repeated as many times.
- **``sh:or``** tries its members in list order and stops at the first one a value conforms to.
  pySHACL tries every member, in no set order, building (and then discarding) a full result,
  message included, for each member that fails. An ``sh:or`` passes if one member passes, and
  the members' own results are never reported, so only the time changes; list the most common
  case first. One difference: a member that pySHACL cannot evaluate (say, a malformed
  ``sh:pattern``) now fails only for values that reach it.
- **``sh:node``** is evaluated once for all the distinct value nodes of a constraint; only if
  one of them fails is each value evaluated again on its own, as pySHACL does, to nest its
  results under the right focus node. (A project's thousand memberships have four roles.)
- **``sh:class``** works out each class's superclasses (``rdfs:subClassOf*``) once per
  constraint, not again for every value node of that type.
- **Focus**: inside a ``focused(nodes)`` block, a shape's targets are only those of ``nodes``
  (the shapes it leads to still reach whatever they reach). pySHACL's own ``focus_nodes``
  option filters the value nodes of nested shapes as well, which changes their results.
- **Raw results**: inside a ``raw_results()`` block, ``pyshacl.validate`` returns its results
  as pySHACL made them (``RawResult``: a result node and its triples) instead of cloning them
  into a report graph, and an empty text instead of writing one for each result. With tens of
  thousands of warnings, the graph and the texts took over a third of validation; the reader
  (``liaise_lod.validation``) reads the raw results as it would that graph.

Each replaced function falls back to pySHACL's own for anything unusual (a missing shape, an
empty list). Only the pySHACL versions we test against are tuned; with any other version
``tuned()`` changes nothing, validation is several times slower, and the first ``tuned()`` of
the process says so with an ``UntunedValidationWarning``. While a block is open the changes
hold for the whole process, other threads included; forked helper processes started inside
the block inherit them.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import pyshacl
from rdflib import RDF, RDFS, Literal

from ..errors import UntunedValidationWarning

#: The pySHACL releases whose internals the replacements below were written against and tested.
TESTED_VERSIONS = ("0.40.0", "0.40.1")

_lock = threading.Lock()
_depth = 0
_saved: list[tuple[object, str, Any]] = []
_raw_wanted: ContextVar[bool] = ContextVar("_raw_wanted", default=False)
_focus: ContextVar[frozenset | None] = ContextVar("_focus", default=None)
_warned = False


def is_tunable() -> bool:
    """Whether the installed pySHACL is one ``tuned()`` knows."""
    return getattr(pyshacl, "__version__", None) in TESTED_VERSIONS


@contextmanager
def tuned() -> Iterator[None]:
    """Run pySHACL with the changes above inside the block (blocks may nest, also in several
    threads: pySHACL is restored when the last one closes)."""
    global _depth
    _warn_once_if_untunable()
    with _lock:
        if _depth == 0 and is_tunable():
            try:
                _install()
            except BaseException:
                _restore()
                raise
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _restore()


def _warn_once_if_untunable() -> None:
    global _warned
    if _warned or is_tunable():
        return
    _warned = True
    warnings.warn(
        f"pySHACL {getattr(pyshacl, '__version__', '(unknown version)')} is not one that "
        f"liaise-lod is tuned for ({', '.join(TESTED_VERSIONS)}): validation gives the same "
        "results but takes several times longer; install one of those to speed it up",
        UntunedValidationWarning,
        stacklevel=4,
    )


@dataclass(frozen=True)
class RawResult:
    """One result as pySHACL makes it: its node, and its triples (nested results' included),
    whose objects taken from the data or shapes graph are ``(graph, node)`` pairs."""

    node: Any
    triples: list[tuple[Any, Any, Any]]


@contextmanager
def raw_results() -> Iterator[None]:
    """Inside the block (and a ``tuned()`` one), ``pyshacl.validate`` run in this thread
    returns a list of ``RawResult`` in place of its report graph, and an empty text."""
    token = _raw_wanted.set(True)
    try:
        yield
    finally:
        _raw_wanted.reset(token)


@contextmanager
def focused(nodes: frozenset) -> Iterator[None]:
    """Inside the block (and a ``tuned()`` one, with a tunable pySHACL), ``pyshacl.validate``
    run in this thread validates only the targets of its shapes that are in ``nodes``."""
    token = _focus.set(nodes)
    try:
        yield
    finally:
        _focus.reset(token)


def _install() -> None:
    from pyshacl import Validator, shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.constraints.constraint_component import ConstraintComponent
    from pyshacl.constraints.core import (
        logical_constraints,
        shape_based_constraints,
        value_constraints,
    )

    parameters = _ParameterList(ALL_CONSTRAINT_PARAMETERS)
    properties = shape_based_constraints.PropertyConstraintComponent
    nodes = shape_based_constraints.NodeConstraintComponent
    disjunction = logical_constraints.OrConstraintComponent
    classes = value_constraints.ClassConstraintComponent
    _replace(shape, "CONSTRAINT_PARAMS", (parameters, CONSTRAINT_PARAMETERS_MAP))
    _replace(shape.Shape, "focus_nodes", _targets_in_focus(shape.Shape.focus_nodes))
    _replace(properties, "_evaluate_property_shape", _property_shape_once(properties))
    _replace(nodes, "_evaluate_node_shape", _node_shape_once(nodes))
    _replace(disjunction, "_evaluate_or_constraint", _or_first_match(disjunction))
    _replace(classes, "_evaluate_class_rules_rdflib", _class_superclasses_once)
    _replace(
        ConstraintComponent,
        "make_v_result_description",
        _text_if_wanted(ConstraintComponent.make_v_result_description),
    )
    _replace(
        Validator,
        "create_validation_report",
        _report_if_wanted(vars(Validator)["create_validation_report"]),
    )


_MISSING = object()


def _replace(owner: object, name: str, value: Any) -> None:
    _saved.append((owner, name, vars(owner).get(name, _MISSING)))
    setattr(owner, name, value)


def _restore() -> None:
    while _saved:
        owner, name, value = _saved.pop()
        if value is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, value)


class _ParameterList(list):
    """pySHACL's list of constraint parameters, answering ``in`` from a set. Still a list: for
    SHACL-AF and SHACL-JS pySHACL copies it and appends to the copy."""

    def __init__(self, parameters: list) -> None:
        super().__init__(parameters)
        self._members = frozenset(parameters)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _property_shape_once(component: Any) -> Any:
    pyshacls_own = component._evaluate_property_shape

    def evaluate_property_shape(self, executor, node, data, focus_value_nodes, recursive, path):
        found = self.shape.get_other_shape(node)
        if not found or not found.is_property_shape or (recursive and found in recursive):
            return pyshacls_own(self, executor, node, data, focus_value_nodes, recursive, path)
        reached = Counter(v for nodes in focus_value_nodes.values() for v in nodes)
        conforms, reports = found.validate(
            executor, data, focus=list(reached), _evaluation_path=path[:]
        )
        for value, times in reached.items():
            for _ in range(times - 1):
                again, more = found.validate(executor, data, focus=value, _evaluation_path=path[:])
                conforms = conforms and again
                reports.extend(more)
        return not conforms, reports

    return evaluate_property_shape


def _node_shape_once(component: Any) -> Any:
    pyshacls_own = component._evaluate_node_shape

    def evaluate_node_shape(self, executor, node, data, focus_value_nodes, recursive, path):
        found = self.shape.get_other_shape(node)
        values = list(dict.fromkeys(v for nodes in focus_value_nodes.values() for v in nodes))
        if not found or found.is_property_shape or (recursive and found in recursive) or not values:
            return pyshacls_own(self, executor, node, data, focus_value_nodes, recursive, path)
        conforms, reports = found.validate(executor, data, focus=values, _evaluation_path=path[:])
        if conforms and not reports:
            return False, []
        return pyshacls_own(self, executor, node, data, focus_value_nodes, recursive, path)

    return evaluate_node_shape


def _or_first_match(component: Any) -> Any:
    pyshacls_own = component._evaluate_or_constraint

    def evaluate_or_constraint(self, executor, or_list, target_graph, focus_value_nodes, path):
        members = []
        for node in self.shape.sg.graph.items(or_list):
            if self.shape.sg.is_filtered_out_shape(node):
                continue
            member = self.shape.get_other_shape(node)
            if not member:
                break
            members.append(member)
        else:
            if members:
                return _first_match(self, executor, members, target_graph, focus_value_nodes, path)
        return pyshacls_own(self, executor, or_list, target_graph, focus_value_nodes, path)

    return evaluate_or_constraint


def _first_match(component, executor, members, target_graph, focus_value_nodes, path):
    reports = []
    for focus, value_nodes in focus_value_nodes.items():
        for value in value_nodes:
            if not any(
                member.validate(executor, target_graph, focus=value, _evaluation_path=path[:])[0]
                for member in members
            ):
                reports.append(component.make_v_result(target_graph, focus, value_node=value))
    return bool(reports), reports


def _class_superclasses_once(self, target_graph, f_v_dict, class_rule):
    """pySHACL's ``sh:class`` check, each type's superclasses worked out once."""
    reports = []
    superclasses: dict[Any, set] = {}
    for focus, value_nodes in f_v_dict.items():
        for value in value_nodes:
            if not isinstance(value, Literal) and any(
                class_rule in _superclasses(target_graph, cls, superclasses)
                for cls in target_graph.objects(value, RDF.type)
            ):
                continue
            reports.append(self.make_v_result(target_graph, focus, value_node=value))
    return bool(reports), reports


def _superclasses(graph, cls, known: dict[Any, set]) -> set:
    """``cls`` and its superclasses (``rdfs:subClassOf*``), remembered in ``known``."""
    found = known.get(cls)
    if found is None:
        found = known[cls] = set(graph.transitive_objects(cls, RDFS.subClassOf))
    return found


def _targets_in_focus(pyshacls_own: Any) -> Any:
    def focus_nodes(self, data_graph, debug=False):
        found = pyshacls_own(self, data_graph, debug=debug)
        focus = _focus.get()
        return found if focus is None else {node for node in found if node in focus}

    return focus_nodes


def _text_if_wanted(pyshacls_own: Any) -> Any:
    def make_v_result_description(self, *args, **kwargs):
        return "" if _raw_wanted.get() else pyshacls_own(self, *args, **kwargs)

    return make_v_result_description


def _report_if_wanted(pyshacls_own: classmethod) -> classmethod:
    def create_validation_report(cls, sg, conforms, results):
        if _raw_wanted.get():
            return [RawResult(node, triples) for _, node, triples in results], ""
        return pyshacls_own.__func__(cls, sg, conforms, results)

    return classmethod(create_validation_report)
