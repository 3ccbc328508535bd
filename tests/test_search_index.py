"""The search's index: one file for a small site; for a large one, shards by the beginnings of
words, from which the browser finds every name each of whose typed words begins a word."""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest

from conftest import MINI, REPO
from liaise_lod.errors import ConfigError
from liaise_lod.publish import Settings, publish, search

CLIMATE = REPO / "tests" / "data" / "climate"


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def folded_words(entry):
    """As the browser reads a name, worked out another way: accents dropped, lower case, cut
    at what is not a letter, digit or mark (the browser test checks that the browser reads
    names as ``search.words`` does)."""
    text = unicodedata.normalize("NFD", entry[0] + " " + entry[3])
    kept = [c if unicodedata.category(c)[0] in "LNM" else " " for c in text]
    return "".join(c for c in kept if not 0x300 <= ord(c) <= 0x36F).lower().split()


def loaded_for(word, counts):
    """The shards ``search.js`` loads for a typed word: those of its longer beginnings and
    that of its longest listed beginning, unless that one was split."""
    needed = {beginning for beginning in counts if beginning.startswith(word)}
    own = max((b for b in counts if word.startswith(b)), key=len, default=None)
    if own is not None and not any(b != own and b.startswith(own) for b in counts):
        needed.add(own)
    return needed


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The mini dataset published whole and, past a threshold of 0, in shards of at most 3
    entries where a longer beginning can split them."""
    root = tmp_path_factory.mktemp("search")
    publish(MINI, root / "whole", Settings(modified="2026-01-01"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARDED_ABOVE", 0)
        patch.setattr(search, "SHARD_MOST", 3)
        patch.setattr(search, "LOADED_MOST", 8)
        publish(MINI, root / "sharded", Settings(modified="2026-01-01"))
    return root / "whole", root / "sharded"


def test_a_small_sites_search_is_one_list(sites):
    whole, _ = sites
    entries = read(whole / "search.json")
    assert isinstance(entries, list) and len(entries) > 5
    assert "Alpha project" in [entry[0] for entry in entries]
    assert not (whole / "search").exists()


def test_the_shards_find_every_entry_by_each_beginning_of_its_words(sites):
    whole, sharded = sites
    entries = read(whole / "search.json")
    listing = read(sharded / "search.json")
    assert listing["shards"] == "search/" and listing["most"] == 8
    counts = listing["counts"]
    shards = {}
    for beginning, count in counts.items():
        name = "-".join(f"{ord(letter):x}" for letter in beginning)
        path = sharded / "search" / f"{name}.json"
        assert path.exists() == (count <= 8), beginning  # a shard of more is not written
        if path.exists():
            shards[beginning] = read(path)
            assert len(shards[beginning]) == count
            for entry in shards[beginning]:
                assert entry[:4] == entries[entry[4]]  # with its rank in the whole list
    assert len(shards) == len(list((sharded / "search").iterdir()))
    assert max(len(beginning) for beginning in counts) >= 3  # split past two letters
    for rank, entry in enumerate(entries):
        for word in folded_words(entry):
            for typed in (word[:length] for length in range(1, len(word) + 1)):
                loaded = loaded_for(typed, counts)
                if sum(counts[beginning] for beginning in loaded) > 8:
                    continue  # the browser asks for more letters
                found = {held[4] for beginning in loaded for held in shards[beginning]}
                assert rank in found, (typed, entry)


def test_only_the_search_files_differ(sites):
    whole, sharded = sites
    others = {
        path.relative_to(whole).as_posix()
        for path in whole.rglob("*")
        if path.is_file() and not path.name.startswith(("search", ".liaise-lod-manifest"))
    }
    assert len(others) > 50
    for relative in others:
        assert (whole / relative).read_bytes() == (sharded / relative).read_bytes(), relative


def test_a_word_every_name_has_gets_no_endless_splitting(monkeypatch):
    monkeypatch.setattr(search, "SHARD_MOST", 2)
    monkeypatch.setattr(search, "LONGEST", 5)
    entries = [[f"Projectwithaverylongname {n}", "Project", f"p/{n}", ""] for n in range(6)]
    listing = json.loads(dict(search.sharded(entries, "search"))["search.json"])
    # The long word is split down to five letters and no further; the numbers each alone.
    assert listing["counts"] == {"proje": 6, **{str(n): 1 for n in range(6)}}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Sécurité URBAINE", ["securite", "urbaine"]),
        ("a\u00a0b\u2003c\ufeffd", ["a", "b", "c", "d"]),
        (
            "Paris-Saclay (HORIZON) l'Oréal H2020",
            ["paris", "saclay", "horizon", "l", "oreal", "h2020"],
        ),
        ("Ñandú 𝔘nicode हिन्दी", ["nandu", "𝔘nicode", "हिन्दी"]),  # letters past U+FFFF, marks
        ("ΟΔΥΣΣΕΥΣ", ["οδυσσευσ"]),  # Python and JavaScript lower the last Σ to ς: σ here
    ],
)
def test_words_are_folded_as_the_browser_folds_them(text, words):
    assert search.words(text) == words


def test_no_resource_takes_the_folder_of_the_search_shards(tmp_path):
    folder = "search"  # (``search.fr``'s is no page's: a dot makes no path segment)
    data = tmp_path / "climate"
    shutil.copytree(CLIMATE, data)
    vocabulary = data / "vocab" / "climate.ttl"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("climate/vocab/climate-topic", f"climate/{folder}/topic"))
    with pytest.raises(ConfigError, match=f"would have the page {folder}/topic"):
        publish(data, tmp_path / "site")
    assert not (tmp_path / "site").exists()
