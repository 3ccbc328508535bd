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
