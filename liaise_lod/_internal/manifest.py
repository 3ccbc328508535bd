"""What a build leaves in its output so that the next one can redo only what an edit reaches: a
manifest (``.liaise-lod-manifest``, JSON, though not named so: a ``.json`` file would make the
output look like a dataset) of the input records' hashes and the subjects each gave triples, the
fingerprints of everything else the output depends on (shapes, vocabularies, settings, the
program), the validation results, and the digest of every file written (times would differ
between two builds of the same input, and the manifest is part of the output).

A manifest that is missing, unreadable, of another form, or whose files are not those it lists,
is no manifest: the build starts from nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .resources import shapes_dir, vocab_dir

NAME = ".liaise-lod-manifest"
FORM = 1
#: The libraries whose releases change what is written.
_LIBRARIES = ("rdflib", "pyshacl", "pyoxigraph", "pydantic", "pyyaml")


@dataclass
class Manifest:
    #: what the output depends on beyond the records: each part's digest, by name
    fingerprint: dict[str, str]
    #: record id -> [kind, hash of the record, the subjects it gave triples]
    records: dict[str, list[Any]]
    #: the subjects of the vocabularies' triples in the graph
    vocabulary_subjects: list[str]
    #: the validation results kept (encoded), and per focus node the results held back
    results: list[Any] = field(default_factory=list)
    held_back: dict[str, int] = field(default_factory=dict)
    #: file name -> its SHA-256
    files: dict[str, str] = field(default_factory=dict)
    #: a site's: the documents its pages read, and per page resource the numbers of those
    #: whose triples it read and of those whose incoming links it read (see ``reads``)
    documents: list[str] = field(default_factory=list)
    pages: dict[str, list[list[int]]] = field(default_factory=dict)

    def to_json(self) -> bytes:
        document = {
            "form": FORM,
            "fingerprint": self.fingerprint,
            "files": self.files,
            "records": dict(sorted(self.records.items())),
            "vocabulary_subjects": sorted(self.vocabulary_subjects),
            "held_back": dict(sorted(self.held_back.items())),
            "results": self.results,
        }
        if self.pages:  # a site's
            document["documents"] = self.documents
            document["pages"] = self.pages
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def read(folder: Path) -> tuple[Manifest | None, str]:
    """The manifest of an output folder, or None and why there is none."""
    try:
        document = json.loads((folder / NAME).read_bytes())
    except FileNotFoundError:
        return None, "the output has no manifest"
    except (OSError, ValueError, RecursionError) as error:
        return None, f"its manifest cannot be read ({type(error).__name__})"
    try:
        if document.get("form") != FORM:
            return None, "its manifest is of another form"
        manifest = Manifest(
            fingerprint=dict(document["fingerprint"]),
            records=dict(document["records"]),
            vocabulary_subjects=list(document["vocabulary_subjects"]),
            results=list(document["results"]),
            held_back=dict(document["held_back"]),
            files=dict(document["files"]),
            documents=list(document.get("documents", [])),
            pages=dict(document.get("pages", {})),
        )
        _check(manifest)
    except (AttributeError, KeyError, TypeError, ValueError, RecursionError):
        return None, "its manifest is damaged"
    for name, stated in manifest.files.items():
        if file_digest(folder / name) != stated:
            return None, f"{name} is not the file the manifest lists"
    return manifest, ""


def _check(manifest: Manifest) -> None:
    """Raise ValueError (or TypeError...) unless every part has the form a build writes: file
    names name files in the output, and nothing else; results decode."""
    for name in manifest.files:
        if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"not a file of the output: {name!r}")
    for kind, digest, subjects in manifest.records.values():
        if not all(isinstance(text, str) for text in (kind, digest, *subjects)):
            raise ValueError("a record that is not text")
    if not all(isinstance(text, str) for text in manifest.vocabulary_subjects):
        raise ValueError("a subject that is not text")
    for result in manifest.results:
        *texts, description = result
        if len(texts) != 6 or not all(text is None or isinstance(text, str) for text in texts):
            raise ValueError("a result of another form")
        decode_node(description)
    if not all(isinstance(count, int) for count in manifest.held_back.values()):
        raise ValueError("a count that is not a number")
    if not all(isinstance(text, str) for text in manifest.documents):
        raise ValueError("a document that is not text")
    known = range(len(manifest.documents))
    for content, incoming in manifest.pages.values():
        if not all(type(number) is int and number in known for number in (*content, *incoming)):
            raise ValueError("a page read what is not a document")


def file_digest(path: Path) -> str | None:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


# ------------------------------------------------------------------------------ fingerprints


def fingerprint(settings: str, vocabulary_files: Iterable[Path]) -> dict[str, str]:
    """Everything but the records that the output depends on, each part's digest."""
    return {
        "program": _program(),
        "templates": _templates(),
        "shapes": _files_digest(sorted(shapes_dir().rglob("*"))),
        "vocabularies": _files_digest([*sorted(vocab_dir().rglob("*")), *vocabulary_files]),
        "settings": hashlib.sha256(settings.encode()).hexdigest(),
    }


def _program() -> str:
    from .. import __version__

    digest = hashlib.sha256(__version__.encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"\0{library}={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"\0{library}".encode())
    digest.update(_code().encode())
    return digest.hexdigest()


@cache
def _code() -> str:
    """The program's code (read once a run: it does not change under a running program)."""
    package = Path(__file__).resolve().parent.parent
    return _files_digest(sorted(package.rglob("*.py")))


@cache
def _templates() -> str:
    """The program's files that are not code: the site's templates, translations..."""
    package = Path(__file__).resolve().parent.parent
    return _files_digest(
        sorted(path for path in package.rglob("*") if path.suffix not in (".py", ".pyc"))
    )


def _files_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(os.fsencode(path.name) + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def record_hash(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()[:32]


# ------------------------------------------------------------------ validation results as JSON


def encode_node(node: Any) -> Any:
    """A result's term or description as JSON: IRIs ``"<iri"``, blank nodes ``"_id"``,
    literals ``[text, language, datatype]``, descriptions ``{"d": [[predicate, value], ...]}``."""
    if isinstance(node, tuple):
        return {"d": [[str(predicate), encode_node(value)] for predicate, value in node]}
    if isinstance(node, URIRef):
        return "<" + str(node)  # not URIRef.__radd__: a "<iri" URIRef, logged as invalid
    if isinstance(node, BNode):
        return "_" + str(node)
    if isinstance(node, Literal):
        datatype = None if node.datatype is None else str(node.datatype)
        return [str(node), node.language, datatype]
    raise TypeError(f"cannot keep {node!r}")


def decode_node(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((URIRef(p), decode_node(v)) for p, v in value["d"])
    if isinstance(value, str):
        return URIRef(value[1:]) if value[0] == "<" else BNode(value[1:])
    text, language, datatype = value
    datatype = None if datatype is None else URIRef(datatype)
    return Literal(text, lang=language, datatype=datatype, normalize=False)


def is_iri(node: Node) -> bool:
    return isinstance(node, URIRef)
