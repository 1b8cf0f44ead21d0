// The shared JS API test (js/tests/api.test.mjs, the file Node runs on the addon and on this
// module) inside headless Chromium, against the browser module: the repository is served on
// loopback, js/tests/browser.mjs runs every case in the page, and each case's outcome is reported
// here as its own node:test case, so a case failing in Chromium fails this file under its name.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { REPO_ROOT, launchBrowser, startServer } from "./harness.js";

let server;
let browser;
let results;
const problems = [];

before(async () => {
  // The whole repository: the page needs js/tests/, bindings-wasm/pkg/ and tests/vectors/.
  server = await startServer(REPO_ROOT);
  browser = await launchBrowser();
  const page = await browser.newPage();
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.base}/js/tests/browser.html`);
  results = await page.evaluate(
    async (urls) => (await import("/js/tests/browser.mjs")).run(urls),
    { module: "/bindings-wasm/pkg/signet_wasm.js", vectors: "/tests/vectors/" },
  );
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe("shared JavaScript API (wasm in Chromium)", () => {
  it("ran every case of js/tests/api.test.mjs in the page", async (t) => {
    // The page reports every case of the file it imported, failing or not; none means it ran nothing.
    assert.ok(Array.isArray(results) && results.length > 0, `results: ${JSON.stringify(results)}`);
    assert.equal(new Set(results.map((r) => r.name)).size, results.length, "case names are unique");
    for (const { name, ok, error } of results) {
      await t.test(name, () => {
        if (!ok) assert.fail(`in Chromium: ${error}`);
      });
    }
  });

  it("the page logged no errors", () => {
    assert.deepEqual(problems, []);
  });
});
