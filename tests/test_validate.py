"""The validation report: located, grouped by record, stable from run to run."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef

from liaise_lod.errors import ConfigError, LiaiseError
from liaise_lod.load import load_dataset
from liaise_lod.mapping import to_graph
from liaise_lod.model import Dataset
from liaise_lod.namespaces import RDF, SCHEMA, SH
from liaise_lod.validation import dataset_sources, shapes_graph
from liaise_lod.validation import validate as validate_any


def validate(*args, **options):
    """``validate`` with every shape reported, the completeness warnings included."""
    return validate_any(*args, **{"strict": True, **options})


BASE = "https://data.example.org/liaise/"
FILES = {
    "settings.yaml": f"""\
dataset:
  base: {BASE}
  language: en
""",
    "organisations.yaml": """\
organisations:
  - id: efus
    name: European Forum for Urban Security
    kind: network
    description: A network of local authorities.
    country: FR
    website: https://efus.eu

  - id: ccv
    name: Centre for Crime Prevention
""",
    "events.yaml": """\
events:
  - id: final
    name: Final conference
    description: Results of the project.
    start: 2017-05-02
    end: 2017-05-03
    locality: Paris
    country: FR
    organisers: [efus]
""",
}
PLACE_ADDRESS = URIRef(f"{BASE}event/final#place-address")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dataset")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def dataset(folder: Path) -> Dataset:
    return load_dataset(folder)


def broken_graph(dataset: Dataset) -> Graph:
    """The dataset's graph with one violation, on a value node of the event."""
    graph = to_graph(dataset)
    graph.set((PLACE_ADDRESS, SCHEMA.addressCountry, Literal("fr")))
    return graph


@pytest.fixture(scope="module")
def report(dataset: Dataset):
    return validate(broken_graph(dataset), base=BASE, sources=dataset_sources(dataset, BASE))


# ------------------------------------------------------------------------------------- text


def test_summary_comes_first(report) -> None:
    assert report.text().splitlines()[0] == "1 violation, 4 warnings in 2 resources"


def test_each_record_is_headed_by_its_iri_file_and_line(report, folder: Path) -> None:
    headings = [line for line in report.text().splitlines() if line.startswith("https://")]
    assert headings == [
        f"{BASE}event/final ({folder / 'events.yaml'}:2, record 'final')",
        f"{BASE}organisation/ccv ({folder / 'organisations.yaml'}:9, record 'ccv')",
    ]


def test_result_lines_name_severity_property_message_and_value(report) -> None:
    lines = report.text().splitlines()
    assert (
        "  violation #place-address schema:addressCountry: An address has at most one country"
        in "\n".join(lines)
    )
    assert lines[3].endswith('[value: "fr"]')
    assert "  warning   schema:address/schema:addressCountry: Add the organisation's country" in (
        report.text()
    )


def test_value_nodes_are_grouped_and_located_under_their_record(report, folder: Path) -> None:
    (violation,) = report.violations
    assert violation.focus_node == str(PLACE_ADDRESS)
    assert violation.resource == f"{BASE}event/final"
    assert (violation.file, violation.line, violation.record) == (
        str(folder / "events.yaml"),
        2,
        "final",
    )


def test_sources_is_asked_about_records_only_and_once_each(dataset: Dataset) -> None:
    asked: list[str] = []

    def sources(iri: str) -> tuple[str | None, int | None, str | None]:
        asked.append(iri)
        return "somewhere.yaml", 7, "x"

    report = validate(broken_graph(dataset), base=BASE, sources=sources)
    assert len(asked) == len(set(asked))
    assert set(asked) == {f"{BASE}event/final", f"{BASE}organisation/ccv"}
    assert "(somewhere.yaml:7, record 'x')" in report.text()


def test_without_sources_the_record_id_is_read_off_the_iri(dataset: Dataset) -> None:
    report = validate(broken_graph(dataset), base=BASE)
    assert {(r.record, r.file, r.line) for r in report.results} == {
        ("final", None, None),
        ("ccv", None, None),
    }
    assert f"{BASE}organisation/ccv (record 'ccv')" in report.text()


