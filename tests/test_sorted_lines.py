"""The comparison ``push --changes`` makes of two dumps without parsing them: sorted lines
compared by bytes, the lines that differ read as triples. The judge: pyoxigraph's canonical
N-Triples of each graph (``graph_diff.text_of``), as ``diff`` compares them."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from liaise_lod._internal import sorted_lines
from liaise_lod._internal.graph_version import canonical_bytes, change
from liaise_lod.graph_diff import text_of

# Spellings of the same triple: canonical, an escape, an explicit xsd:string, a capital tag.
SPELLINGS = {
    '<urn:s{n}> <urn:p> "A{n}" .\n': [
        '<urn:s{n}> <urn:p> "\\u0041{n}" .\n',
        '<urn:s{n}> <urn:p> "A{n}"^^<http://www.w3.org/2001/XMLSchema#string> .\n',
    ],
    '<urn:s{n}> <urn:q> "x"@en-gb .\n': ['<urn:s{n}> <urn:q> "x"@en-GB .\n'],
    "<urn:s{n}> <urn:r> <urn:o{n}> .\n": ["<urn:s{n}>  <urn:r>\t<urn:o{n}> .\n"],
}


def canonical(lines: set[str]) -> bytes:
    triples = [quad.triple for quad in ox.parse("".join(lines), ox.RdfFormat.N_TRIPLES)]
    return canonical_bytes(text_of(triples))


triples = st.sets(st.tuples(st.sampled_from(sorted(SPELLINGS)), st.integers(0, 30)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(old=triples, new=triples, spelled=st.data())
def test_the_change_is_what_parsing_both_gives(old, new, spelled):
    """Old is a canonical text; new is sorted lines in any spelling (or not sorted): the
    change removes and adds exactly the triples that differ, and names the new version."""
    old_text = canonical({form.format(n=n) for form, n in old})
    new_lines = set()
    for form, n in new:
        spelling = spelled.draw(st.sampled_from([form, *SPELLINGS[form]]))
        new_lines.add(spelling.format(n=n))
    new_raw = "".join(sorted(new_lines)).encode()
    found = change(old_text, new_raw, "new", new_is_canonical=False)
    expected = canonical(new_lines)
    if found is None:  # not sorted as bytes: then the canonical text is compared
        found = change(old_text, expected, "new", new_is_canonical=True)
    assert found is not None
    before = set(old_text.decode().split(" .\n")[:-1])
    after = set(expected.decode().split(" .\n")[:-1])
    assert set(found.removed) == before - after
    assert set(found.added) == after - before
    assert found.new_version.endswith(hashlib.sha256(expected).hexdigest())
    assert found.new_triples == len(after)


# Lines as N-Triples has them: no byte below the line feed (an escaped control character),
# so that lines sort the same with their line feeds as without.
lines = st.lists(st.text('ab <>"@é', max_size=6).map(str.encode), unique=True)


@settings(max_examples=300, deadline=None)
@given(old=lines, new=lines, sort_new=st.booleans())
def test_sorted_diff_is_the_set_difference(old, new, sort_new):
    old_text = b"".join(line + b"\n" for line in sorted(old))
    new_lines = sorted(new) if sort_new else new
    new_text = b"".join(line + b"\n" for line in new_lines)
    found = sorted_lines.sorted_diff(old_text, new_text)
    if new_lines != sorted(new):
        assert found is None
        return
    assert found is not None
    assert [line[:-1] for _, line in found.removed] == sorted(set(old) - set(new))
    assert [line[:-1] for line in found.added] == sorted(set(new) - set(old))
    for offset, line in found.removed:
        assert old_text[offset : offset + len(line)] == line
    remaining = [(offset, line) for offset, line in found.removed]
    digest = sorted_lines.patched_sha256(old_text, remaining, found.added)
    assert digest == hashlib.sha256(new_text).hexdigest()


def test_long_shared_runs_are_skipped_by_bytes():
    """Runs longer than the first step of the gallop, a difference at each end."""
    lines = [b"<urn:s%07d> <urn:p> <urn:o> .\n" % n for n in range(20_000)]
    old = b"".join(lines)
    new = b"".join([b"<urn:a> <urn:p> <urn:o> .\n", *lines[1:-1], b"<urn:z> <urn:p> <urn:o> .\n"])
    found = sorted_lines.sorted_diff(old, new)
    assert found is not None
    assert [line for _, line in found.removed] == [lines[0], lines[-1]]
    assert found.added == [b"<urn:a> <urn:p> <urn:o> .\n", b"<urn:z> <urn:p> <urn:o> .\n"]
    assert sorted_lines.common_length(old, 0, old, 0) == len(old)
