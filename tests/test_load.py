"""Loading: every kind of bad input is reported with file, line, record and field, all at once."""

from __future__ import annotations

import json

import pytest

from liaise_lod.errors import InputError
from liaise_lod.load import load_dataset

SETTINGS = """\
dataset:
  base: https://data.example.org/t/
  language: en
"""
ORGS = """\
organisations:
  - id: efus
    name: Efus
    kind: network
    country: FR
"""


def problems_of(folder) -> list:
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    return caught.value.problems


def only_problem(folder):
    problems = problems_of(folder)
    assert len(problems) == 1, problems
    return problems[0]


BAD_RECORDS = [
    # (yaml after the settings (lines 1-3) and one organisation (4-8), field, message, line)
    (
        "  - id: x\n    name: X\n    nmae: X\n",
        "nmae",
        "unknown field 'nmae'; did you mean 'name'",
        11,
    ),
    ("  - id: x\n    kind: city\n", "name", "missing required field 'name'", 9),
    ("  - id: x\n    name: X\n    country: XX\n", "country", "unknown country 'XX'", 11),
    (
        "  - id: x\n    name: X\n    kind: castle\n",
        "kind",
        "unknown organisation kind 'castle'",
        11,
    ),
    ("  - id: x\n    name: {en_GB: X}\n", "name.en_GB", "not a BCP 47 language tag", 10),
    ("  - id: x\n    name: {xx: X}\n", "name.xx", "unknown language 'xx'", 10),
    ("  - id: x\n    name: X\n    website: efus.eu\n", "website", "not an http(s) URL", 11),
    ("  - id: x\n    name: X\n    website: 'https://a b'\n", "website", "not an http(s) URL", 11),
    ("  - id: X_1\n    name: X\n", "id", "not a safe id", 9),
    ("  - id: ../etc\n    name: X\n", "id", "not a safe id", 9),
    ("  - id: x\n    name: X\n    parent: nobody\n", "parent", "unknown reference 'nobody'", 11),
    ("  - id: efus\n    name: Again\n", "id", "duplicate id 'efus'", 9),
]


@pytest.mark.parametrize(("body", "field", "words", "line"), BAD_RECORDS)
def test_bad_organisation_is_located(write_dataset, body, field, words, line):
    folder = write_dataset(data__yaml=SETTINGS + ORGS + body)
    problem = only_problem(folder)
    assert problem.file.endswith("data.yaml")
    assert problem.field == field
    assert words in problem.message
    assert problem.line == line
    assert problem.record in ("x", "X_1", "../etc", "efus")


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ("start: 2016-02-30", "start", "not a real calendar date"),
        ("start: 26/05/2016", "start", "is not a date"),
        ("start: 2016-05-26T09:00", "start", "needs a time-zone offset"),
        ("{start: 2016-06, end: 2016-05}", None, None),
        ("start: 2016-01\n    end: 2018-01-31", "end", "equally precise"),
    ],
)
def test_bad_dates(write_dataset, fields, field, words):
    if field is None:
        body = "events:\n  - {id: e, name: E, start: 2016-06, end: 2016-05}\n"
        field, words = "end", "end 2016-05 is before start 2016-06"
    else:
        body = f"events:\n  - id: e\n    name: E\n    {fields}\n"
    problem = only_problem(write_dataset(data__yaml=SETTINGS + body))
    assert (problem.record, problem.field) == ("e", field)
    assert words in problem.message


def test_unknown_role_in_csv_names_the_row(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS + ORGS + "projects:\n  - {id: p, name: P}\n",
        participations__csv="organisation,project,role\nefus,p,partner\nefus,p,leader\n",
    )
    problem = only_problem(folder)
    assert problem.file.endswith("participations.csv")
    assert (problem.line, problem.field) == (3, "role")
    assert "unknown role 'leader'" in problem.message


