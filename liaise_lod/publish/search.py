"""The search's index, which ``search.js`` reads in the browser, so that searching needs no
server: a small JSON file per language listing every name a visitor may look for; for a large
site, shards by the beginnings of words, so that a visitor downloads a few of them and not
every name of the site.

Words are read as ``search.js`` reads them (``words``): decomposed, without the combining
accents U+0300 to U+036F, in lower case (a final sigma as any other), and cut at anything but
a letter, a digit or a mark (Unicode's categories L, N and M: "Paris-Saclay" is two words,
"l'Oréal" two).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import groupby

from ..namespaces import SCHEMA, SKOS
from .facts import Describer
from .index import LABELS
from .interface import interface
from .views import kind_singular

#: Kinds the search does not find (a participation is found by its organisation and project).
UNSEARCHED = frozenset({"participation"})
#: Other names a resource is found by: acronyms, alternative labels, codes.
_OTHER_NAMES = (SCHEMA.alternateName, SKOS.altLabel, SKOS.notation)
#: Entries past which the index is split in shards: up to here one file of about a megabyte
#: (some 100 bytes an entry, with the other names).
SHARDED_ABOVE = 10_000
#: Entries a shard holds at most where a longer beginning can split it (see ``sharded``).
SHARD_MOST = 5_000
#: Letters of the longest word beginning that names a shard (the bound of any splitting; a
#: word split further has a shard of its own, of any size).
LONGEST = 12
#: Entries the browser loads at most for a typed word; it asks for more letters or another
#: word instead. A shard of more (a word nearly every name has) is listed but not written.
LOADED_MOST = 20_000
_ACCENTS = re.compile("[\u0300-\u036f]")

#: An entry: name, kind, path from the site root, other names; in a shard, its rank as well.
Entry = list


def search_files(
    describer: Describer, resources: Iterable[str], language: str, name: str
) -> Iterator[tuple[str, bytes]]:
    """The search's files in ``language``, each as its path from the site root and its bytes,
    made one at a time: ``name.json`` (``name``: ``search``, ``search.fr``...) lists an entry
    for each resource a visitor may look for, by name; past ``SHARDED_ABOVE`` entries it lists
    shards instead (see ``sharded``). JSON, read with ``JSON.parse`` and shown with
    ``textContent``: no name can become markup."""
    entries = _entries(describer, resources, language)
    if len(entries) <= SHARDED_ABOVE:
        return iter([(f"{name}.json", _json(entries))])
    return sharded(entries, name)


def _entries(describer: Describer, resources: Iterable[str], language: str) -> list[Entry]:
    ui = interface(language)
    entries: list[Entry] = []
    for iri in resources:
        kind = describer.index.kind(iri) or "resource"
        if kind in UNSEARCHED:
            continue
        path = describer.path(iri)
        if path is None:
            continue
        label = describer.label(iri, language)
        others = {
            str(o)
            for s, p, o in describer.index.context.get(iri, ())
            if str(s) == iri and p in LABELS
        }
        others.update(str(o) for p in _OTHER_NAMES for o in describer.objects(iri, p))
        entries.append(
            [
                label,
                ui(kind_singular(kind)),
                describer.languages.page(path, language),
                " ".join(sorted(others - {label})),
            ]
        )
    entries.sort(key=lambda entry: (entry[0].casefold(), entry[2]))
    return entries


def sharded(entries: list[Entry], name: str) -> Iterator[tuple[str, bytes]]:
    """``entries`` in shards under ``name/``, each named by a word beginning and holding
    every entry with a word so beginning (``shard_name``), each entry with its rank in
    ``entries``; then ``name.json``, listing the number of entries in each shard.

    A beginning held by more than ``SHARD_MOST`` entries is split by the letter after it: its
    shard then holds the entries with that very word, and its longer beginnings have shards
    of their own. For a typed word, ``search.js`` loads the shards of its longer beginnings
    and, if the word is not among them, that of its longest listed beginning if it was not
    split; unless they hold more than ``LOADED_MOST`` entries together: such a shard is not
    written."""
    holders: dict[str, set[int]] = {}
    for rank, entry in enumerate(entries):
        for word in set(words(entry[0] + " " + entry[3])):
            holders.setdefault(word, set()).add(rank)
    folder = f"{name}/"
    counts: dict[str, int] = {}
    for beginning, ranks in _shards(holders):
        counts[beginning] = len(ranks)
        if len(ranks) <= LOADED_MOST:
            held = [[*entries[rank], rank] for rank in sorted(ranks)]
            yield f"{folder}{shard_name(beginning)}.json", _json(held)
    listing = {"shards": folder, "most": LOADED_MOST, "counts": dict(sorted(counts.items()))}
    yield f"{name}.json", _json(listing)


def _shards(holders: dict[str, set[int]]) -> Iterable[tuple[str, set[int]]]:
    """Each shard's word beginning and the entries it holds (see ``sharded``)."""
    waiting = [("", sorted(holders))]
    while waiting:
        beginning, group = waiting.pop()
        depth = len(beginning)
        ranks = set().union(*(holders[word] for word in group))
        longer = [word for word in group if len(word) > depth]
        # (Never the empty beginning: a shard has a name.)
        if depth and (len(ranks) <= SHARD_MOST or not longer or depth >= LONGEST):
            yield beginning, ranks
            continue
        if beginning in holders:
            yield beginning, holders[beginning]
        for letter, words_after in groupby(longer, key=lambda word: word[depth]):
            waiting.append((beginning + letter, list(words_after)))


def words(text: str) -> list[str]:
    """The words of ``text`` as ``search.js`` reads them."""
    folded = _ACCENTS.sub("", unicodedata.normalize("NFD", text)).lower().replace("ς", "σ")
    return [word for word in _between_words().split(folded) if word]


@cache
def _between_words() -> re.Pattern[str]:
    """What is neither a letter, a digit nor a mark (JavaScript's ``[^\\p{L}\\p{N}\\p{M}]``,
    which Python's ``re`` cannot say): every such character, as ranges."""
    ranges: list[str] = []
    start = None
    for code in range(sys.maxunicode + 2):
        inside = code <= sys.maxunicode and unicodedata.category(chr(code))[0] not in "LNM"
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append(f"{_escaped(start)}-{_escaped(code - 1)}")
            start = None
    return re.compile(f"[{''.join(ranges)}]+")


def _escaped(code: int) -> str:
    return f"\\U{code:08x}"


def shard_name(beginning: str) -> str:
    """A shard's file name: its word beginning's code points in hexadecimal (any letter is
    safe so in a file name and a URL); ``search.js`` names them alike."""
    return "-".join(f"{ord(letter):x}" for letter in beginning)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
