"""The SKOS concept schemes a dataset's codes come from: ours (``vocab/``), with what the
dataset's own ``vocab/*.ttl`` files add to them, and the dataset's own schemes.

A record names a concept by its code (``skos:notation``) or by its full IRI. A field of roles
or of a kind of organisation, event, publication or deliverable takes the concepts of its
scheme (ours, and the concepts a dataset adds to it with ``skos:inScheme``); ``topics`` takes
the topics of ours and the concepts of the dataset's own schemes by code, and any concept the
dataset describes (an outside thesaurus's, EuroVoc's say, with its labels) by IRI.

A dataset's files are checked as they are read, each problem at the file and line of the
concept it is about: every concept has a ``skos:prefLabel``, at most one per language; a code is
given once in a scheme and is not ours already; a concept's ``skos:broader`` never leads back
to it; a concept said to be in one of our schemes has a code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ._internal.cycles import loops
from ._internal.quoting import quote
from .errors import InputError, Problem
from .namespaces import CONCEPTS, LLOD, RDF, SKOS, XSD_STRING
from .vocabulary import canonical_case, scheme, scheme_slugs

#: The field whose codes may come from any scheme: a topic can be any concept.
TOPIC = "topic"
#: A vocabulary file is read whole: bigger than this, it is refused.
MAX_FILE_BYTES = 32 * 1024 * 1024

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class Concept:
    iri: URIRef
    schemes: frozenset[URIRef]
    code: str | None


class Vocabulary:
    """Concepts and schemes, ours and a dataset's, in one graph; what each field accepts."""

    def __init__(
        self,
        graph: Graph,
        own: frozenset[URIRef] = frozenset(),
        files: tuple[Path, ...] = (),
        complete: bool = True,
    ):
        self.graph = graph
        #: Whether every vocabulary file could be read (if not, names are not called unknown).
        self.complete = complete
        #: The schemes the dataset brings (not ours).
        self.own = own
        #: The dataset's vocabulary files it was read from.
        self.files = files
        self._concepts = _concepts(graph)
        self._codes: dict[URIRef, dict[str, URIRef]] = defaultdict(dict)
        for concept in self._concepts.values():
            for in_scheme in concept.schemes:
                if concept.code:
                    self._codes[in_scheme].setdefault(concept.code, concept.iri)

    @staticmethod
    @cache
    def ours() -> Vocabulary:
        """Our schemes alone: what a dataset without a ``vocab/`` folder, or one made in
        Python, has."""
        graph = Graph()
        for slug in scheme_slugs():
            graph += scheme(slug).graph
        return Vocabulary(graph)

    def codes(self, field_scheme: str) -> tuple[str, ...]:
        """The codes a field of ``field_scheme`` (``role``, ``topic``, ...) takes."""
        codes = set(self._codes.get(CONCEPTS[field_scheme], {}))
        if field_scheme == TOPIC:
            for own in self.own:
                codes |= set(self._codes.get(own, {}))
        return tuple(sorted(codes))

    def code(self, concept: URIRef) -> str | None:
        """The code of a concept, if it has one."""
        found = self._concepts.get(concept)
        return found.code if found is not None else None

    def iris(self, field_scheme: str) -> tuple[str, ...]:
        """The IRIs of the concepts a field of ``field_scheme`` takes."""
        return tuple(
            sorted(
                str(concept.iri)
                for concept in self._concepts.values()
                if field_scheme == TOPIC
                or any(self._field_takes(field_scheme, s) for s in concept.schemes)
            )
        )

    def resolve(self, field_scheme: str, value: str) -> URIRef:
        """The concept a field of ``field_scheme`` names with ``value`` (a code or an IRI);
        ``ValueError`` saying what it takes if it names none."""
        if ":" in value:
            return self._by_iri(field_scheme, value)
        matches = [
            codes[value]
            for in_scheme, codes in self._codes.items()
            if value in codes and self._field_takes(field_scheme, in_scheme)
        ]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            listed = ", ".join(sorted(matches))
            raise ValueError(
                f"the code {quote(value)} is in several schemes ({listed}): give the IRI"
            )
        if not self.complete:
            return URIRef(value)  # perhaps in the file that could not be read: said there
        shown = field_scheme.replace("-", " ")
        raise ValueError(
            f"unknown {shown} {quote(value)}; use one of: {', '.join(self.codes(field_scheme))}"
        )

    def schema_type(self, concept: URIRef) -> URIRef | None:
        """The schema.org class a resource of this kind is typed with (``llod:schemaType``)."""
        found = self.graph.value(concept, LLOD.schemaType)
        return URIRef(str(found)) if found is not None else None

    def used(self, concepts: Iterable[URIRef]) -> Graph:
        """What the dataset publishes of its vocabulary: every scheme a concept it uses is in,
        whole, and the concepts it uses that are in no scheme described (an outside
        thesaurus's)."""
        graph = Graph()
        schemes: set[URIRef] = set()
        for iri in concepts:
            concept = self._concepts.get(iri)
            if concept is None:
                continue
            described = {
                s for s in concept.schemes if (s, RDF.type, SKOS.ConceptScheme) in self.graph
            }
            schemes |= described
            if not described:
                for triple in self.graph.triples((iri, None, None)):
                    graph.add(triple)
        for in_scheme in schemes:
            for triple in self.graph.triples((in_scheme, None, None)):
                graph.add(triple)
            for member in self.graph.subjects(SKOS.inScheme, in_scheme):
                for triple in self.graph.triples((member, None, None)):
                    graph.add(triple)
        return graph

    def _by_iri(self, field_scheme: str, value: str) -> URIRef:
        concept = self._concepts.get(URIRef(value))
        if concept is None and not self.complete:
            return URIRef(value)
        if concept is None:
            raise ValueError(
                f"{quote(value)} is no concept of the dataset's vocabularies: describe it "
                "(skos:prefLabel, skos:inScheme) in a file of the dataset's vocab/ folder"
            )
        if not any(self._field_takes(field_scheme, s) for s in concept.schemes) and not (
            field_scheme == TOPIC
        ):
            raise ValueError(
                f"{quote(value)} is not in the {field_scheme.replace('-', ' ')} scheme"
            )
        return concept.iri

    def _field_takes(self, field_scheme: str, in_scheme: URIRef) -> bool:
        if in_scheme == CONCEPTS[field_scheme]:
            return True
        return field_scheme == TOPIC and in_scheme in self.own


