"""Mapping: both vocabularies, stable IRIs, no blank nodes, the patterns consumers rely on."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from liaise_lod.mapping import to_graph
from liaise_lod.model import Dataset, Organisation, Participation, Project
from liaise_lod.namespaces import (
    DCTERMS,
    EU_COUNTRY,
    EU_LANGUAGE,
    FOAF,
    LLOD,
    ORG,
    RDF,
    SCHEMA,
    TIME,
    XSD,
)

BASE = "https://data.example.org/mini/"
ROLE = "https://w3id.org/liaise-lod/vocab/role/"


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def test_no_blank_nodes_and_everything_under_base_or_known(mini_graph):
    for triple in mini_graph:
        assert not any(isinstance(term, BNode) for term in triple), triple


def test_project_speaks_both_vocabularies(mini_graph):
    project = iri("project/alpha")
    assert {SCHEMA.Project, ORG.OrganizationalCollaboration} <= set(
        mini_graph.objects(project, RDF.type)
    )
    assert (project, SCHEMA.name, Literal("Projet Alpha", lang="fr")) in mini_graph
    assert (project, SCHEMA.foundingDate, Literal("2016-01", datatype=XSD.gYearMonth)) in mini_graph
    assert (project, SCHEMA.startDate, None) not in mini_graph  # not in Organization's domain
    assert (project, LLOD.continues, iri("project/alpha-zero")) in mini_graph
    assert (project, DCTERMS.relation, iri("project/alpha-zero")) in mini_graph


def test_participation_is_membership_and_organization_role(mini_graph):
    node = iri("participation/alpha--la-haye--partner")
    project, member = iri("project/alpha"), iri("organisation/la-haye")
    assert {ORG.Membership, SCHEMA.OrganizationRole} <= set(mini_graph.objects(node, RDF.type))
    for triple in [
        (node, ORG.member, member),
        (node, ORG.organization, project),
        (node, ORG.role, URIRef(ROLE + "partner")),
        (node, SCHEMA.roleName, URIRef(ROLE + "partner")),
        (project, SCHEMA.member, node),
        (node, SCHEMA.member, member),
        (project, ORG.hasMember, member),
        (member, ORG.memberOf, project),
        (node, SCHEMA.startDate, Literal("2016-01-01", datatype=XSD.date)),
    ]:
        assert triple in mini_graph, triple
    period = mini_graph.value(node, ORG.memberDuring)
    assert period == URIRef(f"{node}#period")
    start = mini_graph.value(period, TIME.hasBeginning)
    assert mini_graph.value(start, TIME.inXSDDate) == Literal("2016-01-01", datatype=XSD.date)


def test_lead_becomes_the_coordinator(mini_graph):
    node = iri("participation/alpha--forum--coordinator")
    assert (node, ORG.role, URIRef(ROLE + "coordinator")) in mini_graph


def test_funding_is_a_monetary_grant(mini_graph):
    grant = iri("project/alpha#funding-union")
    assert (iri("project/alpha"), SCHEMA.funding, grant) in mini_graph
    assert (grant, SCHEMA.funder, iri("organisation/union")) in mini_graph
    amount = mini_graph.value(grant, SCHEMA.amount)
    assert mini_graph.value(amount, SCHEMA.value) == Literal("1000.5", datatype=XSD.decimal)
    assert mini_graph.value(amount, SCHEMA.currency) == Literal("EUR")
    assert mini_graph.value(grant, LLOD.cofundingRate) == Literal("0.8", datatype=XSD.decimal)


def test_event_location_and_country_authority(mini_graph):
    event = iri("event/seminar-1")
    place = mini_graph.value(event, SCHEMA.location)
    address = mini_graph.value(place, SCHEMA.address)
    assert address == URIRef(f"{event}#place-address")
    assert mini_graph.value(address, SCHEMA.addressCountry) == Literal("NL")
    assert (place, DCTERMS.spatial, EU_COUNTRY.NLD) in mini_graph
    assert (iri("project/alpha"), SCHEMA.event, event) in mini_graph
    assert (event, SCHEMA.workFeatured, iri("publication/slides")) in mini_graph
    dated = iri("event/seminar-2")
    assert mini_graph.value(dated, SCHEMA.startDate).datatype == XSD.dateTime
    assert (iri("event/series"), SCHEMA.subEvent, dated) in mini_graph


def test_publication_languages_and_translations(mini_graph):
    french, english = iri("publication/guide-fr"), iri("publication/guide-en")
    assert (french, SCHEMA.inLanguage, Literal("fr")) in mini_graph
    assert (french, DCTERMS.language, EU_LANGUAGE.FRA) in mini_graph
    assert (french, SCHEMA.translationOfWork, english) in mini_graph
    assert (english, SCHEMA.workTranslation, french) in mini_graph
    assert (english, SCHEMA.producer, iri("project/alpha")) in mini_graph


def test_personal_data_only_when_the_record_says_so(mini_graph):
    assert (iri("person/ada"), SCHEMA.email, None) not in mini_graph
    assert (iri("person/bob"), SCHEMA.email, Literal("bob@example.org")) in mini_graph
    assert not any("ada@example.org" in str(term) for triple in mini_graph for term in triple)


def test_kind_gives_the_schema_type(mini_graph):
    assert (iri("organisation/la-haye"), RDF.type, SCHEMA.GovernmentOrganization) in mini_graph
    assert (iri("event/series"), RDF.type, SCHEMA.EventSeries) in mini_graph
    assert (
        iri("organisation/forum-branch"),
        ORG.subOrganizationOf,
        iri("organisation/forum"),
    ) in mini_graph


def test_every_resource_also_has_the_general_class(mini_graph):
    """Consumers without inference find every event, work and agent by one class."""
    generals = {
        "event": SCHEMA.Event,
        "publication": SCHEMA.CreativeWork,
        "organisation": FOAF.Agent,
        "person": FOAF.Agent,
    }
    for kind, general in generals.items():
        subjects = {s for s in mini_graph.subjects(RDF.type) if f"/{kind}/" in s and "#" not in s}
        assert subjects, kind
        for subject in subjects:
            assert (subject, RDF.type, general) in mini_graph, subject
    assert (iri("event/series"), RDF.type, SCHEMA.Event) in mini_graph
    assert (iri("organisation/la-haye"), RDF.type, SCHEMA.Organization) in mini_graph


def test_python_records_and_files_give_the_same_graph(write_dataset):
    from rdflib.compare import isomorphic

    from liaise_lod.load import load_dataset

    folder = write_dataset(
        data__yaml="""\
        dataset: {base: "https://data.example.org/t/", language: en}
        organisations:
          - {id: efus, name: Efus, kind: network, country: FR}
        projects:
          - {id: p, name: {en: P}, lead: efus}
        participations:
          - {organisation: efus, project: p, role: partner}
        """
    )
    built = Dataset(
        organisations=[Organisation(id="efus", name={"en": "Efus"}, kind="network", country="FR")],
        projects=[Project(id="p", name={"en": "P"}, lead="efus")],
        participations=[Participation(organisation="efus", project="p", role="partner")],
    )
    base = "https://data.example.org/t/"
    assert isomorphic(to_graph(load_dataset(folder)), to_graph(built, base))


def test_dataset_built_in_python_is_checked():
    import pytest

    from liaise_lod.errors import InputError

    with pytest.raises(InputError, match="unknown reference 'ghost'"):
        Dataset(projects=[Project(id="p", name={"en": "P"}, lead="ghost")])


def test_each_distinct_term_is_one_object_in_the_graph(mini_dataset):
    """Mapping interns its terms: a record's IRI linked from many triples is held once."""
    graph = to_graph(mini_dataset, vocabularies=False)
    terms = [term for triple in graph for term in triple]
    assert len(terms) > 3 * 100
    assert len({id(term) for term in terms}) == len(set(terms))


