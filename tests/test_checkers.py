"""Each independent checker in checkers.py accepts a good sample and rejects a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

import checkers

FIXTURES = Path(__file__).resolve().parent / "independent"
CONTEXT_URL = "https://example.org/test/context.jsonld"
CONTEXT_MAP = {CONTEXT_URL: FIXTURES / "context.jsonld"}

PREFIXES = """
@prefix schema: <http://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix : <https://example.org/> .
"""


def turtle(text: str) -> Graph:
    """A graph from a Turtle snippet, with the usual prefixes declared."""
    return Graph().parse(data=PREFIXES + text, format="turtle")


# --- tool availability ----------------------------------------------------------------------


def test_missing_tool_skips_on_a_developer_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        checkers.require_executable("no-such-tool-liaise", "apt-get install nothing")


def test_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not installed"):
        checkers.require_executable("no-such-tool-liaise", "apt-get install nothing")


# --- serdi ----------------------------------------------------------------------------------


def test_serdi_counts_good_turtle() -> None:
    assert checkers.serdi_triple_count(FIXTURES / "good.ttl", "turtle") == 4


def test_serdi_counts_good_ntriples() -> None:
    assert checkers.serdi_triple_count(FIXTURES / "good.nt", "ntriples") == 2


@pytest.mark.parametrize(
    ("name", "syntax", "message"),
    [
        ("broken.ttl", "turtle", r"broken\.ttl:5"),
        ("no-final-dot.nt", "ntriples", "serdi rejected"),
        ("bad-language-tag.nt", "ntriples", "serdi rejected"),
        ("good.ttl", "ntriples", "serdi rejected"),
        ("relative.ttl", "turtle", r"relative or file: IRIs.*event/1"),
    ],
)
def test_serdi_rejects_bad_input(name: str, syntax: str, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        checkers.serdi_triple_count(FIXTURES / name, syntax)


def test_serdi_refuses_unknown_syntax() -> None:
    with pytest.raises(ValueError, match="syntax"):
        checkers.serdi_triple_count(FIXTURES / "good.ttl", "rdfxml")


# --- jsonld.js ------------------------------------------------------------------------------


def test_jsonld_gives_expected_nquads() -> None:
    nquads = checkers.jsonld_to_nquads(FIXTURES / "event.jsonld", CONTEXT_MAP)
    expected = (FIXTURES / "event.nq").read_text(encoding="utf-8")
    assert set(nquads.splitlines()) == set(expected.splitlines())


def test_jsonld_safe_mode_rejects_undefined_term() -> None:
    with pytest.raises(AssertionError, match="stratDate"):
        checkers.jsonld_to_nquads(FIXTURES / "undefined-term.jsonld", CONTEXT_MAP)


def test_jsonld_loader_refuses_unmapped_context() -> None:
    with pytest.raises(AssertionError, match=r"refusing to load https://schema\.org"):
        checkers.jsonld_to_nquads(FIXTURES / "remote-context.jsonld", CONTEXT_MAP)


def test_jsonld_loader_refuses_everything_without_a_map() -> None:
    with pytest.raises(AssertionError, match="refusing to load"):
        checkers.jsonld_to_nquads(FIXTURES / "event.jsonld", {})


# --- Nu Html Checker ------------------------------------------------------------------------

VALID_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>
<body><main><h1>Fine</h1><p>A valid page.</p></main></body></html>
"""


def test_nu_checker_accepts_a_valid_page(tmp_path: Path) -> None:
    page = tmp_path / "fine.html"
    page.write_text(VALID_PAGE, encoding="utf-8")
    assert checkers.html_problems([page]) == []


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (VALID_PAGE.replace("<title>Fine</title>", ""), "title"),  # an error
        (VALID_PAGE.replace("</p>", "</div>"), "Stray end tag"),  # an error
        (VALID_PAGE.replace(' lang="en"', ""), "lang"),  # a warning
    ],
)
def test_nu_checker_reports_errors_and_warnings(tmp_path: Path, broken: str, message: str) -> None:
    page = tmp_path / "broken.html"
    page.write_text(broken, encoding="utf-8")
    problems = checkers.html_problems([page])
    assert any(message in problem and "broken.html:" in problem for problem in problems), problems


# --- vocabularies ---------------------------------------------------------------------------