def test_text_is_the_same_whatever_the_order_of_the_triples(dataset: Dataset, report) -> None:
    triples = list(broken_graph(dataset))
    random.Random(7).shuffle(triples)
    shuffled = Graph()
    for triple in triples:
        shuffled.add(triple)
    again = validate(shuffled, base=BASE, sources=dataset_sources(dataset, BASE))
    assert again.text() == report.text()
    assert again.results == report.results
    turtle = report.to_graph().serialize(format="turtle")
    assert again.to_graph().serialize(format="turtle") == turtle


def test_results_are_sorted_by_record_then_severity(report) -> None:
    keys = [result.sort_key() for result in report.results]
    assert keys == sorted(keys)
    assert [r.severity for r in report.results] == ["violation"] + ["warning"] * 4


# ------------------------------------------------------------------------ counts and formats


def test_conforms_counts_violations_only(dataset: Dataset, report) -> None:
    assert not report.conforms
    assert (len(report.violations), len(report.warnings)) == (1, 4)
    clean = validate(to_graph(dataset), base=BASE)
    assert clean.conforms
    assert len(clean.warnings) == 4
    assert clean.text().startswith("0 violations, 4 warnings in 1 resource\n")


def test_to_graph_is_the_shacl_report(report) -> None:
    graph = Graph().parse(data=report.to_graph().serialize(format="turtle"), format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    assert len(list(graph.objects(node, SH.result))) == len(report.results)
    severities = sorted(str(s) for s in graph.objects(None, SH.resultSeverity))
    assert severities == [str(SH.Violation)] + [str(SH.Warning)] * 4


def test_to_dict_is_plain_json(report) -> None:
    data = json.loads(json.dumps(report.to_dict()))
    assert data["conforms"] is False
    assert data["summary"] == report.summary()
    assert data["results"][0]["path"] == "schema:addressCountry"
    assert data["results"][0]["value"] == '"fr"'
    assert data["results"][0]["source_shape"].endswith("#Address-country")


def test_alternative_paths_are_written_in_sparql_notation(dataset: Dataset) -> None:
    graph = to_graph(dataset)
    efus = URIRef(f"{BASE}organisation/efus")
    graph.add((efus, SCHEMA.parentOrganization, URIRef(f"{BASE}event/final")))
    report = validate(graph, base=BASE)
    paths = {r.path for r in report.violations}
    assert paths == {"(org:subOrganizationOf|schema:parentOrganization)"}


# ---------------------------------------------------------------------------------- set-up


def test_shapes_are_parsed_once_per_base() -> None:
    assert shapes_graph(BASE) is shapes_graph(BASE)
    assert shapes_graph(BASE) is not shapes_graph("https://other.example.org/")


def test_base_must_be_usable(dataset: Dataset) -> None:
    with pytest.raises(ConfigError):
        validate(to_graph(dataset), base="not a base")


# ---------------------------------------------------------------------- in several processes


def example_with_violations() -> tuple[Dataset, Graph]:
    """The bundled example with violations of several shapes (records and value nodes)."""
    from conftest import EXAMPLE

    dataset = load_dataset(EXAMPLE)
    base = str(dataset.info.base)
    graph = to_graph(dataset)
    project = URIRef(f"{base}project/liaise-2")
    graph.remove((project, SCHEMA.name, None))
    graph.add((URIRef(f"{base}event/liaise-2-seminar-3"), SCHEMA.startDate, Literal("soon")))
    graph.add((URIRef(f"{base}organisation/efus"), SCHEMA.foundingDate, Literal("1987")))
    for membership in list(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/org#Membership")))[
        :3
    ]:
        graph.set((membership, URIRef("http://www.w3.org/ns/org#role"), project))
    return dataset, graph


@pytest.mark.parametrize("processes", [2, 3])
def test_several_processes_give_the_same_report_as_one(processes: int) -> None:
    dataset, graph = example_with_violations()
    base = str(dataset.info.base)
    sources = dataset_sources(dataset, base)
    one = validate(graph, base=base, sources=sources, processes=1)
    several = validate(graph, base=base, sources=sources, processes=processes)
    assert len(one.violations) >= 5 and one.warnings
    assert several.results == one.results
    assert several.text() == one.text()
    turtle = one.to_graph().serialize(format="turtle")
    assert several.to_graph().serialize(format="turtle") == turtle


def test_a_failing_validation_process_is_reported(monkeypatch) -> None:
    import importlib
    import os

    module = importlib.import_module("liaise_lod.validation")  # the package exports validate()

    dataset, graph = example_with_violations()
    parent, real = os.getpid(), module._pyshacl

    def fail_in_children(*args):
        if os.getpid() != parent:
            raise MemoryError("no room")
        return real(*args)

    monkeypatch.setattr(module, "_pyshacl", fail_in_children)
    with pytest.raises(LiaiseError, match=r"a helper process failed:(.|\n)*MemoryError: no room"):
        validate(graph, base=str(dataset.info.base), processes=2)


def test_tuned_pyshacl_gives_the_report_pyshacl_gives_as_released(untuned) -> None:
    dataset, graph = example_with_violations()
    base = str(dataset.info.base)
    tuned = validate(graph, base=base, processes=1)
    untuned()
    released = validate(graph, base=base, processes=1)
    assert len(released.violations) >= 5 and released.warnings
    assert tuned.results == released.results
    assert tuned.to_graph().serialize(format="nt") == released.to_graph().serialize(format="nt")


def test_pyshacl_is_tuned_only_inside_the_block() -> None:
    from pyshacl import shape
    from pyshacl.constraints.core.logical_constraints import OrConstraintComponent

    from liaise_lod._internal.pyshacl_tuning import is_tunable, tuned

    released = (vars(shape).get("CONSTRAINT_PARAMS"), OrConstraintComponent._evaluate_or_constraint)
    with tuned():
        with tuned():  # nested: the outer block still holds the changes
            pass
        inside = (
            vars(shape).get("CONSTRAINT_PARAMS"),
            OrConstraintComponent._evaluate_or_constraint,
        )
        # pySHACL copies and extends its parameter list for SHACL-AF: that must still work
        shapes = Graph().parse(
            data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
            <urn:x:S> a sh:NodeShape ; sh:targetNode <urn:x:n> ; sh:nodeKind sh:Literal .""",
            format="turtle",
        )
        conforms, _, _ = pyshacl.validate(Graph(), shacl_graph=shapes, advanced=True)
        assert conforms is False
    after = (vars(shape).get("CONSTRAINT_PARAMS"), OrConstraintComponent._evaluate_or_constraint)
    assert after == released
    assert (inside != released) is is_tunable()


def test_tuned_pyshacl_repeats_results_for_a_value_reached_twice() -> None:
    """pySHACL evaluates a nested property shape once per (focus, value) pair: a value reached
    from two focus nodes gives its results twice, tuned or not."""
    from liaise_lod._internal.pyshacl_tuning import is_tunable, tuned

    if not is_tunable():
        pytest.skip("the installed pySHACL is not tuned: nothing to compare")
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:x:> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .
        ex:P a sh:PropertyShape ; sh:path ex:p ; sh:property ex:Q .
        ex:Q a sh:PropertyShape ; sh:path ex:q ; sh:minCount 1 .""",
        format="turtle",
    )
    data = Graph().parse(
        data="@prefix ex: <urn:x:> . ex:a a ex:C ; ex:p ex:v . ex:b a ex:C ; ex:p ex:v .",
        format="turtle",
    )

    def results() -> int:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes)
        return len(set(report.subjects(SH.focusNode, URIRef("urn:x:v"))))

    released = results()
    with tuned():
        assert results() == released == 2


