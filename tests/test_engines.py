"""``--engine dask``: the parallel work on a real ``dask.distributed`` cluster of two worker
processes gives the same files as the default engine; a scheduler that cannot be reached is a
message, not a traceback, and does not hang."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checkers import require
from liaise_lod.errors import ConfigError
from liaise_lod.pipeline import build, check
from liaise_lod.publish import Settings, publish

REPO = Path(__file__).resolve().parent.parent
LICENCE = "https://creativecommons.org/licenses/by/4.0/"

try:
    import distributed
except ImportError:  # the `dask` extra; CI installs it
    distributed = None


@pytest.fixture(scope="module")
def cluster():
    require(distributed is not None, "dask.distributed", "pip install 'liaise-lod[dask]'")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # its HTTP server: a free port, not 8787
    ) as local:
        yield local


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import synthetic

    return synthetic.write(tmp_path_factory.mktemp("engines") / "data", 4)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".liaise-lod-manifest"
    }


def _ran_on_workers(cluster, work) -> list[str]:
    """The keys of the tasks the cluster ran while ``work()`` ran."""
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        work()
    return [task["key"] for task in stream.data]


def test_build_on_a_dask_cluster_writes_the_same_files(cluster, data, tmp_path):
    """With --strict, so that the reports hold results of many shapes, which must agree."""
    build(data, tmp_path / "fork", processes=2, shards=2, strict=True)
    ran = _ran_on_workers(
        cluster,
        lambda: build(
            data,
            tmp_path / "dask",
            shards=2,
            strict=True,
            parallel="dask",
            scheduler=cluster.scheduler_address,
        ),
    )
    assert any("pyshacl_one_shape" in str(key) for key in ran), "nothing ran on the workers"
    assert "  warning " in (tmp_path / "fork" / "validation-report.txt").read_text()
    assert _files(tmp_path / "dask") == _files(tmp_path / "fork")


def test_partitions_built_on_a_dask_cluster_are_the_files_of_a_build_in_one_piece(
    cluster, data, tmp_path
):
    build(data, tmp_path / "one", shards=2, partitions=1)
    ran = _ran_on_workers(
        cluster,
        lambda: build(
            data,
            tmp_path / "dask",
            shards=2,
            partitions=3,
            parallel="dask",
            scheduler=cluster.scheduler_address,
        ),
    )
    assert any("partition_work" in str(key) for key in ran), ran
    assert _files(tmp_path / "dask") == _files(tmp_path / "one")


def test_publish_on_a_dask_cluster_writes_the_same_site(cluster, data, tmp_path):
    publish(data, tmp_path / "fork", Settings(license=LICENCE, processes=2))
    dask = Settings(license=LICENCE, parallel="dask", scheduler=cluster.scheduler_address)
    ran = _ran_on_workers(cluster, lambda: publish(data, tmp_path / "dask", dask))
    assert any("pyshacl_one_shape" in str(key) for key in ran)
    assert _files(tmp_path / "dask") == _files(tmp_path / "fork")


def test_a_site_published_in_partitions_on_a_dask_cluster_is_the_site_in_one_piece(
    cluster, data, tmp_path
):
    """The partitions' workers also index their documents for the pages, into the folder
    they share with the client."""
    publish(data, tmp_path / "one", Settings(license=LICENCE, partitions=1))
    dask = Settings(
        license=LICENCE, partitions=3, parallel="dask", scheduler=cluster.scheduler_address
    )
    ran = _ran_on_workers(cluster, lambda: publish(data, tmp_path / "dask", dask))
    assert any("partition_work" in str(key) for key in ran), ran
    assert _files(tmp_path / "dask") == _files(tmp_path / "one")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_scheduler_nobody_answers_at_is_a_message(data, tmp_path, monkeypatch):
    require(distributed is not None, "dask.distributed", "pip install 'liaise-lod[dask]'")
    from liaise_lod._internal import engines

    monkeypatch.setattr(engines, "CONNECT_SECONDS", 2.0)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(ConfigError, match="dask scheduler"):
        check(data, parallel="dask", scheduler=address)
    assert time.monotonic() - started < 120  # a bounded wait, not a hang
    command = ["build", str(data), "--out", str(tmp_path / "o"), "--engine", "dask"]
    done = subprocess.run(
        [sys.executable, "-m", "liaise_lod.cli", *command, "--scheduler", address],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 2
    assert "--scheduler" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_a_scheduler_without_the_dask_engine_is_refused(data):
    with pytest.raises(ConfigError, match="--engine dask"):
        check(data, scheduler="tcp://127.0.0.1:8786")
