"""``--shards N``: the N-Triples dump cut into gzipped shards for bulk loaders, each a DCAT
distribution of the site; together the shards are the dataset, as a second parser reads them."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from checkers import require_executable
from liaise_lod.pipeline import build
from liaise_lod.publish import Settings, publish
from liaise_lod.publish.metadata import dcat_ap_conforms

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "liaise2"
SHARDS = 3


def _serdi_lines(path: Path) -> list[str]:
    """The triples serdi reads in an N-Triples file (gzipped or not), as it writes them."""
    serdi = require_executable("serdi", "apt-get install serdi")
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    done = subprocess.run(
        [serdi, "-i", "ntriples", "-o", "ntriples", "-"], input=data, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().splitlines()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shards") / "out"
    build(EXAMPLE, out, shards=SHARDS)
    return out


def test_the_shards_together_are_the_dump(built):
    shards = sorted(built.glob("dataset-*.nt.gz"))
    assert [path.name for path in shards] == [f"dataset-000{n}.nt.gz" for n in (1, 2, 3)]
    whole = _serdi_lines(built / "dataset.nt")
    parts = [_serdi_lines(path) for path in shards]
    assert all(parts), "a shard is empty: the subjects are not shared out"
    assert sorted(line for part in parts for line in part) == sorted(whole)  # none lost or twice
    for path in shards:  # each keeps the dump's order
        ours = gzip.decompress(path.read_bytes()).splitlines()
        assert ours == sorted(ours)
    subjects = [{line.split(" ", 1)[0].partition("#")[0] for line in part} for part in parts]
    assert not set.intersection(*subjects[:2]) and not set.intersection(*subjects[1:])


def test_shards_are_the_same_bytes_each_time(built, tmp_path):
    again = tmp_path / "again"
    build(EXAMPLE, again, shards=SHARDS, incremental=False)
    for path in built.glob("dataset-*.nt.gz"):
        data = path.read_bytes()
        assert data == (again / path.name).read_bytes()
        assert data[3] == 0 and data[4:8] == b"\0\0\0\0", "a file name or a time in the gzip"


def test_publish_lists_each_shard_as_a_distribution(tmp_path):
    site = tmp_path / "site"
    publish(
        EXAMPLE, site, Settings(shards=2, license="https://creativecommons.org/licenses/by/4.0/")
    )
    description = Graph().parse(site / "description.ttl")
    base = next(iter(description.objects(None, DCAT.landingPage))).rsplit("/", 1)[0] + "/"
    media = URIRef("https://www.iana.org/assignments/media-types/application/n-triples")
    gzip_type = URIRef("https://www.iana.org/assignments/media-types/application/gzip")
    lines = []
    for name in ("dataset-0001.nt.gz", "dataset-0002.nt.gz"):
        url = URIRef(base + name)
        (node,) = description.subjects(DCAT.downloadURL, url)
        assert (node, RDF.type, DCAT.Distribution) in description
        assert (node, DCAT.mediaType, media) in description
        assert (node, DCAT.compressFormat, gzip_type) in description
        size = (site / name).stat().st_size
        assert int(description.value(node, DCAT.byteSize)) == size
        lines += _serdi_lines(site / name)
    assert sorted(lines) == sorted(_serdi_lines(site / "dataset.nt.gz"))
    assert dcat_ap_conforms(description)
    assert "dataset-0002.nt.gz" in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("count", ["0", "10000", "two"])
def test_a_bad_number_of_shards_is_refused_without_a_traceback(tmp_path, count):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "liaise_lod.cli",
            "build",
            str(EXAMPLE),
            "--out",
            str(tmp_path / "o"),
            "--shards",
            count,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "shards" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()
