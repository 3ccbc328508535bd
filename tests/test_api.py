"""The public surface: what `liaise_lod` exports, and that importing it costs little."""

from __future__ import annotations

import subprocess
import sys

import liaise_lod

PUBLIC = [
    "BuildResult",
    "ConfigError",
    "Dataset",
    "DatasetInfo",
    "Deliverable",
    "Event",
    "Funding",
    "GraphDiff",
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
    "diff",
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


def test_the_public_api_is_pinned():
    assert sorted(liaise_lod.__all__) == PUBLIC


def test_every_public_name_resolves_and_is_listed_by_dir():
    for name in PUBLIC:
        assert getattr(liaise_lod, name) is not None, name
    assert set(PUBLIC) <= set(dir(liaise_lod))


def test_an_unknown_name_is_an_attribute_error():
    try:
        liaise_lod.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("no AttributeError")


def test_errors_and_warnings_share_their_bases():
    errors = [getattr(liaise_lod, name) for name in PUBLIC if name.endswith(("Error", "Timeout"))]
    assert all(issubclass(error, liaise_lod.LiaiseError) for error in errors)
    assert issubclass(liaise_lod.UntunedValidationWarning, liaise_lod.LiaiseWarning)


HEAVY = ("rdflib", "pyshacl", "pyoxigraph", "pydantic", "yaml", "jinja2", "pyld")


def test_importing_the_package_and_the_cli_loads_no_heavy_library():
    script = (
        "import sys, liaise_lod, liaise_lod.cli\n"
        "liaise_lod.cli.parser().format_help()\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


#: Import names of the distributions pyproject.toml names, where they differ.
IMPORT_NAMES = {"pyyaml": "yaml", "python-stdnum": "stdnum"}


def test_every_package_imported_is_declared():
    """A package the code imports directly is a dependency of its own (or of an extra), not
    one it happens to come with (markupsafe came with jinja2, anyio with httpx)."""
    import ast
    import re
    import tomllib
    from pathlib import Path

    root = Path(liaise_lod.__file__).parent
    imported = set()
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"liaise_lod", "typing_extensions"}
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    # an extra's package (distributed, for --engine dask) is imported only where it is asked for
    extras = project["project"]["optional-dependencies"]
    specs = [*project["project"]["dependencies"]]
    specs += [spec for extra, listed in extras.items() if extra != "test" for spec in listed]
    declared = {
        IMPORT_NAMES.get(name, name)
        for name in (re.split(r"[<>=!\[ ;]", spec)[0].lower() for spec in specs)
    }
    assert third_party <= declared, third_party - declared


def test_plumbing_is_private():
    from pathlib import Path

    package = Path(liaise_lod.__file__).parent
    plumbing = {"allocation", "parallel", "store", "exchange", "json_text", "progress"}
    plumbing |= {"pyshacl_tuning", "resources", "staging", "http_client", "endpoint", "safe_text"}
    public_modules = {path.stem for path in package.glob("*.py")}
    assert not plumbing & public_modules
    assert plumbing <= {path.stem for path in (package / "_internal").glob("*.py")}


def test_the_python_api_starts_no_process_unless_asked(mini_graph, monkeypatch):
    """A host application gets no forked helpers from a large graph unless it asks: the
    command line asks (processes=None: one per core for large inputs)."""
    import os

    from liaise_lod import validation as validate_module
    from liaise_lod._internal import parallel
    from liaise_lod.validation import validate

    monkeypatch.setattr(validate_module, "PARALLEL_MINIMUM", 1)  # the mini graph is "large"
    monkeypatch.setattr(parallel, "available_processes", lambda: 2)
    forks = []
    real_fork = os.fork

    def counting_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    validate(mini_graph, base="https://data.example.org/mini/")
    assert forks == []
    validate(mini_graph, base="https://data.example.org/mini/", processes=None)
    assert forks, "processes=None should let validation fork on a large graph"


def test_a_public_function_is_not_hidden_by_its_module():
    """Importing a submodule sets it on the package: no module may share a public name, or
    `from liaise_lod import validate` would give the module once another import loaded it."""
    import pkgutil

    modules = {info.name for info in pkgutil.iter_modules(liaise_lod.__path__)}
    assert not modules & set(PUBLIC)
    script = (
        "from liaise_lod import build, validate\n"
        "import liaise_lod.graph_store, liaise_lod.validation, liaise_lod.sparql\n"
        "from liaise_lod import push, query\n"
        "print(callable(validate), callable(push), callable(query))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True True True"
