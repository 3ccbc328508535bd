"""Incremental publishing: a publish into a site an earlier publish wrote redoes only what the
edit reaches, and the site is byte for byte that of a publish from nothing, whatever the edits
(the same generated sequences as ``test_incremental``'s builds).

``LIAISE_INCREMENTAL_EXAMPLES`` sets how many generated sequences of edits the property test
runs (a handful by default, to keep the suite quick).
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import (
    RECORD_EDITS,
    _changeable_shapes,
    _drawn_change,
    _said,
    _start,
    _write,
)

import liaise_lod
from liaise_lod._internal import manifest as manifests
from liaise_lod.publish import Settings, publish

SETTINGS = Settings(license="https://creativecommons.org/licenses/by/4.0/")
#: A site takes longer than a build's output: fewer examples by default.
EXAMPLES = int(os.environ.get("LIAISE_INCREMENTAL_EXAMPLES", "2"))


def _publish(dataset: Path, out: Path, **options) -> None:
    publish(dataset, out, SETTINGS, **options)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _earlier(out: Path) -> Path:
    """A copy of the site in ``out`` before the next publish: the previous release a publish
    from nothing is given, so that both say the same of what changed."""
    copy = out.parent / "earlier"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(out, copy)
    return copy


def _same_as_clean(dataset: Path, out: Path, clean: Path, earlier: Path) -> None:
    if clean.exists():
        shutil.rmtree(clean)
    with_previous = dataclasses.replace(SETTINGS, previous=earlier)
    publish(dataset, clean, with_previous, incremental=False)
    expected, got = _tree(clean), _tree(out)
    assert sorted(got) == sorted(expected), set(got) ^ set(expected)
    for name, data in expected.items():
        assert got[name] == data, f"{name} differs from a clean publish's"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_an_incremental_publish_equals_a_clean_publish_after_any_edits(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("edits")
    dataset, out, clean = tmp / "data", tmp / "out", tmp / "clean"
    state = _start()
    # participations as pages of their own, or as fragments of their project's page
    state["dataset"]["participation_iris"] = data.draw(
        st.sampled_from(["pages", "fragments"]), label="participations"
    )
    _write(state, dataset)
    steps = data.draw(st.integers(min_value=1, max_value=6), label="steps")
    with _changeable_shapes(tmp / "shapes"), pytest.MonkeyPatch.context() as patch:
        _publish(dataset, out)
        for step in range(steps):
            before = copy.deepcopy(state)
            kind = _drawn_change(state, data.draw, tmp / "shapes", step, patch)
            _write(state, dataset)
            earlier = _earlier(out)
            with _said() as said:
                try:
                    _publish(dataset, out)
                except (liaise_lod.InputError, liaise_lod.InvalidGraphError):
                    state = before  # an edit the model or the shapes refuse: undo it
                    _write(state, dataset)
                    _publish(dataset, out)
            full = [line for line in said if line.startswith("full build")]
            if kind in RECORD_EDITS and state is not before:
                assert not full, f"{kind}: {full}"
            elif kind not in ("nothing", "reorder") and state is not before:
                assert full, f"{kind}: not a full publish"
            _same_as_clean(dataset, out, clean, earlier)


@pytest.fixture
def published(tmp_path):
    """A dataset published once, then one project's name edited: (dataset, site)."""
    state = _start()
    dataset, out = tmp_path / "data", tmp_path / "site"
    _write(state, dataset)
    _publish(dataset, out)
    state["projects"][1]["name"] = {"en": "Renamed"}
    _write(state, dataset)
    return dataset, out


def _inodes(folder: Path) -> dict[str, int]:
    return {
        path.relative_to(folder).as_posix(): path.stat().st_ino
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_pages_that_read_nothing_changed_are_linked_not_written(published):
    dataset, out = published
    before = _inodes(out)
    earlier = _earlier(out)
    with _said() as said:
        _publish(dataset, out)
    after = _inodes(out)
    assert not [line for line in said if line.startswith("full build")], said
    # the renamed project's page, and the pages naming it, are written again
    assert after["project/p-1.html"] != before["project/p-1.html"]
    assert after["organisation/org-0.html"] != before["organisation/org-0.html"]
    assert b"Renamed" in (out / "organisation/org-0.html").read_bytes()
    # a project that names neither it nor anything it names: linked
    assert after["project/p-2.html"] == before["project/p-2.html"]
    assert after["project/p-2.ttl"] == before["project/p-2.ttl"]
    assert after["organisation/org-3.html"] == before["organisation/org-3.html"]
    _same_as_clean(dataset, out, out.parent / "clean", earlier)


def test_a_deleted_resource_s_files_are_gone(published):
    dataset, out = published
    state = _start()
    state["projects"] = [p for p in state["projects"] if p["id"] != "p-2"]
    state["participations"] = [p for p in state["participations"] if p["project"] != "p-2"]
    state["events"] = [e for e in state["events"] if e["project"] != "p-2"]
    state["publications"] = [p for p in state["publications"] if p["id"] != "p-2-pub"]
    _write(state, dataset)
    earlier = _earlier(out)
    _publish(dataset, out)
    assert not list(out.glob("project/p-2*"))
    _same_as_clean(dataset, out, out.parent / "clean", earlier)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda out: (out / manifests.NAME).unlink(), "the output has no manifest"),
        (lambda out: _tamper(out, "pages", {"x": [[10**9], []]}), "its manifest is damaged"),
        (lambda out: _tamper(out, "pages", {}), "the earlier site's pages are not listed"),
        (
            # a dump still readable, as the release's comparison with it needs
            lambda out: (out / "dataset.nt.gz").write_bytes(gzip.compress(b"")),
            "dataset.nt.gz is not the file the manifest lists",
        ),
    ],
)
def test_what_the_site_s_manifest_cannot_account_for_means_a_full_publish(
    published, damage, reason
):
    dataset, out = published
    damage(out)
    earlier = _earlier(out)
    with _said() as said:
        _publish(dataset, out)
    assert any(line.startswith("full build: ") and reason in line for line in said), said
    _same_as_clean(dataset, out, out.parent / "clean", earlier)


def test_publish_full_writes_every_file(published):
    dataset, out = published
    before = _inodes(out)
    _publish(dataset, out, incremental=False)
    after = _inodes(out)
    assert not set(before.values()) & set(after.values())


def _tamper(out: Path, key: str, value) -> None:
    document = json.loads((out / manifests.NAME).read_text())
    document[key] = value
    (out / manifests.NAME).write_text(json.dumps(document))


def test_a_resource_whose_files_are_missing_from_the_earlier_site_is_written(published):
    dataset, out = published
    (out / "project/p-2.ttl").unlink()
    before = (out / "project/p-2.html").stat().st_ino
    earlier = _earlier(out)
    _publish(dataset, out)
    assert (out / "project/p-2.html").stat().st_ino != before
    _same_as_clean(dataset, out, out.parent / "clean", earlier)
