"""Helpers shared by the publish tests: reading the JSON-LD islands of pages offline, serving a
site with `liaise-lod serve` on 127.0.0.1, and GET requests to a server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph

ISLAND = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SCHEMA_CONTEXT = Path(__file__).resolve().parent.parent / "liaise_lod" / "publish"


def islands(html: str) -> list[dict]:
    """Every JSON-LD block of a page, parsed strictly."""
    return [json.loads(block, strict=True) for block in ISLAND.findall(html)]


def schema_loader(url: str, options: dict | None = None) -> dict:
    """A pyld document loader serving the local schema.org context and refusing everything else."""
    from liaise_lod.publish.jsonld_island import schema_context

    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"a JSON-LD processor tried to fetch {url}")
    return {"contextUrl": None, "documentUrl": url, "document": schema_context()}


def to_graph(document: dict | list) -> Graph:
    """A JSON-LD document (schema.org context) as an rdflib graph, expanded offline by pyld."""
    from pyld import jsonld

    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": schema_loader}
    )
    return Graph().parse(data=nquads, format="nt")


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """Run `liaise-lod serve SITE` on a free port of 127.0.0.1; yields its root URL (no final /)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "liaise_lod.cli", "serve", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert "serving" in line, process.stderr.read()
        yield line.split(" at ", 1)[1].split()[0].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str, accept: str | None = None) -> tuple[int, dict, bytes]:
    """GET ``url`` (with an Accept header if given): status, headers and body, errors too."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
