"""A real browser reads the site: headless Chromium (Debian's `chromium`) loads pages from
`liaise-lod serve` over HTTP, renders them to PNG, and must meet no console error, uncaught
exception, failed load or dialog."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from browser import Chromium
from checkers import require_executable
from conftest import EXAMPLE, MINI
from liaise_lod.load import load_dataset
from liaise_lod.publish import Settings, publish
from publish_helpers import serving

HOSTILE = "</script><script>alert(1)</script>"

#: Visible on screen: laid out, not hidden, with a size, and inside the page.
PARTNERS = """(() => {
  const section = document.querySelector('#partners');
  if (!section) return null;
  const box = section.getBoundingClientRect();
  return {
    visible: section.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}),
    width: box.width, height: box.height, left: box.left,
    text: section.innerText,
  };
})()"""


@pytest.fixture(scope="module")
def chromium():
    executable = require_executable("chromium", "apt-get install chromium")
    with Chromium(executable) as browser:
        yield browser


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("browser") / "liaise2"
    publish(EXAMPLE, site, Settings(modified="2026-01-15"))
    return site


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def english(names: dict[str, str]) -> str:
    return names.get("en") or next(iter(names.values()))


def test_project_page_renders_with_its_partners(chromium, example_site, tmp_path):
    dataset = load_dataset(EXAMPLE)
    project = next(record for record in dataset.projects if record.id == "liaise-2")
    names = {record.id: english(record.name) for record in dataset.organisations}
    partners = {
        names[membership.organisation]
        for membership in dataset.participations
        if membership.project == "liaise-2"
    }
    png = tmp_path / "project.png"
    with serving(example_site) as root:
        page = chromium.render(f"{root}/project/liaise-2", png, {"partners": PARTNERS})

    assert page.errors == []
    # The project's name as the LIAISE 2 pages give it.
    assert page.title.startswith("Local Institutions Against Violent Extremism II ·")
    assert page.title.startswith(english(project.name) + " ·")
    shown = page.evaluations["partners"]
    assert shown is not None, "no #partners section on the project page"
    assert shown["visible"] and shown["width"] > 0 and shown["height"] > 0 and shown["left"] >= 0
    missing = sorted(name for name in partners if name not in shown["text"])
    assert len(partners) >= 30 and missing == []
    assert png_size(png) == (1200, 900)


def test_event_page_renders(chromium, example_site, tmp_path):
    png = tmp_path / "event.png"
    with serving(example_site) as root:
        page = chromium.render(
            f"{root}/event/liaise-2-seminar-3",
            png,
            {"h1": "document.querySelector('h1').innerText"},
        )
    dataset = load_dataset(EXAMPLE)
    event = next(record for record in dataset.events if record.id == "liaise-2-seminar-3")
    assert page.errors == []
    assert page.title == f"{english(event.name)} · {english(dataset.info.title)}"
    assert page.evaluations["h1"] == english(event.name)
    assert png_size(png) == (1200, 900)


def test_hostile_names_run_no_script(chromium, tmp_path):
    folder = tmp_path / "hostile"
    shutil.copytree(MINI, folder)
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    assert "en: Test Forum for Urban Security" in text
    (folder / "dataset.yaml").write_text(
        text.replace("en: Test Forum for Urban Security", f"en: '{HOSTILE}'"), encoding="utf-8"
    )
    site = tmp_path / "site"
    publish(folder, site)
    pages = sorted(
        "/" + path.relative_to(site).with_suffix("").as_posix()
        for path in site.rglob("*.html")
        if HOSTILE.replace("<", "&lt;").replace(">", "&gt;") in path.read_text(encoding="utf-8")
    )
    assert pages, "the hostile name is on no page"
    with serving(site) as root:
        for number, page in enumerate(pages):
            rendered = chromium.render(root + page, tmp_path / f"{number}.png")
            assert rendered.dialogs == [], page
            assert rendered.errors == [], page


#: Types each text into the index page's search, one after another, and gives what it shows:
#: the status line, the names found, and the search files the page fetched so far.
SEARCH = """(async (texts) => {
  const input = document.querySelector('#search-input');
  const status = document.getElementById('search-status');
  const shown = [];
  for (const text of texts) {
    status.textContent = '';
    input.focus();
    input.value = text;
    input.dispatchEvent(new Event('input'));
    for (let i = 0; i < 250 && !status.textContent; i++) {
      await new Promise((done) => setTimeout(done, 20));
    }
    shown.push({
      status: status.textContent,
      names: [...document.querySelectorAll('#search-results a')].map((a) => a.textContent),
      fetched: performance.getEntriesByType('resource')
        .map((entry) => new URL(entry.name).pathname)
        .filter((path) => path.startsWith('/search') && path.endsWith('.json')),
    });
  }
  return shown;
})(%s)"""


@pytest.mark.parametrize("sharded", [False, True])
def test_the_search_finds_names_whole_or_in_shards(chromium, tmp_path, monkeypatch, sharded):
    from liaise_lod.publish import search

    publish(MINI, tmp_path / "whole", Settings(modified="2026-01-01"))
    entries = json.loads((tmp_path / "whole" / "search.json").read_text(encoding="utf-8"))
    if sharded:  # shards of 3 names at most where a longer beginning splits them
        monkeypatch.setattr(search, "SHARDED_ABOVE", 0)
        monkeypatch.setattr(search, "SHARD_MOST", 3)
        monkeypatch.setattr(search, "LOADED_MOST", 8)
    site = tmp_path / "site"
    publish(MINI, site, Settings(modified="2026-01-01"))
    texts = ["zero alpha", "alph", "ETHIQUE", "a", "__proto__", "seminar"]
    with serving(site) as root:
        page = chromium.render(
            f"{root}/", tmp_path / "index.png", {"search": SEARCH % json.dumps(texts)}
        )
    assert page.errors == []
    zero, alpha, ethics, short, proto, seminar = page.evaluations["search"]
    assert zero["names"] == ["Alpha zero"] and zero["status"] == "1 found"
    assert alpha["names"] == ["Alpha project", "Alpha zero"]
    assert ethics["names"] == ["Ethics"]  # its French name, Éthique, folded
    assert proto["names"] == [] and proto["status"] == "0 found"
    # In the order of the whole list, whichever shards they came from.
    holding = [e[0] for e in entries if "seminar" in (e[0] + " " + e[3]).lower()]
    assert seminar["names"] == holding and len(holding) >= 4
    if not sharded:
        assert zero["fetched"] == ["/search.json"] == seminar["fetched"]
        # One letter finds every name that holds it (the first 50 shown).
        holding = [e[0] for e in entries if "a" in (e[0] + " " + e[3]).lower()]
        assert short["status"] == f"{len(holding)} found" and short["names"] == holding[:50]
        return
    counts = json.loads((site / "search.json").read_text(encoding="utf-8"))["counts"]
    # "zero" is rarer than "alpha": only its shard is loaded.
    assert zero["fetched"] == ["/search.json", f"/search/{shard_file('ze', counts)}"]
    # One letter would load more than 8 names: the visitor is asked for more.
    assert short["names"] == [] and short["status"] == "Type more letters, or another word"


def shard_file(word, counts):
    """The one shard of ``word``'s beginning (the only one this test expects to be loaded)."""
    loaded = [b for b in counts if b.startswith(word) or word.startswith(b)]
    assert len(loaded) == 1, loaded
    return "-".join(f"{ord(letter):x}" for letter in loaded[0]) + ".json"