def test_schema_vocabulary_knows_classes_properties_and_members() -> None:
    schema = checkers.schema_vocabulary()
    assert f"{checkers.SCHEMA}Event" in schema.classes
    assert f"{checkers.SCHEMA}startDate" in schema.properties
    assert f"{checkers.SCHEMA}EventScheduled" in schema
    assert f"{checkers.SCHEMA}fooBar" not in schema
    assert schema.is_subclass(f"{checkers.SCHEMA}NGO", f"{checkers.SCHEMA}Organization")
    assert not schema.is_subclass(f"{checkers.SCHEMA}Organization", f"{checkers.SCHEMA}NGO")
    assert f"{checkers.SCHEMA}Role" in schema.domain_includes[f"{checkers.SCHEMA}startDate"]


def test_org_vocabulary_knows_terms_and_unfolds_union_domains() -> None:
    org = checkers.org_vocabulary()
    assert f"{checkers.ORG}Membership" in org.classes
    assert f"{checkers.ORG}memberDuring" in org.properties
    assert org.is_subclass(
        f"{checkers.ORG}OrganizationalCollaboration", f"{checkers.ORG}Organization"
    )
    assert f"{checkers.ORG}Membership" in org.domain_includes[f"{checkers.ORG}role"]


def test_known_terms_are_not_reported() -> None:
    graph = turtle("""
        :p a schema:Project, org:OrganizationalCollaboration ; schema:name "P" .
        :e a schema:Event ; schema:eventStatus schema:EventScheduled .
        :m a org:Membership ; org:member :a ; org:organization :p .
    """)
    assert checkers.unknown_terms(graph) == []


def test_unknown_terms_are_reported() -> None:
    graph = turtle("""
        :p a schema:Projekt ; schema:fooBar "x" ; org:memberz :a .
        :e a schema:Event ; schema:eventStatus schema:EventPlanned .
        :x <https://schema.org/name> "https, not http" .
    """)
    assert checkers.unknown_terms(graph) == [
        "http://schema.org/EventPlanned",
        "http://schema.org/Projekt",
        "http://schema.org/fooBar",
        "http://www.w3.org/ns/org#memberz",
        "https://schema.org/name",
    ]


def test_superseded_terms_are_reported() -> None:
    graph = turtle(':v a schema:VideoObject ; schema:interactionCount "3" .')
    assert checkers.superseded_terms(graph) == [
        "schema:interactionCount (superseded by schema:interactionStatistic)"
    ]


def test_start_date_on_organization_is_a_domain_violation() -> None:
    graph = turtle(':o a schema:Organization ; schema:startDate "2024-01-01" .')
    [problem] = checkers.domain_violations(graph)
    assert "<https://example.org/o>" in problem
    assert "schema:Organization" in problem
    assert "schema:startDate" in problem


def test_start_date_on_project_is_a_domain_violation() -> None:
    graph = turtle(':p a schema:Project ; schema:startDate "2024-01-01" .')
    assert len(checkers.domain_violations(graph)) == 1


@pytest.mark.parametrize("cls", ["schema:Event", "schema:OrganizationRole", "schema:BusinessEvent"])
def test_start_date_fits_events_and_roles(cls: str) -> None:
    graph = turtle(f':x a {cls} ; schema:startDate "2024-01-01" .')
    assert checkers.domain_violations(graph) == []


def test_subclasses_inherit_the_domain() -> None:
    graph = turtle(':n a schema:NGO ; schema:name "N" ; schema:foundingDate "2001-01-01" .')
    assert checkers.domain_violations(graph) == []


def test_one_fitting_type_among_several_is_enough() -> None:
    graph = turtle("""
        :m a schema:OrganizationRole, org:Membership ;
            schema:roleName "partner" ; schema:startDate "2024-01-01" .
    """)
    assert checkers.domain_violations(graph) == []


def test_equivalent_class_of_another_vocabulary_fits() -> None:
    graph = turtle(":d a dcat:Dataset ; schema:distribution [ a schema:DataDownload ] .")
    assert checkers.domain_violations(graph) == []


def test_role_pattern_allows_the_linking_property() -> None:
    graph = turtle("""
        :p a schema:Project ; schema:member :r .
        :r a schema:OrganizationRole ; schema:member :a ; schema:startDate "2024-01-01" .
        :a a schema:NGO .
    """)
    assert checkers.domain_violations(graph) == []


def test_role_without_incoming_property_is_a_violation() -> None:
    graph = turtle(":r a schema:OrganizationRole ; schema:member :a .")
    [problem] = checkers.domain_violations(graph)
    assert "schema:member" in problem


@pytest.mark.parametrize(
    "text",
    [
        ':x schema:name "untyped" .',
        ':c a skos:Concept ; schema:name "no schema.org type" .',
    ],
)
def test_subject_without_schema_type_is_a_violation(text: str) -> None:
    [problem] = checkers.domain_violations(turtle(text))
    assert "schema:name" in problem
