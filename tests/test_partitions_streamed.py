"""A build in partitions from files loads and spills the dataset in a process of its own: this
process never holds every record, and problems, results and files are those of a build that
loads the dataset itself."""

from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
import signal
import sys

import pytest
from test_partitions import files_of

from conftest import EXAMPLE, REPO
from liaise_lod import pipeline, validation
from liaise_lod._internal import partitions, streamed
from liaise_lod.errors import InputError, InvalidGraphError, LiaiseError, Problem
from liaise_lod.load import count_records, load_dataset
from liaise_lod.model import Record
from liaise_lod.pipeline import build

sys.path.insert(0, str(REPO / "benchmarks"))
import synthetic


def test_an_input_error_comes_back_from_another_process_whole():
    error = InputError(
        [Problem("b.yaml", 3, "x", "name", "late"), Problem("a.json", 1, None, None, "m")]
    )
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InputError
    assert again.problems == error.problems
    assert str(again) == str(error)


def test_records_are_counted_without_being_checked(tmp_path):
    assert count_records(EXAMPLE) == sum(1 for _ in load_dataset(EXAMPLE).records())
    data = synthetic.write(tmp_path / "data", 3)
    assert count_records(data) == sum(1 for _ in load_dataset(data).records())
    # files too small to hold that many records are not read
    assert count_records(data, at_least=10**9) == 0


def test_no_record_is_held_here_while_the_partitions_are_validated(tmp_path, monkeypatch):
    data = synthetic.write(tmp_path / "data", 12)
    real_work = partitions.partition_work
    alive: list[int] = []

    def records_alive():
        gc.collect()
        return sum(1 for thing in gc.get_objects() if isinstance(thing, Record))

    def counting_work(layout, strict, number):
        alive.append(records_alive())
        return real_work(layout, strict, number)

    monkeypatch.setattr(partitions, "partition_work", counting_work)
    before = records_alive()  # those other tests left
    many = build(data, tmp_path / "many", strict=True, partitions=3)
    assert alive == [before] * 3
    assert many.dataset.info.base == synthetic.BASE
    monkeypatch.undo()
    build(data, tmp_path / "one", strict=True, partitions=1)
    assert files_of(tmp_path / "many") == files_of(tmp_path / "one")


def test_partitions_are_chosen_from_the_files_when_not_asked_for(tmp_path, monkeypatch, caplog):
    data = synthetic.write(tmp_path / "data", 6)
    monkeypatch.setattr(partitions, "RECORDS_PER_PARTITION", 40)
    with caplog.at_level("INFO", logger="liaise_lod"):
        build(data, tmp_path / "auto")
    records = count_records(data)
    assert f"building in {partitions.partition_count(records)} partitions" in caplog.text
    assert partitions.partition_count(records) > 1
    build(data, tmp_path / "one", partitions=1)
    assert files_of(tmp_path / "auto") == files_of(tmp_path / "one")


def _broken(tmp_path):
    """A dataset with problems of every sort the loader finds: in a record's own fields, in
    references across records and files, a duplicate id, in JSON, YAML and CSV files."""
    data = synthetic.write(tmp_path / "data", 4)
    projects = json.loads((data / "projects.json").read_text())
    projects["projects"][1]["start"] = "2016-02-30"
    projects["projects"][2]["lead"] = "project-0"
    projects["projects"][3]["id"] = "project-0"
    (data / "projects.json").write_text(json.dumps(projects, indent=1))
    (data / "more.yaml").write_text(
        "events:\n"
        "  - id: extra-event\n"
        "    name: {en: Extra}\n"
        "    kind: conference\n"
        "    start: 2020-01-01\n"
        "    project: no-such-project\n"
        "    colour: blue\n"
    )
    (data / "participations.csv").write_text(
        "organisation,project,role\norg-1,project-1,partner\norg-2,project-9,partner\n"
    )
    return data


def test_a_dataset_with_problems_fails_as_the_loader_says(tmp_path):
    data = _broken(tmp_path)
    with pytest.raises(InputError) as loaded:
        load_dataset(data)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / pipeline.OUTPUT_MARKER).write_text("")
    (tmp_path / "out" / "kept.txt").write_text("the previous output")
    with pytest.raises(InputError) as built:
        build(data, tmp_path / "out", partitions=3)
    assert built.value.problems == loaded.value.problems
    assert str(built.value) == str(loaded.value)
    files = {problem.file.rsplit("/", 1)[-1] for problem in loaded.value.problems}
    assert files >= {"projects.json", "more.yaml", "participations.csv"}
    assert all(problem.line for problem in loaded.value.problems)
    # the previous output is as it was, and no folder was left beside it
    assert (tmp_path / "out" / "kept.txt").read_text() == "the previous output"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "out"]


def test_results_are_located_in_json_files_as_in_a_whole_build(tmp_path, monkeypatch):
    data = synthetic.write(tmp_path / "data", 5)
    # indented: each record on lines of its own, so that a wrong line shows
    for path in data.glob("*.json"):
        path.write_text(json.dumps(json.loads(path.read_text()), indent=2))
    real_find = validation.find_results

    def validate_elsewhere(graph, *, base, **options):
        # every record IRI is then outside the base: a violation on every record
        return real_find(graph, base="https://elsewhere.example.org/", **options)

    monkeypatch.setattr(validation, "find_results", validate_elsewhere)
    monkeypatch.setattr(pipeline, "find_results", validate_elsewhere)
    one = build(data, tmp_path / "one", partitions=1, allow_invalid=True)
    many = build(data, tmp_path / "many", partitions=3, allow_invalid=True)
    assert many.report == one.report
    located = [result for result in many.report.results if result.line]
    assert len({result.line for result in located}) > 50
    assert files_of(tmp_path / "many") == files_of(tmp_path / "one")
    shutil.rmtree(tmp_path / "many")
    with pytest.raises(InvalidGraphError):
        build(data, tmp_path / "many", partitions=3)
    assert not (tmp_path / "many").exists()


def test_a_loading_process_that_dies_is_not_blamed_on_helpers(tmp_path, monkeypatch):
    """It is started whatever ``-j`` says: the message must not suggest ``-j 1``."""
    data = synthetic.write(tmp_path / "data", 3)

    def killed(*arguments):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(streamed, "_load_and_spill", killed)
    with pytest.raises(LiaiseError) as died:
        build(data, tmp_path / "out", partitions=2, processes=1)
    message = str(died.value)
    assert "loads the dataset" in message and "exit code -9" in message
    assert "-j" not in message
    assert not (tmp_path / "out").exists()
