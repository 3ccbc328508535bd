"""Incremental builds: a build into an output an earlier build wrote redoes only what the edit
reaches, and its files are byte for byte those of a build from nothing, whatever the edits.

``LIAISE_INCREMENTAL_EXAMPLES`` sets how many generated sequences of edits the property test
runs (a handful by default, to keep the suite quick).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, URIRef

import liaise_lod
from liaise_lod import validation
from liaise_lod._internal import manifest as manifests
from liaise_lod._internal.resources import shapes_dir
from liaise_lod.pipeline import build

BASE = "https://data.example.org/incremental/"
EXAMPLES = int(os.environ.get("LIAISE_INCREMENTAL_EXAMPLES", "4"))
VOCABULARY = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{base}vocab/theme> a skos:ConceptScheme ; skos:prefLabel "Themes"@en ;
    skos:notation "theme" ; skos:hasTopConcept <{base}vocab/theme/coast> .
<{base}vocab/theme/coast> a skos:Concept ; skos:inScheme <{base}vocab/theme> ;
    skos:topConceptOf <{base}vocab/theme> ; skos:notation "coast" ; skos:prefLabel "{label}"@en .
"""
NAMES = st.text(alphabet="abcdefgh éß", min_size=1, max_size=8).map(str.strip).filter(bool)


# --------------------------------------------------------------------------- a small dataset


def _start() -> dict:
    data: dict = {
        "dataset": {"base": BASE, "language": "en", "title": "Incremental"},
        "organisations": [_organisation(n) for n in range(4)],
        "projects": [],
        "participations": [],
        "events": [],
        "publications": [],
        "vocabulary": "Coast",
        "serial": 10,
    }
    for number in range(3):
        _add_project(data, f"p-{number}", ["org-0", f"org-{number + 1}"])
    return data


def _organisation(number: int) -> dict:
    return {
        "id": f"org-{number}",
        "name": {"en": f"Organisation {number}"},
        "kind": ("city", "ngo", "network")[number % 3],
        "country": ("FR", "DE", "NL")[number % 3],
    }


def _add_project(data: dict, pid: str, members: list[str]) -> None:
    data["projects"].append(
        {
            "id": pid,
            "name": {"en": f"Project {pid}"},
            "start": "2020-01",
            "lead": members[0],
            "topics": ["coast"],
            "outputs": [f"{pid}-pub"],
        }
    )
    for member in members[1:]:
        data["participations"].append({"organisation": member, "project": pid, "role": "partner"})
    data["events"].append(
        {
            "id": f"{pid}-event",
            "name": {"en": f"Event of {pid}"},
            "kind": "conference",
            "start": "2021-03-04",
            "project": pid,
            "organisers": [members[0]],
        }
    )
    data["publications"].append(
        {
            "id": f"{pid}-pub",
            "title": {"en": f"Publication of {pid}"},
            "kind": "report",
            "languages": ["en"],
            "publisher": members[-1],
        }
    )


def _write(data: dict, folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "vocab").mkdir(parents=True)
    (folder / "dataset.json").write_text(json.dumps({"dataset": data["dataset"]}))
    for name in ("organisations", "projects", "participations", "events", "publications"):
        (folder / f"{name}.json").write_text(json.dumps({name: data[name]}, indent=1))
    text = VOCABULARY.format(base=BASE, label=data["vocabulary"])
    (folder / "vocab" / "themes.ttl").write_text(text)


# ------------------------------------------------------------------------------------ edits


def _edit(data: dict, draw) -> str:
    """Change ``data`` by one edit drawn; the edit's name."""
    kind = draw(
        st.sampled_from(
            [
                "rename",
                "organisation",
                "add",
                "delete",
                "new id",
                "delete organisation",
                "add organisation",
                "description",
                "strict",
                "vocabulary",
                "nothing",
                "reorder",
            ]
        )
    )
    projects = data["projects"]
    if kind == "rename" and projects:
        project = draw(st.sampled_from(projects))
        project["name"] = {"en": draw(NAMES)}
    elif kind == "organisation":
        organisation = draw(st.sampled_from(data["organisations"]))
        organisation["country"] = draw(st.sampled_from(["FR", "DE", "NL", "ES"]))
        organisation["kind"] = draw(st.sampled_from(["city", "ngo", "network"]))
    elif kind == "add":
        data["serial"] += 1
        ids = [o["id"] for o in data["organisations"]]
        members = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        _add_project(data, f"p-{data['serial']}", members)
    elif kind == "delete" and projects:
        _delete_project(data, draw(st.sampled_from(projects))["id"])
    elif kind == "new id" and projects:
        _new_id(data, draw(st.sampled_from(projects))["id"], f"p-{data['serial'] + 1}")
        data["serial"] += 1
    elif kind == "delete organisation" and len(data["organisations"]) > 1:
        _delete_organisation(data, draw(st.sampled_from(data["organisations"]))["id"])
    elif kind == "add organisation":
        data["serial"] += 1
        data["organisations"].append(
            _organisation(data["serial"]) | {"id": f"org-{data['serial']}"}
        )
    elif kind == "description" and projects:
        project = draw(st.sampled_from(projects))
        if "description" in project:
            del project["description"]
        else:
            project["description"] = {"en": draw(NAMES)}
    elif kind == "strict":
        data["dataset"]["strict"] = not data["dataset"].get("strict", False)
    elif kind == "vocabulary":
        label = draw(NAMES)
        if label == data["vocabulary"]:
            return "nothing"
        data["vocabulary"] = label
    elif kind == "reorder" and len(projects) > 1:
        projects.insert(0, projects.pop())
    return kind


