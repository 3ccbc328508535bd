"""The IRI check: what it takes, every writer and parser takes unchanged; what it refuses, it says
why. Judged by pyoxigraph, rdflib's Turtle and N-Triples writers and parsers, our own writers,
and serd (Debian's serdi), none of which shares its code."""

from __future__ import annotations

import ipaddress
import os
import string
import subprocess

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from checkers import require_executable
from liaise_lod import serialize
from liaise_lod._internal.iri_syntax import base_iri_problem, http_iri_problem

# --------------------------------------------------------------------------- judges

BASE = "https://data.example.org/t/"


def _nt_line(iri: str) -> str:
    return f"<{iri}> <{iri}> <{iri}> .\n"


def _oxigraph_reads(data: bytes, fmt: ox.RdfFormat) -> set[tuple[str, str, str]]:
    return {
        (t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(data, format=fmt)
    }


def _rdflib_reads(data: bytes, fmt: str) -> set[tuple[str, str, str]]:
    return {tuple(str(term) for term in triple) for triple in Graph().parse(data=data, format=fmt)}  # type: ignore[misc]


def _serdi_reads(data: bytes, syntax: str) -> set[tuple[str, str, str]]:
    serdi = require_executable("serdi", "apt-get install serdi")
    result = subprocess.run(
        [serdi, "-i", syntax, "-o", "ntriples", "-"], input=data, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return _oxigraph_reads(result.stdout, ox.RdfFormat.N_TRIPLES)


def assert_every_writer_takes(iris: list[str]) -> None:
    """Each IRI is subject, predicate and object of a triple; every writer writes the triples
    and every parser reads the same triples back from each writer's text."""
    expected = {(iri, iri, iri) for iri in iris}
    for iri in iris:
        ox.NamedNode(iri)
    graph = Graph()
    for iri in iris:
        graph.add((URIRef(iri), URIRef(iri), URIRef(iri)))
    texts = {
        "rdflib turtle": (graph.serialize(format="turtle", encoding="utf-8"), "turtle"),
        "rdflib nt": (graph.serialize(format="nt", encoding="utf-8"), "nt"),
        "ours turtle": (serialize.turtle(graph, base=BASE), "turtle"),
        "ours nt": (serialize.ntriples(graph, base=BASE), "nt"),
    }
    for writer, (data, syntax) in texts.items():
        ox_format = ox.RdfFormat.TURTLE if syntax == "turtle" else ox.RdfFormat.N_TRIPLES
        readers = {
            "oxigraph": lambda: _oxigraph_reads(data, ox_format),  # noqa: B023
            "rdflib": lambda: _rdflib_reads(data, syntax),  # noqa: B023
            "serdi": lambda: _serdi_reads(data, "turtle" if syntax == "turtle" else "ntriples"),  # noqa: B023
        }
        if writer == "rdflib turtle":
            # rdflib's Turtle writer may cut a prefix inside a percent-escape
            # (@prefix ns1: <http://x.org/%> . ns1:41): rdflib reads it back, stricter readers
            # refuse it (RDFLib/rdflib#2152). Nothing of ours writes with it.
            readers = {"rdflib": readers["rdflib"]}
        for reader, read in readers.items():
            assert read() == expected, (writer, reader, data)


# --------------------------------------------------------------------------- IRIs, from RFC 3987


def _ucschar(point: int) -> bool:
    """RFC 3987 section 2.2: ucschar."""
    if 0xA0 <= point <= 0xD7FF or 0xF900 <= point <= 0xFDCF or 0xFDF0 <= point <= 0xFFEF:
        return True
    plane, low = divmod(point, 0x10000)
    return (1 <= plane <= 13 and low <= 0xFFFD) or (plane == 14 and 0x1000 <= low <= 0xFFFD)


def _iprivate(point: int) -> bool:
    return 0xE000 <= point <= 0xF8FF or (point >= 0xF0000 and point & 0xFFFF <= 0xFFFD)


_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ucschars = st.characters(min_codepoint=0xA0).filter(
    lambda c: _ucschar(ord(c)) and c not in _BIDI and not c.isspace()
)
iprivates = st.characters(min_codepoint=0xE000).filter(lambda c: _iprivate(ord(c)))
pct_encoded = st.builds(
    lambda a, b: f"%{a}{b}", st.sampled_from(string.hexdigits), st.sampled_from(string.hexdigits)
)
iunreserved = st.one_of(st.sampled_from(string.ascii_letters + string.digits + "-._~"), ucschars)
sub_delims = st.sampled_from("!$&'()*+,;=")
ipchar = st.one_of(iunreserved, pct_encoded, sub_delims, st.sampled_from(":@"))


def _text(pieces: st.SearchStrategy[str], max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(pieces, max_size=max_size).map("".join)


segment = _text(ipchar).filter(lambda s: s.lower().replace("%2e", ".") not in (".", ".."))
path = st.lists(segment, max_size=4).map(lambda segments: "".join("/" + s for s in segments))
reg_name = _text(st.one_of(iunreserved, pct_encoded, sub_delims)).filter(bool)
ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.one_of(
    st.ip_addresses(v=6).map(lambda a: f"[{a.compressed}]"),
    st.ip_addresses(v=6).map(lambda a: f"[{a.exploded.upper()}]"),
    ipv4.map(lambda a: f"[::ffff:{a}]"),
    st.integers(0, 2**96 - 1).map(
        lambda n: f"[{ipaddress.IPv6Address(n << 32).exploded.rsplit(':', 2)[0]}:1.2.3.4]"
    ),
)
ipv_future = st.builds(
    lambda version, rest: f"[v{version}.{rest}]",
    st.sampled_from(["1", "a", "F0"]),
    _text(st.sampled_from(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:")).filter(bool),
)
host = st.one_of(reg_name, ipv4, ipv6, ipv_future)
port = st.one_of(st.just(""), st.integers(0, 65535).map(lambda n: f":{n}"), st.just(":"))
query = _text(st.one_of(ipchar, iprivates, st.sampled_from("/?")))
fragment = _text(st.one_of(ipchar, st.sampled_from("/?")))
scheme = st.sampled_from(["http", "https", "HTTP", "Https"])


@st.composite
def rfc3987_iris(draw: st.DrawFn) -> str:
    """Absolute http(s) IRIs from the RFC's grammar, without what we refuse on top of it."""
    iri = f"{draw(scheme)}://{draw(host)}{draw(port)}{draw(path)}"
    if draw(st.booleans()):
        iri += "?" + draw(query)
    if draw(st.booleans()):
        iri += "#" + draw(fragment)
    return iri


@st.composite
def mutated_iris(draw: st.DrawFn) -> str:
    """A valid IRI with any character put in, taken out or swapped somewhere."""
    iri = draw(rfc3987_iris())
    at = draw(st.integers(0, len(iri)))
    character = draw(st.one_of(st.characters(), st.sampled_from('%[]@:/?#. \\<>"{}|^`')))
    how = draw(st.sampled_from(["insert", "replace", "delete"]))
    if how == "insert":
        return iri[:at] + character + iri[at:]
    return iri[:at] + (character if how == "replace" else "") + iri[at + 1 :]


# --------------------------------------------------------------------------- properties

#: Cases per property: a few dozen in the suite; LIAISE_FUZZ_EXAMPLES=N for a long campaign
#: (see tests/test_fuzz.py), of which the writers, slower to judge, get a tenth.
EXAMPLES = int(os.environ.get("LIAISE_FUZZ_EXAMPLES", "0")) or None
_SETTINGS = settings(
    max_examples=EXAMPLES // 10 if EXAMPLES else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_SETTINGS
@given(st.lists(rfc3987_iris(), min_size=1, max_size=6))
@example(
    ["http://[v1.x]/", "http://[::ffff:1.2.3.4]:80/", "https://xn--bcher-kva.example/é?\ue000"]
)
def test_every_iri_of_the_grammar_is_taken_and_every_writer_takes_it(iris):
    for iri in iris:
        assert http_iri_problem(iri) is None, iri
    assert_every_writer_takes(iris)


@_SETTINGS
@given(st.lists(st.one_of(mutated_iris(), st.text().map(lambda t: "http://" + t)), max_size=6))
@example(["http://x.org/a?[b]", "http://x.org/%zz", "http://[::1/", "http://x.org/a#b#c"])
def test_whatever_the_check_takes_every_writer_takes(candidates):
    taken = [iri for iri in candidates if http_iri_problem(iri) is None]
    if taken:
        assert_every_writer_takes(taken)


def test_pyoxigraph_refuses_nothing_the_check_takes_in_a_long_run():
    """Cheap enough for many more cases than the writers: one judge, in process."""

    @settings(max_examples=EXAMPLES or 300, deadline=None)
    @given(st.one_of(mutated_iris(), st.text().map(lambda t: "https://" + t)))
    def check(candidate):
        if http_iri_problem(candidate) is None:
            ox.NamedNode(candidate)

    check()


# --------------------------------------------------------------------------- known bad IRIs

# (IRI, words of the reason, whether RFC 3987 itself forbids it: pyoxigraph refuses it too)
KNOWN_BAD = [
    ("http://x.org/a?[b]", "character 16, '[', may not stand in its query (write %5B)", True),
    ("http://x.org/a]", "']', may not stand in its path", True),
    ("http://x.org/%zz", "character 14 starts '%zz', which is no percent-escape", True),
    ("http://x.org/%4", "starts '%4', which is no percent-escape", True),
    ("http://%zz.org/", "which is no percent-escape", True),
    ("http://x.org/a#b#c", "'#', may not stand in its fragment (write %23)", True),
    (
        "http://x.org/a b",
        "character 15 is a space (U+0020), where readers take the IRI to end: write it %20",
        True,
    ),
    ("http://x.org/a?\u00a0", "character 16 is a space (U+00A0)", False),
    ("http://x.org/\u3000", "character 14 is a space (U+3000)", False),
    ("http://x.org/\n", "character 14 is a space (U+000A)", True),
    ("http://x.org/a\u0007", "'\\x07', may not stand in its path", True),
    ("http://x.org/\ufffd", "may not stand in its path", True),
    ("http://x.org/\ue000", "may not stand in its path", True),  # private use: query only
    ("http://x.org/a\\b", "'\\\\', may not stand in its path", True),
    ("http://x.org/<a>", "'<', may not stand in its path", True),
    ("http://x_y.org{/", "'{', may not stand in its host", True),
    ("http://[::1/", "its host '[::1' is not an IPv6 address in brackets", True),
    ("http://[zz]/", "its host '[zz]' is not an IPv6 address", True),
    ("http://[1::2::3]/", "is not an IPv6 address", True),
    ("http://[::1%25eth0]/", "is not an IPv6 address", True),
    ("http://[::1]x/", "its host '[::1]' is followed by 'x'", True),
    ("http://x.org:8a/", "its port '8a' is not a number", True),
    ("http://x.org:80:80/", "its port '80:80' is not a number", True),
    ("http://x.org:\u0661/", "its port '١' is not a number", True),  # an Arabic-Indic one
    ("http:/x.org/", "must start with http:// or https://", False),
    ("ftp://x.org/", "must start with http:// or https://", False),
    ("mailto:a@x.org", "must start with http:// or https://", False),
    ("//x.org/", "must start with http:// or https://", True),
    ("http://:80/", "its host is empty", False),
    ("http:///a", "its host is empty", False),
    ("http://x.org:99999/", "its port '99999' is past the highest port, 65535", False),
    ("http://x.org:100000000000000000000000000/", "past the highest port", False),
    ("http://x.org:65536/", "past the highest port", False),
    ("http://user:secret@x.org/", "user name or password", False),
    ("http://@x.org/", "user name or password", False),
    ("http://x.org/a/../b", "'.' or '..' segments", False),
    ("http://x.org/./b", "'.' or '..' segments", False),
    ("http://x.org/a/%2E%2e", "'.' or '..' segments", False),
    ("http://x.org/\u202eevil", "bidirectional formatting character (U+202E)", False),
    ("http://x.org/\u2066", "bidirectional formatting character (U+2066)", False),
]


@pytest.mark.parametrize(("iri", "words", "rfc_forbids"), KNOWN_BAD)
def test_known_bad_iris_are_refused_saying_why(iri, words, rfc_forbids):
    problem = http_iri_problem(iri)
    assert problem is not None and words in problem, problem
    if rfc_forbids:
        with pytest.raises(ValueError):
            ox.NamedNode(iri)


@pytest.mark.parametrize(
    ("base", "words"),
    [
        ("https://x.org/?a", "no query ('?') or fragment ('#')"),
        ("https://x.org/#", "no query ('?') or fragment ('#')"),
        ("https://x.org/a/../", "'.' or '..' segments"),
        ("https://x.org/%zz/", "no percent-escape"),
        ("https://u@x.org/", "user name or password"),
    ],
)
def test_base_iris_keep_their_own_rules(base, words):
    problem = base_iri_problem(base)
    assert problem is not None and words in problem


def test_a_huge_iri_is_checked_quickly_and_quoted_short():
    from liaise_lod.model import http_url

    huge = "https://x.org/" + "a" * 5_000_000 + " "
    with pytest.raises(ValueError) as caught:
        http_url(huge)
    assert len(str(caught.value)) < 400