def _concepts(graph: Graph) -> dict[URIRef, Concept]:
    concepts: dict[URIRef, Concept] = {}
    subjects = set(graph.subjects(RDF.type, SKOS.Concept)) | set(graph.subjects(SKOS.inScheme))
    for subject in subjects:
        if not isinstance(subject, URIRef):
            continue
        schemes = frozenset(
            o for o in graph.objects(subject, SKOS.inScheme) if isinstance(o, URIRef)
        )
        codes = [str(o) for o in graph.objects(subject, SKOS.notation)]
        concepts[subject] = Concept(subject, schemes, min(codes) if codes else None)
    return concepts


# --------------------------------------------------------------------------- a dataset's files


def vocabulary_files(root: Path) -> list[Path]:
    """The dataset's own vocabulary files: ``vocab/*.ttl`` in its folder."""
    folder = root / "vocab"
    if not root.is_dir() or not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.ttl") if not path.name.startswith("."))


def read_vocabulary(files: list[Path]) -> Vocabulary:
    """Ours, with what these Turtle files add; ``InputError`` listing what is wrong in them."""
    vocabulary, problems = read_vocabulary_with_problems(files)
    if problems:
        raise InputError(problems)
    return vocabulary


def read_vocabulary_with_problems(files: list[Path]) -> tuple[Vocabulary, list[Problem]]:
    """Ours, with what these Turtle files add, however much of it is wrong; and what is. A
    file that cannot be read leaves the vocabulary incomplete: a code it may have held is not
    then called unknown."""
    if not files:
        return Vocabulary.ours(), []
    ours = Vocabulary.ours()
    graph = Graph()
    graph += ours.graph
    problems: list[Problem] = []
    texts: dict[Path, str] = {}
    for path in files:
        read = _read_turtle(path, problems)
        if read is not None:
            text, added = read
            texts[path] = text
            problems += _checked(path, text, added, ours)
            graph += _canonical_literals(added)
    problems += _checked_whole(graph, texts, ours)
    own = frozenset(
        s
        for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
        if isinstance(s, URIRef) and (s, RDF.type, SKOS.ConceptScheme) not in ours.graph
    )
    complete = len(texts) == len(files)
    return Vocabulary(graph, own, tuple(files), complete), problems


def _canonical_literals(graph: Graph) -> Graph:
    """The graph with its texts as N-Triples writes them back: language tags in canonical
    case, as the data's are (``EN-gb`` is ``en-GB``), and ``"x"^^xsd:string`` as ``"x"``, so
    that no two triples write alike and a text reads back as it was."""
    canonical = Graph()
    for subject, predicate, obj in graph:
        if isinstance(obj, Literal) and obj.language:
            obj = Literal(str(obj), lang=canonical_case(obj.language))
        elif isinstance(obj, Literal) and obj.datatype == XSD_STRING:
            obj = Literal(str(obj))
        canonical.add((subject, predicate, obj))
    return canonical


def _read_turtle(path: Path, problems: list[Problem]) -> tuple[str, Graph] | None:
    def problem(line: int | None, message: str) -> None:
        problems.append(Problem(str(path), line, None, None, message))

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problem(None, "a vocabulary file may hold at most 32 MiB")
            return None
        text = path.read_text(encoding="utf-8-sig")
        return text, Graph().parse(data=text, format="turtle")
    except UnicodeDecodeError:
        problem(None, "not UTF-8 text")
    except OSError as error:
        problem(None, f"cannot read the file: {error.strerror}")
    except Exception as error:  # rdflib's BadSyntax, and what its parser raises on odd input
        lines = getattr(error, "lines", None)
        reason = re.search(r"Bad syntax \((.*?)\) at \^", str(error))
        why = reason.group(1) if reason else type(error).__name__
        problem(lines + 1 if isinstance(lines, int) else None, f"not Turtle: {quote(why, 200)}")
    return None


