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
    assert "'q' is a project, expected an organisation" in problem.message


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


# --------------------------------------------------------------------------- numbers


def _run_cli(folder, *args, timeout=120):
    """``liaise-lod ARGS`` in a child process: a hang or a crash fails the test, not the run."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "liaise_lod.cli", *args, str(folder)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def test_a_number_with_a_huge_exponent_is_refused_not_written_out(write_dataset):
    """``1e999999999`` kept the build at 100 % CPU: writing its digits into a literal."""
    body = (
        "organisations:\n  - {id: o, name: O}\nprojects:\n  - id: p\n    name: P\n"
        "    funding:\n      - {funder: o, amount: 1e999999999, currency: EUR}\n"
        "    figures:\n      - {label: x, value: 1e999999999}\n      - {label: y, max_value: 1e-999999999}\n"
    )
    result = _run_cli(write_dataset(data__yaml=SETTINGS + body), "validate")
    assert result.returncode == 2, result.stderr[-800:]
    assert "Traceback" not in result.stderr
    assert (
        "data.yaml:10: record 'p', field 'funding[0].amount': 1E+999999999 is out of range"
        in result.stderr
    )
    assert "data.yaml:12: record 'p', field 'figures[0].value'" in result.stderr
    assert "data.yaml:13: record 'p', field 'figures[1].max_value'" in result.stderr


NUMBERS = [
    # (the number as written in YAML, whether it is taken)
    ("1000.50", True),
    ("123456789012345678", True),
    ("0.123456789012345678", True),
    ("123456789012345678.123456789012345678", True),
    ("'1.000000000000000000000000000000'", True),  # zeros at the end are no digits
    ("'1e17'", True),
    ("1234567890123456789", False),
    ("'1e18'", False),
    ("0.0000000000000000001", False),
    ("'1e999999999'", False),
    ("'-1e-999999999'", False),
    ("1.0e+308", False),
    ("1.0e+999", False),  # a float beyond floats: infinity
    (".nan", False),
    ("'Infinity'", False),
]


@pytest.mark.parametrize(("number", "taken"), NUMBERS)
def test_every_number_is_within_bounds(write_dataset, number, taken):
    body = f"projects:\n  - id: p\n    name: P\n    figures: [{{label: x, value: {number}}}]\n"
    folder = write_dataset(data__yaml=SETTINGS + body)
    if taken:
        assert load_dataset(folder).projects[0].figures[0].value is not None
        return
    problem = only_problem(folder)
    assert (problem.record, problem.field, problem.line) == ("p", "figures[0].value", 7)
    assert len(problem.message) < 200


@pytest.mark.parametrize("suffix", ["yaml", "json"])
@pytest.mark.parametrize("digits", [4_301, 1_001, 100_000])
def test_an_integer_too_long_for_python_is_a_located_problem(write_dataset, suffix, digits):
    """Python reads no int of over 4,300 digits: reading one was a traceback."""
    number = "7" * digits
    if suffix == "yaml":
        text = SETTINGS + f"organisations:\n  - id: o\n    name: O\n    acronym: {number}\n"
        line = 7
    else:
        text = (
            '{"organisations": [\n {"id": "o", "name": {"en": "O"},\n "acronym": ' + number + "}]}"
        )
        line = 3
    problem = only_problem(write_dataset(**{f"data__{suffix}": text}))
    assert problem.line == line
    assert problem.message.startswith(f"a number of {digits:,} characters")


def test_sexagesimal_numbers_are_bounded_too(write_dataset):
    """YAML 1.1 reads 1:30 as 90: a long one grew to a number of thousands of digits."""
    number = ":".join(["59"] * 400)
    folder = write_dataset(
        data__yaml=SETTINGS + f"organisations:\n  - {{id: o, name: O, acronym: {number}}}\n"
    )
    assert only_problem(folder).message.startswith("a number of 1,199 characters")


# --------------------------------------------------------------------------- messages


LONG = "x" * 1_000_000
LONG_MESSAGES = [
    # (record fields with a huge value, field the problem is about)
    ({LONG: 1}, LONG[:10]),
    ({"country": LONG}, "country"),
    ({"kind": LONG}, "kind"),
    ({"website": f"https://x.org/{LONG} y"}, "website"),
    ({"description": {LONG: "text"}}, "description"),
    ({"description": {"en": LONG + "\u0007"}}, "description"),
    ({"parent": [LONG]}, "parent"),
    ({"acronym": [LONG]}, "acronym"),
    ({"acronym": {"a": LONG}}, "acronym"),
    ({"same_as": [f"https://x.org/{LONG}%"]}, "same_as[0]"),
]


@pytest.mark.parametrize(("fields", "field"), LONG_MESSAGES)
def test_messages_do_not_grow_with_the_input(write_dataset, fields, field):
    data = {"dataset": {"base": "https://data.example.org/t/", "language": "en"}}
    data["organisations"] = [{"id": "o", "name": "O", **fields}]
    problems = problems_of(write_dataset(data__json=json.dumps(data)))
    assert problems and all(len(str(problem)) < 700 for problem in problems), problems
    assert any(problem.field and problem.field.startswith(field) for problem in problems)


def test_a_huge_id_and_key_are_quoted_short(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS + f"organisations:\n  - {{id: {LONG}, name: O}}\n? {LONG}\n: []\n"
    )
    problems = problems_of(folder)
    assert len(problems) == 2 and all(len(str(problem)) < 700 for problem in problems)
    assert "(1,000,000 characters)" in problems[0].message


def test_control_characters_in_messages_are_shown_escaped(write_dataset):
    """A value's escape sequences would repaint the terminal that shows the message."""
    data = {"dataset": {"base": "https://data.example.org/t/", "language": "en"}}
    data["organisations"] = [{"id": "o", "name": "O", "country": "\u001b[2J\u009b", "\u001bx": 1}]
    problems = problems_of(write_dataset(data__json=json.dumps(data)))
    assert len(problems) == 2
    for problem in problems:
        assert "\x1b" not in str(problem) and "\x9b" not in str(problem)
    messages = {problem.field: problem.message for problem in problems}
    assert messages["country"].startswith("unknown country '\\x1b[2J\\x9b'")
    assert messages["\\x1bx"].startswith("unknown field '\\x1bx'")