def test_a_failed_tuning_leaves_pyshacl_as_released(monkeypatch) -> None:
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    from liaise_lod._internal import pyshacl_tuning

    released = PropertyConstraintComponent._evaluate_property_shape

    def fail(component):  # as if a release had renamed what we replace
        raise AttributeError("_evaluate_or_constraint")

    monkeypatch.setattr(pyshacl_tuning, "_or_first_match", fail)
    with pytest.raises(AttributeError), pyshacl_tuning.tuned():
        pass  # pragma: no cover - the block is never entered
    assert PropertyConstraintComponent._evaluate_property_shape is released
    monkeypatch.undo()
    with pyshacl_tuning.tuned():  # and the next block starts afresh
        assert PropertyConstraintComponent._evaluate_property_shape is not released
    assert PropertyConstraintComponent._evaluate_property_shape is released


def test_tuned_or_reports_a_value_that_matches_no_member() -> None:
    """sh:or stops at the first member a value conforms to; a value matching none is reported
    once, whatever the order."""
    from liaise_lod._internal.pyshacl_tuning import tuned

    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:x:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:x:p> ;
            sh:property [ sh:path <urn:x:p> ;
                sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:x:a> <urn:x:p> "2016"^^xsd:gYear, "2016-05-01"^^xsd:date, "soon", 3 .""",
        format="turtle",
    )
    with tuned():
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes)
    values = Counter(report.objects(None, SH.value))
    assert values == Counter({Literal("soon"): 1, Literal(3): 1})


def test_tuned_class_check_follows_subclasses_as_released() -> None:
    """sh:class, each class's superclasses worked out once: a value whose type is a subclass
    (two steps up) conforms; a literal, an untyped value and an unrelated type do not."""
    from liaise_lod._internal.pyshacl_tuning import tuned

    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:x:p> ;
            sh:property [ sh:path <urn:x:p> ; sh:class <urn:x:A> ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:x:C> rdfs:subClassOf <urn:x:B> . <urn:x:B> rdfs:subClassOf <urn:x:A> .
        <urn:x:a> <urn:x:p> <urn:x:sub>, <urn:x:direct>, <urn:x:other>, <urn:x:untyped>, "A" .
        <urn:x:b> <urn:x:p> <urn:x:sub>, <urn:x:other> .
        <urn:x:sub> a <urn:x:D>, <urn:x:C> . <urn:x:direct> a <urn:x:A> .
        <urn:x:other> a <urn:x:D> .""",
        format="turtle",
    )

    def failing() -> Counter:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes)
        return Counter(
            (focus, report.value(result, SH.value))
            for result, focus in report.subject_objects(SH.focusNode)
        )

    released = failing()
    with tuned():
        assert failing() == released
    a, b = URIRef("urn:x:a"), URIRef("urn:x:b")
    assert released == Counter(
        [
            (a, URIRef("urn:x:other")),
            (a, URIRef("urn:x:untyped")),
            (a, Literal("A")),
            (b, URIRef("urn:x:other")),
        ]
    )