def _delete_project(data: dict, pid: str) -> None:
    data["projects"] = [p for p in data["projects"] if p["id"] != pid]
    data["participations"] = [p for p in data["participations"] if p["project"] != pid]
    data["events"] = [e for e in data["events"] if e["project"] != pid]
    outputs = {f"{pid}-pub"}
    data["publications"] = [p for p in data["publications"] if p["id"] not in outputs]


def _new_id(data: dict, old: str, new: str) -> None:
    for project in data["projects"]:
        if project["id"] == old:
            project["id"] = new
    for record in [*data["participations"], *data["events"]]:
        if record["project"] == old:
            record["project"] = new


def _delete_organisation(data: dict, gone: str) -> None:
    data["organisations"] = [o for o in data["organisations"] if o["id"] != gone]
    other = data["organisations"][0]["id"]
    data["participations"] = [p for p in data["participations"] if p["organisation"] != gone]
    for project in data["projects"]:
        if project.get("lead") == gone:
            project["lead"] = other
    for event in data["events"]:
        event["organisers"] = [o if o != gone else other for o in event["organisers"]]
    for publication in data["publications"]:
        if publication["publisher"] == gone:
            publication["publisher"] = other
    seen = set()
    unique = []
    for participation in data["participations"]:
        key = (participation["organisation"], participation["project"], participation["role"])
        lead = any(
            p["id"] == participation["project"] and p.get("lead") == participation["organisation"]
            for p in data["projects"]
        )
        if key not in seen and not lead:
            seen.add(key)
            unique.append(participation)
    data["participations"] = unique


# ------------------------------------------------------------------------- comparing outputs


def _files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(folder.iterdir()):
        found[path.name] = path.read_bytes()
    return found


def _same_as_clean(dataset: Path, out: Path, clean: Path, **options) -> None:
    if clean.exists():
        shutil.rmtree(clean)
    build(dataset, clean, allow_invalid=True, **options)
    expected, got = _files(clean), _files(out)
    assert sorted(got) == sorted(expected)
    for name, data in expected.items():
        assert got[name] == data, f"{name} differs from a clean build's"


@contextmanager
def _changeable_shapes(folder: Path):
    """Validation reads the shapes from a copy in ``folder``, which the test may change."""
    shutil.copytree(shapes_dir(), folder)
    caches = (validation._shapes_template, validation.shapes_graph, validation.completeness_shapes)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "shapes_dir", lambda: folder)
        patch.setattr(manifests, "shapes_dir", lambda: folder)
        for cache in caches:
            cache.cache_clear()
        try:
            yield
        finally:
            for cache in caches:
                cache.cache_clear()


def _change_shapes(folder: Path, number: int) -> None:
    path = folder / "records.ttl"
    text = path.read_text()
    marker = 'sh:message "'
    at = text.index(marker) + len(marker)
    path.write_text(f"{text[:at]}({number}) {text[at:]}")


# -------------------------------------------------------------------------------- the tests

#: Edits of records alone, which a build redoes incrementally.
RECORD_EDITS = (
    "rename",
    "organisation",
    "add",
    "delete",
    "new id",
    "delete organisation",
    "add organisation",
    "description",
    "nothing",
    "reorder",
)