def test_every_part_of_an_address_is_stated():
    dataset = Dataset(
        organisations=[
            Organisation(
                id="o",
                name={"en": "O"},
                street="Example Street 1",
                postcode="1000 AA",
                locality="Example Town",
                region="Example Region",
                country="NL",
            ),
            Organisation(id="bare", name={"en": "Bare"}),
        ]
    )
    base = "https://data.example.org/a/"
    graph = to_graph(dataset, base=base)
    address = URIRef(base + "organisation/o#address")
    schema = "http://schema.org/"
    stated = {
        str(p)[len(schema) :]: str(o) for p, o in graph.predicate_objects(address) if p != RDF.type
    }
    assert stated == {
        "streetAddress": "Example Street 1",
        "postalCode": "1000 AA",
        "addressLocality": "Example Town",
        "addressRegion": "Example Region",
        "addressCountry": "NL",
    }
    assert not list(graph.predicate_objects(URIRef(base + "organisation/bare#address")))


def test_numbers_are_written_with_every_digit():
    """Decimal.normalize() rounded to 28 digits: a figure of 36 came out changed."""
    from decimal import Decimal

    from liaise_lod.mapping.emit import number_literal

    cases = {
        "123456789012345678.123456789012345678": (
            "123456789012345678.123456789012345678",
            XSD.decimal,
        ),
        "1.500": ("1.5", XSD.decimal),
        "-0.000000000000000001": ("-0.000000000000000001", XSD.decimal),
        "1.000000000000000000000000000000": ("1", XSD.integer),
        "1E+17": ("100000000000000000", XSD.integer),
        "-0": ("0", XSD.integer),
    }
    for text, (lexical, datatype) in cases.items():
        literal = number_literal(Decimal(text))
        assert (str(literal), literal.datatype) == (lexical, datatype), text