def test_tuned_node_constraint_gives_the_results_pyshacl_gives() -> None:
    """sh:node, evaluated once for all distinct values: where all conform nothing is reported;
    where one fails, every failing value is reported under each focus node that reaches it,
    its details nested, as released pySHACL does."""
    from rdflib.compare import isomorphic

    from liaise_lod._internal.pyshacl_tuning import tuned

    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:x:p> ;
            sh:property [ sh:path <urn:x:p> ; sh:node <urn:x:Named> ] .
        <urn:x:Named> a sh:NodeShape ;
            sh:property [ sh:path <urn:x:name> ; sh:minCount 1 ; sh:message "no name" ] .""",
        format="turtle",
    )
    valid = """<urn:x:a> <urn:x:p> <urn:x:r1>, <urn:x:r2> . <urn:x:b> <urn:x:p> <urn:x:r1> .
        <urn:x:r1> <urn:x:name> "one" . <urn:x:r2> <urn:x:name> "two" ."""
    invalid = (
        valid + "<urn:x:c> <urn:x:p> <urn:x:r1>, <urn:x:bad> . <urn:x:d> <urn:x:p> <urn:x:bad> ."
    )

    def report(data: str) -> Graph:
        graph = Graph().parse(data=data, format="turtle")
        return pyshacl.validate(graph, shacl_graph=shapes)[1]

    for data in (valid, invalid):
        released = report(data)
        with tuned():
            assert isomorphic(report(data), released)
    failing = report(invalid)
    assert sorted(map(str, failing.objects(None, SH.focusNode))) == [
        "urn:x:bad",
        "urn:x:bad",
        "urn:x:c",
        "urn:x:d",
    ]


def test_raw_results_are_read_as_the_report_graph_is() -> None:
    """Results read straight from pySHACL (``raw_results``) are those read from its report
    graph: blank-node paths and shapes, a blank value node described from the data, nested
    ``sh:detail`` results, messages of several languages, the report graph alike."""
    from liaise_lod._internal.pyshacl_tuning import tuned
    from liaise_lod.validation import _pyshacl_run, _sort_text

    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <urn:x:> .
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;
            sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ;
                          sh:message "no q"@en, "pas de q"@fr ] ;
            sh:property [ sh:path [ sh:alternativePath ( ex:p [ sh:inversePath ex:r ] ) ] ;
                          sh:node ex:Named ] ;
            sh:property [ sh:path [ sh:zeroOrMorePath ex:s ] ; sh:nodeKind sh:IRI ] .
        ex:Named a sh:NodeShape ;
            sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix ex: <urn:x:> .
        ex:a ex:p ex:b, [ ex:name "blank" ; ex:t [ ex:u 1 ] ] ; ex:s [ ex:v 2 ] .
        ex:c ex:r ex:a . ex:b ex:q ex:d . ex:e ex:p ex:f .""",
        format="turtle",
    )

    def found() -> list[tuple]:
        results = _pyshacl_run(data, shapes)
        return sorted((result.sort_key(), _sort_text(described)) for result, described in results)

    with tuned():
        raw = found()
    assert raw == found()  # read from pySHACL's report graph
    assert len(raw) == 5  # a: b and c unnamed, a blank through s; e: no q, f unnamed
    texts = "\n".join(map(str, raw))
    for expected in ("sh:detail", "sh:alternativePath", "sh:inversePath", '"pas de q"@fr', "ex:v"):
        assert expected.replace("ex:", "urn:x:").replace("sh:", str(SH)) in texts, expected


