"""HTML pages (Jinja2, autoescaped) and the per-resource data files beside them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..serialize import from_sorted, jsonld, sorted_triples
from .facts import Describer
from .index import SiteIndex
from .jsonld_island import island, script_json
from .paths import relative_url


@dataclass(frozen=True)
class SiteInfo:
    """What every page states about the site: its title, base IRI and licence."""

    title: str
    base: str
    license: str
    license_name: str


@cache
def environment() -> Environment:
    """The Jinja2 environment: templates from the package, HTML always escaped."""
    return Environment(
        loader=PackageLoader("liaise_lod.publish", "templates"),
        auto_reload=False,  # templates ship with the package: no stat() before every page
        autoescape=select_autoescape(["html"], default=True),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **values: Any) -> bytes:
    """A template rendered to UTF-8 bytes."""
    return environment().get_template(template).render(**values).encode("utf-8")


def root_of(path: str) -> str:
    """The relative URL of the site root from the page at ``path``."""
    url = relative_url(path, "")
    return "" if url == "./" else url


def resource_files(
    iri: str, index: SiteIndex, describer: Describer, site: SiteInfo
) -> dict[str, bytes]:
    """The page of one resource and its description as Turtle, JSON-LD and N-Triples, keyed by
    their path in the site."""
    triples = index.description(iri)
    facts = describer.facts(iri)
    path = facts.path
    html = render(
        "resource.html",
        facts=facts,
        site=site,
        title=facts.title,
        root=root_of(path),
        name=PurePosixPath(path).name,
        canonical=iri,
        island=script_json(island(iri, triples)),
    )
    ox_triples = sorted_triples(triples)
    return {
        f"{path}.html": html,
        f"{path}.ttl": from_sorted(ox_triples, "turtle", site.base),
        f"{path}.nt": from_sorted(ox_triples, "ntriples"),
        f"{path}.jsonld": jsonld(triples),
    }
