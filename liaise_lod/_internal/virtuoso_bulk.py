"""``push --bulk virtuoso:HOST:PORT``: Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``)
driven through its ``isql`` client (Debian: ``isql-vt``).

The triples are written as N-Triples into the staging folder, which the server must be allowed
to read (``DirsAllowed`` in its ``virtuoso.ini``), and loaded into a temporary graph; then the
graph's version marker is dropped, the temporary graph moved onto the target (SPARQL ``MOVE``),
the target counted, and the marker written. ``isql`` exits 0 even when a statement fails, so its
output is read: any ``*** Error`` line is a failure, and the loader's own record
(``DB.DBA.load_list``: ``ll_state`` 2 and no ``ll_error``) is checked. Whatever happens, the
staged file, the temporary graph and its ``load_list`` row are removed.

``isql`` takes the password only as an argument: it is visible in the process list of the
machine while ``isql`` runs (about as long as the load). It is never printed: text quoted from
``isql`` has it masked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, PushError
from .safe_text import neutralise

if TYPE_CHECKING:
    import pyoxigraph as ox

ISQL_NAMES = ("isql-vt", "isql-v")
_ERROR = re.compile(r"^\*\*\* Error.*$", re.MULTILINE)


def load(
    triples: list[ox.Triple],
    graph: str,
    version: str | None,
    where: str,
    secret: str,
    staging: Path,
    timeout: float,
) -> None:
    import pyoxigraph as ox

    from .graph_version import HAS_VERSION, marker_graph

    for iri in (graph, marker_graph(graph)):
        if ";" in iri or "'" in iri:
            raise ConfigError(f"<{iri}> holds ';' or \"'\", which cannot go through isql")
    isql = Isql(where, secret, timeout)
    temporary = f"urn:liaise-lod:push:{uuid.uuid4()}"
    name = f"liaise-lod-{uuid.uuid4()}.nt"
    staged = staging / name
    try:
        with staged.open("wb") as output:
            ox.serialize(triples, output, ox.RdfFormat.N_TRIPLES)
    except OSError as error:
        raise ConfigError(f"cannot write into --bulk-dir {staging}: {error.strerror}") from None
    try:
        folder = _sql_string(str(staging.resolve()))
        said = isql.run(
            f"ld_dir({folder}, {_sql_string(name)}, {_sql_string(temporary)});\n"
            "rdf_loader_run();\n"
            "SELECT sprintf('LIAISE-LOAD %d %s', ll_state, coalesce(ll_error, '-')) "
            f"FROM DB.DBA.load_list WHERE ll_graph = {_sql_string(temporary)};\n"
            + _count(temporary),
            staging,
        )
        _check_loaded(said, temporary, len(triples))
        isql.run(
            f"SPARQL DROP SILENT GRAPH <{marker_graph(graph)}>;\n"
            f"SPARQL MOVE SILENT GRAPH <{temporary}> TO GRAPH <{graph}>;\n",
            staging,
        )
        held = _counted(isql.run(_count(graph), staging))
        if held != len(triples):
            raise PushError(
                f"Virtuoso's bulk load ended, but <{graph}> holds {held} triples, not the "
                f"{len(triples)} loaded"
            )
        if version is not None:
            marker = f"<{graph}> <{HAS_VERSION}> <{version}>"
            isql.run(f"SPARQL INSERT DATA {{ GRAPH <{marker_graph(graph)}> {{ {marker} }} }};\n")
    finally:
        staged.unlink(missing_ok=True)
        isql.run(
            f"DELETE FROM DB.DBA.load_list WHERE ll_graph = {_sql_string(temporary)};\n"
            f"SPARQL DROP SILENT GRAPH <{temporary}>;\n",
            check=False,
        )


class Isql:
    """Runs SQL through Virtuoso's ``isql`` client; its output read for errors."""

    def __init__(self, where: str, secret: str, timeout: float):
        binary = next((found for name in ISQL_NAMES if (found := shutil.which(name))), None)
        if binary is None:
            raise ConfigError(
                "Virtuoso's isql client (isql-vt) is not on PATH: install it (Debian: "
                "virtuoso-opensource) to use --bulk virtuoso:HOST:PORT"
            )
        user, _, self._password = secret.partition(":")
        self.command = [binary, where, user]
        self.timeout = timeout

    def run(self, script: str, staging: Path | None = None, *, check: bool = True) -> str:
        try:
            done = subprocess.run(
                [*self.command, self._password],
                input=script + "EXIT;\n",
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PushError(f"isql did not end within {self.timeout:g} s") from None
        said = self.masked(done.stdout + done.stderr)
        error = _ERROR.search(said)
        if check and (error or done.returncode):
            raise PushError(_failure(error.group(0) if error else said, staging))
        return said

    def masked(self, text: str) -> str:
        return text.replace(self._password, "***") if self._password else text


def _failure(text: str, staging: Path | None) -> str:
    message = f"Virtuoso's isql: {_line(text, 400)}"
    if "FA003" in text or "access control" in text:
        message += (
            f" (Virtuoso may read only the folders listed in DirsAllowed in its virtuoso.ini: "
            f"add {staging} there and restart it, or give --bulk-dir a folder listed)"
        )
    if "Bad login" in text:
        message += " (check the credentials named by --auth-env)"
    return message


def _check_loaded(said: str, temporary: str, expected: int) -> None:
    state = re.search(r"^LIAISE-LOAD (-?\d+) (.*)$", said, re.MULTILINE)
    if state is None:
        raise PushError(
            f"Virtuoso's loader left no record of loading <{temporary}> (DB.DBA.load_list): "
            "was the file found?"
        )
    if state.group(1) != "2" or state.group(2).strip() != "-":
        raise PushError(f"Virtuoso's loader failed: {_line(state.group(2), 400)}")
    held = _counted(said)
    if held != expected:
        raise PushError(f"Virtuoso's loader read {held} triples, not the {expected} written")


def _count(graph: str) -> str:
    return (
        "SELECT sprintf('LIAISE-COUNT %d', count(*)) FROM DB.DBA.RDF_QUAD "
        f"WHERE G = iri_to_id({_sql_string(graph)});\n"
    )


def _counted(said: str) -> int:
    found = re.findall(r"^LIAISE-COUNT (\d+)$", said, re.MULTILINE)
    if not found:
        raise PushError("isql gave no count of the graph's triples")
    return int(found[-1])


def _line(text: str, limit: int) -> str:
    return neutralise(" ".join(text.split()), limit)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