def _checked(path: Path, text: str, graph: Graph, ours: Vocabulary) -> Iterator[Problem]:
    """The problems of one file's concepts, each at the line the concept is described on."""
    for subject in sorted(_concept_subjects(graph), key=str):
        line = _line(text, subject)
        for field_name, message in _concept_problems(graph, subject, ours):
            yield Problem(str(path), line, str(subject), field_name, message)


def _concept_subjects(graph: Graph) -> set[Node]:
    return set(graph.subjects(RDF.type, SKOS.Concept)) | set(graph.subjects(SKOS.inScheme))


def _concept_problems(graph: Graph, subject: Node, ours: Vocabulary) -> Iterator[tuple[str, str]]:
    """(the property, what is wrong) for one concept."""
    if (subject, RDF.type, SKOS.Concept) not in graph:
        yield "rdf:type", "a concept is said to be one: add 'a skos:Concept'"
    labels: dict[str, int] = defaultdict(int)
    for label in graph.objects(subject, SKOS.prefLabel):
        labels[label.language or "" if isinstance(label, Literal) else ""] += 1
    if not labels:
        yield "skos:prefLabel", "a concept needs a name: skos:prefLabel"
    for language, count in sorted(labels.items()):
        if count > 1:
            shown = f"in '{language}'" if language else "without a language"
            yield "skos:prefLabel", f"{count} skos:prefLabel {shown}: give one per language"
    codes = [str(code) for code in graph.objects(subject, SKOS.notation)]
    for code in codes:
        if not _CODE.fullmatch(code):
            yield (
                "skos:notation",
                (
                    f"the code {quote(code)} cannot be written in a data file: letters, digits, "
                    "'.', '_' and '-', starting with a letter or digit"
                ),
            )
    for in_scheme in graph.objects(subject, SKOS.inScheme):
        if not str(in_scheme).startswith(str(CONCEPTS)):
            continue
        if not codes:
            yield "skos:notation", f"a concept added to our scheme {in_scheme} needs a code"
        for code in codes:
            if code in ours._codes.get(URIRef(str(in_scheme)), {}):
                yield "skos:notation", f"the code {quote(code)} is ours in {in_scheme} already"


def _checked_whole(graph: Graph, texts: dict[Path, str], ours: Vocabulary) -> Iterator[Problem]:
    """Problems across the files: a code given twice in a scheme, ``skos:broader`` loops."""
    for subject, message in [*_codes_given_twice(graph, ours), *_broader_loops(graph)]:
        path, line = _where(subject, texts)
        if path is not None:
            yield Problem(str(path), line, str(subject), None, message)


def _codes_given_twice(graph: Graph, ours: Vocabulary) -> Iterator[tuple[Node, str]]:
    concepts: dict[tuple[str, str], set[Node]] = defaultdict(set)
    for subject, code in graph.subject_objects(SKOS.notation):
        for in_scheme in graph.objects(subject, SKOS.inScheme):
            concepts[(str(in_scheme), str(code))].add(subject)
    for (scheme_iri, notation), subjects in sorted(concepts.items()):
        if len(subjects) > 1:
            said = (
                f"the code {quote(notation)} is given to {len(subjects)} concepts of {scheme_iri}"
            )
            for subject in sorted(subjects, key=str):
                if (subject, SKOS.notation, Literal(notation)) not in ours.graph:
                    yield subject, said


def _broader_loops(graph: Graph) -> Iterator[tuple[Node, str]]:
    broader: dict[str, list[str]] = defaultdict(list)
    for subject, parent in graph.subject_objects(SKOS.broader):
        broader[str(subject)].append(str(parent))
    for start, loop in loops(dict(broader)):
        steps = " → ".join(f"<{step}>" for step in loop)
        yield URIRef(start), f"a loop of broader concepts (skos:broader): {steps}"


def _where(subject: Node, texts: dict[Path, str]) -> tuple[Path | None, int | None]:
    for path, text in texts.items():
        line = _line(text, subject)
        if line is not None:
            return path, line
    return None, None


def _line(text: str, subject: Node) -> int | None:
    """The line a subject is first described on: where its IRI, whole or as a prefixed name's
    local part, starts a line."""
    iri = str(subject)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(f"<{iri}>"):
            return number
    local = re.split(r"[/#]", iri)[-1]
    if local:
        pattern = re.compile(rf"^\s*[A-Za-z0-9_-]*:{re.escape(local)}(\s|$)")
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.match(line):
                return number
    return None