@pytest.mark.parametrize("header", ["organisation,project,role", '"organisation\n",project,role'])
def test_csv_rows_are_numbered_as_lines_of_the_file(write_dataset, header):
    """The first row comes after the header, however many lines the header takes."""
    folder = write_dataset(
        data__yaml=SETTINGS + ORGS + "projects:\n  - {id: p, name: P}\n",
        participations__csv=f"{header}\nefus,p,leader\nefus,p,partner\n",
    )
    assert only_problem(folder).line == 1 + header.count("\n") + 1


def test_reference_to_the_wrong_kind(write_dataset):
    body = "projects:\n  - {id: p, name: P, lead: q}\n  - {id: q, name: Q}\n"
    problem = only_problem(write_dataset(data__yaml=SETTINGS + body))
    assert (problem.record, problem.field) == ("p", "lead")
    assert "'q' is a project, expected a organisation" in problem.message


def test_all_problems_in_one_pass(write_dataset):
    body = ORGS + "  - {id: a, nmae: A}\n  - {id: b, name: B, country: ZZ}\n"
    body += "projects:\n  - {id: p, name: P, lead: ghost}\n"
    problems = problems_of(write_dataset(data__yaml=SETTINGS + body))
    assert [(p.record, p.field) for p in problems] == [
        ("a", "name"),
        ("a", "nmae"),
        ("b", "country"),
        ("p", "lead"),
    ]


def test_yaml_syntax_error_has_a_line(write_dataset):
    problem = only_problem(write_dataset(data__yaml=SETTINGS + "organisations:\n  - id: [x\n"))
    assert problem.line is not None and problem.line >= 5


def test_duplicate_yaml_key_is_an_error(write_dataset):
    problem = only_problem(write_dataset(data__yaml=SETTINGS + ORGS + "    name: Twice\n"))
    assert "duplicate key 'name'" in problem.message and problem.line == 9


def test_norway_is_not_false(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS + "organisations:\n  - {id: o, name: O, country: NO}\n"
    )
    assert load_dataset(folder).organisations[0].country == "NO"


def test_json_problems_are_located(write_dataset):
    data = {
        "dataset": {"base": "https://data.example.org/t/", "language": "en"},
        "organisations": [{"id": "o", "name": "O"}, {"id": "p", "name": "P", "cuntry": "FR"}],
    }
    problem = only_problem(write_dataset(data__json=json.dumps(data, indent=2)))
    assert (problem.record, problem.field) == ("p", "cuntry")
    assert problem.line == 14


def test_json_problems_are_located_in_any_valid_layout(write_dataset):
    """Keys with their colons on the next line: valid JSON that a YAML reader rejects."""
    text = (
        '{"dataset": {"base": "https://data.example.org/t/", "language": "en"}, "organisations"\n:\n'
        '[{"id": "o", "name": "O"},\n {"id": "p", "name": "P",\n  "cuntry"\n : "FR"}]}'
    )
    problem = only_problem(write_dataset(data__json=text))
    assert (problem.record, problem.field, problem.line) == ("p", "cuntry", 5)


def test_json_syntax_error(write_dataset):
    problem = only_problem(write_dataset(data__json='{"organisations": [\n  {"id": "o",}\n]}'))
    assert problem.line == 2 and "invalid JSON" in problem.message


def test_unknown_collection_and_file_names(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS + "partners: []\n", people__csv="id,name\n", partners__csv="id\n"
    )
    messages = sorted(problem.message for problem in problems_of(folder))
    assert any("unknown collection 'partners'" in message for message in messages)
    assert any("rename it to one of" in message for message in messages)


UNPRINTABLE = [
    # (the character, as a YAML double-quoted escape, and the words of the message)
    ("\\x01", "control character (U+0001)"),
    ("\\x1b", "control character (U+001B)"),
    ("\\x7f", "control character (U+007F)"),
    ("\\u0085", "control character (U+0085)"),
    ("\\ufdd0", "noncharacter (U+FDD0)"),
    ("\\U0010FFFF", "noncharacter (U+10FFFF)"),
]


