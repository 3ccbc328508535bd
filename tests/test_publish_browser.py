"""A real browser reads the site: headless Chromium (Debian's `chromium`) loads pages from
`liaise-lod serve` over HTTP, renders them to PNG, and must meet no console error, uncaught
exception, failed load or dialog."""

from __future__ import annotations

import json
import shutil
import struct
import unicodedata
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


#: A name whose words are cut at punctuation, with a letter past U+FFFF (two UTF-16 units).
ODD_NAME = "Université Paris-Saclay (𝔘NI) l'Oréal ΟΔΥΣΣΕΥΣ"


def folded(text):
    """A name's text as the search reads it, worked out here with Python's Unicode tables."""
    kept = [
        c if unicodedata.category(c)[0] in "LNM" else " "
        for c in unicodedata.normalize("NFD", text)
    ]
    return "".join(c for c in kept if not 0x300 <= ord(c) <= 0x36F).lower().replace("ς", "σ")


@pytest.mark.parametrize("sharded", [False, True])
def test_the_search_finds_names_whole_or_in_shards(chromium, tmp_path, monkeypatch, sharded):
    from liaise_lod.publish import search

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    text = (data / "dataset.yaml").read_text(encoding="utf-8")
    (data / "dataset.yaml").write_text(text.replace("name: Test Union", f'name: "{ODD_NAME}"'))
    publish(data, tmp_path / "whole", Settings(modified="2026-01-01"))
    entries = json.loads((tmp_path / "whole" / "search.json").read_text(encoding="utf-8"))
    if sharded:  # shards of 3 names at most where a longer beginning splits them
        monkeypatch.setattr(search, "SHARDED_ABOVE", 0)
        monkeypatch.setattr(search, "SHARD_MOST", 3)
        monkeypatch.setattr(search, "LOADED_MOST", 8)
    site = tmp_path / "site"
    publish(data, site, Settings(modified="2026-01-01"))
    texts = ["zero alpha", "alph", "ETHIQUE", "saclay", "𝔘n oreal", "𝔘ni", "ΟΔΥΣ", "lpha zero"]
    texts += ["seminar"]
    texts += ["__proto__", "a"]
    with serving(site) as root:
        page = chromium.render(
            f"{root}/", tmp_path / "index.png", {"search": SEARCH % json.dumps(texts)}
        )
    assert page.errors == []
    shown = dict(zip(texts, page.evaluations["search"], strict=True))
    for typed in texts[:-1]:
        words = folded(typed).split()
        if sharded:  # each typed word begins a word of the name
            found = [
                e[0]
                for e in entries
                if all(
                    any(own.startswith(w) for own in folded(e[0] + " " + e[3]).split())
                    for w in words
                )
            ]
        else:  # each typed word is in the name
            found = [e[0] for e in entries if all(w in folded(e[0] + " " + e[3]) for w in words)]
        assert shown[typed]["names"] == found[:50], typed
        assert shown[typed]["status"] == f"{len(found)} found", typed
    assert shown["zero alpha"]["names"] == ["Alpha zero"]
    assert shown["ETHIQUE"]["names"] == ["Ethics"]  # its French name, Éthique, folded
    assert shown["saclay"]["names"] == shown["𝔘n oreal"]["names"] == [ODD_NAME]
    assert shown["𝔘ni"]["names"] == shown["ΟΔΥΣ"]["names"] == [ODD_NAME]
    assert shown["__proto__"]["names"] == []
    # Found by the middle of a word only in the whole list.
    assert shown["lpha zero"]["names"] == ([] if sharded else ["Alpha zero"])
    if not sharded:
        assert shown["a"]["status"].endswith(" found")
        assert {fetched for s in shown.values() for fetched in s["fetched"]} == {"/search.json"}
        return
    counts = json.loads((site / "search.json").read_text(encoding="utf-8"))["counts"]
    # "zero" is rarer than "alpha": only its shard is loaded.
    assert shown["zero alpha"]["fetched"] == ["/search.json", f"/search/{shard_file('ze', counts)}"]
    # One letter would load more than 8 names: the visitor is asked for more.
    assert (
        shown["a"]["names"] == [] and shown["a"]["status"] == "Type more letters, or another word"
    )


def shard_file(word, counts):
    """The one shard of ``word``'s beginning (the only one this test expects to be loaded)."""
    loaded = [b for b in counts if b.startswith(word) or word.startswith(b)]
    assert len(loaded) == 1, loaded
    return "-".join(f"{ord(letter):x}" for letter in loaded[0]) + ".json"