# --------------------------------------------------------------------------- URLs and the base


BAD_URLS = [
    # every one of these passed, then stopped build, publish, query or push with a traceback
    ("https://x.org/a?[b]", "character 17, '[', may not stand in its query (write %5B)"),
    ("https://x.org/%zz", "no percent-escape"),
    ("https://x.org/a#b#c", "'#', may not stand in its fragment"),
    ("https://x.org:99999/", "its port '99999' is past the highest port, 65535"),
    ("https://user:secret@x.org/", "user name or password"),
    ("https://[::1/", "is not an IPv6 address in brackets"),
    ("https://x.org/a/../b", "'.' or '..' segments"),
    ("https://x.org/a\u00a0b", "is a space (U+00A0)"),
    ("https://:80/", "its host is empty"),
]


@pytest.mark.parametrize(("url", "words"), BAD_URLS)
def test_urls_every_writer_would_refuse_are_located(write_dataset, url, words):
    data = {"dataset": {"base": "https://data.example.org/t/", "language": "en"}}
    data["organisations"] = [{"id": "o", "name": "O", "same_as": ["https://x.org/", url]}]
    problem = only_problem(write_dataset(data__json=json.dumps(data, indent=1)))
    assert (problem.record, problem.field, problem.line) == ("o", "same_as[1]", 12)
    assert "is not an http(s) URL: " in problem.message and words in problem.message


@pytest.mark.parametrize(
    ("base", "words"),
    [
        ("https://x.org/?q", "a base IRI has no query ('?') or fragment ('#')"),
        ("https://x.org/a/../", "'.' or '..' segments"),
        ("https://x.org/%zz/", "no percent-escape"),
        ("https://x.org/a[1]/", "'[', may not stand in its path"),
    ],
)
def test_a_bad_base_iri_in_the_settings_is_located(write_dataset, base, words):
    folder = write_dataset(
        data__yaml=f"organisations: []\ndataset:\n  language: en\n  base: '{base}'\n"
    )
    problem = only_problem(folder)
    assert (problem.file.endswith("data.yaml"), problem.line) == (True, 4)
    assert (problem.record, problem.field) == ("dataset", "base")
    assert (
        problem.message.startswith(f"base IRI '{base}' is not usable: ")
        and words in problem.message
    )


# --------------------------------------------------------------------------- files


