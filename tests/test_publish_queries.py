"""publish publishes the queries the dataset settings name, read from the dataset folder, and
no other file: not a draft lying beside them, nothing a path or a link leads to outside."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import MINI
from liaise_lod.cli import main
from liaise_lod.errors import InputError
from liaise_lod.publish import publish
from liaise_lod.publish.queries import MAX_QUERY_BYTES

PUBLIC = "SELECT ?name { ?org schema:name ?name }\n"
DRAFT = "# admin password: hunter2\nSELECT * { ?s ?p ?o }\n"


def dataset_naming(tmp_path: Path, *queries: str) -> Path:
    """The MINI dataset (in ``tmp_path/work/mini``) with these ``queries:`` settings."""
    folder = tmp_path / "work" / "mini"
    shutil.copytree(MINI, folder)
    settings = folder / "dataset.yaml"
    named = "".join(f"\n    - '{query}'" for query in queries)
    text = settings.read_text(encoding="utf-8")
    text = text.replace(
        "  title: Mini test dataset\n", f"  title: Mini test dataset\n  queries:{named}\n"
    )
    settings.write_text(text, encoding="utf-8")
    return folder


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def published(site: Path) -> list[str]:
    folder = site / "queries"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_only_the_named_queries_are_published(tmp_path):
    data = dataset_naming(tmp_path, "queries/public.rq", "more/organisations.rq")
    write(data / "queries/public.rq", PUBLIC)
    write(data / "more/organisations.rq", PUBLIC)
    write(data / "queries/draft.rq", DRAFT)  # beside a named one
    write(tmp_path / "work/queries/secret.rq", DRAFT)  # in the folder above
    site = tmp_path / "site"
    publish(data, site)
    assert published(site) == ["organisations.rq", "public.rq"]
    assert (site / "queries/public.rq").read_text(encoding="utf-8") == PUBLIC
    shown = (site / "queries.html").read_text(encoding="utf-8")  # their page, linked from all
    assert "public.rq" in shown and "organisations.rq" in shown
    assert 'href="queries"' in (site / "index.html").read_text(encoding="utf-8")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "hunter2" not in text and "draft.rq" not in text and "secret.rq" not in text


def test_without_the_setting_no_query_is_published(tmp_path):
    data = tmp_path / "work" / "mini"
    shutil.copytree(MINI, data)
    write(data / "queries/draft.rq", DRAFT)
    write(tmp_path / "work/queries/draft.rq", DRAFT)
    site = tmp_path / "site"
    publish(data, site)
    assert published(site) == []
    assert "hunter2" not in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "named",
    [
        "../queries/secret.rq",
        "/etc/secret.rq",
        "queries/../../secret.rq",
        ".hidden.rq",
        "queries/draft.txt",
        "queries\\draft.rq",
    ],
)
def test_a_path_leading_outside_is_refused_where_it_is_written(tmp_path, capsys, named):
    data = dataset_naming(tmp_path, named)
    site = tmp_path / "site"
    assert main(["publish", str(data), "--out", str(site)]) == 2
    error = capsys.readouterr().err
    assert "dataset.yaml:" in error and "field 'queries" in error and "Traceback" not in error
    assert not site.exists()


def test_what_a_named_path_holds_is_checked(tmp_path, capsys):
    outside = write(tmp_path / "outside/secret.rq", DRAFT)
    data = dataset_naming(
        tmp_path,
        "queries/link-out.rq",
        "link-folder/secret.rq",
        "queries/missing.rq",
        "queries/folder.rq",
        "queries/fifo.rq",
        "queries/big.rq",
        "queries/latin1.rq",
        "queries/control.rq",
        "queries/loop.rq",
        "queries/ok.rq",
        "other/ok.rq",
    )
    (data / "queries").mkdir()
    (data / "queries/link-out.rq").symlink_to(outside)
    (data / "link-folder").symlink_to(outside.parent, target_is_directory=True)
    (data / "queries/folder.rq").mkdir()
    os.mkfifo(data / "queries/fifo.rq")
    write(data / "queries/big.rq", "#" * MAX_QUERY_BYTES + "\nASK {}")
    write(data / "queries/latin1.rq", "# café\nASK {}".encode("latin-1"))
    write(data / "queries/control.rq", "ASK {}\x1b[2J")
    (data / "queries/loop.rq").symlink_to("loop.rq")
    write(data / "queries/ok.rq", PUBLIC)
    write(data / "other/ok.rq", PUBLIC)
    with pytest.raises(InputError) as raised:
        publish(data, tmp_path / "site")
    problems = {Path(problem.file).name: problem.message for problem in raised.value.problems}
    assert all(problem.field == "queries" for problem in raised.value.problems)
    assert "leads outside the dataset folder" in problems["link-out.rq"]
    assert "leads outside the dataset folder" in problems["secret.rq"]
    assert "no such file" in problems["missing.rq"]
    assert "is not a file" in problems["folder.rq"] and "is not a file" in problems["fifo.rq"]
    assert "larger than 64 KiB" in problems["big.rq"]
    assert "not UTF-8" in problems["latin1.rq"]
    assert "control character" in problems["control.rq"]
    assert "symbolic link" in problems["loop.rq"]
    assert "another query named 'ok.rq'" in problems["ok.rq"]
    assert len(problems) == 11 - 1  # ok.rq once: the second one
    assert not (tmp_path / "site").exists()


def test_a_link_inside_the_dataset_folder_is_followed(tmp_path):
    data = dataset_naming(tmp_path, "queries/linked.rq")
    write(data / "shared/public.rq", PUBLIC)
    (data / "queries").mkdir()
    (data / "queries/linked.rq").symlink_to("../shared/public.rq")
    publish(data, tmp_path / "site")
    assert (tmp_path / "site/queries/linked.rq").read_text(encoding="utf-8") == PUBLIC
