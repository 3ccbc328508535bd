"""Identifiers EU project data is joined on: checked, kept in one form, linked."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from rdflib import Literal, URIRef

from liaise_lod.identifiers import SCHEMES
from liaise_lod.mapping import to_graph
from liaise_lod.model import Dataset, Organisation, Project
from liaise_lod.namespaces import OWL, RDF, SCHEMA

GOOD = [
    ("ror", "03yrm5c26", "03yrm5c26"),
    ("ror", "https://ror.org/05dxps055", "05dxps055"),
    ("ror", " 00F54P054 ", "00f54p054"),
    ("wikidata", "Q458", "Q458"),
    ("wikidata", "https://www.wikidata.org/wiki/Q458", "Q458"),
    ("wikidata", "http://www.wikidata.org/entity/Q42", "Q42"),
    ("pic", "999999999", "999999999"),
    ("vat", "BE 0403.019.261", "BE0403019261"),
    ("vat", "nl004495445b01", "NL004495445B01"),
    ("funder_id", "501100000780", "501100000780"),
    ("funder_id", "10.13039/501100000780", "501100000780"),
    ("funder_id", "https://doi.org/10.13039/100000001", "100000001"),
    ("grant_agreement", "101021817", "101021817"),
    ("cordis", "777555", "777555"),
    ("doi", "10.3030/101021817", "10.3030/101021817"),
    ("doi", "https://doi.org/10.3030/101021817", "10.3030/101021817"),
]
BAD = [
    ("ror", "03yrm5c27", "check digits"),
    ("ror", "13yrm5c26", "not a ROR id"),
    ("ror", "03yrl5c26", "not a ROR id"),  # no l in ROR's alphabet
    ("wikidata", "P31", "Q number"),
    ("wikidata", "Q0", "Q number"),
    ("pic", "12345678", "9 digits"),
    ("vat", "BE0403019262", "check digits do not match"),
    ("vat", "XX123456789", "EU VAT number"),
    ("funder_id", "10.1000/501100000780", "Crossref Funder ID"),
    ("grant_agreement", "10-1", "grant agreement number"),
    ("doi", "10.1000/101021817", "CORDIS project DOI"),
]


@pytest.mark.parametrize(("scheme", "written", "kept"), GOOD)
def test_identifiers_are_kept_in_one_form(scheme, written, kept):
    assert SCHEMES[scheme].normalise(written) == kept


@pytest.mark.parametrize(("scheme", "written", "says"), BAD)
def test_wrong_identifiers_say_what_is_wrong(scheme, written, says):
    with pytest.raises(ValueError, match=says):
        SCHEMES[scheme].normalise(written)


def test_any_one_changed_character_of_a_ror_id_is_caught():
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    ror = "03yrm5c26"
    for position in range(1, 7):
        for character in alphabet:
            if character != ror[position]:
                changed = ror[:position] + character + ror[position + 1 :]
                with pytest.raises(ValueError):
                    SCHEMES["ror"].normalise(changed)


def test_a_doi_must_name_the_grant_agreement():
    with pytest.raises(ValidationError, match="names grant agreement 101021817, not 101021818"):
        Project(id="p", name={"en": "P"}, doi="10.3030/101021817", grant_agreement="101021818")


def test_identifiers_are_property_values_and_the_iris_same_as():
    base = "https://data.example.org/i/"
    dataset = Dataset(
        organisations=[
            Organisation(id="o", name={"en": "O"}, ror="03yrm5c26", vat="BE0403019261"),
        ],
        projects=[Project(id="p", name={"en": "P"}, cordis="101021817", doi="10.3030/101021817")],
    )
    graph = to_graph(dataset, base=base)
    organisation, project = URIRef(base + "organisation/o"), URIRef(base + "project/p")
    ror = URIRef("https://ror.org/03yrm5c26")
    assert (organisation, OWL.sameAs, ror) in graph and (organisation, SCHEMA.sameAs, ror) in graph
    node = URIRef(base + "organisation/o#identifier-vat")
    assert (organisation, SCHEMA.identifier, node) in graph
    assert (node, RDF.type, SCHEMA.PropertyValue) in graph
    assert (node, SCHEMA.propertyID, Literal("VAT")) in graph
    assert (node, SCHEMA.value, Literal("BE0403019261")) in graph
    assert list(graph.objects(organisation, OWL.sameAs)) == [ror]  # a VAT number is no IRI
    cordis = URIRef(base + "project/p#identifier-cordis")
    assert (cordis, SCHEMA.url, URIRef("https://cordis.europa.eu/project/id/101021817")) in graph
    assert (project, OWL.sameAs, URIRef("https://doi.org/10.3030/101021817")) in graph
    assert (
        project,
        OWL.sameAs,
        URIRef("https://cordis.europa.eu/project/id/101021817"),
    ) not in graph


def test_a_wrong_identifier_in_a_file_is_located(write_dataset):
    from liaise_lod.errors import InputError
    from liaise_lod.load import load_dataset

    folder = write_dataset(
        data__yaml="dataset: {base: 'https://data.example.org/i/', language: en}\n"
        "organisations:\n  - id: o\n    name: O\n    ror: 03yrm5c27\n"
    )
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.record, problem.field, problem.line) == ("o", "ror", 5)
    assert "check digits" in problem.message
