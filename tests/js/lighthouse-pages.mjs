// Lighthouse (accessibility, best practices, SEO) on several pages of one served site, in one
// headless Chromium (Debian's, from CHROME_PATH): `node lighthouse-pages.mjs URL...` prints
// {url: {scores: {category: score}, failed: [{id, title, category}]}} as JSON. Offline: the
// browser is kept off the network.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const CATEGORIES = ["accessibility", "best-practices", "seo"];
const urls = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions",
  ],
});
const results = {};
try {
  for (const url of urls) {
    const run = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: CATEGORIES,
      disableFullPageScreenshot: true,
      screenEmulation: { mobile: true, width: 390, height: 844, deviceScaleFactor: 1, disabled: false },
      formFactor: "mobile",
    }, {
      extends: "lighthouse:default",
      settings: {
        // A static site on 127.0.0.1: nothing to wait for once loaded, so no idle pauses. The
        // default "simulate" throttling keeps these (any other method forces 5 s waits); it only
        // affects the performance category, which is not run.
        pauseAfterFcpMs: 0, pauseAfterLoadMs: 0, networkQuietThresholdMs: 0, cpuQuietThresholdMs: 0,
        skipAboutBlank: true,
      },
    });
    const lhr = run.lhr;
    const failed = [];
    for (const category of CATEGORIES) {
      for (const ref of lhr.categories[category].auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          failed.push({ id: ref.id, title: audit.title, category, score: audit.score });
        }
      }
    }
    results[url] = {
      scores: Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c].score])),
      failed,
      runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null,
    };
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results));