def test_a_csv_cell_over_the_csv_limit_is_located(write_dataset):
    folder = write_dataset(people__csv="id,name\nann,Ann\nbob," + "b" * 200_000 + "\n")
    problem = only_problem(folder)
    assert (problem.file.endswith("people.csv"), problem.line) == (True, 3)
    assert "a cell holds over 131,072 characters" in problem.message


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x00", "\ufffe", "\x85\x9b"])
def test_characters_yaml_does_not_allow_are_located(write_dataset, character):
    """libyaml refuses them ("special characters are not allowed"): that was a traceback."""
    folder = write_dataset(
        data__yaml=SETTINGS + f"organisations:\n  - id: o\n    name: O{character}\n"
    )
    problem = only_problem(folder)
    if character == "\x85\x9b":  # NEL is a YAML line break: the next one is refused
        character = "\x9b"
    assert problem.line == 6
    assert f"may not hold the character U+{ord(character):04X}" in problem.message


def test_a_file_with_an_unknown_suffix_names_the_accepted_ones(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("organisations: []\n")
    problem = only_problem(notes)
    assert problem.file == str(notes)
    assert ".yaml, .yml, .json or .csv" in problem.message


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv"])
def test_a_file_that_is_not_utf8_is_located(tmp_path, suffix):
    path = tmp_path / f"people.{suffix}"
    path.write_bytes(b"id,name\nann,Ann\nbob,B\xe9atrice\n")
    problem = only_problem(path)
    assert problem.line == 3 and "not UTF-8 text: byte 0xe9" in problem.message


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv"])
def test_a_byte_order_mark_is_read_as_nothing(tmp_path, suffix):
    texts = {
        "yaml": SETTINGS + ORGS,
        "json": json.dumps({"organisations": [{"id": "efus", "name": {"en": "Efus"}}]}),
        "csv": "id,name.en\nefus,Efus\n",
    }
    path = tmp_path / f"organisations.{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + texts[suffix].encode())
    assert load_dataset(path).organisations[0].id == "efus"


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv"])
def test_an_empty_file_is_no_crash(tmp_path, suffix):
    path = tmp_path / f"people.{suffix}"
    path.write_bytes(b"")
    try:
        dataset = load_dataset(path)
    except InputError as error:
        assert [problem.line for problem in error.problems] == [1]  # JSON: no value
    else:
        assert dataset.people == []


def test_a_fifo_or_a_folder_named_like_a_file_is_no_crash(tmp_path):
    import os

    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert only_problem(fifo).message == "not a file or a folder"
    folder = tmp_path / "data"
    (folder / "x.yaml").mkdir(parents=True)
    os.mkfifo(folder / "y.yaml")  # never opened: reading it would wait for a writer
    (folder / "z.yaml").write_text(SETTINGS + ORGS)
    assert [o.id for o in load_dataset(folder).organisations] == ["efus"]


def test_an_unreadable_file_is_located(write_dataset, monkeypatch):
    from pathlib import Path

    folder = write_dataset(data__yaml=SETTINGS + ORGS)

    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    problem = only_problem(folder)
    assert problem.file.endswith("data.yaml")
    assert problem.message == "cannot read the file: Permission denied"


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv"])
def test_a_huge_single_line_is_a_problem_in_bounded_time(tmp_path, suffix):
    """Megabytes without a line break, then a mistake (20 MB took 50 s to refuse in YAML)."""
    body = "x" * 4_000_000
    texts = {
        "yaml": f"organisations: [{{id: o, name: {{en: {body}}}, kind: [}}]\n",
        "json": f'{{"organisations": [{{"id": "o", "name": {{"en": "{body}"}}, "kind": ]}}]}}',
        "csv": f"id,name.en\no,{body}",
    }
    path = tmp_path / f"organisations.{suffix}"
    path.write_text(texts[suffix])
    result = _run_cli(path, "validate", timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-500:]
    assert f"organisations.{suffix}:{2 if suffix == 'csv' else 1}: " in result.stderr
    assert len(result.stderr) < 1_000


def test_an_unknown_publisher_in_the_settings_is_located(write_dataset):
    folder = write_dataset(data__yaml=SETTINGS + "  publisher: nobody\n" + ORGS)
    problem = only_problem(folder)
    assert (problem.file.endswith("data.yaml"), problem.line) == (True, 4)
    assert (problem.record, problem.field) == ("dataset", "publisher")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_lines_are_counted_whatever_the_line_breaks(write_dataset, newline):
    data = {"dataset": {"base": "https://data.example.org/t/", "language": "en"}}
    data["organisations"] = [{"id": "o", "name": "O", "cuntry": "FR"}]
    text = json.dumps(data, indent=1).replace("\n", newline)
    folder = write_dataset(data__json=text, more__yaml=(SETTINGS + ORGS).replace("\n", newline))
    problems = problems_of(folder)
    assert [(p.file.rsplit("/", 1)[-1], p.line) for p in problems] == [
        ("data.json", 10),
        ("more.yaml", 1),
    ]


def test_a_record_may_not_lead_back_to_itself(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS
        + "organisations:\n"
        + "  - {id: o1, name: O1, parent: o1}\n"
        + "  - {id: o2, name: O2, parent: o3}\n"
        + "  - {id: o3, name: O3, parent: o2}\n"
        + "events:\n  - {id: e, name: E, super_event: e}\n"
        + "projects:\n  - {id: a, name: A, related: [b]}\n  - {id: b, name: B, related: [a]}\n"
    )
    found = sorted((p.record, p.field, p.message) for p in problems_of(folder))
    assert found == [
        ("e", "super_event", "'e' refers to itself"),
        ("o1", "parent", "'o1' refers to itself"),
        ("o2", "parent", "a loop: 'o2' → 'o3' → 'o2'"),
    ]  # two projects related to each other are fine


def test_the_references_of_a_record_that_fails_are_checked_too(write_dataset):
    """Every problem at once: a record with a bad field still has its references checked."""
    folder = write_dataset(
        data__yaml=SETTINGS
        + "organisations:\n  - {id: o, name: O, country: XX, parent: nowhere}\n"
        + "people:\n  - {id: someone, name: Someone}\n"
        + "projects:\n  - {id: p, name: P, start: 2020, end: 2019-05, lead: someone}\n"
    )
    found = sorted((p.record, p.field, p.line) for p in problems_of(folder))
    assert found == [
        ("o", "country", 5),
        ("o", "parent", 5),
        ("p", "end", 9),
        ("p", "lead", 9),
    ]
    messages = {p.field: p.message for p in problems_of(folder)}
    assert messages["lead"] == "'someone' is a person, expected an organisation"


def test_references_are_not_called_unknown_when_a_file_cannot_be_read(write_dataset):
    folder = write_dataset(
        data__yaml=SETTINGS + "projects:\n  - {id: p, name: P, lead: efus}\n",
        organisations__yaml="organisations:\n  - {id: efus, name: [unclosed\n",
    )
    problem = only_problem(folder)
    assert problem.file.endswith("organisations.yaml")


def test_a_json_schema_beside_the_data_is_not_data(write_dataset):
    from liaise_lod.schema import json_schema

    folder = write_dataset(data__yaml=SETTINGS + ORGS)
    (folder / "dataset.schema.json").write_text(json.dumps(json_schema()), encoding="utf-8")
    assert [o.id for o in load_dataset(folder).organisations] == ["efus"]


def test_a_reference_that_is_no_id_says_what_to_write_not_a_pattern(write_dataset):
    """A funder or programme written as a name: one problem each, in words, naming the kind."""
    folder = write_dataset(
        data__yaml="""
        dataset: {language: en}
        projects:
          - id: p
            name: P
            funding:
              - funder: European Commission!
                programme: Internal Security Fund
        """
    )
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    messages = [problem.message for problem in caught.value.problems]
    assert len(messages) == 2, messages
    for message in messages:
        assert "is not an id" in message and "an organisation" in message
        assert "[a-z0-9]" not in message and "unknown reference" not in message


def test_records_written_with_the_same_fields_share_the_set_of_their_names(tmp_path):
    """Memory: pydantic makes a set of the fields given per record; the loader keeps one per
    distinct set. Each record still tells its own fields, and none can be changed."""
    (tmp_path / "data.yaml").write_text(
        "dataset: {language: en}\n"
        "organisations:\n"
        "  - {id: a, name: A}\n"
        "  - {id: b, name: B}\n"
        "  - {id: c, name: C, country: FR}\n"
    )
    first, second, third = load_dataset(tmp_path / "data.yaml").organisations
    assert first.model_fields_set == second.model_fields_set == {"id", "name"}
    assert first.model_fields_set is second.model_fields_set
    assert third.model_fields_set == {"id", "name", "country"}
    with pytest.raises(ValueError):
        first.country = "DE"  # type: ignore[misc]
    assert first.model_fields_set == {"id", "name"}
