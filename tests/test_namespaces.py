"""Our namespaces: each term made once, and otherwise rdflib's Namespace."""

from __future__ import annotations

import pickle

import pytest
from rdflib import Namespace, URIRef

from liaise_lod.namespaces import ORG, SCHEMA


def test_a_term_is_made_once_and_equals_rdflibs():
    assert SCHEMA.name is SCHEMA.name
    assert SCHEMA.name == Namespace("http://schema.org/").name == URIRef("http://schema.org/name")
    assert type(ORG.member) is URIRef
    assert SCHEMA["name"] == SCHEMA.name


def test_special_names_are_not_terms():
    with pytest.raises(AttributeError):
        SCHEMA.__wrapped__  # noqa: B018
    assert not hasattr(SCHEMA, "__length_hint__")


def test_a_namespace_still_pickles_and_compares_as_text():
    SCHEMA.startDate  # noqa: B018  (a remembered term must not get in the way)
    copy = pickle.loads(pickle.dumps(SCHEMA))
    assert copy == "http://schema.org/" and copy.endDate == SCHEMA.endDate


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("http://schema.org/name", "schema:name"),
        ("http://www.w3.org/ns/org#Membership", "org:Membership"),
        ("http://schema.org/123abc", "schema:123abc"),  # Turtle 1.1 and SPARQL take a digit
        ("http://schema.org/odd/name", None),  # "/" would need an escape in Turtle
        ("http://schema.org/", None),  # the bare namespace
        ("http://schema.org/trailing.", None),  # a local part cannot end with "."
        ("http://schema.org/a-b.c_d", "schema:a-b.c_d"),
        ("https://w3id.org/liaise-lod/ns#cofundingRate", "llod:cofundingRate"),
        ("http://example.org/x", None),
    ],
)
def test_one_rule_shortens_every_iri_we_write(iri, expected):
    """Pages, reports, query tables and JSON-LD all shorten through it: the same answer."""
    from liaise_lod.namespaces import shorten
    from liaise_lod.publish.facts import _compact
    from liaise_lod.serialize import context
    from liaise_lod.sparql import shorten as in_tables
    from liaise_lod.validation import _compact as in_reports

    assert shorten(iri) == expected
    assert in_tables(iri) == (expected or f"<{iri}>")
    assert in_reports(iri) == (expected or f"<{iri}>")
    assert _compact(iri) == (expected or iri)
    if expected and expected.split(":")[0] in context().prefixes:
        assert context().compact(iri) == expected


def test_the_longest_namespace_wins():
    from liaise_lod.namespaces import shorten

    prefixes = {"a": "http://x.org/", "b": "http://x.org/y/"}
    assert shorten("http://x.org/y/z", prefixes) == "b:z"
    assert shorten("http://x.org/w", prefixes) == "a:w"
