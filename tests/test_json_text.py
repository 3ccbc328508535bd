"""The fast indented JSON encoder writes exactly what the standard library writes."""

import json
import random

import pytest

from liaise_lod._internal.json_text import dumps

TEXTS = [
    "",
    "plain",
    'quote " and \\ backslash',
    "</script>&<>",
    "é ü 中文 🙂",
    "\n\t\x00\x1f\u2028",
]


def random_value(rng: random.Random, depth: int = 0):
    kind = rng.choice(["str", "str", "dict", "list", "other"] if depth < 4 else ["str", "other"])
    if kind == "str":
        return rng.choice(TEXTS) + str(rng.randrange(100))
    if kind == "dict":
        return {rng.choice(TEXTS): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    if kind == "list":
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return rng.choice([0, -7, 2.5, 1e100, True, False, None])


@pytest.mark.parametrize("seed", range(200))
def test_same_text_as_the_standard_library(seed):
    value = random_value(random.Random(seed))
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("value", [{}, [], {"a": {}}, {"a": []}, [[], {}], ("a", ["b"]), "x", 3])
def test_empty_and_unusual_containers(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_keys_that_are_not_strings_are_left_to_the_standard_library():
    value = {"a": {1: "one", None: "none", 2.5: "x"}}
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("value", [{"a": ["b", {"c": "d"}]}, {1: ["x"]}])
def test_a_margin_indents_every_line_after_the_first(value):
    expected = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n   ")
    assert dumps(value, margin=3) == expected