@pytest.mark.parametrize(("escape", "words"), UNPRINTABLE)
def test_characters_no_page_may_hold_are_refused(write_dataset, escape, words):
    """No HTML page may hold these, not even as a character reference: they are refused up
    front, in any text field, nested ones included, rather than published in broken pages."""
    body = f'  - id: x\n    name: X\n    description: {{fr: "Ville{escape} de test"}}\n'
    problem = only_problem(write_dataset(data__yaml=SETTINGS + ORGS + body))
    assert (problem.record, problem.field, problem.line) == ("x", "description", 11)
    assert words in problem.message and "character 6" in problem.message


def test_tabs_line_breaks_and_other_scripts_are_kept(write_dataset):
    text = "Ligne\\tune\\nligne deux\\r\\nΑθήνα 東京 \\U0001F600 \\u00a0fin"
    body = f'  - id: x\n    name: X\n    description: {{fr: "{text}"}}\n'
    dataset = load_dataset(write_dataset(data__yaml=SETTINGS + ORGS + body))
    description = dataset.organisations[1].description["fr"]
    assert description == "Ligne\tune\nligne deux\r\nΑθήνα 東京 \U0001f600 \u00a0fin"


def test_control_characters_are_refused_in_csv_and_json(write_dataset):
    data = {"dataset": {"base": "https://data.example.org/t/", "language": "en"}}
    data["organisations"] = [{"id": "o", "name": "O\u0007"}]
    folder = write_dataset(
        data__json=json.dumps(data, indent=2),
        people__csv="id,name\nann,Ann\x0bLee\n",
    )
    problems = sorted((p.record, p.field, p.line) for p in problems_of(folder))
    assert problems == [("ann", "name", 2), ("o", "name", 9)]


def test_control_characters_are_refused_from_python():
    from pydantic import ValidationError

    from liaise_lod import Organisation

    with pytest.raises(ValidationError, match="control character"):
        Organisation(id="o", name={"en": "Efus\x00"})


