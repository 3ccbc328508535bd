// Search by name without a server: reads the site's small JSON index (one per language) and
// lists the resources whose names hold every word typed. Progressive enhancement: without
// this script the form stays hidden and the lists of the index page serve instead. Names are
// written with textContent, never as markup.
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
  let entries = null;
  let loading = null;

  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  function load() {
    if (!loading) {
      loading = fetch(root)
        .then((response) => (response.ok ? response.json() : []))
        .then((list) => {
          entries = list.map((entry) => ({
            name: entry[0],
            kind: entry[1],
            path: entry[2],
            key: fold(entry[0] + " " + (entry[3] || "")),
          }));
        })
        .catch(() => {
          entries = [];
        });
    }
    return loading;
  }

  function show() {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    results.replaceChildren();
    if (!words.length) {
      status.textContent = "";
      return;
    }
    const found = entries.filter((entry) => words.every((word) => entry.key.includes(word)));
    for (const entry of found.slice(0, LIMIT)) {
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
    const template = form.dataset[found.length === 1 ? "one" : "many"] || "{count}";
    status.textContent = template.replace("{count}", String(found.length));
  }

  form.hidden = false;
  if (fallback) fallback.hidden = true;
  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", () => load().then(show));
})();