def test_shapes_graph_store_answers_afresh_after_every_write() -> None:
    """The shapes graph's store remembers lookups (for speed); writes must not leave it stale."""
    from liaise_lod.validation import _shapes_copy

    graph = _shapes_copy(Graph())
    subject, name = URIRef("urn:x:s"), URIRef("urn:x:name")
    assert graph.value(subject, name) is None
    graph.add((subject, name, Literal("a")))
    assert graph.value(subject, name) == Literal("a")
    graph.set((subject, name, Literal("b")))  # a remove, then an add
    assert set(graph.objects(subject, name)) == {Literal("b")}
    graph.remove((subject, name, None))
    assert list(graph.objects(subject, name)) == []
    graph.addN([(subject, name, Literal("c"), graph)])
    assert list(graph.objects(subject, name)) == [Literal("c")]
    assert len(graph) == 1


def test_shapes_are_shared_out_costliest_first_counting_what_they_lead_to() -> None:
    import importlib

    module = importlib.import_module("liaise_lod.validation")
    dataset = load_dataset(__import__("conftest").EXAMPLE)
    graph = to_graph(dataset)
    shapes = shapes_graph(str(dataset.info.base))
    order = [str(shape).rsplit("#", 1)[-1] for shape in module._targeted_shapes(graph, shapes)]
    # EventDates and ProjectDates are alike (one sh:or of two shapes, five nodes in all), and
    # there are more events than projects.
    events = len(set(graph.subjects(RDF.type, SCHEMA.Event)))
    projects = len(set(graph.subjects(RDF.type, SCHEMA.Project)))
    assert events > projects
    assert order.index("EventDates") < order.index("ProjectDates")
    assert module._size(shapes, URIRef("https://w3id.org/liaise-lod/shapes#EventDates")) == 5
    assert order.index("Event") < order.index("EventDates")


UNTUNED = """
import pyshacl, sys
pyshacl.__version__ = {version!r}
from liaise_lod.cli import main
for _ in range(2):
    main(["validate", sys.argv[1]])
"""


@pytest.mark.parametrize(("version", "warnings"), [("0.39.0", 1), (pyshacl.__version__, 0)])
def test_untuned_validation_says_so_once(tmp_path, version, warnings) -> None:
    import subprocess
    import sys

    mini = Path(__file__).parent / "data" / "mini"
    script = UNTUNED.format(version=version)
    result = subprocess.run(
        [sys.executable, "-c", script, str(mini)], capture_output=True, text=True, check=False
    )
    lines = [line for line in result.stderr.splitlines() if "tuned for" in line]
    assert len(lines) == warnings, result.stderr[-2000:]
    if warnings:
        assert lines[0].startswith("liaise-lod: warning: pySHACL 0.39.0 is not one that")
        assert "0.40.0, 0.40.1" in lines[0]
        assert "Traceback" not in result.stderr