@pytest.mark.parametrize(("suffix", "depth"), [("yaml", 400), ("yaml", 100_000), ("json", 100_000)])
def test_deeply_nested_input_is_a_problem_not_a_crash(tmp_path, suffix, depth):
    """libyaml's composer recursed in C: 100,000 nested lists crashed the interpreter."""
    import subprocess
    import sys

    folder = tmp_path / "deep"
    folder.mkdir()
    nested = "[" * depth + "]" * depth
    settings = '"dataset": {"base": "https://data.example.org/t/", "language": "en"}'
    text = f'{{{settings}, "organisations": [{{"id": "o", "name": {nested}}}]}}'
    (folder / f"data.{suffix}").write_text(text, encoding="utf-8")
    # In a child process, so that a crash fails this test instead of ending the test run.
    command = [sys.executable, "-m", "liaise_lod.cli", "validate", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    assert f"data.{suffix}" in result.stderr and "nested too deeply" in result.stderr


@pytest.mark.parametrize("depth", [101, 150, 999, 1_001])
@pytest.mark.parametrize("layout", ["flow", "block"])
def test_nesting_bound_is_ours_at_every_depth(write_dataset, depth, layout):
    """Below, at and above libyaml's own bound (1,000 levels in 0.2.6): the same message,
    located at the line where the bound is crossed."""
    if layout == "flow":
        value = "[" * depth + "]" * depth
    else:
        value = "\n" + "".join("  " * (level + 3) + "-\n" for level in range(depth))
    folder = write_dataset(data__yaml=SETTINGS + f"organisations:\n  - id: o\n    name: {value}\n")
    problem = only_problem(folder)
    assert problem.message == "lists or mappings are nested too deeply (more than 100 levels)"
    # The document, its organisations list and the record are three levels: the 98th list
    # from the top is the 101st level.
    assert problem.line == (6 if layout == "flow" else 6 + 98)


def test_nesting_at_the_bound_is_read(write_dataset):
    value = "[" * 97 + "x" + "]" * 97  # levels 4 to 100
    folder = write_dataset(data__yaml=SETTINGS + f"organisations:\n  - id: o\n    name: {value}\n")
    assert "nested too deeply" not in only_problem(folder).message


ALIAS_BOMB = SETTINGS + "".join(
    f"x{level}: &x{level} [{', '.join([f'*x{level - 1}' if level else '1'] * 9)}]\n"
    for level in range(9)
)


def test_aliases_that_expand_without_bound_are_refused(write_dataset):
    """Nine levels of nine aliases: 387,420,489 values from a 400-byte file."""
    folder = write_dataset(data__yaml=ALIAS_BOMB)
    problem = only_problem(folder)
    assert problem.message.startswith("aliases repeat too much")
    assert len(str(problem)) < 300
    assert problem.line == 8  # x4, whose first alias repeats 7,381 values: past the allowance


def test_aliases_inside_keys_are_refused(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS + "a: &a [x, x]\norganisations:\n  - id: o\n    name: {? *a : x}\n"
    )
    problem = only_problem(folder)
    assert problem.message == "a key must be a plain value, not a list, a mapping or an alias"
    assert problem.line == 7


def test_an_alias_inside_its_own_anchor_is_refused(write_dataset):
    folder = write_dataset(data__yaml=SETTINGS + "organisations: &a [*a]\n")
    assert "stands inside the value it refers to" in only_problem(folder).message


def test_aliases_that_repeat_a_little_are_read(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS
        + "organisations:\n"
        + "".join(f"  - {{id: o{n}, name: &n{n} Org, acronym: *n{n}}}\n" for n in range(50))
    )
    assert [o.acronym for o in load_dataset(folder).organisations][:2] == ["Org", "Org"]


def test_plain_text_without_a_default_language(write_dataset):
    folder = write_dataset(data__yaml="organisations:\n  - {id: o, name: O}\n")
    assert "needs a language" in only_problem(folder).message


def test_empty_folder(tmp_path):
    assert "no data files" in only_problem(tmp_path).message


def test_mini_dataset_loads(mini_dataset):
    assert len(mini_dataset.projects) == 2
    assert {p.id for p in mini_dataset.memberships()} >= {
        "alpha--forum--coordinator",
        "alpha--la-haye--partner",
        "alpha--union--associate-partner",
    }
    assert mini_dataset.source("alpha").line is not None


def _paths(value, prefix=()):
    """Every path into ``value``, and one step past each end (a key or index not there)."""
    yield prefix
    if isinstance(value, dict):
        yield (*prefix, "not-a-key")
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        yield (*prefix, len(value))
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))
    else:
        yield (*prefix, 0)


def _random_value(rng, depth=0):
    kind = rng.choice(["dict", "list", "text", "number", "other"] if depth < 4 else ["text"])
    if kind == "dict":
        return {
            rng.choice(["id", "name", 'k"{[', "a\\nb", "ü"]) + str(n): _random_value(rng, depth + 1)
            for n in range(rng.randint(0, 4))
        }
    if kind == "list":
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == "text":
        return rng.choice(["", "x", "} ] {", 'quote " and \\ back', "line\nbreak", "€"])
    if kind == "number":
        return rng.choice([0, -1.5, 10**20, 3e-7])
    return rng.choice([True, False, None])


def test_json_lines_are_those_of_reading_the_file_as_yaml():
    """The lines ``_JsonLines`` finds by walking the text are the lines the YAML reading (the
    reference: it marks every node) gives, for any JSON layout."""
    import random

    from liaise_lod.load import _JsonLines, _parse_yaml, line_of

    rng = random.Random(7)
    layouts = [
        {"indent": 2},
        {"indent": None},
        {"indent": 0, "ensure_ascii": False},
        {"indent": "\t", "separators": (" ,", " :  ")},
        {"indent": 1, "separators": (",", ":\n ")},  # each value on the line after its key
    ]
    checked = 0
    for _ in range(60):
        value = {"projects": [_random_value(rng) for _ in range(rng.randint(0, 5))]}
        for layout in layouts:
            text = "\n \n" + json.dumps(value, **layout) + "\n"
            tree, lines = _parse_yaml(text), _JsonLines(text)
            for path in _paths(value):
                assert lines(path) == line_of(tree, path), (text, path)
                checked += 1
    assert checked > 4000
