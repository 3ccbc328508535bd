"""Google's rich results: the rules (vocab/rich-results.yaml) name schema.org terms and Google's
pages, and validate and publish say which items will get no rich result, and why."""

from __future__ import annotations

import json
import warnings

import pytest

from checkers import SCHEMA, schema_vocabulary
from conftest import EXAMPLE
from liaise_lod import rich_results
from liaise_lod.cli import main
from liaise_lod.errors import LiaiseWarning
from liaise_lod.pipeline import check
from liaise_lod.publish import Settings, publish
from liaise_lod.validation import rule_name

GOOGLE_DOCS = "https://developers.google.com/search/docs/appearance/structured-data/"
SETTINGS = "dataset:\n  base: https://data.example.org/r/\n  language: en\n"


def test_the_rules_name_googles_pages_and_schema_org_terms():
    vocabulary = schema_vocabulary()
    types = rich_results.result_types()
    assert [t.name for t in types] == ["Event", "Organization", "Article", "Dataset"]
    for result_type in types:
        assert result_type.source == GOOGLE_DOCS + result_type.name.lower()
        main_class = SCHEMA + result_type.name
        for cls in result_type.types:
            assert vocabulary.is_subclass(SCHEMA + cls, main_class), cls
        properties = [r.property for r in result_type.required] + list(result_type.recommended)
        for prop in properties:
            assert SCHEMA + prop in vocabulary.properties, prop
            assert vocabulary.fits_domain([main_class], SCHEMA + prop), (result_type.name, prop)
        for requirement in result_type.required:
            for cls, needed in requirement.one_of:
                assert SCHEMA + cls in vocabulary.classes, cls
                allowed = vocabulary.range_includes[SCHEMA + requirement.property]
                assert any(vocabulary.is_subclass(SCHEMA + cls, r) for r in allowed), cls
                for prop in needed:
                    assert vocabulary.fits_domain([SCHEMA + cls], SCHEMA + prop), (cls, prop)


def missed(report) -> set[tuple[str, str]]:
    return {
        (result.record or result.focus_node, rule_name(result.source_shape))
        for result in report.rich_results
    }


def test_the_examples_events_without_a_day_or_a_place_get_no_rich_result():
    report = check(EXAMPLE).report
    assert missed(report) == {
        ("cep-conference-gender-based-violence-2025", "RichResult-Event-startDate"),
        ("cep-general-assembly-15", "RichResult-Event-startDate"),
        ("copper-final-conference", "RichResult-Event-startDate"),
        ("copper-final-conference", "RichResult-Event-location"),
    }
    assert dict(report.rich_result_items)["Event"] == 13
    assert report.rich_result_summary() == [
        "3 of 13 events will get no Google rich result (Event): 3 without a start day, "
        "1 without a location (a place with an address)"
    ]
    assert report.held_back_rich_results == 4 and not report.warnings
    strict = check(EXAMPLE, strict=True).report
    assert set(strict.rich_results) <= set(strict.results)
    lines = {(r.record, r.line) for r in strict.rich_results}
    assert all(r.file and r.file.endswith("events.yaml") for r in strict.rich_results)
    assert lines == {
        ("cep-conference-gender-based-violence-2025", 77),
        ("cep-general-assembly-15", 72),
        ("copper-final-conference", 165),
    }


def test_a_month_is_no_start_day_and_a_place_needs_an_address(write_dataset):
    events = """events:
  - {id: month, name: Month, start: 2025-06, locality: Gent, country: BE}
  - {id: venue, name: Venue only, start: 2025-06-02, venue: Town hall}
  - {id: moment, name: Moment, start: "2025-06-02T09:30+02:00", country: BE}
  - {id: day, name: Day, start: 2025-06-02, locality: Gent}
"""
    report = check(write_dataset(data__yaml=SETTINGS + events), strict=True).report
    assert missed(report) == {
        ("month", "RichResult-Event-startDate"),
        ("venue", "RichResult-Event-location"),
    }
    (month,) = [r for r in report.rich_results if r.record == "month"]
    assert month.value == '"2025-06"^^xsd:gYearMonth' and month.path == "schema:startDate"
    assert month in report.warnings


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("  description: {en: Too short.}\n", True),
        ("  description: {en: " + "A description long enough for Google. " * 2 + "}\n", False),
        ("  description: {en: '" + "x" * 5001 + "'}\n", True),
        ("", False),  # publish writes one from the counts
    ],
)
def test_the_datasets_description_must_be_50_to_5000_characters(write_dataset, description, found):
    text = SETTINGS + description + "organisations:\n  - {id: o, name: O}\n"
    report = check(write_dataset(data__yaml=text)).report
    expected = {("https://data.example.org/r/", "RichResult-Dataset-description")}
    assert missed(report) == (expected if found else set())


def test_publish_warns_once_per_result_type(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        publish(EXAMPLE, tmp_path / "site", Settings(modified="2026-01-15"))
    said = [str(w.message) for w in caught if issubclass(w.category, LiaiseWarning)]
    rich = [text for text in said if "rich result" in text]
    assert rich == [
        "3 of 13 events will get no Google rich result (Event): 3 without a start day, "
        "1 without a location (a place with an address); liaise-lod validate --strict lists them"
    ]


def cli(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_holds_them_back_unless_strict(capsys):
    code, out, _ = cli(capsys, "validate", str(EXAMPLE))
    assert code == 0
    assert out == (
        "0 violations, 0 warnings (142 completeness warnings and 4 rich-result warnings not "
        "shown: --strict shows them)\n"
    )
    code, out, _ = cli(capsys, "validate", str(EXAMPLE), "--strict")
    assert "warning   RichResult-Event-startDate (3): Google shows no event rich result" in out
    assert "warning   RichResult-Event-location (1): " in out


def test_json_and_sarif_carry_them_with_their_rule_and_googles_page(capsys):
    _, out, _ = cli(capsys, "validate", str(EXAMPLE), "--format", "json")
    data = json.loads(out)
    assert data["held_back_rich_results"] == 4 and data["results"] == []
    _, out, _ = cli(capsys, "validate", str(EXAMPLE), "--format", "json", "--strict")
    rules = {rule["rule"]: rule for rule in json.loads(out)["rules"]}
    assert rules["RichResult-Event-startDate"]["count"] == 3
    assert rules["RichResult-Event-startDate"]["help"] == GOOGLE_DOCS + "event"
    assert rules["Event-start"]["help"].endswith("shapes#Event-start")
    _, out, _ = cli(capsys, "validate", str(EXAMPLE), "--format", "sarif", "--strict")
    run = json.loads(out)["runs"][0]
    descriptors = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert descriptors["RichResult-Event-location"]["helpUri"] == GOOGLE_DOCS + "event"
    located = [r for r in run["results"] if r["ruleId"] == "RichResult-Event-location"]
    assert len(located) == 1
    location = located[0]["locations"][0]
    assert location["logicalLocations"][0]["name"] == "copper-final-conference"
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("events.yaml")