@contextmanager
def _said():
    """What liaise-lod logs (``-v``) inside the block, line by line."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("liaise_lod")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _drawn_change(state: dict, draw, shapes: Path, step: int, patch) -> str:
    """One edit of ``state`` drawn, sometimes with the shapes or the program's version changed
    too; its name, as hypothesis reports the draws."""
    kind = _edit(state, draw)
    if draw(st.integers(0, 9), label="other change") == 0:
        _change_shapes(shapes, step)
        validation._shapes_template.cache_clear()
        validation.shapes_graph.cache_clear()
        validation.completeness_shapes.cache_clear()
        kind += " + shapes"
    if draw(st.integers(0, 9), label="new version") == 0:
        patch.setattr(liaise_lod, "__version__", f"9.{step}")
        kind += " + version"
    draw(st.just(kind), label=f"edit {step}")
    return kind


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_an_incremental_build_equals_a_clean_build_after_any_edits(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("edits")
    dataset, out, clean = tmp / "data", tmp / "out", tmp / "clean"
    state = _start()
    _write(state, dataset)
    steps = data.draw(st.integers(min_value=1, max_value=6), label="steps")
    with _changeable_shapes(tmp / "shapes"), pytest.MonkeyPatch.context() as patch:
        build(dataset, out, allow_invalid=True)
        for step in range(steps):
            before = copy.deepcopy(state)
            kind = _drawn_change(state, data.draw, tmp / "shapes", step, patch)
            _write(state, dataset)
            with _said() as said:
                try:
                    build(dataset, out, allow_invalid=True)
                except liaise_lod.InputError:  # an edit the model refuses: undo it
                    state = before
                    _write(state, dataset)
                    build(dataset, out, allow_invalid=True)
            full = [line for line in said if line.startswith("full build")]
            if kind in RECORD_EDITS:
                assert not full, f"{kind}: {full}"
            elif kind not in ("nothing", "reorder"):
                assert full, f"{kind}: not a full build"
            _same_as_clean(dataset, out, clean)


@pytest.fixture
def edited(tmp_path):
    """A dataset built once, then one project's name edited: (dataset, output)."""
    state = _start()
    dataset, out = tmp_path / "data", tmp_path / "out"
    _write(state, dataset)
    build(dataset, out)
    state["projects"][1]["name"] = {"en": "Renamed"}
    _write(state, dataset)
    return dataset, out


def test_files_whose_bytes_do_not_change_are_linked_not_written(edited):
    dataset, out = edited
    before = {path.name: path.stat().st_ino for path in out.iterdir()}
    with _said() as said:
        build(dataset, out)
    after = {path.name: path.stat().st_ino for path in out.iterdir()}
    assert after["context.jsonld"] == before["context.jsonld"]
    assert after["validation-report.txt"] == before["validation-report.txt"]
    assert after["dataset.nt"] != before["dataset.nt"]
    assert "rewrote 1 subjects of 1 changed records" in said
    build(dataset, out)  # nothing changed: every file is the one before
    again = {path.name: path.stat().st_ino for path in out.iterdir()}
    assert {name: again[name] for name in after if name.startswith("dataset.")} == {
        name: after[name] for name in after if name.startswith("dataset.")
    }


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda out: (out / manifests.NAME).unlink(), "the output has no manifest"),
        (lambda out: (out / manifests.NAME).write_text("{"), "its manifest cannot be read"),
        (lambda out: (out / manifests.NAME).write_text("[]"), "its manifest is damaged"),
        (lambda out: _tamper(out, "files", {"../data/dataset.json": ""}), "manifest is damaged"),
        (lambda out: _tamper(out, "results", [[1, 2]]), "its manifest is damaged"),
        (lambda out: _tamper(out, "form", 99), "its manifest is of another form"),
        (
            lambda out: (out / "dataset.ttl").write_bytes(b"# edited by hand\n"),
            "dataset.ttl is not the file the manifest lists",
        ),
        (lambda out: (out / "dataset.nt").unlink(), "dataset.nt is not the file"),
    ],
)
def test_what_the_manifest_cannot_account_for_means_a_full_build(edited, damage, reason):
    dataset, out = edited
    damage(out)
    with _said() as said:
        build(dataset, out)
    assert any(line.startswith("full build: ") and reason in line for line in said), said
    _same_as_clean(dataset, out, out.parent / "clean")


def _tamper(out: Path, key: str, value) -> None:
    document = json.loads((out / manifests.NAME).read_text())
    document[key] = value
    (out / manifests.NAME).write_text(json.dumps(document))


