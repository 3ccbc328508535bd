"""A dataset's own vocabularies (vocab/*.ttl): new schemes, concepts added to ours, concepts of
an outside thesaurus; checked where they are written, mapped and published like ours."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from liaise_lod.errors import InputError
from liaise_lod.load import load_dataset
from liaise_lod.mapping import to_graph
from liaise_lod.namespaces import DCTERMS, ORG, RDF, SCHEMA, SKOS
from liaise_lod.pipeline import check

CLIMATE = Path(__file__).parent / "data" / "climate"
BASE = "https://data.example.org/climate/"
OURS = "https://w3id.org/liaise-lod/vocab/"
EUROVOC = URIRef("http://eurovoc.europa.eu/5482")


@pytest.fixture(scope="module")
def graph():
    return to_graph(load_dataset(CLIMATE))


def test_records_name_the_datasets_concepts_by_code_or_iri(graph):
    project = URIRef(BASE + "project/dunes")
    topics = set(graph.objects(project, DCTERMS.subject))
    assert topics == {URIRef(BASE + "vocab/climate-topic/adaptation"), EUROVOC}
    event = URIRef(BASE + "event/dune-walk")
    assert (event, DCTERMS.type, URIRef(BASE + "vocab/field-visit")) in graph
    assert (event, RDF.type, SCHEMA.EducationEvent) in graph  # the added kind's schema type
    water = URIRef(BASE + "organisation/water-board")
    assert (water, RDF.type, SCHEMA.GovernmentOrganization) in graph
    observer = URIRef(BASE + "participation/dunes--harbour-city--observer")
    assert (observer, ORG.role, URIRef(BASE + "vocab/observer")) in graph


def test_the_graph_holds_the_schemes_the_data_uses_and_no_other(graph):
    schemes = {str(s) for s in graph.subjects(RDF.type, SKOS.ConceptScheme)}
    assert BASE + "vocab/climate-topic" in schemes
    assert OURS + "role" in schemes and OURS + "organisation-kind" in schemes
    assert OURS + "topic" not in schemes and OURS + "deliverable-kind" not in schemes
    assert (EUROVOC, SKOS.prefLabel, Literal("climate change", lang="en")) in graph
    adaptation = URIRef(BASE + "vocab/climate-topic/adaptation")
    assert (adaptation, SKOS.exactMatch, EUROVOC) in graph
    assert (URIRef(BASE + "vocab/climate-topic/sea-level-rise"), SKOS.inScheme, None) in graph


def test_the_dataset_conforms():
    report = check(CLIMATE, strict=False).report
    assert report.conforms and not report.results


def test_the_site_publishes_the_datasets_schemes_like_ours(tmp_path):
    from liaise_lod.publish import publish

    site = tmp_path / "site"
    publish(CLIMATE, site)
    for page in ("vocab/climate-topic", "vocab/climate-topic/adaptation", "vocab/observer"):
        assert (site / f"{page}.html").is_file(), page
        assert (site / f"{page}.ttl").is_file(), page
    assert (site / "schemes" / "own" / "climate.ttl").is_file()
    assert (site / "schemes" / "roles.ttl").is_file()
    assert not (site / "schemes" / "topics.ttl").exists()
    assert not (site / "vocab" / "topic").exists()  # no page of topics the data does not use
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "schemes/own/climate.ttl" in index


def write(folder: Path, vocabulary: str, data: str = "") -> Path:
    shutil.copytree(CLIMATE, folder)
    (folder / "vocab" / "extra.ttl").write_text(PREFIXES + vocabulary, encoding="utf-8")
    if data:
        (folder / "more.yaml").write_text(data, encoding="utf-8")
    return folder


PREFIXES = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ours: <https://w3id.org/liaise-lod/vocab/> .
@prefix ex: <https://data.example.org/climate/vocab/x/> .
"""


def problems(folder: Path) -> list[tuple[str, int | None, str]]:
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    return [(Path(p.file).name, p.line, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("vocabulary", "line", "says"),
    [
        (
            "ex:a a skos:Concept ; skos:inScheme ours:topic ; skos:notation 'a' .\n",
            4,
            "needs a name",
        ),
        (
            "ex:a a skos:Concept ; skos:notation 'a' ;\n"
            "  skos:prefLabel 'A'@en, 'B'@en ; skos:inScheme ours:topic .\n",
            4,
            "2 skos:prefLabel in 'en': give one per language",
        ),
        (
            "ex:a a skos:Concept ; skos:prefLabel 'A'@en ; skos:inScheme ours:role .\n",
            4,
            "needs a code",
        ),
        (
            "ex:a a skos:Concept ; skos:prefLabel 'A'@en ; skos:inScheme ours:role ;\n"
            "  skos:notation 'partner' .\n",
            4,
            "is ours in https://w3id.org/liaise-lod/vocab/role already",
        ),
        (
            "ex:a a skos:Concept ; skos:prefLabel 'A'@en ; skos:notation 'no spaces' .\n",
            4,
            "cannot be written in a data file",
        ),
        (
            "ex:a skos:prefLabel 'A'@en ; skos:inScheme ex:s ; skos:notation 'a' .\n",
            4,
            "add 'a skos:Concept'",
        ),
        (
            "\n\nex:a a skos:Concept ; skos:prefLabel 'A'@en ; skos:broader ex:a .\n",
            6,
            "a loop of broader",
        ),
        ("ex:a a skos:Concept ; skos:prefLabel 'unclosed .\n", 4, "not Turtle"),
    ],
)
def test_problems_of_a_vocabulary_file_are_located_in_it(tmp_path, vocabulary, line, says):
    found = problems(write(tmp_path / "d", vocabulary))
    assert any(
        name == "extra.ttl" and at == line and says in message for name, at, message in found
    ), found


def test_a_code_given_twice_in_a_scheme(tmp_path):
    vocabulary = (
        "ex:a a skos:Concept ; skos:prefLabel 'A'@en ; skos:inScheme ours:topic ; skos:notation 'dup' .\n"
        "ex:b a skos:Concept ; skos:prefLabel 'B'@en ; skos:inScheme ours:topic ; skos:notation 'dup' .\n"
    )
    found = problems(write(tmp_path / "d", vocabulary))
    assert [(at, "given to 2 concepts" in message) for _, at, message in found] == [
        (4, True),
        (5, True),
    ]


def test_an_unknown_code_or_an_undescribed_iri_is_reported_in_the_data(tmp_path):
    folder = write(
        tmp_path / "d",
        "",
        "projects:\n  - {id: p2, name: P2, topics: [drought, 'http://eurovoc.europa.eu/9999']}\n",
    )
    found = problems(folder)
    assert ("more.yaml", 2, found[0][2]) == found[0] and "unknown topic 'drought'" in found[0][2]
    assert "no concept of the dataset's vocabularies" in found[1][2]


def test_a_participation_named_by_its_roles_iri_gets_the_roles_code_in_its_id():
    from liaise_lod.model import Participation

    role = "https://w3id.org/liaise-lod/vocab/role/associate-partner"
    made = Participation.model_validate({"organisation": "o", "project": "p", "role": f" {role}"})
    assert made.id == "p--o--associate-partner"
