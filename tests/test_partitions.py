"""Builds in partitions: the same files as a build in one piece, the same validation results."""

from __future__ import annotations

import json
import logging
import os
import sys
import weakref

import pytest
from rdflib import RDF, Literal, URIRef

from conftest import EXAMPLE, MINI, REPO
from liaise_lod import rich_results
from liaise_lod._internal import partitions
from liaise_lod._internal.allocation import long_lived
from liaise_lod._internal.kept import Kept, encoded
from liaise_lod.cli import main
from liaise_lod.errors import InvalidGraphError
from liaise_lod.load import load_dataset
from liaise_lod.mapping import to_graph
from liaise_lod.namespaces import SCHEMA
from liaise_lod.pipeline import build
from liaise_lod.validation import completeness_shapes, find_results

sys.path.insert(0, str(REPO / "benchmarks"))
import synthetic


def files_of(folder):
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != ".liaise-lod-manifest"
    }


def test_a_key_has_one_stable_partition():
    assert partitions.partition_of("https://example.org/project/x", 1) == 0
    numbers = [partitions.partition_of(f"https://example.org/p/{n}", 7) for n in range(200)]
    assert set(numbers) == set(range(7))
    # the first 8 bytes of the key's SHA-256 (not Python's hash, which changes from run to run)
    assert partitions.partition_of("https://example.org/project/x", 1000) == 675
    assert partitions.owner_key("https://e.org/project/x#funding-1") == "https://e.org/project/x"


def test_the_partitions_are_chosen_from_the_dataset_size():
    assert partitions.partition_count(10) == 1
    assert partitions.partition_count(partitions.RECORDS_PER_PARTITION + 1) == 2
    assert partitions.partition_count(10, requested=4) == 4


@pytest.mark.parametrize("strict", [False, True])
def test_the_example_built_in_partitions_is_byte_identical(tmp_path, strict):
    one = build(EXAMPLE, tmp_path / "one", strict=strict, partitions=1)
    many = build(EXAMPLE, tmp_path / "many", strict=strict, partitions=3)
    assert files_of(tmp_path / "many") == files_of(tmp_path / "one")
    assert many.report == one.report
    assert many.triples_written == len(one.graph)


def test_a_generated_dataset_built_in_partitions_is_byte_identical(tmp_path):
    data = synthetic.write(tmp_path / "data", 12)
    build(data, tmp_path / "one", strict=True, partitions=1)
    build(data, tmp_path / "many", strict=True, partitions=5)
    assert files_of(tmp_path / "many") == files_of(tmp_path / "one")


def test_a_partition_s_graph_is_freed_before_the_next_one(tmp_path, monkeypatch):
    """Its graph is in reference cycles, which validation keeps from the collector (see
    ``allocation.long_lived``), as ``fork_map`` does for as long as its processes work: a
    process working one partition after another held every graph it had made. Each is made
    in a process of its own."""
    layout = partitions.Layout(tmp_path / "work", 3, synthetic.BASE)
    partitions.spill_graph(to_graph(load_dataset(synthetic.write(tmp_path / "data", 6))), layout)
    real_read = partitions.read_partition
    made, makers = [], tmp_path / "makers"

    def reading(layout, number):
        graph = real_read(layout, number)
        made.append(weakref.ref(graph))
        with makers.open("a") as log:
            log.write(f"{os.getpid()}\n")
        return graph

    monkeypatch.setattr(partitions, "read_partition", reading)
    with long_lived():  # as in ``fork_map``
        for number in range(3):
            partitions.partition_work(layout, False, number)
            assert not [ref for ref in made if ref() is not None]
    assert str(os.getpid()) not in makers.read_text().split()
    assert len(makers.read_text().split()) == 3


def test_validation_in_partitions_finds_what_a_whole_validation_finds(tmp_path):
    """A graph broken where a focus node's results depend on other partitions' triples: the
    types of organisations that members point at (sh:class), the roles that point back at an
    organisation (an inverse path), a concept's label. Each partition's own focus nodes get
    the results a whole validation gives them, no more, no fewer."""
    graph = to_graph(load_dataset(synthetic.write(tmp_path / "data", 20)))
    organisations = sorted(set(graph.subjects(RDF.type, SCHEMA.Organization)), key=str)
    for organisation in organisations[:5]:
        graph.remove((organisation, RDF.type, None))
    roles = sorted(set(graph.subjects(RDF.type, SCHEMA.OrganizationRole)), key=str)
    for role in roles[:7]:
        graph.remove((role, RDF.type, None))
    stray = URIRef(synthetic.BASE + "organisation/nowhere")
    graph.add((stray, SCHEMA.name, Literal("Nowhere")))
    graph.add((roles[10], SCHEMA.member, stray))
    for event in sorted(set(graph.subjects(RDF.type, SCHEMA.Event)), key=str)[:3]:
        graph.remove((event, SCHEMA.startDate, None))

    whole = find_results(graph, base=synthetic.BASE)
    layout = partitions.Layout(tmp_path / "work", 4, synthetic.BASE)
    partitions.spill_graph(graph, layout)
    summaries = [partitions.partition_work(layout, True, number) for number in range(4)]
    found = [kept for summary in summaries for kept in summary.kept.results]
    assert len(whole) > 40
    assert sorted(map(json.dumps, found)) == sorted(json.dumps(encoded(*pair)) for pair in whole)
    # Without strict, the completeness shapes' results are counted, as a whole build counts them.
    expected = Kept()
    expected.add(whole, False, completeness_shapes(synthetic.BASE))
    assert expected.held_back and expected.results
    lenient = Kept()
    for number in range(4):
        lenient.merge(partitions.partition_work(layout, False, number).kept)
    assert lenient.held_back == expected.held_back
    assert lenient.in_order() == expected.in_order()
    assert partitions.rich_findings(summaries) == rich_results.check([graph])
    assert sum(summary.triples for summary in summaries) == len(graph)
    assert max(summary.triples for summary in summaries) < len(graph) / 2


def test_a_partitioned_build_with_violations_writes_nothing_unless_allowed(
    tmp_path, violations_everywhere
):
    with pytest.raises(InvalidGraphError) as raised:
        build(MINI, tmp_path / "out", partitions=2)
    assert not (tmp_path / "out").exists()
    assert [path.name for path in tmp_path.iterdir()] == []
    one = build(MINI, tmp_path / "one", partitions=1, allow_invalid=True)
    many = build(MINI, tmp_path / "many", partitions=2, allow_invalid=True)
    assert not one.report.conforms
    assert raised.value.report == many.report == one.report
    assert files_of(tmp_path / "many") == files_of(tmp_path / "one")


def test_the_command_line_takes_a_number_of_partitions(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="liaise_lod"):
        code = main(
            ["-v", "build", str(EXAMPLE), "--out", str(tmp_path / "out"), "--partitions", "2"]
        )
    assert code == 0
    assert "building in 2 partitions" in caplog.text
    build(EXAMPLE, tmp_path / "one", partitions=1)
    assert files_of(tmp_path / "out") == files_of(tmp_path / "one")