# ------------------------------------------------------------------- completeness and formats

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "liaise2"


def _cli(capsys, *arguments: str) -> tuple[int, str, str]:
    from liaise_lod.cli import main

    code = main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


def test_completeness_warnings_are_held_back_unless_strict(mini_dataset, mini_graph):
    base = mini_dataset.info.base
    lenient = validate_any(mini_graph, base=base)
    strict = validate_any(mini_graph, base=base, strict=True)
    rich = set(strict.rich_results)
    completeness = {r for r in strict.results if r.severity == "warning"} - rich
    assert completeness and lenient.held_back == len(completeness)
    assert rich and rich <= set(strict.results) and lenient.held_back_rich_results == len(rich)
    assert set(lenient.results) == set(strict.results) - completeness - rich
    assert strict.held_back == strict.held_back_rich_results == 0
    assert lenient.headline().endswith(
        f" completeness warnings and {len(rich)} rich-result warnings not shown: --strict shows them)"
    )


def test_the_dataset_settings_can_ask_for_strict(write_dataset):
    from liaise_lod.pipeline import check

    text = "organisations:\n  - {id: o, name: O}\n"
    settings = "dataset:\n  base: https://data.example.org/s/\n  language: en\n"
    lenient = check(write_dataset(data__yaml=settings + text)).report
    strict = check(write_dataset(data__yaml=settings + "  strict: true\n" + text)).report
    assert not lenient.warnings and lenient.held_back
    assert strict.warnings and not strict.held_back


def test_validate_prints_a_summary_by_rule_first(capsys):
    code, out, _ = _cli(capsys, "validate", str(EXAMPLE), "--strict")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("0 violations, ") and " warnings in " in lines[0]
    rule_lines = [line for line in lines if line.startswith("warning   ")]
    assert rule_lines[0].startswith("warning   Organisation-website (")
    assert len(lines) < 60  # one entry per rule, not per result
    assert "organisations.yaml:" in out and "more" in out


def test_validate_v_lists_every_result(capsys):
    _, summary, _ = _cli(capsys, "validate", str(EXAMPLE), "--strict")
    _, details, _ = _cli(capsys, "validate", str(EXAMPLE), "--strict", "-v")
    assert len(details.splitlines()) > 2 * len(summary.splitlines())


def test_validate_json_counts_rules_and_lists_results(capsys):
    code, out, _ = _cli(capsys, "validate", str(EXAMPLE), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["conforms"] and data["held_back"] > 0
    assert data["results"] == [] and data["rules"] == []
    _, out, _ = _cli(capsys, "validate", str(EXAMPLE), "--format", "json", "--strict")
    data = json.loads(out)
    assert sum(rule["count"] for rule in data["rules"]) == len(data["results"]) == data["warnings"]


def test_validate_sarif_locates_each_result(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(EXAMPLE.parent.parent)
    code, out, _ = _cli(capsys, "validate", "examples/liaise2", "--format", "sarif", "--strict")
    log = json.loads(out)
    assert code == 0 and log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "warning"
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert physical["artifactLocation"]["uri"].startswith("examples/liaise2/")
        assert physical["region"]["startLine"] >= 1


def test_validate_sarif_gives_input_problems_too(capsys, write_dataset):
    folder = write_dataset(data__yaml="organisations:\n  - {id: o, nmae: O}\n")
    code, out, _ = _cli(capsys, "validate", str(folder), "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert code == 2 and results
    assert all(r["ruleId"] == "input" and r["level"] == "error" for r in results)
    assert any("nmae" in r["message"]["text"] for r in results)
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_validate_json_has_one_shape_for_reports_and_input_problems(capsys, write_dataset):
    _, out, _ = _cli(capsys, "validate", str(EXAMPLE), "--format", "json")
    report = json.loads(out)
    folder = write_dataset(data__yaml="organisations:\n  - {id: o, nmae: O}\n")
    code, out, _ = _cli(capsys, "validate", str(folder), "--format", "json")
    problems = json.loads(out)
    assert code == 2 and set(problems) == set(report)
    assert not problems["conforms"] and problems["problems"] and report["problems"] == []
    assert problems["problems"][0]["line"] == 2
