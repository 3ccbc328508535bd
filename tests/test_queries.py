"""Every competency question in examples/queries runs through ``query()`` on the example dataset
and gives its hand-worked answer (``NN-name.expected.csv``, SPARQL 1.1 CSV).

Rows are compared in order when the query has an ORDER BY, as multisets otherwise. Both sides
are SPARQL CSV (IRIs in full, literals as their plain text, unbound as empty), compared after
parsing, so line ends do not matter.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import EXAMPLE, REPO
from liaise_lod.sparql import load_store, query

QUERIES = sorted((REPO / "examples" / "queries").glob("*.rq"))

_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_COMMENT = re.compile(r"#[^\n]*")


def expected_csv(rq: Path) -> bytes:
    """The hand-worked answer beside a query."""
    return rq.with_name(rq.stem + ".expected.csv").read_bytes()


def csv_rows(data: bytes) -> list[list[str]]:
    """SPARQL CSV results as a header row followed by the value rows."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def is_ordered(sparql: str) -> bool:
    """Whether the query fixes the order of its rows (an ORDER BY outside comments)."""
    return bool(_ORDER_BY.search(_COMMENT.sub("", sparql)))


def same_answer(got: list[list[str]], expected: list[list[str]], ordered: bool) -> bool:
    """Same header and the same rows, in order or as multisets."""
    if not got or not expected or got[0] != expected[0]:
        return False
    if ordered:
        return got[1:] == expected[1:]
    return Counter(map(tuple, got[1:])) == Counter(map(tuple, expected[1:]))


@pytest.fixture(scope="module")
def example_store():
    return load_store(EXAMPLE)


def test_there_are_competency_questions():
    assert len(QUERIES) >= 10
    for rq in QUERIES:
        assert rq.with_name(rq.stem + ".expected.csv").is_file(), f"no answer for {rq.name}"


@pytest.mark.parametrize("rq", QUERIES, ids=[rq.stem for rq in QUERIES])
def test_competency_question(example_store, rq):
    sparql = rq.read_text(encoding="utf-8")
    got = csv_rows(query(example_store, sparql).to_csv())
    expected = csv_rows(expected_csv(rq))
    assert same_answer(got, expected, is_ordered(sparql)), (
        f"{rq.name}\n got:      {got}\n expected: {expected}"
    )


def test_comparison_can_fail():
    header = ["a", "b"]
    assert not same_answer([header, ["1", "2"]], [header, ["1", "3"]], ordered=False)
    assert not same_answer([header, ["1", ""], ["2", ""]], [header, ["2", ""], ["1", ""]], True)
    assert same_answer([header, ["1", ""], ["2", ""]], [header, ["2", ""], ["1", ""]], False)
    assert not same_answer([["a"], ["1"]], [header, ["1", ""]], ordered=False)
    assert not same_answer([header, ["1", "2"]], [header, ["1", "2"], ["1", "2"]], False)
