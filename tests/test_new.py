"""``liaise-lod new``: a dataset to start from, which builds and publishes with no violation."""

from __future__ import annotations

from liaise_lod.cli import main
from liaise_lod.pipeline import check


def test_new_writes_a_dataset_that_builds_and_publishes(tmp_path, capsys):
    folder = tmp_path / "mine"
    assert main(["new", str(folder)]) == 0
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["dataset.yaml", "events.yaml", "participations.csv", "publications.yaml"]
    result = check(folder)
    assert result.report.conforms and not result.report.results
    kinds = {record.record_kind for record in result.dataset.records()}
    assert {"project", "organisation", "participation", "event", "publication"} <= kinds
    assert main(["publish", str(folder), "--out", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "project" / "my-project.html").is_file()


def test_new_refuses_a_folder_that_holds_something(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