def test_a_full_disk_during_an_incremental_build_leaves_the_previous_output(edited, monkeypatch):
    import errno

    from liaise_lod._internal import splice
    from liaise_lod.errors import OutputError

    dataset, out = edited
    before = _files(out)

    def full_disk(dump, edits, output):
        output.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(splice, "write_spliced", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        build(dataset, out)
    assert _files(out) == before
    assert sorted(path.name for path in out.parent.iterdir()) == ["data", "out"]


def test_validating_chosen_focus_nodes_gives_their_results_in_a_whole_validation():
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import to_graph

    example = Path(__file__).parent.parent / "examples" / "liaise2"
    dataset = load_dataset(example)
    base = dataset.info.base
    graph = to_graph(dataset)
    whole = validation.find_results(graph, base=base)
    by_focus: dict[str, list] = {}
    for result, description in whole:
        by_focus.setdefault(result.focus_node, []).append((result, description))
    chosen = sorted(by_focus)[::3]
    focused = validation.find_results(graph, base=base, focus=frozenset(map(URIRef, chosen)))
    expected = [pair for focus in chosen for pair in by_focus[focus]]
    assert sorted(focused, key=repr) == sorted(expected, key=repr)
    assert len(expected) > 20


def test_shapes_without_a_bound_have_every_focus_node_validated():
    from rdflib import Graph

    from liaise_lod._internal.reach import reach_of

    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ;
            sh:minCount 1 ] .
        ex:T sh:targetClass ex:D ; sh:property [ sh:path ( ex:a [ sh:inversePath ex:b ] ) ;
            sh:node ex:N ] .
        ex:N sh:property [ sh:path ex:c ; sh:class ex:E ] .
        """,
        format="turtle",
    )
    assert reach_of(shapes) is None
    bounded = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:T sh:targetClass ex:D ; sh:property [ sh:path ( ex:a [ sh:inversePath ex:b ] ) ;
            sh:node ex:N ] .
        ex:N sh:property [ sh:path ex:c ; sh:class ex:E ] .
        """,
        format="turtle",
    )
    reach = reach_of(bounded)
    assert reach is not None
    ex = "http://example.org/"
    assert reach.forward == (
        frozenset({URIRef(ex + "a")}),
        frozenset(),
        frozenset({URIRef(ex + "c")}),
    )
    assert reach.inverse == (frozenset(), frozenset({URIRef(ex + "b")}), frozenset())
    data = Graph().parse(
        data="""
        @prefix ex: <http://example.org/> .
        ex:f a ex:D ; ex:a ex:x . ex:y ex:b ex:x . ex:y ex:c ex:z . ex:z a ex:E .
        ex:other a ex:D ; ex:a ex:w .
        """,
        format="turtle",
    )
    # the type of ex:z, three steps from ex:f, changes: ex:f's result can change, not ex:other's
    z = URIRef(ex + "z")
    assert URIRef(ex + "f") in reach.affected(data, [(z, RDF.type, URIRef(ex + "E"))])
    assert URIRef(ex + "other") not in reach.affected(data, [(z, RDF.type, URIRef(ex + "E"))])
    # ex:y ex:b ex:x is removed: ex:f read it backwards from ex:x, which is now all that links them
    link = (URIRef(ex + "y"), URIRef(ex + "b"), URIRef(ex + "x"))
    data.remove(link)
    assert URIRef(ex + "f") in reach.affected(data, [link])


def test_the_focus_nodes_a_change_reaches_are_all_whose_results_change():
    """On the example, remove each of some records' triples (what references them stays,
    dangling): validating the nodes ``reach`` names again, beside the other nodes' results from
    before, gives what validating the whole graph gives."""
    from liaise_lod._internal.reach import reach_of
    from liaise_lod.load import load_dataset
    from liaise_lod.mapping import new_graph, to_graph

    example = Path(__file__).parent.parent / "examples" / "liaise2"
    dataset = load_dataset(example)
    base = dataset.info.base
    subjects_of: dict = {}
    graph = to_graph(dataset, subjects_of=subjects_of)
    reach = reach_of(validation.shapes_graph(base))
    assert reach is not None
    before = validation.find_results(graph, base=base)
    records = sorted(record_id for record_id in subjects_of if record_id)
    for record_id in records[:: max(1, len(records) // 4)]:
        gone = subjects_of[record_id]
        changed = [triple for triple in graph if triple[0] in gone]
        after = new_graph()
        for triple in graph:
            if triple[0] not in gone:
                after.add(triple)
        affected = reach.affected(after, changed)
        again = {str(node) for node in affected}
        combined = [pair for pair in before if pair[0].focus_node not in again]
        combined += validation.find_results(after, base=base, focus=frozenset(affected))
        whole = validation.find_results(after, base=base)
        assert sorted(combined, key=repr) == sorted(whole, key=repr), record_id


def test_keeping_results_in_the_manifest_logs_nothing(caplog):
    """Encoding a result's IRIs once made ``"<" + URIRef``, a URIRef ``<iri`` that rdflib
    logs as invalid: a strict build of the example printed 872 warnings."""
    description = ((RDF.type, URIRef("http://www.w3.org/ns/shacl#ValidationResult")),)
    with caplog.at_level(logging.WARNING):
        encoded = manifests.encode_node(description)
        assert manifests.encode_node(URIRef("https://example.org/a")) == "<https://example.org/a"
    assert caplog.records == []
    assert manifests.decode_node(encoded) == description
