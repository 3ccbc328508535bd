// Search by name without a server: reads the site's small JSON index (one per language) and
// lists the resources whose names hold every word typed. A large site's index lists shards
// instead, each holding the names with a word of a given beginning; a name is then found when
// each typed word begins one of its words, and the shards loaded are those of the typed word
// whose shards hold the fewest names. Words are folded (accents and case aside) and cut at
// anything but a letter, a digit or a mark, as search.py cuts them. Progressive enhancement:
// without this script the form stays hidden and the lists of the index page serve instead.
// Names are written with textContent, never as markup.
"use strict";
(function () {
  const form = document.querySelector("form.search-form");
  if (!form || !window.fetch) return;
  const input = form.querySelector("input");
  const status = document.getElementById("search-status");
  const results = document.getElementById("search-results");
  const fallback = document.querySelector(".search-fallback");
  const root = new URL(form.dataset.index, document.baseURI);
  const LIMIT = 50;
  // The whole index (an array), or a large site's list of shards.
  let index = null;
  let loading = null;
  const shards = new Map();
  let asked = 0;

  const fold = (text) =>
    text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/ς/g, "σ"); // a final sigma typed as the last letter so far begins longer words
  const wordsOf = (text) => fold(text).match(/[\p{L}\p{N}\p{M}]+/gu) || [];

  const json = (url) =>
    fetch(url).then((response) => {
      if (!response.ok) throw new Error(response.status + " " + url);
      return response.json();
    });

  const entriesOf = (list) =>
    (Array.isArray(list) ? list : []).map((entry) => {
      const text = entry[0] + " " + (entry[3] || "");
      return {
        name: entry[0],
        kind: entry[1],
        path: entry[2],
        key: fold(text),
        words: wordsOf(text),
        rank: entry[4],
      };
    });

  function load() {
    if (!loading) {
      loading = json(root)
        .catch(() => [])
        .then((found) => {
          index = Array.isArray(found) ? entriesOf(found) : found;
        });
    }
    return loading;
  }

  // The entries that may match ``words``: all of them, or those of the shards of one word;
  // null when every word's shards hold too many.
  function candidates(words) {
    if (Array.isArray(index)) return Promise.resolve(index);
    const counts = index.counts || {};
    const listed = Object.keys(counts);
    let best = null;
    for (const word of words) {
      const needed = listed.filter((beginning) => beginning.startsWith(word));
      const own = listed
        .filter((beginning) => word.startsWith(beginning))
        .reduce((longest, next) => (next.length > longest.length ? next : longest), "");
      // A split beginning's own shard holds only that very word, shorter than the one typed.
      const split = listed.some((b) => b.length > own.length && b.startsWith(own));
      if (own && !needed.includes(own) && !split) needed.push(own);
      const total = needed.reduce((sum, beginning) => sum + counts[beginning], 0);
      if (best === null || total < best.total) best = { needed, total };
    }
    if (best.total > (index.most || 0)) return Promise.resolve(null);
    return Promise.all(best.needed.map(shard)).then((lists) => {
      const byRank = new Map();
      for (const list of lists) for (const entry of list) byRank.set(entry.rank, entry);
      return [...byRank.keys()].sort((a, b) => a - b).map((rank) => byRank.get(rank));
    });
  }

  function shard(beginning) {
    if (!shards.has(beginning)) {
      const name = Array.from(beginning, (letter) => letter.codePointAt(0).toString(16));
      const url = new URL(index.shards + name.join("-") + ".json", root);
      const loaded = json(url)
        .then(entriesOf)
        .catch(() => {
          shards.delete(beginning); // tried again at the next keystroke
          return [];
        });
      shards.set(beginning, loaded);
    }
    return shards.get(beginning);
  }

  async function show() {
    const mine = ++asked;
    const words = wordsOf(input.value);
    const found = words.length ? await candidates(words) : [];
    if (mine !== asked) return; // a later keystroke's search shows its own
    results.replaceChildren();
    if (!words.length) {
      status.textContent = "";
      return;
    }
    if (found === null) {
      status.textContent = form.dataset.short || "";
      return;
    }
    const holds = Array.isArray(index)
      ? (entry, word) => entry.key.includes(word)
      : (entry, word) => entry.words.some((own) => own.startsWith(word));
    const matching = found.filter((entry) => words.every((word) => holds(entry, word)));
    for (const entry of matching.slice(0, LIMIT)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = new URL(entry.path, root).href;
      link.textContent = entry.name;
      const kind = document.createElement("span");
      kind.className = "meta";
      kind.textContent = " " + entry.kind;
      item.append(link, kind);
      results.append(item);
    }
    const template = form.dataset[matching.length === 1 ? "one" : "many"] || "{count}";
    status.textContent = template.replace("{count}", String(matching.length));
  }

  form.hidden = false;
  if (fallback) fallback.hidden = true;
  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", () => load().then(show));
})();
