"""Accessibility and search quality of the published pages, judged in a real headless Chromium
(Debian's) by two independent tools: Google's Lighthouse (npm `lighthouse`: accessibility, best
practices and SEO scores) and Deque's axe-core (npm `axe-core`, injected into the page).

One page of each kind is judged, once (Lighthouse takes seconds a page). A deliberately broken
page is judged beside them, so a harness that stopped seeing problems fails too."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from browser import Chromium
from checkers import JS_DIR, require_executable, require_npm_file
from conftest import EXAMPLE
from liaise_lod.publish import Settings, publish
from publish_helpers import serving

#: One page of each kind a visitor meets, by its URL path on the site.
PAGES = {
    "index": "/",
    "project": "/project/liaise-2",
    "event": "/event/liaise-2-seminar-3",
    "organisation": "/organisation/cep",
    "publication": "/publication/preventing-fighting-radicalisation-en",
    "person": "/person/tim-chapman",
    "queries": "/queries",
}
#: Checked by axe only (Lighthouse's seconds a page are kept for the kinds above).
AXE_ONLY = {
    "project in French": "/project/liaise-2.fr",
    "index in French": "/index.fr",
    "deliverable": "/deliverable/liaise-guide",
    "participation": "/participation/liaise-2--cep--partner",
}
BROKEN = "/broken.html"
#: Wrong in every way the judges look at: no doctype, language, title or description, an
#: unnamed image, link and button, grey on white, and closed to search engines.
BROKEN_PAGE = """<html><head><meta name="robots" content="noindex"></head><body>
<p style="color:#ccc;background:#fff;font-size:9px">faint text</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<a href="x"></a><button></button>
</body></html>"""
MINIMUM = 0.95
CATEGORIES = ("accessibility", "best-practices", "seo")
#: Runs axe-core on the page; gives its violations, each with its impact and first targets.
AXE_RUN = """axe.run(document, {resultTypes: ["violations"]}).then(results =>
  results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = tmp_path_factory.mktemp("quality") / "site"
    publish(EXAMPLE, site, Settings(modified="2026-01-15"))
    (site / BROKEN.lstrip("/")).write_text(BROKEN_PAGE, encoding="utf-8")
    with serving(site) as root:
        yield root


@pytest.fixture(scope="module")
def lighthouse(served):
    chromium = require_executable("chromium", "apt-get install chromium")
    node = require_executable("node", "apt-get install nodejs")
    require_npm_file("lighthouse/package.json")
    urls = [served + path for path in [*PAGES.values(), BROKEN]]
    run = subprocess.run(
        [node, str(JS_DIR / "lighthouse-pages.mjs"), *urls],
        cwd=JS_DIR,
        env={**os.environ, "CHROME_PATH": chromium},
        capture_output=True,
        text=True,
        timeout=900,  # a hang fails; a slow, busy machine does not
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    reports = json.loads(run.stdout)
    return {path: reports[served + path] for path in [*PAGES.values(), BROKEN]}


@pytest.fixture(scope="module")
def axe(served):
    """axe-core's violations on each page at desktop width (Lighthouse, whose accessibility
    audits are axe's too, sees the phone layout)."""
    executable = require_executable("chromium", "apt-get install chromium")
    source = require_npm_file("axe-core/axe.min.js").read_text(encoding="utf-8")
    expression = f"{source}\n;{AXE_RUN}"
    found: dict[str, list[dict]] = {}
    with Chromium(executable, width=1280, height=900) as browser:
        for path in [*PAGES.values(), *AXE_ONLY.values(), BROKEN]:
            rendered = browser.render(served + path, Path(os.devnull), {"violations": expression})
            found[path] = rendered.evaluations["violations"]
    return found


@pytest.mark.parametrize("kind", PAGES)
def test_lighthouse_scores_each_kind_of_page_highly(lighthouse, kind):
    report = lighthouse[PAGES[kind]]
    assert report["runtimeError"] is None
    low = {c: s for c, s in report["scores"].items() if s is None or s < MINIMUM}
    assert not low, (low, report["failed"])


def test_lighthouse_sees_a_broken_page(lighthouse):
    scores = lighthouse[BROKEN]["scores"]
    assert all(scores[category] < MINIMUM for category in CATEGORIES), scores


@pytest.mark.parametrize("kind", [*PAGES, *AXE_ONLY])
def test_axe_finds_no_serious_violation(axe, kind):
    violations = axe[{**PAGES, **AXE_ONLY}[kind]]
    assert violations is not None, "axe did not run"
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_axe_sees_a_broken_page(axe):
    found = {v["id"] for v in axe[BROKEN] if v["impact"] in ("serious", "critical")}
    expected = {"image-alt", "link-name", "button-name", "color-contrast", "html-has-lang"}
    assert expected <= found, found
